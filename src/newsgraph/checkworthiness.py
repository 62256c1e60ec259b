"""Trained check-worthiness ranker: how much a claim deserves a fact-check, 0..1.

``CheckworthinessModel.load()`` reads ``data/models/checkworthiness/{weights.npz,config.json}``
(built by ``scripts/train_checkworthiness.py``, measured by ``eval/checkworthiness.py``; see the
MODEL_CARD.md beside the weights). The forward pass is numpy only: a logistic regression over

* **lexical** features of the text, from regular expressions (no spaCy): numbers, years,
  percentages, money, quantity and comparison words, first/second-person pronouns, modal
  verbs, hedges, negation, capitalised words inside the sentence, question/exclamation marks,
  length; and (``cw-features/2``) verifiable content against opinion: numbers with a unit,
  dates, named sources, "than", acronyms and runs of capitalised words, past-tense verbs,
  future markers, evaluative words, address of the audience (``LEXICAL_NAMES``);
* a **bag of words**: tf-idf weighted unigrams and bigrams of a vocabulary fixed at training
  time, L2-normalised (``bow_tokens``);
* the **sentence embedding** (newsgraph.embed, all-MiniLM-L6-v2) where the configuration
  says ``"embedding": true`` (the shipped model does); then ``score_texts`` encodes the texts,
  or takes their vectors.

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
from collections import Counter
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
FEATURES_VERSION = "cw-features/2"
_HINT = ("reinstall newsgraph, or rebuild the model with `python scripts/train_checkworthiness.py` "
         "(needs the train extra and ../shared/data/claims)")

# ------------------------------------------------------------------ lexical features

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
_DIGIT = re.compile(r"\d")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
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

# cw-features/2: verifiable content (quantities with a unit, named-entity proxies from
# capitalisation, named sources, dates, past-tense event verbs) against opinion, future and
# address; all from the text alone, so they exist on news sentences as on debate lines.
_QUANTITY = re.compile(
    r"(?:\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
    r"thousands?|millions?|billions?))\s*(?:%|\b(?:per ?cent|percent|percentage points?|points?|"
    r"thousand|million|billion|trillion|people|persons|workers|jobs|children|women|men|families|"
    r"americans|citizens|voters|votes|troops|soldiers|police|officers|refugees|immigrants|"
    r"deaths|dead|killed|wounded|injured|victims|cases|dollars|euros|pounds|barrels|tons|tonnes|"
    r"acres|miles|kilometres|kilometers|km|years?|months?|weeks?|days?|hours?|times|fold|"
    r"countries|states|cities|companies|schools|hospitals|homes|houses|cars|guns|weapons)\b)",
    re.I)
_MONTH = re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|"
                    r"November|December|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\b\.?|"
                    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_AGO = re.compile(r"\b(?:ago|since|last (?:year|month|week|decade|century)|in the past|"
                  r"(?:19|20)\d0s)\b", re.I)
_SOURCE = re.compile(r"\baccording to\b|\b(?:report|reports|reported|study|studies|survey|poll|polls|"
                     r"data|statistics|figures|census|records|analysis|estimates?|estimated|"
                     r"found|shows?|showed|revealed|confirmed|documents?)\b", re.I)
_THAN = re.compile(r"\bthan\b|\b(?:as|so) (?:much|many) as\b", re.I)
_FUTURE = re.compile(r"\b(?:will|won't|shall|gonna|going to|'ll|plans? to|intends? to|tomorrow|"
                     r"next (?:year|month|week))\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_IRREGULAR_PAST = frozenset("""said told went came gave took made lost won paid spent built sold
    bought left began brought fought rose fell grew cut hit killed became got put kept held led
    sent met ran stood wrote knew thought saw found chose broke stole shot struck""".split())
_NOT_PAST_ED = frozenset("""need needed indeed speed seed feed breed red bed wed shed hundred
    united limited""".split())
_OPINION = frozenset("""great terrible horrible wonderful amazing beautiful tremendous incredible
    disaster disgrace disgraceful best worst bad good nice fantastic sad stupid ridiculous
    unbelievable love hate proud shame shameful awful outrageous wrong right fair unfair
    important believe honor honored privilege""".split())
_ADDRESS = frozenset("""you your yours yourself folks everybody everyone ladies gentlemen friends
    thank thanks""".split())
_REFERENCE = frozenset("""he she they his her their him them it this that these those""".split())

LEXICAL_NAMES: tuple[str, ...] = (
    "log_words", "short", "long", "has_digit", "n_numbers", "year", "percent", "money",
    "num_word", "scale_word", "compare", "first_singular", "first_plural", "second_person",
    "modal", "hedge", "negation", "past", "civil", "inner_capitals", "inner_capital_ratio",
    "question", "exclamation",
    # cw-features/2
    "quantity", "date_word", "time_ago", "named_source", "than", "future", "acronym",
    "entity_runs", "past_verb", "opinion_word", "address", "reference_ratio", "long_word_ratio",
    "starts_with_capital_name",
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words, lower-cased words with ’ as ') of a text: shared by the lexical features and
    the bag of words, which ``score_texts`` computes for the same texts one after the other."""
    words = tuple(_WORD.findall(text))
    return words, tuple(w.lower().replace("’", "'") for w in words)


def lexical_features(text: str) -> np.ndarray:
    """The ``LEXICAL_NAMES`` features of one text, float32."""
    words, lower = _tokens(text)
    n = len(words)
    inner_caps = sum(1 for w in words[1:] if w[0].isupper() and w.lower() not in _I)
    numbers = sum(1 for w in words if w[0].isdigit())
    lset = set(lower)

    def count(vocab: frozenset) -> float:
        return float(min(sum(1 for w in lower if w in vocab), 3))

    stripped = text.rstrip().rstrip("\"'”’)")
    has_digit = _NUMBER.search(text) is not None   # (a year has digits)
    values = (
        math.log1p(n), float(n < 5), float(n > 30),
        float(has_digit), float(min(numbers, 3)), float(has_digit and bool(_YEAR.search(text))),
        float(bool(_PERCENT.search(text))), float(bool(_MONEY.search(text))),
        float(bool(lset & _NUM_WORDS)), float(bool(lset & _SCALE)), count(_COMPARE),
        count(_I), count(_WE), count(_YOU), count(_MODAL), count(_HEDGE), count(_NEG),
        count(_PAST), count(_CIVIL), float(min(inner_caps, 5)), inner_caps / max(n - 1, 1),
        float(stripped.endswith("?")), float(stripped.endswith("!")),
    ) + _content_features(text, words, lower)
    return np.asarray(values, dtype=np.float32)


def _entity_runs(words: Sequence[str]) -> int:
    """Runs of two or more capitalised words after the first word ("Supreme Court",
    "New York Times"): a proxy for multi-word names without a parser."""
    runs, length = 0, 0
    for w in (*words[1:], ""):
        if w[:1].isupper() and w.lower() not in _I:
            length += 1
        else:
            runs += length >= 2
            length = 0
    return runs


def _content_features(text: str, words: Sequence[str], lower: Sequence[str]) -> tuple[float, ...]:
    n = max(len(words), 1)
    past = sum(1 for w in lower if w in _IRREGULAR_PAST or
               (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED))
    first_is_name = bool(words) and words[0][:1].isupper() and len(words) > 1 and \
        words[0].lower() not in (_I | _WE | _YOU | _REFERENCE | _CIVIL | _MODAL | _NEG) and \
        words[0].lower() not in ("the", "a", "an", "and", "but", "so", "if", "what", "how", "why",
                                 "when", "where", "who", "there", "now", "in", "on", "at", "as")
    return (
        float(min(len(_QUANTITY.findall(text)), 3)), float(bool(_MONTH.search(text))),
        float(bool(_AGO.search(text))), float(min(len(_SOURCE.findall(text)), 3)),
        float(bool(_THAN.search(text))), float(bool(_FUTURE.search(text))),
        float(min(sum(1 for a in _ACRONYM.findall(text) if a not in ("I", "OK")), 3)),
        float(min(_entity_runs(words), 3)), float(min(past, 3)),
        float(min(sum(1 for w in lower if w in _OPINION), 3)),
        float(min(sum(1 for w in lower if w in _ADDRESS), 3)),
        sum(1 for w in lower if w in _REFERENCE) / n,
        sum(1 for w in words if len(w) >= 7 and w.isalpha()) / n,
        float(first_is_name),
    )


def _bow_words(lower: Sequence[str]) -> list[str]:
    """Lower-cased words with digits folded to 0 (a word that starts with a letter has none)."""
    return [w if w[0] in _ASCII_LETTERS else _DIGIT.sub("0", w) for w in lower]


def bow_tokens(text: str, bigrams: bool = True) -> list[str]:
    """Lower-cased word unigrams (digits folded to 0) and, with ``bigrams``, adjacent pairs."""
    words = _bow_words(_tokens(text)[1])
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
        column = self.vocab.get
        for t in texts:
            # column -> occurrences, in the order of first occurrence
            counts = Counter(j for j in map(column, bow_tokens(t, bigrams)) if j is not None)
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
