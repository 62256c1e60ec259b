"""The speed-ups of the parse and of the extractors give the same annotations as the code
they replace (no timing here: see benchmarks/bench_ingest.py)."""

from __future__ import annotations

import pytest

from newsgraph.extract import event_types
from newsgraph.nlp import _RulerMatch, load_nlp

TEXTS = [
    "",
    " ",
    "\n\n",
    "It's gonna be fine, I told you. There is a cat.  \nLet's go, ain't it? He's got nothin' to lose.",
    "The United Nations said on Monday that Russia had imposed new sanctions on Ukraine, "
    "while the White House refused to comment.\n\nBut officials in Kabul denied it.",
    "Who did it? I did not. You and it were there; that is what they say, and I don't doubt them.",
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_attribute_ruler_matches_as_spacy(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, _RulerMatch)
    spacy_match = type(ruler).match.__get__(ruler)
    for doc in nlp.pipe(TEXTS, disable=["attribute_ruler", "lemmatizer", "ner"]):
        assert ruler.match(doc) == spacy_match(doc)


def test_ruler_and_lemmatizer_annotate_as_spacy(nlp):
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
    from spacy.tokens import Doc
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    spacy_lemmatizer = type(lemmatizer).__mro__[1]
    attrs = [LEMMA, POS, TAG, MORPH, DEP, HEAD]
    for _ in range(2):   # the second time from the caches
        for doc in nlp.pipe(TEXTS, disable=["attribute_ruler", "lemmatizer", "ner"]):
            ours = Doc(nlp.vocab).from_bytes(doc.to_bytes())
            theirs = Doc(nlp.vocab).from_bytes(doc.to_bytes())
            lemmatizer(ruler(ours))
            type(ruler).set_annotations(ruler, theirs, type(ruler).match(ruler, theirs))
            spacy_lemmatizer.__call__(lemmatizer, theirs)
            assert (ours.to_array(attrs) == theirs.to_array(attrs)).all()
            assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]


def _cameo_vote_by_patterns(pred):
    """cameo_vote as written before the slot sets: any() over each slot's words."""
    if pred is None:
        return "", ""
    patterns = event_types.cameo_verbs().get(pred.lemma_.lower()) or event_types.cameo_verbs().get(pred.lower_)
    if not patterns:
        return "", ""
    after = event_types._words(t for t in pred.subtree if t.i > pred.i)
    before = event_types._words(t for t in pred.subtree if t.i < pred.i)
    for p in patterns:
        if all(any(a in after for a in slot) for slot in p.post) and \
                all(any(a in before for a in slot) for slot in p.pre):
            return p.plover, p.code
    return "", ""


def test_cameo_vote_same_as_pattern_scan(nlp):
    texts = TEXTS + ["Russia imposed sanctions on Iran and threatened military action against it.",
                     "The rebels released the hostages and agreed to a ceasefire with the army.",
                     "Protesters demanded the resignation of the prime minister."]
    n = 0
    for doc in nlp.pipe(texts):
        for tok in doc:
            if tok.pos_ in ("VERB", "AUX", "NOUN"):
                assert event_types.cameo_vote(tok) == _cameo_vote_by_patterns(tok)
                n += 1
    assert n > 10


def test_networks_multiply_with_numpy_and_annotate_as_with_blis(nlp):
    """load_nlp moves the networks' matrix products from BLIS to numpy: the same tags, heads,
    labels, sentence starts and entities as thinc's default ops on the same texts."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, SENT_START, TAG
    from thinc.api import NumpyOps
    models = [c.model for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk")]
    assert models and all(not n.ops.use_blis for m in models for n in m.walk())
    blis = NumpyOps(use_blis=True)
    attrs = [TAG, DEP, HEAD, SENT_START, ENT_IOB, ENT_TYPE]
    texts = TEXTS + ["Taliban fighters attacked a police post in Kunduz on Tuesday, killing four "
                     "officers, the provincial governor's spokesman told Reuters."]
    ours = [d.to_array(attrs) for d in nlp.pipe(texts)]
    saved = {id(n): n.ops for m in models for n in m.walk()}
    try:
        for m in models:
            for n in m.walk():
                n.ops = blis
        theirs = [d.to_array(attrs) for d in nlp.pipe(texts)]
    finally:
        for m in models:
            for n in m.walk():
                n.ops = saved[id(n)]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert (a == b).all()


def test_the_pinned_spacy_lemmatises_silent_e_verbs(nlp):
    # spaCy 3.8.8 and later parse about a third slower here and lemmatise these as "fin",
    # "hop", "tap": requirements/lock.txt pins 3.8.7 (docs/ingest.md, Speed)
    doc = nlp("The court fined her. They hoped for a deal and taped the talks.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["fined"], lemmas["hoped"], lemmas["taped"]) == ("fine", "hope", "tape")
