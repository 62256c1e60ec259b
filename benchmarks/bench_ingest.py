"""Ingest throughput and peak memory on real articles.

    .venv/bin/python benchmarks/bench_ingest.py [--corpus DIR ...] [--repeat N] [--jobs N]
        [--articles K] [--memory-check] [--jobs-check]

Reads the real articles in ../shared/data/corpora/ptc-unlabeled (and any --corpus
directories), writes them ``--repeat`` times (each copy with its own URL, so the
store keeps every copy) to a temporary JSON Lines file, and measures, each phase
in a fresh process on the same texts:

  parse     spaCy ``nlp.pipe`` alone over the cleaned texts (the raw parse)
  analyze   newsgraph's full analysis (parse + every extractor), nothing stored
  ingest    ``newsgraph ingest`` end to end: reading, cleaning, analysis, SQLite (the
            models loaded before the clock starts, as in the other two phases; the loading
            time is printed apart, with the ingest rate it would give if counted)

and prints words/s and articles/s per phase, the ratios between them, CPU time,
and each process's peak resident memory. Figures are printed, never asserted.

``--memory-check`` runs the ingest again over ten times the documents (``--repeat`` x 10)
and prints both peaks and their ratio; ``--jobs-check`` runs the ingest with ``--jobs 2``
and ``--jobs 1`` and prints the speed-up. ``--articles K`` takes the first K articles only
(to keep those checks short). The last lines compare the figures with the targets of
"Scale and speed": ingest >= 6,000 words/s on one core and >= 0.6x the raw parse,
--jobs 2 >= 1.7x --jobs 1, the peak over 10x the articles within 10% of the shorter run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpora" / "ptc-unlabeled"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def _documents(jsonl: str):
    from newsgraph.ingest import iter_documents
    from newsgraph.model import Document
    return [d for d in iter_documents([jsonl]) if isinstance(d, Document)]


def phase(name: str, jsonl: str, jobs: int) -> dict:
    """Run one phase in this process and return its figures."""
    from newsgraph.nlp import BATCH_SIZE, load_nlp
    if name == "ingest":
        from newsgraph.runner import ingest
        # the models load first, timed apart, as the parse and analyze phases load theirs
        # before their clocks start: the spaCy pipeline and the extractors' tables, and with
        # one job the event types' encoder (worker processes load their own)
        t0 = time.perf_counter()
        from newsgraph.pipeline import preload
        preload()
        if jobs <= 1:
            from newsgraph.embed import MODEL_ID, get_encoder, layers_of
            from newsgraph.extract.event_types import shipped_model
            get_encoder(layers_of(shipped_model().config.get("encoder", MODEL_ID)))
        load = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), _cpu()
            report = ingest([jsonl], db=Path(tmp) / "bench.db", jobs=jobs)
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
        return {"phase": name, "articles": report.stored, "words": report.words, "wall": wall,
                "cpu": cpu, "peak_mib": _peak_mib(), "skipped": len(report.skipped), "load": load}
    docs = _documents(jsonl)
    words = sum(len(d.text.split()) for d in docs)
    nlp = load_nlp()
    nlp("warm up")
    t0, c0 = time.perf_counter(), _cpu()
    if name == "parse":
        n = sum(1 for _ in nlp.pipe((d.text for d in docs), batch_size=BATCH_SIZE))
    else:
        import dataclasses

        from newsgraph import pipeline
        spent = {}
        for key, ext in list(pipeline.REGISTRY.items()):   # time each extractor
            def timed(doc, document, prior, _f=ext.func, _k=key):
                t = time.perf_counter()
                try:
                    return _f(doc, document, prior)
                finally:
                    spent[_k] = spent.get(_k, 0.0) + time.perf_counter() - t
            pipeline.REGISTRY[key] = dataclasses.replace(ext, func=timed)
        if name == "analyze":   # the encoder loads on first use: not part of the throughput
            from newsgraph.embed import get_encoder
            get_encoder()
            t0, c0 = time.perf_counter(), _cpu()
        n = sum(1 for _ in pipeline.analyze_documents(docs, nlp=nlp))
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    return {"phase": name, "articles": n, "words": words, "wall": wall, "cpu": cpu,
            "peak_mib": _peak_mib(), "skipped": 0, "extractors": spent if name == "analyze" else {}}


def build_input(corpora: list[Path], repeat: int, path: Path, articles: int | None = None) -> tuple[int, int]:
    files = sorted(f for c in corpora for f in c.rglob("*.txt"))[:articles]
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for copy in range(repeat):
            for f in files:
                lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
                title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
                out.write(json.dumps({"id": f"{f.stem}-{copy}", "title": title, "text": body,
                                      "url": f"https://bench.example/{f.stem}/{copy}"}) + "\n")
                n += 1
    return len(files), n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--articles", type=int, help="only the first K articles of the corpora")
    parser.add_argument("--memory-check", action="store_true",
                        help="also ingest --repeat x 10 and compare the peak memory")
    parser.add_argument("--jobs-check", action="store_true",
                        help="also ingest with --jobs 2 and --jobs 1 and compare their speed")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.input, args.jobs)))
        return 0
    corpora = args.corpus or [DEFAULT_CORPUS]
    missing = [c for c in corpora if not c.is_dir()]
    if missing:
        print(f"skipped: corpus not found: {', '.join(map(str, missing))} "
              "(the real articles live in ../shared/data; see shared/data/SOURCES.md)")
        return 0

    def run(name: str, path: Path, jobs: int) -> dict:
        proc = subprocess.run([sys.executable, __file__, "--phase", name, "--input", str(path),
                               "--jobs", str(jobs)], capture_output=True, text=True, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "bench.jsonl"
        n_files, n_docs = build_input(corpora, args.repeat, jsonl, args.articles)
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
        print(f"input: {n_files} articles x {args.repeat} = {n_docs} documents from "
              f"{', '.join(map(str, corpora))}; ingest --jobs {args.jobs}")
        results = {}
        for name in ("parse", "analyze", "ingest"):
            results[name] = run(name, jsonl, args.jobs)
        extra = {}
        if args.jobs_check:
            for jobs in (1, 2):
                extra[f"ingest j{jobs}"] = (results["ingest"] if jobs == args.jobs
                                            else run("ingest", jsonl, jobs))
        if args.memory_check:
            big = Path(tmp) / "bench10.jsonl"
            build_input(corpora, args.repeat * 10, big, args.articles)
            extra["ingest x10"] = run("ingest", big, args.jobs)
    print(f"{'phase':<10} {'articles':>8} {'words':>9} {'wall s':>7} {'cpu s':>7} "
          f"{'art/s':>7} {'words/s':>8} {'words/cpu-s':>11} {'peak MiB':>9}")
    for name, r in list(results.items()) + list(extra.items()):
        print(f"{name:<10} {r['articles']:>8} {r['words']:>9} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
              f"{r['articles'] / r['wall']:>7.1f} {r['words'] / r['wall']:>8.0f} "
              f"{r['words'] / r['cpu']:>11.0f} {r['peak_mib']:>9.0f}")
    parse, analyze, ingest = (results[k]["words"] / results[k]["wall"] for k in ("parse", "analyze", "ingest"))
    print(f"ratios: analyze/parse {analyze / parse:.2f}, ingest/parse {ingest / parse:.2f}, "
          f"ingest/analyze {ingest / analyze:.2f}")
    parse_wall = results["parse"]["wall"]
    print(f"cost on top of the parse alone ({parse_wall:.2f} s): all extractors "
          f"{results['analyze']['wall'] / parse_wall - 1:.0%} (analyze wall / parse wall - 1)")
    for key, spent in results["analyze"]["extractors"].items():
        print(f"  {key:<10} {spent:7.2f} s  {spent / parse_wall:.0%} of the parse")
    ing = results["ingest"]
    print(f"model loading before the ingest (not in its figures, as for parse and analyze): "
          f"{ing['load']:.2f} s; with it, ingest {ing['words'] / (ing['wall'] + ing['load']):.0f} words/s")
    if results["ingest"]["skipped"]:
        print(f"note: {results['ingest']['skipped']} documents skipped during ingest")
    single = results["ingest"] if args.jobs == 1 else extra.get("ingest j1")
    print("targets (Scale and speed):")
    if single is not None:
        rate = single["words"] / single["wall"]
        print(f"  ingest on one core      {rate:8.0f} words/s      target >= 6,000   "
              f"{'met' if rate >= 6000 else 'not met'}")
        ratio = rate / parse
        print(f"  ingest / raw parse      {ratio:8.2f}              target >= 0.60    "
              f"{'met' if ratio >= 0.6 else 'not met'}")
    if args.jobs_check:
        one, two = (extra[f"ingest j{j}"] for j in (1, 2))
        speedup = (two["words"] / two["wall"]) / (one["words"] / one["wall"])
        print(f"  --jobs 2 / --jobs 1     {speedup:8.2f}              target >= 1.70    "
              f"{'met' if speedup >= 1.7 else 'not met'}")
    if args.memory_check:
        small, large = results["ingest"], extra["ingest x10"]
        growth = large["peak_mib"] / small["peak_mib"]
        print(f"  peak memory x10 / x1    {growth:8.2f}              target <= 1.10    "
              f"{'met' if growth <= 1.1 else 'not met'}  ({small['peak_mib']:.0f} MiB over "
              f"{small['articles']} documents, {large['peak_mib']:.0f} MiB over {large['articles']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
