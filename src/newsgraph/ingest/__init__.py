"""The ingest layer: files, directories, JSON Lines, HTML and stdin -> ``Document``.

Inputs that cannot be used become ``Skipped(origin, code, reason)`` records with a
code from ``newsgraph.errors.CATALOGUE``; a bad input never stops a batch.

Metadata precedence (highest first): what the caller states (keyword arguments,
JSON Lines fields), what the input says (a text header block, the HTML page's
metadata, the title line), the outlet derived from the URL's domain, and last
the ``outlet`` / ``date`` options of ``iter_documents`` (the CLI's --outlet and
--date), which only fill gaps. See docs/ingest.md for formats and limits.

Modules: ``readers`` (paths, directories, JSON Lines, stdin), ``documents`` (text
or HTML -> Document), ``decode`` (bytes -> text), ``meta`` (dates, outlets,
header block, title), ``boilerplate`` (rule-driven cleaning), ``language``.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Iterable, Iterator, TextIO

from ..errors import NewsgraphError
from ..model import Document, Skipped
from .boilerplate import clean_text
from .documents import build_from_html, build_from_text, given_meta
from .meta import Meta, check_date_option, clean_outlet, normalize_date, outlet_from_url
from .readers import read_inputs

__all__ = ["DEFAULT_MAX_BYTES", "iter_documents", "document_from_text", "document_from_html",
           "clean_text", "normalize_date", "outlet_from_url"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def iter_documents(paths: Iterable[str | os.PathLike], *, outlet: str | None = None, date: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, stdin: TextIO | BinaryIO | None = None,
                   check_language: bool = True) -> Iterator[Document | Skipped]:
    """Documents (or Skipped records) from files, directories and ``"-"`` (stdin), in order.

    Directories are read recursively in sorted order, hidden entries skipped.
    ``outlet`` and ``date`` apply to inputs whose own metadata names none.
    Raises NewsgraphError up front (not while iterating) for a ``date`` that is
    not YYYY-MM-DD (code ``bad_date``) or a ``max_bytes`` that is not positive.
    """
    fallback = Meta(outlet=clean_outlet(outlet), date=check_date_option(date))
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise NewsgraphError("bad_option", f"--max-bytes must be a positive number of bytes, got {max_bytes!r}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return read_inputs([p if p == "-" else os.fspath(p) for p in paths], fallback=fallback,
                       max_bytes=max_bytes, stdin=stdin, check_language=check_language)


def document_from_text(text: str, *, id: str | None = None, outlet: str | None = None, date: str | None = None,
                       url: str | None = None, title: str | None = None, origin: str | None = None) -> Document:
    """One Document from plain text: header block, boilerplate and title line removed.

    The keyword arguments win over the text's own header. The language is
    detected and recorded, never refused. Raises NewsgraphError ``empty`` when no
    text is left and ``bad_date`` for a ``date`` that cannot be read.
    """
    document, _ = build_from_text(text, given=given_meta(id=id, outlet=outlet, date=date, url=url, title=title),
                                  origin=origin)
    return document


def document_from_html(html: str, *, id: str | None = None, outlet: str | None = None, date: str | None = None,
                       url: str | None = None, title: str | None = None, origin: str | None = None) -> Document:
    """One Document from an HTML page (main text and metadata by trafilatura).

    Raises NewsgraphError ``no_article`` when the page holds no article text.
    """
    document, _ = build_from_html(html, given=given_meta(id=id, outlet=outlet, date=date, url=url, title=title),
                                  origin=origin)
    return document

