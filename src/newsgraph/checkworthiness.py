"""Trained check-worthiness ranker: how much a claim deserves a fact-check, 0..1.

``CheckworthinessModel.load()`` reads ``data/models/checkworthiness/{weights.npz,config.json}``
(built by ``scripts/train_checkworthiness.py``, measured by ``eval/checkworthiness.py``; see the
MODEL_CARD.md beside the weights). The forward pass is numpy only: a logistic regression over

* **lexical** features of the text, from regular expressions (no spaCy): numbers, years,
  percentages, money, quantity and comparison words, first/second-person pronouns, modal
  verbs, hedges, negation, capitalised words inside the sentence, question/exclamation marks,
  length (``LEXICAL_NAMES``);
* a **bag of words**: tf-idf weighted unigrams and bigrams of a vocabulary fixed at training
  time, L2-normalised (``bow_tokens``);
* optionally the **sentence embedding** (newsgraph.embed, all-MiniLM-L6-v2) where the
  shipped configuration says ``"embedding": true``; then ``score_texts`` needs an encoder.

Each text is scored on its own (no context features), so a text's score never depends on the
texts scored beside it: the claims extractor can call ``score_texts`` once per document with
all its claim texts.

    from newsgraph.checkworthiness import CheckworthinessModel
    scores = CheckworthinessModel.load().score_texts([c.span.text for c in claims])
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .errors import NewsgraphError

MODEL_DIR = ("data", "models", "checkworthiness")
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "config.json"
FEATURES_VERSION = "cw-features/1"
_HINT = ("reinstall newsgraph, or rebuild the model with `python scripts/train_checkworthiness.py` "
         "(needs the train extra and ../shared/data/claims)")

# ------------------------------------------------------------------ lexical features

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_MONEY = re.compile(r"[$€£]|\b(?:dollars?|euros?|pounds?|cents?)\b", re.I)

_NUM_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve
    twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
    million millions billion billions trillion trillions half twice double doubled triple tripled
    quarter third dozen dozens""".split())
_SCALE = frozenset("million millions billion billions trillion trillions thousand thousands".split())
_COMPARE = frozenset("""more less fewer than most least highest lowest largest biggest smallest
    record increase increased increases decrease decreased decreases rise rose risen fall fell
    fallen grow grew grown growth drop dropped cut cuts raised up down higher lower larger bigger
    only first last ever never""".split())
_I = frozenset("i me my mine myself i'm i've i'd i'll".split())
_WE = frozenset("we us our ours ourselves we're we've we'd we'll".split())
_YOU = frozenset("you your yours yourself you're you've you'd you'll".split())
_MODAL = frozenset("will would could should might may must can shall 'll won't wouldn't couldn't "
                   "shouldn't can't cannot".split())
_HEDGE = frozenset("""maybe perhaps possibly probably reportedly allegedly apparently seemingly
    supposedly think believe guess feel hope seems seem""".split())
_NEG = frozenset("not no never nothing nobody none n't don't doesn't didn't isn't aren't wasn't "
                 "weren't haven't hasn't hadn't".split())
_PAST = frozenset("was were had has have been did passed voted signed".split())
_CIVIL = frozenset("""thank thanks applause laughter crosstalk welcome okay ok yes yeah well
    please excuse sorry congratulations""".split())

LEXICAL_NAMES: tuple[str, ...] = (
    "log_words", "short", "long", "has_digit", "n_numbers", "year", "percent", "money",
    "num_word", "scale_word", "compare", "first_singular", "first_plural", "second_person",
    "modal", "hedge", "negation", "past", "civil", "inner_capitals", "inner_capital_ratio",
    "question", "exclamation",
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def lexical_features(text: str) -> np.ndarray:
    """The ``LEXICAL_NAMES`` features of one text, float32."""
    words = _words(text)
    lower = [w.lower().replace("’", "'") for w in words]
    n = len(words)
    inner_caps = sum(1 for w in words[1:] if w[0].isupper() and w.lower() not in _I)
    numbers = sum(1 for w in words if w[0].isdigit())
    lset = set(lower)

    def count(vocab: frozenset) -> float:
        return float(min(sum(1 for w in lower if w in vocab), 3))

    stripped = text.rstrip().rstrip("\"'”’)")
    values = (
        math.log1p(n), float(n < 5), float(n > 30),
        float(bool(_NUMBER.search(text))), float(min(numbers, 3)), float(bool(_YEAR.search(text))),
        float(bool(_PERCENT.search(text))), float(bool(_MONEY.search(text))),
        float(bool(lset & _NUM_WORDS)), float(bool(lset & _SCALE)), count(_COMPARE),
        count(_I), count(_WE), count(_YOU), count(_MODAL), count(_HEDGE), count(_NEG),
        count(_PAST), count(_CIVIL), float(min(inner_caps, 5)), inner_caps / max(n - 1, 1),
        float(stripped.endswith("?")), float(stripped.endswith("!")),
    )
    return np.asarray(values, dtype=np.float32)


def bow_tokens(text: str, bigrams: bool = True) -> list[str]:
    """Lower-cased word unigrams (digits folded to 0) and, with ``bigrams``, adjacent pairs."""
    words = [re.sub(r"\d", "0", w.lower().replace("’", "'")) for w in _words(text)]
    if not bigrams:
        return words
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


# ------------------------------------------------------------------ the model

@dataclass
class CheckworthinessModel:
    config: dict
    coef: np.ndarray          # (n_features,) over [lexical | bow | embedding], standardised
    intercept: float
    mean: np.ndarray          # standardisation of the dense part (lexical + embedding)
    scale: np.ndarray
    idf: np.ndarray           # (len(vocab),)
    vocab: dict[str, int]

    @classmethod
    def load(cls, directory: Path | str | None = None) -> "CheckworthinessModel":
        """The shipped model (loaded once per process), or the one in ``directory``."""
        if directory is None:
            return _shipped()
        return cls._read(Path(directory))

    @classmethod
    def _read(cls, base: Path) -> "CheckworthinessModel":
        cfg_path, w_path = base / CONFIG_FILE, base / WEIGHTS_FILE
        if not cfg_path.is_file() or not w_path.is_file():
            raise NewsgraphError("no_model", f"the check-worthiness model is missing: {w_path} or "
                                 f"{cfg_path} not found", _HINT)
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
        with np.load(w_path, allow_pickle=False) as z:
            w = {k: z[k] for k in z.files}
        return cls.from_parts(config, w)

    @classmethod
    def from_parts(cls, config: dict, w: dict[str, np.ndarray]) -> "CheckworthinessModel":
        feats = config["features"]
        if feats.get("version") != FEATURES_VERSION:
            raise NewsgraphError("no_model", f"the check-worthiness model was built with features "
                                 f"{feats.get('version')!r}, this newsgraph computes {FEATURES_VERSION!r}",
                                 _HINT)
        if feats.get("embedding"):
            from .embed import MODEL_ID
            if config.get("encoder") != MODEL_ID:
                raise NewsgraphError("no_model", f"the check-worthiness model was trained on the "
                                     f"encoder {config.get('encoder')!r}, this newsgraph runs {MODEL_ID!r}",
                                     _HINT)
        vocab_words = [str(x) for x in w.get("vocab", np.zeros(0, dtype="U1"))]
        return cls(config, w["coef"].astype(np.float32), float(w["intercept"]),
                   w["mean"].astype(np.float32), w["scale"].astype(np.float32),
                   w.get("idf", np.zeros(0, np.float32)).astype(np.float32),
                   {t: i for i, t in enumerate(vocab_words)})

    @property
    def needs_encoder(self) -> bool:
        return bool(self.config["features"].get("embedding"))

    # features ---------------------------------------------------------
    def dense_features(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Unstandardised dense part: lexical features, then the embedding where configured."""
        parts = []
        if self.config["features"].get("lexical", True):
            parts.append(np.stack([lexical_features(t) for t in texts]) if texts
                         else np.zeros((0, len(LEXICAL_NAMES)), np.float32))
        if self.needs_encoder:
            if embeddings is None:
                raise ValueError("this model needs sentence embeddings")
            parts.append(np.asarray(embeddings, dtype=np.float32))
        return np.hstack(parts) if parts else np.zeros((len(texts), 0), np.float32)

    def bow_rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text, the (column indices, values) of its tf-idf row over the model's vocabulary
        (sublinear tf, L2-normalised); terms outside the vocabulary are dropped."""
        bigrams = bool(self.config["features"].get("bigrams", True))
        rows = []
        for t in texts:
            counts: dict[int, int] = {}
            for tok in bow_tokens(t, bigrams):
                j = self.vocab.get(tok)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
            vals = tf * self.idf[idx]
            if len(vals):
                vals = vals / max(float(np.linalg.norm(vals)), 1e-12)
            rows.append((idx, vals.astype(np.float32)))
        return rows

    # scoring ----------------------------------------------------------
    def score_texts(self, texts: Sequence[str], encode: Callable | None = None,
                    embeddings: np.ndarray | None = None) -> np.ndarray:
        """Probability that each text is check-worthy, (len(texts),) float64 in 0..1.

        One call per document with all its claim texts. Where the model uses embeddings, pass
        them (``embeddings``, rows matching ``texts``) or an ``encode`` function (default
        newsgraph.embed.encode); a lexical-only model ignores both and needs no encoder."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros(0, dtype=np.float64)
        if self.needs_encoder and embeddings is None:
            if encode is None:
                from .embed import encode
            embeddings = encode(texts)
        dense = (self.dense_features(texts, embeddings) - self.mean) / self.scale
        n_dense = dense.shape[1]
        logit = dense @ self.coef[:n_dense] + self.intercept
        if self.vocab:
            bow_coef = self.coef[n_dense:]
            logit = logit + np.array([float(v @ bow_coef[i]) for i, v in self.bow_rows(texts)])
        return 1.0 / (1.0 + np.exp(-logit.astype(np.float64)))

    score = score_texts


def model_path() -> Path:
    return Path(str(resources.files("newsgraph").joinpath(*MODEL_DIR)))


@lru_cache(maxsize=1)
def _shipped() -> CheckworthinessModel:
    return CheckworthinessModel._read(model_path())


def score_texts(texts: Sequence[str], encode: Callable | None = None) -> np.ndarray:
    """Scores of ``texts`` by the shipped model (see ``CheckworthinessModel.score_texts``)."""
    return CheckworthinessModel.load().score_texts(texts, encode=encode)
