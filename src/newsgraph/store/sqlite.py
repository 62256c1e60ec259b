"""The embedded store: one SQLite file (WAL, FTS5) that holds every analysis.

The whole contract object (``Analysis.to_dict()``) is stored once as compact
JSON and returned exactly as stored; its records are also spread over plain
tables (actors, mentions, places, events, claims, signals) so that corpus
questions are SQL queries over indexes, never a second analysis.

Concurrency: one writer, many readers. Every write is one ``BEGIN IMMEDIATE``
transaction, so a second writer waits up to the busy timeout and then fails;
readers (``readonly=True``, a ``mode=ro`` URI) never block the writer and see
the last committed state. A ``Store`` object belongs to the thread that opened it.

Crash safety: ``add_analyses`` writes one batch in one transaction. A process
killed at any moment leaves every committed batch whole and nothing of the batch
it was writing; documents are keyed by content hash, so running the same input
again stores only what is missing.

Schema changes are migrations: an ordered list of SQL scripts, each applied once
in its own transaction, with the version in ``PRAGMA user_version`` and a row in
``schema_migrations``. See docs/store.md.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import NewsgraphError
from ..model import SCHEMA_ID, content_hash

BUSY_TIMEOUT_S = 10.0     # how long a writer waits for another writer's transaction
MIN_PREFIX = 6            # shortest hash prefix get_analysis accepts
_CHUNK = 500              # host parameters per IN (...) query
EVENT_FACETS = ("type", "status", "outlet", "actor", "recipient", "month")
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


_V1 = """
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '{}',   -- JSON
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    stats       TEXT                          -- JSON
);

CREATE TABLE skipped (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    code   TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX skipped_run ON skipped(run_id);

-- seq is the stable rowid the FTS index points at (an INTEGER PRIMARY KEY
-- survives VACUUM; an implicit rowid does not); hash is the document's key.
CREATE TABLE documents (
    seq         INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    id          TEXT NOT NULL,
    source      TEXT,
    url         TEXT,
    title       TEXT,
    published   TEXT,
    language    TEXT,
    origin      TEXT,
    text        TEXT NOT NULL,
    n_words     INTEGER NOT NULL,
    analysis    TEXT NOT NULL,                -- the contract object, compact JSON
    extractors  TEXT NOT NULL DEFAULT '{}',   -- JSON
    ingested_at TEXT NOT NULL,
    run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL
);
CREATE INDEX documents_id ON documents(id);
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_published ON documents(published);

-- External-content FTS5: the index only, the text stays in documents (no copy),
-- and snippet() reads it from there. Triggers keep it in step with documents.
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text,
    content='documents', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO documents_fts(documents_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TABLE actors (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    code    TEXT,
    country TEXT,
    sector  TEXT,
    kind    TEXT
);
CREATE INDEX actors_code ON actors(code);

CREATE TABLE mentions (
    doc_hash TEXT NOT NULL REFERENCES documents(hash) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES actors(id),
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX mentions_actor ON mentions(actor_id, doc_hash);
CREATE INDEX mentions_doc ON mentions(doc_hash);

CREATE TABLE places (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    country TEXT,
    lat     REAL,
    lon     REAL,
    kind    TEXT
);

CREATE TABLE place_mentions (
    doc_hash TEXT NOT NULL REFERENCES documents(hash) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES places(id),
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX place_mentions_place ON place_mentions(place_id, doc_hash);
CREATE INDEX place_mentions_doc ON place_mentions(doc_hash);

CREATE TABLE events (
    doc_hash       TEXT NOT NULL REFERENCES documents(hash) ON DELETE CASCADE,
    event_id       TEXT NOT NULL,
    type           TEXT NOT NULL,
    mode           TEXT,
    cameo          TEXT,
    goldstein      REAL,
    quad           INTEGER,
    status         TEXT NOT NULL,
    date           TEXT,
    place_name     TEXT,
    place_country  TEXT,
    lat            REAL,
    lon            REAL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    evidence_text  TEXT NOT NULL,
    confidence     REAL NOT NULL,
    source_claim   TEXT,
    PRIMARY KEY (doc_hash, event_id)
);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_date ON events(date);

-- actor_id is an actor id from the same analysis; not a foreign key, so that an
-- event may name an actor the actor extractor did not list.
CREATE TABLE event_actors (
    doc_hash TEXT NOT NULL,
    event_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('actor', 'recipient')),
    FOREIGN KEY (doc_hash, event_id) REFERENCES events(doc_hash, event_id) ON DELETE CASCADE
);
CREATE INDEX event_actors_event ON event_actors(doc_hash, event_id);
CREATE INDEX event_actors_actor ON event_actors(actor_id, role);

CREATE TABLE claims (
    doc_hash        TEXT NOT NULL REFERENCES documents(hash) ON DELETE CASCADE,
    claim_id        TEXT NOT NULL,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    text            TEXT NOT NULL,
    speaker_kind    TEXT NOT NULL,
    speaker_name    TEXT,
    speaker_actor   TEXT,
    cue             TEXT,
    kind            TEXT NOT NULL,
    checkworthiness REAL NOT NULL,
    PRIMARY KEY (doc_hash, claim_id)
);
CREATE INDEX claims_speaker_actor ON claims(speaker_actor);

CREATE TABLE signals (
    doc_hash  TEXT NOT NULL REFERENCES documents(hash) ON DELETE CASCADE,
    technique TEXT NOT NULL,
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    text      TEXT NOT NULL,
    score     REAL NOT NULL
);
CREATE INDEX signals_doc ON signals(doc_hash);
CREATE INDEX signals_technique ON signals(technique);
"""

_V2 = """
-- Known disinformation narratives (newsgraph.narratives): imported from a user's list,
-- keyed by the list's id (EUvsDisinfo: the case URL). vector: the title's sentence
-- embedding, float32 little-endian, made by the encoder named in model.
CREATE TABLE narratives (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    url         TEXT,
    date        TEXT,
    countries   TEXT NOT NULL DEFAULT '[]',   -- JSON lists
    keywords    TEXT NOT NULL DEFAULT '[]',
    languages   TEXT NOT NULL DEFAULT '[]',
    outlets     TEXT NOT NULL DEFAULT '[]',
    source      TEXT NOT NULL,                -- the file it was imported from (name only)
    model       TEXT NOT NULL,
    vector      BLOB NOT NULL,
    revision    INTEGER NOT NULL,             -- the import run that last changed the row
    imported_at TEXT NOT NULL
);

-- A claim that repeats a narrative: its cosine similarity, and its rank among the claim's links.
CREATE TABLE claim_narratives (
    doc_hash     TEXT NOT NULL,
    claim_id     TEXT NOT NULL,
    narrative_id TEXT NOT NULL REFERENCES narratives(id) ON DELETE CASCADE,
    similarity   REAL NOT NULL,
    rank         INTEGER NOT NULL,
    PRIMARY KEY (doc_hash, claim_id, narrative_id),
    FOREIGN KEY (doc_hash, claim_id) REFERENCES claims(doc_hash, claim_id) ON DELETE CASCADE
);
CREATE INDEX claim_narratives_narrative ON claim_narratives(narrative_id);

-- Which documents were matched, and with which settings and narratives (a JSON key), so that
-- a second match only does the documents ingested or narratives imported since.
CREATE TABLE narrative_matches (
    doc_hash   TEXT PRIMARY KEY REFERENCES documents(hash) ON DELETE CASCADE,
    settings   TEXT NOT NULL,
    matched_at TEXT NOT NULL
);
"""

_V3 = """
-- Corpus events (newsgraph.corpus): reports of one event from many documents, merged.
-- Recomputed as a whole by `newsgraph corpus build`; settings is the JSON of its options.
-- date_lo/date_hi: the days the reports' dates allow (partial dates widened to their month or
-- year), else the first report's publication date; first_reported: the earliest publication.
CREATE TABLE corpus_events (
    id             TEXT PRIMARY KEY,
    type           TEXT NOT NULL,
    quad           INTEGER,
    date_lo        TEXT,
    date_hi        TEXT,
    place_name     TEXT,
    place_country  TEXT,
    first_reported TEXT,
    n_reports      INTEGER NOT NULL,
    n_outlets      INTEGER NOT NULL,
    n_documents    INTEGER NOT NULL,
    status         TEXT NOT NULL,                -- the status most reports give
    disagreements  TEXT NOT NULL DEFAULT '[]',   -- JSON
    settings       TEXT NOT NULL DEFAULT '{}'    -- JSON
);
CREATE INDEX corpus_events_type ON corpus_events(type, n_reports);
CREATE INDEX corpus_events_date ON corpus_events(date_lo, date_hi);
CREATE INDEX corpus_events_reports ON corpus_events(n_reports);

-- Every report of a corpus event: one stored event as its document gives it.
CREATE TABLE corpus_event_reports (
    corpus_event_id TEXT NOT NULL REFERENCES corpus_events(id) ON DELETE CASCADE,
    doc_hash        TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    outlet          TEXT,
    published       TEXT,
    status          TEXT NOT NULL,
    date            TEXT,
    place_name      TEXT,
    place_country   TEXT,
    evidence_start  INTEGER NOT NULL,
    evidence_end    INTEGER NOT NULL,
    evidence_text   TEXT NOT NULL,
    PRIMARY KEY (doc_hash, event_id),
    FOREIGN KEY (doc_hash, event_id) REFERENCES events(doc_hash, event_id) ON DELETE CASCADE
);
CREATE INDEX corpus_event_reports_event ON corpus_event_reports(corpus_event_id);
CREATE INDEX corpus_event_reports_outlet ON corpus_event_reports(outlet COLLATE NOCASE);
CREATE INDEX corpus_event_reports_status ON corpus_event_reports(status);
CREATE INDEX corpus_event_reports_place ON corpus_event_reports(place_name COLLATE NOCASE);

-- The actors and recipients of a corpus event (the union over its reports).
CREATE TABLE corpus_event_actors (
    corpus_event_id TEXT NOT NULL REFERENCES corpus_events(id) ON DELETE CASCADE,
    actor_id        TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('actor', 'recipient')),
    PRIMARY KEY (corpus_event_id, actor_id, role)
);
CREATE INDEX corpus_event_actors_actor ON corpus_event_actors(actor_id, role);

-- Why a report joined its corpus event: the report it matched best, the score, the fields.
CREATE TABLE corpus_merges (
    corpus_event_id TEXT NOT NULL REFERENCES corpus_events(id) ON DELETE CASCADE,
    doc_hash        TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    matched_doc     TEXT NOT NULL,
    matched_event   TEXT NOT NULL,
    score           REAL NOT NULL,
    reasons         TEXT NOT NULL,               -- JSON {field: why}
    PRIMARY KEY (doc_hash, event_id)
);
CREATE INDEX corpus_merges_event ON corpus_merges(corpus_event_id);

-- Claim corroboration: corroborated | contested | unverified, with the reports for and against.
CREATE TABLE claim_corroboration (
    doc_hash        TEXT NOT NULL,
    claim_id        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('corroborated', 'contested', 'unverified')),
    independent     INTEGER NOT NULL,            -- independent outlets that report the same content
    supporting      TEXT NOT NULL DEFAULT '[]',  -- JSON [{doc_hash, claim_id, outlet, similarity, copy}]
    contradicting   TEXT NOT NULL DEFAULT '[]',  -- JSON [{doc_hash, claim_id?, outlet, why}]
    PRIMARY KEY (doc_hash, claim_id),
    FOREIGN KEY (doc_hash, claim_id) REFERENCES claims(doc_hash, claim_id) ON DELETE CASCADE
);
CREATE INDEX claim_corroboration_status ON claim_corroboration(status);

-- Documents whose text near-duplicates another's (copies are one source): cluster = the
-- hash of the earliest stored document of the cluster.
CREATE TABLE document_copies (
    doc_hash TEXT PRIMARY KEY REFERENCES documents(hash) ON DELETE CASCADE,
    cluster  TEXT NOT NULL
);
CREATE INDEX document_copies_cluster ON document_copies(cluster);

CREATE INDEX claims_doc ON claims(doc_hash, start);
CREATE INDEX events_doc_evidence ON events(doc_hash, evidence_start);
CREATE INDEX documents_published_seq ON documents(published, seq);
"""

_V4 = """
CREATE INDEX claims_checkworthiness ON claims(checkworthiness DESC);
"""

# The day an event is filed under (export.effective_date, network.py): a full date; a partial
# one (YYYY or YYYY-MM) that the publication date falls in gives the publication date, any
# other its first day; else the publication date. ``event_day`` is the same rule in Python.
_DAY_SQL = ("CASE WHEN {date} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN {date} "
            "WHEN {date} GLOB '[0-9][0-9][0-9][0-9]' OR {date} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' "
            "THEN CASE WHEN substr({published}, 1, length({date})) = {date} THEN {published} "
            "WHEN length({date}) = 4 THEN {date} || '-01-01' ELSE {date} || '-01' END "
            "ELSE {published} END")


_COUNT_ACTORS = (
    "UPDATE actors SET "
    "n_events = (SELECT count(*) FROM (SELECT DISTINCT x.doc_hash, x.event_id FROM event_actors AS x "
    "WHERE x.actor_id = actors.id)), "
    "n_documents = (SELECT count(DISTINCT m.doc_hash) FROM mentions AS m WHERE m.actor_id = actors.id)")

_V5 = f"""
-- events.day: the day an event is filed under (the rule of network.py and export), stored so
-- that a date range is an index range instead of an expression computed for every event.
ALTER TABLE events ADD COLUMN day TEXT;
UPDATE events SET day = (SELECT {_DAY_SQL.format(date="events.date", published="d.published")}
                         FROM documents AS d WHERE d.hash = events.doc_hash);
CREATE INDEX events_day ON events(day);

-- the coordinates of a place (the map of the API)
CREATE INDEX events_place ON events(place_name, place_country, lat, lon);
-- the event types of a document (the documents' event_type facet reads this index alone)
CREATE INDEX events_doc_type ON events(doc_hash, type);

-- event_actors by actor and by event, each with the other columns (covering: the pairs of the
-- network, an actor's events and counts are read from the indexes alone); they replace the
-- indexes of schema 1 on (actor_id, role) and (doc_hash, event_id), their prefixes
DROP INDEX event_actors_actor;
DROP INDEX event_actors_event;
CREATE INDEX event_actors_by_actor ON event_actors(actor_id, role, doc_hash, event_id);
CREATE INDEX event_actors_by_event ON event_actors(doc_hash, event_id, role, actor_id);

-- One row per (actor, recipient) pair of a stored event (event_actors joined with itself), with
-- the event's day, quad class and Goldstein: the actor network groups these rows (most events
-- have no pair, so this is a fraction of the events), kept by add_analyses.
CREATE TABLE event_pairs (
    doc_hash     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    day          TEXT,
    quad         INTEGER,
    goldstein    REAL,
    FOREIGN KEY (doc_hash, event_id) REFERENCES events(doc_hash, event_id) ON DELETE CASCADE
);
INSERT INTO event_pairs (doc_hash, event_id, actor_id, recipient_id, day, quad, goldstein)
    SELECT e.doc_hash, e.event_id, a.actor_id, r.actor_id, e.day, e.quad, e.goldstein
    FROM event_actors AS a JOIN event_actors AS r ON r.doc_hash = a.doc_hash
    AND r.event_id = a.event_id AND r.role = 'recipient'
    JOIN events AS e ON e.doc_hash = a.doc_hash AND e.event_id = a.event_id
    WHERE a.role = 'actor' ORDER BY a.rowid, r.rowid;
CREATE INDEX event_pairs_pair ON event_pairs(actor_id, recipient_id, day, quad, goldstein);
CREATE INDEX event_pairs_day ON event_pairs(day, actor_id, recipient_id, quad, goldstein);
CREATE INDEX event_pairs_event ON event_pairs(doc_hash, event_id);

-- Per actor and day, its stored events of that day (events with a day only): an actor's events
-- in a date range is the sum over its days (every event has one day), kept by add_analyses.
CREATE TABLE actor_days (
    actor_id TEXT NOT NULL,
    day      TEXT NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (actor_id, day)
) WITHOUT ROWID;
INSERT INTO actor_days (actor_id, day, events)
    SELECT x.actor_id, e.day, count(*) FROM (SELECT DISTINCT actor_id, doc_hash, event_id
                                             FROM event_actors) AS x
    JOIN events AS e ON e.doc_hash = x.doc_hash AND e.event_id = x.event_id
    WHERE e.day IS NOT NULL GROUP BY x.actor_id, e.day;

-- actors.n_events / n_documents: the stored events naming the actor (as actor or recipient)
-- and the documents mentioning it, kept by add_analyses, so that the actor list is a scan of
-- one index in its order instead of two counts for every actor.
ALTER TABLE actors ADD COLUMN n_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actors ADD COLUMN n_documents INTEGER NOT NULL DEFAULT 0;
{_COUNT_ACTORS};
CREATE INDEX actors_by_events ON actors(n_events DESC, n_documents DESC, id);
"""

# corpus_terms / corpus_event_terms: derived from the corpus tables whenever they are replaced
# (replace_corpus) and by migration 5; see corpus_event_facets.
_CORPUS_TERMS = """
INSERT INTO corpus_terms (facet, value, events)
    SELECT 'type', type, count(*) FROM corpus_events GROUP BY type;
INSERT INTO corpus_terms (facet, value, events)
    SELECT 'month', substr(coalesce(date_lo, first_reported), 1, 7) AS m, count(*) FROM corpus_events
    GROUP BY m;
INSERT INTO corpus_terms (facet, value, events)
    SELECT 'status', status, count(DISTINCT corpus_event_id) FROM corpus_event_reports GROUP BY status;
INSERT INTO corpus_terms (facet, value, events)
    SELECT 'outlet', outlet, count(DISTINCT corpus_event_id) FROM corpus_event_reports
    WHERE outlet IS NOT NULL GROUP BY outlet;
INSERT INTO corpus_terms (facet, value, events)
    SELECT role, actor_id, count(*) FROM corpus_event_actors GROUP BY role, actor_id;
INSERT OR IGNORE INTO corpus_event_terms (corpus_event_id, term)
    SELECT r.corpus_event_id, t.id FROM corpus_event_reports AS r
    JOIN corpus_terms AS t ON t.facet = 'status' AND t.value = r.status;
INSERT OR IGNORE INTO corpus_event_terms (corpus_event_id, term)
    SELECT r.corpus_event_id, t.id FROM corpus_event_reports AS r
    JOIN corpus_terms AS t ON t.facet = 'outlet' AND t.value = r.outlet;
INSERT OR IGNORE INTO corpus_event_terms (corpus_event_id, term)
    SELECT x.corpus_event_id, t.id FROM corpus_event_actors AS x
    JOIN corpus_terms AS t ON t.facet = x.role AND t.value = x.actor_id;
"""

_V5 += """
-- The facet values of the corpus events (type, month, report status, report outlet, actor,
-- recipient), each with the number of corpus events that have it: the facets of the whole
-- corpus, and the terms each event has (the last four), once each, as small integers. The
-- facets of a filtered list of events are one join and one GROUP BY over those.
CREATE TABLE corpus_terms (
    id     INTEGER PRIMARY KEY,
    facet  TEXT NOT NULL,
    value  TEXT,
    events INTEGER NOT NULL,
    UNIQUE (facet, value)
);
CREATE INDEX corpus_terms_events ON corpus_terms(facet, events);
CREATE TABLE corpus_event_terms (
    corpus_event_id TEXT NOT NULL REFERENCES corpus_events(id) ON DELETE CASCADE,
    term            INTEGER NOT NULL REFERENCES corpus_terms(id) ON DELETE CASCADE,
    PRIMARY KEY (corpus_event_id, term)
) WITHOUT ROWID;

-- the order of the events list (most outlets first), read as an index walk
CREATE INDEX corpus_events_order ON corpus_events(n_outlets DESC, n_reports DESC, date_lo, id);
""" + _CORPUS_TERMS

# Append only: never edit a migration that has been released; add the next one.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: documents + FTS5, actors, places, events, claims, signals, runs", _V1),
    Migration(2, "known narratives: narratives with title vectors, claim->narrative links", _V2),
    Migration(3, "corpus events with their reports and merge reasons, claim corroboration", _V3),
    Migration(4, "claims by check-worthiness (the triage order of query and the API)", _V4),
    Migration(5, "events by day, actors with their event and document counts, indexes of the API's "
                 "pages", _V5),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


# --- rows ------------------------------------------------------------------------------

_INSERT_DOCUMENT = (
    "INSERT INTO documents (hash, id, source, url, title, published, language, origin, text, "
    "n_words, analysis, extractors, ingested_at, run_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_UPSERT_ACTOR = (
    "INSERT INTO actors (id, name, code, country, sector, kind) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET code = coalesce(actors.code, excluded.code), "
    "country = coalesce(actors.country, excluded.country), "
    "sector = coalesce(actors.sector, excluded.sector), "
    "kind = coalesce(actors.kind, excluded.kind) "
    "WHERE actors.code IS NULL OR actors.country IS NULL OR actors.sector IS NULL "
    "OR actors.kind IS NULL")
_UPSERT_PLACE = (
    "INSERT INTO places (id, name, country, lat, lon, kind) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET country = coalesce(places.country, excluded.country), "
    "lat = coalesce(places.lat, excluded.lat), lon = coalesce(places.lon, excluded.lon), "
    "kind = coalesce(places.kind, excluded.kind) "
    "WHERE places.country IS NULL OR places.lat IS NULL OR places.lon IS NULL "
    "OR places.kind IS NULL")
_INSERT_MENTION = 'INSERT INTO mentions (doc_hash, actor_id, start, "end", text) VALUES (?, ?, ?, ?, ?)'
_INSERT_PLACE_MENTION = ('INSERT INTO place_mentions (doc_hash, place_id, start, "end", text) '
                         "VALUES (?, ?, ?, ?, ?)")
_INSERT_EVENT = (
    "INSERT INTO events (doc_hash, event_id, type, mode, cameo, goldstein, quad, status, date, "
    "place_name, place_country, lat, lon, evidence_start, evidence_end, evidence_text, "
    "confidence, source_claim, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_EVENT_ACTOR = "INSERT INTO event_actors (doc_hash, event_id, actor_id, role) VALUES (?, ?, ?, ?)"
_INSERT_EVENT_PAIR = ("INSERT INTO event_pairs (doc_hash, event_id, actor_id, recipient_id, day, quad, "
                      "goldstein) VALUES (?, ?, ?, ?, ?, ?, ?)")
_INSERT_CLAIM = (
    'INSERT INTO claims (doc_hash, claim_id, start, "end", text, speaker_kind, speaker_name, '
    "speaker_actor, cue, kind, checkworthiness) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_SIGNAL = ('INSERT INTO signals (doc_hash, technique, start, "end", text, score) '
                  "VALUES (?, ?, ?, ?, ?, ?)")


@dataclass
class _Rows:
    """The table rows of one contract object (everything but ingested_at and run_id)."""

    hash: str
    document: tuple
    actors: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    places: list[tuple] = field(default_factory=list)
    place_mentions: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    event_actors: list[tuple] = field(default_factory=list)
    event_pairs: list[tuple] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)
    signals: list[tuple] = field(default_factory=list)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _rows(obj: dict[str, Any]) -> _Rows:
    if obj.get("schema") != SCHEMA_ID:
        raise ValueError(f"schema is {obj.get('schema')!r}, not {SCHEMA_ID!r}")
    doc = obj["document"]
    text = doc["text"]
    if not isinstance(text, str):
        raise TypeError("document.text is not a string")
    h = doc.get("hash")
    if not h:
        h = content_hash(text, doc.get("source"), doc.get("url"), doc.get("title"), doc.get("published"))
        doc = {"id": doc["id"], "hash": h, **{k: v for k, v in doc.items() if k not in ("id", "hash")}}
        obj = {**obj, "document": doc}
    extractors = obj.get("extractors") or {}
    rows = _Rows(h, (h, str(doc["id"]), doc.get("source"), doc.get("url"), doc.get("title"),
                     doc.get("published"), doc.get("language"), doc.get("origin"), text,
                     len(text.split()), _dumps(obj), _dumps(extractors)))
    for a in obj["actors"]:
        rows.actors.append((a["id"], a["name"], a.get("code"), a.get("country"), a.get("sector"),
                            a.get("kind")))
        rows.mentions.extend((h, a["id"], m["start"], m["end"], m["text"]) for m in a["mentions"])
    for p in obj.get("places") or ():
        rows.places.append((p["id"], p["name"], p.get("country"), p.get("lat"), p.get("lon"),
                            p.get("kind")))
        rows.place_mentions.extend((h, p["id"], m["start"], m["end"], m["text"]) for m in p["mentions"])
    for e in obj["events"]:
        place = e.get("place") or {}
        ev = e["evidence"]
        rows.events.append((h, e["id"], e["type"], e.get("mode"), e.get("cameo"), e.get("goldstein"),
                            e.get("quad"), e["status"], e.get("date"), place.get("name"),
                            place.get("country"), place.get("lat"), place.get("lon"),
                            ev["start"], ev["end"], ev["text"], e["confidence"], e.get("source_claim"),
                            event_day(e.get("date"), doc.get("published"))))
        rows.event_actors.extend((h, e["id"], a, "actor") for a in e["actor"])
        rows.event_actors.extend((h, e["id"], r, "recipient") for r in e["recipient"])
        day, quad, goldstein = rows.events[-1][18], e.get("quad"), e.get("goldstein")
        rows.event_pairs.extend((h, e["id"], a, r, day, quad, goldstein)
                                for a in e["actor"] for r in e["recipient"])
    for c in obj["claims"]:
        sp = c["speaker"]
        rows.claims.append((h, c["id"], c["start"], c["end"], c["text"], sp["kind"], sp.get("name"),
                            sp.get("actor"), c.get("cue"), c["kind"], c["checkworthiness"]))
    for s in obj["signals"]:
        rows.signals.append((h, s["technique"], s["start"], s["end"], s["text"], s["score"]))
    for group, ids in (("event", [r[1] for r in rows.events]), ("claim", [r[1] for r in rows.claims])):
        if len(set(ids)) != len(ids):
            raise ValueError(f"two {group}s share an id")
    return rows


_FULL_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PARTIAL_DAY = re.compile(r"[0-9]{4}(?:-[0-9]{2})?")


def event_day(date: Any, published: str | None) -> str | None:
    """``events.day``: the day an event is filed under, the rule of ``_DAY_SQL`` (and of
    export.effective_date) in Python: its date when it is a full day; a partial date (YYYY or
    YYYY-MM) gives the publication date when that falls in it, else its first day; no date or
    another form gives the publication date."""
    if date is not None and not isinstance(date, str):
        date = str(date)
    if date is not None and _FULL_DAY.fullmatch(date):
        return date
    if date is not None and _PARTIAL_DAY.fullmatch(date):
        if published is not None and str(published)[:len(date)] == date:
            return published
        return date + ("-01-01" if len(date) == 4 else "-01")
    return published


def _first_non_null(merged: dict[str, list], rows: Iterable[tuple]) -> None:
    """Merge entity rows by id, in order: the first non-null value of each column wins."""
    for row in rows:
        have = merged.get(row[0])
        if have is None:
            merged[row[0]] = list(row)
        else:
            for i, value in enumerate(row):
                if have[i] is None:
                    have[i] = value


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (trigger bodies included)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- the store -----------------------------------------------------------------------

class Store:
    """An embedded newsgraph store in one SQLite file.

    ``Store(path)`` opens or creates the file and brings its schema up to date;
    ``Store(path, readonly=True)`` opens an existing store for reading only and
    never changes it.
    """

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False,
                 timeout: float = BUSY_TIMEOUT_S):
        self.path = os.fspath(path)
        self.readonly = readonly
        self._closed = False
        self._conn = self._connect(timeout)
        try:
            if readonly:
                self._check_version()
            else:
                self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- opening ---------------------------------------------------------------------

    def _connect(self, timeout: float) -> sqlite3.Connection:
        memory = self.path == ":memory:"
        target = Path(self.path)
        if self.readonly and (memory or not target.is_file()):
            raise NewsgraphError("not_found", f"no store at {self.path}",
                                 "ingest some articles first: newsgraph ingest PATH --db FILE")
        if not memory and not target.resolve().parent.is_dir():
            raise NewsgraphError("not_found", f"the folder of the store {self.path} does not exist",
                                 "create the folder first, or pass another --db path")
        uri = "file::memory:" if memory else target.resolve().as_uri()
        uri += "?mode=ro" if self.readonly else ("" if memory else "?mode=rwc")
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise NewsgraphError("unreadable", f"cannot open the store {self.path}: {exc}",
                                 "check the path and its permissions") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if self.readonly:
                conn.execute("PRAGMA query_only = ON")
            else:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NewsgraphError("unreadable", f"{self.path} is not a readable SQLite database ({exc})",
                                 "pass the path of a newsgraph store, or a new file to create one") from exc
        return conn

    def _user_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def _refuse_newer(self, version: int) -> None:
        latest = MIGRATIONS[-1].version
        if version > latest:
            raise NewsgraphError(
                "store_version",
                f"the store {self.path} has schema version {version}, newer than the "
                f"{latest} this newsgraph knows",
                "upgrade newsgraph to read it, or pass another --db path")

    def _check_version(self) -> None:
        version, latest = self._user_version(), MIGRATIONS[-1].version
        self._refuse_newer(version)
        if version < latest:
            what = ("is not a newsgraph store" if version == 0
                    else f"has the old schema version {version} (current: {latest})")
            raise NewsgraphError("store_version", f"the store {self.path} {what}",
                                 "open it once for writing (e.g. newsgraph ingest) to upgrade it"
                                 if version else "pass the path of a newsgraph store")

    def _migrate(self) -> None:
        migrations = MIGRATIONS
        versions = [m.version for m in migrations]
        assert versions == sorted(set(versions)) and versions[0] == 1, "migrations out of order"
        self._refuse_newer(self._user_version())
        conn = self._conn
        for migration in migrations:
            if migration.version <= self._user_version():
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-read under the write lock: another process may have migrated meanwhile.
                current = self._user_version()
                if current == 0 and conn.execute(
                        "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]:
                    raise NewsgraphError("store_version",
                                         f"{self.path} is an SQLite database but not a newsgraph store",
                                         "pass a new file, or the path of a newsgraph store")
                if current < migration.version:
                    for statement in _statements(migration.sql):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_migrations (version, name, applied_at) "
                                 "VALUES (?, ?, ?)", (migration.version, migration.name, _now()))
                    conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    # -- lifecycle ------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._user_version()

    def close(self) -> None:
        """Close the connection (again is a no-op)."""
        if self._closed:
            return
        self._closed = True
        if not self.readonly:
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}, readonly={self.readonly})"

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front."""
        if self.readonly:
            raise NewsgraphError("bad_option", f"the store {self.path} is open read-only",
                                 "open it with Store(path) (readonly=False) to write")
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several queries see the same state."""
        conn = self._conn
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # -- writing --------------------------------------------------------------------

    def _known(self, keys: list[str], table: str = "documents", column: str = "hash") -> set[str]:
        """The ``keys`` that are stored already as ``table.column`` (documents by hash, actors
        by id)."""
        known: set[str] = set()
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self._conn.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk))
        return known

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of ``hashes`` stored already."""
        return self._known(list(dict.fromkeys(hashes)))

    def add_analyses(self, analyses: Iterable[dict[str, Any]], *, run_id: int | None = None) -> int:
        """Store contract objects in one transaction; return how many were new.

        An object whose ``document.hash`` is stored already (or came earlier in
        the same call) is ignored. A malformed object raises ``bad_record``
        before anything is written.
        """
        prepared: dict[str, _Rows] = {}
        for i, obj in enumerate(analyses):
            try:
                rows = _rows(obj)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise NewsgraphError("bad_record",
                                     f"analysis #{i} is not a valid {SCHEMA_ID} object: "
                                     f"{type(exc).__name__}: {exc}",
                                     "pass Analysis.to_dict() objects (newsgraph.schema."
                                     "validate_analysis checks them)") from exc
            prepared.setdefault(rows.hash, rows)
        if not prepared:
            return 0
        now = _now()
        with self._write() as conn:
            known = self._known(list(prepared))
            new = [r for h, r in prepared.items() if h not in known]
            if not new:
                return 0
            conn.executemany(_INSERT_DOCUMENT, [r.document + (now, run_id) for r in new])
            actors: dict[str, list] = {}
            places: dict[str, list] = {}
            for r in new:
                _first_non_null(actors, r.actors)
                _first_non_null(places, r.places)
            known_actors = self._known(list(actors), "actors", "id")
            conn.executemany(_UPSERT_ACTOR, actors.values())
            conn.executemany(_UPSERT_PLACE, places.values())
            conn.executemany(_INSERT_MENTION, chain.from_iterable(r.mentions for r in new))
            conn.executemany(_INSERT_PLACE_MENTION, chain.from_iterable(r.place_mentions for r in new))
            conn.executemany(_INSERT_EVENT, chain.from_iterable(r.events for r in new))
            conn.executemany(_INSERT_EVENT_ACTOR, chain.from_iterable(r.event_actors for r in new))
            conn.executemany(_INSERT_EVENT_PAIR, chain.from_iterable(r.event_pairs for r in new))
            conn.executemany(_INSERT_CLAIM, chain.from_iterable(r.claims for r in new))
            conn.executemany(_INSERT_SIGNAL, chain.from_iterable(r.signals for r in new))
            self._count_actors(conn, new, set(actors) - known_actors)
        return len(new)

    @staticmethod
    def _count_actors(conn: sqlite3.Connection, new: list[_Rows], created: set[str]) -> None:
        """Keep ``actors.n_events`` / ``n_documents`` and ``actor_days`` (schema 5) after
        storing the documents ``new``: a new document brings only new events and mentions, so
        a known actor's counts grow by what the new documents add; an actor created by this
        batch is counted in full (earlier documents may have named it in an event without
        listing it). actor_days counts every actor id of event_actors, listed or not."""
        events: dict[str, set[tuple[str, str]]] = {}
        docs: dict[str, set[str]] = {}
        days: dict[tuple[str, str], int] = {}
        for r in new:
            day_of = {e[1]: e[18] for e in r.events}
            for h, event_id, actor_id, _ in r.event_actors:
                have = events.setdefault(actor_id, set())
                if (h, event_id) not in have:
                    have.add((h, event_id))
                    if day_of.get(event_id) is not None:
                        key = (actor_id, day_of[event_id])
                        days[key] = days.get(key, 0) + 1
            for h, actor_id, *_ in r.mentions:
                docs.setdefault(actor_id, set()).add(h)
        conn.executemany("INSERT INTO actor_days (actor_id, day, events) VALUES (?, ?, ?) "
                         "ON CONFLICT (actor_id, day) DO UPDATE SET events = events + excluded.events",
                         [(a, d, n) for (a, d), n in sorted(days.items())])
        grown = [(len(events.get(a, ())), len(docs.get(a, ())), a)
                 for a in sorted((events.keys() | docs.keys()) - created)]
        conn.executemany("UPDATE actors SET n_events = n_events + ?, n_documents = n_documents + ? "
                         "WHERE id = ?", grown)
        for chunk in _chunks(sorted(created)):
            marks = ",".join("?" * len(chunk))
            conn.execute(_COUNT_ACTORS + f" WHERE id IN ({marks})", chunk)

    def _require_run(self, run_id: int) -> None:
        if self._conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise NewsgraphError("bad_option", f"no run {run_id} in the store {self.path}",
                                 "use the id start_run returned")

    def add_skipped(self, run_id: int, skipped: Iterable[dict[str, Any]]) -> None:
        """Record inputs that were skipped in a run: dicts ``{origin, code, reason}``."""
        rows = [(run_id, s["origin"], s["code"], s["reason"]) for s in skipped]
        if not rows:
            return
        with self._write() as conn:
            self._require_run(run_id)
            conn.executemany("INSERT INTO skipped (run_id, origin, code, reason) VALUES (?, ?, ?, ?)", rows)

    def start_run(self, *, command: str, options: dict[str, Any]) -> int:
        with self._write() as conn:
            cur = conn.execute("INSERT INTO runs (command, options, started_at) VALUES (?, ?, ?)",
                               (command, json.dumps(options, ensure_ascii=False, sort_keys=True,
                                                    default=str), _now()))
            return cur.lastrowid

    def finish_run(self, run_id: int, *, stats: dict[str, Any]) -> None:
        with self._write() as conn:
            self._require_run(run_id)
            conn.execute("UPDATE runs SET finished_at = ?, stats = ? WHERE id = ?",
                         (_now(), json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str),
                          run_id))

    # -- reading --------------------------------------------------------------------

    def get_analysis(self, key: str) -> dict[str, Any] | None:
        """The stored contract object for a document id, a hash, or a unique hash prefix.

        An exact id wins over a hash prefix. Returns None when nothing matches;
        raises ``bad_option`` when the key matches several documents.
        """
        conn = self._conn
        rows = conn.execute("SELECT analysis FROM documents WHERE id = ? LIMIT 2", (key,)).fetchall()
        if len(rows) > 1:
            raise NewsgraphError("bad_option", f"several stored documents have the id {key!r}",
                                 "give the document's hash (or a unique prefix of it) instead")
        if not rows:
            prefix = key.strip().lower()
            if len(prefix) < MIN_PREFIX or not _HEX.fullmatch(prefix):
                return None
            rows = conn.execute("SELECT analysis FROM documents WHERE hash >= ? AND hash < ? "
                                "ORDER BY hash LIMIT 2", (prefix, prefix + "g")).fetchall()
            if len(rows) > 1:
                raise NewsgraphError("bad_option",
                                     f"the hash prefix {prefix!r} matches several stored documents",
                                     "give more characters of the hash")
            if not rows:
                return None
        return json.loads(rows[0][0])

    def iter_analyses(self, *, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every stored contract object, in the order they were stored."""
        if batch < 1:
            raise NewsgraphError("bad_option", f"batch must be at least 1, got {batch}")
        last = 0
        while True:
            rows = self._conn.execute("SELECT seq, analysis FROM documents WHERE seq > ? "
                                      "ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for _, analysis in rows:
                yield json.loads(analysis)
            last = rows[-1][0]

    def search(self, query: str, *, limit: int = 20, offset: int = 0,
               marks: tuple[str, str] = ("[", "]")) -> list[dict[str, Any]]:
        """Full-text search over titles and texts, best first.

        ``query`` is an FTS5 query (words, "phrases", OR, NOT, prefix*); one that
        is not valid FTS5 syntax is searched as a phrase instead. ``rank`` is the
        bm25 score with titles weighted double: lower is better. ``snippet``
        shows the matches between ``marks``.
        """
        query = query.replace("\x00", "")
        if not query.strip():
            raise NewsgraphError("bad_option", "the search query is empty", "give one or more words")
        if limit < 0 or offset < 0:
            raise NewsgraphError("bad_option", "limit and offset must not be negative")
        sql = ("SELECT d.id, d.hash, d.title, d.source, d.published, "
               "snippet(documents_fts, -1, ?, ?, '…', 16), documents_fts.rank "
               "FROM documents_fts JOIN documents AS d ON d.seq = documents_fts.rowid "
               "WHERE documents_fts MATCH ? ORDER BY documents_fts.rank LIMIT ? OFFSET ?")
        params = (marks[0], marks[1], query, limit, offset)
        try:
            rows = self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            # Not valid FTS5 syntax (an unbalanced quote, a bare AND, "al-Qaeda" read as a
            # column filter): search the words of the query as one phrase.
            phrase = '"' + query.replace('"', '""') + '"'
            try:
                rows = self._conn.execute(sql, params[:2] + (phrase,) + params[3:]).fetchall()
            except sqlite3.OperationalError as exc:
                raise NewsgraphError("bad_option", f"cannot search for {query!r}: {exc}",
                                     "use plain words, or put the query in double quotes") from exc
        keys = ("id", "hash", "title", "source", "published", "snippet", "rank")
        return [dict(zip(keys, row)) for row in rows]

    def summary(self, *, top: int = 10) -> dict[str, Any]:
        """Counts, top actors and event types, outlets and the date range of the store."""
        if top < 0:
            raise NewsgraphError("bad_option", f"top must not be negative, got {top}")
        with self._snapshot() as conn:
            one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
            out: dict[str, Any] = {
                "documents": one("SELECT count(*) FROM documents"),
                "actors": one("SELECT count(*) FROM actors"),
                "mentions": one("SELECT count(*) FROM mentions"),
                "places": one("SELECT count(*) FROM places"),
                "events": one("SELECT count(*) FROM events"),
                "claims": one("SELECT count(*) FROM claims"),
                "signals": one("SELECT count(*) FROM signals"),
                "skipped": one("SELECT count(*) FROM skipped"),
            }
            out["top_actors"] = [
                {"id": r[0], "name": r[1], "code": r[2], "documents": r[3], "mentions": r[4]}
                for r in conn.execute(
                    "SELECT a.id, a.name, a.code, t.documents, t.mentions FROM "
                    "(SELECT actor_id, count(DISTINCT doc_hash) AS documents, count(*) AS mentions "
                    " FROM mentions GROUP BY actor_id) AS t JOIN actors AS a ON a.id = t.actor_id "
                    # generic agents ("police (unspecified)") are no one in particular
                    "WHERE a.kind IS NOT 'agent' "
                    "ORDER BY t.documents DESC, t.mentions DESC, a.id LIMIT ?", (top,))]
            out["top_event_types"] = [
                {"type": r[0], "events": r[1]} for r in conn.execute(
                    "SELECT type, count(*) AS n FROM events GROUP BY type "
                    "ORDER BY n DESC, type LIMIT ?", (top,))]
            out["outlets"] = [
                {"source": r[0], "documents": r[1]} for r in conn.execute(
                    "SELECT source, count(*) AS n FROM documents GROUP BY source "
                    "ORDER BY n DESC, source IS NULL, source LIMIT ?", (top,))]
            out["date_range"] = list(conn.execute(
                "SELECT (SELECT min(published) FROM documents), "
                "(SELECT max(published) FROM documents)").fetchone())
        return out

    def counts(self) -> dict[str, int]:
        """Rows in every table."""
        tables = ("documents", "actors", "mentions", "places", "place_mentions", "events",
                  "event_actors", "claims", "signals", "runs", "skipped")
        with self._snapshot() as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first, with its options, stats and number of skipped inputs."""
        rows = self._conn.execute(
            "SELECT r.id, r.command, r.options, r.started_at, r.finished_at, r.stats, "
            "(SELECT count(*) FROM skipped AS s WHERE s.run_id = r.id) FROM runs AS r ORDER BY r.id")
        return [{"id": r[0], "command": r[1], "options": json.loads(r[2]), "started_at": r[3],
                 "finished_at": r[4], "stats": json.loads(r[5]) if r[5] is not None else None,
                 "skipped": r[6]} for r in rows]

    # -- known narratives (newsgraph.narratives) ------------------------------------

    _NARRATIVE_FIELDS = ("title", "url", "date", "countries", "keywords", "languages", "outlets",
                         "source", "model")

    def narrative_fingerprints(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``{id: (title, model)}`` of the stored narratives among ``ids``."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            found.update((r[0], (r[1], r[2])) for r in self._conn.execute(
                f"SELECT id, title, model FROM narratives WHERE id IN ({marks})", chunk))
        return found

    def upsert_narratives(self, rows: Iterable[dict[str, Any]], *,
                          run_id: int | None = None) -> tuple[int, int, int]:
        """Insert or update narratives by id in one transaction: ``(new, updated, unchanged)``.

        A row is a dict with ``id``, ``title``, ``url``, ``date``, the lists ``countries``,
        ``keywords``, ``languages``, ``outlets``, ``source``, ``model`` and ``vector`` (float32
        bytes; None keeps the stored vector, allowed only when the title and model are the
        stored ones). A changed row gets ``run_id`` as its revision.
        """
        rows = list({r["id"]: r for r in rows}.values())
        now = _now()
        new = updated = 0
        with self._write() as conn:
            stored: dict[str, tuple] = {}
            cols = ", ".join(f'"{c}"' for c in ("id",) + self._NARRATIVE_FIELDS)
            for chunk in _chunks([r["id"] for r in rows]):
                marks = ",".join("?" * len(chunk))
                stored.update((r[0], r[1:]) for r in conn.execute(
                    f"SELECT {cols} FROM narratives WHERE id IN ({marks})", chunk))
            inserts, updates, vector_updates = [], [], []
            for r in rows:
                values = (r["title"], r.get("url"), r.get("date"),
                          *(_dumps(list(r.get(k) or ())) for k in ("countries", "keywords",
                                                                  "languages", "outlets")),
                          r["source"], r["model"])
                have, vector = stored.get(r["id"]), r.get("vector")
                if have is None:
                    if vector is None:
                        raise ValueError(f"narrative {r['id']!r} is new but has no vector")
                    inserts.append((r["id"], *values, vector, run_id or 0, now))
                    continue
                # every field but source (the same list under another file name is no change)
                if vector is None and have[:-2] + have[-1:] == values[:-2] + values[-1:]:
                    continue
                if vector is None and (have[0], have[-1]) != (values[0], values[-1]):
                    raise ValueError(f"narrative {r['id']!r} changed its title or model but has "
                                     "no new vector")
                if vector is not None:
                    vector_updates.append((vector, r["id"]))
                updates.append((*values, run_id or 0, now, r["id"]))
            conn.executemany(
                "INSERT INTO narratives (id, title, url, date, countries, keywords, languages, "
                "outlets, source, model, vector, revision, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)
            conn.executemany(
                "UPDATE narratives SET title = ?, url = ?, date = ?, countries = ?, keywords = ?, "
                "languages = ?, outlets = ?, source = ?, model = ?, revision = ?, imported_at = ? "
                "WHERE id = ?", updates)
            conn.executemany("UPDATE narratives SET vector = ? WHERE id = ?", vector_updates)
            new, updated = len(inserts), len(updates)
        return new, updated, len(rows) - new - updated

    def narratives_revision(self) -> str:
        """Changes whenever an import adds or changes a narrative: ``"count:last revision"``."""
        n, last = self._conn.execute("SELECT count(*), max(revision) FROM narratives").fetchone()
        return f"{n}:{last or 0}"

    def iter_narrative_vectors(self) -> Iterator[tuple[str, str, bytes]]:
        """``(id, model, vector bytes)`` of every narrative, in import order."""
        yield from self._conn.execute("SELECT id, model, vector FROM narratives ORDER BY rowid")

    def get_narratives(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored narratives among ``ids`` (without vectors)."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            for r in self._conn.execute(
                    "SELECT id, title, url, date, countries, keywords, languages, outlets, source, "
                    f"model FROM narratives WHERE id IN ({marks})", chunk):
                out[r[0]] = {"id": r[0], "title": r[1], "url": r[2], "date": r[3],
                             "countries": json.loads(r[4]), "keywords": json.loads(r[5]),
                             "languages": json.loads(r[6]), "outlets": json.loads(r[7]),
                             "source": r[8], "model": r[9]}
        return out

    def documents_to_match(self, settings: str | None) -> list[str]:
        """Hashes of the documents not yet matched with ``settings`` (every document if None),
        in storage order."""
        if settings is None:
            return [r[0] for r in self._conn.execute("SELECT hash FROM documents ORDER BY seq")]
        return [r[0] for r in self._conn.execute(
            "SELECT d.hash FROM documents AS d LEFT JOIN narrative_matches AS m ON m.doc_hash = d.hash "
            "WHERE m.settings IS NOT ? ORDER BY d.seq", (settings,))]

    def claims_of(self, hashes: Iterable[str]) -> list[dict[str, Any]]:
        """``[{doc_hash, claim_id, text}]`` of the documents' claims, in document order."""
        out: list[dict[str, Any]] = []
        hashes = list(dict.fromkeys(hashes))
        order = {h: i for i, h in enumerate(hashes)}
        for chunk in _chunks(hashes):
            marks = ",".join("?" * len(chunk))
            out.extend({"doc_hash": r[0], "claim_id": r[1], "text": r[2], "start": r[3]}
                       for r in self._conn.execute(
                           f'SELECT doc_hash, claim_id, text, start FROM claims '
                           f'WHERE doc_hash IN ({marks})', chunk))
        out.sort(key=lambda c: (order[c["doc_hash"]], c["start"], c["claim_id"]))
        return out

    def replace_narrative_links(self, hashes: Iterable[str],
                                links: Iterable[tuple[str, str, str, float, int]],
                                settings: str) -> None:
        """In one transaction: drop the documents' claim->narrative links, store ``links``
        ``(doc_hash, claim_id, narrative_id, similarity, rank)`` and mark the documents as
        matched with ``settings``."""
        hashes = list(dict.fromkeys(hashes))
        now = _now()
        with self._write() as conn:
            for chunk in _chunks(hashes):
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM claim_narratives WHERE doc_hash IN ({marks})", chunk)
            conn.executemany("INSERT INTO claim_narratives (doc_hash, claim_id, narrative_id, "
                             "similarity, rank) VALUES (?, ?, ?, ?, ?)", links)
            conn.executemany("INSERT INTO narrative_matches (doc_hash, settings, matched_at) "
                             "VALUES (?, ?, ?) ON CONFLICT (doc_hash) DO UPDATE SET "
                             "settings = excluded.settings, matched_at = excluded.matched_at",
                             [(h, settings, now) for h in hashes])

    def narrative_links(self, *, limit: int | None = 50, min_similarity: float = 0.0,
                        narrative: str | None = None, document: str | None = None) -> list[dict[str, Any]]:
        """Linked claims, most similar first: the claim (document, offsets, text, speaker,
        check-worthiness) and the narrative (id, title, url, date) with the similarity and
        rank. ``narrative`` keeps one narrative's links (its id); ``document`` one document's
        (its id or hash)."""
        if limit is not None and limit < 0:
            raise NewsgraphError("bad_option", "limit must not be negative")
        where, params = ["l.similarity >= ?"], [min_similarity]
        if narrative is not None:
            where.append("l.narrative_id = ?")
            params.append(narrative)
        if document is not None:
            where.append("(d.id = ? OR d.hash = ?)")
            params.extend((document, document))
        sql = ("SELECT d.id, d.hash, d.source, d.published, d.title, c.claim_id, c.start, c.\"end\", "
               "c.text, c.speaker_kind, c.speaker_name, c.kind, c.checkworthiness, n.id, n.title, "
               "n.url, n.date, l.similarity, l.rank FROM claim_narratives AS l "
               "JOIN claims AS c ON c.doc_hash = l.doc_hash AND c.claim_id = l.claim_id "
               "JOIN documents AS d ON d.hash = l.doc_hash "
               "JOIN narratives AS n ON n.id = l.narrative_id "
               f"WHERE {' AND '.join(where)} "
               "ORDER BY l.similarity DESC, d.seq, c.start, l.rank")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        out = []
        for r in self._conn.execute(sql, params):
            out.append({
                "document": {"id": r[0], "hash": r[1], "source": r[2], "published": r[3], "title": r[4]},
                "claim": {"id": r[5], "start": r[6], "end": r[7], "text": r[8],
                          "speaker": {"kind": r[9], "name": r[10]}, "kind": r[11],
                          "checkworthiness": r[12]},
                "narrative": {"id": r[13], "title": r[14], "url": r[15], "date": r[16]},
                "similarity": r[17], "rank": r[18]})
        return out

    def narrative_summary(self, *, top: int = 10) -> dict[str, Any]:
        """Counts of narratives, links, linked claims and matched documents, and the
        narratives with the most linked claims."""
        with self._snapshot() as conn:
            one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
            out: dict[str, Any] = {
                "narratives": one("SELECT count(*) FROM narratives"),
                "links": one("SELECT count(*) FROM claim_narratives"),
                "linked_claims": one("SELECT count(*) FROM (SELECT DISTINCT doc_hash, claim_id "
                                     "FROM claim_narratives)"),
                "linked_documents": one("SELECT count(DISTINCT doc_hash) FROM claim_narratives"),
                "matched_documents": one("SELECT count(*) FROM narrative_matches"),
                "documents": one("SELECT count(*) FROM documents"),
            }
            out["top_narratives"] = [
                {"id": r[0], "title": r[1], "url": r[2], "claims": r[3], "documents": r[4],
                 "best": r[5]} for r in conn.execute(
                    "SELECT n.id, n.title, n.url, count(*) AS k, count(DISTINCT l.doc_hash), "
                    "max(l.similarity) FROM claim_narratives AS l JOIN narratives AS n "
                    "ON n.id = l.narrative_id GROUP BY n.id ORDER BY k DESC, max(l.similarity) DESC, "
                    "n.id LIMIT ?", (top,))]
        return out

    # -- corpus events and claim corroboration (newsgraph.corpus) ----------------------

    def event_reports(self) -> list[dict[str, Any]]:
        """Every stored event with its document's outlet, publication date and storage order,
        and its actor and recipient ids, in storage order."""
        roles: dict[tuple[str, str], dict[str, list[str]]] = {}
        with self._snapshot() as conn:
            for h, e, a, role in conn.execute(
                    "SELECT doc_hash, event_id, actor_id, role FROM event_actors ORDER BY rowid"):
                roles.setdefault((h, e), {"actor": [], "recipient": []})[role].append(a)
            rows = conn.execute(
                "SELECT e.doc_hash, e.event_id, e.type, e.quad, e.status, e.date, e.place_name, "
                "e.place_country, e.evidence_start, e.evidence_end, e.evidence_text, e.confidence, "
                "d.source, d.published, d.seq, d.id FROM events AS e "
                "JOIN documents AS d ON d.hash = e.doc_hash ORDER BY d.seq, e.evidence_start, e.event_id"
            ).fetchall()
        keys = ("doc_hash", "event_id", "type", "quad", "status", "date", "place_name", "place_country",
                "evidence_start", "evidence_end", "evidence_text", "confidence", "outlet", "published",
                "seq", "doc_id")
        out = []
        for r in rows:
            rec = dict(zip(keys, r))
            got = roles.get((r[0], r[1]), {})
            rec["actor"] = got.get("actor", [])
            rec["recipient"] = got.get("recipient", [])
            out.append(rec)
        return out

    def actor_codes(self) -> dict[str, tuple]:
        """``{actor id: (code, country, sector, kind)}`` of every stored actor."""
        return {r[0]: r[1:] for r in self._conn.execute(
            "SELECT id, code, country, sector, kind FROM actors")}

    def place_kinds(self) -> dict[tuple[str, str | None], str]:
        """``{(name casefolded, country): kind}`` of the stored places."""
        return {(r[0].casefold(), r[1]): r[2] for r in self._conn.execute(
            "SELECT name, country, kind FROM places WHERE kind IS NOT NULL")}

    def claim_rows(self) -> list[dict[str, Any]]:
        """Every claim with its document's outlet, date and order, and the ids of the actors
        mentioned inside its span (the speaker's actor included), in storage order."""
        with self._snapshot() as conn:
            actors: dict[tuple[str, str], list[str]] = {}
            for h, c, a in conn.execute(
                    'SELECT c.doc_hash, c.claim_id, m.actor_id FROM claims AS c JOIN mentions AS m '
                    'ON m.doc_hash = c.doc_hash AND m.start >= c.start AND m."end" <= c."end"'):
                actors.setdefault((h, c), []).append(a)
            rows = conn.execute(
                'SELECT c.doc_hash, c.claim_id, c.start, c."end", c.text, c.speaker_actor, c.kind, '
                "d.source, d.published, d.seq FROM claims AS c JOIN documents AS d ON d.hash = c.doc_hash "
                "ORDER BY d.seq, c.start, c.claim_id").fetchall()
        out = []
        for r in rows:
            ids = list(dict.fromkeys(actors.get((r[0], r[1]), [])))
            if r[5] and r[5] not in ids:
                ids.append(r[5])
            out.append({"doc_hash": r[0], "claim_id": r[1], "start": r[2], "end": r[3], "text": r[4],
                        "kind": r[6], "outlet": r[7], "published": r[8], "seq": r[9], "actors": ids})
        return out

    def document_texts(self, hashes: Iterable[str]) -> dict[str, str]:
        """``{hash: text}`` of the stored documents among ``hashes``."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(hashes))):
            marks = ",".join("?" * len(chunk))
            found.update(self._conn.execute(
                f"SELECT hash, text FROM documents WHERE hash IN ({marks})", chunk).fetchall())
        return found

    def replace_corpus(self, *, events: Iterable[tuple], reports: Iterable[tuple],
                       actors: Iterable[tuple], merges: Iterable[tuple],
                       corroboration: Iterable[tuple] | None, copies: Iterable[tuple]) -> None:
        """Replace the corpus tables in one transaction. Rows are tuples in column order
        (docs/corpus.md); ``corroboration=None`` keeps the stored claim corroboration."""
        with self._write() as conn:
            conn.execute("DELETE FROM corpus_event_terms")
            conn.execute("DELETE FROM corpus_terms")
            conn.execute("DELETE FROM corpus_merges")
            conn.execute("DELETE FROM corpus_event_actors")
            conn.execute("DELETE FROM corpus_event_reports")
            conn.execute("DELETE FROM corpus_events")
            conn.execute("DELETE FROM document_copies")
            conn.executemany(
                "INSERT INTO corpus_events (id, type, quad, date_lo, date_hi, place_name, place_country, "
                "first_reported, n_reports, n_outlets, n_documents, status, disagreements, settings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
            conn.executemany(
                "INSERT INTO corpus_event_reports (corpus_event_id, doc_hash, event_id, outlet, published, "
                "status, date, place_name, place_country, evidence_start, evidence_end, evidence_text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", reports)
            conn.executemany("INSERT INTO corpus_event_actors (corpus_event_id, actor_id, role) "
                             "VALUES (?, ?, ?)", actors)
            conn.executemany(
                "INSERT INTO corpus_merges (corpus_event_id, doc_hash, event_id, matched_doc, "
                "matched_event, score, reasons) VALUES (?, ?, ?, ?, ?, ?, ?)", merges)
            conn.executemany("INSERT INTO document_copies (doc_hash, cluster) VALUES (?, ?)", copies)
            for statement in _statements(_CORPUS_TERMS):
                conn.execute(statement)
            if corroboration is not None:
                conn.execute("DELETE FROM claim_corroboration")
                conn.executemany(
                    "INSERT INTO claim_corroboration (doc_hash, claim_id, status, independent, "
                    "supporting, contradicting) VALUES (?, ?, ?, ?, ?, ?)", corroboration)

    def select(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        """Rows of one read-only SQL statement (for newsgraph.query; never a write)."""
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raise NewsgraphError("bad_option", "select() runs SELECT statements only")
        return self._conn.execute(sql, list(params)).fetchall()

    # -- read methods of the HTTP API (newsgraph.api) -----------------------------------
    # ``sql`` below is one read-only statement built by newsgraph.query (its filters, without
    # LIMIT/OFFSET), captured by the API; these methods count and group its rows.

    def count_rows(self, sql: str, params: Iterable[Any] = ()) -> int:
        """The number of rows ``sql`` returns."""
        return self.select(f"SELECT count(*) FROM ({sql})", params)[0][0]

    def document_facets(self, sql: str, params: Iterable[Any] = (), *, top: int = 50
                        ) -> dict[str, list[dict[str, Any]]]:
        """Counts of the documents that ``sql`` (a newsgraph.query documents statement, whose
        rows have ``hash``, ``source`` and ``published`` columns) returns: by outlet, by month
        of publication and by event type (documents with at least one event of that type)."""
        params = list(params)
        docs = f"WITH f AS (SELECT hash, source, published FROM ({sql})) "
        with self._snapshot() as conn:
            outlet = conn.execute(docs + "SELECT source, count(*) AS n FROM f GROUP BY source "
                                  "ORDER BY n DESC, source LIMIT ?", [*params, top]).fetchall()
            month = conn.execute(docs + "SELECT substr(published, 1, 7) AS m, count(*) FROM f "
                                 "GROUP BY m ORDER BY m", params).fetchall()
            etype = conn.execute(docs + "SELECT e.type, count(DISTINCT e.doc_hash) AS n FROM events AS e "
                                 "WHERE e.doc_hash IN (SELECT hash FROM f) "
                                 "GROUP BY e.type ORDER BY n DESC, e.type LIMIT ?", [*params, top]).fetchall()
        return {"outlet": [{"value": v, "count": n} for v, n in outlet],
                "month": [{"value": v, "count": n} for v, n in month],
                "event_type": [{"value": v, "count": n} for v, n in etype]}

    def corpus_event_histogram(self, sql: str, params: Iterable[Any] = (), *,
                               interval: str = "month") -> list[dict[str, Any]]:
        """Corpus events of ``sql`` (a newsgraph.query events statement, with ``date_lo`` and
        ``first_reported`` columns) per day, month or year of their first possible date (else
        of their first report), in date order."""
        width = {"day": 10, "month": 7, "year": 4}.get(interval)
        if width is None:
            raise NewsgraphError("bad_option", f"interval must be day, month or year, got {interval!r}")
        rows = self.select(f"SELECT substr(coalesce(date_lo, first_reported), 1, {width}) AS p, count(*), "
                           f"sum(n_reports) FROM ({sql}) GROUP BY p ORDER BY p", params)
        return [{"period": p, "events": n, "reports": r or 0} for p, n, r in rows]

    def corpus_event_facets(self, sql: str, params: Iterable[Any] = (), *, top: int = 30,
                            everything: bool = False,
                            matching: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Counts of the corpus events that ``sql`` (a newsgraph.query events statement, with
        ``id``, ``type``, ``date_lo`` and ``first_reported`` columns) returns, the ``top`` most
        frequent values of each facet, most first (ties by value): ``type``; ``status`` and
        ``outlet`` (events with at least one report of that status / from that outlet: what
        the ``status`` and ``outlet`` filters select); ``actor`` and ``recipient`` (events
        naming the actor in that role; ``label``: its name); ``month`` (of the first possible
        date, else of the first report, as ``corpus_event_histogram``). Each ``[{value, label,
        count}]``. ``everything``: ``sql`` returns every corpus event (no filter), whose
        facets are stored (corpus_terms, written with the corpus). ``matching``: how many
        events ``sql`` returns, when the caller has counted them already."""
        params = list(params)
        out: dict[str, list[dict[str, Any]]] = {}
        with self._snapshot() as conn:
            if everything:
                for facet in EVENT_FACETS:
                    out[facet] = conn.execute(
                        "SELECT value, events FROM corpus_terms WHERE facet = ? "
                        "ORDER BY events DESC, value LIMIT ?", (facet, top)).fetchall()
            else:
                n_all = conn.execute("SELECT count(*) FROM corpus_events").fetchone()[0]
                n_match = (matching if matching is not None else
                           conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])
                if n_match * 2 > n_all:
                    # most events pass (a broad filter): count the others and take them from
                    # the stored totals; the fewer events joined, the faster
                    others = _facet_counts(conn, "SELECT * FROM corpus_events WHERE id NOT IN "
                                                 f"(SELECT id FROM ({sql}))", params)
                    minus = {(f, v): n for f, v, n in others}
                    ranked = [(f, v, n - minus.get((f, v), 0)) for f, v, n in conn.execute(
                        "SELECT facet, value, events FROM corpus_terms")]
                    ranked = [r for r in ranked if r[2] > 0]
                else:
                    ranked = _facet_counts(conn, sql, params)
                # most first, ties by value (None, the month of an event with no date, first,
                # as SQLite orders the stored facets)
                ranked.sort(key=lambda r: (r[0], -r[2], r[1] is not None, r[1] or ""))
                for facet in EVENT_FACETS:
                    out[facet] = [(v, n) for f, v, n in ranked if f == facet][:top]
            names: dict[str, str] = {}
            ids = sorted({v for facet in ("actor", "recipient") for v, _ in out[facet]})
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                names.update(conn.execute(f"SELECT id, name FROM actors WHERE id IN ({marks})", chunk))
        return {facet: [{"value": v, "label": names.get(v, v) if facet in ("actor", "recipient") else v,
                         "count": n} for v, n in out[facet]] for facet in EVENT_FACETS}

    def corpus_event_places(self, sql: str, params: Iterable[Any] = (), *, limit: int = 1000,
                            offset: int = 0) -> tuple[list[dict[str, Any]], int, int]:
        """The corpus events that ``sql`` (a newsgraph.query events statement) returns, per
        place (``place_name``, ``place_country``), most events first: ``([{place, country, lat,
        lon, events, reports}], number of places, events without a place)``. ``lat``/``lon``:
        the coordinates the stored events at that place give most often (None if none has)."""
        with self._snapshot() as conn:
            groups = conn.execute(
                f"SELECT place_name, place_country, count(*) AS n, total(n_reports) FROM ({sql}) "
                "GROUP BY place_name, place_country", list(params)).fetchall()
            unplaced = sum(n for name, country, n, _ in groups if name is None and country is None)
            placed = sorted((g for g in groups if g[0] is not None or g[1] is not None),
                            key=lambda g: (-g[2], g[0] is None, g[0] or "", g[1] is None, g[1] or ""))
            page = placed[offset:offset + limit]
            items = []
            for name, country, n, reports in page:
                at = conn.execute(
                    "SELECT lat, lon FROM events WHERE place_name IS ? AND place_country IS ? "
                    "AND lat IS NOT NULL AND lon IS NOT NULL GROUP BY lat, lon "
                    "ORDER BY count(*) DESC, lat, lon LIMIT 1", (name, country)).fetchone()
                items.append({"place": name, "country": country, "lat": at[0] if at else None,
                              "lon": at[1] if at else None, "events": n, "reports": int(reports)})
        return items, len(placed), unplaced

    def list_actors(self, *, q: str | None = None, kind: str | None = None, country: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Stored actors with their number of stored events (as actor or recipient) and of
        documents that mention them, most events first; ``q`` matches the id, the CAMEO code
        or a part of the name (case-insensitive). Returns ``(page, total)``."""
        if limit < 0 or offset < 0:
            raise NewsgraphError("bad_option", "limit and offset must not be negative")
        where, params = [], []
        if q:
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(a.id = ? OR a.code = ? OR a.name LIKE ? ESCAPE '\\')")
            params.extend([q, q.upper(), like])
        if kind:
            where.append("a.kind = ?")
            params.append(kind)
        if country:
            where.append("a.country = ?")
            params.append(country.upper())
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        with self._snapshot() as conn:
            total = conn.execute(f"SELECT count(*) FROM actors AS a{cond}", params).fetchone()[0]
            # the counts are stored (schema 5): the page is read in the order of actors_by_events
            rows = conn.execute(
                "SELECT a.id, a.name, a.code, a.country, a.sector, a.kind, a.n_events, a.n_documents "
                f"FROM actors AS a{cond} ORDER BY a.n_events DESC, a.n_documents DESC, a.id "
                "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        keys = ("id", "name", "code", "country", "sector", "kind", "events", "documents")
        return [dict(zip(keys, r)) for r in rows], total

    def get_actor(self, actor_id: str) -> dict[str, Any] | None:
        """One stored actor by id, with its event and document counts; None if unknown."""
        row = self._conn.execute(
            "SELECT a.id, a.name, a.code, a.country, a.sector, a.kind, a.n_events, a.n_documents "
            "FROM actors AS a WHERE a.id = ?", (actor_id,)).fetchone()
        if row is None:
            return None
        return dict(zip(("id", "name", "code", "country", "sector", "kind", "events", "documents"), row))

    def document_links(self, doc_hash: str) -> dict[str, Any]:
        """What the corpus build says about one document: the corpus event of each of its events,
        the corroboration of each of its claims, and the copy cluster it belongs to (None if it
        is no copy). Empty where no corpus was built."""
        with self._snapshot() as conn:
            events = [{"event_id": r[0], "corpus_event_id": r[1], "type": r[2], "n_reports": r[3],
                       "n_outlets": r[4], "status": r[5]} for r in conn.execute(
                "SELECT r.event_id, e.id, e.type, e.n_reports, e.n_outlets, e.status "
                "FROM corpus_event_reports AS r JOIN corpus_events AS e ON e.id = r.corpus_event_id "
                "WHERE r.doc_hash = ? ORDER BY r.evidence_start, r.event_id", (doc_hash,))]
            claims = [{"claim_id": r[0], "status": r[1], "independent": r[2],
                       "supporting": json.loads(r[3]), "contradicting": json.loads(r[4])}
                      for r in conn.execute(
                "SELECT k.claim_id, k.status, k.independent, k.supporting, k.contradicting "
                "FROM claim_corroboration AS k JOIN claims AS c ON c.doc_hash = k.doc_hash "
                "AND c.claim_id = k.claim_id WHERE k.doc_hash = ? ORDER BY c.start, k.claim_id",
                (doc_hash,))]
            copy = conn.execute("SELECT cluster FROM document_copies WHERE doc_hash = ?",
                                (doc_hash,)).fetchone()
        return {"events": events, "claims": claims, "copy_cluster": copy[0] if copy else None}


def _facet_counts(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[tuple]:
    """``(facet, value, events)`` over the corpus events ``sql`` returns. One statement: the
    events once (a CTE used three times is materialized), their types and months, and the
    other four facets by one join with their terms (corpus_event_terms)."""
    return conn.execute(
        "WITH f AS (SELECT id, type, substr(coalesce(date_lo, first_reported), 1, 7) AS m "
        f"FROM ({sql})) "
        "SELECT 'type', type, count(*) FROM f GROUP BY type "
        "UNION ALL SELECT 'month', m, count(*) FROM f GROUP BY m "
        "UNION ALL SELECT t.facet, t.value, g.n FROM (SELECT x.term, count(*) AS n FROM f "
        "JOIN corpus_event_terms AS x ON x.corpus_event_id = f.id GROUP BY x.term) AS g "
        "JOIN corpus_terms AS t ON t.id = g.term", params).fetchall()
