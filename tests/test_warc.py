"""WARC input (newsgraph.ingest.warc): archives built here, byte by byte."""

from __future__ import annotations

import gzip
import zlib

from newsgraph.ingest import iter_documents
from newsgraph.ingest.warc import looks_like_warc
from newsgraph.model import Document, Skipped

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Police detain protesters in Almaty | Steppe Herald</title>
<meta property="article:published_time" content="2019-09-21T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Police detain protesters in Almaty</h1>
<p>Police in Almaty detained dozens of people on Saturday as they broke up a rally called by an
opposition movement, witnesses said. Three journalists covering the rally were taken away.</p>
<p>The interior ministry said the gathering had not been authorised and that those detained
would face fines. Rights groups called the detentions a violation of the right to assemble.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""

UNDATED = """<html><head><title>Talks resume in Doha</title></head><body><article>
<p>Negotiators from both sides returned to the table in Doha on Tuesday after a pause of two
weeks, a spokesman for the delegation said, adding that a prisoner exchange was on the agenda.</p>
<p>Diplomats from three countries attended the opening session as observers, officials said.</p>
</article></body></html>"""


def record(kind: str, body: bytes, *, uri: str | None = None, content_type: str | None = None,
           date: str = "2019-09-22T08:30:00Z") -> bytes:
    head = [b"WARC/1.0", f"WARC-Type: {kind}".encode(), f"WARC-Date: {date}".encode(),
            b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>"]
    if uri:
        head.append(f"WARC-Target-URI: {uri}".encode())
    if content_type:
        head.append(f"Content-Type: {content_type}".encode())
    head.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body + b"\r\n\r\n"


def http(body: bytes, *, status: str = "200 OK", headers: tuple[str, ...] = ("Content-Type: text/html; charset=utf-8",)) -> bytes:
    return (f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + body


def chunked(data: bytes, size: int = 100) -> bytes:
    parts = [f"{len(data[i:i + size]):x}\r\n".encode() + data[i:i + size] + b"\r\n"
             for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def archive() -> list[bytes]:
    response = "application/http; msgtype=response"
    return [
        record("warcinfo", b"software: hand-made\r\n", content_type="application/warc-fields"),
        record("request", b"GET /a HTTP/1.1\r\nHost: steppe.example\r\n\r\n",
               uri="https://steppe.example/a", content_type="application/http; msgtype=request"),
        record("response", http(PAGE.encode()), uri="https://steppe.example/a", content_type=response),
        record("response", http(b"\x89PNG\r\n\x1a\n....", headers=("Content-Type: image/png",)),
               uri="https://steppe.example/logo.png", content_type=response),
        record("response", http(b"<html>gone</html>", status="404 Not Found"),
               uri="https://steppe.example/old", content_type=response),
        # chunked and gzip-compressed, as a crawler stores the bytes it received
        record("response", http(chunked(gzip.compress(UNDATED.encode("cp1252"))), headers=(
            "Content-Type: text/html; charset=windows-1252", "Transfer-Encoding: chunked",
            "Content-Encoding: gzip")), uri="https://gulf.example/doha", content_type=response),
        record("resource", PAGE.replace("Almaty", "Nur-Sultan").encode(),
               uri="https://steppe.example/b", content_type="text/html"),
    ]


def read(tmp_path, name: str, data: bytes, **options):
    path = tmp_path / name
    path.write_bytes(data)
    return list(iter_documents([path], **options))


def check(items):
    docs = [d for d in items if isinstance(d, Document)]
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert [d.url for d in docs] == ["https://steppe.example/a", "https://gulf.example/doha",
                                     "https://steppe.example/b"]
    first, doha, resource = docs
    assert first.title == "Police detain protesters in Almaty"
    assert first.published == "2019-09-21"                 # the page's own date
    assert "Subscribe" not in first.text and "Three journalists" in first.text
    assert doha.published == "2019-09-22"                  # no date on the page: the crawl date
    assert "prisoner exchange" in doha.text
    assert "Nur-Sultan" in resource.text
    assert [(s.code, s.reason) for s in skipped] == [
        ("not_html", "the record holds image/png, not an HTML page"),
        ("not_html", "HTTP status 404, not a page")]
    assert skipped[0].origin.endswith("@4 (https://steppe.example/logo.png)")


def test_plain_warc(tmp_path):
    check(read(tmp_path, "crawl.warc", b"".join(archive())))


def test_warc_gz_one_member_per_record(tmp_path):
    data = b"".join(gzip.compress(r) for r in archive())
    check(read(tmp_path, "crawl.warc.gz", data))


def test_warc_recognised_by_content_without_extension(tmp_path):
    data = gzip.compress(b"".join(archive()))
    assert looks_like_warc(data[:4096])
    check(read(tmp_path, "crawl-2019-09-22", data))


def test_a_damaged_record_is_reported_and_the_pages_before_it_are_kept(tmp_path):
    records = archive()
    truncated = records[2][:300]                          # the archive ends inside a record
    items = read(tmp_path, "cut.warc", b"".join(records[:2]) + records[6] + truncated)
    docs = [d for d in items if isinstance(d, Document)]
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert [d.url for d in docs] == ["https://steppe.example/b"]
    assert len(skipped) == 1 and skipped[0].code == "bad_warc"
    assert "ends inside a record" in skipped[0].reason


def test_garbage_in_place_of_a_record_stops_that_archive_only(tmp_path):
    (tmp_path / "a.warc").write_bytes(archive()[2] + b"this is not a WARC record\r\n\r\n")
    (tmp_path / "b.txt").write_text("Protesters gathered in the capital on Sunday, police said.")
    items = list(iter_documents([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Document", "Skipped", "Document"]
    assert items[1].code == "bad_warc" and "expected a WARC record" in items[1].reason


def test_a_record_over_the_size_limit_is_skipped_and_reading_goes_on(tmp_path):
    records = archive()
    items = read(tmp_path, "big.warc", records[2] + records[6], max_bytes=len(PAGE.encode()) + 20)
    codes = [(type(i).__name__, getattr(i, "code", None)) for i in items]
    assert codes == [("Skipped", "too_large"), ("Document", None)]


def test_unsupported_content_encoding_is_reported(tmp_path):
    body = http(zlib.compress(PAGE.encode()), headers=("Content-Type: text/html", "Content-Encoding: br"))
    items = read(tmp_path, "br.warc", record("response", body, uri="https://x.example/",
                                               content_type="application/http; msgtype=response"))
    assert len(items) == 1 and items[0].code == "encoding" and "br-compressed" in items[0].reason
