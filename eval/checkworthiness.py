"""Check-worthiness ranking quality on CLEF CheckThat! transcripts, held out by transcript.

    .venv/bin/python eval/checkworthiness.py                 # shipped recipe, leave-one-transcript-out
    .venv/bin/python eval/checkworthiness.py --folds 10      # 10 folds by transcript (faster)
    .venv/bin/python eval/checkworthiness.py --folds 10 --cache /tmp/cw-emb.npz --benchmark   # + timing
    .venv/bin/python eval/checkworthiness.py --folds 10 --recipe '{"embedding": false}'   # no encoder
    .venv/bin/python eval/checkworthiness.py --no-heuristic  # skip the spaCy heuristic baseline

Reads ../shared/data/claims (relative to the repository) and skips with a message where it is
absent. Needs the ``train`` extra (scikit-learn).

For each set (checkthat2019/training, checkthat2020-debates/training) the transcripts are split
into folds by transcript (default: one transcript per fold). For each fold the recipe of
scripts/train_checkworthiness.py (``fit``, ``RECIPE`` with ``--recipe`` overrides) is retrained
on the set's other transcripts plus ClaimBuster, with every training text whose normalised
form occurs in the held-out transcripts removed (ClaimBuster holds sentences of the same
2012/2016 debates), and ranks each held-out transcript's lines.

Printed per held-out transcript: average precision (AP; the CheckThat! measure: the mean of
the precision at the rank of each check-worthy line), and P@5, P@10; per set the mean over
transcripts (MAP). Baselines on the same transcripts: the current heuristic
(newsgraph.extract.claims.checkworthiness on the spaCy parse of each line, with the line's
kind from the extractor's rules and a named-person speaker; ties keep line order), and a
random ranking (the mean AP of 100 seeded shuffles).

The summary adds the MAP pooled over every held-out transcript of both sets (the mean over all
transcripts with a positive line, not the mean of the two set means), and the MAP of the ways of
combining the ranker with the heuristic (``BLEND_OPTIONS``) beside the shipped
``blend_checkworthiness``. ``--benchmark`` times the shipped model on 1,000 news sentences
(printed only; timings depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))



def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """AP of the ranking by descending score (stable: ties keep input order)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    rel = np.asarray(labels)[order]
    if rel.sum() == 0:
        return float("nan")
    hits = np.cumsum(rel)
    return float((hits[rel == 1] / (np.flatnonzero(rel == 1) + 1)).mean())


def precision_at(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return float(np.asarray(labels)[order[:k]].sum() / k)


def heuristic_scores(rows, nlp) -> np.ndarray:
    from newsgraph.extract.claims import _kind, checkworthiness
    from newsgraph.model import Speaker
    out = []
    for (speaker, text, _), doc in zip(rows, nlp.pipe([r[1] for r in rows], batch_size=256)):
        tokens = list(doc)
        out.append(checkworthiness(tokens, _kind(tokens, text), Speaker("person", speaker, None)))
    return np.array(out)


def blend_scores(model: np.ndarray, heuristic: np.ndarray) -> np.ndarray:
    """What the claims extractor reports: newsgraph.extract.claims.blend_checkworthiness."""
    from newsgraph.extract.claims import blend_checkworthiness
    return np.array([blend_checkworthiness(float(m), float(h)) for m, h in zip(model, heuristic)])


def _r3(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, 0.0, 1.0), 3)   # claims report 3 decimals: ties as in the extractor


# Other ways to combine the ranker's probability p with the heuristic h (both 0..1), measured
# beside the shipped one; the name is the formula.
BLEND_OPTIONS = {
    "0.25*h + 0.75*sqrt(p)": lambda p, h: _r3(0.25 * h + 0.75 * np.sqrt(p)),
    "0.1*h + 0.9*sqrt(p)": lambda p, h: _r3(0.1 * h + 0.9 * np.sqrt(p)),
    "0.5*h + 0.5*p": lambda p, h: _r3(0.5 * h + 0.5 * p),
    "p * (0.5 + h)": lambda p, h: _r3(p * (0.5 + h)),
    "sqrt(p) (ranker alone, 3 decimals)": lambda p, h: _r3(np.sqrt(p)),
}


def random_ap(labels: np.ndarray, seed: int, n: int = 100) -> float:
    rng = np.random.default_rng(seed)
    return float(np.mean([average_precision(rng.random(len(labels)), labels) for _ in range(n)]))


def evaluate_set(name, transcripts, claimbuster, recipe, folds, cache, nlp, seed) -> dict:
    import train_checkworthiness as tr
    from newsgraph.checkworthiness import CheckworthinessModel
    names = sorted(transcripts)
    k = len(names) if folds <= 0 else min(folds, len(names))
    fold_of = {n: i % k for i, n in enumerate(names)}
    result = {}
    t0 = time.time()
    for f in range(k):
        held = [n for n in names if fold_of[n] == f]
        exclude = {tr.norm(t) for n in held for _, t, _ in transcripts[n]}
        train = [transcripts[n] for n in names if fold_of[n] != f]
        texts, labels, weights, _ = tr.training_rows(train, claimbuster, exclude,
                                                     recipe["claimbuster_weight"])
        emb = tr.embed_lookup(texts, cache) if recipe["embedding"] else None
        config, arrays = tr.fit(texts, labels, weights, recipe, emb)
        model = CheckworthinessModel.from_parts(config, arrays)
        for n in held:
            rows = transcripts[n]
            test_texts = [r[1] for r in rows]
            y = np.array([r[2] for r in rows])
            e = tr.embed_lookup(test_texts, cache) if recipe["embedding"] else None
            s = model.score_texts(test_texts, embeddings=e)
            result[n] = {"lines": len(rows), "positive": int(y.sum()),
                         "ap": average_precision(s, y), "p5": precision_at(s, y, 5),
                         "p10": precision_at(s, y, 10), "random_ap": random_ap(y, seed)}
            if nlp is not None:
                h = heuristic_scores(rows, nlp)
                blend = blend_scores(s, h)
                result[n].update({"heuristic_ap": average_precision(h, y),
                                  "heuristic_p5": precision_at(h, y, 5),
                                  "heuristic_p10": precision_at(h, y, 10),
                                  "blend_ap": average_precision(blend, y),
                                  "options_ap": {k: average_precision(fn(s, h), y)
                                                 for k, fn in BLEND_OPTIONS.items()}})
    print(f"\n== {name}: {len(names)} transcripts, {k} folds by transcript "
          f"({time.time() - t0:.0f} s)")
    cols = ["ap", "p5", "p10"] + (["heuristic_ap", "heuristic_p5", "heuristic_p10", "blend_ap"] if nlp else []) + ["random_ap"]
    print(f"{'transcript':42s} {'lines':>5s} {'pos':>4s} " + " ".join(f"{c:>13s}" for c in cols))
    scored = [n for n in names if result[n]["positive"] > 0]
    for n in names:
        r = result[n]
        print(f"{n[:42]:42s} {r['lines']:5d} {r['positive']:4d} "
              + " ".join(f"{r.get(c, float('nan')):13.4f}" for c in cols))
    means = {c: float(np.mean([result[n][c] for n in scored])) for c in cols}
    if nlp is not None:
        means["options_ap"] = {k: float(np.mean([result[n]["options_ap"][k] for n in scored]))
                               for k in BLEND_OPTIONS}
    print(f"{'MEAN (' + str(len(scored)) + ' transcripts with a positive)':53s}"
          + " ".join(f"{means[c]:13.4f}" for c in cols))
    return {"transcripts": result, "mean": means}


def news_sentences(n: int = 1000) -> list[str]:
    """The first ``n`` sentences of more than three words of the ptc-unlabeled news articles
    (split at . ! ? followed by a space), for timing."""
    import re
    import train_checkworthiness as tr
    out = []
    for path in sorted((tr.SHARED.parent / "corpora" / "ptc-unlabeled").glob("*")):
        for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
            if len(s.split()) > 3:
                out.append(s.strip())
            if len(out) == n:
                return out
    return out


def benchmark(nlp=None) -> dict:
    """Time per 1,000 news sentences on this machine (one thread): the shipped model's head
    (lexical features, bag of words, dot product), the sentence encoder it needs where it uses
    the embedding, and both as ``score_texts`` runs them. Printed, never asserted."""
    from newsgraph.checkworthiness import CheckworthinessModel
    texts = news_sentences()
    model = CheckworthinessModel.load()
    res = {"sentences": len(texts), "embedding": model.needs_encoder}
    if model.needs_encoder:
        from newsgraph.embed import encode
        encode(texts[:5])                                      # load the encoder first
        t = time.perf_counter()
        emb = encode(texts)
        res["encoder_s_per_1000"] = (time.perf_counter() - t) * 1000 / len(texts)
    else:
        emb = None
    t = time.perf_counter()
    model.score_texts(texts, embeddings=emb)
    res["head_s_per_1000"] = (time.perf_counter() - t) * 1000 / len(texts)
    t = time.perf_counter()
    model.score_texts(texts)
    res["total_s_per_1000"] = (time.perf_counter() - t) * 1000 / len(texts)
    if nlp is not None:                                       # for scale: the parse of the same text
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=256):
            pass
        res["spacy_parse_s_per_1000"] = (time.perf_counter() - t) * 1000 / len(texts)
    print(f"\ntiming, shipped model, {len(texts)} news sentences (ptc-unlabeled), one thread: "
          f"head {res['head_s_per_1000']:.3f} s per 1000"
          + (f", sentence encoder {res['encoder_s_per_1000']:.2f} s per 1000" if emb is not None else "")
          + f"; score_texts in all {res['total_s_per_1000']:.2f} s per 1000 sentences"
          + (f" (the spaCy parse of the same sentences: {res['spacy_parse_s_per_1000']:.2f} s)"
             if nlp is not None else ""))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=0, help="folds by transcript; 0 = one transcript per fold")
    ap.add_argument("--recipe", default="{}", help="JSON overrides of RECIPE")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache npz (outside the repo)")
    ap.add_argument("--no-heuristic", action="store_true")
    ap.add_argument("--sets", default="2019,2020")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--benchmark", action="store_true",
                    help="also time the shipped model on 1,000 news sentences (ptc-unlabeled)")
    args = ap.parse_args(argv)
    import train_checkworthiness as tr
    missing = tr.missing_requirements()
    if missing:
        print(f"skipped: {missing}")
        return 0
    recipe = dict(tr.RECIPE, **json.loads(args.recipe))
    print("recipe:", json.dumps(recipe, sort_keys=True))
    nlp = None
    if not args.no_heuristic:
        from newsgraph.nlp import load_nlp
        nlp = load_nlp()
    cb = tr.load_claimbuster()
    out = {"recipe": recipe, "folds": args.folds}
    sets = {"2019": ("checkthat2019/training", tr.CT2019), "2020": ("checkthat2020-debates/training", tr.CT2020)}
    for key in args.sets.split(","):
        label, folder = sets[key]
        out[label] = evaluate_set(label, tr.load_transcripts(folder), cb, recipe, args.folds,
                                  args.cache, nlp, tr.SEED)
    print("\nsummary (MAP over held-out transcripts):")
    keys = args.sets.split(",")
    for key in keys:
        m = out[sets[key][0]]["mean"]
        print(f"  {sets[key][0]:32s} model {m['ap']:.4f}  P@5 {m['p5']:.3f}  P@10 {m['p10']:.3f}"
              + (f"  | heuristic {m['heuristic_ap']:.4f}  | blend (shipped in claims) {m['blend_ap']:.4f}" if nlp else "")
              + f"  | random {m['random_ap']:.4f}")
    pooled = [r for key in keys for r in out[sets[key][0]]["transcripts"].values() if r["positive"] > 0]
    cols = ["ap", "p5", "p10", "random_ap"] + (["heuristic_ap", "blend_ap"] if nlp else [])
    out["pooled"] = {c: float(np.mean([r[c] for r in pooled])) for c in cols}
    m = out["pooled"]
    print(f"  {'pooled (' + str(len(pooled)) + ' transcripts)':32s} model {m['ap']:.4f}  P@5 {m['p5']:.3f}  P@10 {m['p10']:.3f}"
          + (f"  | heuristic {m['heuristic_ap']:.4f}  | blend (shipped in claims) {m['blend_ap']:.4f}" if nlp else "")
          + f"  | random {m['random_ap']:.4f}")
    if nlp:
        print("\nblend options, p = ranker probability, h = heuristic (MAP "
              + " / ".join(sets[k][0].split("/")[0] for k in keys) + " / pooled):")
        rows = [("claims.blend_checkworthiness (shipped)", "blend_ap"), ("ranker alone (p)", "ap"),
                ("heuristic alone (h)", "heuristic_ap")]
        for label, c in rows:
            print(f"  {label:40s} " + "  ".join(f"{out[sets[k][0]]['mean'][c]:.4f}" for k in keys)
                  + f"  {out['pooled'][c]:.4f}")
        for o in BLEND_OPTIONS:
            pooled_o = float(np.mean([r["options_ap"][o] for r in pooled]))
            out["pooled"].setdefault("options_ap", {})[o] = pooled_o
            print(f"  {o:40s} " + "  ".join(f"{out[sets[k][0]]['mean']['options_ap'][o]:.4f}" for k in keys)
                  + f"  {pooled_o:.4f}")
    if args.benchmark:
        out["benchmark"] = benchmark(nlp)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
