"""WARC archives (ISO 28500; Common Crawl, news-please, wget --warc-file, Heritrix): the HTML
pages they hold, one record at a time.

``.warc`` and ``.warc.gz`` (one gzip member per record, as crawlers write them, or the whole
file compressed) are streamed: a record's payload is read only when it is an HTTP response or a
resource, and never more than ``max_bytes`` of it is held. ``response`` and ``resource`` records
whose payload is HTML become pages (URL from ``WARC-Target-URI``, crawl time from ``WARC-Date``,
the charset the HTTP header declares); requests, metadata, revisits and warcinfo records are not
articles and are passed over; a response that is not a successful HTML page (an image, a
redirect, a 404) is reported, as is a damaged record, and the archive goes on with the next one.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

ARTICLE_TYPES = ("response", "resource")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HEADER_LIMIT = 1 << 16   # bytes of WARC or HTTP header before a record counts as damaged


@dataclass(frozen=True)
class Page:
    """An HTML page from a WARC record."""

    origin: str          # "archive.warc.gz@OFFSET" where OFFSET is the record's number
    url: str | None
    crawled: str | None  # the WARC-Date, ISO 8601
    html: bytes
    charset: str | None  # the charset the HTTP Content-Type declares


@dataclass(frozen=True)
class Problem:
    """A record that is not a usable page, and why (``code`` as in Skipped)."""

    origin: str
    code: str
    reason: str


def is_warc(path: str) -> bool:
    lower = path.lower()
    return lower.endswith((".warc", ".warc.gz", ".warc.gzip"))


def looks_like_warc(head: bytes) -> bool:
    """Whether the first bytes of an input are a WARC record (plain or gzip-compressed)."""
    if head.startswith(b"WARC/"):
        return True
    if head[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/")
        except zlib.error:
            return False
    return False


def open_warc(raw: BinaryIO) -> BinaryIO:
    """The uncompressed stream of a WARC file (gzip members are read one after another)."""
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)   # reads concatenated members as one stream
    return raw


def pages(stream: BinaryIO, base: str, max_bytes: int) -> Iterator[Page | Problem]:
    """The pages and problems of one uncompressed WARC stream, in order."""
    number = 0
    while True:
        number += 1
        origin = f"{base}@{number}"
        try:
            header = _read_header(stream)
        except _Damaged as exc:
            yield Problem(origin, "bad_warc", str(exc))
            return   # without a header the next record's start is unknown
        except (OSError, EOFError, zlib.error) as exc:
            yield Problem(origin, "bad_warc", f"the archive cannot be read past here: {exc}")
            return
        if header is None:
            return
        version, fields = header
        try:
            length = int(fields.get("content-length", ""))
        except ValueError:
            yield Problem(origin, "bad_warc", f"{version} record without a valid Content-Length")
            return
        kind = fields.get("warc-type", "").lower()
        if kind not in ARTICLE_TYPES:
            if not _skip(stream, length):
                yield Problem(origin, "bad_warc", "the archive ends inside a record")
                return
            _end_of_record(stream)
            continue
        if length > max_bytes:
            ok = _skip(stream, length)
            _end_of_record(stream)
            yield Problem(origin, "too_large", f"the record's payload is {length:,} bytes; the limit is "
                                               f"{max_bytes:,} (--max-bytes)")
            if not ok:
                return
            continue
        try:
            body = stream.read(length)
        except (OSError, EOFError, zlib.error) as exc:
            yield Problem(origin, "bad_warc", f"the archive cannot be read past here: {exc}")
            return
        if len(body) < length:
            yield Problem(origin, "bad_warc", f"the archive ends inside a record ({len(body):,} of "
                                              f"{length:,} bytes)")
            return
        _end_of_record(stream)
        url = fields.get("warc-target-uri", "").strip("<> ") or None
        crawled = fields.get("warc-date") or None
        where = f"{origin} ({url})" if url else origin
        content_type = fields.get("content-type", "").lower()
        if kind == "response" and content_type.startswith("application/http"):
            item = _http_response(body, where)
            if isinstance(item, Problem):
                yield item
                continue
            payload, media, charset = item
        else:   # a resource record, or a response stored without its HTTP envelope
            payload, (media, charset) = body, _media_type(content_type)
        if media not in HTML_TYPES and not (media in ("", "text/plain") and _looks_html(payload)):
            yield Problem(where, "not_html", f"the record holds {media or 'an undeclared type'}, "
                                             "not an HTML page")
            continue
        yield Page(origin, url, crawled, payload, charset)


class _Damaged(Exception):
    pass


def _read_header(stream: BinaryIO) -> tuple[str, dict[str, str]] | None:
    """The next record's version line and fields (names lower-cased), or None at the end."""
    line = stream.readline(_HEADER_LIMIT)
    while line in (b"\r\n", b"\n"):   # tolerate extra blank lines between records
        line = stream.readline(_HEADER_LIMIT)
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        raise _Damaged(f"expected a WARC record, found {line[:40]!r}")
    version = line.strip().decode("ascii", "replace")
    fields: dict[str, str] = {}
    size = len(line)
    name = None
    while True:
        line = stream.readline(_HEADER_LIMIT)
        size += len(line)
        if not line:
            raise _Damaged("the archive ends inside a record header")
        if size > _HEADER_LIMIT:
            raise _Damaged(f"a record header over {_HEADER_LIMIT:,} bytes")
        if line in (b"\r\n", b"\n"):
            return version, fields
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text[:1] in (" ", "\t") and name:   # a folded continuation line
            fields[name] += " " + text.strip()
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise _Damaged(f"a malformed header line {text[:60]!r}")
        name = name.strip().lower()
        fields[name] = value.strip()


def _skip(stream: BinaryIO, length: int, chunk: int = 1 << 16) -> bool:
    left = length
    while left > 0:
        data = stream.read(min(chunk, left))
        if not data:
            return False
        left -= len(data)
    return True


def _end_of_record(stream: BinaryIO) -> None:
    """Read past the blank lines that end a record (two CRLF; lenient about their number)."""
    if hasattr(stream, "peek"):
        while True:
            ahead = stream.peek(2)[:2]
            if ahead.startswith(b"\r\n"):
                stream.read(2)
            elif ahead.startswith(b"\n"):
                stream.read(1)
            else:
                return
    # no peek: _read_header skips the blank lines instead


def _media_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"\'') or None
    return media.strip().lower(), charset


def _looks_html(payload: bytes) -> bool:
    start = payload[:2048].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<body" in start


def _http_response(body: bytes, where: str) -> tuple[bytes, str, str | None] | Problem:
    """(payload, media type, charset) of an HTTP response, decoded; or why it is no page."""
    end = body.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = body.find(b"\n\n"), 2
    if end < 0:
        return Problem(where, "bad_warc", "the HTTP response has no end of headers")
    head = body[:end].decode("iso-8859-1").splitlines()
    payload = body[end + sep:]
    status = head[0].split() if head else []
    if len(status) < 2 or not status[0].upper().startswith("HTTP/") or not status[1].isdigit():
        return Problem(where, "bad_warc", f"not an HTTP status line: {head[0][:60] if head else ''!r}")
    code = int(status[1])
    if not 200 <= code < 300:
        return Problem(where, "not_html", f"HTTP status {code}, not a page")
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        payload = _dechunk(payload)
    coding = headers.get("content-encoding", "").lower().strip()
    try:
        if coding in ("gzip", "x-gzip"):
            payload = zlib.decompress(payload, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            try:
                payload = zlib.decompress(payload)
            except zlib.error:
                payload = zlib.decompress(payload, -zlib.MAX_WBITS)
        elif coding not in ("", "identity"):
            return Problem(where, "encoding", f"the page is {coding}-compressed, which newsgraph "
                                              "does not decode")
    except zlib.error as exc:
        return Problem(where, "encoding", f"the {coding} payload is damaged: {exc}")
    media, charset = _media_type(headers.get("content-type", ""))
    return payload, media, charset


def _dechunk(data: bytes) -> bytes:
    """The body of a chunked HTTP transfer (as much as is intact)."""
    out = bytearray()
    i = 0
    while i < len(data):
        eol = data.find(b"\r\n", i)
        if eol < 0:
            break
        try:
            size = int(data[i:eol].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return data   # not really chunked: keep it as it is
        if size == 0:
            break
        out += data[eol + 2:eol + 2 + size]
        i = eol + 2 + size + 2
    return bytes(out)
