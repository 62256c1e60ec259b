"""One set of filters over a stored corpus: corpus events (with their reports), claims or documents.

``query(store, what="events", actor=..., ...)`` returns plain dicts; ``newsgraph query`` prints
them. Every filter is SQL over indexed columns (docs/corpus.md lists which); the text filter uses
the documents' FTS5 index. Corpus events exist after ``newsgraph corpus build``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .errors import NewsgraphError

KINDS = ("events", "claims", "documents")
_MAX_IDS = 500


def _actor_ids(store, name: str) -> list[str]:
    """Actor ids for an id, a CAMEO code or a name (case-insensitive, exact)."""
    rows = store.select("SELECT id FROM actors WHERE id = ? OR code = ? OR name = ? COLLATE NOCASE "
                        "LIMIT ?", (name, name.upper(), name, _MAX_IDS))
    return [r[0] for r in rows]


def query(store, what: str = "events", *, actor: str | None = None, recipient: str | None = None,
          type: str | None = None, status: str | None = None, outlet: str | None = None,
          since: str | None = None, until: str | None = None, place: str | None = None,
          text: str | None = None, min_reports: int | None = None, limit: int = 50,
          offset: int = 0, refine: "Refine | None" = None,
          reports: bool = True) -> list[dict[str, Any]]:
    """Corpus events, claims or documents that pass every filter given.

    - ``actor`` / ``recipient``: an actor id, CAMEO code or name (a recipient filter applies to
      events only; for claims and documents ``actor`` means an actor mentioned in them);
    - ``type``: a PLOVER type (events; documents with an event of that type);
    - ``status``: an event status (events: a report with it) or a corroboration status (claims);
    - ``outlet``; ``since``/``until`` (YYYY-MM-DD, inclusive: the event's dates, else the
      publication date); ``place`` (a place name or ISO3 country); ``text`` (full text of the
      documents, FTS5 syntax); ``min_reports`` (events);
    - ``refine``: more conditions over the result columns (a ``Refine``), which also receives
      the unpaged statement that ran (for totals and facets: the HTTP API uses it);
    - ``reports`` (events): False leaves each event's ``reports`` list empty (its ``outlets``
      are still given), for lists that show the events only.
    """
    if what not in KINDS:
        raise NewsgraphError("bad_option", f"what must be one of {', '.join(KINDS)}, got {what!r}")
    if limit < 0 or offset < 0:
        raise NewsgraphError("bad_option", "limit and offset must not be negative")
    where: list[str] = []
    params: list[Any] = []
    text_docs = None
    if text:
        text_docs = ("SELECT d.hash FROM documents_fts JOIN documents AS d ON d.seq = documents_fts.rowid "
                     "WHERE documents_fts MATCH ?")
        phrase = '"' + text.replace('"', '""') + '"'
        try:
            store.select("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", (text,))
            fts_query = text
        except sqlite3.OperationalError:   # not valid FTS5: search the words as one phrase
            fts_query = phrase
    ids: dict[str, list[str]] = {}
    for role, name in (("actor", actor), ("recipient", recipient)):
        if name:
            found = _actor_ids(store, name)
            if not found:
                return []
            ids[role] = found
    if what == "events":
        return _events(store, where, params, ids, type, status, outlet, since, until, place,
                       text_docs and (text_docs, fts_query), min_reports, (limit, offset, refine),
                       reports)
    if what == "claims":
        return _claims(store, where, params, ids, status, outlet, since, until, place,
                       text_docs and (text_docs, fts_query), (limit, offset, refine))
    return _documents(store, where, params, ids, type, outlet, since, until, place,
                      text_docs and (text_docs, fts_query), (limit, offset, refine))


@dataclass
class Refine:
    """Conditions over the result columns of a query's main statement (written ``q.<column>``,
    with their ``params``), and, once the query ran, that statement unpaged and unordered
    (``statement``: (sql, params), None when the query returned early), for counting or
    grouping its rows; ``everything``: the events statement had no condition at all."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    statement: tuple[str, list[Any]] | None = None
    everything: bool = False   # the statement has no condition (every row of its table)


def _page(store, sql: str, order: str, params: list[Any], paging) -> list[tuple]:
    """The rows of one page of the main statement ``sql`` in the order ``order`` (its ORDER BY
    clause); a ``Refine`` gets the statement unordered (to count or group its rows)."""
    limit, offset, refine = paging
    ordered = f"{sql} {order}"
    if refine is not None:
        if refine.where:
            condition = " AND ".join(refine.where)
            ordered = f"SELECT * FROM ({ordered}) AS q WHERE {condition}"
            sql = f"SELECT * FROM ({sql}) AS q WHERE {condition}"
            params = [*params, *refine.params]
        refine.statement = (sql, list(params))
    return store.select(ordered + " LIMIT ? OFFSET ?", [*params, limit, offset])


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


def _events(store, where, params, ids, type, status, outlet, since, until, place, text, min_reports,
            paging, with_reports: bool = True) -> list[dict[str, Any]]:
    for role, found in ids.items():
        where.append(f"e.id IN (SELECT corpus_event_id FROM corpus_event_actors WHERE role = ? "
                     f"AND actor_id IN ({_marks(found)}))")
        params.extend([role, *found])
    if type:
        where.append("e.type = ?")
        params.append(type.upper())
    if status:   # the event's terms (store schema 5), by their primary key: the list walks its
        # order index and stops after a page, however many events have the status
        where.append("EXISTS (SELECT 1 FROM corpus_event_terms AS x WHERE x.corpus_event_id = e.id "
                     "AND x.term = (SELECT id FROM corpus_terms WHERE facet = 'status' AND value = ?))")
        params.append(status)
    if outlet:
        where.append("e.id IN (SELECT corpus_event_id FROM corpus_event_reports "
                     "WHERE outlet = ? COLLATE NOCASE)")
        params.append(outlet)
    if since:
        where.append("e.date_hi >= ?")
        params.append(since)
    if until:
        where.append("e.date_lo <= ?")
        params.append(until)
    if place:
        where.append("e.id IN (SELECT corpus_event_id FROM corpus_event_reports "
                     "WHERE place_name = ? COLLATE NOCASE OR place_country = ?)")
        params.extend([place, place.upper()])
    if text:
        where.append(f"e.id IN (SELECT corpus_event_id FROM corpus_event_reports WHERE doc_hash IN ({text[0]}))")
        params.append(text[1])
    if min_reports:
        where.append("e.n_reports >= ?")
        params.append(min_reports)
    sql = ("SELECT e.id, e.type, e.quad, e.date_lo, e.date_hi, e.place_name, e.place_country, "
           "e.first_reported, e.n_reports, e.n_outlets, e.status, e.disagreements FROM corpus_events AS e"
           + (" WHERE " + " AND ".join(where) if where else "")
)
    rows = _page(store, sql, "ORDER BY e.n_outlets DESC, e.n_reports DESC, e.date_lo, e.id", params, paging)
    refine = paging[2]
    if refine is not None:
        refine.everything = not where and not refine.where
    events = {r[0]: {"id": r[0], "type": r[1], "quad": r[2], "date": [r[3], r[4]], "place": r[5],
                     "place_country": r[6], "first_reported": r[7], "n_reports": r[8], "n_outlets": r[9],
                     "status": r[10], "disagreements": json.loads(r[11]), "outlets": [],
                     "actors": [], "recipients": [], "reports": []} for r in rows}
    if not events:
        return []
    keys = list(events)
    if not with_reports:
        for cid, outlet_name in store.select(
                "SELECT corpus_event_id, outlet FROM corpus_event_reports "
                f"WHERE corpus_event_id IN ({_marks(keys)}) AND outlet IS NOT NULL "
                "GROUP BY corpus_event_id, outlet ORDER BY corpus_event_id, min(published), outlet", keys):
            events[cid]["outlets"].append(outlet_name)
    reasons: dict[str, dict] = {}   # merge reasons repeat: each distinct text is parsed once
    for r in ([] if not with_reports else store.select(
            "SELECT r.corpus_event_id, d.id, r.doc_hash, r.event_id, r.outlet, r.published, r.status, "
            "r.date, r.place_name, r.evidence_start, r.evidence_end, r.evidence_text, m.score, m.reasons "
            "FROM corpus_event_reports AS r JOIN documents AS d ON d.hash = r.doc_hash "
            "LEFT JOIN corpus_merges AS m ON m.doc_hash = r.doc_hash AND m.event_id = r.event_id "
            f"WHERE r.corpus_event_id IN ({_marks(keys)}) ORDER BY r.published, d.seq, r.evidence_start",
            keys)):
        ev = events[r[0]]
        ev["reports"].append({"document": r[1], "doc_hash": r[2], "event_id": r[3], "outlet": r[4],
                              "published": r[5], "status": r[6], "date": r[7], "place": r[8],
                              "evidence": {"start": r[9], "end": r[10], "text": r[11]},
                              "merge": None if r[12] is None else {"score": r[12],
                                                                   "reasons": _reasons(reasons, r[13])}})
        if r[4] and r[4] not in ev["outlets"]:
            ev["outlets"].append(r[4])
    for r in store.select(
            "SELECT x.corpus_event_id, x.actor_id, x.role, a.name FROM corpus_event_actors AS x "
            f"LEFT JOIN actors AS a ON a.id = x.actor_id WHERE x.corpus_event_id IN ({_marks(keys)})", keys):
        events[r[0]]["actors" if r[2] == "actor" else "recipients"].append({"id": r[1], "name": r[3]})
    return list(events.values())


def _reasons(parsed: dict[str, Any], text: str) -> Any:
    """``json.loads(text)``, parsed once per distinct text; each caller gets its own copy."""
    if text not in parsed:
        parsed[text] = json.loads(text)
    value = parsed[text]
    if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
        return dict(value)
    return json.loads(text)


def _doc_filters(alias, where, params, ids, outlet, since, until, place, text) -> None:
    if "actor" in ids:
        where.append(f"{alias}.hash IN (SELECT doc_hash FROM mentions WHERE actor_id IN ({_marks(ids['actor'])}))")
        params.extend(ids["actor"])
    if outlet:
        where.append(f"{alias}.source = ? COLLATE NOCASE")
        params.append(outlet)
    if since:
        where.append(f"{alias}.published >= ?")
        params.append(since)
    if until:
        where.append(f"{alias}.published <= ?")
        params.append(until + "~")   # a timestamp on the last day sorts before "~"
    if place:
        where.append(f"{alias}.hash IN (SELECT pm.doc_hash FROM place_mentions AS pm JOIN places AS p "
                     "ON p.id = pm.place_id WHERE p.name = ? COLLATE NOCASE OR p.country = ?)")
        params.extend([place, place.upper()])
    if text:
        where.append(f"{alias}.hash IN ({text[0]})")
        params.append(text[1])


def _claims(store, where, params, ids, status, outlet, since, until, place, text,
            paging) -> list[dict[str, Any]]:
    if "recipient" in ids:
        raise NewsgraphError("bad_option", "recipient filters events only")
    _doc_filters("d", where, params, {}, outlet, since, until, place, text)
    if "actor" in ids:
        where.append(f"(c.speaker_actor IN ({_marks(ids['actor'])}) OR EXISTS (SELECT 1 FROM mentions AS m "
                     f"WHERE m.doc_hash = c.doc_hash AND m.actor_id IN ({_marks(ids['actor'])}) "
                     'AND m.start >= c.start AND m."end" <= c."end"))')
        params.extend(ids["actor"] * 2)
    if status == "unverified":   # a claim without a corroboration row is unverified
        where.append("coalesce(k.status, 'unverified') = ?")
        params.append(status)
    elif status:   # the same as the coalesce, but the status index can find the rows
        where.append("k.status = ?")
        params.append(status)
    sql = ('SELECT d.id, d.hash, d.source, d.published, c.claim_id, c.start, c."end", c.text, '
           "c.speaker_kind, c.speaker_name, c.kind, c.checkworthiness, coalesce(k.status, 'unverified'), "
           "k.independent, k.supporting, k.contradicting FROM claims AS c "
           "JOIN documents AS d ON d.hash = c.doc_hash "
           "LEFT JOIN claim_corroboration AS k ON k.doc_hash = c.doc_hash AND k.claim_id = c.claim_id"
           + (" WHERE " + " AND ".join(where) if where else "")
)
    return [{"document": r[0], "doc_hash": r[1], "outlet": r[2], "published": r[3], "claim_id": r[4],
             "start": r[5], "end": r[6], "text": r[7], "speaker": {"kind": r[8], "name": r[9]},
             "kind": r[10], "checkworthiness": r[11], "corroboration": r[12], "independent": r[13] or 0,
             "supporting": json.loads(r[14] or "[]"), "contradicting": json.loads(r[15] or "[]")}
            for r in _page(store, sql, "ORDER BY c.checkworthiness DESC, d.seq, c.start", params, paging)]


def _documents(store, where, params, ids, type, outlet, since, until, place, text,
               paging) -> list[dict[str, Any]]:
    if "recipient" in ids:
        raise NewsgraphError("bad_option", "recipient filters events only")
    _doc_filters("d", where, params, ids, outlet, since, until, place, text)
    if type:
        where.append("d.hash IN (SELECT doc_hash FROM events WHERE type = ?)")
        params.append(type.upper())
    sql = ("SELECT d.id, d.hash, d.source, d.published, d.title, d.n_words, "
           "(SELECT count(*) FROM events AS e WHERE e.doc_hash = d.hash), "
           "(SELECT count(*) FROM claims AS c WHERE c.doc_hash = d.hash) FROM documents AS d"
           + (" WHERE " + " AND ".join(where) if where else "")
)
    return [{"id": r[0], "hash": r[1], "outlet": r[2], "published": r[3], "title": r[4], "words": r[5],
             "events": r[6], "claims": r[7]}
            for r in _page(store, sql, "ORDER BY d.published DESC, d.seq", params, paging)]
