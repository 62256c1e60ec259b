"""Response time of the web UI's pages (the API calls each makes) on a 10,000-document store.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_api.py [--store PATH] [--repeat R]
        [--documents N] [--articles K] [--seed S] [--budget MS]

The store is built the way benchmarks/bench_query.py builds its one (its ``store_clones`` and
corpus path are imported, not copied): K real articles analysed once, cloned to N documents over
40 outlets and 2019, then the corpus build (events only). With ``--store PATH`` the store is
kept there and reused when the file exists (opened once for writing first, so an older schema
is migrated in place); without it, it is built in a temporary folder.

Each page's API calls go through FastAPI's TestClient (in process, no network: the server-side
time plus the client's decoding of nothing but bytes); each call's time is the median of R runs
and a page's time is the sum of its calls' medians. Pages over ``--budget`` ms (300) are
flagged. Figures are printed, never asserted.
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
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_query import PTC, store_clones  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph import corpus  # noqa: E402
from newsgraph.api import create_app  # noqa: E402
from newsgraph.ingest import iter_documents  # noqa: E402
from newsgraph.model import Skipped  # noqa: E402
from newsgraph.pipeline import analyze_documents  # noqa: E402
from newsgraph.store import Store  # noqa: E402

V1 = "/api/v1"


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


def pages(db: Path) -> dict[str, list[str]]:
    """Each UI page and the GET calls it makes, with ids picked from the store."""
    with Store(db, readonly=True) as store:
        one = lambda sql: store.select(sql)[0][0]  # noqa: E731
        busiest = one("SELECT actor_id FROM corpus_event_actors GROUP BY actor_id "
                      "ORDER BY count(*) DESC, actor_id LIMIT 1")
        # a typical actor: the median of the actors with at least one corpus event
        typical = one("SELECT actor_id FROM (SELECT actor_id, count(*) AS n FROM corpus_event_actors "
                      "GROUP BY actor_id) ORDER BY n, actor_id LIMIT 1 OFFSET "
                      "(SELECT count(DISTINCT actor_id) / 2 FROM corpus_event_actors)")
        event = one("SELECT id FROM corpus_events ORDER BY n_reports DESC, id LIMIT 1")
        largest = one("SELECT id FROM documents ORDER BY length(analysis) DESC, seq LIMIT 1")
        etype = one("SELECT type FROM corpus_events GROUP BY type ORDER BY count(*) DESC, type LIMIT 1")
    a, t = quote(busiest, safe=""), quote(typical, safe="")
    return {
        "Documents (home)": [f"{V1}/documents?limit=50", f"{V1}/health"],
        "Reader (typical document)": [f"{V1}/documents/bench-17"],
        "Reader (largest document)": [f"{V1}/documents/{quote(largest, safe='')}"],
        # the events page asks for the table and, beside it, the facets (limit=1)
        "Events": [f"{V1}/events?reports=false&limit=50", f"{V1}/events?reports=false&limit=1&facets=true"],
        f"Events, type={etype}": [f"{V1}/events?reports=false&limit=50&type={etype}",
                                  f"{V1}/events?reports=false&limit=1&facets=true&type={etype}"],
        "Events, actor=busiest": [f"{V1}/events?reports=false&limit=50&actor={a}",
                                  f"{V1}/events?reports=false&limit=1&facets=true&actor={a}"],
        "Events, status=asserted": [f"{V1}/events?reports=false&limit=50&status=asserted",
                                    f"{V1}/events?reports=false&limit=1&facets=true&status=asserted"],
        "Event (most reports)": [f"{V1}/events/{quote(event, safe='')}"],
        "Actors": [f"{V1}/actors?limit=50"],
        "Actors, q=rus": [f"{V1}/actors?limit=50&q=rus"],
        f"Actor page (busiest: {busiest})": [f"{V1}/actors/{a}"],
        f"Actor page (typical: {typical})": [f"{V1}/actors/{t}"],
        "Claims": [f"{V1}/claims?limit=50"],
        "Claims, speaker_kind=unnamed": [f"{V1}/claims?limit=50&speaker_kind=unnamed"],
        "Claims, status=contested": [f"{V1}/claims?limit=50&status=contested"],
        "Timeline (month)": [f"{V1}/timeline?interval=month"],
        "Timeline (day)": [f"{V1}/timeline?interval=day"],
        "Map": [f"{V1}/places?limit=2000"],
        "Network (all time)": [f"{V1}/network?limit=150"],
        "Network (one month)": [f"{V1}/network?limit=150&since=2019-03-01&until=2019-03-31"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, default=None,
                    help="keep the benchmark store here; reused when the file exists")
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--budget", type=float, default=300.0, help="flag pages slower than this (ms)")
    ap.add_argument("--build-only", action="store_true", help="build (or migrate) the store and stop")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.store or Path(tmp) / "bench.db"
        if not db.exists():
            t = time.perf_counter()
            build(db, args.documents, args.articles, args.seed)
            print(f"built {db} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        with Store(db) as store:   # migrates an older store in place
            counts, version = store.counts(), store.schema_version
        print(f"store: {counts['documents']:,} documents, {counts['events']:,} events, "
              f"{counts['claims']:,} claims, schema {version} (opened in {time.perf_counter() - t:.1f} s)")
        if args.build_only:
            return
        plan = pages(db)
        print(f"\nUI pages: sum of each call's median of {args.repeat} (Python "
              f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}):")
        slow = []
        with TestClient(create_app(db, allow_store=False)) as client:
            for page, urls in plan.items():
                rows, total = [], 0.0
                for url in urls:
                    times = []
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        r = client.get(url)
                        times.append(time.perf_counter() - t)
                    ms = statistics.median(times) * 1000
                    total += ms
                    kib = len(r.content) / 1024
                    rows.append(f"    {url:<84} {ms:8.1f} ms  {r.status_code}  {kib:8.1f} KiB")
                flag = f"  OVER {args.budget:.0f} ms" if total > args.budget else ""
                if flag:
                    slow.append(page)
                print(f"  {page:<46} {total:8.1f} ms{flag}")
                print("\n".join(rows))
        print(f"\npages over {args.budget:.0f} ms: {', '.join(slow) if slow else 'none'}")


if __name__ == "__main__":
    main()
