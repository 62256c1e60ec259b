"""Readable reports for a person, rendered from the same contract dicts as the JSON.

These functions build rich renderables; they never print. The CLI prints them.
Every string from a document is rendered as text (``rich.text.Text``), never as
markup, so a document cannot inject console markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

MAX_MENTIONS_SHOWN = 3


def _t(value: Any, style: str | None = None) -> Text:
    return Text("" if value is None else str(value), style=style or "")


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _overlaps(a: dict, start: int, end: int) -> bool:
    return a["start"] < end and a["end"] > start


def claims_table(obj: dict[str, Any]) -> Table:
    """The document claim by claim, most check-worthy first: who says it, what kind of claim,
    how check-worthy, and the events and signals inside it (for a fact-checker's triage)."""
    names = {a["id"]: a["name"] for a in obj["actors"]}
    table = Table(title="Claims, most check-worthy first", title_justify="left")
    for col in ("id", "speaker", "cue", "kind", "check", "claim", "events", "signals"):
        table.add_column(col)
    for c in sorted(obj["claims"], key=lambda c: (-c["checkworthiness"], c["start"])):
        sp = c["speaker"]
        who = {"author": f"{sp.get('name') or 'the outlet'} (author)",
               "unnamed": f"UNNAMED: {sp.get('name') or '?'}"}.get(sp["kind"], sp.get("name") or sp["kind"])
        events = [e for e in obj["events"] if e.get("source_claim") == c["id"] or (
            sp["kind"] == "author" and not e.get("source_claim")
            and _overlaps(e["evidence"], c["start"], c["end"]))]
        signals = [g for g in obj["signals"] if _overlaps(g, c["start"], c["end"])]
        table.add_row(
            _t(c["id"]), _t(who, "yellow" if sp["kind"] == "unnamed" else ""), _t(c["cue"] or "—"),
            _t(c["kind"]), _t(f"{c['checkworthiness']:.2f}"), _t(_clip(c["text"])),
            _t("; ".join(f"{e['type']} {e['status']}: " + ", ".join(names.get(a, a) for a in e["actor"])
                         + (" -> " + ", ".join(names.get(r, r) for r in e["recipient"]) if e["recipient"] else "")
                         for e in events) or "—"),
            _t(", ".join(sorted({g["technique"] for g in signals})) or "—", "magenta"))
    return table


def analysis_report(obj: dict[str, Any]) -> Group:
    """The report of one analysis (an ``Analysis.to_dict()`` object)."""
    doc = obj["document"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, key in (("id", "id"), ("outlet", "source"), ("published", "published"),
                       ("url", "url"), ("language", "language"), ("origin", "origin")):
        head.add_row(label, _t(doc.get(key) or "—"))
    head.add_row("words", _t(len(doc["text"].split())))
    parts: list[Any] = [Panel(head, title=_t(doc.get("title") or "(untitled)", "bold"), title_align="left")]

    actors = Table(title=f"Actors ({len(obj['actors'])})", title_justify="left", expand=False)
    for col in ("name", "code", "country", "sector", "kind", "mentions"):
        actors.add_column(col)
    for a in sorted(obj["actors"], key=lambda a: (-len(a["mentions"]), a["name"])):
        shown = ", ".join(f"{m['text']!r}@{m['start']}" for m in a["mentions"][:MAX_MENTIONS_SHOWN])
        more = len(a["mentions"]) - MAX_MENTIONS_SHOWN
        actors.add_row(_t(a["name"]), _t(a["code"] or "—", "cyan"), _t(a["country"] or "—"),
                       _t(a["sector"] or "—"), _t(a.get("kind", "")),
                       _t(f"{len(a['mentions'])}: {shown}" + (f" +{more}" if more > 0 else "")))
    parts.append(actors)

    places = obj.get("places", [])
    if places:
        table = Table(title=f"Places ({len(places)})", title_justify="left")
        for col in ("name", "country", "lat, lon", "ambiguous", "mentions"):
            table.add_column(col)
        for p in places:
            where = "—" if p["lat"] is None else f"{p['lat']:.2f}, {p['lon']:.2f}"
            amb = f"yes ({p.get('candidates', '?')} candidates)" if p["ambiguous"] else "no"
            table.add_row(_t(p["name"]), _t(p["country"] or "—"), _t(where), _t(amb), _t(len(p["mentions"])))
        parts.append(table)

    counts = Text()
    counts.append(f"events {len(obj['events'])}   claims {len(obj['claims'])}   "
                  f"signals {len(obj['signals'])}")
    parts.append(counts)
    if obj["events"]:
        names = {a["id"]: a["name"] for a in obj["actors"]}
        table = Table(title="Events", title_justify="left")
        for col in ("type", "status", "actor", "recipient", "date", "place", "claim", "evidence"):
            table.add_column(col)
        for e in obj["events"]:
            table.add_row(_t(e["type"] + (f"/{e['mode']}" if e["mode"] else ""), "bold"), _t(e["status"]),
                          _t(", ".join(names.get(a, a) for a in e["actor"])),
                          _t(", ".join(names.get(a, a) for a in e["recipient"])), _t(e["date"] or "—"),
                          _t(e["place"]["name"] if e["place"] else "—"), _t(e.get("source_claim") or "—"),
                          _t(_clip(e["evidence"]["text"])))
        parts.append(table)
    if obj["claims"]:
        parts.append(claims_table(obj))
    if obj["signals"]:
        table = Table(title="Signals (propaganda techniques)", title_justify="left")
        for col in ("technique", "score", "text"):
            table.add_column(col)
        for sg in sorted(obj["signals"], key=lambda sg: sg["start"]):
            table.add_row(_t(sg["technique"], "magenta"), _t(f"{sg['score']:.2f}"), _t(_clip(sg["text"])))
        parts.append(table)

    removed = obj["boilerplate"]
    table = Table(title=f"Boilerplate removed ({len(removed)})", title_justify="left")
    table.add_column("reason")
    table.add_column("text")
    for b in removed:
        table.add_row(_t(b["reason"], "yellow"), _t(_clip(b["text"], 100)))
    parts.append(table)
    return Group(*parts)


def summary_report(summary: dict[str, Any], run: dict[str, Any] | None = None) -> Group:
    """The store summary (``Store.summary()``), with an ingest run's figures when given."""
    parts: list[Any] = []
    if run is not None:
        line = Text()
        line.append("ingest: ", style="bold")
        rate = run["words"] / run["seconds"] if run["seconds"] else 0.0
        line.append(f"{run['seen']} documents read, {run['stored']} stored, "
                    f"{run['duplicates']} already stored, {run['skipped']} skipped; "
                    f"{run['words']:,} words in {run['seconds']:.1f} s ({rate:,.0f} words/s)")
        parts.append(line)
        if run["skipped_inputs"]:
            table = Table(title="Skipped inputs", title_justify="left")
            table.add_column("input")
            table.add_column("code", style="red")
            table.add_column("reason")
            for s in run["skipped_inputs"]:
                table.add_row(_t(s["origin"]), _t(s["code"]), _t(s["reason"]))
            parts.append(table)
    totals = Table(title="Store", title_justify="left")
    for col in ("documents", "actors", "mentions", "places", "events", "claims", "signals"):
        totals.add_column(col, justify="right")
    totals.add_row(*[_t(f"{summary.get(c, 0):,}") for c in
                     ("documents", "actors", "mentions", "places", "events", "claims", "signals")])
    parts.append(totals)
    if summary.get("date_range") and summary["date_range"][0]:
        parts.append(_t(f"published {summary['date_range'][0]} .. {summary['date_range'][1]}"))
    top = Table(title="Top actors", title_justify="left")
    for col in ("actor", "code", "documents", "mentions"):
        top.add_column(col)
    for a in summary.get("top_actors", []):
        top.add_row(_t(a["name"]), _t(a["code"] or "—", "cyan"), _t(a["documents"]), _t(a["mentions"]))
    parts.append(top)
    types = Table(title="Top event types", title_justify="left")
    types.add_column("type")
    types.add_column("events", justify="right")
    for t in summary.get("top_event_types", []):
        types.add_row(_t(t["type"]), _t(t["events"]))
    if not summary.get("top_event_types"):
        types.add_row(_t("(no events stored yet)", "dim"), _t(""))
    parts.append(types)
    if summary.get("outlets"):
        outlets = Table(title="Outlets", title_justify="left")
        outlets.add_column("outlet")
        outlets.add_column("documents", justify="right")
        for o in summary["outlets"]:
            outlets.add_row(_t(o["source"] or "(unknown)"), _t(o["documents"]))
        parts.append(outlets)
    return Group(*parts)
