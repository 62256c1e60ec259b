"""Mentions as tokens: which record (actor, place) each token of a parsed document belongs to."""

from __future__ import annotations

from typing import Iterable, TypeVar

R = TypeVar("R")


def token_records(doc, records: Iterable[R]) -> dict[int, R]:
    """Token index -> the first record (in order) with a mention covering that token."""
    out: dict[int, R] = {}
    for rec in records:
        for m in rec.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                out.setdefault(t.i, rec)
    return out
