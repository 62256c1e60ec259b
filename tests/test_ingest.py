"""The ingest layer on hand-made inputs: every bad input is skipped with its code and the batch goes on."""

import io
import json
import os
import tracemalloc

import pytest

from conftest import PTC_UNLABELED, needs_shared
from newsgraph.errors import CATALOGUE, NewsgraphError
from newsgraph.ingest import (DEFAULT_MAX_BYTES, clean_text, document_from_html, document_from_text,
                              iter_documents, normalize_date, outlet_from_url)
from newsgraph.ingest import readers
from newsgraph.model import Boilerplate, Document, Skipped

ENGLISH = ("Turkish artillery shelled Kurdish positions near the Syrian border town of Tal Abyad on "
           "Monday, killing four civilians, the Syrian Observatory for Human Rights said.")
ENGLISH_2 = ("The defence ministry in Ankara said its forces had responded to harassment fire from "
             "the other side of the border and that the operation would continue.")
FRENCH = ("Le gouvernement a annoncé mardi une nouvelle réforme des retraites, malgré les grèves qui "
          "paralysent les transports depuis plusieurs semaines dans tout le pays.")
GERMAN = ("Die Bundesregierung hat am Dienstag neue Sanktionen gegen Russland angekündigt, nachdem "
          "die Gespräche in Genf ohne Ergebnis zu Ende gegangen waren.")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ceasefire talks collapse in Geneva | Example News</title>
<link rel="canonical" href="https://www.example-news.com/world/2019/09/04/ceasefire-talks">
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Ceasefire talks collapse in Geneva">
<meta property="article:published_time" content="2019-09-04T10:00:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>Ceasefire talks collapse in Geneva</h1>
<p>GENEVA — Talks on a ceasefire between the government and rebel forces collapsed on Wednesday after the
two delegations failed to agree on the withdrawal of heavy weapons from the front line, UN officials said.</p>
<p>Share this article</p>
<p>The foreign minister said he would not follow the US lead in imposing new sanctions, but he urged both
parties to return to the table as soon as possible. Russia will share intelligence with the mediators.</p>
<p>Subscribe to our newsletter</p>
<p>Local residents said shelling had resumed in the eastern districts within hours of the announcement,
and that several schools had been closed as a precaution.</p>
</article></main>
<footer><p>© 2019 Example News. All rights reserved.</p></footer>
</body></html>
"""

PAGE_NO_SITENAME = """<html><head><title>Drone strike hits fuel depot - The Daily Wire Service</title>
<meta property="og:url" content="https://m.dailywire-service.net/news/drone-strike-fuel-depot">
<meta name="date" content="Sep 4, 2019">
</head><body><div class="content"><h1>Drone strike hits fuel depot</h1>
<div class="text">
<p>A drone strike set fire to a fuel depot near the port city on Tuesday night, local officials said, in the
third such attack this month.</p>
<p>Firefighters battled the blaze for several hours. No casualties were reported, but the regional governor
said supplies of diesel to nearby towns would be disrupted for at least a week.</p>
</div></div></body></html>
"""

NO_ARTICLE = ('<!DOCTYPE html><html><head><title>Log in</title></head><body><nav><a href="/">Home</a></nav>'
              '<div id="app"></div><script>render()</script></body></html>')


def run(paths, **options):
    return list(iter_documents([str(p) if p != "-" else p for p in paths], **options))


def outcome(items):
    """(file name or origin tail, "doc" or the skip code) for each item."""
    return [(os.path.basename(x.origin), "doc" if isinstance(x, Document) else x.code) for x in items]


# ------------------------------------------------------------------ a batch of good and bad inputs


@pytest.fixture
def batch(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / ".hidden").mkdir()
    (d / ".hidden" / "x.txt").write_text(ENGLISH, encoding="utf-8")
    (d / ".secret.txt").write_text(ENGLISH, encoding="utf-8")
    (d / "a-good.txt").write_text(ENGLISH, encoding="utf-8")
    (d / "b-empty.txt").write_bytes(b"")
    (d / "c-blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (d / "d-blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    # ASCII with bytes that are undefined in cp1252 and in no confident encoding
    (d / "e-bad-encoding.txt").write_bytes(b"The talks collapsed on Monday \x81\x8d\x8f\x90\x9d in Geneva.")
    (d / "f-too-large.txt").write_text(ENGLISH * 20, encoding="utf-8")
    (d / "g-batch.jsonl").write_text("\n".join([
        json.dumps({"id": "r1", "text": ENGLISH}),
        '{"id": "r2", "text": "unterminated',
        json.dumps({"id": "r3", "text": ENGLISH_2}),
    ]) + "\n", encoding="utf-8")
    (d / "h-no-article.html").write_text(NO_ARTICLE, encoding="utf-8")
    (d / "i-french.txt").write_text(FRENCH, encoding="utf-8")
    (d / "j-german.md").write_text(GERMAN, encoding="utf-8")
    # A broken symbolic link: the directory lists the entry but it cannot be opened. (Tests run as
    # root here, so chmod 000 would not stop the read; see test_permission_denied_* for that case.)
    (d / "k-broken-link.txt").symlink_to(d / "no-such-target.txt")
    os.mkfifo(d / "l-pipe.txt")  # a FIFO would block a naive open(); it is refused from its stat
    (d / "sub" / "m-nested.txt").write_text(ENGLISH_2, encoding="utf-8")
    return d


def test_a_batch_of_bad_inputs_skips_each_with_its_code_and_keeps_the_rest(batch):
    items = run([batch], max_bytes=2000)
    assert outcome(items) == [
        ("a-good.txt", "doc"), ("b-empty.txt", "empty"), ("c-blank.txt", "empty"), ("d-blob.txt", "binary"),
        ("e-bad-encoding.txt", "encoding"), ("f-too-large.txt", "too_large"),
        ("g-batch.jsonl:1", "doc"), ("g-batch.jsonl:2", "bad_json"), ("g-batch.jsonl:3", "doc"),
        ("h-no-article.html", "no_article"), ("i-french.txt", "language"), ("j-german.md", "language"),
        ("k-broken-link.txt", "unreadable"), ("l-pipe.txt", "unreadable"), ("m-nested.txt", "doc"),
    ]
    for item in items:
        if isinstance(item, Skipped):
            assert item.code in CATALOGUE and item.reason and "\n" not in item.reason
    docs = [x for x in items if isinstance(x, Document)]
    assert [d.id for d in docs][1:3] == ["r1", "r3"]
    assert all(d.language == "en" for d in docs)


def test_skip_reasons_say_what_was_wrong(batch):
    reasons = {os.path.basename(x.origin): x.reason for x in run([batch], max_bytes=2000)
               if isinstance(x, Skipped)}
    size = len(ENGLISH.encode()) * 20
    assert reasons["b-empty.txt"] == "the input is empty"
    assert reasons["c-blank.txt"] == "the input holds only whitespace"
    assert reasons["d-blob.txt"] == "NUL byte at offset 0; this looks like a binary file"
    assert reasons["e-bad-encoding.txt"] == "invalid UTF-8 at byte 30 and no other encoding fits"
    assert reasons["f-too-large.txt"] == f"file is {size:,} bytes; the limit is 2,000 (--max-bytes)"
    assert reasons["g-batch.jsonl:2"].startswith("not valid JSON: Unterminated string")
    assert reasons["h-no-article.html"].startswith("no article text found in the HTML")
    assert reasons["i-french.txt"] in ("detected language: fr (1.00)", "detected language: fr (0.99)")
    assert reasons["j-german.md"] in ("detected language: de (1.00)", "detected language: de (0.99)")
    assert reasons["k-broken-link.txt"] == "cannot read: No such file or directory (a broken symbolic link)"
    assert reasons["l-pipe.txt"] == "not a regular file (a named pipe)"


def test_hidden_files_and_directories_are_not_read_and_order_is_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "c.txt").write_text(ENGLISH_2, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text(ENGLISH, encoding="utf-8")
    origins = [x.origin for x in run([tmp_path])]
    assert origins == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt"), str(tmp_path / "c.txt")]
    assert origins == [x.origin for x in run([tmp_path])]


def test_a_missing_path_is_not_found_and_the_next_path_is_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    missing = tmp_path / "nope.txt"
    items = run([missing, good])
    assert items[0] == Skipped(str(missing), "not_found", f"no such file or directory: {missing}")
    assert isinstance(items[1], Document) and items[1].origin == str(good)


def test_permission_denied_is_unreadable(tmp_path, monkeypatch):
    # Running as root, chmod 000 does not stop a read, so open() itself is made to fail the way
    # it does for an ordinary user on a file without read permission.
    (tmp_path / "locked.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "open.txt").write_text(ENGLISH_2, encoding="utf-8")

    def guarded_open(path, *args, **kwargs):
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(readers, "open", guarded_open, raising=False)
    items = run([tmp_path])
    assert items[0] == Skipped(str(tmp_path / "locked.txt"), "unreadable", "cannot read: Permission denied")
    assert isinstance(items[1], Document)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permission bits")
def test_permission_denied_by_chmod_is_unreadable(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(ENGLISH, encoding="utf-8")
    locked.chmod(0)
    try:
        assert run([locked])[0].code == "unreadable"
    finally:
        locked.chmod(0o644)


def test_a_symlink_to_a_directory_is_not_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "z-link").symlink_to(tmp_path / "real")
    items = run([tmp_path])
    assert outcome(items) == [("a.txt", "doc"), ("z-link", "unreadable")]
    assert "not followed" in items[1].reason


# ------------------------------------------------------------------ size limits


def test_a_50_mb_file_is_refused_from_its_size_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        chunk = b"word " * 200_000  # 1 MB
        for _ in range(50):
            f.write(chunk)
    opened = []
    monkeypatch.setattr(readers, "open", lambda *a, **k: opened.append(a) or open(*a, **k), raising=False)
    (item,) = run([big])
    assert item == Skipped(str(big), "too_large", f"file is 50,000,000 bytes; the limit is "
                                                  f"{DEFAULT_MAX_BYTES:,} (--max-bytes)")
    assert opened == []


def test_a_long_json_lines_record_is_skipped_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    long_text = "x" * 3_000_000
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "small-1", "text": ENGLISH}) + "\n")
        f.write(json.dumps({"id": "huge", "text": long_text}) + "\n")
        f.write(json.dumps({"id": "small-2", "text": ENGLISH_2}) + "\n")
    del long_text
    tracemalloc.start()
    try:
        items = run([path], max_bytes=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome(items) == [("big.jsonl:1", "doc"), ("big.jsonl:2", "too_large"), ("big.jsonl:3", "doc")]
    assert items[1].reason == "the record is 3,000,026 bytes; the limit is 100,000 (--max-bytes)"
    assert peak < 1_500_000  # the 3 MB line was never held whole


def test_max_bytes_must_be_positive():
    with pytest.raises(NewsgraphError) as err:
        iter_documents(["x"], max_bytes=0)
    assert err.value.code == "bad_option"


# ------------------------------------------------------------------ encodings


def test_cp1252_text_is_decoded_and_nothing_is_recorded_lost(tmp_path):
    text = ("The minister’s “statement” on Monday — about sanctions — was welcomed in Brussels, "
            "officials said. Café owners near the embassy said they had seen the convoy. " * 3).strip()
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    (doc,) = run([path])
    assert doc.text == text
    assert doc.boilerplate == ()


def test_damaged_utf8_is_refused_rather_than_decoded_as_another_encoding(tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes("Café talks in Genève ended. ".encode("utf-8") + b"\xff" + b" More text follows here.")
    (item,) = run([path])
    assert item.code == "encoding"
    assert item.reason.startswith("invalid UTF-8 at byte 30 in text that is otherwise UTF-8")


def test_bom_and_crlf_are_normalised_and_utf16_with_bom_is_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + (ENGLISH + "\r\n" + ENGLISH_2 + "\r\n").encode())
    (tmp_path / "b.txt").write_bytes((ENGLISH + "\n").encode("utf-16"))
    a, b = run([tmp_path])
    assert a.text == ENGLISH + "\n" + ENGLISH_2
    assert b.text == ENGLISH


# ------------------------------------------------------------------ header block and title


HEADED = """TITLE: Taliban storm police headquarters in Ghazni
source: Meridian Wire
URL: https://meridianwire.example/world/2019/09/02/ghazni
Date: 2 September 2019
Author: Jane Doe
Section: World
ID: mw-0902

GHAZNI, Afghanistan - Taliban fighters detonated a truck bomb outside the police headquarters.
Eight police officers and four civilians were killed, officials said.
"""


def test_header_block_gives_metadata_and_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(HEADED, encoding="utf-8")
    (doc,) = run([path], outlet="Fallback Outlet", date="2020-01-01")
    assert (doc.id, doc.title, doc.source, doc.url, doc.published) == (
        "mw-0902", "Taliban storm police headquarters in Ghazni", "Meridian Wire",
        "https://meridianwire.example/world/2019/09/02/ghazni", "2019-09-02")
    assert doc.text == ("GHAZNI, Afghanistan - Taliban fighters detonated a truck bomb outside the police "
                        "headquarters.\nEight police officers and four civilians were killed, officials said.")
    assert doc.boilerplate == (Boilerplate("Author: Jane Doe", "byline"), Boilerplate("Section: World", "header"))


def test_an_unreadable_header_date_is_ignored_and_noted():
    doc = document_from_text("Title: Talks resume\nPublished: sometime last week\n\n" + ENGLISH)
    assert doc.published is None and doc.title == "Talks resume"
    assert doc.boilerplate == (Boilerplate("Published: sometime last week", "bad_date"),)


def test_a_first_line_that_is_not_a_known_key_is_not_a_header():
    doc = document_from_text("KABUL: Taliban fighters attacked a checkpoint on Monday, police said.\n" + ENGLISH)
    assert doc.title is None
    assert doc.text.startswith("KABUL: Taliban fighters")


@pytest.mark.parametrize("text, title, body", [
    # the PTC corpus shape: title line, blank line, body
    ("Police had previously gone to home where Ohio officers were killed\n\n" + ENGLISH,
     "Police had previously gone to home where Ohio officers were killed", ENGLISH),
    # a two-line headline block, and a headline-cased title ending with a period
    ("Yikes!\nEven John McCain is worried about the CIA pick\n\n" + ENGLISH,
     "Yikes! Even John McCain is worried about the CIA pick", ENGLISH),
    ("George III Lost America.\n\n" + ENGLISH, "George III Lost America.", ENGLISH),
    # a headline-cased first line directly followed by the body
    ("Turkish Shelling Kills Four Civilians\n" + ENGLISH, "Turkish Shelling Kills Four Civilians", ENGLISH),
    # a short lead sentence is body, not a title
    ("Russian forces shelled Kharkiv on Monday, officials said.\n\n" + ENGLISH, None,
     "Russian forces shelled Kharkiv on Monday, officials said.\n\n" + ENGLISH),
    # a dateline paragraph is body
    ("ALMATY, Kazakhstan (Meridian) —\n\n" + ENGLISH, None, "ALMATY, Kazakhstan (Meridian) —\n\n" + ENGLISH),
    # a hard-wrapped first line is body
    ("Turkish artillery shelled Kurdish positions near the border town of\ntal Abyad on Monday.", None,
     "Turkish artillery shelled Kurdish positions near the border town of\ntal Abyad on Monday."),
    # one paragraph alone is never a title
    ("Iran accused the United States of economic terrorism on Sunday", None,
     "Iran accused the United States of economic terrorism on Sunday"),
])
def test_title_line(text, title, body):
    doc = document_from_text(text)
    assert (doc.title, doc.text) == (title, body)


def test_a_given_title_is_not_repeated_in_the_text():
    doc = document_from_text("Talks Collapse in Geneva\n\n" + ENGLISH, title="Talks collapse in  Geneva")
    assert doc.title == "Talks collapse in Geneva" and doc.text == ENGLISH


def test_a_byline_before_the_body_is_not_taken_for_the_title():
    doc = document_from_text("Talks Collapse in Geneva\n\nBy Jane Doe, Reuters\n\n" + ENGLISH)
    assert doc.title == "Talks Collapse in Geneva" and doc.text == ENGLISH
    assert doc.boilerplate == (Boilerplate("By Jane Doe, Reuters", "byline"),)


def test_a_masthead_line_gives_outlet_and_date():
    doc = document_from_text("Opinion: Moscow's gambit is cheap\n\nBy Margaret Ellison\n"
                             "The Capital Ledger | Opinion | September 5, 2019\n\n" + ENGLISH)
    assert (doc.title, doc.source, doc.published, doc.text) == (
        "Opinion: Moscow's gambit is cheap", "The Capital Ledger", "2019-09-05", ENGLISH)
    assert [b.reason for b in doc.boilerplate] == ["byline", "masthead"]


@pytest.mark.parametrize("value, expected", [
    ("4 September 2019", "2019-09-04"), ("Sep 4, 2019", "2019-09-04"), ("September 4th, 2019", "2019-09-04"),
    ("2019-09-04T10:00:00Z", "2019-09-04"), ("2019-09-04T23:30:00-05:00", "2019-09-04"),
    ("2019-09-04 23:30", "2019-09-04"), ("Wed, 04 Sep 2019 10:00:00 GMT", "2019-09-04"),
    ("13/09/2019", "2019-09-13"), ("04/04/2019", "2019-04-04"),
    ("04/09/2019", None), ("September 2019", None), ("2019", None), ("yesterday", None),
    ("3 days ago", None), ("sometime last week", None), ("2019-02-30", None), ("", None),
])
def test_dates_are_normalised_without_guessing(value, expected):
    assert normalize_date(value) == expected


# ------------------------------------------------------------------ outlet and date fallbacks


def test_outlet_and_date_options_fill_only_what_the_input_lacks(tmp_path):
    (tmp_path / "a-plain.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "b-headed.txt").write_text("Source: Meridian Wire\nPublished: 2019-09-02\n\n" + ENGLISH,
                                           encoding="utf-8")
    (tmp_path / "c-url.txt").write_text("URL: https://www.reuters.com/world/x\n\n" + ENGLISH, encoding="utf-8")
    plain, headed, url = run([tmp_path], outlet="wire.example", date="2019-09-01")
    assert (plain.source, plain.published) == ("wire.example", "2019-09-01")
    assert (headed.source, headed.published) == ("Meridian Wire", "2019-09-02")
    assert (url.source, url.published) == ("reuters.com", "2019-09-01")


@pytest.mark.parametrize("bad", ["yesterday", "2019-13-01", "04/09/2019", "2019-9-4"])
def test_a_bad_date_option_is_a_user_error_raised_up_front(bad):
    with pytest.raises(NewsgraphError) as err:
        iter_documents(["does-not-matter"], date=bad)  # raised before any input is read
    assert err.value.code == "bad_date"
    assert "YYYY-MM-DD" in err.value.message


@pytest.mark.parametrize("url, outlet", [
    ("https://www.reuters.com/world/europe/x", "reuters.com"),
    ("https://m.bbc.co.uk/news/world-1", "bbc.co.uk"),
    ("https://amp.theguardian.com/world/2019/x", "theguardian.com"),
    ("https://edition.cnn.com/2019/09/04/x", "edition.cnn.com"),
    ("www.dawn.com/news/123", "dawn.com"),
    ("HTTPS://WWW.Aljazeera.COM:443/news", "aljazeera.com"),
    ("not a url", None), ("", None), (None, None),
])
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


# ------------------------------------------------------------------ HTML


def test_html_metadata_and_cleaned_main_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (doc,) = run([path])
    assert (doc.title, doc.published, doc.url, doc.source, doc.language) == (
        "Ceasefire talks collapse in Geneva", "2019-09-04",
        "https://www.example-news.com/world/2019/09/04/ceasefire-talks", "Example News", "en")
    assert doc.text.startswith("GENEVA — Talks on a ceasefire")  # the <h1> title is not repeated
    assert "Russia will share intelligence" in doc.text and "would not follow the US lead" in doc.text
    assert "Home" not in doc.text and "All rights reserved" not in doc.text
    assert doc.boilerplate == (Boilerplate("Share this article", "share"),
                               Boilerplate("Subscribe to our newsletter", "newsletter"))
    assert doc.text.count("\n\n") == 2  # one paragraph per <p>


def test_html_outlet_falls_back_to_the_url_domain():
    doc = document_from_html(PAGE_NO_SITENAME)
    assert (doc.title, doc.published, doc.source) == ("Drone strike hits fuel depot", "2019-09-04",
                                                      "dailywire-service.net")
    assert doc.url == "https://m.dailywire-service.net/news/drone-strike-fuel-depot"


def test_html_without_article_text():
    with pytest.raises(NewsgraphError) as err:
        document_from_html(NO_ARTICLE)
    assert err.value.code == "no_article"


def test_html_in_a_declared_legacy_charset(tmp_path):
    page = PAGE_NO_SITENAME.replace("<head>", '<head><meta charset="windows-1252">').replace(
        "fuel depot near", "fuel depot – “near”")
    path = tmp_path / "legacy.htm"
    path.write_bytes(page.encode("cp1252"))
    (doc,) = run([path])
    assert "fuel depot – “near” the port city" in doc.text


# ------------------------------------------------------------------ JSON Lines and JSON


def test_json_lines_records(tmp_path):
    path = tmp_path / "batch.ndjson"
    lines = [
        json.dumps({"id": "a-1", "text": ENGLISH, "published": "Sep 4, 2019",
                    "url": "https://www.dawn.com/news/1", "title": "Shelling near Tal Abyad"}),
        "",
        json.dumps({"id": 7, "text": ENGLISH_2, "source": "Anadolu", "published": "2019-09-05T23:30:00-05:00"}),
        "[1, 2]",
        json.dumps({"id": "no-text", "title": "x"}),
        json.dumps({"id": "bad-type", "text": ["a"]}),
        json.dumps({"id": "html-1", "html": PAGE}),
        json.dumps({"id": "bad-date", "text": ENGLISH, "published": "last week"}),
        json.dumps({"id": "fr", "text": FRENCH}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")  # no final newline
    items = run([path])
    assert outcome(items) == [("batch.ndjson:1", "doc"), ("batch.ndjson:3", "doc"), ("batch.ndjson:4", "bad_record"),
                              ("batch.ndjson:5", "bad_record"), ("batch.ndjson:6", "bad_record"),
                              ("batch.ndjson:7", "doc"), ("batch.ndjson:8", "doc"), ("batch.ndjson:9", "language")]
    a, b, _, _, _, page, bad_date, _ = items
    assert (a.id, a.title, a.published, a.source, a.url) == (
        "a-1", "Shelling near Tal Abyad", "2019-09-04", "dawn.com", "https://www.dawn.com/news/1")
    assert (b.id, b.source, b.published) == ("7", "Anadolu", "2019-09-05")
    assert items[2].reason == "the record is a JSON array, not an object"
    assert items[3].reason == "the record has no `text` or `html` field"
    assert items[4].reason == "`text` must be a string, not a JSON array"
    assert (page.id, page.source, page.title) == ("html-1", "Example News", "Ceasefire talks collapse in Geneva")
    assert bad_date.published is None and bad_date.boilerplate == (Boilerplate("last week", "bad_date"),)


def test_json_file_with_one_object_or_a_list(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"id": "one", "text": ENGLISH}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps([{"id": "two", "text": ENGLISH}, "oops"]), encoding="utf-8")
    (tmp_path / "c.json").write_text('"just a string"', encoding="utf-8")
    (tmp_path / "d.json").write_text("{broken", encoding="utf-8")
    items = run([tmp_path])
    assert [(os.path.basename(x.origin), getattr(x, "id", None) or x.code) for x in items] == [
        ("a.json", "one"), ("b.json[0]", "two"), ("b.json[1]", "bad_record"), ("c.json", "bad_record"),
        ("d.json", "bad_json")]


def test_unknown_extensions_are_sniffed(tmp_path):
    (tmp_path / "a-page").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b-records.log").write_text(json.dumps({"id": "x", "text": ENGLISH}) + "\n", encoding="utf-8")
    (tmp_path / "c-notes").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "d-image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    items = run([tmp_path])
    assert outcome(items) == [("a-page", "doc"), ("b-records.log:1", "doc"), ("c-notes", "doc"),
                              ("d-image.png", "binary")]
    assert items[0].source == "Example News" and items[1].id == "x"


# ------------------------------------------------------------------ stdin


def test_stdin_plain_text_with_options():
    (doc,) = run(["-"], stdin=io.BytesIO(ENGLISH.encode()), outlet="stdin.example", date="2019-09-01")
    assert (doc.origin, doc.source, doc.published, doc.text) == ("<stdin>", "stdin.example", "2019-09-01", ENGLISH)


def test_stdin_json_lines_and_html_and_text_streams():
    stream = io.BytesIO(("\n  " + json.dumps({"id": "s1", "text": ENGLISH}) + "\nnot json\n").encode())
    assert outcome(run(["-"], stdin=stream)) == [("<stdin>:2", "doc"), ("<stdin>:3", "bad_json")]
    (page,) = run(["-"], stdin=io.BytesIO(PAGE.encode()))
    assert page.title == "Ceasefire talks collapse in Geneva" and page.origin == "<stdin>"
    (text,) = run(["-"], stdin=io.StringIO(ENGLISH))
    assert text.text == ENGLISH


def test_stdin_over_the_limit_is_refused():
    (item,) = run(["-"], stdin=io.BytesIO(ENGLISH.encode() * 10), max_bytes=500)
    assert item == Skipped("<stdin>", "too_large",
                           "standard input holds more than 500 bytes; the limit is 500 (--max-bytes)")


# ------------------------------------------------------------------ language


def test_language_check_and_short_texts(tmp_path):
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Explosion in Kabul, police say.", encoding="utf-8")
    (tmp_path / "short-fr.txt").write_text("Explosion à Kaboul, selon la police.", encoding="utf-8")
    checked = run([tmp_path])
    assert outcome(checked) == [("fr.txt", "language"), ("short-fr.txt", "doc"), ("short.txt", "doc")]
    assert [d.language for d in checked[1:]] == [None, None]  # under 15 words: not judged
    unchecked = run([tmp_path], check_language=False)
    assert [(x.language) for x in unchecked] == ["fr", None, None]


def test_document_from_text_detects_but_never_refuses_a_language():
    assert document_from_text(GERMAN).language == "de"
    assert document_from_text(ENGLISH).language == "en"


# ------------------------------------------------------------------ the library functions


def test_document_from_text_keywords_win_over_the_header():
    doc = document_from_text("Title: Header title\nSource: Header Wire\n\n" + ENGLISH, id="given-id",
                             outlet="https://www.aa.com.tr/en", date="Sep 4, 2019", title="Given title")
    assert (doc.id, doc.title, doc.source, doc.published) == ("given-id", "Given title", "aa.com.tr", "2019-09-04")
    assert doc.id == "given-id" and doc.hash and doc.origin is None


def test_document_from_text_errors():
    with pytest.raises(NewsgraphError) as err:
        document_from_text(ENGLISH, date="last week")
    assert err.value.code == "bad_date"
    with pytest.raises(NewsgraphError) as err:
        document_from_text("  \n ")
    assert err.value.code == "empty"
    with pytest.raises(NewsgraphError) as err:
        document_from_text("Advertisement\n\nSubscribe to our newsletter")
    assert (err.value.code, err.value.message) == ("empty", "no article text is left after removing boilerplate")


def test_same_text_gives_the_same_document_id():
    assert document_from_text(ENGLISH).id == document_from_text(ENGLISH + "\n\n").id
    assert clean_text(ENGLISH) == (ENGLISH, ())


# ------------------------------------------------------------------ the real corpus


@pytest.mark.shared
@needs_shared(PTC_UNLABELED)
def test_the_ptc_corpus_comes_out_whole_with_titles():
    items = list(iter_documents([PTC_UNLABELED]))
    assert len(items) == 165
    assert all(isinstance(x, Document) for x in items), [x for x in items if not isinstance(x, Document)]
    assert all(x.title and x.language == "en" and x.text for x in items)
    first = items[0]
    assert first.title == "Police had previously gone to home where Ohio patrol officers were killed"
    assert first.text.startswith("CLEVELAND — Police invstigating domestic disputes")


def test_language_policy_thresholds():
    from newsgraph.ingest.language import LanguageGuess

    assert LanguageGuess("en", 0.74).language == "en"  # English at any probability
    assert LanguageGuess("pcm", 0.60).language is None and not LanguageGuess("pcm", 0.60).foreign
    assert LanguageGuess("de", 0.95).foreign and LanguageGuess("de", 0.95).reason == "detected language: de (0.95)"
    assert LanguageGuess(None, None).language is None  # not judged


def test_wire_dateline_names_the_outlet_and_stays_in_the_text():
    from newsgraph.ingest import document_from_text
    doc = document_from_text("Iran hosted envoys\n\nTEHRAN, Sept 9 (Meridian) \u2014 Iran hosted a Taliban "
                             "delegation for talks last week, a spokesman said on Monday.")
    assert doc.source == "Meridian"
    assert doc.text.startswith("TEHRAN, Sept 9 (Meridian) \u2014 Iran hosted")
    assert document_from_text("Title\n\nThe UN (in New York) - said nothing at all about it today.").source is None
    # metadata wins over the dateline
    assert document_from_text("Title\n\nMOSCOW (Orbita) - Russia said talks were held on Monday.",
                              outlet="wire.example").source == "wire.example"


def test_piped_byline_gives_date_and_outlet_and_is_removed():
    from newsgraph.ingest import document_from_text
    doc = document_from_text("CAUGHT: Putin\n\nBy Rick Dalton | TruthPatriot Staff | August 28, 2019\n\n"
                             "It is finally out in the open. Russia is arming the Taliban, and everyone knows it.")
    assert (doc.source, doc.published) == ("TruthPatriot", "2019-08-28")
    assert [(b.reason, b.text) for b in doc.boilerplate] == [
        ("byline", "By Rick Dalton | TruthPatriot Staff | August 28, 2019")]
    assert "Rick Dalton" not in doc.text
