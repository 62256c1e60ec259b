"""The embedded SQLite store: schema and migrations, storing once, lookups, search,
summaries, read-only use, and crash safety under SIGKILL.

Every contract object here is built by hand with the model classes and checked
with ``validate_analysis`` (``make_analysis``).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsgraph.errors import NewsgraphError
from newsgraph.model import (Actor, Analysis, Claim, Document, Event, Place, Signal, Span,
                             Speaker)
from newsgraph.schema import validate_analysis
from newsgraph.store import SCHEMA_VERSION, Migration, Store
from newsgraph.store import sqlite as store_sqlite

TESTS = Path(__file__).resolve().parent

# id, name, code, country, sector, kind, the surface forms that mention it
RUS = ("actor:RUSGOV", "Russian government", "RUSGOV", "RUS", "GOV", "country", ("Moscow",))
UKR = ("actor:UKRGOV", "Ukrainian government", "UKRGOV", "UKR", "GOV", "country", ("Kyiv",))
UN = ("actor:IGOUNO", "United Nations", "IGOUNO", None, "IGO", "igo", ("the UN",))

DEFAULT_TEXT = "Report {i}: Moscow accused Kyiv of shelling Donetsk. Kyiv denied it. Marker{i}."


def span(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, start, start + len(needle))


def spans(text: str, needle: str) -> tuple[Span, ...]:
    return tuple(span(text, needle, k) for k in range(text.count(needle)))


def make_analysis(i: int = 0, *, text: str | None = None, title: str | None = None,
                  source: str | None = "The Daily Example", published: str | None = "2024-05-01",
                  doc_id: str | None = None, actors=(RUS, UKR), places=(), events=(), claims=(),
                  signals=(), hash: str | None = None) -> dict:
    """One contract object (``Analysis.to_dict()``), validated against the schema.

    ``actors`` are tuples like ``RUS`` (those the text never mentions are left
    out); ``places`` are ``(id, name, country, lat,
    lon, surface)``; ``events``/``claims``/``signals`` are functions of the text
    returning the model records. ``hash`` overrides the content hash.
    """
    text = DEFAULT_TEXT.format(i=i) if text is None else text
    doc = Document.create(text, id=f"doc-{i}" if doc_id is None else doc_id, source=source,
                          title=f"Title {i}" if title is None else title, published=published,
                          origin=f"input.jsonl:{i + 1}")
    if hash is not None:
        doc = Document(id=doc.id, hash=hash, text=doc.text, source=doc.source, url=doc.url,
                       title=doc.title, published=doc.published, origin=doc.origin)
    mentioned = [(a, tuple(m for surface in a[6] for m in spans(text, surface))) for a in actors]
    analysis = Analysis(
        document=doc,
        actors=tuple(Actor(a[0], a[1], a[2], a[3], a[4], a[5], ms) for a, ms in mentioned if ms),
        places=tuple(Place(p[0], p[1], p[2], p[3], p[4], "city", False, spans(text, p[5]))
                     for p in places),
        events=tuple(make(text) for make in events),
        claims=tuple(make(text) for make in claims),
        signals=tuple(make(text) for make in signals),
        extractors={"actors": "1.0"},
    )
    obj = analysis.to_dict()
    validate_analysis(obj)
    return obj


def batch_of(k: int, size: int) -> list[dict]:
    """Batch ``k`` of a stream of documents, ``size`` per batch (used by the crash tests)."""
    return [make_analysis(k * size + j) for j in range(size)]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(db):
    with Store(db) as s:
        yield s


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# --- schema and migrations --------------------------------------------------------

def test_new_store_is_migrated_to_the_latest_version(db):
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION == 5
    con = raw(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == 5
    assert [r[0] for r in con.execute("SELECT version FROM schema_migrations")] == [1, 2, 3, 4, 5]
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"claims_checkworthiness", "events_day", "actors_by_events", "event_actors_by_actor",
            "event_actors_by_event"} <= indexes
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "documents_fts", "actors", "mentions", "places", "place_mentions", "events",
            "event_actors", "claims", "signals", "runs", "skipped", "schema_migrations",
            "narratives", "claim_narratives", "narrative_matches"} <= tables


def test_an_empty_file_becomes_a_store(db):
    db.touch()
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.add_analyses([make_analysis(0)]) == 1


def test_reopening_is_idempotent(db):
    with Store(db) as s:
        s.add_analyses([make_analysis(0), make_analysis(1)])
        first = s.counts()
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.counts() == first
    assert raw(db).execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION


def test_an_older_store_is_upgraded_one_migration_at_a_time(db, monkeypatch):
    with Store(db) as s:
        s.add_analyses([make_analysis(0)])
    old, new = SCHEMA_VERSION, SCHEMA_VERSION + 1
    v_next = Migration(new, "notes", "CREATE TABLE notes (doc_hash TEXT, note TEXT);\n"
                                     "CREATE INDEX notes_doc ON notes(doc_hash);\n")
    monkeypatch.setattr(store_sqlite, "MIGRATIONS", store_sqlite.MIGRATIONS + (v_next,))
    with pytest.raises(NewsgraphError) as err:
        Store(db, readonly=True)
    assert err.value.code == "store_version"
    assert f"old schema version {old}" in err.value.message
    with Store(db) as s:
        assert s.schema_version == new
        assert s.counts()["documents"] == 1
    con = raw(db)
    assert [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1")] == \
        list(range(1, new + 1))
    assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    with Store(db, readonly=True) as s:
        assert s.schema_version == new


def test_a_failing_migration_changes_nothing(db, monkeypatch):
    Store(db).close()
    broken = Migration(SCHEMA_VERSION + 1, "broken",
                       "CREATE TABLE half (x);\nINSERT INTO no_such_table VALUES (1);\n")
    monkeypatch.setattr(store_sqlite, "MIGRATIONS", store_sqlite.MIGRATIONS + (broken,))
    with pytest.raises(sqlite3.OperationalError):
        Store(db)
    con = raw(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_a_newer_store_is_refused(db):
    Store(db).close()
    raw(db).execute("PRAGMA user_version = 99")
    for readonly in (False, True):
        with pytest.raises(NewsgraphError) as err:
            Store(db, readonly=readonly)
        assert err.value.code == "store_version"
        assert f"schema version 99, newer than the {SCHEMA_VERSION}" in err.value.message
        assert "upgrade newsgraph" in err.value.hint


def test_other_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    raw(other).execute("CREATE TABLE t (x)")
    with pytest.raises(NewsgraphError) as err:
        Store(other)
    assert err.value.code == "store_version"
    assert "not a newsgraph store" in err.value.message
    text = tmp_path / "notes.txt"
    text.write_text("this is not a database, just some words in a file " * 40)
    with pytest.raises(NewsgraphError) as err:
        Store(text)
    assert err.value.code == "unreadable"
    with pytest.raises(NewsgraphError) as err:
        Store(tmp_path / "missing" / "store.db")
    assert err.value.code == "not_found"


# --- writing ---------------------------------------------------------------------

def test_a_document_added_twice_is_stored_once(store):
    a, b, c = make_analysis(0), make_analysis(1), make_analysis(2)
    assert store.add_analyses([a, b]) == 2
    assert store.add_analyses([a, b, c]) == 1
    assert store.add_analyses([c, c]) == 0
    assert store.add_analyses([make_analysis(3), make_analysis(3)]) == 1
    assert store.add_analyses([]) == 0
    counts = store.counts()
    assert counts["documents"] == 4
    assert counts["mentions"] == 4 * 3          # Moscow once, Kyiv twice per document
    assert counts["actors"] == 2


def test_known_hashes(store):
    docs = [make_analysis(i) for i in range(3)]
    store.add_analyses(docs)
    stored = {d["document"]["hash"] for d in docs}
    unknown = [f"{n:064x}" for n in range(10_000)]
    assert store.known_hashes(unknown + sorted(stored)) == stored
    assert store.known_hashes(iter(unknown)) == set()
    assert store.known_hashes([]) == set()


def test_a_malformed_object_stores_nothing_of_its_call(store):
    good = make_analysis(0)
    broken = json.loads(json.dumps(make_analysis(1)))
    del broken["actors"][0]["mentions"]
    for bad in (broken, {"schema": "something/2", "document": {}}, "not a dict"):
        with pytest.raises(NewsgraphError) as err:
            store.add_analyses([good, bad])
        assert err.value.code == "bad_record"
        assert "analysis #1" in err.value.message
    assert store.counts()["documents"] == 0


def test_actors_and_places_keep_the_first_non_null_value(store):
    vague = ("actor:X", "Moscow officials", None, None, "GOV", "group", ("Moscow",))
    precise = ("actor:X", "Russian government", "RUSGOV", "RUS", "MIL", "country", ("Moscow",))
    donetsk_bare = ("place:donetsk", "Donetsk", None, None, None, "Donetsk")
    donetsk = ("place:donetsk", "Donetsk City", "UKR", 48.0, 37.8, "Donetsk")
    store.add_analyses([make_analysis(0, actors=(vague,), places=(donetsk_bare,)),
                        make_analysis(1, actors=(precise,), places=(donetsk,))])
    con = store._conn
    assert con.execute("SELECT id, name, code, country, sector, kind FROM actors").fetchall() == [
        ("actor:X", "Moscow officials", "RUSGOV", "RUS", "GOV", "group")]
    assert con.execute("SELECT id, name, country, lat, lon, kind FROM places").fetchall() == [
        ("place:donetsk", "Donetsk", "UKR", 48.0, 37.8, "city")]
    assert con.execute('SELECT place_id, start, "end", text FROM place_mentions ORDER BY doc_hash').fetchall() \
        == [("place:donetsk", 42, 49, "Donetsk")] * 2


def test_events_claims_and_signals_become_rows(store):
    text = ("Moscow accused Kyiv of shelling Donetsk on Monday, the UN said. "
            "\"This is a barbaric provocation,\" Moscow said.")

    def event(t):
        return Event(id="e1", type="ACCUSE", mode=None, cameo="112", goldstein=-2.0, quad=3,
                     actor=("actor:RUSGOV",), recipient=("actor:UKRGOV",), status="alleged",
                     source_claim="c1", date="2024-05-06",
                     place={"name": "Donetsk", "country": "UKR", "lat": 48.0, "lon": 37.8},
                     evidence=span(t, "Moscow accused Kyiv of shelling Donetsk"), confidence=0.8)

    def assault(t):
        return Event(id="e2", type="ASSAULT", mode="artillery", cameo="195", goldstein=-10.0, quad=4,
                     actor=("actor:UKRGOV",), recipient=(), status="alleged", source_claim="c1",
                     date=None, place=None, evidence=span(t, "shelling Donetsk"), confidence=0.5)

    def claim(t):
        return Claim(id="c1", span=span(t, "Moscow accused Kyiv of shelling Donetsk on Monday"),
                     speaker=Speaker("organization", "the UN", "actor:IGOUNO"), cue="said",
                     kind="fact", checkworthiness=0.9)

    def sig(t):
        return Signal(technique="loaded_language", span=span(t, "barbaric"), score=0.7)

    obj = make_analysis(0, text=text, actors=(RUS, UKR, UN), events=(event, assault),
                        claims=(claim,), signals=(sig,))
    h = obj["document"]["hash"]
    assert store.add_analyses([obj]) == 1
    con = store._conn
    assert con.execute("SELECT * FROM events ORDER BY event_id").fetchall() == [
        (h, "e1", "ACCUSE", None, "112", -2.0, 3, "alleged", "2024-05-06", "Donetsk", "UKR", 48.0,
         37.8, 0, 39, "Moscow accused Kyiv of shelling Donetsk", 0.8, "c1", "2024-05-06"),
        (h, "e2", "ASSAULT", "artillery", "195", -10.0, 4, "alleged", None, None, None, None, None,
         23, 39, "shelling Donetsk", 0.5, "c1", "2024-05-01")]   # day: no date -> publication
    assert con.execute("SELECT event_id, actor_id, role FROM event_actors ORDER BY event_id, role").fetchall() == [
        ("e1", "actor:RUSGOV", "actor"), ("e1", "actor:UKRGOV", "recipient"),
        ("e2", "actor:UKRGOV", "actor")]
    assert con.execute("SELECT * FROM claims").fetchall() == [
        (h, "c1", 0, 49, "Moscow accused Kyiv of shelling Donetsk on Monday", "organization",
         "the UN", "actor:IGOUNO", "said", "fact", 0.9)]
    assert con.execute("SELECT * FROM signals").fetchall() == [
        (h, "loaded_language", 75, 83, "barbaric", 0.7)]
    assert store.summary()["top_event_types"] == [{"type": "ACCUSE", "events": 1},
                                                  {"type": "ASSAULT", "events": 1}]
    assert store.get_analysis(h) == obj


def test_runs_and_skipped_inputs(store):
    run = store.start_run(command="ingest", options={"paths": ["a", Path("b")], "jobs": 2})
    store.add_analyses([make_analysis(0)], run_id=run)
    store.add_skipped(run, [{"origin": "bad.bin", "code": "binary", "reason": "binary file"},
                            {"origin": "e.txt", "code": "empty", "reason": "no text"}])
    store.add_skipped(run, [])
    store.finish_run(run, stats={"stored": 1, "skipped": 2})
    second = store.start_run(command="ingest", options={})
    store.add_skipped(second, [{"origin": "x.html", "code": "no_article", "reason": "a list page"}])
    runs = store.runs()
    assert [(r["id"], r["command"], r["options"], r["stats"], r["skipped"]) for r in runs] == [
        (run, "ingest", {"jobs": 2, "paths": ["a", "b"]}, {"skipped": 2, "stored": 1}, 2),
        (second, "ingest", {}, None, 1)]
    assert runs[0]["finished_at"] is not None and runs[1]["finished_at"] is None
    assert store._conn.execute("SELECT run_id FROM documents").fetchall() == [(run,)]
    assert store.summary()["skipped"] == 3
    with pytest.raises(NewsgraphError) as err:
        store.finish_run(42, stats={})
    assert err.value.code == "bad_option" and "no run 42" in err.value.message
    with pytest.raises(NewsgraphError):
        store.add_skipped(42, [{"origin": "o", "code": "empty", "reason": "r"}])


# --- reading ---------------------------------------------------------------------

def test_get_by_id_hash_and_prefix(store):
    a, b = make_analysis(0), make_analysis(1)
    store.add_analyses([a, b])
    h = a["document"]["hash"]
    assert store.get_analysis("doc-0") == a
    assert store.get_analysis(h) == a
    assert store.get_analysis(h[:6]) == a
    assert store.get_analysis(h[:6].upper()) == a
    assert store.get_analysis(h[:5]) is None                 # shorter than 6: not a prefix
    assert store.get_analysis("doc-9") is None
    assert store.get_analysis("zzzzzzzz") is None
    assert store.get_analysis("") is None


def test_ambiguous_keys_raise_a_clear_error(store):
    store.add_analyses([
        make_analysis(0, hash="abcdef01" + "0" * 56),
        make_analysis(1, hash="abcdef02" + "0" * 56),
        make_analysis(2, doc_id="same"), make_analysis(3, doc_id="same"),
    ])
    assert store.get_analysis("abcdef01")["document"]["id"] == "doc-0"
    with pytest.raises(NewsgraphError) as err:
        store.get_analysis("abcdef")
    assert err.value.code == "bad_option"
    assert err.value.message == "the hash prefix 'abcdef' matches several stored documents"
    with pytest.raises(NewsgraphError) as err:
        store.get_analysis("same")
    assert err.value.message == "several stored documents have the id 'same'"


def test_an_object_without_a_hash_gets_its_content_hash(store):
    obj = make_analysis(0)
    expected = obj["document"]["hash"]
    del obj["document"]["hash"]
    assert store.add_analyses([obj]) == 1
    stored = store.get_analysis("doc-0")
    assert stored["document"]["hash"] == expected
    assert list(stored["document"])[:2] == ["id", "hash"]
    assert store.add_analyses([make_analysis(0)]) == 0


def test_stored_objects_come_back_exactly_and_in_order(store):
    docs = [make_analysis(i, text=f"Élan {i}: Moscow — Kyiv “quoted” Kyiv 🙂") for i in range(5)]
    store.add_analyses(docs[:3])
    store.add_analyses(docs[3:])
    assert list(store.iter_analyses(batch=2)) == docs
    assert list(store.iter_analyses()) == docs
    stored_json = store._conn.execute("SELECT analysis FROM documents WHERE id = 'doc-0'").fetchone()[0]
    assert stored_json == json.dumps(docs[0], ensure_ascii=False, separators=(",", ":"))


def test_search_finds_words_in_text_and_title(store):
    store.add_analyses([
        make_analysis(0, text="Moscow accused Kyiv of shelling a power plant near Donetsk.",
                      title="Accusations fly"),
        make_analysis(1, text="Kyiv said grain exports resumed from Odesa.", title="Shelling stops"),
        make_analysis(2, text="Moscow and Kyiv held talks in Istanbul about grain.", title="Talks"),
    ] + [make_analysis(10 + i, text=f"The weather was mild in Lisbon on day {i}.", title="Weather",
                       actors=()) for i in range(5)])     # unrelated documents give bm25 its IDF
    hits = store.search("plant")
    assert [h["id"] for h in hits] == ["doc-0"]
    assert hits[0]["snippet"] == "Moscow accused Kyiv of shelling a power [plant] near Donetsk."
    assert set(hits[0]) == {"id", "hash", "title", "source", "published", "snippet", "rank"}
    assert hits[0]["title"] == "Accusations fly" and hits[0]["source"] == "The Daily Example"
    assert hits[0]["published"] == "2024-05-01" and hits[0]["rank"] < 0
    title_hit = store.search("stops")
    assert [h["id"] for h in title_hit] == ["doc-1"]
    assert title_hit[0]["snippet"] == "Shelling [stops]"
    # porter stemming: "shell" finds "shelling"; the title match ranks first (titles weigh double)
    assert [h["id"] for h in store.search("shell")] == ["doc-1", "doc-0"]
    assert [h["id"] for h in store.search("grain")] == ["doc-1", "doc-2"]     # the shorter text first
    assert [h["id"] for h in store.search("grain", limit=1)] == ["doc-1"]
    assert [h["id"] for h in store.search("grain", limit=1, offset=1)] == ["doc-2"]
    assert store.search("grain", limit=10, offset=2) == []
    assert [h["id"] for h in store.search('"grain exports"')] == ["doc-1"]
    assert [h["id"] for h in store.search("Moscow NOT plant")] == ["doc-2"]
    assert store.search("Vladivostok") == []
    assert store.search("plant", marks=("<b>", "</b>"))[0]["snippet"].endswith("power <b>plant</b> near Donetsk.")


@pytest.mark.parametrize("query, found", [
    ('plant"', True), ("(plant", True), ("plant)", True), ("-plant", True), ("NEAR(", True),
    ("al-Qaeda", True), ("plant's", False), ("AND", False), ("plant AND", False),
    ("plant OR", False), ("NOT", False), ("title:plant:", False), ("nope:plant", False),
    ("*", False), ('"', False), ("^", False), ("'", False), ("x\x00y", False),
])
def test_search_survives_fts_syntax_errors(store, query, found):
    # each of these is not valid FTS5 syntax; it is searched as a phrase instead
    store.add_analyses([make_analysis(0, text="A power plant near Donetsk, claimed by al-Qaeda.",
                                      title="Plant")])
    assert [h["id"] for h in store.search(query)] == (["doc-0"] if found else [])


def test_search_refuses_an_empty_query(store):
    for query in ("", "   ", "\x00"):
        with pytest.raises(NewsgraphError) as err:
            store.search(query)
        assert err.value.code == "bad_option"
        assert err.value.message == "the search query is empty"


def test_summary(store):
    text = "Moscow and Kyiv met. Kyiv and the UN spoke. Then the UN left Kyiv."
    store.add_analyses([
        make_analysis(0, source="Outlet A", published="2024-01-05"),
        make_analysis(1, source="Outlet A", published="2023-12-30"),
        make_analysis(2, source="Outlet B", published=None, text=text, actors=(UKR, UN)),
        make_analysis(3, source=None, published="2024-02-01", actors=()),
    ])
    run = store.start_run(command="ingest", options={})
    store.add_skipped(run, [{"origin": f"f{i}", "code": "empty", "reason": "no text"} for i in range(3)])
    s = store.summary(top=10)
    assert s == {
        "documents": 4, "actors": 3, "mentions": 2 * 3 + 5, "places": 0, "events": 0, "claims": 0,
        "signals": 0, "skipped": 3,
        "top_actors": [
            {"id": "actor:UKRGOV", "name": "Ukrainian government", "code": "UKRGOV", "documents": 3,
             "mentions": 7},
            {"id": "actor:RUSGOV", "name": "Russian government", "code": "RUSGOV", "documents": 2,
             "mentions": 2},
            {"id": "actor:IGOUNO", "name": "United Nations", "code": "IGOUNO", "documents": 1,
             "mentions": 2},
        ],
        "top_event_types": [],
        "outlets": [{"source": "Outlet A", "documents": 2}, {"source": "Outlet B", "documents": 1},
                    {"source": None, "documents": 1}],
        "date_range": ["2023-12-30", "2024-02-01"],
    }
    assert store.summary(top=1)["top_actors"] == s["top_actors"][:1]
    assert store.summary(top=1)["outlets"] == [{"source": "Outlet A", "documents": 2}]
    assert store.counts() == {"documents": 4, "actors": 3, "mentions": 11, "places": 0,
                              "place_mentions": 0, "events": 0, "event_actors": 0, "claims": 0,
                              "signals": 0, "runs": 1, "skipped": 3}


def test_an_empty_store_summarises_to_zeros(store):
    s = store.summary()
    assert s["documents"] == 0 and s["top_actors"] == [] and s["outlets"] == []
    assert s["date_range"] == [None, None]


# --- read-only use and concurrency ---------------------------------------------

def test_readonly_refuses_writes(db):
    with Store(db) as s:
        s.add_analyses([make_analysis(0)])
        run = s.start_run(command="ingest", options={})
    with Store(db, readonly=True) as r:
        assert r.get_analysis("doc-0")["document"]["id"] == "doc-0"
        attempts = [lambda: r.add_analyses([make_analysis(1)]),
                    lambda: r.add_skipped(run, [{"origin": "o", "code": "empty", "reason": "x"}]),
                    lambda: r.start_run(command="x", options={}),
                    lambda: r.finish_run(run, stats={})]
        for attempt in attempts:
            with pytest.raises(NewsgraphError) as err:
                attempt()
            assert err.value.code == "bad_option"
            assert err.value.message == f"the store {db} is open read-only"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            r._conn.execute("DELETE FROM documents")
        assert r.counts()["documents"] == 1


def test_readonly_needs_an_existing_store(tmp_path):
    with pytest.raises(NewsgraphError) as err:
        Store(tmp_path / "nothing.db", readonly=True)
    assert err.value.code == "not_found"
    assert not (tmp_path / "nothing.db").exists()


def test_readers_see_committed_batches_while_the_writer_is_open(db):
    with Store(db) as writer, Store(db, readonly=True) as reader:
        writer.add_analyses([make_analysis(0)])
        assert reader.counts()["documents"] == 1
        with pytest.raises(RuntimeError):
            with writer._write() as con:    # a batch in progress is invisible to readers
                con.execute("DELETE FROM mentions")
                assert reader.counts()["mentions"] == 3
                raise RuntimeError("abandon the batch")
        assert writer.counts()["mentions"] == reader.counts()["mentions"] == 3    # rolled back
        writer.add_analyses([make_analysis(1)])
        assert reader.counts()["documents"] == 2


def test_a_second_writer_waits_then_fails(db):
    with Store(db) as first, Store(db, timeout=0.05) as second:
        with first._write():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                second.add_analyses([make_analysis(0)])
        assert second.add_analyses([make_analysis(0)]) == 1


# --- crash safety ------------------------------------------------------------------

BATCH = 40

# Writes batches 0, 1, 2, ... of BATCH documents. With ``stall`` it stops (sleeps)
# half-way through the transaction of batch 3, after its pages have spilled into
# the WAL file, so that the parent kills it with an uncommitted batch on disk.
CHILD = r"""
import os, sys, time
sys.path.insert(0, {tests!r})
from test_store import batch_of
from newsgraph.store import Store

stall = {stall!r}
store = Store({db!r})
con = store._conn
con.execute("PRAGMA cache_size = 5")          # spill dirty pages into the WAL mid-transaction
con.execute("PRAGMA wal_autocheckpoint = 0")  # keep the WAL file growing, for the size check
wal = {db!r} + "-wal"
state = {{"batch": 0, "ticks": 0, "per_batch": None}}

def progress():
    if con.in_transaction:
        state["ticks"] += 1
        if stall and state["batch"] == 3 and state["ticks"] == state["per_batch"] // 2:
            print("stalled", os.path.getsize(wal), flush=True)
            time.sleep(60)
    return 0

con.set_progress_handler(progress, 50)
for k in range(1000):
    docs = batch_of(k, {batch})
    state["batch"], state["ticks"] = k, 0
    store.add_analyses(docs)
    if k == 0:
        state["per_batch"] = state["ticks"]
    print("committed", k, os.path.getsize(wal), flush=True)
"""


def _run_child(db: Path, *, stall: bool, tmp_path: Path) -> subprocess.Popen:
    code = CHILD.format(tests=str(TESTS), db=str(db), stall=stall, batch=BATCH)
    with open(tmp_path / "child.err", "w") as stderr:
        return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                stderr=stderr, text=True)


def _check_whole(db: Path, batches: int) -> set[str]:
    """The store holds exactly ``batches`` whole batches; returns the stored hashes."""
    with Store(db) as s:                       # a writer: recovers the WAL
        con = s._conn
        counts = s.counts()
        assert counts["documents"] == batches * BATCH
        assert counts["mentions"] == 3 * counts["documents"]
        assert con.execute("SELECT count(*) FROM documents AS d WHERE NOT EXISTS "
                           "(SELECT 1 FROM mentions AS m WHERE m.doc_hash = d.hash)").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM documents_fts_docsize").fetchone()[0] == counts["documents"]
        con.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        hashes = {r[0] for r in con.execute("SELECT hash FROM documents")}
    expected = {d["document"]["hash"] for k in range(batches) for d in batch_of(k, BATCH)}
    assert hashes == expected
    return hashes


def _resume(db: Path, upto: int, stored: int) -> None:
    with Store(db) as s:
        added = sum(s.add_analyses(batch_of(k, BATCH)) for k in range(upto))
        assert added == upto * BATCH - stored
        assert sum(s.add_analyses(batch_of(k, BATCH)) for k in range(upto)) == 0
        assert s.counts()["documents"] == upto * BATCH
        assert s._conn.execute("SELECT count(DISTINCT id) FROM documents").fetchone()[0] == upto * BATCH
        assert [h["id"] for h in s.search(f"Marker{upto * BATCH - 1}")] == [f"doc-{upto * BATCH - 1}"]


def test_sigkill_in_the_middle_of_a_batch_loses_only_that_batch(db, tmp_path):
    lines = []
    with _run_child(db, stall=True, tmp_path=tmp_path) as proc:
        try:
            for line in proc.stdout:
                lines.append(line.split())
                if lines[-1][0] == "stalled":
                    proc.send_signal(signal.SIGKILL)
                    break
        finally:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "child.err").read_text()
    assert [line[:2] for line in lines[:3]] == [["committed", "0"], ["committed", "1"],
                                                ["committed", "2"]]
    assert lines[3][0] == "stalled" and len(lines) == 4
    # the uncommitted batch had written pages into the WAL when it was killed
    assert int(lines[-1][1]) > int(lines[-2][2])
    stored = _check_whole(db, 3)
    _resume(db, 5, len(stored))


def test_sigkill_at_any_moment_leaves_whole_batches(db, tmp_path):
    committed = -1
    with _run_child(db, stall=False, tmp_path=tmp_path) as proc:
        try:
            for line in proc.stdout:
                committed = int(line.split()[1])
                if committed >= 2:
                    proc.send_signal(signal.SIGKILL)
                    break
        finally:
            proc.kill()
    assert committed >= 2, (tmp_path / "child.err").read_text()
    with Store(db) as s:
        batches, rest = divmod(s.counts()["documents"], BATCH)
    assert rest == 0 and batches >= 3
    stored = _check_whole(db, batches)
    _resume(db, batches + 2, len(stored))


def test_generic_agents_are_left_out_of_the_top_actors(store):
    police = ("agent:cop", "police (unspecified)", None, None, "COP", "agent", ("Police",))
    store.add_analyses([make_analysis(i, text=f"Police met Kyiv. Police left. {i}", actors=(police, UKR))
                        for i in range(3)])
    s = store.summary(top=10)
    assert s["actors"] == 2
    assert [a["id"] for a in s["top_actors"]] == ["actor:UKRGOV"]


# --- schema 5: stored days, actor counts, network pairs, corpus facets -------------------------

def test_event_day_in_python_is_the_sql_rule_of_the_migration():
    con = sqlite3.connect(":memory:")
    rule = "SELECT " + store_sqlite._DAY_SQL.format(date="?1", published="?2")
    dates = [None, "2024-05-06", "2024-05", "2024", "2023", "2023-02", "May 2024", "2024-5", "",
             "2024-05-06T10:00", "20245", "２０２４"]
    published = [None, "2024-05-03", "2024-05-03T08:00:00Z", "2023-12-31", "2023-02-11", ""]
    for d in dates:
        for p in published:
            assert store_sqlite.event_day(d, p) == con.execute(rule, (d, p)).fetchone()[0], (d, p)
    assert store_sqlite.event_day("2024-05", "2024-05-03") == "2024-05-03"
    assert store_sqlite.event_day("2024-05", "2024-06-01") == "2024-05-01"
    assert store_sqlite.event_day("2023", "2024-06-01") == "2023-01-01"
    assert store_sqlite.event_day(None, "2024-06-01") == "2024-06-01"


def _schema_5_documents() -> list[list[dict]]:
    """Three batches. The UN is named by an event of batch 0 but listed as an actor (mentioned)
    only in batch 1; batch 2 adds events to known actors."""
    def event(eid, actor, recipient, date, quad=3, goldstein=-2.0, text="Moscow accused Kyiv"):
        return lambda t: Event(id=eid, type="ACCUSE", mode=None, cameo="112", goldstein=goldstein,
                               quad=quad, actor=actor, recipient=recipient, status="asserted",
                               source_claim=None, date=date, place=None, evidence=span(t, text),
                               confidence=0.8)
    un_text = "Report {i}: the UN said Moscow accused Kyiv of shelling Donetsk."
    return [
        [make_analysis(0, published="2024-05-03", events=(
            event("e1", ("actor:RUSGOV",), ("actor:UKRGOV", "actor:IGOUNO"), "2024-05"),
            event("e2", ("actor:UKRGOV",), ("actor:RUSGOV",), "2024-05-06", quad=1, goldstein=3.0,
                  text="Kyiv denied it"))),
         make_analysis(1, published="2024-06-01", events=(
             event("e1", ("actor:RUSGOV",), ("actor:RUSGOV",), None),))],
        [make_analysis(2, text=un_text.format(i=2), actors=(RUS, UKR, UN), published="2024-06-02",
                       events=(event("e1", ("actor:IGOUNO",), (), "2023"),))],
        [make_analysis(3, published="2024-06-03", events=(
            event("e1", ("actor:RUSGOV",), ("actor:UKRGOV",), "2024-06-03", quad=4, goldstein=-10.0),)),
         make_analysis(4, published=None)],
    ]


_DERIVED = {
    "day": "SELECT d.id, e.event_id, e.day FROM events AS e JOIN documents AS d ON d.hash = e.doc_hash "
           "ORDER BY 1, 2",
    "actors": "SELECT id, n_events, n_documents FROM actors ORDER BY id",
    "pairs": "SELECT d.id, p.event_id, p.actor_id, p.recipient_id, p.day, p.quad, p.goldstein "
             "FROM event_pairs AS p JOIN documents AS d ON d.hash = p.doc_hash ORDER BY 1, 2, 3, 4",
    "actor_days": "SELECT actor_id, day, events FROM actor_days ORDER BY 1, 2",
    "terms": "SELECT x.corpus_event_id, t.facet, t.value FROM corpus_event_terms AS x "
             "JOIN corpus_terms AS t ON t.id = x.term ORDER BY 1, 2, 3",
    "facets": "SELECT facet, value, events FROM corpus_terms ORDER BY 1, 2",
}


def _derived(path: Path) -> dict[str, list[tuple]]:
    con = raw(path)
    return {name: con.execute(sql).fetchall() for name, sql in _DERIVED.items()}


def _downgrade_to_4(path: Path) -> None:
    """Undo migration 5 by hand: the store a schema-4 newsgraph left, with the same rows."""
    con = raw(path)
    con.executescript("""
        BEGIN;
        DROP TABLE event_pairs; DROP TABLE actor_days; DROP TABLE corpus_event_terms;
        DROP TABLE corpus_terms;
        DROP INDEX events_day; DROP INDEX events_place; DROP INDEX events_doc_type;
        DROP INDEX actors_by_events;
        DROP INDEX corpus_events_order; DROP INDEX event_actors_by_actor; DROP INDEX event_actors_by_event;
        CREATE INDEX event_actors_event ON event_actors(doc_hash, event_id);
        CREATE INDEX event_actors_actor ON event_actors(actor_id, role);
        ALTER TABLE events DROP COLUMN day;
        ALTER TABLE actors DROP COLUMN n_events; ALTER TABLE actors DROP COLUMN n_documents;
        DELETE FROM schema_migrations WHERE version = 5;
        PRAGMA user_version = 4;
        COMMIT;
    """)
    con.close()


def _shape(path: Path) -> tuple:
    con = raw(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return (tables, {t: [r[1:3] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables},
            sorted(con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL")))


def test_add_analyses_keeps_the_schema_5_rows(store):
    from newsgraph import corpus
    for batch in _schema_5_documents():
        store.add_analyses(batch)
    corpus.build(store, claims=False)
    got = _derived(Path(store.path))
    assert got["day"] == [("doc-0", "e1", "2024-05-03"), ("doc-0", "e2", "2024-05-06"),
                          ("doc-1", "e1", "2024-06-01"), ("doc-2", "e1", "2023-01-01"),
                          ("doc-3", "e1", "2024-06-03")]
    # the UN: one event of batch 0 (before it was listed) and one of its own; one document
    # mentions it; every document mentions Moscow and Kyiv
    assert got["actors"] == [("actor:IGOUNO", 2, 1), ("actor:RUSGOV", 4, 5), ("actor:UKRGOV", 3, 5)]
    assert got["pairs"] == [
        ("doc-0", "e1", "actor:RUSGOV", "actor:IGOUNO", "2024-05-03", 3, -2.0),
        ("doc-0", "e1", "actor:RUSGOV", "actor:UKRGOV", "2024-05-03", 3, -2.0),
        ("doc-0", "e2", "actor:UKRGOV", "actor:RUSGOV", "2024-05-06", 1, 3.0),
        ("doc-1", "e1", "actor:RUSGOV", "actor:RUSGOV", "2024-06-01", 3, -2.0),
        ("doc-3", "e1", "actor:RUSGOV", "actor:UKRGOV", "2024-06-03", 4, -10.0)]
    assert got["actor_days"] == [
        ("actor:IGOUNO", "2023-01-01", 1), ("actor:IGOUNO", "2024-05-03", 1),
        ("actor:RUSGOV", "2024-05-03", 1), ("actor:RUSGOV", "2024-05-06", 1),
        ("actor:RUSGOV", "2024-06-01", 1), ("actor:RUSGOV", "2024-06-03", 1),
        ("actor:UKRGOV", "2024-05-03", 1), ("actor:UKRGOV", "2024-05-06", 1),
        ("actor:UKRGOV", "2024-06-03", 1)]
    facets = {(f, v): n for f, v, n in got["facets"]}
    assert facets[("type", "ACCUSE")] == 5 and facets[("outlet", "The Daily Example")] == 5
    assert facets[("actor", "actor:RUSGOV")] == 3 and facets[("recipient", "actor:IGOUNO")] == 1


def test_schema_5_upgrades_a_version_4_store_in_place(db, tmp_path, monkeypatch):
    from newsgraph import corpus
    with Store(db) as s:
        for batch in _schema_5_documents():
            s.add_analyses(batch)
        corpus.build(s, claims=False)
    kept = _derived(db)                  # what add_analyses and replace_corpus wrote
    _downgrade_to_4(db)
    with monkeypatch.context() as m:     # the shape a schema-4 newsgraph creates
        m.setattr(store_sqlite, "MIGRATIONS", store_sqlite.MIGRATIONS[:4])
        Store(tmp_path / "v4.db").close()
    assert _shape(db) == _shape(tmp_path / "v4.db")
    with pytest.raises(NewsgraphError) as err:
        Store(db, readonly=True)
    assert "old schema version 4" in err.value.message
    with Store(db) as s:                 # migration 5 computes the same rows from the old ones
        assert s.schema_version == 5
        assert s.counts()["events"] == 5
    assert _derived(db) == kept
    assert raw(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw(db).execute("PRAGMA foreign_key_check").fetchall() == []
