"""PLOVER event types for (source, target) pairs: sentence embeddings + a small trained head.

``classify_pairs(doc, pairs)`` reads one parsed document and, for each pair of a source span,
an optional target span and an optional predicate token, returns the PLOVER root type with
a probability for each of the 16 types. What the classifier reads for a pair (``PairView``):

* the **masked sentence**: the sentence with the source replaced by "A" and the target by
  "B" ("A imposed new sanctions on B."), embedded by ``newsgraph.embed`` (all-MiniLM-L6-v2),
  plus the contextual vectors of the predicate, A and B from the same forward pass;
* the **predicate** (the lowest common ancestor of source and target in the parse, or the
  verb governing the one span given), the lemmas on the dependency **path** through it, its
  **frame** (particle, negation, voice, objects and complement verbs, the roles of source
  and target), and the PETRARCH-2 CAMEO verb dictionary's **vote** for the predicate and its
  complement verbs (the most specific verb pattern whose nouns occur in the predicate's
  phrase, mapped CAMEO -> PLOVER; ``data/models/event_type/cameo_verbs.tsv``), as one-hot
  features.

A softmax layer (``config.json`` may name a one-hidden-layer MLP instead) trained by
``scripts/train_event_types.py`` turns them into probabilities, in numpy. It is the second
stage of a cascade: a **gate**, the same kind of layer over the lexical features alone, types
first every pair without the encoder, and its answer stands where its top probability
reaches the configured threshold; only the other pairs are embedded (all of a document's in
one call). The encoder is most of the cost, and the gate spares it for the pairs whose
predicate and dictionary vote already settle the type. The gold data (plv_dev) merges CONCEDE and
RETREAT as YIELD: the model predicts YIELD and ``_split_yield`` shares its probability between
RETREAT (releases, withdrawals, ceasefires, lifted sanctions) and CONCEDE (resignations and
other concessions) by the CAMEO vote and the predicate's words. ``type`` is the most probable
of the 16 types; ``root_of`` gives the plv_dev label (CONCEDE and RETREAT as YIELD).

Weights, label list and feature configuration live in ``data/models/event_type/``; its
MODEL_CARD.md says what the model was trained on and how well it does (eval/plv.py).
Other PairView texts (``sentence``, ``plain``, ``clause``, ``clause_masked``) are what the
experiments in the model card compared; a config may name any of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..errors import NewsgraphError

EXTRACTOR_VERSION = "event_types/1.3"

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                "COERCE", "ASSAULT")
# Quad class of each root type (1 verbal cooperation, 2 material cooperation, 3 verbal
# conflict, 4 material conflict), as in newsgraph.ontology (CONCEDE is verbal, RETREAT
# material); plv_dev's YIELD (both) is 2 in its gold_penta, and every other type's modal
# gold_penta there matches this table (1,044 of 1,050 sentences agree with it).
QUAD = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
        "COOPERATE": 2, "AID": 2, "RETREAT": 2, "YIELD": 2,
        "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
        "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}

NONE = "NONE"   # the training label of a pair that is no political event
MODEL_DIR = "data/models/event_type"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
CAMEO_FILE = "cameo_verbs.tsv"

TokenSpan = tuple[int, int]
Pair = tuple[TokenSpan | None, TokenSpan | None, int | None]


# ------------------------------------------------------------------ records

@dataclass(frozen=True, slots=True)
class TypePrediction:
    type: str                   # the most probable PLOVER root type
    probs: dict[str, float]     # every PLOVER type -> probability (sum 1 - none)
    confidence: float           # probability of ``type``
    none: float = 0.0           # probability that the pair is no political event at all

    @property
    def is_event(self) -> bool:
        """Whether some PLOVER type is more probable than "no event"."""
        return self.confidence > self.none


@dataclass(frozen=True, slots=True)
class PairView:
    """What the classifier reads for one pair."""

    sentence: str               # the sentence with [source] and {target} bracketed
    clause: str                 # source + path + predicate phrase + target, sentence order
    predicate: str              # lemma of the predicate ("" when there is none)
    path: tuple[str, ...]       # lower-case lemmas on the dependency path (no span words)
    cameo: str                  # the CAMEO dictionary's PLOVER vote ("" when none)
    cameo_code: str             # the CAMEO code of that vote
    plain: str = ""             # the sentence as it is
    masked: str = ""            # the sentence with the source and target replaced by A and B
    clause_masked: str = ""     # the clause with the source and target replaced by A and B
    frame: tuple[str, ...] = ()  # predicate frame: particle, negation, voice, complements, roles
    cameo_votes: tuple[str, ...] = ()  # dictionary votes of the predicate and its complement verbs
    masked_spans: tuple[tuple[int, int], ...] = ()  # predicate, A, B in ``masked`` ((-1, -1): none)


# ------------------------------------------------------------------ the CAMEO verb table

@dataclass(frozen=True, slots=True)
class VerbPattern:
    code: str                   # CAMEO code
    plover: str                 # PLOVER root (CONCEDE/RETREAT kept apart)
    post: tuple[tuple[str, ...], ...]   # alternatives per slot after the verb
    pre: tuple[tuple[str, ...], ...]    # alternatives per slot before the verb

    @property
    def size(self) -> int:
        return len(self.post) + len(self.pre)


def _table_path(name: str):
    return resources.files("newsgraph").joinpath(MODEL_DIR, name)


@lru_cache(maxsize=1)
def cameo_verbs() -> dict[str, tuple[VerbPattern, ...]]:
    """verb lemma -> its patterns, most specific first (from ``cameo_verbs.tsv``)."""
    synsets: dict[str, tuple[str, ...]] = {}
    blocks: dict[str, list[tuple[str, str, tuple, tuple]]] = {}
    table: dict[str, list[VerbPattern]] = {}
    text = _table_path(CAMEO_FILE).read_text(encoding="utf-8")

    def slots(s: str) -> tuple[tuple[str, ...], ...]:
        out = []
        for slot in s.split():
            alts: list[str] = []
            for a in slot.split("|"):
                alts.extend(synsets.get(a, ()) if a.startswith("&") else (a,))
            out.append(tuple(alts))
        return tuple(out)

    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if line.startswith("&"):
            synsets[cols[0]] = tuple(cols[1].split("|"))
        elif line.startswith("@"):
            blocks.setdefault(cols[0], []).append((cols[1], cols[2], slots(cols[3]), slots(cols[4])))
        else:
            verb, code, plover, pre, post, block = cols
            xpre = tuple((w,) for w in pre.split())
            xpost = tuple((w,) for w in post.split())
            patterns = table.setdefault(verb, [])
            for c, p, bpre, bpost in blocks.get(block, ()):
                patterns.append(VerbPattern(c, p, xpost + bpost, xpre + bpre))
            if plover:
                patterns.append(VerbPattern(code, plover, xpost, xpre))
    return {v: tuple(sorted(ps, key=lambda p: -p.size)) for v, ps in table.items()}


def _words(tokens) -> set[str]:
    out = set()
    for t in tokens:
        low = t.lower_
        out.add(low)
        out.add(t.lemma_.lower())
    return out


def cameo_vote(pred, exclude: Iterable[int] = ()) -> tuple[str, str]:
    """(PLOVER type, CAMEO code) of the most specific dictionary pattern of the predicate.

    The predicate's own lemma picks the verb block; a pattern matches when each of its noun
    slots has a word among the predicate's phrase (its subtree, less the token indices in
    ``exclude``: after the verb for post-verb slots, before it for pre-verb ones). Ties
    between equally specific patterns go to the first in the dictionary. ("", "") when the
    lemma is not in the dictionary or nothing matches.
    """
    if pred is None:
        return "", ""
    patterns = _patterns_of(pred)
    if not patterns:
        return "", ""
    # a document's candidates and pair views ask for the same votes several times (about five
    # calls a pair): remembered for the document last asked about
    global _votes
    votes = _votes
    if votes[0] is not pred.doc:
        votes = _votes = (pred.doc, {})
    key = (pred.i, tuple(exclude))
    vote = votes[1].get(key)
    if vote is None:
        vote = votes[1][key] = _cameo_vote(pred, patterns, key[1])
    return vote


_votes: tuple = (None, {})   # (the doc, {(predicate index, excluded indices): vote})


def _cameo_vote(pred, patterns, exclude: tuple[int, ...]) -> tuple[str, str]:
    skip = set(exclude)
    # the words of the phrase after the verb and before it, in one walk of its subtree
    after: set[str] = set()
    before: set[str] = set()
    here = pred.i
    for t in pred.subtree:
        i = t.i
        if i == here or i in skip:
            continue
        words = after if i > here else before
        words.add(t.lower_)
        words.add(t.lemma_.lower())
    for plover, code, post, pre in patterns:
        # a slot matches when one of its words is in the phrase: a set intersection
        if all(not after.isdisjoint(slot) for slot in post) and \
                all(not before.isdisjoint(slot) for slot in pre):
            return plover, code
    return "", ""


def _patterns_of(pred):
    """The dictionary's patterns for the predicate: by its lemma, else by its form."""
    table = _cameo_slot_sets()
    return table.get(pred.lemma_.lower()) or table.get(pred.lower_)


def has_cameo_patterns(pred) -> bool:
    """Whether the dictionary has patterns for the predicate (else ``cameo_vote`` gives
    ("", "") whatever it is asked to exclude)."""
    return bool(_patterns_of(pred))


@lru_cache(maxsize=1)
def _cameo_slot_sets() -> dict[str, tuple[tuple[str, str, tuple[frozenset, ...], tuple[frozenset, ...]], ...]]:
    """``cameo_verbs`` with each slot's alternatives as a set, in the same order."""
    sets: dict[tuple[str, ...], frozenset] = {}   # a synset's slot recurs: one set for all
    return {verb: tuple((p.plover, p.code, tuple(sets.get(s) or sets.setdefault(s, frozenset(s)) for s in p.post),
                         tuple(sets.get(s) or sets.setdefault(s, frozenset(s)) for s in p.pre))
                        for p in patterns)
            for verb, patterns in cameo_verbs().items()}


# ------------------------------------------------------------------ views of a pair

_KEEP_CHILD = frozenset({"neg", "prt", "dobj", "attr", "acomp", "oprd", "xcomp", "dative",
                         "aux", "auxpass", "agent"})
_KEEP_GRANDCHILD = frozenset({"neg", "prt", "dobj", "pobj", "xcomp", "compound", "amod", "prep"})
_MODALS = frozenset({"will", "would", "could", "should", "may", "might", "must", "can", "shall",
                     "not", "n't", "never"})
MAX_SPAN_TOKENS = 6


def _ancestors(tok) -> list:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def _governing_verb(tok):
    for t in _ancestors(tok):
        if t.pos_ in ("VERB", "AUX") and t.i != tok.i:
            return t
    return _ancestors(tok)[-1]


def find_predicate(doc, source: TokenSpan | None, target: TokenSpan | None):
    """The token that links source and target: their lowest common ancestor in the parse, or
    the verb governing the one span given. None when there is no span."""
    heads = [doc[s[0]:s[1]].root for s in (source, target) if s is not None and s[1] > s[0]]
    if not heads:   # no span: the root of the first sentence
        return next(iter(doc.sents)).root if len(doc) else None
    if len(heads) == 1:
        return _governing_verb(heads[0])
    up_s, up_t = _ancestors(heads[0]), _ancestors(heads[1])
    on_t = {t.i for t in up_t}
    lca = next((t for t in up_s if t.i in on_t), None)
    if lca is None:                  # different sentences: the source's verb
        return _governing_verb(heads[0])
    if lca.i in (heads[0].i, heads[1].i) and lca.pos_ not in ("VERB", "AUX", "NOUN"):
        return _governing_verb(lca)
    return lca


def _span_tokens(doc, span: TokenSpan | None) -> list:
    if span is None or span[1] <= span[0]:
        return []
    s = doc[span[0]:span[1]]
    toks = list(s)
    if len(toks) > MAX_SPAN_TOKENS:   # keep the head and its nearest modifiers
        root = s.root
        keep = {root.i} | {t.i for t in root.lefts if t.i >= span[0] and t.dep_ in ("compound", "amod", "poss", "nmod")}
        toks = [t for t in toks if t.i in keep]
    return toks


def _path(pred, tok) -> list:
    """Tokens from ``tok`` up to (not including) ``pred``; empty when pred is not above tok."""
    out = []
    for t in _ancestors(tok):
        if t.i == pred.i:
            return out
        out.append(t)
    return []


def view_pair(doc, pair: Pair) -> PairView:
    source, target, pred_i = pair
    pred = doc[pred_i] if pred_i is not None else find_predicate(doc, source, target)
    in_spans = set()
    for span in (source, target):
        if span is not None:
            in_spans.update(range(span[0], span[1]))
    anchor = pred if pred is not None else (doc[source[0]] if source else doc[0])
    sent = anchor.sent
    # the sentence, bracketed
    pieces = []
    for t in sent:
        pre = ("[" if source and t.i == source[0] else "") + ("{" if target and t.i == target[0] else "")
        post = ("]" if source and t.i == source[1] - 1 else "") + ("}" if target and t.i == target[1] - 1 else "")
        pieces.append(pre + t.text + post + t.whitespace_)
    sentence = "".join(pieces).strip()
    plain = sent.text.strip()
    masked_pieces: list[str] = []
    at = 0
    where = {"A": (-1, -1), "B": (-1, -1), "P": (-1, -1)}
    for t in sent:
        piece = ""
        if source and source[0] <= t.i < source[1]:
            if t.i == source[0]:
                where["A"] = (at, at + 1)
                piece = "A" + doc[source[1] - 1].whitespace_
        elif target and target[0] <= t.i < target[1]:
            if t.i == target[0]:
                where["B"] = (at, at + 1)
                piece = "B" + doc[target[1] - 1].whitespace_
        else:
            if pred is not None and t.i == pred.i:
                where["P"] = (at, at + len(t.text))
            piece = t.text_with_ws
        masked_pieces.append(piece)
        at += len(piece)
    masked = "".join(masked_pieces).rstrip()
    masked_spans = (where["P"], where["A"], where["B"])
    # the clause
    keep: dict[int, object] = {}
    path_toks = []
    if pred is not None:
        keep[pred.i] = pred
        for span in (source, target):
            if span is not None and span[1] > span[0]:
                path_toks += _path(pred, doc[span[0]:span[1]].root)
        for t in path_toks:
            keep[t.i] = t
        verbs = [pred] + [t for t in path_toks if t.pos_ in ("VERB", "AUX")]
        for v in verbs:
            for c in v.children:
                if c.dep_ in _KEEP_CHILD and (c.dep_ not in ("aux", "auxpass") or c.lower_ in _MODALS):
                    keep[c.i] = c
                    if c.dep_ in ("dobj", "xcomp", "attr", "oprd", "agent", "acomp"):
                        for g in c.children:
                            if g.dep_ in _KEEP_GRANDCHILD:
                                keep[g.i] = g
                                if g.dep_ == "prep":
                                    for gg in g.children:
                                        if gg.dep_ == "pobj":
                                            keep[gg.i] = gg
    span_keep = {t.i: t for span in (source, target) for t in _span_tokens(doc, span)}
    keep.update(span_keep)
    # drop path words that lie inside spans we shortened
    clause_toks = sorted((t for i, t in keep.items() if i not in in_spans or i in span_keep),
                         key=lambda t: t.i)
    clause = " ".join(t.text for t in clause_toks) if clause_toks else sentence
    cm = []
    for t in clause_toks:
        if source and source[0] <= t.i < source[1]:
            if not cm or cm[-1] != "A":
                cm.append("A")
        elif target and target[0] <= t.i < target[1]:
            if not cm or cm[-1] != "B":
                cm.append("B")
        else:
            cm.append(t.text)
    clause_masked = " ".join(cm) if cm else masked
    path = tuple(t.lemma_.lower() for t in sorted(path_toks + ([pred] if pred is not None else []),
                                                  key=lambda t: t.i)
                 if t.i not in in_spans and not t.is_punct)
    plover, code = cameo_vote(pred)
    frame, votes = _frame(doc, pred, source, target)
    return PairView(sentence=sentence, clause=clause,
                    predicate=pred.lemma_.lower() if pred is not None else "",
                    path=path, cameo=plover, cameo_code=code, plain=plain, masked=masked,
                    clause_masked=clause_masked, frame=frame,
                    cameo_votes=votes, masked_spans=masked_spans)


_NEG = frozenset({"not", "n't", "never", "no"})


def _frame(doc, pred, source, target) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lexical items of the predicate's frame, and the CAMEO votes of it and its complements."""
    if pred is None:
        return (), ()
    lemma = pred.lemma_.lower()
    items = []
    votes = []
    plover, _ = cameo_vote(pred)
    if plover:
        votes.append("v:" + plover)
    for c in pred.children:
        dep = c.dep_
        if dep == "prt":
            items.append(f"prt:{lemma}_{c.lower_}")
        elif dep == "neg" or (c.lower_ in _NEG and dep in ("advmod", "det")):
            items.append("NEG")
        elif dep in ("auxpass", "nsubjpass"):
            items.append("PASSIVE")
        elif dep == "aux" and c.lower_ in _MODALS:
            items.append("MODAL")
        elif dep in ("dobj", "attr", "acomp", "oprd", "dative"):
            items.append(f"obj:{c.lemma_.lower()}")
            items.append(f"vo:{lemma}_{c.lemma_.lower()}")
        elif dep in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
            items.append(f"{dep}:{c.lemma_.lower()}")
            items.append(f"vx:{lemma}_{c.lemma_.lower()}")
            x_plover, _ = cameo_vote(c)
            if x_plover:
                votes.append(f"{dep}:{x_plover}")
            for g in c.children:
                if g.dep_ in ("dobj", "attr"):
                    items.append(f"xobj:{g.lemma_.lower()}")
                elif g.dep_ == "neg":
                    items.append("XNEG")
        elif dep == "prep":
            items.append(f"prep:{lemma}_{c.lower_}")
    if pred.dep_ in ("xcomp", "ccomp", "pcomp", "advcl") and pred.head.i != pred.i:
        # the verb that governs the predicate: "refused to negotiate", "accused X of arming"
        gov = pred.head if pred.dep_ != "pcomp" else pred.head.head
        items.append(f"gov:{gov.lemma_.lower()}")
        items.append(f"govdep:{pred.dep_}")
        g_plover, _ = cameo_vote(gov)
        if g_plover:
            votes.append(f"gov:{g_plover}")
    for role, span in (("src", source), ("tgt", target)):
        if span is not None and span[1] > span[0]:
            root = doc[span[0]:span[1]].root
            items.append(f"{role}:{root.dep_}")
            if (root.head.i != root.i and root.head.dep_ == "prep") or root.dep_ == "pobj":
                items.append(f"{role}prep:{root.head.lower_}")
            if root.dep_ == "pobj" and root.head.dep_ == "agent":
                items.append(f"{role}:agent")
    return tuple(items), tuple(votes)


def view_marked(nlp, text: str, source: tuple[int, int] | None,
                target: tuple[int, int] | None, doc=None) -> tuple[object, Pair]:
    """Parse a raw sentence and turn character spans of source and target into a pair.

    Returns (doc, pair); the same pair ``classify_pairs`` reads. ``doc`` may be given
    already parsed."""
    doc = doc if doc is not None else nlp(text)

    def tokens(span):
        if span is None:
            return None
        sp = doc.char_span(span[0], span[1], alignment_mode="expand")
        return (sp.start, sp.end) if sp is not None and len(sp) else None

    return doc, (tokens(source), tokens(target), None)


_MARK = re.compile(r"</?[st]>")


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """A ``<s>source</s> ... <t>target</t>`` sentence -> (text, source spans, target spans)."""
    text, spans, out = [], {"s": [], "t": []}, 0
    opened: dict[str, int] = {}
    pos = 0
    for m in _MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        out += m.start() - pos
        pos = m.end()
        tag = m.group()
        kind = tag.strip("</>")
        if tag.startswith("</"):
            if kind in opened:
                start = opened.pop(kind)
                # trim spaces the markup left inside
                seg = "".join(text)[start:out]
                lead = len(seg) - len(seg.lstrip())
                trail = len(seg) - len(seg.rstrip())
                spans[kind].append((start + lead, out - trail))
        else:
            opened[kind] = out
    text.append(marked[pos:])
    return "".join(text), spans["s"], spans["t"]


# ------------------------------------------------------------------ the model

@dataclass
class EventTypeModel:
    labels: tuple[str, ...]
    config: dict
    weights: dict[str, np.ndarray]
    vocab: dict[str, dict[str, int]]
    # the cascade's first stage: a lexical-only model (no encoder) whose answer stands where its
    # top probability reaches ``threshold``; the rest go through this model
    gate: "EventTypeModel | None" = None
    threshold: float = 1.0

    @classmethod
    def load(cls, directory: Path | None = None) -> "EventTypeModel":
        base = Path(directory) if directory is not None else Path(str(_table_path("")))
        cfg_path, w_path = base / CONFIG_FILE, base / WEIGHTS_FILE
        if not cfg_path.is_file() or not w_path.is_file():
            raise NewsgraphError("no_model", f"the event-type model is missing: {w_path} or "
                                 f"{cfg_path} not found",
                                 "reinstall newsgraph, or rebuild the model with "
                                 "`python scripts/train_event_types.py`")
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
        with np.load(w_path, allow_pickle=False) as z:
            weights = {k: z[k] for k in z.files}
        return cls.from_parts(config, weights)

    @classmethod
    def from_parts(cls, config: dict, weights: dict[str, np.ndarray]) -> "EventTypeModel":
        """A model from its config and weights; a config with a ``gate`` section (weights
        prefixed ``gate.``) makes the two-stage model."""
        from ..embed import MODEL_ID, layers_of
        if config.get("texts"):
            layers_of(config.get("encoder", MODEL_ID))   # an encoder this newsgraph can run
        vocab = {name: {w: i for i, w in enumerate(words)}
                 for name, words in config.get("vocab", {}).items()}
        gate, threshold = None, 1.0
        if config.get("gate"):
            gcfg = config["gate"]
            gate = cls.from_parts(gcfg, {k[5:]: v for k, v in weights.items() if k.startswith("gate.")})
            if gate.labels != tuple(config["labels"]) or gcfg.get("texts"):
                raise ValueError("the gate must be lexical-only and share the model's labels")
            threshold = float(gcfg["threshold"])
            weights = {k: v for k, v in weights.items() if not k.startswith("gate.")}
        return cls(tuple(config["labels"]), config, weights, vocab, gate, threshold)

    # features ---------------------------------------------------------
    def featurize(self, views: Sequence[PairView], encode=None) -> np.ndarray:
        return build_features(views, self.config, self.vocab, encode)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of this model's own head (no cascade) over its feature matrix."""
        w = self.weights
        h = (X - w["mean"]) / w["scale"]
        if "W1" in w:
            h = np.maximum(h @ w["W1"] + w["b1"], 0.0)
            logits = h @ w["W2"] + w["b2"]
        else:
            logits = h @ w["W"] + w["b"]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def proba(self, views: Sequence[PairView], encode=None) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, decided by the gate) for views, through the cascade: the lexical gate
        first, the encoder only for the views it is unsure of."""
        n = len(views)
        if self.gate is None:
            return self.predict_proba(self.featurize(views, encode)), np.zeros(n, dtype=bool)
        probs = self.gate.predict_proba(self.gate.featurize(views))
        sure = probs.max(axis=1) >= self.threshold
        rest = [i for i in range(n) if not sure[i]]
        if rest:
            probs[rest] = self.predict_proba(self.featurize([views[i] for i in rest], encode))
        return probs, sure


def build_features(views: Sequence[PairView], config: dict, vocab: dict[str, dict[str, int]],
                   encode=None) -> np.ndarray:
    """The feature matrix for views: [embeddings of the texts | one-hot lexical features].

    ``config["texts"]`` names the embedded texts (PairView fields), ``config["lexical"]``
    the one-hot blocks (each with its vocabulary in ``vocab``). ``encode`` defaults to
    ``newsgraph.embed.encode`` with the encoder the model was trained on
    (``config["encoder"]``); all texts of all views go to it in one call."""
    if encode is None:
        from functools import partial

        from ..embed import MODEL_ID, layers_of
        from ..embed import encode as embed_encode
        encode = partial(embed_encode, layers=layers_of(config.get("encoder", MODEL_ID)))
    blocks = []
    texts = config.get("texts", [])
    span_fields = config.get("span_vectors", [])
    n = len(views)
    if texts and views:
        flat = [getattr(v, name) for name in texts for v in views]
        if span_fields:
            spans = [getattr(v, name + "_spans") if name in span_fields else ()
                     for name in texts for v in views]
            emb, span_vecs = encode(flat, spans=spans)
        else:
            emb = encode(flat)
        for k in range(len(texts)):
            blocks.append(emb[k * n:(k + 1) * n])
        for name in span_fields:
            k = texts.index(name)
            blocks.append(np.stack([span_vecs[k * n + i].reshape(-1) for i in range(n)]))
    elif texts:
        width = 384 * len(texts) + sum(384 * 3 for _ in span_fields)
        blocks.append(np.zeros((0, width), dtype=np.float32))
    for name in config.get("lexical", []):
        words = vocab.get(name, {})
        m = np.zeros((len(views), len(words)), dtype=np.float32)
        for row, v in enumerate(views):
            for w in lexical_items(v, name):
                j = words.get(w)
                if j is not None:
                    m[row, j] = 1.0
        blocks.append(m)
    if not blocks:
        return np.zeros((len(views), 0), dtype=np.float32)
    return np.hstack(blocks).astype(np.float32)


def lexical_items(view: PairView, name: str) -> Iterable[str]:
    if name == "predicate":
        return (view.predicate,) if view.predicate else ()
    if name == "cameo":
        return (view.cameo,) if view.cameo else ("<none>",)
    if name == "cameo_code":
        return (view.cameo_code[:2],) if view.cameo_code else ("<none>",)
    if name == "path":
        return view.path
    if name == "frame":
        return view.frame
    if name == "cameo_votes":
        return view.cameo_votes or ("<none>",)
    raise ValueError(f"unknown lexical feature {name!r}")


@lru_cache(maxsize=1)
def shipped_model() -> EventTypeModel:
    return EventTypeModel.load()


# CAMEO 084-087 (RETREAT: release, return, ease sanctions, allow access, de-escalate) against
# 080-083 (CONCEDE: ease restrictions and dissent, accede to demands for reform or leadership
# change), as words of the predicate, its path and its complement verbs.
_RETREAT_WORDS = frozenset("""release free return withdraw pull retreat ceasefire truce lift ease
    evacuate disarm surrender demobilize demobilise reopen open allow permit hand deliver
    repatriate unblock pardon exchange swap""".split())
_CONCEDE_WORDS = frozenset("""resign quit concede accede accept admit yield apologize apologise
    step abdicate relent bow cede compromise recognize recognise reform reinstate
    legalize legalise amnesty""".split())


def _split_yield(view: PairView) -> float:
    """Share of plv_dev's YIELD that is RETREAT (the rest is CONCEDE)."""
    words = set(view.path) | {view.predicate} | {f.split(":", 1)[1] for f in view.frame
                                                 if f.startswith(("xcomp:", "ccomp:", "prt:"))}
    words |= {w.split("_", 1)[0] for w in words}
    if view.cameo == "RETREAT" or any(v.endswith(":RETREAT") for v in view.cameo_votes):
        return 0.9
    if view.cameo == "CONCEDE" or any(v.endswith(":CONCEDE") for v in view.cameo_votes):
        return 0.1
    if words & _CONCEDE_WORDS and not words & _RETREAT_WORDS:
        return 0.1
    return 0.9 if words & _RETREAT_WORDS else 0.6


def predictions(model: EventTypeModel, views: Sequence[PairView], probs: np.ndarray) -> list[TypePrediction]:
    out = []
    for v, p in zip(views, probs):
        d = {t: 0.0 for t in PLOVER_TYPES}
        none = 0.0
        for label, q in zip(model.labels, p):
            if label == NONE:
                none = float(q)
            elif label == "YIELD":
                r = _split_yield(v)
                d["RETREAT"] += float(q) * r
                d["CONCEDE"] += float(q) * (1 - r)
            else:
                d[label] += float(q)
        best = max(d, key=d.get)
        out.append(TypePrediction(type=best, probs=d, confidence=d[best], none=none))
    return out


def root_of(prediction: TypePrediction) -> str:
    """The plv_dev label of a prediction: CONCEDE and RETREAT count as YIELD; NONE where "no
    event" is more probable than any of them."""
    yield_p = prediction.probs["CONCEDE"] + prediction.probs["RETREAT"]
    best = max((t for t in PLOVER_TYPES if t not in ("CONCEDE", "RETREAT")),
               key=lambda t: prediction.probs[t])
    label, p = ("YIELD", yield_p) if yield_p > prediction.probs[best] else (best, prediction.probs[best])
    return NONE if prediction.none > p else label


def classify_pairs(doc, pairs: Sequence[Pair], model: EventTypeModel | None = None,
                   encode=None) -> list[TypePrediction]:
    """PLOVER type of each (source, target, predicate) pair of one parsed document.

    Spans are spaCy token offsets (start, end-exclusive); target and predicate may be None
    (the predicate is then the tokens' lowest common ancestor in the parse). The lexical
    gate types the pairs it is sure of; the others go through the encoder in one call."""
    if not pairs:
        return []
    model = model or shipped_model()
    views = [view_pair(doc, p) for p in pairs]
    probs, _ = model.proba(views, encode)
    return predictions(model, views, probs)
