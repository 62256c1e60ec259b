"""The shipped check-worthiness model (src/newsgraph/data/models/checkworthiness)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from newsgraph.checkworthiness import CheckworthinessModel, lexical_features, LEXICAL_NAMES, model_path
from newsgraph.errors import NewsgraphError

FACT = ("Unemployment fell from 7.8 percent in 2012 to 4.1 percent last year, and the "
        "federal deficit reached $1.7 trillion.")
OPINION = "I think this is a wonderful country and we should be proud of it."
QUESTION = "What do you think about that?"
SENTENCES = [
    FACT,
    OPINION,
    QUESTION,
    "Thank you very much.",
    "The company laid off 12,000 workers in Ohio between 2019 and 2021.",
    "We are going to make this country great again.",
]


@pytest.fixture(scope="module")
def model():
    return CheckworthinessModel.load()


@pytest.fixture(scope="module")
def scores(model):
    return model.score_texts(SENTENCES)


def test_loads_once(model):
    assert CheckworthinessModel.load() is model


def test_scores_are_probabilities(scores):
    assert scores.shape == (len(SENTENCES),)
    assert np.all(np.isfinite(scores))
    assert np.all((scores >= 0.0) & (scores <= 1.0))


def test_factual_claim_with_numbers_outranks_opinion_and_question(scores):
    fact, opinion, question = scores[0], scores[1], scores[2]
    assert fact > opinion
    assert fact > question
    # the second numeric claim too, and pleasantries rank low
    assert scores[4] > max(opinion, question, scores[3])


def test_batch_equals_one_by_one(model, scores):
    single = np.array([model.score_texts([t])[0] for t in SENTENCES])
    np.testing.assert_allclose(scores, single, rtol=1e-6, atol=1e-7)


def test_empty_batch(model):
    assert model.score_texts([]).shape == (0,)


def test_lexical_features_shape():
    f = lexical_features(FACT)
    assert f.shape == (len(LEXICAL_NAMES),)
    named = dict(zip(LEXICAL_NAMES, f))
    assert named["has_digit"] == 1.0 and named["percent"] == 1.0 and named["money"] == 1.0
    assert dict(zip(LEXICAL_NAMES, lexical_features(QUESTION)))["question"] == 1.0


def test_missing_weights_give_clear_error(tmp_path):
    shutil.copy(model_path() / "config.json", tmp_path / "config.json")   # weights.npz left out
    with pytest.raises(NewsgraphError) as err:
        CheckworthinessModel.load(tmp_path)
    assert err.value.code == "no_model"
    assert "weights.npz" in err.value.message
    assert "train_checkworthiness.py" in err.value.hint


def _named(text: str) -> dict[str, float]:
    return dict(zip(LEXICAL_NAMES, (float(v) for v in lexical_features(text))))


def test_quantity_with_a_unit():
    assert _named("The army sent 3,000 troops and spent $2 billion.")["quantity"] == 2.0
    assert _named("Officials said two hundred families were evacuated.")["quantity"] == 1.0
    # a bare number or a year is not a quantity with a unit
    assert _named("In 2016 the vote was held on page 3.")["quantity"] == 0.0


def test_named_sources_dates_and_past_events():
    f = _named("According to the census, the population fell in March, three years ago.")
    assert f["named_source"] >= 1.0 and f["date_word"] == 1.0 and f["time_ago"] == 1.0
    assert f["past_verb"] == 1.0                      # "fell"
    f = _named("The factory closed and 400 workers lost their jobs.")
    assert f["past_verb"] == 2.0                      # "closed", "lost"
    assert _named("We need more teachers.")["past_verb"] == 0.0


def test_names_from_capitalisation():
    f = _named("Yesterday the Supreme Court ruled against the New York Times and NATO.")
    assert f["entity_runs"] == 2.0                    # Supreme Court, New York Times
    assert f["acronym"] == 1.0                        # NATO
    assert _named("Obama signed the bill.")["starts_with_capital_name"] == 1.0
    assert _named("The bill was signed.")["starts_with_capital_name"] == 0.0
    assert _named("I said it.")["acronym"] == 0.0


def test_opinion_future_and_address_against_facts():
    opinion = _named("You know, folks, it is a wonderful, beautiful country and we will make it great.")
    fact = _named("Exports to China rose 12 percent in 2018, more than in any year since 2010.")
    assert opinion["opinion_word"] >= 2.0 and opinion["future"] == 1.0 and opinion["address"] >= 2.0
    assert fact["opinion_word"] == 0.0 and fact["future"] == 0.0 and fact["address"] == 0.0
    assert fact["than"] == 1.0 and fact["time_ago"] == 1.0 and fact["quantity"] == 1.0


def test_shipped_model_scores_without_the_encoder(model, monkeypatch):
    # claims must stay cheap at ingest: the shipped ranker is lexical + bag of words only
    import newsgraph.embed as embed

    def refuse(*a, **k):
        raise AssertionError("the shipped check-worthiness model must not run the encoder")
    monkeypatch.setattr(embed, "encode", refuse)
    assert not model.needs_encoder and model.config["encoder"] is None
    scores = model.score_texts(SENTENCES[:3])
    assert len(scores) == 3 and all(0.0 <= float(x) <= 1.0 for x in scores)

