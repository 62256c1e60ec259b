"""Build the check-worthiness model in src/newsgraph/data/models/checkworthiness/ from the shared data.

    .venv/bin/python scripts/train_checkworthiness.py --cache /tmp/cw-emb.npz
      # the shipped recipe embeds every training text (about 6 min on one core the first time;
      # the cache, outside the repository, keeps the vectors for the next run and for the eval)

Needs the ``train`` extra (scikit-learn) and ../shared/data/claims (relative to the repository);
skips with a message where that folder is absent. Deterministic (SEED; lbfgs, no sampling): the
same command rebuilds the same weights.

Training rows (see MODEL_CARD.md for their terms):

* CLEF CheckThat! 2019 task 1 training transcripts and CheckThat! 2020 task 5 training
  transcripts (debates, speeches, interviews; one line = one sentence, label 1 = check-worthy).
  The two sets share transcripts: rows are merged by normalised text (a text labelled 1
  anywhere counts as 1).
* ClaimBuster (utaresearch/claimbuster-spotter, two_class: the union of its json files by
  sentence_id, plus 2020_debate.tsv): US presidential debate sentences, 1 = check-worthy
  factual sentence, weighted ``RECIPE["claimbuster_weight"]``; texts that also occur in a
  CheckThat transcript are left to CheckThat.

Features and head: ``newsgraph.checkworthiness`` (lexical features, tf-idf bag of words,
optionally the sentence embedding), logistic regression (L2, ``RECIPE["C"]``) with
scikit-learn, exported to ``weights.npz`` for a numpy-only forward pass. ``eval/checkworthiness.py``
retrains exactly this recipe (``fit``) per held-out transcript fold.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsgraph import checkworthiness as cw  # noqa: E402
from newsgraph.embed import MODEL_ID  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "claims"
CT2019 = SHARED / "checkthat2019" / "training"
CT2020 = SHARED / "checkthat2020-debates" / "training"
CLAIMBUSTER = SHARED / "claimbuster" / "two_class"
OUT = ROOT / "src" / "newsgraph" / Path(*cw.MODEL_DIR)
SEED = 7

# The shipped recipe (eval/checkworthiness.py cross-validates this one).
RECIPE = {
    "lexical": True,          # cw.LEXICAL_NAMES
    "bow": True,              # tf-idf unigrams + bigrams
    "bigrams": True,
    "min_df": 3,              # bag-of-words terms in fewer training texts are dropped
    "embedding": False,       # the sentence embedding (newsgraph.embed) as features: MAP +0.007 on
                              # CheckThat 2019 and +0.027 on 2020 (10 folds by transcript, see the
                              # model card) for one encoder pass per claim (about 4-5 ms on one core,
                              # as long as the spaCy parse of the sentence): off, because claims must
                              # stay cheap at ingest (issue 4: claims and signals within 50% of the parse)
    "C": 0.5,                 # inverse L2 strength of the logistic regression
    "claimbuster_weight": 0.5,
}


# ------------------------------------------------------------------ data

def norm(text: str) -> str:
    """Normalised text for de-duplication: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def load_transcripts(folder: Path) -> dict[str, list[tuple[str, str, int]]]:
    """{transcript name: [(speaker, text, label), ...] in line order}."""
    out = {}
    for path in sorted(folder.glob("*.tsv")):
        rows = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4 and parts[3].strip() in ("0", "1"):
                    rows.append((parts[1], parts[2], int(parts[3])))
        out[path.stem] = rows
    return out


def _read_json(path: Path):
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8")
    return json.loads(text)


def load_claimbuster() -> list[tuple[str, int]]:
    """[(text, label)]: the union of two_class/*.json by sentence_id, plus 2020_debate.tsv."""
    by_id: dict[str, tuple[str, int]] = {}
    for path in sorted(CLAIMBUSTER.glob("*.json")):
        for rec in _read_json(path):
            by_id[str(rec["sentence_id"])] = (rec["text"], int(rec["label"]))
    extra = CLAIMBUSTER / "2020_debate.tsv"
    if extra.is_file():
        with open(extra, encoding="utf-8") as fh:
            for rec in csv.DictReader(fh, delimiter="\t"):
                by_id[f"2020:{rec['sentence_id']}"] = (rec["text"], int(rec["label"]))
    return [by_id[k] for k in sorted(by_id)]


def training_rows(transcripts: list[list[tuple[str, str, int]]], claimbuster: list[tuple[str, int]],
                  exclude: set[str] = frozenset(), cb_weight: float = 1.0):
    """(texts, labels, weights): transcript rows merged by normalised text (label max), then the
    ClaimBuster rows whose text is not among them; texts whose normalised form is in ``exclude``
    (the held-out transcripts in evaluation) are left out."""
    merged: dict[str, list] = {}
    for rows in transcripts:
        for _, text, label in rows:
            key = norm(text)
            if not key or key in exclude:
                continue
            if key in merged:
                merged[key][1] = max(merged[key][1], label)
            else:
                merged[key] = [text, label, 1.0]
    n_ct = len(merged)
    for text, label in claimbuster:
        key = norm(text)
        if key and key not in exclude and key not in merged:
            merged[key] = [text, label, cb_weight]
    rows = list(merged.values())
    texts = [r[0] for r in rows]
    return texts, np.array([r[1] for r in rows], np.int64), np.array([r[2] for r in rows], np.float64), n_ct


# ------------------------------------------------------------------ recipe

def _bow_vocab(texts: list[str], min_df: int, bigrams: bool) -> tuple[list[str], np.ndarray]:
    df = Counter()
    for t in texts:
        df.update(set(cw.bow_tokens(t, bigrams)))
    vocab = sorted(w for w, c in df.items() if c >= min_df)
    n = len(texts)
    idf = np.array([np.log((1 + n) / (1 + df[w])) + 1.0 for w in vocab], np.float32)
    return vocab, idf


def _design(model: cw.CheckworthinessModel, texts, embeddings):
    from scipy import sparse
    dense = (model.dense_features(texts, embeddings) - model.mean) / model.scale
    blocks = [sparse.csr_matrix(dense)]
    if model.vocab:
        rows = model.bow_rows(texts)
        indptr = np.cumsum([0] + [len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        blocks.append(sparse.csr_matrix((data, indices, indptr), shape=(len(texts), len(model.vocab))))
    return sparse.hstack(blocks, format="csr")


def fit(texts: list[str], labels: np.ndarray, weights: np.ndarray, recipe: dict = RECIPE,
        embeddings: np.ndarray | None = None, seed: int = SEED) -> tuple[dict, dict[str, np.ndarray]]:
    """Train the recipe: (config, weights) for ``cw.CheckworthinessModel.from_parts``."""
    from sklearn.linear_model import LogisticRegression
    features = {"version": cw.FEATURES_VERSION, "lexical": bool(recipe["lexical"]),
                "embedding": bool(recipe["embedding"]), "bow": bool(recipe["bow"]),
                "bigrams": bool(recipe["bigrams"]), "min_df": recipe["min_df"],
                "lexical_names": list(cw.LEXICAL_NAMES) if recipe["lexical"] else []}
    config = {"features": features, "encoder": MODEL_ID if recipe["embedding"] else None}
    vocab, idf = (_bow_vocab(texts, recipe["min_df"], recipe["bigrams"]) if recipe["bow"]
                  else ([], np.zeros(0, np.float32)))
    probe = cw.CheckworthinessModel(config, np.zeros(0, np.float32), 0.0, np.zeros(0, np.float32),
                                    np.ones(0, np.float32), idf, {w: i for i, w in enumerate(vocab)})
    dense = probe.dense_features(texts, embeddings)
    probe.mean = dense.mean(axis=0).astype(np.float32)
    probe.scale = np.where(dense.std(axis=0) > 1e-6, dense.std(axis=0), 1.0).astype(np.float32)
    X = _design(probe, texts, embeddings)
    head = LogisticRegression(C=recipe["C"], max_iter=3000, solver="lbfgs", random_state=seed)
    head.fit(X, labels, sample_weight=weights)
    arrays = {"coef": head.coef_[0].astype(np.float32), "intercept": np.float32(head.intercept_[0]),
              "mean": probe.mean, "scale": probe.scale, "idf": idf,
              "vocab": np.array(vocab, dtype=str) if vocab else np.zeros(0, dtype="U1")}
    return config, arrays


_CACHE: dict[str, dict[str, np.ndarray]] = {}


def embed_lookup(texts: list[str], cache: Path | None = None) -> np.ndarray:
    """Sentence embeddings of texts, read from ``cache`` (an npz of ``texts`` and ``emb``, kept
    outside the repository) where present, the rest encoded (and the cache updated)."""
    from newsgraph.embed import encode
    known = _CACHE.setdefault(str(cache), {})
    if not known and cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=True) as z:   # our own file: texts are an object array
            known.update(zip(z["texts"].tolist(), z["emb"]))
    missing = sorted({t for t in texts if t not in known})
    if missing:
        print(f"encoding {len(missing)} texts ...", flush=True)
        for t, v in zip(missing, encode(missing)):
            known[t] = v
        if cache is not None:
            keys = sorted(known)
            np.savez(cache, texts=np.array(keys, dtype=object), emb=np.stack([known[k] for k in keys]))
    return np.stack([known[t] for t in texts]).astype(np.float32)


def missing_requirements() -> str | None:
    """Why training or evaluating cannot run here (no shared data, no scikit-learn), or None."""
    if not SHARED.is_dir():
        return f"{SHARED} is absent (the shared data live beside the repository)"
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return "needs the train extra (pip install -e '.[train]': scikit-learn)"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache (npz, outside the repo)")
    args = ap.parse_args(argv)
    missing = missing_requirements()
    if missing:
        print(f"skipped: {missing}")
        return 0
    t19, t20 = load_transcripts(CT2019), load_transcripts(CT2020)
    cb = load_claimbuster()
    texts, labels, weights, n_ct = training_rows(list(t19.values()) + list(t20.values()), cb,
                                                 cb_weight=RECIPE["claimbuster_weight"])
    n_cb = len(texts) - n_ct
    emb = embed_lookup(texts, args.cache) if RECIPE["embedding"] else None
    print(f"training on {len(texts)} texts: CheckThat 2019 ({len(t19)} transcripts) + 2020 "
          f"({len(t20)} transcripts) merged = {n_ct} texts ({int(labels[:n_ct].sum())} check-worthy); "
          f"ClaimBuster {n_cb} texts ({int(labels[n_ct:].sum())} check-worthy, weight "
          f"{RECIPE['claimbuster_weight']}) of {len(cb)}")
    config, arrays = fit(texts, labels, weights, RECIPE, emb)
    config.update({
        "model": "checkworthiness/2",
        "recipe": RECIPE, "seed": SEED,
        "encoder_id": MODEL_ID,
        "training_data": {
            "checkthat2019_transcripts": len(t19), "checkthat2020_transcripts": len(t20),
            "checkthat_texts": n_ct, "checkthat_positive": int(labels[:n_ct].sum()),
            "claimbuster_texts": n_cb, "claimbuster_positive": int(labels[n_ct:].sum()),
            "claimbuster_weight": RECIPE["claimbuster_weight"],
        },
        "n_features": int(arrays["coef"].shape[0]),
    })
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / cw.WEIGHTS_FILE, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    (args.out / cw.CONFIG_FILE).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n",
                                           encoding="utf-8")
    size = (args.out / cw.WEIGHTS_FILE).stat().st_size
    print(f"wrote {args.out / cw.WEIGHTS_FILE} ({size / 1e6:.2f} MB, {arrays['coef'].shape[0]} features, "
          f"{len(arrays['vocab'])} bag-of-words terms) and {cw.CONFIG_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
