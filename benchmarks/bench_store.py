"""The store's write throughput and read latencies on synthetic contract objects.

    .venv/bin/python benchmarks/bench_store.py [--documents N] [--batch N] [--words N]

Builds a store of ``--documents`` synthetic analyses (each with actors, places,
events, claims and signals on real offsets) in a temporary folder, writing
``--batch`` documents per transaction, and prints: write throughput, known_hashes
over N hashes, summary, search, get_analysis and iter_analyses latency, and the
file size. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsgraph.model import SCHEMA_ID, content_hash
from newsgraph.schema import validate_analysis
from newsgraph.store import Store

ACTORS = [(f"actor:{code}", name, code, code[:3], code[3:] or None, "organization", surface)
          for code, name, surface in [
              ("RUSGOV", "Russian government", "Moscow"), ("UKRGOV", "Ukrainian government", "Kyiv"),
              ("USAGOV", "US government", "Washington"), ("IGOUNO", "United Nations", "UN"),
              ("TURGOV", "Turkish government", "Ankara"), ("CHNGOV", "Chinese government", "Beijing"),
              ("FRAGOV", "French government", "Paris"), ("DEUGOV", "German government", "Berlin")]]
PLACES = [("place:donetsk", "Donetsk", "UKR", 48.0, 37.8), ("place:odesa", "Odesa", "UKR", 46.5, 30.7),
          ("place:istanbul", "Istanbul", "TUR", 41.0, 29.0)]
TYPES = ["ACCUSE", "CONSULT", "ASSAULT", "AGREE", "THREATEN", "AID"]
FILLER = ("officials said the talks would continue next week while analysts warned that the "
          "situation remained fragile and markets reacted calmly to the news of the day").split()
OUTLETS = [f"Outlet {k}" for k in range(25)]


def synthetic(i: int, rng: random.Random, words: int) -> dict:
    """One contract object: a few sentences naming actors and places, with records on them."""
    actors = rng.sample(ACTORS, 3)
    place = rng.choice(PLACES)
    lead = f"{actors[0][6]} accused {actors[1][6]} of shelling {place[1]}, {actors[2][6]} said."
    quote = " \"This is a barbaric provocation,\" the statement read."
    body = " ".join(rng.choice(FILLER) for _ in range(max(words - 20, 0)))
    text = f"{lead}{quote} Report {i}: {body}."
    spans = {}
    for surface in [a[6] for a in actors] + [place[1], "barbaric"]:
        start = text.index(surface)
        spans[surface] = {"start": start, "end": start + len(surface), "text": surface}
    lead_span = {"start": 0, "end": len(lead), "text": lead}
    source, published = rng.choice(OUTLETS), f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = f"{actors[0][1]} accuses {actors[1][1]} ({i})"
    doc = {"id": f"doc-{i}", "hash": content_hash(text, source, None, title, published),
           "source": source, "url": None, "title": title, "published": published,
           "language": "en", "origin": f"bench.jsonl:{i + 1}", "text": text}
    return {
        "schema": SCHEMA_ID, "document": doc, "boilerplate": [],
        "actors": [{"id": a[0], "name": a[1], "code": a[2], "country": a[3], "sector": a[4],
                    "kind": a[5], "role": None, "mentions": [spans[a[6]]]} for a in actors],
        "places": [{"id": place[0], "name": place[1], "country": place[2], "lat": place[3],
                    "lon": place[4], "kind": "city", "ambiguous": False, "candidates": 1,
                    "mentions": [spans[place[1]]]}],
        "events": [{"id": "e1", "type": rng.choice(TYPES), "mode": None, "cameo": "112",
                    "goldstein": -2.0, "quad": 3, "actor": [actors[0][0]], "recipient": [actors[1][0]],
                    "status": "alleged", "source_claim": "c1", "date": published,
                    "place": {"name": place[1], "country": place[2], "lat": place[3], "lon": place[4]},
                    "evidence": lead_span, "confidence": 0.8}],
        "claims": [{"id": "c1", **lead_span, "speaker": {"kind": "organization", "name": actors[2][1],
                                                         "actor": actors[2][0]},
                    "cue": "said", "kind": "fact", "checkworthiness": 0.7}],
        "signals": [{"technique": "loaded_language", **spans["barbaric"], "score": 0.6}],
        "source_reliability": None,
        "extractors": {"actors": "1.0", "events": "1.0"},
    }


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--words", type=int, default=120, help="words per synthetic document")
    args = parser.parse_args()

    rng = random.Random(7)
    docs = [synthetic(i, rng, args.words) for i in range(args.documents)]
    validate_analysis(docs[0])
    validate_analysis(docs[-1])
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}, "
          f"{args.documents:,} documents of ~{args.words} words, {args.batch} per transaction")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        with Store(path) as store:
            t = time.perf_counter()
            stored = sum(store.add_analyses(docs[k:k + args.batch])
                         for k in range(0, len(docs), args.batch))
            write_s = time.perf_counter() - t
            print(f"add_analyses      {stored:,} documents in {write_s:.2f} s = "
                  f"{stored / write_s:,.0f} documents/s")
            t = time.perf_counter()
            again = sum(store.add_analyses(docs[k:k + args.batch])
                        for k in range(0, len(docs), args.batch))
            print(f"add again         {again} new, {len(docs) / (time.perf_counter() - t):,.0f} "
                  f"documents/s (all known)")

        with Store(path, readonly=True) as store:
            probe = [d["document"]["hash"] for d in docs[: len(docs) // 2]] + \
                    [f"{n:064x}" for n in range(len(docs) - len(docs) // 2)]
            ms, known = timed(lambda: store.known_hashes(probe))
            print(f"known_hashes      {len(probe):,} hashes ({len(known):,} known): {ms:.1f} ms")
            ms, summary = timed(lambda: store.summary())
            print(f"summary           {ms:.1f} ms ({summary['documents']:,} documents, "
                  f"{summary['mentions']:,} mentions, {summary['events']:,} events)")
            for query in ("barbaric", "Istanbul", "Report 4242", '"talks would continue"', "plant\""):
                ms, hits = timed(lambda: store.search(query, limit=20))
                print(f"search {query!r:<24} {ms:6.2f} ms, {len(hits)} hits")
            key = docs[len(docs) // 3]["document"]["hash"][:8]
            ms, _ = timed(lambda: store.get_analysis(key), repeat=50)
            print(f"get_analysis      by 8-char prefix {ms:.3f} ms")
            t = time.perf_counter()
            n = sum(1 for _ in store.iter_analyses())
            print(f"iter_analyses     {n:,} in {time.perf_counter() - t:.2f} s")
        size = sum(os.path.getsize(p) for p in Path(tmp).iterdir())
        print(f"file size         {size / 2**20:.1f} MiB ({size / len(docs) / 1024:.1f} KiB/document)")


if __name__ == "__main__":
    sys.exit(main())
