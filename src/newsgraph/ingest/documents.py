"""Text or HTML plus metadata -> one cleaned ``Document``.

One path for every input kind: the HTML path extracts the main text and the
page metadata, then both paths clean boilerplate, settle the title, merge the
metadata and detect the language the same way.

Metadata precedence, highest first:
1. ``given``: what the caller states (keyword arguments of document_from_text,
   the fields of a JSON Lines record);
2. ``found``: what the input itself says (a text header block, the HTML page's
   metadata, the title line);
3. derived: the outlet from the URL's domain;
4. ``fallback``: the --outlet / --date options, for inputs that name none.
"""

from __future__ import annotations

import heapq
import html as _html
import re
from dataclasses import replace
from datetime import date as _date
from typing import Iterable

from ..errors import NewsgraphError
from ..model import Boilerplate, Document
from .boilerplate import clean_text, normalize_newlines
from .language import LanguageGuess, detect_language
from .meta import Meta, clean_outlet, normalize_date, outlet_from_url, parse_header, scan_top, split_title

_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|"""
    r"""og:published_time|pubdate|publishdate|date)["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.I)


def _finish(body: str, *, given: Meta, found: Meta, fallback: Meta, origin: str | None,
            removed: Iterable[Boilerplate], infer_title: bool) -> tuple[Document, LanguageGuess]:
    top = scan_top(normalize_newlines(body))
    found = found.over(top.meta)
    text, cleaned = clean_text(top.body)
    title = given.title or found.title
    title, text = split_title(text, title) if (title or infer_title) else (None, text)
    text = text.strip()
    if not text:
        raise NewsgraphError("empty", "no article text is left after removing boilerplate"
                             if body.strip() else "the input holds no text")
    meta = given.over(replace(found, title=title))
    if meta.outlet is None:
        meta = replace(meta, outlet=outlet_from_url(meta.url))
    meta = meta.over(fallback)
    guess = detect_language(text)
    in_body = _in_order(body, top.removed, cleaned)
    document = Document.create(text, id=meta.id, source=meta.outlet, url=meta.url, title=meta.title,
                               published=meta.date, language=guess.language,
                               boilerplate=(*removed, *in_body), origin=origin)
    return document, guess


def _in_order(body: str, *runs: Iterable[Boilerplate]) -> list[Boilerplate]:
    """Merge runs of removed pieces, each already in document order, into body order."""
    def located(run: Iterable[Boilerplate]) -> list[tuple[int, int, Boilerplate]]:
        out, cursor = [], 0
        for n, piece in enumerate(run):
            at = body.find(piece.text.split("\n", 1)[0], cursor)
            cursor = (at if at >= 0 else cursor) + 1
            out.append((cursor, n, piece))
        return out
    return [piece for _, _, piece in heapq.merge(*map(located, runs), key=lambda x: x[0])]


def build_from_text(text: str, *, given: Meta = Meta(), fallback: Meta = Meta(), origin: str | None = None,
                    notes: Iterable[Boilerplate] = ()) -> tuple[Document, LanguageGuess]:
    """A Document from plain text and the language guess behind its ``language``."""
    text = normalize_newlines(text)
    if not text.strip():
        raise NewsgraphError("empty", "the input is empty" if not text else "the input holds only whitespace")
    header = parse_header(text.lstrip("\n"))
    return _finish(header.body, given=given, found=header.meta, fallback=fallback, origin=origin,
                   removed=(*notes, *header.removed), infer_title=True)


def build_from_html(page: str, *, given: Meta = Meta(), fallback: Meta = Meta(), origin: str | None = None,
                    notes: Iterable[Boilerplate] = ()) -> tuple[Document, LanguageGuess]:
    """A Document from an HTML page: main text and metadata by trafilatura."""
    if not page.strip():
        raise NewsgraphError("empty", "the input holds no text")
    extracted = _extract(page, given.url)
    body = "\n\n".join(line.strip() for line in (extracted.get("text") or "").split("\n") if line.strip())
    if not body:
        raise NewsgraphError("no_article", "no article text found in the HTML "
                             "(a list, a login wall or a script-only page?)")
    url = extracted.get("url") or None
    sitename = extracted.get("sitename") or None
    found = Meta(outlet=clean_outlet(sitename), url=url, title=_one_line(extracted.get("title")),
                 date=normalize_date(extracted.get("date") or "") or _published_meta(page))
    if found.title is None:
        match = _TITLE_TAG.search(page)
        found = replace(found, title=_one_line(_html.unescape(match.group(1))) if match else None)
    return _finish(body, given=given, found=found, fallback=fallback, origin=origin,
                   removed=notes, infer_title=False)


def _extract(page: str, url: str | None) -> dict:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            page, url=url, with_metadata=True, include_comments=False, favor_precision=True,
            include_tables=True, deduplicate=False,
            date_extraction_params={"original_date": True, "extensive_search": False,
                                    "max_date": _date.today().isoformat()})
    except Exception as exc:  # a parser failure on one page must not stop a batch
        raise NewsgraphError("no_article", f"HTML extraction failed: {type(exc).__name__}: {exc}") from None
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.as_dict()


def _one_line(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _published_meta(page: str) -> str | None:
    for tag in _PUBLISHED_META.findall(page[:200_000]):
        content = _CONTENT.search(tag)
        date = normalize_date(content.group(1)) if content else None
        if date:
            return date
    return None


def given_meta(*, id=None, outlet=None, date=None, url=None, title=None) -> Meta:
    """Keyword metadata of the public functions; a date that cannot be read is a user error."""
    published = None
    if date is not None:
        published = normalize_date(str(date))
        if published is None:
            raise NewsgraphError("bad_date", f"date {date!r} is not a full date", "use YYYY-MM-DD")
    return Meta(id=None if id in (None, "") else str(id), outlet=clean_outlet(outlet), date=published,
                url=url or None, title=_one_line(title))
