"""The Ray engine against the local engine on the same real articles.

    .venv/bin/python benchmarks/bench_ray.py [--corpus DIR] [--articles N] [--workers 1 2]

Writes ``--articles`` real articles from ../shared/data/corpora/ptc-unlabeled (repeated with
their own URLs when the corpus has fewer) to a JSON Lines shard per 50 articles, then times, on
the same shards: the local engine (``newsgraph.runner.ingest``, one process, into SQLite) and
the Ray engine (``newsgraph.scale.ray_engine.run``, a local Ray with each ``--workers`` count,
into Parquet; Ray's start-up is timed apart). Prints words per second, per worker, and the
ratio to the local engine. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpora" / "ptc-unlabeled"


def write_shards(corpus: Path, articles: int, folder: Path, per_shard: int = 50) -> int:
    files = sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"no articles in {corpus}")
    words = 0
    shard = None
    for i in range(articles):
        if i % per_shard == 0:
            if shard:
                shard.close()
            shard = (folder / f"shard-{i // per_shard:04d}.jsonl").open("w", encoding="utf-8")
        src = files[i % len(files)]
        text = src.read_text(encoding="utf-8", errors="replace")
        copy = i // len(files)
        # a copy gets a marker line of its own, so that each copy is a distinct document
        shard.write(json.dumps({"id": f"a{i:06d}", "url": f"https://bench.example/{src.stem}/{copy}",
                                "text": text if copy == 0 else f"(copy {copy})\n\n{text}"}) + "\n")
        words += len(text.split())
    if shard:
        shard.close()
    return words


def phase(name: str, shards: str, workers: int) -> dict:
    """One measurement, in this (fresh) process."""
    if name == "local":
        from newsgraph.runner import ingest
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            report = ingest([shards], db=Path(tmp) / "bench.db", jobs=workers)
            return {"phase": f"local x{workers}", "documents": report.stored, "words": report.words,
                    "seconds": time.perf_counter() - t0, "startup": 0.0}
    import ray

    from newsgraph.scale.ray_engine import run
    t0 = time.perf_counter()
    ray.init(num_cpus=workers + 1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    startup = time.perf_counter() - t0
    out = tempfile.mkdtemp()
    try:
        t0 = time.perf_counter()
        report = run([shards], out=Path(out) / "o", jobs=workers, batch_size=16)
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
        ray.shutdown()
    return {"phase": f"ray x{workers}", "documents": report.documents, "words": report.words,
            "seconds": seconds, "startup": startup}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--shards", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.shards, args.n)))
        return
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus} is absent (see ../shared/data/SOURCES.md)")
        return
    try:
        import ray  # noqa: F401
    except ImportError:
        print("skipped: Ray is not installed (pip install -e '.[ray]')")
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        words = write_shards(args.corpus, args.articles, Path(tmp))
        print(f"{args.articles} articles, {words:,} words, in {len(list(Path(tmp).glob('*.jsonl')))} shards")
        env = {**os.environ, "OMP_NUM_THREADS": "1", "RAY_DEDUP_LOGS": "0"}
        rows = []
        for name, n in [("local", 1)] + [("ray", w) for w in args.workers]:
            res = subprocess.run([sys.executable, __file__, "--phase", name, "--shards", tmp, "--n", str(n)],
                                 capture_output=True, text=True, env=env)
            if res.returncode != 0:
                print(f"{name} x{n} failed:\n{res.stderr[-2000:]}")
                continue
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    base = next((r for r in rows if r["phase"] == "local x1"), None)
    print(f"{'phase':<10} {'docs':>6} {'seconds':>8} {'words/s':>9} {'per worker':>10} {'vs local':>8} {'ray start':>9}")
    for r in rows:
        wps = r["words"] / r["seconds"]
        n = int(r["phase"].split("x")[1])
        ratio = wps / (base["words"] / base["seconds"]) if base else float("nan")
        print(f"{r['phase']:<10} {r['documents']:>6} {r['seconds']:>8.1f} {wps:>9,.0f} {wps / n:>10,.0f} "
              f"{ratio:>8.2f} {r['startup']:>8.1f}s")


if __name__ == "__main__":
    main()
