"""The actor network and per-actor timelines, read from the stored event records.

``actor_network`` builds a networkx ``MultiDiGraph``: one node per actor (its id, with name,
CAMEO code, country, sector, kind and number of events), one edge per stored event from each of
its actors to each of its recipients, typed (PLOVER type, mode, CAMEO code), dated (the
event's date, or the report's publication date when the event's own date is partial or
unknown) and weighted (``weight`` = |Goldstein|, ``goldstein`` signed, ``quad`` and
``polarity``: cooperation for quad classes 1-2, conflict for 3-4). An event without a
recipient has no edge (its actors still count it). ``since``/``until`` keep the events whose
date lies in the range. ``actor_timeline`` lists one actor's events in date order.

Both read the record tables (events, event_actors, actors, documents) through one SQL cursor,
so the store is never loaded whole; only the graph itself is held in memory.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import networkx as nx

# the day an event is filed under is stored (events.day, schema 5), by the rule of
# export.effective_date: a full date; a partial one (YYYY or YYYY-MM) that the publication date
# falls in gives the publication date, any other its first day; else the publication date
_DAY = "e.day"

_EVENTS_SQL = (
    "SELECT e.doc_hash, e.event_id, e.type, e.mode, e.cameo, e.goldstein, e.quad, e.status, "
    f"e.date, {_DAY} AS day, e.place_name, e.place_country, e.confidence, e.evidence_text, "
    "d.id, d.source, "
    "(SELECT group_concat(actor_id, char(31)) FROM event_actors AS a "
    " WHERE a.doc_hash = e.doc_hash AND a.event_id = e.event_id AND a.role = 'actor'), "
    "(SELECT group_concat(actor_id, char(31)) FROM event_actors AS a "
    " WHERE a.doc_hash = e.doc_hash AND a.event_id = e.event_id AND a.role = 'recipient') "
    "FROM events AS e JOIN documents AS d ON d.hash = e.doc_hash")


def _conn(store: Any) -> sqlite3.Connection:
    return store if isinstance(store, sqlite3.Connection) else store._conn


def _where(since: str | None, until: str | None, extra: list[str] | None = None
           ) -> tuple[str, list[Any]]:
    clauses, params = list(extra or ()), []
    if since is not None:
        clauses.append(f"{_DAY} >= ?")
        params.append(since)
    if until is not None:
        clauses.append(f"{_DAY} <= ?")
        params.append(until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def polarity(quad: int | None) -> str:
    return "cooperation" if quad in (1, 2) else "conflict" if quad in (3, 4) else "unknown"


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    # GEXF and GraphML writers refuse None values
    return {k: v for k, v in attrs.items() if v is not None}


MAX_AROUND = 5000   # a neighbourhood larger than this is drawn from the whole network


def neighbourhood_ids(store: Any, actor_id: str, depth: int = 1, *, since: str | None = None,
                      until: str | None = None) -> set[str]:
    """The actors at most ``depth`` actor-recipient links away from ``actor_id`` (either
    direction) through the stored events of the date range, ``actor_id`` included: found with
    the event_actors index, one query per step, without building the network."""
    conn = _conn(store)
    found, frontier = {actor_id}, {actor_id}
    for _ in range(depth):
        if not frontier or len(found) > MAX_AROUND:
            break
        step: set[str] = set()
        ids = sorted(frontier)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            where, params = _where(since, until, [f"x.actor_id IN ({','.join('?' * len(chunk))})"])
            # the events table only for a date range (every event_actors row has its event)
            dated = ("" if since is None and until is None else
                     " JOIN events AS e ON e.doc_hash = x.doc_hash AND e.event_id = x.event_id")
            step.update(r[0] for r in conn.execute(
                "SELECT DISTINCT y.actor_id FROM event_actors AS x JOIN event_actors AS y "
                "ON y.doc_hash = x.doc_hash AND y.event_id = x.event_id AND y.role <> x.role"
                + dated + where, [*chunk, *params]))
        frontier = step - found
        found |= step
    return found


def actor_network(store: Any, *, since: str | None = None, until: str | None = None,
                  around: str | None = None, depth: int = 1) -> nx.MultiDiGraph:
    """The actor network of the stored events dated within ``since``..``until`` (inclusive,
    ``YYYY-MM-DD``; None: open). With ``around`` (an actor id), only the events between actors
    at most ``depth`` links from it (``neighbourhood_ids``): the same edges among those actors
    as in the whole network, and each node's ``events`` counts the events drawn."""
    conn = _conn(store)
    graph = nx.MultiDiGraph(name="newsgraph actor network", since=since or "", until=until or "")
    extra: list[str] = []
    extra_params: list[Any] = []
    if around is not None:
        ids = sorted(neighbourhood_ids(conn, around, depth, since=since, until=until))
        if len(ids) <= MAX_AROUND:
            marks = ",".join("?" * len(ids))
            for role in ("actor", "recipient"):
                extra.append("EXISTS (SELECT 1 FROM event_actors AS n WHERE n.doc_hash = e.doc_hash "
                             f"AND n.event_id = e.event_id AND n.role = '{role}' AND n.actor_id IN ({marks}))")
                extra_params.extend(ids)
    where, params = _where(since, until, extra)
    params = [*extra_params, *params]
    counts: dict[str, int] = {}
    for row in conn.execute(_EVENTS_SQL + where + " ORDER BY day, d.seq, e.event_id", params):
        (doc_hash, event_id, etype, mode, cameo, goldstein, quad, status, date, day, place,
         country, confidence, evidence, doc_id, outlet, actors, recipients) = row
        actors = actors.split("\x1f") if actors else []
        recipients = recipients.split("\x1f") if recipients else []
        for a in dict.fromkeys(actors + recipients):
            counts[a] = counts.get(a, 0) + 1
        for a in actors:
            for r in recipients:
                if a == r:
                    continue
                graph.add_edge(a, r, key=f"{doc_hash[:16]}:{event_id}", **_clean({
                    "event_type": etype, "mode": mode, "cameo": cameo, "quad": quad,
                    "goldstein": goldstein, "weight": abs(goldstein) if goldstein is not None else 1.0,
                    "polarity": polarity(quad), "status": status, "date": day,
                    "date_as_reported": date, "place": place, "place_country": country,
                    "confidence": confidence, "evidence": evidence, "document": doc_id,
                    "doc_hash": doc_hash, "event_id": event_id, "outlet": outlet}))
    ids = list(counts)
    info: dict[str, tuple] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(f"SELECT id, name, code, country, sector, kind FROM actors "
                              f"WHERE id IN ({marks})", chunk):
            info[r[0]] = r[1:]
    for actor_id in ids:
        name, code, country, sector, kind = info.get(actor_id, (actor_id, None, None, None, None))
        graph.add_node(actor_id, **_clean({"label": name, "name": name, "code": code,
                                           "country": country, "sector": sector, "kind": kind,
                                           "events": counts[actor_id]}))
    return graph


def pair_network(store: Any, *, since: str | None = None, until: str | None = None,
                 around: str | None = None, depth: int = 1) -> nx.DiGraph:
    """``collapse(actor_network(...))`` computed in SQL: one edge per (actor, recipient) pair
    with ``events``, ``cooperation``, ``conflict``, ``goldstein`` (sum and mean), ``weight``,
    ``first`` and ``last`` date, grouped by the store instead of built event by event (fast on
    large stores). Nodes carry the actor's fields and ``events``: its events in the date range.
    With ``around``, only the pairs among the actors ``depth`` links from it."""
    conn = _conn(store)
    graph = nx.DiGraph(name="newsgraph actor network", since=since or "", until=until or "")
    clauses: list[str] = ["p.actor_id <> p.recipient_id"]
    params: list[Any] = []
    if around is not None:
        ids = sorted(neighbourhood_ids(conn, around, depth, since=since, until=until))
        if len(ids) <= MAX_AROUND:
            marks = ",".join("?" * len(ids))
            clauses.append(f"p.actor_id IN ({marks}) AND p.recipient_id IN ({marks})")
            params.extend(ids * 2)
    for op, value in ((">=", since), ("<=", until)):
        if value is not None:
            clauses.append(f"p.day {op} ?")
            params.append(value)
    # event_pairs (schema 5): the rows of event_actors joined with itself, one per pair of an
    # event, with the event's day, quad and Goldstein; grouped from its indexes alone
    rows = conn.execute(
        "SELECT p.actor_id, p.recipient_id, count(*), sum(p.quad IN (1, 2)), sum(p.quad IN (3, 4)), "
        "total(p.goldstein), min(nullif(p.day, '')), max(p.day) FROM event_pairs AS p "
        f"WHERE {' AND '.join(clauses)} GROUP BY p.actor_id, p.recipient_id", params).fetchall()
    for a, r, n, coop, conflict, goldstein, first, last in rows:
        graph.add_edge(a, r, events=n, cooperation=coop or 0, conflict=conflict or 0, goldstein=goldstein,
                       first=first or "", last=last or "", weight=n, goldstein_mean=goldstein / n)
    ids = sorted(graph.nodes)
    undated = since is None and until is None
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        counts = {}
        if not undated:
            # an actor's events in the range: the sum of its events per day (actor_days, schema
            # 5); without a range, the count stored with the actor (actors.n_events)
            clauses, params = [f"x.actor_id IN ({marks})"], list(chunk)
            for op, value in ((">=", since), ("<=", until)):
                if value is not None:
                    clauses.append(f"x.day {op} ?")
                    params.append(value)
            counts = dict(conn.execute(
                f"SELECT x.actor_id, sum(x.events) FROM actor_days AS x WHERE {' AND '.join(clauses)} "
                "GROUP BY x.actor_id", params).fetchall())
        for r in conn.execute(f"SELECT id, name, code, country, sector, kind, n_events FROM actors "
                              f"WHERE id IN ({marks})", chunk):
            events = r[6] if undated else counts.get(r[0], 0)
            graph.add_node(r[0], **_clean({"label": r[1], "name": r[1], "code": r[2], "country": r[3],
                                           "sector": r[4], "kind": r[5], "events": events}))
    return graph


def collapse(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """One edge per (actor, recipient) pair: ``events``, ``cooperation``/``conflict`` counts,
    ``goldstein`` sum and mean, ``weight`` = number of events, first and last date."""
    out = nx.DiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for a, r, data in graph.edges(data=True):
        e = out.get_edge_data(a, r)
        if e is None:
            e = {"events": 0, "cooperation": 0, "conflict": 0, "goldstein": 0.0,
                 "first": data.get("date", ""), "last": data.get("date", "")}
            out.add_edge(a, r, **e)
            e = out[a][r]
        e["events"] += 1
        if data["polarity"] in ("cooperation", "conflict"):
            e[data["polarity"]] += 1
        e["goldstein"] += data.get("goldstein") or 0.0
        if data.get("date"):
            e["first"] = min(filter(None, (e["first"], data["date"])))
            e["last"] = max(e["last"], data["date"])
    for _, _, e in out.edges(data=True):
        e["weight"] = e["events"]
        e["goldstein_mean"] = e["goldstein"] / e["events"]
    return out


def actor_timeline(store: Any, actor_id: str, *, since: str | None = None,
                   until: str | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
    """The events of one actor (as actor or recipient) in date order, each with its role,
    type, mode, CAMEO code, Goldstein, quad class, status, dates, place, the other actors and
    the report (document id, outlet, evidence). ``limit``/``offset``: one page of that list
    (``actor_timeline_count`` counts it)."""
    conn = _conn(store)
    # The actor's events from its rows of event_actors (its index; each event once, though an
    # actor may be on both sides of one), ordered and paged on their keys first; the columns
    # and the other actors are read for the page only.
    where, params = _where(since, until, ["(e.doc_hash, e.event_id) IN (SELECT x.doc_hash, "
                                          "x.event_id FROM event_actors AS x WHERE x.actor_id = ?)"])
    page = "" if limit is None and not offset else " LIMIT ? OFFSET ?"
    page_params = [] if not page else [-1 if limit is None else limit, offset]
    sql = ("WITH k AS (SELECT e.doc_hash, e.event_id, e.day, d.seq FROM events AS e "
           "JOIN documents AS d ON d.hash = e.doc_hash" + where
           + " ORDER BY e.day, d.seq, e.event_id" + page + ") "
           + _EVENTS_SQL.replace("FROM events AS e JOIN", "FROM k JOIN events AS e "
                                 "ON e.doc_hash = k.doc_hash AND e.event_id = k.event_id JOIN")
           + " ORDER BY k.day, k.seq, k.event_id")
    out = []
    for row in conn.execute(sql, [actor_id, *params, *page_params]):
        (doc_hash, event_id, etype, mode, cameo, goldstein, quad, status, date, day, place,
         country, confidence, evidence, doc_id, outlet, actors, recipients) = row
        actors = actors.split("\x1f") if actors else []
        recipients = recipients.split("\x1f") if recipients else []
        out.append({"date": day, "date_as_reported": date,
                    "role": "actor" if actor_id in actors else "recipient",
                    "type": etype, "mode": mode, "cameo": cameo, "goldstein": goldstein,
                    "quad": quad, "polarity": polarity(quad), "status": status,
                    "actors": actors, "recipients": recipients,
                    "place": {"name": place, "country": country} if place else None,
                    "document": doc_id, "doc_hash": doc_hash, "event_id": event_id,
                    "outlet": outlet, "evidence": evidence, "confidence": confidence})
    return out


def actor_timeline_count(store: Any, actor_id: str, *, since: str | None = None,
                         until: str | None = None) -> int:
    """The length of ``actor_timeline(store, actor_id, since=..., until=...)``."""
    where, params = _where(since, until, ["x.actor_id = ?"])
    dated = ("" if since is None and until is None else
             " JOIN events AS e ON e.doc_hash = x.doc_hash AND e.event_id = x.event_id")
    return _conn(store).execute(
        "SELECT count(*) FROM (SELECT DISTINCT x.doc_hash, x.event_id FROM event_actors AS x"
        + dated + where + ")", [actor_id, *params]).fetchone()[0]


def write(graph: nx.Graph, path: str | Path, kind: str) -> None:
    """Write the graph as ``gexf`` (GEXF 1.2) or ``graphml``. GraphML keeps the graph's
    attributes (``provenance`` among them) as graph data; GEXF has no graph attributes, so
    the ``provenance`` attribute goes into ``<meta><description>`` and the creator names
    newsgraph."""
    if kind == "gexf":
        nx.write_gexf(graph, path, version="1.2draft")
        _gexf_meta(Path(path), graph.graph)
    elif kind == "graphml":
        nx.write_graphml(graph, path)
    else:
        raise ValueError(f"unknown network format {kind!r}")


def _gexf_meta(path: Path, attrs: dict[str, Any]) -> None:
    import xml.etree.ElementTree as ET
    ns = "http://www.gexf.net/1.2draft"
    ET.register_namespace("", ns)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    tree = ET.parse(path)
    meta = tree.getroot().find(f"{{{ns}}}meta")
    if meta is None:
        meta = ET.Element(f"{{{ns}}}meta")
        tree.getroot().insert(0, meta)
    creator = meta.find(f"{{{ns}}}creator")
    if creator is None:
        creator = ET.SubElement(meta, f"{{{ns}}}creator")
    creator.text = f"newsgraph {attrs.get('newsgraph_version', '')} (NetworkX {nx.__version__})"
    if attrs.get("provenance"):
        ET.SubElement(meta, f"{{{ns}}}description").text = str(attrs["provenance"])
    tree.write(path, encoding="utf-8", xml_declaration=True)
