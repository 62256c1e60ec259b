"""Across documents: one event from many reports, and which claims independent outlets confirm.

``build(store)`` reads the stored events and claims and (re)computes three things, stored in
the corpus tables of schema version 3 (docs/corpus.md):

- **corpus events**: reports of the same event merged. Two reports can merge only when they
  share an actor key (blocking: quad class + actor country or id, so no all-pairs pass over
  the corpus) and nothing rules it out (a different quad class, actors or recipients that are
  known on both sides and never compatible, dates further apart than the window, places that
  are neither the same nor nested). The rest is a weighted score of type, actors, date and
  place; a report joins the corpus event whose best-matching report scores at least
  ``threshold``, and the merge keeps the fields that matched and the score.
- **disagreements** between the reports of a corpus event: statuses (one outlet asserts what
  another only alleges, or denies), dates, places and numbers.
- **claim corroboration**: a claim is ``contested`` when another document says the opposite
  (a similar claim with the other polarity or a conflicting number; or its event is denied by
  another outlet), ``corroborated`` when an outlet independent of it (another outlet, and not
  a near-copy of its text) reports the same content (sentence-embedding similarity and a
  shared actor), else ``unverified``. Only claims that share an actor with a claim of another
  document are embedded, each distinct text once.

The library never prints; ``build`` returns a ``BuildReport``.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Sequence

from .errors import NewsgraphError

DEFAULT_THRESHOLD = 0.72     # least merge score (0..1)
DEFAULT_WINDOW_DAYS = 3      # largest gap in days between two reports' dates
SIMILARITY = 0.72            # cosine at which two claims say the same thing
CONTRADICTION_SIMILARITY = 0.75  # cosine at which a claim of the other polarity contradicts
COPY_JACCARD = 0.5           # word 5-shingle Jaccard at which two documents are copies
MIN_CLAIM_WORDS = 4
MAX_EVIDENCE = 20            # claims of one text group paired with another group's (bounds the work)
UNDATED_LOOKBACK = 90        # a report with no date and no publication day: the last events of its blocks compared
# Weights of the merge score; each part is 0..1, an unknown part (missing on one side) 0.5.
WEIGHTS = {"type": 0.25, "actors": 0.35, "date": 0.25, "place": 0.15}

_UNKNOWN = 0.5
# types whose actor and recipient a reporter may name either way round
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})


# --- dates ----------------------------------------------------------------------------------

def date_interval(value: str | None, published: str | None = None) -> tuple[date, date] | None:
    """The days a contract date allows: ``2019-09-04`` one day, ``2019-09`` its month, ``2019``
    its year, ``--09-04`` that day in the publication year; None when unknown."""
    if not value:
        return None
    try:
        if value.startswith("--"):
            if not published:
                return None
            d = date(int(published[:4]), int(value[2:4]), int(value[5:7]))
            return d, d
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            d = date(*parts)
            return d, d
        if len(parts) == 2:
            return date(parts[0], parts[1], 1), date(parts[0], parts[1],
                                                     calendar.monthrange(parts[0], parts[1])[1])
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except (ValueError, IndexError):
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _gap(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


# --- one report ---------------------------------------------------------------------------

@dataclass
class Report:
    """One stored event as one document reports it."""

    doc_hash: str
    event_id: str
    type: str
    quad: int | None
    status: str
    date: str | None
    place_name: str | None
    place_country: str | None
    evidence_start: int
    evidence_end: int
    evidence_text: str
    outlet: str | None
    published: str | None
    actor: tuple[str, ...]
    recipient: tuple[str, ...]
    seq: int = 0
    interval: tuple[date, date] | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Report":
        rep = cls(row["doc_hash"], row["event_id"], row["type"], row.get("quad"), row["status"],
                  row.get("date"), row.get("place_name"), row.get("place_country"),
                  row["evidence_start"], row["evidence_end"], row["evidence_text"], row.get("outlet"),
                  row.get("published"), tuple(row.get("actor") or ()), tuple(row.get("recipient") or ()),
                  row.get("seq") or 0)
        rep.interval = date_interval(rep.date, rep.published)
        return rep

    @property
    def key(self) -> tuple[str, str]:
        return self.doc_hash, self.event_id

    def to_dict(self) -> dict[str, Any]:
        return {"doc_hash": self.doc_hash, "event_id": self.event_id, "outlet": self.outlet,
                "published": self.published, "status": self.status, "date": self.date,
                "place": self.place_name, "place_country": self.place_country,
                "actor": list(self.actor), "recipient": list(self.recipient),
                "evidence": {"start": self.evidence_start, "end": self.evidence_end,
                             "text": self.evidence_text}}


# --- comparing two reports ---------------------------------------------------------------------

class Matcher:
    """Compares reports: actors through their codes, places through their kinds."""

    def __init__(self, actor_codes: dict[str, tuple] | None = None,
                 place_kinds: dict[tuple[str, str | None], str] | None = None,
                 window_days: int = DEFAULT_WINDOW_DAYS):
        self.codes = actor_codes or {}
        self.place_kinds = place_kinds or {}
        self.window = window_days

    def actor_key(self, actor_id: str) -> str:
        """The blocking key of an actor: its country (``RUS`` for RUSGOV, RUSMIL, Putin), or
        its id when it has none (organisations without a country, agents)."""
        code, country, _sector, _kind = self.codes.get(actor_id, (None, None, None, None))
        if country:
            return country
        if code and len(code) >= 3 and code[:3].isalpha() and code[:3].isupper():
            return code[:3]
        return actor_id

    def actor_compat(self, a: str, b: str) -> tuple[float, str]:
        """How well two actor ids can be the same actor (0..1) and why."""
        if a == b:
            return 1.0, f"same actor {a}"
        ca, cb = self.codes.get(a, (None,) * 4), self.codes.get(b, (None,) * 4)
        code_a, code_b = ca[0], cb[0]
        if code_a and code_b:
            if code_a == code_b:
                return 0.9, f"same code {code_a}"
            if code_a.startswith(code_b) or code_b.startswith(code_a):
                return 0.75, f"{code_a} and {code_b}: one is a part of the other"
        if ca[3] == "agent" or cb[3] == "agent":   # "police (unspecified)" vs Kazakh police
            sa, sb = ca[2], cb[2]
            if sa and sa == sb:
                return 0.5, f"same sector {sa}"
        return 0.0, ""

    def role_compat(self, xs: Sequence[str], ys: Sequence[str]) -> tuple[float | None, str]:
        """The best pair of two role lists; None when either is empty (unknown)."""
        if not xs or not ys:
            return None, "unknown"
        best, why = 0.0, ""
        for x in xs:
            for y in ys:
                s, w = self.actor_compat(x, y)
                if s > best:
                    best, why = s, w
        return best, why

    def place_compat(self, a: Report, b: Report) -> tuple[float | None, str]:
        if not a.place_name or not b.place_name:
            return None, "unknown"
        na, nb = a.place_name.casefold(), b.place_name.casefold()
        if na == nb:
            return 1.0, f"same place {a.place_name}"
        ka = self.place_kinds.get((na, a.place_country))
        kb = self.place_kinds.get((nb, b.place_country))
        if a.place_country and a.place_country == b.place_country:
            if ka == "country" or kb == "country":
                inner = b.place_name if ka == "country" else a.place_name
                outer = a.place_name if ka == "country" else b.place_name
                return 0.8, f"{inner} is in {outer}"
            if ka == "region" or kb == "region":
                return 0.6, f"{a.place_name} and {b.place_name} in {a.place_country} (a region)"
        return 0.0, f"different places {a.place_name} / {b.place_name}"

    def date_compat(self, a: Report, b: Report) -> tuple[float | None, str]:
        ia, ib = a.interval, b.interval
        if ia and ib:
            gap = _gap(ia, ib)
            if gap > self.window:
                return 0.0, f"dates {a.date} / {b.date} {gap} days apart"
            if gap == 0:
                exact = ia[0] == ia[1] and ib[0] == ib[1]
                return (1.0, f"same day {a.date}") if exact else (0.85, f"{a.date} / {b.date} overlap")
            return 1.0 - 0.5 * gap / (self.window + 1), f"dates {a.date} / {b.date} {gap} days apart"
        # one or both undated: an event is reported at the latest on the day it is published
        known = ia or ib
        undated = b if ia else a
        pub = _day(undated.published)
        if known and pub:
            gap = _gap(known, (pub - timedelta(days=self.window), pub))
            if gap > self.window and undated.status not in ("future", "hypothetical"):
                return 0.0, f"date {(a if ia else b).date} far from the undated report's publication {pub}"
            if gap <= self.window:
                return 0.6, f"date {(a if ia else b).date} fits the undated report's publication {pub}"
        elif not known:
            pa, pb = _day(a.published), _day(b.published)
            if pa and pb and abs((pa - pb).days) > self.window:
                return 0.0, f"undated reports published {abs((pa - pb).days)} days apart"
        return None, "unknown"

    def compare(self, a: Report, b: Report) -> tuple[float, dict[str, str]] | None:
        """The merge score of two reports and why, or None when they cannot be one event."""
        if a.quad != b.quad and a.quad is not None and b.quad is not None:
            return None
        reasons: dict[str, str] = {}
        t = 1.0 if a.type == b.type else 0.5
        reasons["type"] = f"same type {a.type}" if t == 1.0 else f"{a.type} / {b.type}, same quad {a.quad}"
        ra, why_a = self.role_compat(a.actor, b.actor)
        rr, why_r = self.role_compat(a.recipient, b.recipient)
        if a.type in SYMMETRIC and b.type in SYMMETRIC:
            # "the Taliban met Russian officials" and "Russia hosted the Taliban": for a meeting
            # or an agreement who is actor and who recipient is the reporter's choice
            sa, why_sa = self.role_compat(a.actor, b.recipient)
            sr, why_sr = self.role_compat(a.recipient, b.actor)

            def total(x, y):
                return (x if x is not None else _UNKNOWN) + (y if y is not None else _UNKNOWN)
            if sa != 0.0 and sr != 0.0 and (ra == 0.0 or rr == 0.0 or total(sa, sr) > total(ra, rr)):
                ra, why_a = sa, (why_sa + " (roles swapped)") if why_sa else why_sa
                rr, why_r = sr, (why_sr + " (roles swapped)") if why_sr else why_sr
        if ra == 0.0 or rr == 0.0:
            return None                      # known on both sides and never the same
        if not (ra or rr):
            return None                      # no actor matched at all
        known = [x for x in (ra, rr) if x is not None]
        actors = sum(known) / len(known) if len(known) == 2 else 0.5 * known[0] + 0.5 * _UNKNOWN
        reasons["actors"] = "; ".join(f"{role}: {w}" for role, s, w in
                                      (("actor", ra, why_a), ("recipient", rr, why_r)) if s is not None)
        d, why_d = self.date_compat(a, b)
        if d == 0.0:
            return None
        reasons["date"] = why_d
        p, why_p = self.place_compat(a, b)
        if p == 0.0:
            return None
        reasons["place"] = why_p
        score = (WEIGHTS["type"] * t + WEIGHTS["actors"] * actors
                 + WEIGHTS["date"] * (_UNKNOWN if d is None else d)
                 + WEIGHTS["place"] * (_UNKNOWN if p is None else p))
        return round(score, 4), reasons


# --- corpus events -------------------------------------------------------------------------------

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_COUNTED = {"killed": "killed", "dead": "killed", "died": "killed", "deaths": "killed",
            "wounded": "wounded", "injured": "wounded", "hurt": "wounded",
            "detained": "detained", "arrested": "detained", "freed": "released",
            "released": "released", "prisoners": "prisoners", "people": "people",
            "civilians": "civilians", "soldiers": "soldiers", "sailors": "sailors",
            "journalists": "journalists", "members": "members", "persons": "people"}
_NUM_RE = re.compile(r"\b(\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r")\b((?:\s+[\w-]+){0,3}?)\s+("
                     + "|".join(_COUNTED) + r")\b", re.IGNORECASE)


def numbers(text: str) -> dict[str, int]:
    """Counted things in a sentence: ``{"killed": 12}`` for "killing at least 12 ... killed"."""
    found: dict[str, int] = {}
    for m in _NUM_RE.finditer(text):
        raw = m.group(1).lower().replace(",", "")
        value = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        found.setdefault(_COUNTED[m.group(3).lower()], value)
    return found


@dataclass
class CorpusEvent:
    id: str
    reports: list[Report]
    merges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return Counter(r.type for r in self.reports).most_common(1)[0][0]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(r.outlet or "(no outlet)" for r in self.reports))

    @property
    def first_reported(self) -> str | None:
        days = [r.published for r in self.reports if r.published]
        return min(days) if days else None

    @property
    def status(self) -> str:
        return Counter(r.status for r in self.reports).most_common(1)[0][0]

    def dates(self) -> tuple[str | None, str | None]:
        spans = [r.interval for r in self.reports if r.interval]
        if spans:
            # the tightest: the latest start and earliest end, else the whole range
            lo, hi = max(s[0] for s in spans), min(s[1] for s in spans)
            if lo > hi:
                lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
            return lo.isoformat(), hi.isoformat()
        first = self.first_reported
        return (first[:10], first[:10]) if first else (None, None)

    def place(self) -> tuple[str | None, str | None]:
        """The most specific place reported (a city over its country), by most reports."""
        named = [r for r in self.reports if r.place_name]
        if not named:
            return None, None
        counts = Counter((r.place_name, r.place_country) for r in named)
        countries = {r.place_country for r in named}
        best = max(counts, key=lambda k: (k[0] not in {"", None} and k[1] in countries
                                          and k[0] != k[1], counts[k]))
        return best

    def disagreements(self, matcher: Matcher) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []

        def by_value(values: Iterable[tuple[Any, Report]]) -> dict[str, list[str]]:
            grouped: dict[str, list[str]] = defaultdict(list)
            for value, r in values:
                name = r.outlet or "(no outlet)"
                if name not in grouped[str(value)]:
                    grouped[str(value)].append(name)
            return dict(grouped)

        statuses = {r.status for r in self.reports}
        if len(statuses) > 1:
            kind = ("asserted vs alleged" if {"asserted", "alleged"} <= statuses
                    else "asserted vs negated" if {"asserted", "negated"} <= statuses else "status")
            out.append({"field": "status", "kind": kind,
                        "values": by_value((r.status, r) for r in self.reports)})
        dated = [r for r in self.reports if r.interval]
        if any(_gap(a.interval, b.interval) > 0 for i, a in enumerate(dated) for b in dated[i + 1:]):
            out.append({"field": "date", "kind": "date",
                        "values": by_value((r.date, r) for r in dated)})
        placed = [r for r in self.reports if r.place_name]
        if any(matcher.place_compat(a, b)[0] == 0.0 for i, a in enumerate(placed) for b in placed[i + 1:]):
            out.append({"field": "place", "kind": "place",
                        "values": by_value((r.place_name, r) for r in placed)})
        counted: dict[str, list[tuple[int, Report]]] = defaultdict(list)
        for r in self.reports:
            for what, n in numbers(r.evidence_text).items():
                counted[what].append((n, r))
        for what, values in sorted(counted.items()):
            if len({n for n, _ in values}) > 1:
                out.append({"field": "number", "kind": what, "values": by_value(values)})
        return out

    def to_dict(self, matcher: Matcher | None = None) -> dict[str, Any]:
        lo, hi = self.dates()
        place, country = self.place()
        return {"id": self.id, "type": self.type, "status": self.status, "date": [lo, hi],
                "place": place, "place_country": country, "first_reported": self.first_reported,
                "outlets": self.outlets, "n_reports": len(self.reports),
                "reports": [r.to_dict() for r in self.reports], "merges": self.merges,
                "disagreements": self.disagreements(matcher or Matcher())}


def _event_id(first: Report) -> str:
    return "ce" + hashlib.sha256(f"{first.doc_hash}/{first.event_id}".encode()).hexdigest()[:12]


def _profile(rep: Report) -> tuple:
    """What the merge rules read of a report: reports with one profile (copies of one wire
    story) are compared once."""
    pub = None if rep.interval else (rep.published or "")[:10]
    return (rep.type, rep.quad, rep.actor, rep.recipient, rep.date, pub,
            (rep.place_name or "").casefold(), rep.place_country, rep.status)


def _days(rep: Report, window: int) -> list[date]:
    """The days around a report where the reports it may merge with sit: its date interval
    (or its publication day when undated), widened by the window on each side."""
    if rep.interval:
        lo, hi = rep.interval
        hi = hi + timedelta(days=window)   # an undated report published after it may still fit
    else:
        pub = _day(rep.published)
        if pub is None:
            return []
        lo, hi = pub - timedelta(days=window), pub
    lo, hi = lo - timedelta(days=window), hi + timedelta(days=window)
    span = min((hi - lo).days, 62)   # a month-only date is at most a month and its margins
    return [lo + timedelta(days=k) for k in range(span + 1)]


def merge_reports(reports: Iterable[Report], matcher: Matcher, *,
                  threshold: float = DEFAULT_THRESHOLD) -> list[CorpusEvent]:
    """Cluster reports into corpus events, in the order given (earliest first is best).

    Each report looks only at the corpus events that share a block (quad class + actor key)
    with it and hold a report dated (or, undated, published) within the window of its own
    date; it is compared with each distinct report profile of those events once (copies of one
    story are one profile), and joins the event whose best-matching profile scores highest, at
    least ``threshold``, unless a hard rule (date window, place) separates it from any profile
    of that event; otherwise it starts a new corpus event. Reports with no date and no
    publication day are looked up among the block's events of the last UNDATED_LOOKBACK events.
    """
    events: list[CorpusEvent] = []
    profiles: list[dict[tuple, Report]] = []
    by_day: dict[tuple, dict[date, set[int]]] = defaultdict(lambda: defaultdict(set))
    undated: dict[tuple, list[int]] = defaultdict(list)
    window = matcher.window
    for rep in reports:
        keys = {(rep.quad, matcher.actor_key(a)) for a in rep.actor + rep.recipient}
        days = _days(rep, window)
        found: set[int] = set()
        for k in keys:
            if days:
                index = by_day.get(k)
                if index:
                    for d in days:
                        found.update(index.get(d, ()))
            else:
                found.update(undated[k][-UNDATED_LOOKBACK:])
        best: tuple[float, int, Report, dict] | None = None
        for i in sorted(found):
            top: tuple[float, Report, dict] | None = None
            for other in profiles[i].values():
                got = matcher.compare(rep, other)
                if got is not None and (top is None or got[0] > top[0]):
                    top = (got[0], other, got[1])
            if top is None or top[0] < threshold:
                continue
            # hard rules hold against every profile of the event, not only the best one
            if any(matcher.date_compat(rep, o)[0] == 0.0 or matcher.place_compat(rep, o)[0] == 0.0
                   for o in profiles[i].values()):
                continue
            if best is None or top[0] > best[0]:
                best = (top[0], i, top[1], top[2])
        if best is None:
            events.append(CorpusEvent(_event_id(rep), [rep]))
            profiles.append({})
            index_of = len(events) - 1
        else:
            score, index_of, other, reasons = best
            events[index_of].reports.append(rep)
            events[index_of].merges.append({"doc_hash": rep.doc_hash, "event_id": rep.event_id,
                                            "matched_doc": other.doc_hash, "matched_event": other.event_id,
                                            "score": score, "reasons": reasons})
        key = _profile(rep)
        if key not in profiles[index_of]:
            profiles[index_of][key] = rep
            for k in keys:
                if days:
                    for d in (rep.interval and [rep.interval[0] + timedelta(days=n) for n in
                                                range(min((rep.interval[1] - rep.interval[0]).days, 31) + 1)]
                              or [_day(rep.published)]):
                        by_day[k][d].add(index_of)
                elif index_of not in undated[k][-1:]:
                    undated[k].append(index_of)
    return events


# --- near-duplicate documents -------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 5) -> set[int]:
    """Hashes of the word n-grams of a text (lower-cased), the unit of copy detection."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {hash(" ".join(words[i:i + n])) for i in range(len(words) - n + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class CopyFinder:
    """Which documents are near-copies of each other (union of pairs at ``COPY_JACCARD``).
    Only the pairs it is asked about are compared; shingle sets are cached."""

    def __init__(self, texts: dict[str, str], threshold: float = COPY_JACCARD):
        self.texts = texts
        self.threshold = threshold
        self._shingles: dict[str, set[int]] = {}
        self._parent: dict[str, str] = {}
        self._seen: set[tuple[str, str]] = set()

    def _sh(self, h: str) -> set[int]:
        if h not in self._shingles:
            self._shingles[h] = shingles(self.texts.get(h, ""))
        return self._shingles[h]

    def find(self, h: str) -> str:
        while self._parent.get(h, h) != h:
            h = self._parent[h]
        return h

    def copies(self, a: str, b: str) -> bool:
        if a == b:
            return True
        pair = (a, b) if a < b else (b, a)
        if pair not in self._seen:
            self._seen.add(pair)
            if jaccard(self._sh(a), self._sh(b)) >= self.threshold:
                ra, rb = self.find(a), self.find(b)
                if ra != rb:
                    self._parent[max(ra, rb)] = min(ra, rb)
        return self.find(a) == self.find(b)

    def clusters(self, order: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
        """``(doc_hash, cluster)`` of every document with a copy; the cluster is named by its
        first document in ``order`` (publication date, then hash)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for h in set(self._parent) | set(self._parent.values()):
            groups[self.find(h)].append(h)
        out = []
        for members in groups.values():
            if len(members) > 1:
                first = min(members, key=lambda h: order.get(h, ("9999", h)))
                out.extend((h, first) for h in members)
        return sorted(out)


# --- claims ------------------------------------------------------------------------------------

_NEGATION = re.compile(r"\b(not|no|never|none|nothing|deny|denies|denied|denial|reject|rejects|rejected|"
                       r"false|fake|baseless|unfounded|groundless|untrue|refute[sd]?|dismiss(?:ed|es)?)\b|"
                       r"n't\b", re.IGNORECASE)


def polarity(text: str) -> bool:
    """True for a text that negates or denies (a cue of denial or negation in it)."""
    return bool(_NEGATION.search(text))


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass
class Corroboration:
    status: str
    supporting: list[dict[str, Any]]
    contradicting: list[dict[str, Any]]
    independent: int


def _week(published: str | None) -> int | None:
    """A running week number of a publication date (None when unknown)."""
    day = _day(published)
    return day.toordinal() // 7 if day else None


def corroborate(claims: list[dict[str, Any]], matcher: Matcher, copies: CopyFinder, *,
                encode: Callable[[list[str]], Any] | None = None,
                similarity: float = SIMILARITY,
                contested_events: dict[tuple[str, int, int], list[dict[str, Any]]] | None = None,
                ) -> tuple[dict[tuple[str, str], Corroboration], dict[str, int]]:
    """The corroboration of every claim, and counts of the work done.

    ``claims``: ``Store.claim_rows()``. Candidate pairs are claims of different documents that
    share an actor key; only their distinct texts are embedded (``encode``: a list of texts to
    unit vectors; default ``newsgraph.embed.encode``), in one batched call.
    ``contested_events``: ``{(doc_hash, start, end): [contradiction]}`` of event evidence that
    another outlet denies; a claim whose span overlaps one is contested.
    """
    import numpy as np

    usable = [c for c in claims if len(c["text"].split()) >= MIN_CLAIM_WORDS and c["actors"]]
    # candidates: claims of different documents that share an actor key and were published
    # within a week of each other (the same ISO week or the one before); a text repeated in
    # many documents (wire copy) is one "text group" and is compared once
    norm = [_norm(c["text"]) for c in usable]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(norm):
        groups[n].append(i)
    texts = sorted({n: usable[ids[0]]["text"] for n, ids in groups.items()}.items())
    index = {n: k for k, (n, _t) in enumerate(texts)}
    by_key: dict[tuple, set[int]] = defaultdict(set)   # (actor key, week) -> text indices
    for n, ids in groups.items():
        for i in ids:
            week = _week(usable[i]["published"])
            for k in {matcher.actor_key(a) for a in usable[i]["actors"]}:
                by_key[(k, week)].add(index[n])
    floor = min(similarity - 0.1, CONTRADICTION_SIMILARITY)
    text_pairs: dict[tuple[int, int], float] = {}
    vectors = None
    blocks = []
    for (k, week), members in by_key.items():
        near = set(members) | by_key.get((k, week - 1), set()) if week is not None else set(members)
        if len(near) > 1 or any(len(groups[texts[t][0]]) > 1 for t in near):
            blocks.append(sorted(near))
    stats = {"claims": len(claims), "candidate_pairs": 0, "embedded": 0}
    if blocks:
        needed = sorted({t for b in blocks for t in b})
        if encode is None:
            from .embed import encode as encode_default
            encode = encode_default
        vecs = np.asarray(encode([texts[t][1] for t in needed]), dtype=np.float32)
        vectors = {t: v for t, v in zip(needed, vecs)}
        stats["embedded"] = len(needed)
        for b in blocks:
            m = np.stack([vectors[t] for t in b])
            for lo in range(0, len(b), 1024):
                sims_block = m[lo:lo + 1024] @ m.T
                rows, cols = np.nonzero(sims_block >= floor)
                for r, c in zip(rows.tolist(), cols.tolist()):
                    ta, tb = b[lo + r], b[c]
                    if ta < tb:
                        text_pairs[(ta, tb)] = float(sims_block[r, c])
    # claim pairs: within a text group (identical text, other documents) and across similar
    # text groups; each claim keeps at most MAX_EVIDENCE partners of each kind
    sims: dict[tuple[int, int], float] = {}
    for (ta, tb), sim in text_pairs.items():
        for i in groups[texts[ta][0]][:MAX_EVIDENCE]:
            for j in groups[texts[tb][0]][:MAX_EVIDENCE]:
                if usable[i]["doc_hash"] != usable[j]["doc_hash"]:
                    sims[(i, j) if i < j else (j, i)] = sim
    for n, ids in groups.items():
        for x, i in enumerate(ids[:MAX_EVIDENCE]):
            for j in ids[x + 1:MAX_EVIDENCE]:
                if usable[i]["doc_hash"] != usable[j]["doc_hash"]:
                    sims[(i, j)] = 1.0
    stats["candidate_pairs"] = len(sims)
    support: dict[int, list[dict[str, Any]]] = defaultdict(list)
    contra: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (i, j), s in sims.items():
        ci, cj = usable[i], usable[j]
        if s >= CONTRADICTION_SIMILARITY:
            why = None
            if polarity(ci["text"]) != polarity(cj["text"]):
                why = "one denies what the other states"
            else:
                ni, nj = numbers(ci["text"]), numbers(cj["text"])
                clash = [k for k in ni.keys() & nj.keys() if ni[k] != nj[k]]
                if clash and s >= similarity - 0.1:
                    why = "conflicting numbers: " + ", ".join(f"{k} {ni[k]} / {nj[k]}" for k in clash)
            if why:
                contra[i].append({"doc_hash": cj["doc_hash"], "claim_id": cj["claim_id"],
                                  "outlet": cj["outlet"], "why": why, "similarity": round(s, 3)})
                contra[j].append({"doc_hash": ci["doc_hash"], "claim_id": ci["claim_id"],
                                  "outlet": ci["outlet"], "why": why, "similarity": round(s, 3)})
                continue
        if s >= similarity:
            for x, y in ((i, j), (j, i)):
                cx, cy = usable[x], usable[y]
                copy = (cx["outlet"] is not None and cx["outlet"] == cy["outlet"]) or \
                    copies.copies(cx["doc_hash"], cy["doc_hash"])
                support[x].append({"doc_hash": cy["doc_hash"], "claim_id": cy["claim_id"],
                                   "outlet": cy["outlet"], "similarity": round(s, 3), "copy": copy})
    out: dict[tuple[str, str], Corroboration] = {}
    position = {(c["doc_hash"], c["claim_id"]): i for i, c in enumerate(usable)}
    for c in claims:
        key = (c["doc_hash"], c["claim_id"])
        i = position.get(key)
        sup = sorted(support.get(i, []), key=lambda r: -r["similarity"]) if i is not None else []
        con = list(contra.get(i, [])) if i is not None else []
        for (h, start, end), against in (contested_events or {}).items():
            if h == c["doc_hash"] and start < c["end"] and c["start"] < end:
                con.extend(x for x in against if x not in con)
        # independent: another outlet, known on both sides (two documents of unknown outlets
        # may be one outlet's), and not a near-copy
        independent = 0 if c["outlet"] is None else len(
            {s["outlet"] for s in sup if not s["copy"] and s["outlet"] is not None})
        status = "contested" if con else "corroborated" if independent else "unverified"
        out[key] = Corroboration(status, sup, con, independent)
    stats["corroborated"] = sum(1 for v in out.values() if v.status == "corroborated")
    stats["contested"] = sum(1 for v in out.values() if v.status == "contested")
    return out, stats


# --- build ----------------------------------------------------------------------------------------

@dataclass
class BuildReport:
    settings: dict[str, Any]
    reports: int
    corpus_events: int
    multi_report_events: int
    multi_outlet_events: int
    top: list[dict[str, Any]]
    claims: dict[str, int] | None
    copies: int

    def to_dict(self) -> dict[str, Any]:
        return {"settings": self.settings, "reports": self.reports, "corpus_events": self.corpus_events,
                "multi_report_events": self.multi_report_events,
                "multi_outlet_events": self.multi_outlet_events, "copies": self.copies,
                "claims": self.claims, "top": self.top}


def _contested_evidence(events: list[CorpusEvent]) -> dict[tuple[str, int, int], list[dict[str, Any]]]:
    """Event evidence whose corpus event another outlet reports as negated."""
    out: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for ce in events:
        denials = [r for r in ce.reports if r.status == "negated"]
        if not denials:
            continue
        for r in ce.reports:
            if r.status in ("asserted", "alleged"):
                against = [{"doc_hash": d.doc_hash, "event_id": d.event_id, "outlet": d.outlet,
                            "why": f"{d.outlet or 'another report'} reports event {ce.id} as negated"}
                           for d in denials if d.outlet != r.outlet]
                if against:
                    out[(r.doc_hash, r.evidence_start, r.evidence_end)] = against
    return out


def build(store, *, threshold: float = DEFAULT_THRESHOLD, window_days: int = DEFAULT_WINDOW_DAYS,
          claims: bool = True, encode: Callable[[list[str]], Any] | None = None,
          top: int = 10) -> BuildReport:
    """(Re)compute the corpus events, their merges and disagreements, document copies and (with
    ``claims``) the claim corroboration of a store, and store them in one transaction."""
    if not 0.0 <= threshold <= 1.0:
        raise NewsgraphError("bad_option", f"threshold must be between 0 and 1, got {threshold}")
    if window_days < 0:
        raise NewsgraphError("bad_option", f"window-days must not be negative, got {window_days}")
    settings = {"threshold": threshold, "window_days": window_days, "weights": WEIGHTS,
                "similarity": SIMILARITY, "copy_jaccard": COPY_JACCARD}
    matcher = Matcher(store.actor_codes(), store.place_kinds(), window_days)
    reports = [Report.from_row(r) for r in store.event_reports()]
    # earliest first: a corpus event grows from its first report. Same-day reports in the order
    # of their documents' hashes, not of their storage: the same documents give the same corpus
    # events whatever order they were stored in (one ingest, several, a merged Ray run).
    reports.sort(key=lambda r: (r.published or "9999", r.doc_hash, r.evidence_start, r.event_id))
    events = merge_reports(reports, matcher, threshold=threshold)
    order = {r.doc_hash: (r.published or "9999", r.doc_hash) for r in reports}
    claim_rows = store.claim_rows() if claims else []
    claim_rows.sort(key=lambda c: (c["published"] or "9999", c["doc_hash"], c["start"], c["claim_id"]))
    order.update({c["doc_hash"]: (c["published"] or "9999", c["doc_hash"]) for c in claim_rows})
    docs_needed = {r.doc_hash for ce in events if len(ce.reports) > 1 for r in ce.reports}
    docs_needed |= {c["doc_hash"] for c in claim_rows if c["actors"]}
    copies = CopyFinder(_LazyTexts(store, docs_needed))
    # copies among the documents of one corpus event (their outlets are then not independent)
    for ce in events:
        # each document against the copy clusters met so far in this event (not every pair:
        # a story copied by a thousand sites is one cluster, compared once per document)
        roots: list[str] = []
        for h in dict.fromkeys(r.doc_hash for r in ce.reports):
            if not any(copies.copies(h, r) for r in roots[:MAX_EVIDENCE]):
                roots.append(h)
    corroboration = None
    claim_stats = None
    if claims:
        result, claim_stats = corroborate(claim_rows, matcher, copies, encode=encode,
                                          contested_events=_contested_evidence(events))
        corroboration = [(h, c, v.status, v.independent, json.dumps(v.supporting, ensure_ascii=False),
                          json.dumps(v.contradicting, ensure_ascii=False))
                         for (h, c), v in result.items()]
    settings_json = json.dumps(settings)
    ev_rows, rep_rows, actor_rows, merge_rows = [], [], [], []
    for ce in events:
        lo, hi = ce.dates()
        place, country = ce.place()
        ev_rows.append((ce.id, ce.type, ce.reports[0].quad, lo, hi, place, country, ce.first_reported,
                        len(ce.reports), len(ce.outlets), len({r.doc_hash for r in ce.reports}),
                        ce.status, json.dumps(ce.disagreements(matcher), ensure_ascii=False),
                        settings_json))
        seen_roles = set()
        for r in ce.reports:
            rep_rows.append((ce.id, r.doc_hash, r.event_id, r.outlet, r.published, r.status, r.date,
                             r.place_name, r.place_country, r.evidence_start, r.evidence_end,
                             r.evidence_text))
            for role, ids in (("actor", r.actor), ("recipient", r.recipient)):
                for a in ids:
                    if (a, role) not in seen_roles:
                        seen_roles.add((a, role))
                        actor_rows.append((ce.id, a, role))
        for m in ce.merges:
            merge_rows.append((ce.id, m["doc_hash"], m["event_id"], m["matched_doc"], m["matched_event"],
                               m["score"], json.dumps(m["reasons"], ensure_ascii=False)))
    copy_rows = copies.clusters(order)
    store.replace_corpus(events=ev_rows, reports=rep_rows, actors=actor_rows, merges=merge_rows,
                         corroboration=corroboration, copies=copy_rows)
    multi = [ce for ce in events if len(ce.reports) > 1]
    ranked = sorted(multi, key=lambda ce: (-len(ce.outlets), -len(ce.reports), ce.first_reported or ""))
    return BuildReport(settings, len(reports), len(events), len(multi),
                       sum(1 for ce in multi if len(ce.outlets) > 1),
                       [ce.to_dict(matcher) for ce in ranked[:top]], claim_stats, len(copy_rows))


class _LazyTexts(dict):
    """Document texts read from the store on first use, in one batch for all wanted ones."""

    def __init__(self, store, wanted: Iterable[str]):
        super().__init__()
        self._store, self._wanted, self._loaded = store, set(wanted), False

    def get(self, key, default=None):
        if not self._loaded:
            self.update(self._store.document_texts(self._wanted))
            self._loaded = True
        return super().get(key, default)


# --- query --------------------------------------------------------------------------------------

from .query import query  # noqa: E402  (the query surface lives beside the build)

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_WINDOW_DAYS", "BuildReport", "CorpusEvent", "Matcher", "Report",
           "build", "corroborate", "date_interval", "merge_reports", "numbers", "query"]
