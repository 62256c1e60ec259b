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


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"shared data not present: {path}")
