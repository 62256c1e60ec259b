"""Propaganda-technique signals on exact character spans (SemEval-2020 Task 11 style).

Three stages, numpy and onnxruntime at run time, no PyTorch (weights in
``data/models/propaganda/weights.npz``, trained by ``scripts/train_propaganda.py`` on the 308
PTC articles):

0. **Lexical gate.** The text is cut into sentences (the caller's, or one per line, split
   further at sentence punctuation) and spaCy tokens (tokenizer only). A logistic regression
   over each sentence's words, word bigrams and a few cues (loaded-language lexicon, "!", "?",
   quotes, capitals, position, the article's lexicon density) scores it in well under a
   millisecond; only sentences at or above ``gate_threshold`` go on (the threshold is set in
   training so that about ``gate_share`` of the tokens pass). The others get no signal and
   cost no encoder time: the project's "expensive models only on the sentences that need them".
1. **Span identification** (``propaganda/0.4``). Each passed sentence goes once through a
   word-piece tagger fine-tuned from all-MiniLM-L6-v2 (``newsgraph.embed.Tagger``): the
   encoder's lower layers as shipped, its upper layers (``si.tagger.encoder.layer.*``, those
   above the layer the technique classifier reads) fine-tuned on the PTC spans, and a linear
   head giving each word piece a probability of lying inside a propaganda span; a token's
   probability is the mean of its pieces'. Runs of tokens at or above the threshold, joined
   across gaps of at most ``gap`` tokens and kept where one token reaches ``peak``, are the
   spans; a span's score is the mean probability of its tokens. (Models of ``propaganda/0.3``
   and before, a head over frozen encoder features, ``si.*``: the token's vector, its
   neighbours', the sentence's and the document's, lexical features and the gate probability
   into a one-hidden-layer MLP, still load and run.)
2. **Technique classification.** Each span gets one of the 14 SemEval-2020 techniques from a
   classifier over the mean vector of its tokens, the vectors of its first and last tokens,
   its sentence vector and span-level lexical cues (length, repetition of the span's words
   in the document, "!", cue words of flag-waving, doubt, causality, authority ...). Its
   vectors come from a lower layer of the same pass (``config["tc_encoder"]``, layer 3): the
   tagger has that layer as a second output, and the features-head models run an encoder with
   one output per depth (``embed.get_encoder((6, 3))``), once per chunk either way.

``detect(text)`` returns signals ``{technique, start, end, text, score}``; ``text`` is always
``doc_text[start:end]``.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .embed import pool_pieces  # noqa: F401  (the token pooling lives with the encoder)
from .errors import NewsgraphError

EXTRACTOR_VERSION = "propaganda/0.4"
MODEL_DIR = Path(__file__).resolve().parent / "data" / "models" / "propaganda"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
LEXICON_FILE = "lexicon.txt"
TAGGER = "si.tagger."   # weights of the fine-tuned span tagger (upper encoder layers and its head)
SCALE = ".scale"        # a tagger matrix stored in int8 has its per-column scales under name + SCALE


def pack_tagger(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The tagger's weights as stored: each matrix in int8 with a float32 scale per column
    (symmetric, as onnxruntime quantises a weight matrix per output channel, so that the
    run-time model is the same as one built from the float32 weights), vectors in float32."""
    out = {}
    for name, w in weights.items():
        w = np.asarray(w, np.float32)
        if w.ndim != 2:
            out[name] = w
            continue
        absmax = np.maximum(np.abs(w.min(axis=0)), np.abs(w.max(axis=0))).astype(np.float64)
        scale = (2 * absmax / 254.0).astype(np.float32)
        scale[scale == 0] = 1.0
        out[name] = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        out[name + SCALE] = scale
    return out


def unpack_tagger(stored: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``pack_tagger``'s inverse: float32 weights (a matrix is its int8 values times its scales)."""
    out = {}
    for name, w in stored.items():
        if name.endswith(SCALE):
            continue
        out[name] = w.astype(np.float32) * stored[name + SCALE] if name + SCALE in stored else \
            np.asarray(w, np.float32)
    return out

# The 14 classes of SemEval-2020 Task 11 (PTC names) and the readable names signals carry.
TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation",
    "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans",
    "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
)
READABLE = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_fear-prejudice": "Appeal_to_Fear_Prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "Bandwagon_Reductio_ad_Hitlerum",
    "Black-and-White_Fallacy": "Black_and_White_Fallacy",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration_Minimisation",
    "Flag-Waving": "Flag_Waving",
    "Loaded_Language": "Loaded_Language",
    "Name_Calling,Labeling": "Name_Calling_Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating_Cliches": "Thought_Terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring": "Whataboutism_Straw_Men_Red_Herring",
}

MAX_CHUNK_TOKENS = 96     # longer sentences are cut into chunks for the encoder (256 word pieces)
WINDOW = 2                # neighbours each side in the token's near-context feature
WIDE_WINDOW = 6           # ... and in its wide-context feature
DIM = 384

_QUOTES = set('"\'“”‘’«»')
_STOP = frozenset("""a an the and or but of to in on at for with by from as is are was were be been
    being it its this that these those he she they we you i his her their our your my me him them us
    not no so if than then there here has have had do does did will would can could should may might
    must shall just also very more most much many such what which who whom whose when where why how
    all any some each other into over about after before up down out off only own same too""".split())

# Span-level cue words for technique classification (hand-written, see MODEL_CARD.md).
CUES = {
    "we": "we us our ours ourselves".split(),
    "nation": "america american americans nation national country patriot patriots patriotic "
              "people flag homeland freedom liberty constitution sovereign sovereignty".split(),
    "causal": "because cause causes caused therefore thus hence result results so since "
              "consequently due leads led".split(),
    "authority": "said says according expert experts study studies official officials report "
                 "professor doctor scientists scientist research president pope".split(),
    "doubt": "question questions whether why really allegedly alleged claim claims claimed "
             "supposedly doubt doubts unclear suspicious".split(),
    "absolute": "all every everyone everybody always never nothing none only no everything "
                "entire whole totally completely".split(),
    "choice": "either or choice choose must only alternative".split(),
    "bandwagon": "everyone everybody majority millions most join popular".split(),
    "hitler": "hitler nazi nazis fascist fascism stalin communist gestapo".split(),
    "whatabout": "what about whataboutism but while yet meanwhile".split(),
    "fear": "fear danger dangerous threat threaten threatens destroy destroyed risk kill killed "
            "death die dying war attack terror".split(),
    "exagger": "huge massive enormous biggest greatest tiny never ever worst best incredible "
               "unprecedented extremely".split(),
    "cliche": "period end simple fact matter it is what that's".split(),
}

_SENT_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


# ---------------------------------------------------------------- lexicon
@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> tuple[frozenset, tuple[str, ...]]:
    """(whole words, stems) of the hand-written loaded-language lexicon."""
    p = Path(path) if path else MODEL_DIR / LEXICON_FILE
    words, stems = set(), []
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if not line or line.startswith("#"):
                continue
            if line.endswith("*"):
                stems.append(line[:-1])
            else:
                words.add(line)
    return frozenset(words), tuple(stems)


def in_lexicon(word: str, lexicon=None) -> bool:
    words, stems = lexicon or load_lexicon()
    w = word.lower()
    return w in words or (bool(stems) and w.startswith(stems))


# ---------------------------------------------------------------- text units
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences as character spans: one per non-blank line, each line split further after
    sentence punctuation followed by a capital; leading/trailing blanks excluded."""
    out = []
    pos = 0
    for line in text.split("\n"):
        start = 0
        for m in _SENT_RE.finditer(line):
            out.append((pos + start, pos + m.start()))
            start = m.end()
        out.append((pos + start, pos + len(line)))
        pos += len(line) + 1
    res = []
    for a, b in out:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        a, b = a + lead, b - trail
        if b > a:
            res.append((a, b))
    return res


@lru_cache(maxsize=1)
def _tokenizer():
    from .nlp import load_nlp
    return load_nlp().tokenizer


def make_chunks(text: str, sentences: Sequence[tuple[int, int]] | None = None, tokenizer=None):
    """Encoder units: list of (start, end, [(tok_start, tok_end), ...], sentence index), tokens
    in absolute character offsets, at most MAX_CHUNK_TOKENS tokens per chunk."""
    sentences = split_sentences(text) if sentences is None else [tuple(s) for s in sentences]
    tok = tokenizer or _tokenizer()
    chunks = []
    for si, (a, b) in enumerate(sentences):
        a, b = max(0, int(a)), min(len(text), int(b))
        if b <= a:
            continue
        toks = [(a + t.idx, a + t.idx + len(t.text)) for t in tok(text[a:b]) if not t.is_space]
        for k in range(0, len(toks), MAX_CHUNK_TOKENS):
            part = toks[k:k + MAX_CHUNK_TOKENS]
            if part:
                chunks.append((part[0][0], part[-1][1], part, si))
    return chunks


# ---------------------------------------------------------------- features

def encode_chunks(text: str, chunks, encoder=None, layers=None, all_depths: bool = False):
    """(sentence vectors (n_chunks, 384), [per-chunk token vectors (n_tok, 384)]); with
    ``all_depths``, a list of those pairs, one for each depth of the encoder, from one pass.

    One MiniLM pass per chunk, one chunk per call (as ``Encoder.encode`` runs them, so the
    vectors are the same); the sentence vector is the masked mean of the word pieces,
    normalised, and a token's vector the mean of the pieces overlapping it (``pool_pieces``).
    ``encoder`` defaults to the process-wide encoder cut after ``layers`` layers (a depth, or
    several depths read from one pass; all six where None: a model runs with the depths it
    was trained on, ``PropagandaModel.layers`` and ``tc_layers``)."""
    if encoder is None:
        from .embed import LAYERS, get_encoder
        encoder = get_encoder(layers=LAYERS if layers is None else layers)
    n_out = len(getattr(encoder, "depths", (0,))) if all_depths else 1
    if not chunks:
        empty = (np.zeros((0, DIM), np.float32), [])
        return [empty] * n_out if all_depths else empty
    texts = [text[a:b] for a, b, _, _ in chunks]
    spans = [[(s - a, e - a) for s, e in toks] for a, b, toks, _ in chunks]
    # newsgraph.embed runs one text per forward pass (its BATCH_SIZE), so the vectors do not
    # depend on which other sentences the gate lets through
    if all_depths:
        outs = encoder.encode(texts, spans=spans, all_depths=True)
    else:
        outs = [encoder.encode(texts, spans=spans)]
    outs = [(np.asarray(sent, np.float32), [np.asarray(t, np.float32) for t in tokv]) for sent, tokv in outs]
    return outs if all_depths else outs[0]


def _word_counts(text: str, tokens: Sequence[tuple[int, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s, e in tokens:
        w = text[s:e].lower()
        if w.isalpha() and w not in _STOP:
            counts[w] = counts.get(w, 0) + 1
    return counts


N_TOKEN_LEX = 20


def token_lexical(text: str, chunks, lexicon=None, keep=None) -> np.ndarray:
    """Lexical features of every token, chunk after chunk: (n_tokens, N_TOKEN_LEX); with
    ``keep`` (a flag per chunk), of the tokens of the kept chunks only (the same rows: the
    document-level counts and positions still see every chunk)."""
    lexicon = lexicon or load_lexicon()
    all_toks = [t for c in chunks for t in c[2]]
    counts = _word_counts(text, all_toks)
    n_chunks = max(1, len(chunks))
    rows = []
    for ci, (a, b, toks, si) in enumerate(chunks):
        if keep is not None and not keep[ci]:
            continue
        stext = text[a:b]
        s_excl = "!" in stext
        s_q = "?" in stext
        n = len(toks)
        inside_quote = False
        for k, (s, e) in enumerate(toks):
            w = text[s:e]
            lw = w.lower()
            is_q = w in _QUOTES or (len(w) == 1 and w in "\"'")
            if is_q:
                inside_quote = not inside_quote
            rep = counts.get(lw, 0)
            rows.append((
                1.0 if in_lexicon(w, lexicon) else 0.0,
                1.0 if w == "!" else 0.0,
                1.0 if w == "?" else 0.0,
                1.0 if is_q else 0.0,
                1.0 if inside_quote and not is_q else 0.0,
                1.0 if (w.isupper() and len(w) > 1 and w.isalpha()) else 0.0,
                1.0 if (w[:1].isupper() and k > 0) else 0.0,
                1.0 if not any(ch.isalnum() for ch in w) else 0.0,
                1.0 if lw in _STOP else 0.0,
                k / max(1, n - 1),
                1.0 if k == 0 else 0.0,
                1.0 if k == n - 1 else 0.0,
                math.log1p(n) / 5.0,
                1.0 if s_excl else 0.0,
                1.0 if s_q else 0.0,
                ci / n_chunks,
                1.0 if si == 0 else 0.0,
                math.log1p(max(0, rep - 1)) / 3.0,
                1.0 if w.startswith("#") else 0.0,
                min(len(w), 20) / 20.0,
            ))
    return np.asarray(rows, np.float32).reshape(-1, N_TOKEN_LEX)


def _context_means(tv: np.ndarray, width: int) -> np.ndarray:
    """For each token, the mean vector of up to ``width`` neighbours on each side (itself excluded)."""
    n = len(tv)
    csum = np.vstack([np.zeros((1, tv.shape[1]), np.float32), np.cumsum(tv, axis=0)])
    idx = np.arange(n)
    lo = np.clip(idx - width, 0, n)
    hi = np.clip(idx + width + 1, 0, n)
    return (csum[hi] - csum[lo] - tv) / (hi - lo - 1).clip(min=1)[:, None]


N_TOKEN_FEATURES = 5 * DIM + N_TOKEN_LEX + 1


def token_features(text: str, chunks, sent_vecs, tok_vecs, lexicon=None, *,
                   lexical: np.ndarray | None = None, gate: Sequence[float] | None = None,
                   doc_vec: np.ndarray | None = None) -> np.ndarray:
    """The span-identification feature matrix: one row per token of ``chunks``, chunk after chunk.

    A row: the token's vector, the mean of its neighbours (WINDOW, then WIDE_WINDOW each side),
    the chunk's sentence vector, the document vector (``doc_vec``, else the mean of the sentence
    vectors of ``chunks``: the chunks that went through the encoder), the token's lexical features
    (``lexical``, rows of ``token_lexical`` over the whole document, computed here where not
    given) and the chunk's gate probability (``gate``; 1 where not given)."""
    if not chunks:
        return np.zeros((0, N_TOKEN_FEATURES), np.float32)
    doc_vec = sent_vecs.mean(axis=0) if doc_vec is None else np.asarray(doc_vec, np.float32)
    doc_vec = doc_vec / max(1e-9, float(np.linalg.norm(doc_vec)))
    blocks = []
    for ci, tv in enumerate(tok_vecs):
        n = len(tv)
        blocks.append(np.hstack([tv, _context_means(tv, WINDOW), _context_means(tv, WIDE_WINDOW),
                                 np.repeat(sent_vecs[ci][None], n, 0), np.repeat(doc_vec[None], n, 0)]))
    X = np.vstack(blocks).astype(np.float32)
    if lexical is None:
        lexical = token_lexical(text, chunks, lexicon)
    g = np.ones(len(chunks), np.float32) if gate is None else np.asarray(gate, np.float32)
    gcol = np.repeat(g, [len(c[2]) for c in chunks])[:, None]
    return np.hstack([X, lexical, gcol]).astype(np.float32)


def token_rows(chunks, keep) -> np.ndarray:
    """Indices of the tokens of the kept chunks in the document's token order."""
    sizes = np.array([len(c[2]) for c in chunks], np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if len(sizes) else sizes
    kept = np.nonzero(np.asarray(keep, bool))[0]
    if not len(kept):
        return np.zeros(0, np.int64)
    return np.concatenate([np.arange(starts[i], starts[i] + sizes[i]) for i in kept])


# ---------------------------------------------------------------- the lexical gate
N_GATE_DENSE = 10


def gate_units(text: str, chunks, lexicon=None) -> tuple[list[set[str]], np.ndarray]:
    """The gate's view of each chunk: (its set of sparse features, an (n_chunks, N_GATE_DENSE)
    dense block). Sparse: lower-cased words ("w=...") and word bigrams ("b=..."); dense: lexicon
    hits, "!", "?", quotes, length, capitals, position, and the article's lexicon density and
    "!" rate. Words only, no encoder."""
    lexicon = lexicon or load_lexicon()
    words = [[text[s:e] for s, e in c[2]] for c in chunks]
    flags = [[in_lexicon(w, lexicon) for w in ws] for ws in words]
    n_words = max(1, sum(len(ws) for ws in words))
    density = sum(sum(f) for f in flags) / n_words
    bangs = sum(ws.count("!") for ws in words) / max(1, len(chunks))
    n = max(1, len(chunks))
    units, dense = [], np.zeros((len(chunks), N_GATE_DENSE), np.float32)
    for ci, ws in enumerate(words):
        lw = [w.lower() for w in ws]
        units.append({"w=" + w for w in lw if any(ch.isalpha() for ch in w)}
                     | {"b=" + x + "_" + y for x, y in zip(lw, lw[1:])})
        dense[ci] = (
            min(sum(flags[ci]), 4) / 4.0,
            1.0 if "!" in ws else 0.0,
            1.0 if "?" in ws else 0.0,
            1.0 if any(w in _QUOTES for w in ws) else 0.0,
            math.log1p(len(ws)) / 5.0,
            sum(1 for w in ws if w.isupper() and len(w) > 1 and w.isalpha()) / max(1, len(ws)),
            1.0 if ci == 0 else 0.0,
            ci / n,
            min(1.0, 10.0 * density),
            min(1.0, bangs),
        )
    return units, dense


def gate_logits(weights: dict, index: dict[str, int], units, dense: np.ndarray) -> np.ndarray:
    """The gate's logit per chunk (logistic regression over ``gate_units``)."""
    w = weights["gate.w"]
    sparse_part = np.array([sum(float(w[index[f]]) for f in u if f in index) for u in units], np.float32)
    return sparse_part + dense @ weights["gate.dense"] + float(weights["gate.b"][0])


N_SPAN_LEX = 16 + len(CUES)


def span_features(text: str, chunks, sent_vecs, tok_vecs, spans: Sequence[tuple[int, int]],
                  lexicon=None) -> np.ndarray:
    """Technique-classification features of character spans of one document."""
    lexicon = lexicon or load_lexicon()
    flat = [(s, e, ci, k) for ci, c in enumerate(chunks) for k, (s, e) in enumerate(c[2])]
    starts = np.array([f[0] for f in flat]) if flat else np.zeros(0, int)
    ends = np.array([f[1] for f in flat]) if flat else np.zeros(0, int)
    low = text.lower()
    counts = _word_counts(text, [(f[0], f[1]) for f in flat])
    cue_sets = {k: frozenset(v) for k, v in CUES.items()}
    rows = []
    for a, b in spans:
        sel = np.nonzero((starts < b) & (ends > a))[0] if len(flat) else []
        if len(sel):
            vecs = np.vstack([tok_vecs[flat[i][2]][flat[i][3]] for i in sel])
            mean = vecs.mean(axis=0)
            first, last = vecs[0], vecs[-1]
            cis = sorted({flat[i][2] for i in sel})
            sent = sent_vecs[cis].mean(axis=0)
            sent_len = sum(chunks[c][1] - chunks[c][0] for c in cis)
            words = [text[flat[i][0]:flat[i][1]] for i in sel]
        else:
            mean = first = last = sent = np.zeros(DIM, np.float32)
            sent_len, words = max(1, b - a), text[a:b].split()
        span_text = text[a:b]
        key = " ".join(span_text.lower().split())
        occ = low.count(key) if len(key) >= 3 else 1
        lw = [w.lower() for w in words]
        content = [w for w in lw if w.isalpha() and w not in _STOP]
        rep_words = (sum(1 for w in content if counts.get(w, 0) > 1) / len(content)) if content else 0.0
        lex_hits = sum(1 for w in words if in_lexicon(w, lexicon))
        ctx = text[max(0, a - 2):a] + text[b:b + 2]
        lex = [
            math.log1p(len(words)) / 4.0,
            math.log1p(b - a) / 7.0,
            math.log1p(max(0, occ - 1)),
            rep_words,
            min(lex_hits, 5) / 5.0,
            1.0 if "!" in span_text else 0.0,
            1.0 if "?" in span_text else 0.0,
            1.0 if any(q in ctx for q in _QUOTES) else 0.0,
            1.0 if any(q in span_text for q in _QUOTES) else 0.0,
            (sum(1 for w in words if w[:1].isupper()) / len(words)) if words else 0.0,
            1.0 if any(w.isupper() and len(w) > 1 and w.isalpha() for w in words) else 0.0,
            1.0 if "#" in span_text else 0.0,
            1.0 if any(ch.isdigit() for ch in span_text) else 0.0,
            min(1.0, (b - a) / max(1, sent_len)),
            1.0 if len(words) <= 2 else 0.0,
            1.0 if len(words) >= 15 else 0.0,
        ]
        lwset = set(lw)
        for name in CUES:
            lex.append(min(3, len(lwset & cue_sets[name])) / 3.0)
        rows.append(np.concatenate([mean, first, last, sent, np.asarray(lex, np.float32)]))
    if not rows:
        return np.zeros((0, 4 * DIM + N_SPAN_LEX), np.float32)
    return np.vstack(rows).astype(np.float32)


# ---------------------------------------------------------------- heads and decoding
def forward(weights: dict, prefix: str, X: np.ndarray) -> np.ndarray:
    """Class probabilities of an exported head (standardise, optional ReLU layer, softmax)."""
    h = (X - weights[prefix + "mean"]) / weights[prefix + "scale"]
    if prefix + "W1" in weights:
        h = np.maximum(h @ weights[prefix + "W1"] + weights[prefix + "b1"], 0.0)
        logits = h @ weights[prefix + "W2"] + weights[prefix + "b2"]
    else:
        logits = h @ weights[prefix + "W"] + weights[prefix + "b"]
    if logits.shape[1] == 1:   # binary head: one logit
        p1 = 1.0 / (1.0 + np.exp(-logits[:, 0]))
        return np.stack([1 - p1, p1], axis=1)
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def decode_spans(chunks, probs: np.ndarray, threshold: float, gap: int, min_tokens: int = 1,
                 text: str | None = None, peak: float = 0.0) -> list[tuple[int, int, float]]:
    """(start, end, score) spans from token probabilities: runs of tokens at or above the
    threshold within one chunk, joined across at most ``gap`` tokens below it, kept where
    one of their tokens reaches ``peak`` (hysteresis); punctuation at a span's edges (other
    than a quote, or a closing "!") is trimmed."""
    out = []
    pos = 0
    for a, b, toks, _ in chunks:
        p = probs[pos:pos + len(toks)]
        pos += len(toks)
        on = np.nonzero(p >= threshold)[0]
        if not len(on):
            continue
        runs = [[on[0], on[0]]]
        for i in on[1:]:
            if i - runs[-1][1] - 1 <= gap:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for i, j in runs:
            if text is not None:
                while i <= j and not any(ch.isalnum() for ch in text[toks[i][0]:toks[i][1]]) \
                        and text[toks[i][0]:toks[i][1]] not in _QUOTES:
                    i += 1
                while j >= i and not any(ch.isalnum() for ch in text[toks[j][0]:toks[j][1]]) \
                        and text[toks[j][0]:toks[j][1]] not in _QUOTES | {"!"}:
                    j -= 1
            if j < i or j - i + 1 < min_tokens or p[i:j + 1].max() < peak:
                continue
            out.append((toks[i][0], toks[j][1], float(p[i:j + 1].mean())))
    return out


# ---------------------------------------------------------------- the shipped model
class PropagandaModel:
    def __init__(self, config: dict, weights: dict[str, np.ndarray]):
        self.config = config
        self.weights = weights
        self.techniques = tuple(config["techniques"])
        self._gate_index: dict[str, int] | None = None
        self._tagger = None

    @classmethod
    def load(cls, directory: Path | None = None) -> "PropagandaModel":
        base = Path(directory) if directory is not None else MODEL_DIR
        cfg, w = base / CONFIG_FILE, base / WEIGHTS_FILE
        if not cfg.is_file() or not w.is_file():
            raise NewsgraphError("no_model", f"the propaganda model is missing: {w} or {cfg} not found",
                                 "rebuild it with `python scripts/train_propaganda.py` "
                                 "(needs ../shared/data/claims/ptc)")
        config = json.loads(cfg.read_text(encoding="utf-8"))
        from .embed import MODEL_ID, layers_of
        try:   # encoders this newsgraph can run (all six layers, or cut after fewer), both heads'
            layers_of(config.get("encoder", MODEL_ID))
            layers_of(config.get("tc_encoder", config.get("encoder", MODEL_ID)))
        except NewsgraphError as exc:
            raise NewsgraphError("no_model", f"the propaganda model in {base}: {exc.message}",
                                 "rebuild it with `python scripts/train_propaganda.py`") from exc
        with np.load(w, allow_pickle=False) as z:
            weights = {k: (z[k].astype(np.float32) if z[k].dtype.kind == "f" else z[k]) for k in z.files}
        head = weights.get(TAGGER + "head.weight")
        if head is not None:
            if head.shape != (DIM, 1):
                raise NewsgraphError("no_model", f"the propaganda model in {base} has a tagger head of "
                                     f"shape {head.shape}, not ({DIM}, 1)",
                                     "rebuild it with `python scripts/train_propaganda.py`")
        elif weights.get("si.mean") is None or weights["si.mean"].shape != (N_TOKEN_FEATURES,):
            raise NewsgraphError("no_model", f"the propaganda model in {base} was built for other token "
                                 f"features than this newsgraph's ({N_TOKEN_FEATURES})",
                                 "rebuild it with `python scripts/train_propaganda.py`")
        return cls(config, weights)

    @property
    def is_tagger(self) -> bool:
        """Whether span identification is a fine-tuned word-piece tagger (``propaganda/0.4``)
        rather than a head over frozen encoder features."""
        return TAGGER + "head.weight" in self.weights

    def tagger(self):
        """The fine-tuned tagger (``newsgraph.embed.Tagger``), built on first use: its upper
        layers and head are the model's ``si.tagger.*`` weights; its kept layer, read by the
        technique classifier, is ``tc_layers``."""
        if self._tagger is None:
            with _lock:
                if self._tagger is None:
                    from .embed import Tagger
                    stored = {k[len(TAGGER):]: v for k, v in self.weights.items() if k.startswith(TAGGER)}
                    self._tagger = Tagger(unpack_tagger(stored), self.tc_layers)
        return self._tagger

    @property
    def layers(self) -> int:
        """The encoder depth the model was trained on (``config["encoder"]``; 6 where absent)."""
        from .embed import MODEL_ID, layers_of
        return layers_of(self.config.get("encoder", MODEL_ID))

    @property
    def tc_layers(self) -> int:
        """The encoder depth the technique classifier was trained on (``config["tc_encoder"]``;
        the span identification's where absent)."""
        from .embed import layers_of
        tc = self.config.get("tc_encoder")
        return self.layers if tc is None else layers_of(tc)

    def encode(self, text: str, chunks, encoder=None):
        """((SI sentence vectors, token vectors), (TC sentence vectors, token vectors)) of
        ``chunks``, from ONE encoder pass per chunk: where the two heads read different depths,
        the encoder has an output for each (``get_encoder((si, tc))``, ``all_depths``); where
        they read the same, both are the same arrays.

        ``encoder``: the caller's encoder. One with ``depths`` (a ``newsgraph.embed.Encoder``)
        is used where its depths include both of the model's; otherwise the model's own encoder
        runs (never vectors of a depth a head was not trained on). One without ``depths`` (a
        stand-in) is used as is, its output feeding both heads."""
        si, tc = self.layers, self.tc_layers
        if encoder is not None and hasattr(encoder, "depths") and not {si, tc} <= set(encoder.depths):
            encoder = None
        if encoder is None:
            from .embed import get_encoder
            encoder = get_encoder(si if si == tc else (si, tc))
        depths = tuple(getattr(encoder, "depths", ()))
        if len(depths) < 2:   # one depth (or a stand-in): today's single output, for both heads
            pair = encode_chunks(text, chunks, encoder)
            return pair, pair
        outs = encode_chunks(text, chunks, encoder, all_depths=True)
        return outs[depths.index(si)], outs[depths.index(tc)]

    @property
    def gate_index(self) -> dict[str, int]:
        """The gate's feature -> weight row, built once from the stored vocabulary."""
        if self._gate_index is None:
            raw = self.weights.get("gate.vocab")
            words = bytes(raw.astype(np.uint8)).decode("utf-8").split("\n") if raw is not None and len(raw) else []
            self._gate_index = {w: i for i, w in enumerate(words)}
        return self._gate_index

    def gate(self, text: str, chunks, lexicon=None) -> np.ndarray:
        """The gate's probability per chunk (ones where the model has no gate)."""
        if "gate.w" not in self.weights:
            return np.ones(len(chunks), np.float32)
        units, dense = gate_units(text, chunks, lexicon)
        return 1.0 / (1.0 + np.exp(-gate_logits(self.weights, self.gate_index, units, dense)))

    def gate_share(self, texts: Sequence[str]) -> float:
        """Share of the tokens of ``texts`` that the gate sends through the encoder."""
        kept = total = 0
        for text in texts:
            chunks = make_chunks(text)
            sizes = np.array([len(c[2]) for c in chunks])
            keep = self.gate(text, chunks) >= self.config.get("gate_threshold", 0.0)
            kept += int(sizes[keep].sum()) if len(sizes) else 0
            total += int(sizes.sum())
        return kept / total if total else 0.0

    def detect(self, text: str, sentences=None, encoder=None, *, gate: bool = True,
               timings: dict | None = None, clock=time.perf_counter) -> list[dict]:
        """Signals of ``text`` (see ``detect``). ``gate=False`` sends every sentence through the
        encoder; ``timings`` (a dict) accumulates seconds per stage, read from ``clock``."""
        clock = clock if timings is not None else None
        t0 = clock() if clock else 0.0

        def lap(name):
            nonlocal t0
            if clock:
                t1 = clock()
                timings[name] = timings.get(name, 0.0) + t1 - t0
                t0 = t1

        chunks = make_chunks(text, sentences)
        lap("sentences+tokens")
        if not chunks:
            return []
        cfg = self.config
        lexicon = load_lexicon()
        gp = self.gate(text, chunks, lexicon)
        keep = gp >= cfg.get("gate_threshold", 0.0) if gate else np.ones(len(chunks), bool)
        kept = [c for c, k in zip(chunks, keep) if k]
        lap("gate")
        if not kept:
            return []
        if self.is_tagger:
            # one pass of the fine-tuned tagger per chunk: the tokens' span probabilities, and
            # the technique classifier's vectors from a lower layer of the same pass
            tagger = encoder if encoder is not None and hasattr(encoder, "tag") else self.tagger()
            tc_sent, tc_tok, tok_probs = tagger.tag([text[a:b] for a, b, _, _ in kept],
                                                    [[(x - a, y - a) for x, y in toks] for a, b, toks, _ in kept])
            lap("encoder")
            probs = np.concatenate(tok_probs) if tok_probs else np.zeros(0, np.float32)
            lap("features+head")
        else:
            lexical = token_lexical(text, chunks, lexicon, keep)
            (sent_vecs, tok_vecs), (tc_sent, tc_tok) = self.encode(text, kept, encoder)
            lap("encoder")
            X = token_features(text, kept, sent_vecs, tok_vecs, lexical=lexical, gate=gp[keep])
            probs = forward(self.weights, "si.", X)[:, 1]
            lap("features+head")
        spans = decode_spans(kept, probs, cfg["threshold"], cfg["gap"], cfg.get("min_tokens", 1), text,
                             cfg.get("peak", 0.0))
        out = []
        if spans:
            F = span_features(text, kept, tc_sent, tc_tok, [(a, b) for a, b, _ in spans], lexicon)
            tp = forward(self.weights, "tc.", F)
            for (a, b, score), row in zip(spans, tp):
                name = self.techniques[int(np.argmax(row))]
                out.append({"technique": READABLE.get(name, name), "start": int(a), "end": int(b),
                            "text": text[a:b], "score": round(min(1.0, max(0.0, score)), 4)})
        lap("decode+techniques")
        return out


_lock = threading.Lock()
_model: PropagandaModel | None = None


def shipped_model() -> PropagandaModel:
    """The shipped model, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = PropagandaModel.load()
    return _model


def detect(doc_text: str, sentences: list[tuple[int, int]] | None = None) -> list[dict]:
    """Propaganda signals of ``doc_text``: a list of ``{technique, start, end, text, score}``
    with ``text == doc_text[start:end]`` and ``score`` in 0..1 (the mean probability of the
    span's tokens). ``sentences`` (character spans into ``doc_text``) replace the built-in
    splitting (one sentence per line, split at sentence punctuation). Raises
    ``NewsgraphError("no_model")`` where the model files are missing."""
    return shipped_model().detect(doc_text, sentences)
