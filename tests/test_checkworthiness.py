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
