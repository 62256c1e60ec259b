"""What propaganda signals cost next to the spaCy parse, on the same real articles.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_signals.py [--corpus DIR] [--limit N]

Reads the first ``--limit`` articles of ../shared/data/corpora/ptc-unlabeled (sorted by
name) and times, in this one process and on one core, each on the same texts:

  parse       spaCy ``nlp.pipe`` (the parse every analysis pays)
  claims      the claims extractor on the parsed documents (actors first, untimed)
  signals     ``propaganda.detect`` as the pipeline runs it, with the lexical gate (its
              encoder pass: the fine-tuned tagger, ``PropagandaModel.tagger``)
  no gate     the same detector with every sentence through the encoder
  stages      the gated detector split into its stages (sentences and tokens, gate,
              encoder, token features and heads, decoding and techniques)

and prints CPU seconds of this process (``time.process_time``: steadier than wall time on a
machine shared with other work; everything here runs on one thread) per 1,000 words, and
each figure as a share of the parse. The encoder and models load before timing starts.
Figures are printed, never asserted; compare figures of one run only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpora" / "ptc-unlabeled"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs per measure")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: corpus not found: {args.corpus} (see shared/data/SOURCES.md)")
        return 0
    from newsgraph import pipeline, propaganda
    from newsgraph.embed import get_encoder
    from newsgraph.ingest import document_from_text
    from newsgraph.nlp import BATCH_SIZE, load_nlp

    files = sorted(args.corpus.glob("*.txt"))[:args.limit]
    documents = [document_from_text(f.read_text(encoding="utf-8", errors="replace")) for f in files]
    texts = [d.text for d in documents]   # what the pipeline parses and the signals read
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    nlp("warm up")
    model = propaganda.shipped_model()
    # the model's own encoder pass: the fine-tuned tagger (propaganda/0.4), else the encoder
    encoder = model.tagger() if model.is_tagger else get_encoder()
    model.detect("A warm-up sentence, quite disgraceful!")

    def best(fn) -> float:
        times = []
        for _ in range(max(1, args.repeat)):
            t0 = time.process_time()
            fn()
            times.append(time.process_time() - t0)
        return min(times)

    docs = list(nlp.pipe(texts, batch_size=BATCH_SIZE))
    parse = best(lambda: list(nlp.pipe(texts, batch_size=BATCH_SIZE)))
    actors, claims = pipeline.REGISTRY["actors"].func, pipeline.REGISTRY["claims"].func
    priors = [actors(d, doc, {}) for d, doc in zip(docs, documents)]
    claims_s = best(lambda: [claims(d, doc, p) for d, doc, p in zip(docs, documents, priors)])
    gated = best(lambda: [model.detect(t, encoder=encoder) for t in texts])
    ungated = best(lambda: [model.detect(t, encoder=encoder, gate=False) for t in texts])
    stages: dict[str, float] = {}
    for t in texts:
        model.detect(t, encoder=encoder, timings=stages, clock=time.process_time)
    kept = model.gate_share(texts)

    def line(name, seconds):
        print(f"  {name:<22} {seconds / words * 1000:7.3f} s/1000 words   {seconds / parse:6.0%} of the parse")

    print(f"{len(texts)} articles, {words:,} words from {args.corpus}; CPU seconds, best of {args.repeat}")
    line("parse (spaCy)", parse)
    line("claims", claims_s)
    line("signals (gated)", gated)
    line("signals (no gate)", ungated)
    line("claims + signals", claims_s + gated)
    print(f"  gate: {kept:.0%} of the tokens go through the encoder")
    print("  stages of the gated detector (one run):")
    for name, seconds in stages.items():
        line("  " + name, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
