"""Inputs -> Documents: files, directories, JSON Lines, JSON, WARC archives and standard input.

Every input that cannot become a Document becomes a ``Skipped(origin, code,
reason)`` and the batch goes on; nothing raises out of the iterator.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator, TextIO

from ..errors import NewsgraphError
from ..model import Boilerplate, Document, Skipped
from .decode import SNIFF_BYTES, binary_reason, declared_charset, decode
from .documents import build_from_html, build_from_text
from .language import LanguageGuess
from .meta import Meta, clean_outlet, normalize_date
from .warc import Page, is_warc, looks_like_warc, open_warc, pages

STDIN = "<stdin>"
EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json",
}
_HTML_START = ("<!doctype html", "<html", "<head", "<body", "<?xml", "<meta", "<title", "<article", "<div", "<p>",
               "<!--")
_HTML_TAGS = ("<html", "<body", "<head", "<article", "</p>", "<div")
_RECORD_STRINGS = ("url", "title", "published", "date", "outlet", "source")


def kind_of(path: str) -> str | None:
    """The kind of a file by its extension, or None when the content must decide."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def sniff(head: bytes) -> str:
    """The kind of an input from its first bytes: jsonl, html or text."""
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()[:512].decode("utf-8", "ignore").lower()
    if start.startswith("{"):
        return "jsonl"
    if start.startswith(_HTML_START) or any(tag in head[:4096].decode("utf-8", "ignore").lower()
                                            for tag in _HTML_TAGS):
        return "html"
    return "text"


@dataclass(frozen=True)
class _Options:
    fallback: Meta
    max_bytes: int
    check_language: bool


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._stream.read(len(buffer)) or b""
        buffer[:len(data)] = data
        return len(data)


class Reader:
    def __init__(self, options: _Options, stdin: TextIO | BinaryIO | None):
        self.o = options
        self._stdin = stdin

    # ------------------------------------------------------------ paths

    def paths(self, paths: list[str]) -> Iterator[Document | Skipped]:
        for path in paths:
            if path == "-":
                yield from self.stdin()
                continue
            try:
                info = os.stat(path)
            except FileNotFoundError:
                yield Skipped(path, "not_found", f"no such file or directory: {path}")
                continue
            except OSError as exc:
                yield Skipped(path, "unreadable", f"cannot read: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(info.st_mode):
                yield from self.directory(path)
            else:
                yield from self.file(path, info)

    def directory(self, top: str) -> Iterator[Document | Skipped]:
        """Files under ``top``, recursively, sorted by name; hidden entries skipped."""
        try:
            with os.scandir(top) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(top, "unreadable", f"cannot list the directory: {exc.strerror or exc}")
            return
        for entry in entries:
            path = os.path.join(top, entry.name)
            if entry.is_dir(follow_symlinks=False):
                yield from self.directory(path)
                continue
            try:
                info = os.stat(path)
            except OSError as exc:
                broken = " (a broken symbolic link)" if entry.is_symlink() else ""
                yield Skipped(path, "unreadable", f"cannot read: {exc.strerror or exc}{broken}")
                continue
            if stat.S_ISDIR(info.st_mode):
                yield Skipped(path, "unreadable", "a symbolic link to a directory is not followed; "
                                                  "name it as a path to read it")
                continue
            yield from self.file(path, info)

    # ------------------------------------------------------------ files

    def file(self, path: str, info: os.stat_result) -> Iterator[Document | Skipped]:
        if not stat.S_ISREG(info.st_mode):
            yield Skipped(path, "unreadable", f"not a regular file ({_file_type(info.st_mode)})")
            return
        kind = kind_of(path)
        if kind in ("text", "html", "json") and info.st_size > self.o.max_bytes:
            yield self._too_large(path, info.st_size)
            return
        try:
            handle = open(path, "rb")
        except OSError as exc:
            yield Skipped(path, "unreadable", f"cannot read: {exc.strerror or exc}")
            return
        with handle:
            try:
                if kind == "jsonl":
                    yield from self.jsonl(handle, path)
                    return
                if is_warc(path):
                    yield from self.warc(handle, path)
                    return
                head = handle.read(SNIFF_BYTES)
                if kind is None and looks_like_warc(head):
                    handle.seek(0)
                    yield from self.warc(handle, path)
                    return
                if kind is None:
                    reason = binary_reason(head)
                    if reason:
                        yield Skipped(path, "binary", reason)
                        return
                    kind = sniff(head)
                    if kind == "jsonl":
                        handle.seek(0)
                        yield from self.jsonl(handle, path)
                        return
                    if info.st_size > self.o.max_bytes:
                        yield self._too_large(path, info.st_size)
                        return
                data = head + handle.read(self.o.max_bytes + 1 - len(head))
            except OSError as exc:
                yield Skipped(path, "unreadable", f"cannot read: {exc.strerror or exc}")
                return
        if len(data) > self.o.max_bytes:  # the file grew after stat
            yield self._too_large(path, len(data))
        elif kind == "json":
            yield from self.json_file(data, path)
        else:
            yield self.content(data, kind, path)

    def _too_large(self, origin: str, size: int, what: str = "file") -> Skipped:
        return Skipped(origin, "too_large",
                       f"{what} is {size:,} bytes; the limit is {self.o.max_bytes:,} (--max-bytes)")

    def content(self, data: bytes, kind: str, origin: str) -> Document | Skipped:
        """A whole text or HTML input (already within the size limit)."""
        try:
            declared = declared_charset(data) if kind == "html" else None
            text, _ = decode(data, declared=declared)
            if kind == "html":
                document, guess = build_from_html(text, fallback=self.o.fallback, origin=origin)
            else:
                document, guess = build_from_text(text, fallback=self.o.fallback, origin=origin)
        except NewsgraphError as exc:
            return Skipped(origin, exc.code, exc.message)
        return self._language_checked(document, guess, origin)

    def _language_checked(self, document: Document, guess: LanguageGuess, origin: str) -> Document | Skipped:
        if self.o.check_language and guess.foreign:
            return Skipped(origin, "language", guess.reason)
        return document

    # ------------------------------------------------------------ WARC

    def warc(self, handle: BinaryIO, path: str) -> Iterator[Document | Skipped]:
        """The HTML pages of a WARC archive, streamed record by record (newsgraph.ingest.warc)."""
        for item in pages(open_warc(handle), path, self.o.max_bytes):
            if isinstance(item, Page):
                yield self.page(item)
            else:
                yield Skipped(item.origin, item.code, item.reason)

    def page(self, page: Page) -> Document | Skipped:
        """One archived HTML page; the crawl date stands in for a publication date the page
        and the options lack."""
        crawled = normalize_date(page.crawled[:10]) if page.crawled else None
        try:
            text, _ = decode(page.html, declared=page.charset or declared_charset(page.html))
            document, guess = build_from_html(text, given=Meta(url=page.url),
                                              fallback=self.o.fallback.over(Meta(date=crawled)),
                                              origin=page.origin)
        except NewsgraphError as exc:
            return Skipped(page.origin, exc.code, exc.message)
        return self._language_checked(document, guess, page.origin)

    # ------------------------------------------------------------ records

    def jsonl(self, stream: BinaryIO, base: str) -> Iterator[Document | Skipped]:
        """One record per line, streamed; each line is bounded by max_bytes."""
        for number, line, size in _lines(stream, self.o.max_bytes):
            origin = f"{base}:{number}"
            if line is None:
                yield self._too_large(origin, size, "the record")
                continue
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            try:
                raw = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Skipped(origin, "encoding", f"invalid UTF-8 at byte {exc.start} of the line "
                                                  "(JSON Lines must be UTF-8)")
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield Skipped(origin, "bad_json", f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield self.record(obj, origin)

    def json_file(self, data: bytes, path: str) -> Iterator[Document | Skipped]:
        """A .json file holding one record object or a list of them."""
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield Skipped(path, "encoding", f"invalid UTF-8 at byte {exc.start} (JSON must be UTF-8)")
            return
        except json.JSONDecodeError as exc:
            yield Skipped(path, "bad_json", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
            return
        if isinstance(obj, dict):
            yield self.record(obj, path)
        elif isinstance(obj, list):
            for index, item in enumerate(obj):
                yield self.record(item, f"{path}[{index}]")
        else:
            yield Skipped(path, "bad_record", f"the file holds a JSON {_json_type(obj)}; "
                                              "expected an object or a list of objects")

    def record(self, obj: Any, origin: str) -> Document | Skipped:
        """One JSON record: ``id``, ``text`` or ``html``, and optional metadata."""
        if not isinstance(obj, dict):
            return Skipped(origin, "bad_record", f"the record is a JSON {_json_type(obj)}, not an object")
        text, page = obj.get("text"), obj.get("html")
        for key in ("text", "html", *_RECORD_STRINGS):
            if obj.get(key) is not None and not isinstance(obj[key], str):
                return Skipped(origin, "bad_record", f"`{key}` must be a string, not a JSON {_json_type(obj[key])}")
        ident = obj.get("id")
        if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int))):
            return Skipped(origin, "bad_record", f"`id` must be a string or an integer, not a JSON {_json_type(ident)}")
        if text is None and page is None:
            return Skipped(origin, "bad_record", "the record has no `text` or `html` field")
        body = text if text is not None else page
        size = len(body.encode("utf-8", "surrogatepass"))
        if size > self.o.max_bytes:
            return self._too_large(origin, size, "the record's text")
        notes: list[Boilerplate] = []
        published_raw = obj.get("published") if obj.get("published") is not None else obj.get("date")
        published = normalize_date(published_raw) if published_raw is not None else None
        if published_raw is not None and published is None:
            notes.append(Boilerplate(published_raw, "bad_date"))
        given = Meta(id=None if ident in (None, "") else str(ident),
                     outlet=clean_outlet(obj.get("outlet") or obj.get("source")), date=published,
                     url=obj.get("url") or None, title=" ".join((obj.get("title") or "").split()) or None)
        build = build_from_text if text is not None else build_from_html
        try:
            document, guess = build(body, given=given, fallback=self.o.fallback, origin=origin, notes=notes)
        except NewsgraphError as exc:
            return Skipped(origin, exc.code, exc.message)
        return self._language_checked(document, guess, origin)

    # ------------------------------------------------------------ stdin

    def stdin(self) -> Iterator[Document | Skipped]:
        stream = self._binary_stdin()
        try:
            head = stream.read(SNIFF_BYTES) or b""
        except OSError as exc:
            yield Skipped(STDIN, "unreadable", f"cannot read standard input: {exc.strerror or exc}")
            return
        kind = sniff(head)
        if kind == "jsonl":
            yield from self.jsonl(io.BufferedReader(_Prefixed(head, stream)), STDIN)
            return
        data = head + (stream.read(self.o.max_bytes + 1 - len(head)) or b"")
        if len(data) > self.o.max_bytes:
            yield Skipped(STDIN, "too_large", f"standard input holds more than {self.o.max_bytes:,} bytes; "
                                              f"the limit is {self.o.max_bytes:,} (--max-bytes)")
            return
        yield self.content(data, kind, STDIN)

    def _binary_stdin(self) -> BinaryIO:
        stream = self._stdin if self._stdin is not None else sys.stdin
        if isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding"):
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                return buffer
            return io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))
        return stream


def _lines(stream: BinaryIO, limit: int, chunk: int = 1 << 16) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line without its end, size); line None when it is over ``limit`` bytes.

    Never holds more than ``limit`` + 1 bytes of one line: a longer line is read
    past in chunks and only counted.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:
                rest = stream.readline(chunk)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None, size - (1 if rest.endswith(b"\n") else 0)
            continue
        body = line.rstrip(b"\r\n")
        if len(body) > limit:
            yield number, None, len(body)
        else:
            yield number, body, len(body)


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(value), type(value).__name__)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def read_inputs(paths: list[str], *, fallback: Meta, max_bytes: int, stdin, check_language: bool
                ) -> Iterator[Document | Skipped]:
    return Reader(_Options(fallback, max_bytes, check_language), stdin).paths(paths)
