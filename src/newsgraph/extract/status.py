"""Event status: is the event asserted, planned, hypothetical, negated, long past, or only alleged?

``event_status(doc, predicate_i)`` reads the dependency parse around the token that
triggers an event (a verb such as "send" or a nominal such as "talks") and returns one of
``model.EVENT_STATUSES`` with the exact characters that decided it (the *cue*), a short
machine-readable *reason*, and, for an alleged event, the token of the speech act that
alleges it and of its speaker. See docs/status.md.

How it decides:

1. **Collect markers** on the predicate and on the clauses that govern it. The walk starts at
   the predicate (its own modal, negation, hedge, conditional mark, date, and for a nominal its
   modifiers: "the planned meeting") and climbs its head chain one link at a time: a
   to-infinitive or gerund complement (xcomp: "plans *to send*"), a finite complement (ccomp:
   "denied *that it arms*"), a preposition ("accuses Russia *of supplying*", "calls *for talks*"),
   a clause of a content noun ("claims *that* ...", "plan *to* ..."), a nominal as the object of
   a governing verb ("ruled out *sanctions*", "talks *were cancelled*"), a conjunct, a participial
   or temporal adverbial clause. At each link the governing word may be a cue itself (a lemma of
   ``status_cues.json``), and through a control link (xcomp, preposition, object) the governing
   clause's own modals and negation apply as well ("does *not* plan to send"). Through a finite
   clause (ccomp) and through a speech act they do not ("did not say that X" leaves X alone),
   except that a negated denial is a double negation ("did not deny that X"). A nominal that is
   the object of a light verb ("*hold* talks", "*attend* talks", "the meeting will *take place*")
   shares that verb's markers; the climb stops at any other link (a nominal participant, an
   adjunct, a relative clause of an ordinary noun).
2. **Resolve** (precedence, highest first): negated > hypothetical > future > alleged >
   historical > asserted, with two scope rules: an even number of negations is hypothetical
   ("did not rule out sanctions", "neither confirmed nor denied the attack"), and a negation
   inside the scope of a hypothetical operator that governs it is hypothetical ("*if* talks do
   not resume", "urged Islamabad *not to* release", "*may* not send"). Among markers of the
   winning status the innermost (nearest the predicate) gives the cue.
3. **Dates**: an ``event_date`` whose last possible day is more than a year before
   ``published`` makes an otherwise asserted event historical ("historical:date"); one whose
   first possible day is after ``published`` makes it future ("future:date").

The cue lists live in ``data/status_cues.json``, loaded and validated once per process; the code
holds only the function words of the constructions it reads ("according to", "back in", "ago",
"but", "nor", "by").
``event_status`` costs O(depth of the predicate x children per node): no regex compiling and no
file reading per call.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from ..model import EVENT_STATUSES, Span

EXTRACTOR_VERSION = "status/1.0"
CUES_FILE = "status_cues.json"

ASSERTED, FUTURE, HYPOTHETICAL, NEGATED, HISTORICAL, ALLEGED = (
    "asserted", "future", "hypothetical", "negated", "historical", "alleged")
MARKER_STATUSES = frozenset({FUTURE, HYPOTHETICAL, NEGATED, HISTORICAL, ALLEGED})
VIAS = frozenset({"xcomp", "gerund", "ccomp", "object", "subject", "clause",
                  "of", "for", "with", "from", "on", "in", "about", "against"})
# Links the climb follows at most; parse trees of news sentences are far shallower.
MAX_DEPTH = 16
# How often a temporal clause may ask for the status of its main clause (recursion bound).
TEMPORAL_BUDGET = 2

# Scope offsets within one clause level: a marker on a clause at depth d sits at d + offset.
# A hypothetical marker outscopes a negation when its level is strictly higher.
_OFF_PLAIN = 0.5        # negation, will/would/could/can, dates, nominal modifiers
_OFF_OUTSCOPE = 0.6     # may/might/should/must, hedges ("possibly"), "according to"
_OFF_CONDITION = 0.8    # if/unless/whether/in case: a conditional scopes over its whole clause
_OFF_PARENTHETICAL = 0.9  # "Russia, the US claims, sent troops"

_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_DECADE = re.compile(r"^(1[5-9]\d0|20\d0)s$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FAMILY = {FUTURE: "future", HYPOTHETICAL: "hypothetical", NEGATED: "negation", ALLEGED: "speech-act"}
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_FINITE_TAGS = frozenset({"VBZ", "VBD", "VBP"})


# ------------------------------------------------------------------ public records

@dataclass(frozen=True)
class StatusResult:
    """The status of one event and the evidence for it.

    ``cue``: the exact characters that decided it (None for asserted and for date-only
    decisions). ``governor`` / ``speaker_i``: for an alleged event, the token index of the
    speech act or reporting predicate that alleges it ("accuses", "claimed", "reports" in
    "reports that ...", "according" in "according to unconfirmed reports") and of the head of
    its speaker ("US" in "the US accuses ..."); None otherwise or where there is none
    ("allegedly", "the alleged attack"). ``reason``: ``family:key``, see docs/status.md.
    """

    status: str
    cue: Span | None
    governor: int | None
    speaker_i: int | None
    reason: str

    def __post_init__(self) -> None:
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"unknown event status {self.status!r}")


# ------------------------------------------------------------------ the cue tables

@dataclass(frozen=True)
class _Entry:
    status: str
    via: frozenset[str]
    passive: bool = False
    progressive: bool = False
    bare: bool = False


@dataclass(frozen=True)
class Cues:
    """``status_cues.json``, validated, as sets and maps."""

    modals: dict[str, str]
    modal_forms: dict[str, str]
    outscoping_modals: frozenset[str]
    negation_words: dict[str, str]
    negative_determiners: frozenset[str]
    negative_pronouns: frozenset[str]
    hedges: dict[str, str]
    conditional_marks: frozenset[str]
    concessive_advmods: frozenset[str]
    interrogative_verbs: frozenset[str]
    conditional_phrases: tuple[tuple[str, ...], ...]
    conditional_phrase_starts: dict[str, tuple[tuple[str, ...], ...]]
    conditional_phrase_max: int
    temporal_marks: frozenset[str]
    negating_prepositions: frozenset[str]
    unconfirmed_modifiers: frozenset[str]
    unconfirmed_nouns: frozenset[str]
    reporting_verbs: frozenset[str]
    governors: dict[str, _Entry]
    nouns: dict[str, _Entry]
    claim_light_verbs: frozenset[str]
    light_object: frozenset[str]
    light_subject: frozenset[str]
    light_in: frozenset[str]
    modifiers: dict[str, str]
    max_age_days: int
    date_prepositions: frozenset[str]
    periods: tuple[str, ...]
    ago_units: dict[str, int]
    number_words: dict[str, int]
    future_modifiers: frozenset[str]
    future_words: frozenset[str]
    speech_acts: frozenset[str] = field(default=frozenset())


def _status_of(value: Any, where: str) -> str:
    if value not in MARKER_STATUSES:
        raise ValueError(f"{CUES_FILE}: {where}: unknown status {value!r}")
    return value


def _entries(table: dict[str, Any], where: str) -> dict[str, _Entry]:
    out: dict[str, _Entry] = {}
    for key, spec in table.items():
        via = frozenset(spec.get("via", ()))
        if not via or not via <= VIAS:
            raise ValueError(f"{CUES_FILE}: {where}.{key}: bad via {sorted(via)}")
        out[key] = _Entry(_status_of(spec.get("status"), f"{where}.{key}"), via,
                          bool(spec.get("passive", False)), bool(spec.get("progressive", False)),
                          bool(spec.get("bare", False)))
    return out


def parse_cues(raw: dict[str, Any]) -> Cues:
    """Validate the JSON of ``status_cues.json`` and build the tables (raises ValueError)."""
    modals = {k: _status_of(v, f"modals.{k}") for k, v in raw["modals"].items()}
    hedges = {k: _status_of(v, f"hedges.{k}") for k, v in raw["hedges"].items()}
    modifiers = {k: _status_of(v, f"modifiers.{k}") for k, v in raw["modifiers"].items()}
    governors = _entries(raw["governors"], "governors")
    nouns = _entries(raw["nouns"], "nouns")
    hist = raw["historical"]
    light = raw["light_verbs"]
    phrases = tuple(tuple(p.split()) for p in raw["conditional_phrases"])
    speech_acts = frozenset(k for k, e in governors.items() if e.status == ALLEGED and not e.passive)
    return Cues(
        modals=modals,
        modal_forms=dict(raw["modal_forms"]),
        outscoping_modals=frozenset(raw["modals_outscoping_negation"]),
        negation_words=dict(raw["negation_words"]),
        negative_determiners=frozenset(raw["negative_determiners"]),
        negative_pronouns=frozenset(raw["negative_pronouns"]),
        hedges=hedges,
        conditional_marks=frozenset(raw["conditional_marks"]),
        concessive_advmods=frozenset(raw["concessive_advmods"]),
        interrogative_verbs=frozenset(raw["interrogative_verbs"]),
        conditional_phrases=phrases,
        conditional_phrase_starts={w: tuple(p for p in phrases if p[0] == w) for w in {p[0] for p in phrases}},
        conditional_phrase_max=max((len(p) for p in phrases), default=0),
        temporal_marks=frozenset(raw["temporal_marks"]),
        negating_prepositions=frozenset(raw["negating_prepositions"]),
        unconfirmed_modifiers=frozenset(raw["unconfirmed_sources"]["modifiers"]),
        unconfirmed_nouns=frozenset(raw["unconfirmed_sources"]["nouns"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        governors=governors,
        nouns=nouns,
        claim_light_verbs=frozenset(raw["claim_light_verbs"]),
        light_object=frozenset(light["object"]),
        light_subject=frozenset(light["subject"]),
        light_in=frozenset(light["in"]),
        modifiers=modifiers,
        max_age_days=int(hist["max_age_days"]),
        date_prepositions=frozenset(hist["date_prepositions"]),
        periods=tuple(f" {p} " for p in hist["periods"]),
        ago_units={k: int(v) for k, v in hist["ago_units"].items()},
        number_words={k: int(v) for k, v in hist["number_words"].items()},
        future_modifiers=frozenset(raw["future_time"]["modifiers"]),
        future_words=frozenset(raw["future_time"]["words"]),
        speech_acts=speech_acts,
    )


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue tables, read once per process."""
    with resources.files("newsgraph.data").joinpath(CUES_FILE).open("r", encoding="utf-8") as fh:
        return parse_cues(json.load(fh))


# Verbs whose clausal or prepositional complement is alleged in any voice
# ("accuse ... of", "claim that", "allege", "blame ... for", "charge ... with", "suspect").
SPEECH_ACT_LEMMAS: frozenset[str] = load_cues().speech_acts


# ------------------------------------------------------------------ dates

def _date_range(value: str, what: str) -> tuple[date, date]:
    """First and last day of YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _ISO.match(value)
    if not m:
        raise ValueError(f"{what} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year = int(m.group(1))
    if m.group(2) is None:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{what}: no month {month} in {value!r}")
    last = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return date(year, month, 1), date(year, month, last)
    day = int(m.group(3))
    if not 1 <= day <= last:
        raise ValueError(f"{what}: no day {day} in {value!r}")
    return date(year, month, day), date(year, month, day)


# ------------------------------------------------------------------ markers

@dataclass
class _Marker:
    status: str
    level: float
    start: int          # token index, inclusive
    end: int            # token index, exclusive
    reason: str
    governor: int | None = None
    speaker: int | None = None
    pending_would: bool = False  # "would": future under a past reporting verb, else hypothetical


class _Walk:
    """The markers of one predicate, collected while climbing its head chain."""

    def __init__(self, doc, cues: Cues, published: date | None, budget: int) -> None:
        self.doc = doc
        self.cues = cues
        self.published = published
        self.budget = budget
        self.markers: list[_Marker] = []

    # -------------------------------------------------------------- adding

    def add(self, status: str, level: float, start: int, end: int, reason: str,
            only: frozenset[str] | None, *, governor: int | None = None,
            speaker: int | None = None, pending_would: bool = False) -> None:
        if only is not None and status not in only:
            return
        self.markers.append(_Marker(status, level, start, end, reason, governor, speaker,
                                    pending_would))

    # -------------------------------------------------------------- the climb

    def collect(self, pred) -> None:
        cues = self.cues
        self.own(pred, 0.0)
        cur = pred
        level = 0
        # Which markers of the clauses above still reach the predicate: all of them (None) until
        # the climb crosses a finite complement or a speech act; from there on only dates, and
        # the negation of a denial (double negation).
        allowed: frozenset[str] | None = None
        for _ in range(MAX_DEPTH):
            head = cur.head
            if head.i == cur.i:
                return
            rel = cur.dep_
            if rel == "conj":
                self.conjunct(cur, head, level, allowed)
                cur = head
                continue
            if rel in ("acl", "relcl"):
                entry = cues.nouns.get(head.lemma_.lower()) if _nominal(head) else None
                if entry is None or "clause" not in entry.via or not _content_clause(cur, head):
                    return
                level += 1
                link = _to_marker(cur, after=head.i)
                self.add(entry.status, level, head.i, (link or head).i + 1,
                         f"{_FAMILY[entry.status]}:{head.lemma_.lower()}",
                         _narrow(allowed, frozenset({NEGATED, HISTORICAL})) if allowed is not None
                         else None,
                         governor=head.i, speaker=self.speaker(head) if entry.status == ALLEGED else None)
                self.own(head, level, only=_narrow(allowed, frozenset({NEGATED, HISTORICAL})),
                         skip=cur.i)
                if entry.status == ALLEGED:
                    allowed = _narrow(allowed, frozenset({HISTORICAL, NEGATED}))
                cur = head
                continue
            step = self.classify(cur, rel, head)
            if step is None:
                return
            kind, gov, link = step
            if kind == "temporal":
                self.temporal(head, level, allowed)
                return
            level += 1
            if kind == "participle":
                self.own(head, level, only=allowed, skip=cur.i)
                cur = head
                continue
            if kind == "negating":
                self.add(NEGATED, level - 1 + _OFF_PLAIN, link.i, link.i + 1,
                         f"negation:{link.lower_}", allowed)
                return
            gov_tok, key, entry, extra = self.governor(gov, kind, link)
            light = entry is None and self.light(gov, kind)
            if entry is None and not light and kind not in ("xcomp", "ccomp", "gerund", "bare"):
                return
            if entry is not None:
                self.add(entry.status, level, *self.governor_cue(gov_tok, extra, link, entry),
                         f"{_FAMILY[entry.status]}:{key.replace(' ', '-')}",
                         _narrow(allowed, frozenset({NEGATED, HISTORICAL})) if allowed is not None
                         else None,
                         governor=gov_tok.i,
                         speaker=self.speaker(gov_tok) if entry.status == ALLEGED else None)
            elif kind == "ccomp":
                self.unconfirmed_source(gov, level)
            if kind == "ccomp" and _past(gov):
                for m in self.markers:
                    if m.pending_would:
                        m.status, m.reason, m.pending_would = FUTURE, "modal:would-reported", False
            # The governing clause's own markers: all of them through a control link; through a
            # finite complement or a speech act only its dates, and a denial's own negation.
            # A negation still counts above a denial ("refused to deny that ...") and above an
            # allegation noun ("denied the allegations of ...").
            alleged = entry is not None and entry.status == ALLEGED
            negation_passes = (entry is not None and entry.status == NEGATED) or (
                alleged and _nominal(gov_tok))
            if allowed is not None or kind == "ccomp" or alleged:
                keep = frozenset({HISTORICAL, NEGATED}) if negation_passes else frozenset({HISTORICAL})
                only: frozenset[str] | None = (allowed or frozenset({HISTORICAL})) | keep
                allowed = keep
            else:
                only = None
            # the child of the governing word on the path up: its markers are counted already
            skip = link.i if link is not None and link.head.i == gov.i else cur.i
            clause = gov_tok.head if gov_tok.dep_ == "acomp" else gov
            if gov_tok.i not in (clause.i, gov.i):
                self.own(gov_tok, level, only=only, skip=skip)
            if clause.i != gov.i:
                self.own(gov, level, only=only, skip=skip)
            self.own(clause, level, only=only, skip=gov.i if clause.i != gov.i else skip)
            cur = clause
        return

    def classify(self, cur, rel: str, head):
        """(kind, governing token, linking token) for the link from ``cur`` up to ``head``."""
        cues = self.cues
        if rel == "xcomp":
            to = _to_marker(cur, after=head.i)
            if to is not None:
                return "xcomp", head, to
            return ("gerund" if cur.tag_ == "VBG" else "bare"), head, None
        if rel == "ccomp":
            to = _to_marker(cur, after=head.i)
            if to is not None:  # "wants Pakistan to arrest", parsed as ccomp
                return "xcomp", head, to
            return "ccomp", head, None
        if rel == "advcl":
            marks = [c for c in cur.children if c.dep_ == "mark"]
            if marks:
                if marks[0].lower_ in cues.temporal_marks:
                    return "temporal", head, marks[0]
                return None
            to = _to_marker(cur, after=head.i)
            if to is not None and not any(c.dep_ in _SUBJECTS for c in cur.children):
                # "called on Kabul to release" (parsed as advcl); a purpose clause is read the
                # same way, and only a governor in the tables makes it a cue.
                return "xcomp", head, to
            if cur.tag_ in ("VBG", "VBN"):
                return "participle", head, None
            return None
        if rel in ("pcomp", "pobj") and head.dep_ in ("prep", "agent", "dative"):
            prep = head
            if prep.lower_ in cues.negating_prepositions:
                return "negating", prep.head, prep
            return prep.lower_, prep.head, prep
        if _nominal(cur):
            if rel in ("dobj", "nsubjpass"):
                return "object", head, None
            if rel == "nsubj":
                return "subject", head, None
        return None

    def governor(self, gov, kind: str, link=None):
        """(governing token, table key, entry, extra token) of ``gov`` for ``kind``, if any."""
        tables = self.cues.nouns if _nominal(gov) else self.cues.governors
        if not _nominal(gov) or kind not in ("object", "subject", "xcomp", "ccomp"):
            for key, extra in _keys(gov):
                entry = tables.get(key)
                if entry is None or kind not in entry.via:
                    continue
                if entry.passive and not _passive(gov):
                    continue
                if entry.progressive and not any(c.dep_ == "aux" and c.lemma_ == "be"
                                                 for c in gov.children):
                    continue
                if entry.bare and not _bare_copula(gov, link):
                    continue
                return gov, key, entry, extra
        if kind in ("xcomp", "ccomp") and gov.lemma_ == "be":
            # "It is possible that ...", "it is likely that ..."
            for c in gov.children:
                if c.dep_ == "acomp":
                    entry = self.cues.governors.get(c.lemma_.lower())
                    if entry is not None and kind in entry.via:
                        return c, c.lemma_.lower(), entry, None
        return gov, None, None, None

    def governor_cue(self, gov, extra, link, entry: _Entry) -> tuple[int, int]:
        toks = [gov.i]
        if extra is not None:
            toks.append(extra.i)
        for c in gov.children:
            if c.dep_ == "auxpass" and c.i < gov.i:
                toks.append(c.i)
            elif entry.progressive and c.dep_ == "aux" and c.lemma_ == "be" and c.i < gov.i:
                toks.append(c.i)
        if gov.dep_ == "acomp" and gov.head.lemma_ == "be" and gov.head.i < gov.i:
            toks.append(gov.head.i)
        if link is not None and link.i > gov.i:
            toks.append(link.i)
        return min(toks), max(toks) + 1

    def light(self, gov, kind: str) -> bool:
        """Is ``gov`` a light verb whose nominal object/subject is the event itself?"""
        if _nominal(gov):
            return False
        table = {"object": self.cues.light_object, "subject": self.cues.light_subject,
                 "in": self.cues.light_in}.get(kind)
        if table is None:
            return False
        return any(key in table for key, _ in _keys(gov))

    def conjunct(self, cur, head, level: int, allowed: frozenset[str] | None) -> None:
        """A conjunct shares the head's modals and negation when it has none of its own."""
        cc = None
        for c in head.children:
            if c.dep_ == "cc" and head.i < c.i < cur.i:
                cc = c
        if cc is not None and cc.lower_ == "nor":
            self.add(NEGATED, level + _OFF_PLAIN, cc.i, cc.i + 1, "negation:nor",
                     _narrow(allowed, frozenset({NEGATED})) if allowed is not None else None)
        if _nominal(cur) or _nominal(head):
            return
        if cc is not None and cc.lower_ in ("but", "yet"):
            return
        # one conditional mark scopes over all its conjuncts: "if Russia attacks and Kabul retaliates"
        for c in head.children:
            if c.dep_ == "mark" and self.conditional_mark(c):
                self.add(HYPOTHETICAL, level + _OFF_CONDITION, c.i, c.i + 1,
                         f"condition:{c.lower_}", allowed)
        for c in cur.children:
            if c.dep_ in _SUBJECTS or c.dep_ == "neg" or (c.dep_ == "aux" and c.tag_ == "MD"):
                return
        self.own(head, level, only=allowed, shared=True, skip=cur.i)

    def temporal(self, head, level: int, allowed: frozenset[str] | None) -> None:
        """A temporal clause ("after talks fail") is future or hypothetical with its main clause."""
        if self.budget <= 0:
            return
        sub = _Walk(self.doc, self.cues, self.published, self.budget - 1)
        sub.collect(head)
        result = sub.resolve(None)
        if result[0] in (FUTURE, HYPOTHETICAL) and result[1] is not None:
            m = result[1]
            self.add(result[0], level + 1, m.start, m.end, m.reason, allowed)

    # -------------------------------------------------------------- own markers

    def own(self, tok, level: int | float, *, only: frozenset[str] | None = None,
            shared: bool = False, skip: int | None = None) -> None:
        """Markers carried by ``tok`` and its dependents, at clause ``level``; ``skip``: the
        dependent the climb came from (its own markers are counted already)."""
        cues = self.cues
        nominal = _nominal(tok)
        for c in tok.children:
            if c.i == skip:
                continue
            dep = c.dep_
            low = c.lower_
            if dep in ("aux", "auxpass") and (c.tag_ == "MD" or low in cues.modal_forms):
                modal = c.lemma_.lower()
                if modal not in cues.modals:
                    modal = cues.modal_forms.get(low, low)
                status = cues.modals.get(modal)
                if status is None:
                    continue
                off = _OFF_OUTSCOPE if modal in cues.outscoping_modals else _OFF_PLAIN
                self.add(status, level + off, c.i, c.i + 1, f"modal:{modal}", only,
                         pending_would=modal == "would")
            elif dep == "neg" and low in cues.negation_words:
                self.add(NEGATED, level + _OFF_PLAIN, c.i, c.i + 1,
                         f"negation:{cues.negation_words[low]}", only)
            elif dep == "advmod" and low in cues.hedges:
                status = cues.hedges[low]
                self.add(status, level + _OFF_OUTSCOPE, c.i, c.i + 1, f"adverb:{low}", only)
            elif dep == "advmod" and low in cues.negation_words:  # "never" as advmod
                self.add(NEGATED, level + _OFF_PLAIN, c.i, c.i + 1,
                         f"negation:{cues.negation_words[low]}", only)
            elif dep == "advmod" and any(g.dep_ == "neg" for g in c.children):  # "no longer"
                neg = next(g for g in c.children if g.dep_ == "neg")
                self.add(NEGATED, level + _OFF_PLAIN, min(neg.i, c.i), max(neg.i, c.i) + 1,
                         f"negation:{neg.lower_}-{low}", only)
            elif dep == "preconj" and low in cues.negative_determiners and not shared:
                self.add(NEGATED, level + _OFF_PLAIN, c.i, c.i + 1, f"negation:{low}", only)
            elif dep == "mark" and not shared and self.conditional_mark(c):
                self.add(HYPOTHETICAL, level + _OFF_CONDITION, c.i, c.i + 1,
                         f"condition:{low}", only)
            elif dep == "advcl":
                # the main clause of a conditional is hypothetical too (not that of an embedded
                # question: "asked if ...", nor of a concession: "even if ...")
                for g in c.children:
                    if g.dep_ == "mark" and self.conditional_mark(g) \
                            and tok.lemma_.lower() not in cues.interrogative_verbs:
                        self.add(HYPOTHETICAL, level + _OFF_CONDITION, g.i, g.i + 1,
                                 f"condition:{g.lower_}", only)
                        break
                else:
                    self.parenthetical(c, level, only)
            elif dep == "prep" and low == "according":
                self.according(c, level, only)
            elif dep in ("parataxis", "nsubj", "ccomp") and c.tag_ in _FINITE_TAGS:
                self.parenthetical(c, level, only)
            elif dep in ("nsubj", "nsubjpass", "dobj") or (nominal and dep == "det"):
                self.negative_argument(c, tok, level, only)
            elif nominal and dep in ("amod", "acl", "compound", "nmod") and low in cues.modifiers:
                self.add(cues.modifiers[low], level + _OFF_PLAIN, c.i, c.i + 1,
                         f"modifier:{low}", only)
            if nominal and dep in ("nummod", "compound", "amod"):
                self.year_modifier(c, level, only)
        if not shared and not nominal:
            self.conditional_phrase(tok, level, only)
        self.time(tok, level, only, skip)
        if nominal:
            self.adjacent_time(tok, level, only)

    def conditional_mark(self, mark) -> bool:
        """"if", "unless", "whether" ... but not a concessive "even if"."""
        if mark.lower_ not in self.cues.conditional_marks:
            return False
        doc = self.doc
        return not (mark.i > 0 and doc[mark.i - 1].lower_ in self.cues.concessive_advmods)

    def negative_argument(self, c, tok, level, only) -> None:
        cues = self.cues
        low = c.lower_
        if c.dep_ == "det":
            if low == "no":
                self.add(NEGATED, level + _OFF_PLAIN, c.i, c.i + 1, "negation:no", only)
            return
        if low in cues.negative_pronouns:
            self.add(NEGATED, level + _OFF_PLAIN, c.i, c.i + 1, f"negation:{low}", only)
            return
        for d in c.children:
            if d.dep_ in ("det", "preconj") and d.lower_ in cues.negative_determiners and d.i < c.i:
                end = c.i + 1 if c.lower_ == "one" else d.i + 1  # "no one"
                self.add(NEGATED, level + _OFF_PLAIN, d.i, end, f"negation:{d.lower_}", only)
                return

    def parenthetical(self, c, level, only) -> None:
        """"Russia, the US claims, sent troops": a finite speech act hung on the predicate."""
        entry = self.cues.governors.get(c.lemma_.lower())
        if entry is None or entry.status != ALLEGED or entry.passive or "ccomp" not in entry.via:
            return
        if c.tag_ not in _FINITE_TAGS:
            return
        doc = self.doc
        left, right = c.left_edge.i, c.right_edge.i
        commas = (left > 0 and doc[left - 1].text == ",") or doc[left].text == "," \
            or (right + 1 < len(doc) and doc[right + 1].text == ",") or doc[right].text == ","
        if not commas:
            return
        speaker = None
        for d in c.children:
            if d.dep_ in ("nsubj", "compound") and _nominal(d) and d.i < c.i:
                speaker = d.i
        self.add(ALLEGED, level + _OFF_PARENTHETICAL, c.i, c.i + 1, f"speech-act:{c.lemma_.lower()}",
                 only, governor=c.i, speaker=speaker)

    def according(self, c, level, only) -> None:
        """"according to unconfirmed reports" (a plain "according to officials" is asserted)."""
        for to in c.children:
            if to.dep_ != "prep" or to.lower_ != "to":
                continue
            for pobj in to.children:
                if pobj.dep_ != "pobj":
                    continue
                if self.unconfirmed(pobj):
                    self.add(ALLEGED, level + _OFF_OUTSCOPE, c.i, pobj.right_edge.i + 1,
                             "source:unconfirmed", only, governor=c.i, speaker=pobj.i)
                return

    def unconfirmed(self, noun) -> bool:
        cues = self.cues
        if noun.lemma_.lower() in cues.unconfirmed_nouns:
            return True
        return any(d.dep_ == "amod" and d.lower_ in cues.unconfirmed_modifiers
                   for d in noun.children)

    def unconfirmed_source(self, verb, level: int) -> None:
        """"Unconfirmed reports say (that) X": X is alleged."""
        if verb.lemma_.lower() not in self.cues.reporting_verbs:
            return
        for s in verb.children:
            if s.dep_ == "nsubj" and self.unconfirmed(s):
                self.add(ALLEGED, level, s.left_edge.i, verb.i + 1, "source:unconfirmed", None,
                         governor=verb.i, speaker=s.i)
                return

    def conditional_phrase(self, tok, level, only) -> None:
        """"in case talks collapse", "as long as ...": a multi-word conditional just before or
        at the start of the clause (the parser often gets these wrong, so they are matched as
        words)."""
        doc = self.doc
        left = tok.left_edge.i
        starts = self.cues.conditional_phrase_starts
        for s in range(max(0, left - self.cues.conditional_phrase_max), left + 1):
            phrases = starts.get(doc[s].lower_)
            if not phrases:
                continue
            for phrase in phrases:
                n = len(phrase)
                if s + n > tok.i or s + n < left:
                    continue
                if all(doc[s + k].lower_ == phrase[k] for k in range(1, n)):
                    self.add(HYPOTHETICAL, level + _OFF_CONDITION, s, s + n,
                             f"condition:{'-'.join(phrase)}", only)
                    return

    # -------------------------------------------------------------- time

    def time(self, tok, level, only, skip: int | None = None) -> None:
        cues = self.cues
        for c in tok.children:
            if c.i == skip:
                continue
            dep, low = c.dep_, c.lower_
            if dep == "advmod" and low == "back":
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in cues.date_prepositions:
                        self.date_phrase(p, c, level, only)
            elif dep == "prep" and (low in cues.date_prepositions or low == "under" or low == "for"):
                self.date_phrase(c, c, level, only)
            elif dep == "advmod" and low == "ago":
                self.ago(c, level, only)
            elif dep in ("npadvmod", "tmod"):
                self.future_time(c, c, level, only)

    def date_phrase(self, prep, start, level, only) -> None:
        cues = self.cues
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            end = pobj.right_edge.i + 1
            if prep.lower_ != "for":
                words = f" {' '.join(t.lower_ for t in pobj.subtree)} "
                if any(p in words for p in cues.periods):
                    self.add(HISTORICAL, level + _OFF_PLAIN, start.i, end, "historical:period", only)
                    return
            if prep.lower_ in cues.date_prepositions:
                if self.year_status(pobj.subtree, start.i, end, level, only):
                    return
            self.future_time(pobj, start, level, only)
            return

    def year_status(self, tokens: Iterable, start: int, end: int, level, only) -> bool:
        """A year or decade far enough before (historical) or after (future) the publication."""
        if self.published is None:
            return False
        first = last = None
        for t in tokens:
            text = t.text
            if _YEAR.match(text):
                y = int(text)
                first, last = (y if first is None else min(first, y)), (y if last is None else max(last, y))
            elif _DECADE.match(text):
                y = int(text[:4])
                first, last = (y if first is None else min(first, y)), (y + 9 if last is None else max(last, y + 9))
        if first is None:
            return False
        if (self.published - date(last, 12, 31)).days > self.cues.max_age_days:
            self.add(HISTORICAL, level + _OFF_PLAIN, start, end, "historical:year", only)
            return True
        if date(first, 1, 1) > self.published:
            self.add(FUTURE, level + _OFF_PLAIN, start, end, "future:year", only)
            return True
        return False

    def year_modifier(self, c, level, only) -> None:
        """"the 2015 attack"."""
        if _YEAR.match(c.text) or _DECADE.match(c.text):
            self.year_status((c,), c.i, c.i + 1, level, only)

    def ago(self, c, level, only) -> None:
        """"four years ago", "decades ago": more than ``max_age_days`` is historical."""
        cues = self.cues
        for unit in c.children:
            lemma = unit.lemma_.lower()
            if unit.dep_ != "npadvmod" or lemma not in cues.ago_units:
                continue
            count = None
            for d in unit.children:
                if d.dep_ in ("nummod", "det", "amod", "quantmod"):
                    if d.text.isdigit():
                        count = int(d.text)
                    elif d.lower_ in cues.number_words:
                        count = cues.number_words[d.lower_]
            if count is None:
                count = 2 if unit.tag_ == "NNS" else 1
            if count * cues.ago_units[lemma] > cues.max_age_days:
                self.add(HISTORICAL, level + _OFF_PLAIN, c.left_edge.i, c.right_edge.i + 1,
                         "historical:ago", only)
            return

    def future_time(self, noun, start, level, only) -> None:
        """"next week", "tomorrow", "in the coming days"."""
        cues = self.cues
        word = noun.lower_ in cues.future_words
        mod = next((d for d in noun.children
                    if d.dep_ == "amod" and d.lower_ in cues.future_modifiers), None)
        if word or mod is not None:
            key = noun.lower_ if word else mod.lower_
            self.add(FUTURE, level + _OFF_PLAIN, min(start.i, noun.left_edge.i),
                     noun.right_edge.i + 1, f"future:{key}", only)

    def adjacent_time(self, tok, level, only) -> None:
        """"Talks next week will ...": the parser hangs "next week" on the verb; take it back."""
        doc = self.doc
        if tok.i + 1 >= len(doc):
            return
        t = doc[tok.i + 1]
        if t.dep_ == "amod" and t.head.dep_ in ("npadvmod", "tmod"):
            t = t.head
        if t.dep_ in ("npadvmod", "tmod") and t.head.i == tok.head.i and t.left_edge.i == tok.i + 1:
            self.future_time(t, doc[tok.i + 1], level, only)

    # -------------------------------------------------------------- speakers

    def speaker(self, gov) -> int | None:
        """Head token of whoever makes the allegation ``gov`` expresses."""
        if _nominal(gov):
            for c in gov.children:
                if c.dep_ == "poss":
                    if c.pos_ == "PRON" and gov.dep_ == "dobj":
                        s = self._light_claim_subject(gov)
                        if s is not None:
                            return s
                    return c.i
            for c in gov.children:
                if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return p.i
            if gov.dep_ == "dobj":
                return self._light_claim_subject(gov)
            return None
        if _passive(gov):
            for c in gov.children:
                if c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return p.i
            return None
        return _subject(gov)

    def _light_claim_subject(self, noun) -> int | None:
        if noun.head.lemma_.lower() in self.cues.claim_light_verbs:
            return _subject(noun.head)
        return None

    # -------------------------------------------------------------- resolving

    def resolve(self, event_date: tuple[date, date] | None):
        """(status, deciding marker or None, reason, cue token range or None)."""
        for m in self.markers:
            if m.pending_would:
                m.pending_would = False
        by: dict[str, list[_Marker]] = {s: [] for s in MARKER_STATUSES}
        for m in self.markers:
            by[m.status].append(m)
        negs, hyps = by[NEGATED], by[HYPOTHETICAL]
        if negs:
            if len(negs) % 2 == 0:
                return HYPOTHETICAL, None, "negation:double", (min(m.start for m in negs),
                                                               max(m.end for m in negs))
            top = max(m.level for m in negs)
            above = [h for h in hyps if h.level > top]
            if above:
                return _pick(above)
            return _pick(negs)
        if hyps:
            return _pick(hyps)
        if by[FUTURE]:
            return _pick(by[FUTURE])
        if event_date is not None and self.published is not None and event_date[0] > self.published:
            return FUTURE, None, "future:date", None
        if by[ALLEGED]:
            return _pick(by[ALLEGED])
        if by[HISTORICAL]:
            return _pick(by[HISTORICAL])
        if event_date is not None and self.published is not None \
                and (self.published - event_date[1]).days > self.cues.max_age_days:
            return HISTORICAL, None, "historical:date", None
        return ASSERTED, None, "asserted", None


def _pick(markers: list[_Marker]):
    m = min(markers, key=lambda x: x.level)  # innermost; the first collected among equals
    return m.status, m, m.reason, (m.start, m.end)


# ------------------------------------------------------------------ token helpers

def _nominal(tok) -> bool:
    return tok.pos_ in ("NOUN", "PROPN")


def _passive(tok) -> bool:
    if any(c.dep_ == "auxpass" for c in tok.children):
        return True
    return tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod")


def _past(tok) -> bool:
    return tok.tag_ in ("VBD", "VBN") or "Past" in tok.morph.get("Tense")


def _bases(tok) -> list[str]:
    """The lemma, then for a verb the forms its inflection may hide when the lemmatizer errs
    ("hopes" -> "hop"): the word less -s, -es, -d, -ed, -ing, -ing + e."""
    lemma = tok.lemma_.lower()
    out = [lemma]
    if tok.tag_.startswith("VB"):
        w = tok.lower_
        for suffix, add in (("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ing", ""), ("ing", "e")):
            if w.endswith(suffix) and len(w) > len(suffix) + 2:
                form = w[: -len(suffix)] + add
                if form not in out:
                    out.append(form)
    return out


def _keys(tok):
    """Table keys for a word: "lemma particle", "lemma object" (rule out, take place), "lemma"."""
    out = []
    extras = [c for c in tok.children
              if c.dep_ == "prt" or (c.dep_ == "dobj" and c.i == tok.i + 1)]
    for base in _bases(tok):
        for c in extras:
            out.append((f"{base} {c.lower_}", c))
        out.append((base, None))
    return out


def _narrow(allowed: frozenset[str] | None, within: frozenset[str]) -> frozenset[str]:
    return within if allowed is None else allowed & within


def _content_clause(clause, noun) -> bool:
    """"claims *that* it arms", "plan *to* send": a clause that is the noun's content, not a
    relative clause ("the report Mueller delivered") or a participle ("a report drawn up")."""
    if clause.dep_ != "acl":
        return False
    if _to_marker(clause, after=noun.i) is not None:
        return True
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in clause.children)


def _bare_copula(be, link) -> bool:
    """"The minister is to visit": not "it is important to", not "the aim is a deal"."""
    if link is None or link.i != be.i + 1:
        return False
    for c in be.children:
        if c.dep_ in ("acomp", "attr", "dobj", "expl"):
            return False
        if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("it", "this", "that", "what"):
            return False
    return True


def _to_marker(tok, after: int):
    """The infinitival "to" of ``tok`` if it stands after token ``after``."""
    for c in tok.children:
        if c.dep_ == "aux" and c.tag_ == "TO" and c.i > after:
            return c
    return None


def _subject(verb, depth: int = 3) -> int | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c.i
    if depth > 0 and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        return _subject(verb.head, depth - 1)
    return None


# ------------------------------------------------------------------ the extractor

def event_status(doc, predicate_i: int, *, published: str | None = None,
                 event_date: str | None = None) -> StatusResult:
    """The status of the event whose predicate is token ``predicate_i`` of ``doc``.

    ``published``: the document date (YYYY-MM-DD); ``event_date``: the event's resolved date
    (YYYY, YYYY-MM or YYYY-MM-DD) if known. Both only matter for historical and future-by-date
    decisions; a malformed date raises ValueError.
    """
    cues = load_cues()
    pub = _date_range(published, "published")[0] if published else None
    when = _date_range(event_date, "event_date") if event_date else None
    walk = _Walk(doc, cues, pub, TEMPORAL_BUDGET)
    walk.collect(doc[predicate_i])
    status, marker, reason, span = walk.resolve(when)
    cue = None
    if span is not None:
        # doc.text would join the whole document on every call; the tokens' own offsets and
        # text give the same characters
        first, last = doc[span[0]], doc[span[1] - 1]
        cue = Span(first.idx, last.idx + len(last.text), doc[span[0]:span[1]].text)
    governor = speaker = None
    if status == ALLEGED and marker is not None:
        governor, speaker = marker.governor, marker.speaker
    return StatusResult(status, cue, governor, speaker, reason)
