"""Response time of each GET route of the HTTP API (newsgraph.api) on a 10,000-document store.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_api.py [--documents N] [--articles K]

The store is built the way benchmarks/bench_query.py builds its one (its ``clones`` and corpus
path are imported, not copied): K real articles analysed once, cloned to N documents over 40
outlets and 2019, then the corpus build (events only). Each route is called through FastAPI's
TestClient (in process, no network) and the median of 5 calls is printed, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_query import PTC, store_clones  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph import corpus  # noqa: E402
from newsgraph.api import create_app  # noqa: E402
from newsgraph.ingest import iter_documents  # noqa: E402
from newsgraph.model import Skipped  # noqa: E402
from newsgraph.pipeline import analyze_documents  # noqa: E402
from newsgraph.store import Store  # noqa: E402


def build(path: Path, documents: int, articles: int, seed: int) -> None:
    files = sorted(PTC.glob("*.txt"))[:articles]
    if not files:
        sys.exit(f"no articles under {PTC}")
    docs = (d for d in iter_documents([str(f) for f in files], outlet="PTC", date="2019-06-01")
            if not isinstance(d, Skipped))
    analyses = [a.to_dict() for a in analyze_documents(docs) if not isinstance(a, Skipped)]
    with Store(path) as store:
        store_clones(store, analyses, documents, random.Random(seed))
        corpus.build(store, claims=False)
        counts = store.counts()
    print(f"store: {counts['documents']:,} documents, {counts['events']:,} events, "
          f"{counts['claims']:,} claims")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t = time.perf_counter()
        build(db, args.documents, args.articles, args.seed)
        print(f"built in {time.perf_counter() - t:.1f} s")
        with Store(db, readonly=True) as store:
            actor = store.select("SELECT actor_id FROM corpus_event_actors GROUP BY actor_id "
                                 "ORDER BY count(*) DESC LIMIT 1")[0][0]
            event = store.select("SELECT id FROM corpus_events ORDER BY n_reports DESC LIMIT 1")[0][0]
        v1 = "/api/v1"
        routes = [
            f"{v1}/health",
            f"{v1}/documents",
            f"{v1}/documents?q=police&facets=true",
            f"{v1}/documents?type=ASSAULT&since=2019-03-01&until=2019-03-31",
            f"{v1}/documents/bench-17",
            f"{v1}/events",
            f"{v1}/events?actor={actor}",
            f"{v1}/events?outlet=Outlet%2003&min_reports=2",
            f"{v1}/events/{event}",
            f"{v1}/actors",
            f"{v1}/actors?q=police",
            f"{v1}/actors/{actor}",
            f"{v1}/claims",
            f"{v1}/claims?speaker_kind=source&min_checkworthiness=0.5",
            f"{v1}/network?since=2019-03-01&until=2019-03-31",
            f"{v1}/network?actor={actor}",
            f"{v1}/timeline",
            f"{v1}/timeline?interval=day&type=ASSAULT",
        ]
        print(f"\nGET latency, median of {args.repeat} (Python {platform.python_version()}, "
              f"SQLite {sqlite3.sqlite_version}, {platform.machine()}):")
        with TestClient(create_app(db, allow_store=False)) as client:
            for url in routes:
                times = []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    r = client.get(url)
                    times.append(time.perf_counter() - t)
                size = len(r.content)
                print(f"  {url:<68} {statistics.median(times) * 1000:8.1f} ms  {r.status_code}  "
                      f"{size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
