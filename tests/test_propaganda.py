"""The propaganda detector: the shipped model on hand-written sentences, and the SI metric."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newsgraph import propaganda as pg
from newsgraph.errors import NewsgraphError

ROOT = Path(__file__).resolve().parent.parent

LOADED = ("These treacherous thugs and corrupt traitors are destroying our great nation! "
          "Only a coward would stand by while this evil, disgusting regime of lunatics "
          "lies to us again and again!\n"
          "Wake up, patriots! The radical mob will never stop until everything we love is gone!")
DRY = "The committee met on Tuesday and approved the budget for the 2024 fiscal year."


def _train_module():
    spec = importlib.util.spec_from_file_location("train_propaganda", ROOT / "scripts" / "train_propaganda.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_propaganda", mod)
    spec.loader.exec_module(mod)
    return mod


needs_model = pytest.mark.skipif(not (pg.MODEL_DIR / pg.WEIGHTS_FILE).is_file(),
                                 reason="the propaganda model is not built")


@needs_model
def test_shipped_model_loads():
    model = pg.shipped_model()
    assert model.techniques == pg.TECHNIQUES
    assert 0.0 < model.config["threshold"] < 1.0


@needs_model
def test_signals_quote_the_text_exactly():
    signals = pg.detect(LOADED)
    assert signals, "a text heavy with loaded language gets at least one signal"
    for s in signals:
        assert set(s) == {"technique", "start", "end", "text", "score"}
        assert 0 <= s["start"] < s["end"] <= len(LOADED)
        assert s["text"] == LOADED[s["start"]:s["end"]]
        assert 0.0 <= s["score"] <= 1.0
        assert s["technique"] in pg.READABLE.values()


@needs_model
def test_dry_sentence_gets_fewer_signals():
    assert len(pg.detect(DRY)) < len(pg.detect(LOADED))


@needs_model
def test_given_sentences_and_offsets_into_the_text():
    text = "Intro line.\n\n" + LOADED
    first = text.index("These")
    sentences = [(0, 11), (first, text.index("\n", first))]
    signals = pg.detect(text, sentences)
    for s in signals:
        assert s["text"] == text[s["start"]:s["end"]]
    assert pg.detect("") == []
    assert pg.detect("   \n  ") == []


def test_missing_model_raises(tmp_path):
    with pytest.raises(NewsgraphError) as err:
        pg.PropagandaModel.load(tmp_path)
    assert err.value.code == "no_model"


def test_split_sentences_offsets():
    text = "First one. Second one!\n\n  Third line?  \nlast"
    spans = pg.split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third line?", "last"]


def test_lexicon():
    assert pg.in_lexicon("Treacherous") and pg.in_lexicon("thugs")
    assert not pg.in_lexicon("budget")


def test_si_metric_exact_partial_none():
    tp = _train_module()
    # exact match
    assert tp.si_scores({"a": [(0, 10)]}, {"a": [(0, 10)]}) == pytest.approx((1.0, 1.0, 1.0))
    # partial: predicted (0, 10) against gold (5, 25): P = 5/10, R = 5/20
    p, r, f = tp.si_scores({"a": [(0, 10)]}, {"a": [(5, 25)]})
    assert (p, r) == pytest.approx((0.5, 0.25))
    assert f == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    # none
    assert tp.si_scores({"a": [(0, 5)]}, {"a": [(10, 20)]}) == (0.0, 0.0, 0.0)
    # no prediction at all, and spans of another article never count
    assert tp.si_scores({}, {"a": [(0, 5)]}) == (0.0, 0.0, 0.0)
    assert tp.si_scores({"b": [(0, 5)]}, {"a": [(0, 5)]}) == (0.0, 0.0, 0.0)
    # two predictions, one exact and one wrong: P = 1/2, R = 1
    assert tp.si_scores({"a": [(0, 5), (8, 9)]}, {"a": [(0, 5)]})[:2] == pytest.approx((0.5, 1.0))
    # overlapping gold spans are merged first: (0, 10) + (5, 20) -> (0, 20)
    assert tp.si_scores({"a": [(0, 20)]}, {"a": [(0, 10), (5, 20)]}) == pytest.approx((1.0, 1.0, 1.0))
