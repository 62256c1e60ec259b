"""Train the propaganda-technique detector in src/newsgraph/data/models/propaganda/.

    .venv/bin/python scripts/train_propaganda.py                      # all 308 PTC articles
    .venv/bin/python scripts/train_propaganda.py --cache /tmp/ptc-enc # keep encoder outputs

Needs scikit-learn (the `train` extra) and ../shared/data/claims/ptc (relative to the
repository); skips with a message where that is absent. Deterministic (SEED).

Recipe (``fit``; eval/ptc.py cross-validates exactly this function):

1. Each article is cut into sentences and spaCy tokens (``newsgraph.propaganda.make_chunks``)
   and every sentence goes once through all-MiniLM-L6-v2: a contextual vector per token and
   the sentence vector.
2. Span identification: a token is positive where it overlaps any gold span (any
   technique). Token features: ``newsgraph.propaganda.token_features``. The head
   (RECIPE["si_head"]) is trained with scikit-learn on 80% of the training articles; the
   decoding threshold, gap and peak are tuned on the other 20% (INNER_FRACTION, by article).
   The head is not refit on all articles (that would double the training time and leave the
   tuned threshold unmatched to the head).
3. Technique classification: one row per gold span (``span_features``), 14 classes,
   multinomial logistic regression.

Weights go to weights.npz (prefix ``si.`` and ``tc.``); the run-time forward pass is numpy only.
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

from newsgraph import propaganda as pg  # noqa: E402

PTC = ROOT.parent / "shared" / "data" / "claims" / "ptc"
OUT = pg.MODEL_DIR
SEED = 13
INNER_FRACTION = 0.2

RECIPE = {
    "si_head": "mlp",         # logreg | mlp
    "si_C": 0.05,             # inverse L2 strength (logreg)
    "si_hidden": 128,         # mlp only
    "si_alpha": 1e-2,         # mlp only
    "si_max_iter": 6,         # epochs (mlp) or lbfgs iterations (logreg)
    "tc_C": 0.01,
    "thresholds": [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
    "peaks": [0.0, 0.05, 0.1, 0.15, 0.2],   # added to the threshold
    "gaps": [0, 2, 4, 6, 8],
    "min_tokens": 1,
}


# ---------------------------------------------------------------- data
def load_ptc(root: Path = PTC) -> list[dict]:
    """The PTC articles: [{id, text, spans: [(technique, start, end)]}], sorted by id."""
    arts = []
    for path in sorted((root / "articles").glob("article*.txt")):
        aid = path.stem.replace("article", "")
        text = path.read_text(encoding="utf-8")
        spans = []
        lab = root / "labels" / f"article{aid}.task2-TC.labels"
        if lab.is_file():
            for line in lab.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) == 4:
                    spans.append((parts[1], int(parts[2]), int(parts[3])))
        arts.append({"id": aid, "text": text, "spans": spans})
    return arts


def encode_articles(arts: list[dict], cache: Path | None = None, log=print) -> None:
    """Adds chunks, sentence vectors and token vectors to each article (cached in ``cache``)."""
    from newsgraph.embed import MODEL_ID, get_encoder
    enc = None
    t0 = time.time()
    for n, art in enumerate(arts):
        chunks = pg.make_chunks(art["text"])
        art["chunks"] = chunks
        f = cache / f"{art['id']}.{MODEL_ID}.npz" if cache else None
        if f is not None and f.is_file():
            with np.load(f) as z:
                sv, tv, lens = z["sent"], z["tok"], z["lens"]
            if len(lens) == len(chunks) and all(int(l) == len(c[2]) for l, c in zip(lens, chunks)):
                art["sent"], art["tok"] = sv, np.split(tv, np.cumsum(lens)[:-1])
                continue
        enc = enc or get_encoder()
        sv, tv = pg.encode_chunks(art["text"], chunks, enc)
        art["sent"], art["tok"] = sv, tv
        if f is not None:
            f.parent.mkdir(parents=True, exist_ok=True)
            np.savez(f, sent=sv, tok=np.vstack(tv) if tv else np.zeros((0, pg.DIM), np.float32),
                     lens=np.array([len(t) for t in tv], np.int64))
        if log and (n + 1) % 50 == 0:
            log(f"  encoded {n + 1}/{len(arts)} articles ({time.time() - t0:.0f} s)")


def merge_spans(spans) -> list[tuple[int, int]]:
    """Union of (start, end) spans as sorted, non-overlapping spans."""
    out: list[list[int]] = []
    for a, b in sorted((int(a), int(b)) for a, b in spans if b > a):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def si_rows(art: dict) -> tuple[np.ndarray, np.ndarray]:
    X = pg.token_features(art["text"], art["chunks"], art["sent"], art["tok"])
    gold = merge_spans((s, e) for _, s, e in art["spans"])
    toks = [t for c in art["chunks"] for t in c[2]]
    y = np.zeros(len(toks), np.int64)
    if gold:
        gs = np.array([g[0] for g in gold])
        ge = np.array([g[1] for g in gold])
        for i, (s, e) in enumerate(toks):
            if np.any((gs < e) & (ge > s)):
                y[i] = 1
    return X, y


def tc_rows(art: dict) -> tuple[np.ndarray, np.ndarray]:
    spans = [(s, e) for t, s, e in art["spans"] if t in pg.TECHNIQUES]
    labels = [pg.TECHNIQUES.index(t) for t, s, e in art["spans"] if t in pg.TECHNIQUES]
    F = pg.span_features(art["text"], art["chunks"], art["sent"], art["tok"], spans)
    return F, np.array(labels, np.int64)


# ---------------------------------------------------------------- heads
def _standardise(X):
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def fit_head(X: np.ndarray, y: np.ndarray, kind: str, C: float = 1.0, hidden: int = 128,
             alpha: float = 1e-3, max_iter: int = 200, prefix: str = "") -> dict[str, np.ndarray]:
    """Train a head with scikit-learn and export it as arrays for ``propaganda.forward``."""
    mean, scale = _standardise(X)
    Z = (X - mean) / scale
    if kind == "mlp":
        from sklearn.neural_network import MLPClassifier
        clf = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, max_iter=max_iter,
                            batch_size=512, learning_rate_init=1e-3, early_stopping=False,
                            random_state=SEED)
        clf.fit(Z, y)
        W1, W2 = clf.coefs_
        b1, b2 = clf.intercepts_
        if W2.shape[1] == 1 and len(clf.classes_) == 2:
            pass   # binary: one logit, sigmoid in forward()
        w = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    else:
        from sklearn.linear_model import LogisticRegression
        clf = LogisticRegression(C=C, max_iter=max_iter, random_state=SEED)
        clf.fit(Z, y)
        if len(clf.classes_) == 2:
            w = {"W": clf.coef_.T, "b": clf.intercept_}
        else:
            w = {"W": clf.coef_.T, "b": clf.intercept_}
    w.update({"mean": mean, "scale": scale})
    return {prefix + k: np.asarray(v, np.float32) for k, v in w.items()}


# ---------------------------------------------------------------- metric
def si_scores(pred: dict, gold: dict) -> tuple[float, float, float]:
    """SemEval-2020 Task 11 span-identification P, R, F1 with partial overlap.

    ``pred`` and ``gold`` map an article id to its (start, end) spans. Each side's spans are
    merged first (overlapping spans of one article become one). A predicted span earns the
    fraction of its characters covered by the article's gold spans (P); a gold span earns the
    fraction of its characters covered by the predicted spans (R); P and R are the means over
    all predicted and all gold spans, F1 their harmonic mean."""
    def credit(spans, other):
        total = 0.0
        for a, b in spans:
            cov = sum(max(0, min(b, d) - max(a, c)) for c, d in other)
            total += cov / (b - a)
        return total
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for aid in set(pred) | set(gold):
        P = merge_spans(pred.get(aid, []))
        G = merge_spans(gold.get(aid, []))
        p_sum += credit(P, G)
        r_sum += credit(G, P)
        n_pred += len(P)
        n_gold += len(G)
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# ---------------------------------------------------------------- recipe
def predict_si_probs(weights: dict, arts: list[dict], rows: dict | None = None) -> list[np.ndarray]:
    out = []
    for art in arts:
        X = rows[art["id"]][0] if rows is not None else si_rows(art)[0]
        out.append(pg.forward(weights, "si.", X)[:, 1])
    return out


def tune_decoding(arts: list[dict], probs: list[np.ndarray], recipe=RECIPE) -> tuple[float, int, float, float]:
    """(threshold, gap, peak, F1) maximising SI F1 over ``arts``."""
    gold = {a["id"]: merge_spans((s, e) for _, s, e in a["spans"]) for a in arts}
    best = (0.5, 0, 0.0, -1.0)
    for thr in recipe["thresholds"]:
        for gap in recipe["gaps"]:
            for dp in recipe["peaks"]:
                peak = round(thr + dp, 3) if dp else 0.0
                pred = {a["id"]: [(s, e) for s, e, _ in pg.decode_spans(
                    a["chunks"], p, thr, gap, recipe["min_tokens"], a["text"], peak)]
                    for a, p in zip(arts, probs)}
                f = si_scores(pred, gold)[2]
                if f > best[3]:
                    best = (float(thr), int(gap), float(peak), f)
    return best


def _si_fit(arts, rows, recipe):
    X = np.vstack([rows[a["id"]][0] for a in arts])
    y = np.concatenate([rows[a["id"]][1] for a in arts])
    return fit_head(X, y, recipe["si_head"], C=recipe["si_C"], hidden=recipe["si_hidden"],
                    alpha=recipe["si_alpha"], max_iter=recipe["si_max_iter"], prefix="si.")


def fit(arts: list[dict], recipe=RECIPE, rows: dict | None = None, log=print) -> tuple[dict, dict]:
    """(config, weights) trained on ``arts`` (encoded with ``encode_articles``)."""
    rows = rows if rows is not None else {a["id"]: si_rows(a) for a in arts}
    rng = np.random.RandomState(SEED)
    order = rng.permutation(len(arts))
    n_in = max(1, int(round(len(arts) * INNER_FRACTION)))
    inner = [arts[i] for i in order[:n_in]]
    outer = [arts[i] for i in order[n_in:]]
    t0 = time.time()
    weights = _si_fit(outer, rows, recipe)
    thr, gap, peak, f_inner = tune_decoding(inner, predict_si_probs(weights, inner, rows), recipe)
    if log:
        log(f"  inner hold-out: threshold {thr} gap {gap} peak {peak} SI F1 {f_inner:.3f} "
            f"({time.time() - t0:.0f} s)")
    F, y = zip(*(tc_rows(a) for a in arts))
    F = np.vstack([f for f in F if len(f)])
    y = np.concatenate(y)
    weights.update(fit_head(F, y, "logreg", C=recipe["tc_C"], max_iter=2000, prefix="tc."))
    from newsgraph.embed import MODEL_ID
    config = {"encoder": MODEL_ID, "techniques": list(pg.TECHNIQUES), "threshold": thr, "gap": gap, "peak": peak,
              "min_tokens": recipe["min_tokens"], "window": pg.WINDOW,
              "max_chunk_tokens": pg.MAX_CHUNK_TOKENS, "recipe": {k: v for k, v in recipe.items()},
              "inner_holdout_si_f1": round(f_inner, 4), "seed": SEED}
    return config, weights


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=PTC)
    ap.add_argument("--cache", type=Path, default=None, help="folder for encoder outputs (e.g. /tmp/ptc-enc)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not (args.data / "articles").is_dir():
        print(f"skipped: the PTC data is absent ({args.data}); nothing trained")
        return 0
    t0 = time.time()
    arts = load_ptc(args.data)
    print(f"{len(arts)} articles, {sum(len(a['spans']) for a in arts)} gold spans")
    encode_articles(arts, args.cache)
    config, weights = fit(arts)
    config["trained_on"] = f"PTC (SemEval-2020 Task 11) train articles: {len(arts)} articles"
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / pg.WEIGHTS_FILE, **weights)
    (args.out / pg.CONFIG_FILE).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    size = (args.out / pg.WEIGHTS_FILE).stat().st_size
    print(f"wrote {args.out / pg.WEIGHTS_FILE} ({size / 1e6:.1f} MB) and {pg.CONFIG_FILE} "
          f"in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
