"""Train the propaganda-technique detector in src/newsgraph/data/models/propaganda/.

    .venv/bin/python scripts/train_propaganda.py                      # all 308 PTC articles
    .venv/bin/python scripts/train_propaganda.py --cache /tmp/ptc-enc # keep encoder outputs

Needs scikit-learn (the `train` extra), PyTorch for the tagger (`.venv/bin/pip install
torch==2.13.0`; only training needs it) and ../shared/data/claims/ptc (relative to the
repository); skips with a message where that is absent. Seeded (SEED); the tagger's training
runs on two threads, whose sums may round differently from run to run.

Recipe (``fit``; eval/ptc.py cross-validates exactly this function):

1. Each article is cut into sentences and spaCy tokens (``newsgraph.propaganda.make_chunks``)
   and every sentence goes once through all-MiniLM-L6-v2 (cached with ``--cache``): for the
   technique classifier, the token and sentence vectors of layer RECIPE["tc_encoder_layers"]
   (``embed.get_encoder``, recorded as "tc_encoder"); for the tagger, the word-piece states of
   that layer (``encode_pieces``). (The features heads, RECIPE["si_head"] "mlp" or "logreg",
   read the vectors of layer RECIPE["encoder_layers"] as well, from the same pass.)
2. The training articles are split by article: 80% fit the models, 20% (INNER_FRACTION, the
   inner hold-out) choose the gate threshold and the decoding.
3. Lexical gate (``fit_gate``): logistic regression, balanced classes, over each sentence's
   ``propaganda.gate_units`` (words, bigrams seen at least twice, cues); label = the sentence
   overlaps a gold span. Its threshold sends RECIPE["gate_share"] of the inner hold-out's
   tokens to the encoder (the speed budget, see benchmarks/bench_signals.py).
4. Span identification: a word piece (a token) is positive where it overlaps any gold span
   (any technique). The tagger (``fit_tagger``): the encoder's layers above the TC depth,
   started from the packaged weights, and a linear head, trained with binary cross-entropy on
   every word piece of every sentence of the 80% (AdamW, RECIPE["tagger_*"]); a token's
   probability is the mean of its pieces'. Threshold, gap and peak are tuned on the inner
   hold-out with the gate applied. The tagger is not refit on all articles (that would leave
   the tuned decoding unmatched to it). The features heads instead train a scikit-learn head
   on ``newsgraph.propaganda.token_features``.
5. Technique classification: one row per gold span (``span_features`` over the token and
   sentence vectors of the TC depth), 14 classes, multinomial logistic regression.

Weights go to weights.npz (prefixes ``gate.``, ``si.tagger.`` (matrices in int8 with a scale per
column, ``propaganda.pack_tagger``: the same int8 the run-time model would derive) or ``si.``, and
``tc.``); at run time the tagger runs on onnxruntime (``embed.Tagger``), the rest in numpy.
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
    # the encoder: all-MiniLM-L6-v2 cut after this many of its 6 transformer layers
    # (newsgraph.embed, layers=k; about k/6 of the encoder's time); eval/ptc.py --encoder-layers K
    # compares depths
    "encoder_layers": 6,
    # technique classification reads the output of this layer of the same forward pass (None:
    # the same as "encoder_layers"); eval/ptc.py --tc-encoder-layers K compares depths
    # (TC micro-F1 6 layers 0.586, 4 layers 0.608, 3 layers 0.614; SI unchanged)
    "tc_encoder_layers": 3,
    # span identification: "tagger" fine-tunes the encoder's upper layers (those above
    # "tc_encoder_layers") with a linear head on each word piece (torch, `pip install
    # torch==2.13.0` beside the train extra); "mlp" / "logreg" are heads over frozen encoder
    # features (propaganda/0.3, eval/ptc.py --si-head mlp)
    "si_head": "tagger",
    "tagger_epochs": 3,
    "tagger_lr": 5e-5,        # the fine-tuned layers (AdamW, weight decay 0.01, 10% warm-up, linear decay)
    "tagger_head_lr": 1e-3,   # the linear head
    "tagger_batch": 16,       # sentences per step, grouped by length
    "tagger_dropout": 0.1,
    "si_C": 0.05,             # inverse L2 strength (logreg)
    "si_hidden": 128,         # mlp only
    "si_alpha": 1e-2,         # mlp only
    "si_max_iter": 6,         # epochs (mlp) or lbfgs iterations (logreg)
    "tc_C": 0.01,
    "gate_C": 0.1,            # lexical sentence gate: logistic regression, balanced classes
    "gate_min_count": 2,      # a word or bigram enters the gate's vocabulary seen this often
    "gate_share": 0.6,        # share of the tokens the gate sends to the encoder (speed budget; 0.45 until propaganda/0.4)
    "thresholds": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
    "peaks": [0.0, 0.1, 0.2, 0.3],   # added to the threshold
    "gaps": [0, 2, 4, 8, 12, 20],
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


def si_layers(recipe=RECIPE) -> int:
    """The encoder depth whose vectors span identification reads: for the fine-tuned tagger,
    the layer its tuned layers start from (the technique classifier's depth), otherwise
    RECIPE["encoder_layers"]."""
    return tc_layers(recipe) if recipe.get("si_head") == "tagger" else recipe.get("encoder_layers", 6)


def tc_layers(recipe=RECIPE) -> int:
    """The encoder depth technique classification reads (RECIPE["tc_encoder_layers"], or the
    span identification's depth where None)."""
    tc = recipe.get("tc_encoder_layers")
    return recipe.get("encoder_layers", 6) if tc is None else tc


def _load_cached(f: Path | None, chunks):
    """(sentence vectors, [token vectors per chunk]) from the cache file ``f``, or None where it
    is absent or was made for other chunks."""
    if f is None or not f.is_file():
        return None
    with np.load(f) as z:
        sv, tv, lens = z["sent"], z["tok"], z["lens"]
    if len(lens) == len(chunks) and all(int(l) == len(c[2]) for l, c in zip(lens, chunks)):
        return sv, np.split(tv, np.cumsum(lens)[:-1])
    return None


def encode_articles(arts: list[dict], cache: Path | None = None, log=print,
                    layers: int | None = None, tc_layers_: int | None = None) -> None:
    """Adds chunks, sentence vectors and token vectors to each article: ``sent``/``tok`` of the
    span-identification depth ``layers`` (default RECIPE["encoder_layers"]) and ``tc_sent``/
    ``tc_tok`` of the technique-classification depth ``tc_layers_`` (default ``tc_layers()``;
    the same arrays where the depths are equal). Cached in ``cache``, one file per article and
    encoder depth (caches of different depths never mix; a depth's file is the same whether it
    came from a pass for it alone or for two depths). Depths missing from the cache come from
    ONE forward pass (``get_encoder((si, tc))``, ``all_depths``)."""
    from newsgraph.embed import get_encoder, model_id
    layers = RECIPE.get("encoder_layers", 6) if layers is None else layers
    tc = tc_layers() if tc_layers_ is None else tc_layers_
    depths = (layers,) if tc == layers else (layers, tc)
    t0 = time.time()
    for n, art in enumerate(arts):
        chunks = pg.make_chunks(art["text"])
        art["chunks"] = chunks
        files = {d: (cache / f"{art['id']}.{model_id(d)}.npz" if cache else None) for d in depths}
        got = {d: _load_cached(files[d], chunks) for d in depths}
        missing = tuple(d for d in depths if got[d] is None)
        if missing:
            enc = get_encoder(missing if len(missing) > 1 else missing[0])
            outs = pg.encode_chunks(art["text"], chunks, enc, all_depths=True)
            for d, (sv, tv) in zip(missing, outs):
                got[d] = (sv, tv)
                f = files[d]
                if f is not None:
                    f.parent.mkdir(parents=True, exist_ok=True)
                    np.savez(f, sent=sv, tok=np.vstack(tv) if tv else np.zeros((0, pg.DIM), np.float32),
                             lens=np.array([len(t) for t in tv], np.int64))
        art["sent"], art["tok"] = got[layers]
        art["tc_sent"], art["tc_tok"] = got[tc]
        art["layers"], art["tc_layers"] = layers, tc
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


def prepare(art: dict) -> None:
    """Adds what every fold reuses: token labels, lexical token features, the gate's units."""
    if "y" in art:
        return
    chunks = art["chunks"]
    gold = merge_spans((s, e) for _, s, e in art["spans"])
    toks = [t for c in chunks for t in c[2]]
    gs = np.array([g[0] for g in gold], np.int64)
    ge = np.array([g[1] for g in gold], np.int64)
    ts = np.array([t[0] for t in toks], np.int64)
    te = np.array([t[1] for t in toks], np.int64)
    if len(gold) and len(toks):
        # a token is positive where it overlaps a merged gold span
        k = np.searchsorted(ge, ts, side="right")
        art["y"] = ((k < len(gold)) & (gs[np.minimum(k, len(gold) - 1)] < te)).astype(np.int64)
    else:
        art["y"] = np.zeros(len(toks), np.int64)
    sizes = [len(c[2]) for c in chunks]
    art["chunk_y"] = np.array([int(v.any()) for v in np.split(art["y"], np.cumsum(sizes)[:-1])]
                              if chunks else [], np.int64)
    art["sizes"] = np.array(sizes, np.int64)
    art["lex"] = pg.token_lexical(art["text"], chunks)
    art["gate_units"], art["gate_dense"] = pg.gate_units(art["text"], chunks)


def si_rows(art: dict, gate=None, keep=None, doc_keep=None) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of the tokens of the kept chunks (all where ``keep`` is None);
    ``gate``: the gate probability per chunk; the document vector is the mean sentence vector
    of the chunks of ``doc_keep`` (default: the kept ones, as at run time)."""
    prepare(art)
    n = len(art["chunks"])
    keep = np.ones(n, bool) if keep is None else np.asarray(keep, bool)
    gate = np.ones(n, np.float32) if gate is None else np.asarray(gate, np.float32)
    rows = pg.token_rows(art["chunks"], keep)
    idx = np.nonzero(keep)[0]
    if not len(idx):
        return np.zeros((0, pg.N_TOKEN_FEATURES), np.float32), np.zeros(0, np.int64)
    doc = np.nonzero(keep if doc_keep is None else np.asarray(doc_keep, bool))[0]
    doc_vec = art["sent"][doc].mean(axis=0) if len(doc) else art["sent"].mean(axis=0)
    X = pg.token_features(art["text"], [art["chunks"][i] for i in idx], art["sent"][idx],
                          [art["tok"][i] for i in idx], lexical=art["lex"][rows], gate=gate[idx],
                          doc_vec=doc_vec / max(1e-9, float(np.linalg.norm(doc_vec))))
    return X, art["y"][rows]


# ---------------------------------------------------------------- the lexical gate
def fit_gate(arts: list[dict], recipe=RECIPE) -> dict[str, np.ndarray]:
    """The sentence gate: logistic regression (balanced classes) over ``propaganda.gate_units``
    of every chunk, label = the chunk overlaps a gold span. Exported as ``gate.*`` arrays."""
    from collections import Counter

    from scipy import sparse
    from sklearn.linear_model import LogisticRegression
    for a in arts:
        prepare(a)
    counts = Counter(f for a in arts for u in a["gate_units"] for f in u)
    vocab = sorted(f for f, c in counts.items() if c >= recipe["gate_min_count"] and "\n" not in f)
    index = {f: i for i, f in enumerate(vocab)}
    r, c = [], []
    row = 0
    for a in arts:
        for u in a["gate_units"]:
            for f in u:
                j = index.get(f)
                if j is not None:
                    r.append(row)
                    c.append(j)
            row += 1
    S = sparse.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(row, len(vocab)))
    D = np.vstack([a["gate_dense"] for a in arts if len(a["gate_dense"])])
    y = np.concatenate([a["chunk_y"] for a in arts])
    clf = LogisticRegression(C=recipe["gate_C"], max_iter=2000, class_weight="balanced")
    clf.fit(sparse.hstack([S, sparse.csr_matrix(D)]).tocsr(), y)
    coef = clf.coef_[0]
    return {"gate.vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), np.uint8).copy(),
            "gate.w": coef[:len(vocab)].astype(np.float32),
            "gate.dense": coef[len(vocab):].astype(np.float32),
            "gate.b": np.asarray(clf.intercept_, np.float32)}


def gate_probs(weights: dict, arts: list[dict]) -> dict[str, np.ndarray]:
    """The gate's probability for every chunk of each article (id -> array)."""
    model = pg.PropagandaModel({"techniques": list(pg.TECHNIQUES)}, weights)
    out = {}
    for a in arts:
        prepare(a)
        logit = pg.gate_logits(weights, model.gate_index, a["gate_units"], a["gate_dense"])
        out[a["id"]] = 1.0 / (1.0 + np.exp(-logit))
    return out


def share_threshold(arts: list[dict], probs: dict, share: float) -> float:
    """The gate threshold that sends ``share`` of the tokens of ``arts`` to the encoder
    (0.0 = every chunk, for share >= 1)."""
    if share >= 1.0:
        return 0.0
    p = np.concatenate([probs[a["id"]] for a in arts])
    n = np.concatenate([a["sizes"] for a in arts])
    order = np.argsort(-p)
    cum = np.cumsum(n[order]) / max(1, n.sum())
    return float(p[order][min(len(order) - 1, int(np.searchsorted(cum, share)))])


def tc_rows(art: dict) -> tuple[np.ndarray, np.ndarray]:
    """(features, technique labels) of the gold spans of ``art``, over the vectors of the TC
    depth (``tc_sent``/``tc_tok`` from ``encode_articles``)."""
    spans = [(s, e) for t, s, e in art["spans"] if t in pg.TECHNIQUES]
    labels = [pg.TECHNIQUES.index(t) for t, s, e in art["spans"] if t in pg.TECHNIQUES]
    F = pg.span_features(art["text"], art["chunks"], art.get("tc_sent", art["sent"]),
                         art.get("tc_tok", art["tok"]), spans)
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


# ---------------------------------------------------------------- the fine-tuned tagger
TAGGER_DIM, TAGGER_HEADS = 384, 12
TAGGER_PREFIX = pg.TAGGER   # weights.npz: the tuned layers (readable names; matrices int8, pg.pack_tagger) and the head


def encode_pieces(arts: list[dict], keep: int, cache: Path | None = None, log=print) -> None:
    """Adds ``pieces`` to each article: for every chunk, the runtime encoder's word-piece states
    at layer ``keep`` (float16), the pieces' character offsets (absolute) and special-token mask
    and each piece's label (it overlaps a merged gold span). One pass per chunk, one chunk per
    call, as ``embed.Tagger`` runs them. Cached in ``cache`` per article."""
    from newsgraph.embed import get_encoder, model_id
    enc = get_encoder(keep)
    t0 = time.time()
    for n, art in enumerate(arts):
        prepare(art)
        f = cache / f"{art['id']}.{model_id(keep)}.pieces.npz" if cache else None
        if f is not None and f.is_file():
            with np.load(f) as z:
                lens = z["lens"]
                if len(lens) == len(art["chunks"]):
                    cut = np.cumsum(lens)[:-1]
                    art["pieces"] = [{"h": h, "off": o, "special": sp, "y": y} for h, o, sp, y in zip(
                        np.split(z["h"], cut), np.split(z["off"], cut), np.split(z["special"], cut), np.split(z["y"], cut))]
                    continue
        gold = merge_spans((s, e) for _, s, e in art["spans"])
        texts = [art["text"][a:b] for a, b, _, _ in art["chunks"]]
        pieces = []
        for (a, b, _, _), e in zip(art["chunks"], enc.tokenizer.encode_batch(texts) if texts else []):
            ids = np.asarray([e.ids], np.int64)
            h = enc.session.run(None, enc._feeds(ids, np.ones_like(ids)))[0][0]
            off = np.asarray(e.offsets, np.int64).reshape(-1, 2) + a
            special = np.asarray(e.special_tokens_mask, bool)
            y = np.zeros(len(off), np.int8)
            for gs, ge in gold:
                y |= ((off[:, 0] < ge) & (off[:, 1] > gs) & ~special).astype(np.int8)
            pieces.append({"h": h.astype(np.float16), "off": off, "special": special, "y": y})
        art["pieces"] = pieces
        if f is not None:
            f.parent.mkdir(parents=True, exist_ok=True)
            cat = (lambda k, shape, dt: np.concatenate([p[k] for p in pieces]) if pieces else np.zeros(shape, dt))
            np.savez(f, h=cat("h", (0, TAGGER_DIM), np.float16), off=cat("off", (0, 2), np.int64),
                     special=cat("special", (0,), bool), y=cat("y", (0,), np.int8),
                     lens=np.array([len(p["y"]) for p in pieces], np.int64))
        if log and (n + 1) % 50 == 0:
            log(f"  word pieces of {n + 1}/{len(arts)} articles ({time.time() - t0:.0f} s)")


def _torch_tagger(first: int, dropout: float):
    """The tagger in torch: the encoder's layers ``first``..5, initialised from the packaged
    model's float32 weights, and a linear head on each word piece."""
    import math

    import torch
    from newsgraph.embed import _fold, model_files, parameter_names
    import onnx
    import tempfile
    from onnx import numpy_helper
    with tempfile.TemporaryDirectory() as tmp:
        model = onnx.load(str(_fold(model_files()[0], Path(tmp))))
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    base = {k: values[v] for k, v in parameter_names(model).items()}
    D, H = TAGGER_DIM, TAGGER_HEADS

    class Layer(torch.nn.Module):
        def __init__(self, k):
            super().__init__()
            pre = f"encoder.layer.{k}."
            self.names = {}

            def lin(name, i, o):
                layer = torch.nn.Linear(i, o)
                layer.weight.data = torch.tensor(base[pre + name + ".weight"].T.copy())
                layer.bias.data = torch.tensor(base[pre + name + ".bias"].copy())
                return layer

            def norm(name):
                layer = torch.nn.LayerNorm(D, eps=1e-12)
                layer.weight.data = torch.tensor(base[pre + name + ".weight"].copy())
                layer.bias.data = torch.tensor(base[pre + name + ".bias"].copy())
                return layer
            self.q, self.k, self.v = (lin(f"attention.self.{n}", D, D) for n in ("query", "key", "value"))
            self.o, self.ln1 = lin("attention.output.dense", D, D), norm("attention.output.LayerNorm")
            self.i, self.out = lin("intermediate.dense", D, 4 * D), lin("output.dense", 4 * D, D)
            self.ln2 = norm("output.LayerNorm")
            self.drop = torch.nn.Dropout(dropout)
            self.prefix = pre

        def forward(self, x, mask):
            b, n, d = x.shape
            hd = d // H
            q = self.q(x).view(b, n, H, hd).transpose(1, 2)
            k = self.k(x).view(b, n, H, hd).transpose(1, 2)
            v = self.v(x).view(b, n, H, hd).transpose(1, 2)
            scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + (1.0 - mask[:, None, None, :]) * -1e9
            ctx = (self.drop(torch.softmax(scores, -1)) @ v).transpose(1, 2).reshape(b, n, d)
            x = self.ln1(x + self.drop(self.o(ctx)))
            return self.ln2(x + self.drop(self.out(torch.nn.functional.gelu(self.i(x)))))

        def export(self) -> dict[str, np.ndarray]:
            out = {}
            for attr, name in (("q", "attention.self.query"), ("k", "attention.self.key"),
                               ("v", "attention.self.value"), ("o", "attention.output.dense"),
                               ("i", "intermediate.dense"), ("out", "output.dense")):
                layer = getattr(self, attr)
                out[self.prefix + name + ".weight"] = layer.weight.detach().numpy().T.copy()   # (in, out)
                out[self.prefix + name + ".bias"] = layer.bias.detach().numpy().copy()
            for attr, name in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
                layer = getattr(self, attr)
                out[self.prefix + name + ".weight"] = layer.weight.detach().numpy().copy()
                out[self.prefix + name + ".bias"] = layer.bias.detach().numpy().copy()
            return out

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([Layer(k) for k in range(first, 6)])
            self.drop = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(D, 1)

        def forward(self, x, mask):
            for layer in self.layers:
                x = layer(x, mask)
            return self.head(self.drop(x)).squeeze(-1)

        def export(self) -> dict[str, np.ndarray]:
            out = {}
            for layer in self.layers:
                out.update(layer.export())
            out["head.weight"] = self.head.weight.detach().numpy().T.copy()   # (384, 1)
            out["head.bias"] = self.head.bias.detach().numpy().copy()
            return out

    return Tagger()


def _piece_batches(items: list[dict], size: int, rng=None):
    """Batches of chunks of similar length (shuffled batch order where ``rng`` is given):
    (indices, states, mask, labels, weights: 1 for a real, non-special piece)."""
    import torch
    order = sorted(range(len(items)), key=lambda i: len(items[i]["y"]))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(groups)
    for g in groups:
        n = max(len(items[i]["y"]) for i in g)
        x = np.zeros((len(g), n, TAGGER_DIM), np.float32)
        m, y, w = (np.zeros((len(g), n), np.float32) for _ in range(3))
        for r, i in enumerate(g):
            it = items[i]
            k = len(it["y"])
            x[r, :k], m[r, :k], y[r, :k], w[r, :k] = it["h"], 1.0, it["y"], ~it["special"]
        yield g, torch.from_numpy(x), torch.from_numpy(m), torch.from_numpy(y), torch.from_numpy(w)


def fit_tagger(arts: list[dict], keep: int, recipe=RECIPE, log=print):
    """The fine-tuned tagger (a torch module) trained on every chunk of ``arts``: binary
    cross-entropy on each real word piece (inside a gold span or not)."""
    import math

    import torch
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)
    model = _torch_tagger(keep, recipe["tagger_dropout"])
    items = [p for a in arts for p in a["pieces"]]
    opt = torch.optim.AdamW([{"params": model.layers.parameters(), "lr": recipe["tagger_lr"]},
                             {"params": model.head.parameters(), "lr": recipe["tagger_head_lr"]}],
                            weight_decay=0.01)
    steps = recipe["tagger_epochs"] * math.ceil(len(items) / recipe["tagger_batch"])
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))
    t0 = time.time()
    for epoch in range(recipe["tagger_epochs"]):
        model.train()
        total = count = 0.0
        for _, x, m, y, w in _piece_batches(items, recipe["tagger_batch"], rng):
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(model(x, m), y, reduction="none")
                    * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total, count = total + loss.item(), count + 1
        if log:
            log(f"  tagger epoch {epoch + 1}: loss {total / max(1, count):.4f} ({time.time() - t0:.0f} s)")
    model.eval()
    return model


def tagger_token_probs(model, art: dict, keep) -> np.ndarray:
    """Token probabilities of the kept chunks of ``art`` from the torch tagger (float32): the
    mean of the word-piece probabilities overlapping each token, as ``embed.Tagger.tag``. A
    chunk's probabilities do not depend on the others, so each is computed once per model."""
    import torch
    from newsgraph.embed import pool_pieces
    memo = art.setdefault("_tagger_probs", {})
    if memo.get("model") is not model:
        memo.clear()
        memo["model"] = model
    todo = [i for i, k in enumerate(keep) if k and i not in memo]
    items = [art["pieces"][i] for i in todo]
    with torch.no_grad():
        for g, x, m, _, _ in _piece_batches(items, 32):
            p = torch.sigmoid(model(x, m)).numpy()
            for r, j in enumerate(g):
                it, chunk = items[j], art["chunks"][todo[j]]
                memo[todo[j]] = pool_pieces(p[r, :len(it["y"]), None], it["off"], it["special"], chunk[2])[:, 0]
    out = [memo[i] for i, k in enumerate(keep) if k]
    return np.concatenate(out) if out else np.zeros(0, np.float32)


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
def decode_article(art: dict, probs: np.ndarray, keep, thr: float, gap: int, peak: float,
                   min_tokens: int = 1) -> list[tuple[int, int]]:
    kept = [c for c, k in zip(art["chunks"], keep) if k]
    return [(s, e) for s, e, _ in pg.decode_spans(kept, probs, thr, gap, min_tokens, art["text"], peak)]


def tune_decoding(arts: list[dict], probs: list[np.ndarray], keeps: list, recipe=RECIPE) -> tuple[float, int, float, float]:
    """(threshold, gap, peak, F1) maximising SI F1 over ``arts`` (probabilities of the tokens of
    the kept chunks)."""
    gold = {a["id"]: merge_spans((s, e) for _, s, e in a["spans"]) for a in arts}
    best = (0.5, 0, 0.0, -1.0)
    for thr in recipe["thresholds"]:
        for gap in recipe["gaps"]:
            for dp in recipe["peaks"]:
                peak = round(thr + dp, 3) if dp else 0.0
                pred = {a["id"]: decode_article(a, p, k, thr, gap, peak, recipe["min_tokens"])
                        for a, p, k in zip(arts, probs, keeps)}
                f = si_scores(pred, gold)[2]
                if f > best[3]:
                    best = (float(thr), int(gap), float(peak), f)
    return best


def si_probs(weights: dict, art: dict, gate: np.ndarray, keep, tagger=None) -> np.ndarray:
    """Token probabilities of the kept chunks of ``art`` (as ``PropagandaModel.detect``; from
    the torch ``tagger`` where given)."""
    if tagger is not None:
        return tagger_token_probs(tagger, art, keep)
    X, _ = si_rows(art, gate, keep)
    return pg.forward(weights, "si.", X)[:, 1] if len(X) else np.zeros(0, np.float32)


def split_inner(arts: list[dict]) -> tuple[list[dict], list[dict]]:
    """(inner hold-out, the rest) of the training articles, by article (INNER_FRACTION, SEED)."""
    order = np.random.RandomState(SEED).permutation(len(arts))
    n_in = max(1, int(round(len(arts) * INNER_FRACTION)))
    return [arts[i] for i in order[:n_in]], [arts[i] for i in order[n_in:]]


def fit(arts: list[dict], recipe=RECIPE, log=print, inner_out: dict | None = None) -> tuple[dict, dict]:
    """(config, weights) trained on ``arts`` (encoded with ``encode_articles``).

    ``inner_out`` (a dict), where given, receives what eval/ptc.py needs to re-tune the
    decoding for other gate shares on the same inner hold-out: the inner articles and the
    gate probabilities."""
    si_depth, tc_depth = si_layers(recipe), tc_layers(recipe)
    tagged = recipe.get("si_head") == "tagger"
    for a in arts:
        prepare(a)
        if (a.get("layers", si_depth), a.get("tc_layers", tc_depth)) != (si_depth, tc_depth):
            raise ValueError(f"article {a['id']} was encoded at depths {a.get('layers')}/{a.get('tc_layers')}, "
                             f"the recipe asks for {si_depth}/{tc_depth} (SI/TC)")
        if tagged and "pieces" not in a:
            raise ValueError(f"article {a['id']} has no word-piece states (encode_pieces)")
    inner, outer = split_inner(arts)
    t0 = time.time()
    # 1. the lexical gate, and its threshold for the token share of the speed budget
    weights = fit_gate(outer, recipe)
    gp = gate_probs(weights, arts)
    gate_thr = share_threshold(inner, gp, recipe["gate_share"])
    keeps = [gp[a["id"]] >= gate_thr for a in inner]
    if tagged:
        # 2. the tagger: the encoder's layers above the TC depth fine-tuned, on every chunk of the 80%
        tagger = fit_tagger(outer, tc_depth, recipe, log)
        weights.update({TAGGER_PREFIX + k: v for k, v in pg.pack_tagger(tagger.export()).items()})
        probs = [tagger_token_probs(tagger, a, k) for a, k in zip(inner, keeps)]
    else:
        tagger = None
        # 2. the token head, on every token (better in CV than the gated tokens only), with the
        #    document vector of the chunks the gate passes (as at run time)
        X, y = zip(*(si_rows(a, gp[a["id"]], None, gp[a["id"]] >= gate_thr) for a in outer))
        weights.update(fit_head(np.vstack(X), np.concatenate(y), recipe["si_head"], C=recipe["si_C"],
                                hidden=recipe["si_hidden"], alpha=recipe["si_alpha"],
                                max_iter=recipe["si_max_iter"], prefix="si."))
        del X, y
        probs = [si_probs(weights, a, gp[a["id"]], k) for a, k in zip(inner, keeps)]
    # 3. decoding, tuned on the inner hold-out with the gate applied
    thr, gap, peak, f_inner = tune_decoding(inner, probs, keeps, recipe)
    if log:
        log(f"  inner hold-out: gate threshold {gate_thr:.3f}, threshold {thr} gap {gap} peak {peak} "
            f"SI F1 {f_inner:.3f} ({time.time() - t0:.0f} s)")
    if inner_out is not None:
        inner_out.update(inner=inner, gate=gp, tagger=tagger)
    # 4. technique classification on every gold span
    F, yt = zip(*(tc_rows(a) for a in arts))
    F = np.vstack([f for f in F if len(f)])
    weights.update(fit_head(F, np.concatenate(yt), "logreg", C=recipe["tc_C"], max_iter=2000, prefix="tc."))
    from newsgraph.embed import model_id
    config = {"encoder": model_id(si_depth), "tc_encoder": model_id(tc_depth),
              "si": "tagger" if tagged else "features",
              "techniques": list(pg.TECHNIQUES),
              "threshold": thr, "gap": gap, "peak": peak,
              "min_tokens": recipe["min_tokens"], "gate_threshold": round(gate_thr, 6),
              "gate_share": recipe["gate_share"], "window": pg.WINDOW, "wide_window": pg.WIDE_WINDOW,
              "max_chunk_tokens": pg.MAX_CHUNK_TOKENS, "recipe": {k: v for k, v in recipe.items()},
              "inner_holdout_si_f1": round(f_inner, 4), "seed": SEED}
    return config, weights


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=PTC)
    ap.add_argument("--cache", type=Path, default=None, help="folder for encoder outputs (e.g. /tmp/ptc-enc)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--gate-share", type=float, default=RECIPE["gate_share"],
                    help="share of the tokens the lexical gate sends to the encoder (1 = no gate); "
                         "see the sweep of eval/ptc.py for its cost in F1")
    args = ap.parse_args(argv)
    if not (args.data / "articles").is_dir():
        print(f"skipped: the PTC data is absent ({args.data}); nothing trained")
        return 0
    t0 = time.time()
    arts = load_ptc(args.data)
    print(f"{len(arts)} articles, {sum(len(a['spans']) for a in arts)} gold spans")
    recipe = dict(RECIPE, gate_share=args.gate_share)
    encode_articles(arts, args.cache, layers=si_layers(recipe), tc_layers_=tc_layers(recipe))
    if recipe["si_head"] == "tagger":
        encode_pieces(arts, tc_layers(recipe), args.cache)
    config, weights = fit(arts, recipe)
    config["trained_on"] = f"PTC (SemEval-2020 Task 11) train articles: {len(arts)} articles"
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / pg.WEIGHTS_FILE, **weights)
    (args.out / pg.CONFIG_FILE).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    size = (args.out / pg.WEIGHTS_FILE).stat().st_size
    print(f"wrote {args.out / pg.WEIGHTS_FILE} ({size / 1e6:.1f} MB) and {pg.CONFIG_FILE} "
          f"in {time.time() - t0:.0f} s")
    runtime_check(args.out, arts, config)
    return 0


def runtime_check(directory: Path, arts: list[dict], config: dict) -> float:
    """The written model as newsgraph runs it (``PropagandaModel.detect``: int8 matrix
    products) on the inner hold-out, against the F1 its decoding was tuned to
    there (in float32): prints both and returns the run-time SI F1."""
    inner, _ = split_inner(arts)
    model = pg.PropagandaModel.load(directory)
    pred = {a["id"]: [(s["start"], s["end"]) for s in model.detect(a["text"])] for a in inner}
    gold = {a["id"]: merge_spans((s, e) for _, s, e in a["spans"]) for a in inner}
    p, r, f = si_scores(pred, gold)
    print(f"run-time check on the inner hold-out ({len(inner)} articles): SI P {p:.3f} R {r:.3f} F1 {f:.3f} "
          f"(in training: {config['inner_holdout_si_f1']:.3f})")
    return f


if __name__ == "__main__":
    sys.exit(main())
