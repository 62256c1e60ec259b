"""`newsgraph query` latency on a 10,000-document store built from real articles.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_query.py [--documents N] [--articles K]

Analyses K real articles from ../shared/data/corpora/ptc-unlabeled once (the full pipeline),
then stores N documents by cloning those analyses with new ids, outlets (40) and publication
dates (spread over 2019; event dates shift with them), runs the corpus build (events only:
``claims=False``) and prints the time of each query. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import copy
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from newsgraph import corpus
from newsgraph.ingest import iter_documents
from newsgraph.model import Skipped
from newsgraph.pipeline import analyze_documents
from newsgraph.query import query
from newsgraph.store import Store

ROOT = Path(__file__).resolve().parent.parent
PTC = ROOT.parent / "shared" / "data" / "corpora" / "ptc-unlabeled"
OUTLETS = [f"Outlet {k:02d}" for k in range(40)]


def shift(value: str | None, days: int) -> str | None:
    if not value or len(value) != 10 or value.startswith("--"):
        return value
    try:
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    except ValueError:
        return value


def clones(analyses: list[dict], n: int, rng: random.Random):
    base = date(2019, 1, 1)
    for k in range(n):
        src = analyses[k % len(analyses)]
        obj = copy.deepcopy(src)
        days = rng.randrange(365)
        published = (base + timedelta(days=days)).isoformat()
        doc = obj["document"]
        old = doc.get("published")
        delta = (date.fromisoformat(published) - date.fromisoformat(old)).days if old else 0
        doc.update(id=f"bench-{k}", hash=None, source=rng.choice(OUTLETS), published=published,
                   url=f"https://bench.example/{k}")
        doc.pop("hash")
        for e in obj["events"]:
            e["date"] = shift(e.get("date"), delta)
        yield obj


def store_clones(store, analyses: list[dict], n: int, rng: random.Random, batch: int = 500) -> None:
    """Store ``n`` clones of ``analyses`` (see ``clones``), ``batch`` per transaction."""
    pending = []
    for obj in clones(analyses, n, rng):
        pending.append(obj)
        if len(pending) == batch:
            store.add_analyses(pending)
            pending = []
    if pending:
        store.add_analyses(pending)


def timed(fn, repeat: int = 5) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = len(fn())
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = sorted(PTC.glob("*.txt"))[: args.articles]
    if not files:
        sys.exit(f"no articles under {PTC}")
    t = time.perf_counter()
    docs = (d for d in iter_documents([str(f) for f in files], outlet="PTC", date="2019-06-01")
            if not isinstance(d, Skipped))
    analyses = [a.to_dict() for a in analyze_documents(docs) if not isinstance(a, Skipped)]
    print(f"analysed {len(analyses)} real articles in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        t = time.perf_counter()
        store_clones(store, analyses, args.documents, rng)
        counts = store.counts()
        print(f"stored {counts['documents']:,} documents, {counts['events']:,} events, "
              f"{counts['claims']:,} claims in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        report = corpus.build(store, claims=False)
        print(f"corpus build (events, no claims): {time.perf_counter() - t:.1f} s: {report.reports:,} reports "
              f"-> {report.corpus_events:,} corpus events ({report.multi_outlet_events:,} with several outlets)")
        top_actor = store.select("SELECT actor_id FROM corpus_event_actors GROUP BY actor_id "
                                 "ORDER BY count(*) DESC LIMIT 1")[0][0]
        cases = {
            "events, no filter (top 50)": dict(what="events"),
            f"events, actor={top_actor}": dict(what="events", actor=top_actor),
            "events, type=ASSAULT, since..until (a month)": dict(what="events", type="ASSAULT",
                                                                 since="2019-03-01", until="2019-03-31"),
            "events, outlet + min_reports=2": dict(what="events", outlet="Outlet 03", min_reports=2),
            "events, status=alleged": dict(what="events", status="alleged"),
            "events, place=USA": dict(what="events", place="USA"),
            "events, text='ministry'": dict(what="events", text="ministry"),
            "claims, outlet + month": dict(what="claims", outlet="Outlet 05", since="2019-05-01",
                                           until="2019-05-31"),
            f"claims, actor={top_actor}": dict(what="claims", actor=top_actor),
            "documents, type=ASSAULT + text": dict(what="documents", type="ASSAULT", text="police"),
        }
        ro = Store(Path(tmp) / "bench.db", readonly=True)
        print(f"\nquery latency, median of 5 (Python {platform.python_version()}, "
              f"SQLite {sqlite3.sqlite_version}, {platform.machine()}):")
        for name, kw in cases.items():
            what = kw.pop("what")
            ms, rows = timed(lambda: query(ro, what, limit=50, **kw))
            print(f"  {name:<48} {ms:8.1f} ms  {rows:>3} rows")
        ro.close()
        store.close()


if __name__ == "__main__":
    main()
