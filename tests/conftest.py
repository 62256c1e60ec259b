"""Shared fixtures. Every analysis a test produces is checked against the JSON Schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.schema import validate_analysis

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared" / "data"
PTC_UNLABELED = SHARED / "corpora" / "ptc-unlabeled"


@pytest.fixture(scope="session")
def nlp():
    from newsgraph.nlp import load_nlp
    return load_nlp()


@pytest.fixture
def valid():
    """Validate an analysis dict against the contract and return it."""
    def check(obj):
        validate_analysis(obj)
        return obj
    return check


def fake_encode(texts):
    """A bag-of-words stand-in for the sentence encoder: cosine is word overlap, so tests of
    the corpus build control similarity exactly (and run without the model)."""
    import numpy as np

    from newsgraph.corpus import _norm
    vocab = sorted({w for t in texts for w in _norm(t).split()})
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(texts), max(1, len(vocab))), dtype=np.float32)
    for row, t in enumerate(texts):
        for w in _norm(t).split():
            out[row, index[w]] = 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"shared data not present: {path}")
