"""The vocabulary of newsgraph: documents and the records extracted from them.

Every record is an immutable dataclass that turns into the JSON of the analysis
contract (``schema/analysis-1.schema.json``) with ``to_dict()``. Annotations are
end-exclusive character offsets into one text, validated on construction.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

SCHEMA_ID = "newsgraph.analysis/1"

EVENT_STATUSES = ("asserted", "future", "hypothetical", "negated", "historical", "alleged")
SPEAKER_KINDS = ("person", "organization", "unnamed", "author")
CLAIM_KINDS = ("fact", "opinion", "prediction", "question")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SpanError(ValueError):
    """An annotation whose offsets do not fit its text."""


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` of the document text (end-exclusive)."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        if not (0 <= start <= end <= len(text)):
            raise SpanError(f"span {start}:{end} outside a text of {len(text)} characters")
        return cls(start, end, text[start:end])

    def check(self, text: str) -> None:
        if not (0 <= self.start <= self.end <= len(text)) or text[self.start : self.end] != self.text:
            raise SpanError(f"span {self.start}:{self.end} does not quote {self.text!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A piece of the input removed before analysis, and why."""

    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason}


def content_hash(text: str, source: str | None, url: str | None, title: str | None,
                 published: str | None) -> str:
    """sha256 over the cleaned text and the metadata that identify a report."""
    payload = json.dumps([text, source, url, title, published], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    """One cleaned article. ``text`` is what every offset in its analysis refers to.

    ``id`` is the caller's id (a JSON Lines ``id``) when one was given, otherwise
    ``"d" + hash[:16]``; ``hash`` is the content hash used to store it once.
    """

    id: str
    hash: str
    text: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None
    boilerplate: tuple[Boilerplate, ...] = ()
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.published is not None and not _DATE_RE.match(self.published):
            raise ValueError(f"published must be YYYY-MM-DD, got {self.published!r}")

    @classmethod
    def create(cls, text: str, *, id: str | None = None, source: str | None = None,
               url: str | None = None, title: str | None = None, published: str | None = None,
               language: str | None = None, boilerplate: Iterable[Boilerplate] = (),
               origin: str | None = None) -> "Document":
        digest = content_hash(text, source, url, title, published)
        return cls(id=str(id) if id not in (None, "") else "d" + digest[:16], hash=digest,
                   text=text, source=source, url=url, title=title, published=published,
                   language=language, boilerplate=tuple(boilerplate), origin=origin)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "hash": self.hash, "source": self.source, "url": self.url,
                "title": self.title, "published": self.published, "language": self.language,
                "origin": self.origin, "text": self.text}


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not become a Document, with a one-line reason.

    ``code`` comes from the error catalogue in ``newsgraph.errors``.
    """

    origin: str
    code: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "code": self.code, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor of one document with every mention of it.

    ``id`` is stable across documents (the same actor has the same id in every
    analysis), so corpus-level tables can join on it.
    """

    id: str
    name: str
    code: str | None
    country: str | None
    sector: str | None
    kind: str  # person | organization | country | group | igo | city | agent | unknown
    # (agent: a sector with no country or organisation named, "police (unspecified)")
    mentions: tuple[Span, ...]
    role: str | None = None  # e.g. "foreign minister"
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "code": self.code, "country": self.country,
                "sector": self.sector, "kind": self.kind, "role": self.role,
                "mentions": [m.to_dict() for m in self.mentions]}


@dataclass(frozen=True, slots=True)
class Place:
    """A location mentioned as a place (not as an actor), from the offline gazetteer."""

    id: str
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    kind: str  # country | city | region | unknown
    ambiguous: bool
    mentions: tuple[Span, ...]
    candidates: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "country": self.country, "lat": self.lat,
                "lon": self.lon, "kind": self.kind, "ambiguous": self.ambiguous,
                "candidates": self.candidates, "mentions": [m.to_dict() for m in self.mentions]}


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    mode: str | None
    cameo: str | None
    goldstein: float | None
    quad: int | None
    actor: tuple[str, ...]
    recipient: tuple[str, ...]
    status: str
    source_claim: str | None
    date: str | None
    place: dict[str, Any] | None
    evidence: Span
    confidence: float

    def __post_init__(self) -> None:
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"unknown event status {self.status!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "mode": self.mode, "cameo": self.cameo,
                "goldstein": self.goldstein, "quad": self.quad, "actor": list(self.actor),
                "recipient": list(self.recipient), "status": self.status,
                "source_claim": self.source_claim, "date": self.date, "place": self.place,
                "evidence": self.evidence.to_dict(), "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class Speaker:
    kind: str
    name: str | None
    actor: str | None

    def __post_init__(self) -> None:
        if self.kind not in SPEAKER_KINDS:
            raise ValueError(f"unknown speaker kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "actor": self.actor}


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    span: Span
    speaker: Speaker
    cue: str | None
    kind: str
    checkworthiness: float

    def __post_init__(self) -> None:
        if self.kind not in CLAIM_KINDS:
            raise ValueError(f"unknown claim kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.span.start, "end": self.span.end,
                "text": self.span.text, "speaker": self.speaker.to_dict(), "cue": self.cue,
                "kind": self.kind, "checkworthiness": self.checkworthiness}


@dataclass(frozen=True, slots=True)
class Signal:
    technique: str
    span: Span
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"technique": self.technique, "start": self.span.start, "end": self.span.end,
                "text": self.span.text, "score": self.score}


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything newsgraph knows about one document: the analysis contract."""

    document: Document
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    signals: tuple[Signal, ...] = ()
    source_reliability: dict[str, Any] | None = None
    extractors: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Raise SpanError if any annotation does not quote the document text."""
        text = self.document.text
        for actor in self.actors:
            for m in actor.mentions:
                m.check(text)
        for place in self.places:
            for m in place.mentions:
                m.check(text)
        for event in self.events:
            event.evidence.check(text)
        for claim in self.claims:
            claim.span.check(text)
        for signal in self.signals:
            signal.span.check(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "document": self.document.to_dict(),
            "boilerplate": [b.to_dict() for b in self.document.boilerplate],
            "actors": [a.to_dict() for a in self.actors],
            "places": [p.to_dict() for p in self.places],
            "events": [e.to_dict() for e in self.events],
            "claims": [c.to_dict() for c in self.claims],
            "signals": [s.to_dict() for s in self.signals],
            "source_reliability": self.source_reliability,
            "extractors": dict(self.extractors),
        }
