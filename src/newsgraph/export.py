"""Exports: the stored records in the formats analysts load (docs/export.md).

Every format is rendered from the same stored records (the contract objects in
``documents.analysis`` and the record tables beside them); nothing is analysed again.
Documents are read in keyset pages of ``BATCH`` (never the whole store at once), and every
export writes its provenance (newsgraph version, the extractor versions of the exported
analyses, the ontology version, the time of export) in a ``manifest.json`` (beside a single
file as ``FILE.manifest.json``), and inside the file where the format has room for it.

    >>> from newsgraph.store import Store
    >>> with Store("newsgraph.db", readonly=True) as store:
    ...     manifest = export(store, "gdelt", "out/gdelt")

``FORMATS`` lists the formats; ``export`` dispatches on them. The date range (``since``,
``until``, ``YYYY-MM-DD``, both inclusive) selects documents by publication date; for the
actor network (``gexf``, ``graphml``) it selects events by their date (see network.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sqlite3
from calendar import isleap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date, datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .errors import NewsgraphError

BATCH = 500
FORMATS = ("jsonl", "plover", "gdelt", "csv", "parquet", "ftm", "gexf", "graphml")
# formats written into a folder (several files and manifest.json) rather than one file
FOLDER_FORMATS = frozenset({"gdelt", "csv", "parquet"})

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- reading the store ------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredDocument:
    """One stored analysis (the contract object) with the store's own columns."""

    analysis: dict[str, Any]
    ingested_at: str | None

    @property
    def document(self) -> dict[str, Any]:
        return self.analysis["document"]


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not _FULL_DATE.match(value):
        raise NewsgraphError("bad_option", f"{name} must be YYYY-MM-DD, got {value!r}")
    try:
        Date.fromisoformat(value)
    except ValueError:
        raise NewsgraphError("bad_option", f"{name} is not a calendar date: {value!r}") from None
    return value


def iter_documents(conn: sqlite3.Connection, *, since: str | None = None, until: str | None = None,
                   batch: int = BATCH) -> Iterator[StoredDocument]:
    """Stored analyses in storage order, ``batch`` per query (keyset pages on ``seq``).

    ``since``/``until`` keep documents published in that range (inclusive); a document without
    a publication date is kept only when no range is given."""
    where, params = ["seq > ?"], []
    if since is not None:
        where.append("published >= ?")
        params.append(since)
    if until is not None:
        where.append("published <= ?")
        params.append(until)
    last = 0
    sql = (f"SELECT seq, analysis, ingested_at FROM documents WHERE {' AND '.join(where)} "
           "ORDER BY seq LIMIT ?")
    while True:
        rows = conn.execute(sql, (last, *params, batch)).fetchall()
        if not rows:
            return
        for seq, analysis, ingested_at in rows:
            yield StoredDocument(json.loads(analysis), ingested_at)
        last = rows[-1][0]


def effective_date(event: dict[str, Any], published: str | None) -> str | None:
    """The day an event is filed under: its own date when it is a full day, otherwise the
    publication date of the report (a partial date such as ``2024-05`` keeps the report's day
    only when it agrees with it; otherwise the partial date's first day)."""
    d = event.get("date")
    if d and _FULL_DATE.match(d):
        return d
    if d and re.match(r"^\d{4}(-\d{2})?$", d):
        if published and published.startswith(d):
            return published
        return d + "-01" * (3 - len(d.split("-")))
    return published


# --- provenance --------------------------------------------------------------------------------

def ontology_version() -> dict[str, str]:
    """The shipped ontology files' formats and sources (ontology/plover.json provenance)."""
    from .ontology import CAMEO_FORMAT, plover
    prov = plover().provenance
    return {"plover": prov.get("format", ""), "cameo": CAMEO_FORMAT,
            "source": prov.get("source", ""), "converted": prov.get("converted", "")}


@dataclass
class Provenance:
    """What an export records about itself; ``see`` collects the extractor versions."""

    format: str
    since: str | None = None
    until: str | None = None
    exported_at: str = field(default_factory=lambda: datetime.now(timezone.utc)
                             .replace(microsecond=0).isoformat().replace("+00:00", "Z"))
    extractors: dict[str, set[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def see(self, analysis: dict[str, Any]) -> None:
        for name, version in (analysis.get("extractors") or {}).items():
            self.extractors.setdefault(name, set()).add(str(version))

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "generator": "newsgraph",
            "newsgraph_version": __version__,
            "format": self.format,
            "exported_at": self.exported_at,
            "date_range": {"since": self.since, "until": self.until},
            "model_versions": {k: sorted(v) for k, v in sorted(self.extractors.items())},
            "ontology": ontology_version(),
            "counts": dict(self.counts),
            "files": list(self.files),
            **({"notes": self.notes} if self.notes else {}),
        }


def _write_manifest(prov: Provenance, path: Path) -> dict[str, Any]:
    data = prov.to_dict()
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --- the single place where stored events become counted events -------------------------------

@dataclass(frozen=True)
class EventCount:
    """How a stored event (one report) is counted in the GDELT-shaped export.

    ``key``: the event it counts towards (the stored event itself, or its corpus event);
    ``root``: whether this report writes the event's row (one row per counted event; every
    report becomes a mention); ``mentions``/``sources``/``articles``: GDELT's NumMentions,
    NumSources, NumArticles."""

    key: str
    root: bool
    mentions: int
    sources: int
    articles: int


class EventCounter:
    """Counts events, not articles, when the store can: ``count(doc_hash, event_id)``.

    Without corpus events (today's default) every stored event is one event with one report:
    1 mention, 1 source, 1 article. When the store has corpus events (``newsgraph corpus``;
    tables ``corpus_events`` and ``corpus_event_reports`` with the columns read below, found
    with ``PRAGMA table_info``) and they are not empty, a stored event counts towards its corpus
    event: its counts are the corpus event's reports, outlets and documents, and only its first
    report (earliest publication, then document hash, then event id) writes the event row. This
    class is the one place to change when the corpus tables change.
    """

    _NEEDED = {"corpus_events": {"id", "n_reports", "n_outlets", "n_documents"},
               "corpus_event_reports": {"corpus_event_id", "doc_hash", "event_id", "published"}}

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.corpus = self._has_corpus()
        self._cache: dict[tuple[str, str], EventCount] = {}

    def _has_corpus(self) -> bool:
        for table, cols in self._NEEDED.items():
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
            if not cols <= have:
                return False
        return self.conn.execute("SELECT 1 FROM corpus_events LIMIT 1").fetchone() is not None

    @property
    def source(self) -> str:
        return "corpus_events" if self.corpus else "stored events (one report each)"

    def prepare(self, keys: list[tuple[str, str]]) -> None:
        """Look up a batch of stored events at once (one query per 400)."""
        if not self.corpus:
            return
        self._cache.clear()
        for i in range(0, len(keys), 400):
            chunk = keys[i:i + 400]
            marks = ",".join("(?, ?)" for _ in chunk)
            flat = [x for k in chunk for x in k]
            rows = self.conn.execute(
                "WITH wanted(doc_hash, event_id) AS (VALUES " + marks + ") "
                "SELECT r.doc_hash, r.event_id, c.id, c.n_reports, c.n_outlets, c.n_documents, "
                "(SELECT f.doc_hash || char(31) || f.event_id FROM corpus_event_reports AS f "
                " WHERE f.corpus_event_id = c.id "
                " ORDER BY f.published IS NULL, f.published, f.doc_hash, f.event_id LIMIT 1) "
                "FROM wanted JOIN corpus_event_reports AS r "
                "ON r.doc_hash = wanted.doc_hash AND r.event_id = wanted.event_id "
                "JOIN corpus_events AS c ON c.id = r.corpus_event_id", flat)
            for doc_hash, event_id, cid, n_rep, n_out, n_doc, first in rows:
                self._cache[(doc_hash, event_id)] = EventCount(
                    "corpus:" + cid, first == f"{doc_hash}\x1f{event_id}", n_rep, n_out, n_doc)

    def count(self, doc_hash: str, event_id: str) -> EventCount:
        found = self._cache.get((doc_hash, event_id))
        if found is not None:
            return found
        return EventCount(f"{doc_hash}:{event_id}", True, 1, 1, 1)


def global_event_id(key: str) -> int:
    """A stable positive 60-bit integer for an event key (GDELT ids are integers)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:15], 16)


# --- actors of one analysis --------------------------------------------------------------------

def _actor_index(analysis: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in analysis.get("actors") or ()}


def _names(ids: list[str], actors: dict[str, dict[str, Any]], key: str) -> str:
    return ";".join(str((actors.get(i) or {}).get(key) or "") for i in ids)


# --- jsonl -------------------------------------------------------------------------------------

def export_jsonl(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    """The analysis contract, one stored object per line, exactly as stored."""
    with out.open("w", encoding="utf-8") as f:
        for doc in iter_documents(conn, since=prov.since, until=prov.until):
            prov.see(doc.analysis)
            f.write(_dumps(doc.analysis) + "\n")
            prov.count("documents")
            prov.count("events", len(doc.analysis["events"]))
    prov.files.append(out.name)


# --- PLOVER ------------------------------------------------------------------------------------

def _plover_entity(actor_id: str, actors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    a = actors.get(actor_id) or {}
    mentions = a.get("mentions") or ()
    return {"code": a.get("country") or a.get("code"), "sector": a.get("sector"),
            "entity_text": mentions[0]["text"] if mentions else a.get("name"),
            "identifier_id": actor_id, "identifier_text": a.get("name"),
            "actor_code": a.get("code"), "kind": a.get("kind")}


def plover_record(analysis: dict[str, Any], event: dict[str, Any], *, coded: str,
                  actors: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One event as a PLOVER JSON record (the manual's 'Data Fields' names; extra fields are
    newsgraph's own, which the manual allows)."""
    doc = analysis["document"]
    actors = _actor_index(analysis) if actors is None else actors
    place = event.get("place")
    rec: dict[str, Any] = {
        "id": f"newsgraph-{doc['hash'][:16]}-{event['id']}",
        "has_event": True,
        "date": effective_date(event, doc.get("published")),
        "actor": [_plover_entity(i, actors) for i in event["actor"]],
        "recipient": [_plover_entity(i, actors) for i in event["recipient"]],
        "event": [event["type"]],
        "mode": [event["mode"]] if event.get("mode") else [],
        "context": [],
        "quad_code": event.get("quad"),
        "event_text": [event["evidence"]["text"]],
        "event_loc": None if not place else {
            "extracted_place": place.get("name"), "resolved_place": place.get("name"),
            "lat": place.get("lat"), "lon": place.get("lon"),
            "country_code": place.get("country")},
        "cite_info": {"publication": doc.get("source"), "language": doc.get("language"),
                      "url": doc.get("url"), "title": doc.get("title"),
                      "published": doc.get("published")},
        "coder": f"newsgraph {__version__}",
        "codebook": "PLOVER 2.0 (openeventdata/PLOVER @5e0c24f)",
        "coded_date": coded,
        # newsgraph's own fields
        "date_as_reported": event.get("date"),
        "cameo": event.get("cameo"),
        "goldstein": event.get("goldstein"),
        "status": event["status"],
        "confidence": event["confidence"],
        "evidence": event["evidence"],
        "source_claim": event.get("source_claim"),
        "document_id": doc["id"],
        "document_hash": doc["hash"],
    }
    return rec


def export_plover(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    coded = prov.exported_at[:10]
    with out.open("w", encoding="utf-8") as f:
        for doc in iter_documents(conn, since=prov.since, until=prov.until):
            prov.see(doc.analysis)
            prov.count("documents")
            actors = _actor_index(doc.analysis)
            for event in doc.analysis["events"]:
                f.write(_dumps(plover_record(doc.analysis, event, coded=coded, actors=actors)) + "\n")
                prov.count("events")
    prov.files.append(out.name)


# --- GDELT 2.0 ---------------------------------------------------------------------------------

_ACTOR_COLS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
               "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_GEO_COLS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR_COLS), *(f"Actor2{c}" for c in _ACTOR_COLS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO_COLS), *(f"Actor2Geo_{c}" for c in _GEO_COLS),
    *(f"ActionGeo_{c}" for c in _GEO_COLS),
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_EVENT_COLUMNS) == 61

GDELT_MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset",
    "InRawText", "Confidence", "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo",
    "Extras",
)

# GDELT geographic resolution: 1 country, 2 US state, 3 US city, 4 world city, 5 world state
_GEO_TYPE = {"country": 1, "region": 5, "city": 4}
_KNOWN_GROUP_KINDS = frozenset({"igo", "group"})
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n+")


def _fraction_date(day: Date) -> str:
    days = 366 if isleap(day.year) else 365
    return f"{day.year + (day.timetuple().tm_yday - 1) / days:.4f}"


def _stamp(value: str | None) -> str:
    """YYYYMMDDHHMMSS of an ISO date or timestamp (UTC as stored); empty when unknown."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)[:14]
    return digits.ljust(14, "0") if len(digits) >= 8 else ""


def _sentence_id(text: str, offset: int) -> int:
    """1-based number of the sentence holding ``offset`` (a punctuation/newline split: an
    approximation of the parser's sentences, which are not stored)."""
    return 1 + sum(1 for m in _SENTENCE_END.finditer(text, 0, offset) if m.end() <= offset)


def _nearest_mention(actor: dict[str, Any] | None, offset: int) -> int:
    if not actor or not actor.get("mentions"):
        return -1
    return min((m["start"] for m in actor["mentions"]), key=lambda s: (abs(s - offset), s))


def _root_event(text: str, offset: int) -> int:
    """1 when the evidence starts in the lead: the first paragraph (up to the first blank
    line or line break), as GDELT marks events from an article's lead paragraph."""
    text = text.lstrip()
    cut = text.find("\n")
    return 1 if cut < 0 or offset < cut + 1 else 0


def _actor_columns(ids: list[str], actors: dict[str, dict[str, Any]]) -> list[str]:
    if not ids:
        return [""] * len(_ACTOR_COLS)
    a = actors.get(ids[0]) or {"id": ids[0]}
    return [a.get("code") or "", (a.get("name") or "").upper(), a.get("country") or "",
            (a.get("code") or "") if a.get("kind") in _KNOWN_GROUP_KINDS else "",
            "", "", "", a.get("sector") or "", "", ""]


def _geo_columns(place: dict[str, Any] | None, kinds: dict[tuple[str, str | None], str]) -> list[str]:
    if not place or not place.get("name"):
        return ["0", "", "", "", "", "", "", ""]
    kind = kinds.get((place["name"], place.get("country")))
    geotype = _GEO_TYPE.get(kind or "", 4 if place.get("lat") is not None else 0)
    fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
    return [str(geotype), place["name"], place.get("country") or "", "", "",
            fmt(place.get("lat")), fmt(place.get("lon")), ""]


def gdelt_rows(doc: StoredDocument, counter: EventCounter
               ) -> Iterator[tuple[list[str] | None, list[str]]]:
    """``(event row or None, mention row)`` for each event of one stored document."""
    analysis = doc.analysis
    d = analysis["document"]
    text = d["text"]
    actors = _actor_index(analysis)
    kinds = {(p["name"], p.get("country")): p.get("kind") for p in analysis.get("places") or ()}
    added = _stamp(doc.ingested_at)
    url = d.get("url") or d.get("origin") or f"newsgraph:{d['id']}"
    for e in analysis["events"]:
        count = counter.count(d["hash"], e["id"])
        gid = str(global_event_id(count.key))
        day_text = effective_date(e, d.get("published"))
        day = Date.fromisoformat(day_text) if day_text else None
        ev = e["evidence"]
        first_actor = actors.get(e["actor"][0]) if e["actor"] else None
        first_recipient = actors.get(e["recipient"][0]) if e["recipient"] else None
        cameo = e.get("cameo") or ""
        row = None
        if count.root:
            row = [gid,
                   day.strftime("%Y%m%d") if day else "", day.strftime("%Y%m") if day else "",
                   str(day.year) if day else "", _fraction_date(day) if day else "",
                   *_actor_columns(e["actor"], actors), *_actor_columns(e["recipient"], actors),
                   str(_root_event(text, ev["start"])), cameo, cameo[:3], cameo[:2],
                   "" if e.get("quad") is None else str(e["quad"]),
                   "" if e.get("goldstein") is None else f"{e['goldstein']:.1f}",
                   str(count.mentions), str(count.sources), str(count.articles), "",
                   *_geo_columns(None, kinds), *_geo_columns(None, kinds),
                   *_geo_columns(e.get("place"), kinds),
                   added, url]
        mention = [gid, day.strftime("%Y%m%d000000") if day else "",
                   _stamp(d.get("published")) or added, "1", d.get("source") or "",
                   d.get("url") or d.get("origin") or d["id"], str(_sentence_id(text, ev["start"])),
                   str(_nearest_mention(first_actor, ev["start"])),
                   str(_nearest_mention(first_recipient, ev["start"])), str(ev["start"]),
                   "1", str(round(100 * e["confidence"])), str(len(text)), "", "", ""]
        yield row, mention


def _tsv(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def export_gdelt(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    """``events.tsv`` (61 columns) and ``mentions.tsv`` (16 columns), tab-separated, with a
    header line each (GDELT's own files have none; ``tail -n +2`` drops it)."""
    counter = EventCounter(conn)
    prov.notes["counts_from"] = counter.source
    with (out / "events.tsv").open("w", encoding="utf-8", newline="") as fe, \
            (out / "mentions.tsv").open("w", encoding="utf-8", newline="") as fm:
        fe.write("\t".join(GDELT_EVENT_COLUMNS) + "\n")
        fm.write("\t".join(GDELT_MENTION_COLUMNS) + "\n")
        page: list[StoredDocument] = []

        def flush() -> None:
            counter.prepare([(p.document["hash"], e["id"]) for p in page
                             for e in p.analysis["events"]])
            for p in page:
                for row, mention in gdelt_rows(p, counter):
                    if row is not None:
                        fe.write("\t".join(_tsv(v) for v in row) + "\n")
                        prov.count("events")
                    fm.write("\t".join(_tsv(v) for v in mention) + "\n")
                    prov.count("mentions")
            page.clear()

        for doc in iter_documents(conn, since=prov.since, until=prov.until):
            prov.see(doc.analysis)
            prov.count("documents")
            page.append(doc)
            if len(page) >= BATCH:
                flush()
        flush()
    prov.files += ["events.tsv", "mentions.tsv"]


# --- CSV ---------------------------------------------------------------------------------------

CSV_EVENT_COLUMNS: tuple[str, ...] = (
    "document_id", "document_hash", "event_id", "outlet", "published", "url", "type", "mode",
    "cameo", "goldstein", "quad", "status", "date", "effective_date", "actor_ids", "actor_names",
    "actor_codes", "recipient_ids", "recipient_names", "recipient_codes", "place_name",
    "place_country", "lat", "lon", "evidence_start", "evidence_end", "evidence_text",
    "confidence", "source_claim",
)
CSV_CLAIM_COLUMNS: tuple[str, ...] = (
    "document_id", "document_hash", "claim_id", "outlet", "published", "url", "start", "end",
    "text", "speaker_kind", "speaker_name", "speaker_actor", "cue", "kind", "checkworthiness",
)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def export_csv(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    """``events.csv`` and ``claims.csv`` (UTF-8 with a byte-order mark so that spreadsheets
    read the encoding; lists joined with ``;``)."""
    with (out / "events.csv").open("w", encoding="utf-8-sig", newline="") as fe, \
            (out / "claims.csv").open("w", encoding="utf-8-sig", newline="") as fc:
        we, wc = csv.writer(fe), csv.writer(fc)
        we.writerow(CSV_EVENT_COLUMNS)
        wc.writerow(CSV_CLAIM_COLUMNS)
        for doc in iter_documents(conn, since=prov.since, until=prov.until):
            a = doc.analysis
            d = a["document"]
            prov.see(a)
            prov.count("documents")
            actors = _actor_index(a)
            head = (d["id"], d["hash"])
            meta = (_cell(d.get("source")), _cell(d.get("published")), _cell(d.get("url")))
            for e in a["events"]:
                place = e.get("place") or {}
                ev = e["evidence"]
                we.writerow([*head, e["id"], *meta, e["type"], _cell(e.get("mode")),
                             _cell(e.get("cameo")), _cell(e.get("goldstein")), _cell(e.get("quad")),
                             e["status"], _cell(e.get("date")),
                             _cell(effective_date(e, d.get("published"))),
                             ";".join(e["actor"]), _names(e["actor"], actors, "name"),
                             _names(e["actor"], actors, "code"), ";".join(e["recipient"]),
                             _names(e["recipient"], actors, "name"),
                             _names(e["recipient"], actors, "code"), _cell(place.get("name")),
                             _cell(place.get("country")), _cell(place.get("lat")),
                             _cell(place.get("lon")), ev["start"], ev["end"], ev["text"],
                             e["confidence"], _cell(e.get("source_claim"))])
                prov.count("events")
            for c in a["claims"]:
                sp = c["speaker"]
                wc.writerow([*head, c["id"], *meta, c["start"], c["end"], c["text"], sp["kind"],
                             _cell(sp.get("name")), _cell(sp.get("actor")), _cell(c.get("cue")),
                             c["kind"], c["checkworthiness"]])
                prov.count("claims")
    prov.files += ["events.csv", "claims.csv"]


# --- Parquet -----------------------------------------------------------------------------------

def _parquet_schemas():
    import pyarrow as pa
    s, i64, f64, i16 = pa.string(), pa.int64(), pa.float64(), pa.int16()
    part = [("year", i16), ("month", pa.int8())]
    return {
        "documents": pa.schema([("hash", s), ("id", s), ("source", s), ("url", s), ("title", s),
                                ("published", s), ("language", s), ("origin", s), ("n_words", i64),
                                ("n_events", i64), ("n_claims", i64), ("text", s),
                                ("extractors", s), ("ingested_at", s), *part]),
        "actors": pa.schema([("id", s), ("name", s), ("code", s), ("country", s), ("sector", s),
                             ("kind", s)]),
        "events": pa.schema([("doc_hash", s), ("event_id", s), ("type", s), ("mode", s),
                             ("cameo", s), ("goldstein", f64), ("quad", i16), ("status", s),
                             ("date", s), ("effective_date", s), ("actors", pa.list_(s)),
                             ("recipients", pa.list_(s)), ("place_name", s), ("place_country", s),
                             ("lat", f64), ("lon", f64), ("confidence", f64),
                             ("source_claim", s), *part]),
        "reports": pa.schema([("event_key", s), ("doc_hash", s), ("event_id", s),
                              ("document_id", s), ("outlet", s), ("published", s), ("status", s),
                              ("evidence_start", i64), ("evidence_end", i64),
                              ("evidence_text", s), *part]),
        "claims": pa.schema([("doc_hash", s), ("claim_id", s), ("start", i64), ("end", i64),
                             ("text", s), ("speaker_kind", s), ("speaker_name", s),
                             ("speaker_actor", s), ("cue", s), ("kind", s),
                             ("checkworthiness", f64), *part]),
        "signals": pa.schema([("doc_hash", s), ("technique", s), ("start", i64), ("end", i64),
                              ("text", s), ("score", f64), *part]),
    }


def _year_month(day: str | None) -> tuple[int | None, int | None]:
    if not day or not re.match(r"^\d{4}-\d{2}", day):
        return None, None
    return int(day[:4]), int(day[5:7])


def parquet_rows(a: dict[str, Any], tables: dict[str, list[dict[str, Any]]], actors: dict[str, tuple],
                 *, ingested_at: str | None, event_key) -> None:
    """Append one analysis's rows to ``tables`` (documents, events, reports, claims, signals:
    the Parquet export's tables) and its actors to ``actors`` (id -> name, code, country,
    sector, kind). ``event_key(doc_hash, event_id)`` names the event a report belongs to. The
    export and the Ray engine (newsgraph.scale) write the same rows through this."""
    d = a["document"]
    y, m = _year_month(d.get("published"))
    tables["documents"].append({
        "hash": d["hash"], "id": d["id"], "source": d.get("source"), "url": d.get("url"),
        "title": d.get("title"), "published": d.get("published"),
        "language": d.get("language"), "origin": d.get("origin"),
        "n_words": len(d["text"].split()), "n_events": len(a["events"]),
        "n_claims": len(a["claims"]), "text": d["text"],
        "extractors": _dumps(a.get("extractors") or {}), "ingested_at": ingested_at,
        "year": y, "month": m})
    for actor in a["actors"]:
        actors.setdefault(actor["id"], (actor["name"], actor.get("code"),
                                        actor.get("country"), actor.get("sector"),
                                        actor.get("kind")))
    for e in a["events"]:
        place = e.get("place") or {}
        eff = effective_date(e, d.get("published"))
        ey, em = _year_month(eff)
        tables["events"].append({
            "doc_hash": d["hash"], "event_id": e["id"], "type": e["type"],
            "mode": e.get("mode"), "cameo": e.get("cameo"), "goldstein": e.get("goldstein"),
            "quad": e.get("quad"), "status": e["status"], "date": e.get("date"),
            "effective_date": eff, "actors": list(e["actor"]),
            "recipients": list(e["recipient"]), "place_name": place.get("name"),
            "place_country": place.get("country"), "lat": place.get("lat"),
            "lon": place.get("lon"), "confidence": e["confidence"],
            "source_claim": e.get("source_claim"), "year": ey, "month": em})
        ev = e["evidence"]
        tables["reports"].append({
            "event_key": event_key(d["hash"], e["id"]), "doc_hash": d["hash"],
            "event_id": e["id"], "document_id": d["id"], "outlet": d.get("source"),
            "published": d.get("published"), "status": e["status"],
            "evidence_start": ev["start"], "evidence_end": ev["end"],
            "evidence_text": ev["text"], "year": y, "month": m})
    for c in a["claims"]:
        sp = c["speaker"]
        tables["claims"].append({
            "doc_hash": d["hash"], "claim_id": c["id"], "start": c["start"],
            "end": c["end"], "text": c["text"], "speaker_kind": sp["kind"],
            "speaker_name": sp.get("name"), "speaker_actor": sp.get("actor"),
            "cue": c.get("cue"), "kind": c["kind"], "checkworthiness": c["checkworthiness"],
            "year": y, "month": m})
    for s in a.get("signals") or ():
        tables["signals"].append({
            "doc_hash": d["hash"], "technique": s["technique"], "start": s["start"],
            "end": s["end"], "text": s["text"], "score": s["score"], "year": y, "month": m})


def export_parquet(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    """One folder per table, Hive-partitioned ``year=YYYY/month=M`` (documents, reports,
    claims, signals by publication date; events by their effective date); ``actors`` is one
    file. A pass over the store writes each page of ``BATCH`` documents as its own files."""
    import pyarrow as pa
    import pyarrow.dataset as pads

    schemas = _parquet_schemas()
    counter = EventCounter(conn)
    prov.notes["event_key_from"] = counter.source
    actors: dict[str, tuple] = {}
    page_no = 0

    def write(table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        data = pa.Table.from_pylist(rows, schema=schemas[table])
        pads.write_dataset(
            data, out / table, format="parquet",
            partitioning=pads.partitioning(pa.schema([("year", pa.int16()), ("month", pa.int8())]),
                                           flavor="hive"),
            basename_template=f"part-{page_no:06d}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore")
        prov.count(table, len(rows))

    page: list[StoredDocument] = []

    def flush() -> None:
        nonlocal page_no
        tables: dict[str, list[dict[str, Any]]] = {t: [] for t in schemas if t != "actors"}
        counter.prepare([(p.document["hash"], e["id"]) for p in page for e in p.analysis["events"]])
        for p in page:
            parquet_rows(p.analysis, tables, actors, ingested_at=p.ingested_at,
                         event_key=lambda h, e: counter.count(h, e).key)
        for name, rows in tables.items():
            write(name, rows)
        page.clear()
        page_no += 1

    for doc in iter_documents(conn, since=prov.since, until=prov.until):
        prov.see(doc.analysis)
        page.append(doc)
        if len(page) >= BATCH:
            flush()
    if page:
        flush()
    import pyarrow.parquet as pq
    (out / "actors").mkdir(exist_ok=True)
    ids = sorted(actors)
    cols = list(zip(*(actors[i] for i in ids))) if ids else [[]] * 5
    table = pa.table([ids, *map(list, cols)], schema=schemas["actors"])
    meta = {b"newsgraph": _dumps(prov.to_dict()).encode("utf-8")}
    pq.write_table(table.replace_schema_metadata(meta), out / "actors" / "actors.parquet")
    prov.count("actors", len(ids))
    for name in schemas:
        prov.counts.setdefault(name, 0)
    prov.files += [f"{t}/" for t in schemas]


# --- followthemoney ----------------------------------------------------------------------------

_PUBLIC_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "IGO"})


def _iso2(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry
    found = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else \
        pycountry.countries.get(alpha_2=code.upper())
    return found.alpha_2.lower() if found else None


def _language3(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return getattr(found, "alpha_3", None) if found else None


def ftm_actor_schema(actor: dict[str, Any]) -> str:
    """Person for people; PublicBody for governments, militaries, police, courts and IGOs;
    Organization for everything else (groups, companies, unnamed agents)."""
    if actor.get("kind") == "person":
        return "Person"
    if actor.get("kind") in ("country", "igo") or actor.get("sector") in _PUBLIC_SECTORS:
        return "PublicBody"
    return "Organization"


def ftm_entities(analysis: dict[str, Any], seen: set[str]) -> Iterator[dict[str, Any]]:
    """The followthemoney entities of one analysis: an Article, an entity per actor (once per
    export: ``seen`` holds the ids written so far), a Mention per actor in the article, and an
    Event per event."""
    from followthemoney import model

    d = analysis["document"]
    art = model.make_entity("Article")
    art.make_id("newsgraph", "document", d["hash"])
    art.add("title", d.get("title"))
    art.add("bodyText", d["text"])
    art.add("publishedAt", d.get("published"))
    art.add("publisher", d.get("source"))
    art.add("sourceUrl", d.get("url"))
    art.add("language", _language3(d.get("language")))
    art.add("fileName", d.get("origin"))
    art.add("keywords", f"newsgraph document {d['id']}")
    yield art.to_dict()

    actor_ids: dict[str, str] = {}
    for a in analysis["actors"]:
        ent = model.make_entity(ftm_actor_schema(a))
        ent.make_id("newsgraph", "actor", a["id"])
        actor_ids[a["id"]] = ent.id
        if ent.id not in seen:
            seen.add(ent.id)
            ent.add("name", a["name"])
            ent.add("country", _iso2(a.get("country")))
            ent.add("keywords", a.get("code"))
            ent.add("description", f"newsgraph actor {a['id']}"
                    + (f", CAMEO code {a['code']}" if a.get("code") else ""))
            if a.get("role") and ent.schema.name == "Person":
                ent.add("position", a["role"])
            yield ent.to_dict()
        men = model.make_entity("Mention")
        men.make_id("newsgraph", "mention", d["hash"], a["id"])
        men.add("document", art.id)
        men.add("resolved", ent.id)
        men.add("name", sorted({m["text"] for m in a["mentions"]}) or a["name"])
        men.add("detectedSchema", ent.schema.name)
        men.add("contextCountry", _iso2(a.get("country")))
        yield men.to_dict()

    for e in analysis["events"]:
        ev = model.make_entity("Event")
        ev.make_id("newsgraph", "event", d["hash"], e["id"])
        names = lambda ids: ", ".join(  # noqa: E731
            next((a["name"] for a in analysis["actors"] if a["id"] == i), i) for i in ids)
        label = e["type"] + (f" ({e['mode']})" if e.get("mode") else "")
        if e["actor"]:
            label = f"{names(e['actor'])}: {label}"
        if e["recipient"]:
            label += f" -> {names(e['recipient'])}"
        ev.add("name", label)
        ev.add("summary", e["evidence"]["text"])
        ev.add("description", f"PLOVER {e['type']}, mode {e.get('mode') or '-'}, CAMEO "
                              f"{e.get('cameo') or '-'}, Goldstein {e.get('goldstein')}, quad "
                              f"class {e.get('quad')}, status {e['status']}, confidence "
                              f"{e['confidence']}")
        ev.add("date", effective_date(e, d.get("published")))
        place = e.get("place") or {}
        ev.add("location", place.get("name"))
        ev.add("country", _iso2(place.get("country")))
        ev.add("organizer", [actor_ids[i] for i in e["actor"] if i in actor_ids])
        ev.add("involved", [actor_ids[i] for i in e["actor"] + e["recipient"] if i in actor_ids])
        ev.add("proof", art.id)
        ev.add("sourceUrl", d.get("url"))
        ev.add("keywords", [k for k in (e["type"], e.get("cameo"), e["status"]) if k])
        yield ev.to_dict()


def export_ftm(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
    """followthemoney entities as JSON Lines (``ftm`` and Aleph's ``alephclient write-entities``
    read this)."""
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for doc in iter_documents(conn, since=prov.since, until=prov.until):
            prov.see(doc.analysis)
            prov.count("documents")
            for ent in ftm_entities(doc.analysis, seen):
                f.write(_dumps(ent) + "\n")
                prov.count(ent["schema"])
    prov.files.append(out.name)


# --- the actor network -------------------------------------------------------------------------

def _export_network(kind: str) -> Callable[[sqlite3.Connection, Path, Provenance], None]:
    def run(conn: sqlite3.Connection, out: Path, prov: Provenance) -> None:
        from . import network
        graph = network.actor_network(conn, since=prov.since, until=prov.until)
        for row in conn.execute("SELECT extractors FROM documents"):
            for name, version in json.loads(row[0] or "{}").items():
                prov.extractors.setdefault(name, set()).add(str(version))
        prov.count("actors", graph.number_of_nodes())
        prov.count("events", graph.number_of_edges())
        provenance = prov.to_dict()
        graph.graph.update({"generator": "newsgraph", "newsgraph_version": __version__,
                            "exported_at": prov.exported_at,
                            "provenance": _dumps(provenance)})
        network.write(graph, out, kind)
        prov.files.append(out.name)
    return run


# --- dispatch ----------------------------------------------------------------------------------

_EXPORTERS: dict[str, Callable[[sqlite3.Connection, Path, Provenance], None]] = {
    "jsonl": export_jsonl, "plover": export_plover, "gdelt": export_gdelt, "csv": export_csv,
    "parquet": export_parquet, "ftm": export_ftm, "gexf": _export_network("gexf"),
    "graphml": _export_network("graphml"),
}


def manifest_path(fmt: str, out: str | Path) -> Path:
    """Where the manifest of an export to ``out`` goes."""
    out = Path(out)
    return out / "manifest.json" if fmt in FOLDER_FORMATS else out.with_name(out.name + ".manifest.json")


def export(store: Any, fmt: str, out: str | Path, *, since: str | None = None,
           until: str | None = None) -> dict[str, Any]:
    """Export the store (a ``Store`` or an ``sqlite3.Connection``) as ``fmt`` to ``out`` (a
    file, or a folder for ``gdelt``, ``csv`` and ``parquet``); returns the manifest, which is
    also written (``manifest_path``)."""
    if fmt not in _EXPORTERS:
        raise NewsgraphError("bad_option", f"unknown export format {fmt!r}",
                             f"choose one of {', '.join(FORMATS)}")
    since, until = _check_date(since, "since"), _check_date(until, "until")
    if since and until and since > until:
        raise NewsgraphError("bad_option", f"since ({since}) is after until ({until})")
    conn = store if isinstance(store, sqlite3.Connection) else store._conn
    out = Path(out)
    if fmt in FOLDER_FORMATS:
        if out.exists() and not out.is_dir():
            raise NewsgraphError("bad_option", f"{out} is a file; {fmt} writes a folder",
                                 "give a folder path (it is created if missing)")
        if out.is_dir() and fmt == "parquet" and any(out.iterdir()):
            raise NewsgraphError("bad_option", f"{out} is not empty",
                                 "give a new or empty folder: Parquet files of another export "
                                 "would be read as part of this one")
        out.mkdir(parents=True, exist_ok=True)
    else:
        if out.is_dir():
            raise NewsgraphError("bad_option", f"{out} is a folder; {fmt} writes one file",
                                 "give a file path")
        out.parent.mkdir(parents=True, exist_ok=True)
    prov = Provenance(fmt, since, until)
    _EXPORTERS[fmt](conn, out, prov)
    return _write_manifest(prov, manifest_path(fmt, out))
