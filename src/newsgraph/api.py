"""The HTTP JSON API: ``create_app(db_path)`` returns a FastAPI app over one store.

Read routes call the library functions the CLI calls (``newsgraph.query.query``, the store's
read methods, ``newsgraph.network``); ``POST /api/v1/analyze`` calls ``pipeline.analyze``. Every
response is a JSON object; lists are ``{"items", "total", "limit", "offset"}``; every error is
``{"error": {"code", "message", "hint"}}``. See docs/api.md.

Totals, facets and the few filters ``query`` lacks (claims by speaker, kind, check-worthiness,
signals; one corpus event by id) go through ``query``'s ``refine`` (``newsgraph.query.Refine``):
more conditions over its result columns, and the unpaged statement it ran, which the API
counts and groups. So the filters of the API and of ``newsgraph query`` are one piece of SQL.

Text from documents is untrusted: it leaves only as JSON strings, and every response carries
``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that allows nothing.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from contextlib import contextmanager
from typing import Any, Iterator, Literal

import networkx as nx
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__, network, web
from .errors import NewsgraphError, describe
from .query import Refine, query
from .store import Store

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_LIMIT = 500
MAX_PLACES = 5000
FACET_TOP = 30
EVENT_FACETS = ("type", "status", "outlet", "actor", "recipient", "month")
DATE = r"^\d{4}-\d{2}-\d{2}$"

# Nothing an API response holds is meant to run or load anything in a browser.
CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# NewsgraphError codes -> HTTP status; any other code is unreadable input (400)
_STATUS = {"not_stored": 404, "not_found": 404, "bad_option": 422, "too_large": 413,
           "no_model": 503, "store_version": 503, "unreadable": 503}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def _error(status: int, code: str, message: str, hint: str = "") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "hint": hint}}, status_code=status)


def _page(items: list, total: int, limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset, **extra}


def _json(obj: dict[str, Any]) -> JSONResponse:
    """A response of plain JSON values (what the store and ``query`` return: dicts, lists,
    strings, numbers, None), rendered as FastAPI renders a returned dict but without its
    ``jsonable_encoder`` pass over every value (a third of the time of a large answer)."""
    return JSONResponse(obj)


def _run_query(store: Store, what: str, *, where: list[str] | None = None,
               params: list[Any] | None = None, **filters: Any) -> tuple[list[dict], Refine]:
    refine = Refine(where or [], params or [])
    return query(store, what, refine=refine, **filters), refine


def _total(store: Store, refine: Refine) -> int:
    return 0 if refine.statement is None else store.count_rows(*refine.statement)


def create_app(db_path: str | os.PathLike, *, allow_store: bool = True,
               max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The API over the store at ``db_path``. ``allow_store``: whether ``POST /analyze?store=true``
    may write to the store (the store is created when missing); without it the app only reads.
    ``max_body_bytes``: the largest POST body accepted (413 above it). Raises NewsgraphError
    when the store cannot be opened (read-only: missing, or of an older schema version)."""
    db_path = os.fspath(db_path)
    # create the store or bring its schema up to date once; read-only: refuse a store it cannot read
    Store(db_path, readonly=not allow_store).close()

    app = FastAPI(title="newsgraph API", version=__version__,
                  description="Evidence-linked political event data, claims and credibility "
                              "signals from news articles. Every error is "
                              '`{"error": {"code", "message", "hint"}}`.',
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None)
    app.state.db_path = db_path
    app.state.allow_store = allow_store

    @contextmanager
    def reading() -> Iterator[Store]:
        # one connection per request: a Store belongs to the thread that opened it
        store = Store(db_path, readonly=True)
        try:
            yield store
        finally:
            store.close()

    # -- errors and headers ---------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.hint)

    @app.exception_handler(NewsgraphError)
    async def _newsgraph_error(request: Request, exc: NewsgraphError) -> JSONResponse:
        return _error(_STATUS.get(exc.code, 400), exc.code, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
            problems.append(f"{where or 'request'}: {e.get('msg', 'invalid')}")
        return _error(422, "bad_option", "; ".join(problems) or "a parameter has a wrong value",
                      f"see {API_PREFIX}/openapi.json for the parameters")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        hint = f"the routes are listed at {API_PREFIX}/openapi.json" if exc.status_code in (404, 405) else ""
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, code, message, hint)

    @app.exception_handler(sqlite3.Error)
    async def _sqlite_error(request: Request, exc: sqlite3.Error) -> JSONResponse:
        return _error(503, "store_error", f"the store could not answer: {exc}",
                      "check the store file; another process may be holding it")

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        ui = not request.url.path.startswith(API_PREFIX)
        response.headers["Content-Security-Policy"] = web.CSP_UI if ui else CSP_API
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # -- routes ---------------------------------------------------------------------------

    Limit = Query(50, ge=1, le=MAX_LIMIT, description=f"Page size (1-{MAX_LIMIT}).")
    Offset = Query(0, ge=0, description="Rows to skip.")
    Since = Query(None, pattern=DATE, description="YYYY-MM-DD, inclusive.")
    Until = Query(None, pattern=DATE, description="YYYY-MM-DD, inclusive.")

    @app.get(f"{API_PREFIX}/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Versions and store counts."""
        import fastapi
        with reading() as store:
            counts = store.counts()
            schema = store.schema_version
        return {"status": "ok", "api": "v1", "newsgraph": __version__, "schema_version": schema,
                "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                "fastapi": fastapi.__version__, "allow_store": allow_store, "counts": counts}

    @app.get(f"{API_PREFIX}/documents", tags=["documents"])
    def documents(q: str | None = Query(None, description="Full-text search (FTS5 syntax; "
                                        "otherwise searched as a phrase)."),
                  actor: str | None = None, type: str | None = None, outlet: str | None = None,
                  since: str | None = Since, until: str | None = Until,
                  place: str | None = None, facets: bool = True,
                  limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
        """Stored documents, newest first, with facets (outlet, month, event type) over every
        document that passes the filters."""
        with reading() as store:
            items, scoped = _run_query(store, "documents", actor=actor, type=type, outlet=outlet,
                                       since=since, until=until, place=place, text=q,
                                       limit=limit, offset=offset)
            total = _total(store, scoped)
            out = _page(items, total, limit, offset)
            if facets:
                out["facets"] = (store.document_facets(*scoped.statement) if scoped.statement
                                 else {"outlet": [], "month": [], "event_type": []})
        return out

    @app.get(f"{API_PREFIX}/documents/{{key}}", tags=["documents"])
    def document(key: str) -> dict[str, Any]:
        """One stored analysis (the contract object) by document id, hash or hash prefix, with
        the corpus events of its events and the corroboration of its claims."""
        with reading() as store:
            obj = store.get_analysis(key)
            if obj is None:
                raise ApiError(404, "not_stored", f"no stored document matches {key!r}",
                               f"list documents at {API_PREFIX}/documents")
            links = store.document_links(obj["document"]["hash"])
        return {"analysis": obj, "corpus": links}

    def _event_filters(actor, recipient, type, status, outlet, since, until, place, q, min_reports):
        return dict(actor=actor, recipient=recipient, type=type, status=status, outlet=outlet,
                    since=since, until=until, place=place, text=q, min_reports=min_reports)

    @app.get(f"{API_PREFIX}/events", tags=["events"])
    def events(actor: str | None = None, recipient: str | None = None, type: str | None = None,
               status: str | None = None, outlet: str | None = None,
               since: str | None = Since, until: str | None = Until, place: str | None = None,
               q: str | None = None, min_reports: int | None = Query(None, ge=1),
               facets: bool = Query(False, description="Also count every corpus event that passes "
                                    "the filters by type, status, outlet, actor, recipient and month."),
               reports: bool = Query(True, description="false: leave out each event's reports "
                                     "(its outlets are still listed); for tables of events."),
               limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
        """Corpus events (after `newsgraph corpus build`) with their reports: the filters of
        `newsgraph query events`; with `facets`, their counts over every matching event."""
        with reading() as store:
            items, scoped = _run_query(store, "events", limit=limit, offset=offset, reports=reports,
                                       **_event_filters(actor, recipient, type, status, outlet, since,
                                                        until, place, q, min_reports))
            out = _page(items, _total(store, scoped), limit, offset)
            if facets:
                out["facets"] = (store.corpus_event_facets(*scoped.statement, top=FACET_TOP,
                                                           everything=scoped.everything,
                                                           matching=out["total"])
                                 if scoped.statement else {k: [] for k in EVENT_FACETS})
        return _json(out)

    @app.get(f"{API_PREFIX}/events/{{event_id}}", tags=["events"])
    def event(event_id: str) -> dict[str, Any]:
        """One corpus event with its reports, actors and recipients."""
        with reading() as store:
            items, _ = _run_query(store, "events", where=["q.id = ?"], params=[event_id], limit=1)
        if not items:
            raise ApiError(404, "not_found", f"no corpus event {event_id!r}",
                           f"list corpus events at {API_PREFIX}/events (after `newsgraph corpus build`)")
        return _json(items[0])

    @app.get(f"{API_PREFIX}/places", tags=["events"])
    def places(actor: str | None = None, recipient: str | None = None, type: str | None = None,
               status: str | None = None, outlet: str | None = None,
               since: str | None = Since, until: str | None = Until,
               q: str | None = None, min_reports: int | None = Query(None, ge=1),
               limit: int = Query(1000, ge=1, le=MAX_PLACES, description=f"At most this many "
                                  f"places (1-{MAX_PLACES}), those with the most events first."),
               offset: int = Offset) -> dict[str, Any]:
        """Corpus events per place (for a map), with the filters of `/events`: `{place,
        country, lat, lon, events, reports}`, most events first; `unplaced` counts the events
        without a place."""
        with reading() as store:
            _, scoped = _run_query(store, "events", limit=0, **_event_filters(
                actor, recipient, type, status, outlet, since, until, None, q, min_reports))
            if scoped.statement is None:
                items, total, unplaced = [], 0, 0
            else:
                items, total, unplaced = store.corpus_event_places(*scoped.statement, limit=limit,
                                                                   offset=offset)
        return _json(_page(items, total, limit, offset, unplaced=unplaced))

    @app.get(f"{API_PREFIX}/actors", tags=["actors"])
    def actors(q: str | None = Query(None, description="Id, CAMEO code or part of the name."),
               kind: str | None = None, country: str | None = None,
               limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
        """Stored actors, most events first, with their event and document counts."""
        with reading() as store:
            items, total = store.list_actors(q=q, kind=kind, country=country, limit=limit, offset=offset)
        return _json(_page(items, total, limit, offset))

    @app.get(f"{API_PREFIX}/actors/{{actor_id}}", tags=["actors"])
    def actor(actor_id: str, since: str | None = Since, until: str | None = Until,
              depth: int = Query(1, ge=1, le=3, description="Network neighbourhood radius."),
              limit: int = Limit) -> dict[str, Any]:
        """One actor: its corpus events, its timeline (stored events in date order) and its
        network neighbourhood."""
        with reading() as store:
            info = store.get_actor(actor_id)
            if info is None:
                raise ApiError(404, "not_found", f"no stored actor {actor_id!r}",
                               f"search actors at {API_PREFIX}/actors?q=NAME")
            evs, scoped = _run_query(store, "events", where=["q.id IN (SELECT corpus_event_id FROM "
                                     "corpus_event_actors WHERE actor_id = ?)"], params=[actor_id],
                                     since=since, until=until, limit=limit)
            n_events = _total(store, scoped)
            # one page of the timeline, read as a page, and its length
            timeline = network.actor_timeline(store, actor_id, since=since, until=until, limit=limit)
            n_timeline = network.actor_timeline_count(store, actor_id, since=since, until=until)
            graph = network.pair_network(store, since=since, until=until, around=actor_id, depth=depth)
        hood = _neighbourhood(graph, actor_id, depth)
        return _json({"actor": info,
                      "events": _page(evs, n_events, limit, 0),
                      "timeline": _page(timeline, n_timeline, limit, 0),
                      "network": _graph_json(hood, limit=None)})

    @app.get(f"{API_PREFIX}/claims", tags=["claims"])
    def claims(speaker_kind: str | None = Query(None, description="author, source, ..."),
               speaker: str | None = Query(None, description="Speaker name (case-insensitive)."),
               kind: str | None = None,
               min_checkworthiness: float | None = Query(None, ge=0, le=1),
               max_checkworthiness: float | None = Query(None, ge=0, le=1),
               status: Literal["corroborated", "contested", "unverified"] | None = None,
               signals: bool | None = Query(None, description="true: claims overlapping a "
                                            "propaganda signal; false: claims overlapping none."),
               actor: str | None = None, outlet: str | None = None,
               since: str | None = Since, until: str | None = Until, place: str | None = None,
               q: str | None = None, limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
        """Claims, most check-worthy first, with their corroboration."""
        where, params = [], []
        if speaker_kind:
            where.append("q.speaker_kind = ?")
            params.append(speaker_kind)
        if speaker:
            where.append("q.speaker_name = ? COLLATE NOCASE")
            params.append(speaker)
        if kind:
            where.append("q.kind = ?")
            params.append(kind)
        if min_checkworthiness is not None:
            where.append("q.checkworthiness >= ?")
            params.append(min_checkworthiness)
        if max_checkworthiness is not None:
            where.append("q.checkworthiness <= ?")
            params.append(max_checkworthiness)
        if signals is not None:
            where.append(("" if signals else "NOT ") + "EXISTS (SELECT 1 FROM signals AS s WHERE "
                         's.doc_hash = q.hash AND s.start < q."end" AND s."end" > q.start)')
        with reading() as store:
            items, scoped = _run_query(store, "claims", where=where, params=params, actor=actor,
                                       status=status, outlet=outlet, since=since, until=until,
                                       place=place, text=q, limit=limit, offset=offset)
            return _page(items, _total(store, scoped), limit, offset)

    @app.get(f"{API_PREFIX}/network", tags=["network"])
    def network_route(since: str | None = Since, until: str | None = Until,
                      actor: str | None = Query(None, description="Focus: this actor id's neighbourhood."),
                      depth: int = Query(1, ge=1, le=3),
                      limit: int = Query(200, ge=1, le=5000, description="At most this many nodes "
                                         "(those with the most events).")) -> dict[str, Any]:
        """The actor network: one node per actor, one edge per (actor, recipient) pair with its
        event counts."""
        with reading() as store:
            if actor is not None and store.get_actor(actor) is None:
                raise ApiError(404, "not_found", f"no stored actor {actor!r}",
                               f"search actors at {API_PREFIX}/actors?q=NAME")
            graph = network.pair_network(store, since=since, until=until, around=actor, depth=depth)
        if actor is not None:
            graph = _neighbourhood(graph, actor, depth)
        return _json({"since": since, "until": until, "actor": actor, "depth": depth if actor else None,
                      **_graph_json(graph, limit=limit)})

    @app.get(f"{API_PREFIX}/timeline", tags=["events"])
    def timeline(interval: Literal["day", "month", "year"] = "month",
                 actor: str | None = None, recipient: str | None = None, type: str | None = None,
                 status: str | None = None, outlet: str | None = None,
                 since: str | None = Since, until: str | None = Until, place: str | None = None,
                 q: str | None = None, min_reports: int | None = Query(None, ge=1)) -> dict[str, Any]:
        """Corpus events (and their reports) per day, month or year, with the filters of
        `/events`."""
        with reading() as store:
            _, scoped = _run_query(store, "events", limit=0, **_event_filters(
                actor, recipient, type, status, outlet, since, until, place, q, min_reports))
            items = ([] if scoped.statement is None
                     else store.corpus_event_histogram(*scoped.statement, interval=interval))
        return _json({"interval": interval, "items": items, "total": len(items),
                      "limit": len(items), "offset": 0})

    @app.post(f"{API_PREFIX}/analyze", tags=["analyze"], openapi_extra={"requestBody": {
        "required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "description": 'Either `text` or `html` with optional metadata, or a contract-style '
                           '`{"document": {"text", "source", "published", "url", "title", "id"}}`.',
            "properties": {k: {"type": "string"} for k in
                           ("text", "html", "outlet", "date", "url", "title", "id")}}}}}})
    async def analyze_route(request: Request, store: bool = Query(
            False, description="Store the analysis (when the server allows storing).")) -> dict[str, Any]:
        """Analyse one article; returns the contract object (and whether it was stored)."""
        body = await _read_body(request, max_body_bytes)
        doc_fields = _analyze_input(body)
        if store and not allow_store:
            raise ApiError(403, "store_disabled", "this server does not store analyses",
                           "call without ?store=true, or start the server with storing allowed")
        from starlette.concurrency import run_in_threadpool
        return await run_in_threadpool(_analyze, db_path, doc_fields, store)

    web.mount(app)
    return app


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the request body has {int(declared):,} bytes; "
                       f"the limit is {limit:,}", "send a shorter article")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise ApiError(413, "too_large", f"the request body is over the limit of {limit:,} bytes",
                           "send a shorter article")
    return bytes(data)


_FIELDS = ("text", "html", "outlet", "date", "url", "title", "id")


def _analyze_input(body: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_json", f"the request body is not JSON: {exc}",
                       'send {"text": "..."} with Content-Type: application/json') from None
    if not isinstance(obj, dict):
        raise ApiError(400, "bad_record", "the request body must be a JSON object", describe("bad_record")[1])
    if isinstance(obj.get("document"), dict):   # a contract-style document
        d = obj["document"]
        obj = {"text": d.get("text"), "html": d.get("html"), "outlet": d.get("source", d.get("outlet")),
               "date": d.get("published", d.get("date")), "url": d.get("url"),
               "title": d.get("title"), "id": d.get("id")}
    else:
        obj = {**obj, "outlet": obj.get("outlet", obj.get("source")),
               "date": obj.get("date", obj.get("published"))}
    out = {k: obj.get(k) for k in _FIELDS}
    for k, v in out.items():
        if v is not None and not (isinstance(v, str) or (k == "id" and isinstance(v, int)
                                                        and not isinstance(v, bool))):
            raise ApiError(400, "bad_record", f"`{k}` must be a string", describe("bad_record")[1])
    if (out["text"] is None) == (out["html"] is None):
        raise ApiError(400, "bad_record", "give exactly one of `text` and `html`",
                       describe("bad_record")[1])
    return out


def _analyze(db_path: str, fields: dict[str, Any], store: bool) -> dict[str, Any]:
    from .ingest import document_from_html, document_from_text
    from .pipeline import analyze

    meta = {k: fields[k] for k in ("outlet", "date", "url", "title", "id")}
    if meta["id"] is not None:
        meta["id"] = str(meta["id"])
    if fields["text"] is not None:
        document = document_from_text(fields["text"], **meta)
    else:
        document = document_from_html(fields["html"], **meta)
    obj = analyze(document).to_dict()
    stored = False
    if store:
        with Store(db_path) as st:
            stored = st.add_analyses([obj]) > 0
    return {"analysis": obj, "stored": stored}


def _neighbourhood(graph: nx.DiGraph, actor_id: str, depth: int) -> nx.DiGraph:
    if actor_id not in graph:
        return nx.DiGraph()
    return nx.ego_graph(graph, actor_id, radius=depth, undirected=True)


def _graph_json(graph: nx.DiGraph, *, limit: int | None) -> dict[str, Any]:
    nodes = sorted(graph.nodes(data=True), key=lambda n: (-n[1].get("events", 0), n[0]))
    kept = nodes if limit is None else nodes[:limit]
    ids = {n for n, _ in kept}
    edges = [{"source": a, "target": b, **data} for a, b, data in graph.edges(data=True)
             if a in ids and b in ids]
    edges.sort(key=lambda e: (-e["events"], e["source"], e["target"]))
    return {"nodes": [{"id": n, **data} for n, data in kept], "edges": edges,
            "total_nodes": graph.number_of_nodes(), "total_edges": graph.number_of_edges()}
