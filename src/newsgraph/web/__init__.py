"""The web UI: static files in ``newsgraph/web/static`` served by the API's app (no CDN, no
build step). ``mount(app)`` adds ``/`` (the single page) and ``/static/...``.

Every page is one HTML file whose script reads the JSON API; the script renders document text
and every field as text nodes, never as HTML, and the pages' Content-Security-Policy allows only
this server's own scripts, styles and fetches (no inline script, no eval, no other origin), so a
document holding ``<script>`` or ``onerror=`` shows as text and runs nothing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse

STATIC = Path(str(resources.files(__package__) / "static"))

# The UI's pages may load this server's scripts, styles, images and JSON, nothing else.
CSP_UI = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
          "frame-ancestors 'none'; object-src 'none'")

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
          ".html": "text/html; charset=utf-8", ".ico": "image/x-icon"}


def mount(app: FastAPI) -> None:
    """Serve the UI from ``app``: ``/`` and ``/ui`` (the page), ``/static/NAME``."""
    from .. import api   # ApiError for a missing file: the API's one error shape

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui", status_code=307)

    @app.get("/ui", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type=_TYPES[".html"],
                            headers={"Cache-Control": "no-cache"})

    @app.get("/static/{name:path}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = (STATIC / name).resolve()
        if STATIC.resolve() not in path.parents or not path.is_file() or path.suffix not in _TYPES:
            raise api.ApiError(404, "not_found", f"no static file {name!r}", "the UI is at /ui")
        return FileResponse(path, media_type=_TYPES[path.suffix],
                            headers={"Cache-Control": "no-cache"})
