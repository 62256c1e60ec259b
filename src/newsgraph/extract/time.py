"""Time expressions, resolved against the document's publication date.

``extract_times(doc, published)`` finds the time expressions of a parsed document and gives
each a value in the event-date format of the analysis contract (``YYYY-MM-DD``, ``YYYY-MM``,
``YYYY``, ``--MM-DD`` or ``None``), its granularity, its relation to the publication date
(past, present, future), whether it is hedged ("early August", "around September 4") and
whether the publication date went into the value. ``time_for_token(times, doc, i)`` picks
the expression that dates the event predicate at token ``i``.

How it works: a set of compiled patterns over ``doc.text`` finds the candidates (explicit
dates, month-days, months, years, weekdays, "yesterday", "last week", "three days ago",
seasons, decades, holidays, anaphoric "the day before"). Patterns, not the NER, decide what a
time expression is: the small model's DATE entities miss "back in", label "Theresa May" a
DATE and include durations and ages; the NER is only consulted to accept a bare year or a
bare month that has no temporal preposition before it. Durations ("for three days", "18
years of war"), ages ("45-year-old") and times of day ("9:12 am") are not time expressions
here. The parse is used for tense: a weekday, a month or a month-day without a year is
placed before or after the publication date by the tense of the verb that governs it.
dateparser is not used: every form the patterns resolve is resolved by arithmetic on
``datetime.date``, and dateparser costs about 1 ms per absolute date and 10-100 ms per
string it cannot parse.

Conventions (D = the publication date; see docs/time.md):

- a month-day or month without a year takes the year that puts it nearest D; the tense of
  the governing verb overrides when the nearest is on the wrong side of D (past tense ->
  the latest one that is not after D, future -> the earliest one that is not before D);
- a bare weekday is D itself when D is that weekday; otherwise the next one after D with a
  future verb, else the most recent one before D; "last X" / "next X" are X of the
  previous / following calendar week (Monday to Sunday);
- "this/last/next week" -> the Monday of that week, granularity "week"; a weekend -> its
  Saturday, granularity "week"; "N weeks ago" -> D - 7N, granularity "week", approximate;
- seasons -> the year the season starts in (winter starts in December), granularity "season";
- decades, centuries and movable holidays (Eid, Ramadan, Easter) -> value None, granularity
  "unknown";
- a numeric date whose day and month cannot be told apart (04/09/2019) -> its year only,
  granularity "year", approximate;
- anaphoric expressions ("the day before", "two days later", "that day") are counted from
  the nearest preceding dated expression in the same or the two previous sentences, never
  from D; with none, their value is None;
- without D, relative expressions get value None (never guessed), explicit dates still
  resolve and a month-day without a year becomes ``--MM-DD``.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import Span

EXTRACTOR_VERSION = "time/1.0"

GRANULARITIES = ("day", "month", "year", "week", "season", "unknown")
RELATIONS = ("past", "future", "present", "unknown")


@dataclass(frozen=True)
class TimeExpr:
    """A time expression of the document text and the date it stands for."""

    span: Span              # exact characters in doc.text (end-exclusive)
    value: str | None       # YYYY-MM-DD | YYYY-MM | YYYY | --MM-DD | None
    granularity: str        # day | month | year | week | season | unknown
    relation: str           # past | future | present | unknown (relative to the document date)
    approximate: bool       # hedged: "early August", "mid-2019", "around September 4"
    anchored: bool          # the document date went into the value

    def __post_init__(self) -> None:
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {self.granularity!r}")
        if self.relation not in RELATIONS:
            raise ValueError(f"unknown relation {self.relation!r}")

    def to_dict(self) -> dict:
        return {"start": self.span.start, "end": self.span.end, "text": self.span.text,
                "value": self.value, "granularity": self.granularity, "relation": self.relation,
                "approximate": self.approximate, "anchored": self.anchored}


# ------------------------------------------------------------------ vocabulary

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
FULL_MONTHS = frozenset(calendar.month_name[1:]) | {m.upper() for m in calendar.month_name[1:]}
# Month names that are also common words or names: alone, they need a temporal word before.
AMBIGUOUS_MONTHS = frozenset({5, 3, 6})
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "a couple of": 2, "a couple": 2,
}
VAGUE_NUMBERS = frozenset({"a few", "few", "several", "many", "some", ""})
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# Words before a bare year, month, season or holiday that make it a time expression.
TEMPORAL_WORDS = frozenset(
    "in on since by until till through throughout from before after during of between early "
    "late mid around circa year back last next this ahead".split())
# Before May, March or June ("Corbyn and May", "a letter to May") only these will do.
STRONG_TEMPORAL_WORDS = frozenset(
    "in since by until till through throughout from before after during early late mid "
    "around back last next this".split())
# Movable or culture-specific holidays: a time expression without a value.
FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year's day": (1, 1), "new year's eve": (12, 31), "new year’s day": (1, 1),
                  "new year’s eve": (12, 31), "may day": (5, 1)}
NAMED_DAYS = frozenset({"black friday", "good friday", "super tuesday", "ash wednesday",
                        "palm sunday", "easter sunday", "easter monday", "cyber monday",
                        "holy saturday", "maundy thursday", "bloody sunday"})
# A weekday that names a newspaper or a programme, not a day.
PUBLICATION_WORDS = frozenset({"times", "telegraph", "express", "mirror", "post", "herald",
                               "independent", "star", "mail", "people", "sport", "tribune",
                               "world", "business", "night", "school"})
FUTURE_HEADS = frozenset({"be", "set", "schedule", "due", "expect", "plan", "intend", "hope",
                          "aim", "prepare", "go", "want", "wish", "seek", "promise", "vow",
                          "pledge", "threaten", "decide", "agree", "likely", "poise", "slate"})
CLAUSE_LINKS = frozenset({"xcomp"})

# ------------------------------------------------------------------ patterns
#
# Each pattern is a *core* that starts with a literal word or a digit (so that the regex engine
# scans the text quickly, case-sensitively: "May" but not "may"), followed by optional *left
# extensions* matched backwards from the core's start ("early", "last", "three ... ago").


def _cases(*words: str) -> str:
    """An alternation of the words as written, Capitalised and UPPER, longest first."""
    alts = {v.replace(" ", r"\s+") for w in words for v in (w, w[:1].upper() + w[1:], w.upper())}
    return "|".join(sorted(alts, key=lambda x: (-len(x), x)))


_FULL_MONTHS = [m for m in calendar.month_name[1:]]
_ABBR_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec"]
_MON = rf"(?P<mon>(?:{_cases(*_FULL_MONTHS)})|(?:{_cases(*_ABBR_MONTHS)})\.?)(?!\w)"
_WD = rf"(?:{_cases(*calendar.day_name)})"
_YEAR = r"(?P<y>1[0-9]{3}|20[0-9]{2})(?!\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:.,]\d)(?!\d)"
_NUM = (r"(?P<n>\d{1,3}|a\s+couple\s+of|a\s+couple|a\s+dozen|a\s+few|a|an|one|two|three|four|"
        r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
        r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
        r"few|several|many|some)")
_I = re.IGNORECASE


def _left(pattern: str) -> re.Pattern:
    return re.compile(pattern + r"\Z", _I)


MOD_L = _left(r"(?<![\w-])(?P<mod>early|late|mid|around|about|approximately|roughly|circa|"
              r"the\s+(?:very\s+)?(?:end|beginning|start|middle|turn|first\s+half|second\s+half|"
              r"(?:first|second|third|fourth|last)\s+(?:week|days))\s+of(?:\s+the)?)(?:\s+|-)")
WD_PREFIX_L = _left(rf"(?<![\w-])(?:(?:next|last|this|coming)\s+)?(?:{_cases(*calendar.day_name)}),?\s+")
THE_L = _left(r"(?<!\w)the\s+")
REL_MON_L = _left(r"(?<!\w)(?P<rel>this\s+past|this\s+coming|last|next|this)\s+")
REL_WD_L = _left(r"(?<!\w)(?P<rel>this\s+past|this\s+coming|last|next|this|coming|past)\s+")
TOD_L = _left(r"(?<!\w)(?P<tod>early|late|earlier|later)\s+(?:on\s+)?")
PERIOD_MOD_L = _left(r"(?<![\w-])(?P<mod>early|late|mid|earlier|later)[\s-]+")
NUM_L = _left(rf"(?<![\w,]){_NUM}\s+")
HEDGE_L = _left(r"(?<!\w)(?P<hedge>about|around|approximately|roughly|nearly|almost|more\s+than|"
                r"over|less\s+than|under|just\s+over|just\s+under|at\s+least|only|just|barely)\s+")
DECADE_L = _left(r"(?<!\w)(?P<the>the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?")
APOS_L = _left(r"(?P<apos>['’])")
SEASON_REL_L = _left(r"(?<!\w)(?P<rel>this\s+past|this\s+coming|last|this|next|the)\s+")

# (kind, priority, core, ((left extension, required), ...)); longer matches win, then lower priority.
_PATTERN_TABLE = (
    ("iso", 0, r"(?<![\d/.-])(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?![\d/-])", ()),
    ("numeric", 0, r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/]|\.\d)", ()),
    ("mdy", 1, rf"{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?", ((WD_PREFIX_L, False), (MOD_L, False))),
    ("dmy", 1, rf"(?<![\d.,]){_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?",
     ((THE_L, False), (WD_PREFIX_L, False), (MOD_L, False))),
    ("my", 2, rf"{_MON},?\s+(?:of\s+)?{_YEAR}", ((MOD_L, False),)),
    ("mrel", 2, rf"{_MON}\s+(?:of\s+)?(?P<rel>{_cases('this', 'last', 'next')})\s+(?:year|YEAR)\b", ((MOD_L, False),)),
    ("month", 3, _MON, ((REL_MON_L, False), (MOD_L, False))),
    ("year", 3, r"(?<![\w,.$£€#/])" + _YEAR + r"(?!%|,\d|\.\d|-(?:year|month|day|week|strong|member))", ((MOD_L, False),)),
    ("decade", 3, r"(?<!\w)(?P<dec>1[0-9]{2}0|20[0-9]0)s\b", ((DECADE_L, False),)),
    ("decade", 4, r"(?<!\w)(?P<dec2>[0-9]0)s\b", ((APOS_L, False), (DECADE_L, False))),
    ("century", 3, r"(?<!\w)(?P<cent>1?\d)(?:st|nd|rd|th)[\s-]+(?:century|CENTURY)", ((DECADE_L, False),)),
    ("weekday", 3, rf"(?P<wd>{_WD})(?:\s+(?P<tod2>morning|afternoon|evening|night))?(?!\w)",
     ((REL_WD_L, False), (TOD_L, False))),
    ("relday", 3, rf"(?<!\w)(?P<rel>{_cases('the day before yesterday', 'the day after tomorrow', 'yesterday', 'today', 'tomorrow', 'tonight', 'last night', 'this morning', 'this afternoon', 'this evening')})"
                  r"(?:\s+(?P<tod2>morning|afternoon|evening|night))?\b", ((TOD_L, False),)),
    ("relperiod", 3, rf"(?<!\w)(?P<rel>{_cases('this past', 'this coming', 'last', 'this', 'next')})\s+(?P<unit>{_cases('weekend', 'week', 'month', 'year')})\b(?!-)",
     ((PERIOD_MOD_L, False),)),
    ("weekend", 4, r"(?<!\w)(?:over|at|during|on)\s+(?P<span>the\s+weekend)\b", ()),
    ("ago", 3, rf"(?<!\w)(?P<unit>{_cases('days', 'day', 'weeks', 'week', 'months', 'month', 'years', 'year', 'decades', 'decade', 'centuries', 'century')})\s+(?:ago|AGO)\b",
     ((NUM_L, False), (HEDGE_L, False))),
    ("anaphor", 3, rf"(?<!\w)(?P<unit>{_cases('days', 'day', 'weeks', 'week', 'months', 'month', 'years', 'year')})\s+(?P<dir>{_cases('earlier', 'later')})\b",
     ((NUM_L, True), (HEDGE_L, False))),
    ("anaphor", 3, r"(?<!\w)(?:the|a|The|A)\s+(?P<unit>day|week|month|year)\s+(?P<dir>before|after|earlier|later)(?=\s*(?:[,.;:)]|\Z|\n))", ()),
    ("anaphor", 3, r"(?<!\w)(?:the|The)\s+(?P<dir>previous|next|following|same)\s+(?P<unit>day|week|month|year)\b(?!-)", ()),
    ("anaphor", 3, r"(?<!\w)(?P<dir>that|That)\s+(?P<unit>day|week|month|year)\b(?!-|\s+(?:of|in|when|after|before))", ()),
    ("season", 3, rf"(?<!\w)(?P<season>{_cases('spring', 'summer', 'autumn', 'fall', 'winter')})(?:\s+(?:of\s+)?(?P<y>1[0-9]{{3}}|20[0-9]{{2}})(?!\d))?\b",
     ((SEASON_REL_L, False), (MOD_L, False))),
    ("holiday", 3, r"(?<!\w)(?P<hol>Christmas\s+(?:Day|Eve)|Christmas|New\s+Year['’]s\s+(?:Day|Eve)|May\s+Day|Easter(?:\s+Sunday|\s+Monday)?|Thanksgiving(?:\s+Day)?|Eid(?:\s+(?:al|ul|el)-(?:Adha|Fitr))?|Ramadan|Hanukkah|Passover|Nowruz|Diwali|Good\s+Friday|Black\s+Friday|Super\s+Tuesday|Ash\s+Wednesday|Palm\s+Sunday|Election\s+Day|Cyber\s+Monday|Bloody\s+Sunday)(?!\w)", ()),
)
PATTERNS: tuple[tuple[str, int, re.Pattern, tuple], ...] = tuple(
    (kind, prio, re.compile(core), lefts) for kind, prio, core, lefts in _PATTERN_TABLE)
# Patterns whose core starts with a month name are tried only where a month name starts, those
# that start with a digit only where a run of digits starts (one scan instead of four or six);
# the others scan the text on their own. A leading (?<!\w) would disable the regex engine's
# literal-prefix scan, so those cores check the character before them in Python instead.
MONTH_TRIGGER = re.compile(_MON)
DIGIT_TRIGGER = re.compile(r"\d+")
_MONTH_KINDS = frozenset({"mdy", "my", "mrel", "month"})
_DIGIT_KINDS = frozenset({"iso", "numeric", "dmy", "year", "decade", "century"})
MONTH_PATTERNS = tuple(p for p in PATTERNS if p[0] in _MONTH_KINDS)
DIGIT_PATTERNS = tuple(p for p in PATTERNS if p[0] in _DIGIT_KINDS)
OTHER_PATTERNS = tuple(
    (kind, prio, re.compile(pattern.pattern.removeprefix("(?<!\\w)")), lefts,
     pattern.pattern.startswith("(?<!\\w)"))
    for kind, prio, pattern, lefts in PATTERNS if kind not in _MONTH_KINDS | _DIGIT_KINDS)
LEFT_WINDOW = 60

_PREV_WORD = re.compile(r"([A-Za-z]+)[\s,]*$")
_NEXT_WORD = re.compile(r"^[\s,]*([A-Za-z]+)")
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and|through|until|till)\s*$", _I)
_APPROX_MODS = frozenset({"early", "late", "mid", "around", "about", "approximately", "roughly",
                          "circa"})


def _norm(s: str | None) -> str:
    return " ".join(s.lower().split()) if s else ""


# ------------------------------------------------------------------ dates

def _month_add(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _month_bounds(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _season_bounds(y: int, start_month: int) -> tuple[date, date]:
    ey, em = _month_add(y, start_month, 2)
    return date(y, start_month, 1), _month_bounds(ey, em)[1]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _relation(lo: date, hi: date, doc_date: date | None) -> str:
    if doc_date is None:
        return "unknown"
    if hi < doc_date:
        return "past"
    if lo > doc_date:
        return "future"
    return "present"


def _distance(lo: date, hi: date, d: date) -> int:
    if lo <= d <= hi:
        return 0
    return min(abs((lo - d).days), abs((hi - d).days))


# A date this many days on the wrong side of the document date for its tense is kept: dates
# of publication are often a day off (time zones, first-published vs updated).
TENSE_SLACK = timedelta(days=1)


def _pick(cands: list[tuple[date, date, object]], doc_date: date, tense: str):
    """The candidate nearest the document date; tense overrides when it is on the wrong side."""
    best = min(cands, key=lambda c: (_distance(c[0], c[1], doc_date), c[0] > doc_date))
    if tense == "past" and best[0] > doc_date + TENSE_SLACK:
        ok = [c for c in cands if c[0] <= doc_date]
        if ok:
            best = max(ok, key=lambda c: c[0])
    elif tense == "future" and best[1] < doc_date - TENSE_SLACK:
        ok = [c for c in cands if c[1] >= doc_date]
        if ok:
            best = min(ok, key=lambda c: c[0])
    return best


# ------------------------------------------------------------------ the parse

def _clause_head(tok, inside: tuple[int, int]):
    """The verb whose clause ``tok`` belongs to (or the sentence root)."""
    t = tok
    for _ in range(64):
        if not (inside[0] <= t.i < inside[1]) and t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
            return t
        if t.head.i == t.i:
            return t
        t = t.head
    return t


def _tense(verb, depth: int = 0) -> str:
    """past | future | present | unknown, from the verb's form and auxiliaries."""
    if verb.pos_ not in ("VERB", "AUX"):
        return "unknown"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowers = {c.lower_ for c in auxes}
    if lowers & {"will", "shall", "'ll", "wo"}:
        return "future"
    if lowers & {"would", "could", "might", "may", "should", "must", "can"}:
        return "unknown"
    if "to" in lowers and verb.dep_ in ("xcomp", "advcl", "ccomp") and depth < 3:
        head = verb.head
        head_tense = _tense(head, depth + 1)
        if head.lower_ == "going" or head.lemma_ in FUTURE_HEADS or any(
                c.dep_ == "acomp" and c.lemma_ in FUTURE_HEADS for c in head.children):
            return "future" if head_tense in ("present", "future") else "unknown"
        return head_tense
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN":
        if lowers & {"has", "have", "'ve", "'s"} or not auxes:
            return "past"
        if any(a.tag_ in ("VBZ", "VBP") for a in auxes) and verb.lemma_ in FUTURE_HEADS:
            return "future"      # "is scheduled", "is set"
        return "present" if any(a.tag_ in ("VBZ", "VBP") for a in auxes) else "unknown"
    if verb.tag_ == "VBG":
        if any(a.lower_ in ("is", "are", "am", "'s", "'re", "'m") for a in auxes):
            return "future"      # "is visiting Turkey on Monday"
        return "unknown"
    if verb.tag_ in ("VBZ", "VBP"):
        return "present"
    return "unknown"


# ------------------------------------------------------------------ extraction

@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    prio: int
    g: dict
    year_from: int | None = None     # a year taken from the other end of a range


class _Context:
    def __init__(self, doc, doc_date: date | None, text: str | None = None):
        self.doc = doc
        self.text = doc.text if text is None else text   # doc.text joins every token: pass it
        self.doc_date = doc_date
        self._sent_starts: list[int] | None = None
        self._tense: dict[tuple[int, int], str] = {}

    def in_date_entity(self, start: int, end: int) -> bool:
        """Whether the NER tagged every token of text[start:end] DATE or TIME."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span is not None and len(span) > 0 and all(
            t.ent_type_ in ("DATE", "TIME") for t in span)

    def prev_word(self, start: int) -> str:
        m = _PREV_WORD.search(self.text, max(0, start - 40), start)
        return m.group(1).lower() if m else ""

    def next_word(self, end: int) -> str:
        m = _NEXT_WORD.match(self.text[end:end + 40])
        return m.group(1) if m else ""

    def sentence_index(self, char: int) -> int:
        if self._sent_starts is None:
            self._sent_starts = [s.start_char for s in self.doc.sents]
        return bisect.bisect_right(self._sent_starts, char)

    def tense(self, start: int, end: int) -> str:
        key = (start, end)
        if key not in self._tense:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                self._tense[key] = "unknown"
            else:
                self._tense[key] = _tense(_clause_head(span.root, (span.start, span.end)))
        return self._tense[key]


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _accept(c: _Cand, ctx: _Context) -> bool:
    """Guards that tell a time expression from a name, a count or a common word."""
    g = c.g
    k = c.kind
    text = ctx.text
    if g.get("mon") is not None:
        mon = g["mon"].rstrip(".")
        if not _capitalised(mon):
            return False
        if k == "month":
            if mon not in FULL_MONTHS:
                return False
            if g.get("mod"):
                return True
            prev = ctx.prev_word(c.start)
            if MONTHS[mon.lower()] in AMBIGUOUS_MONTHS:
                return prev in STRONG_TEMPORAL_WORDS
            return prev in TEMPORAL_WORDS or ctx.in_date_entity(c.start, c.end)
        if k == "dmy" and g.get("y") is None and MONTHS[mon.lower()] == 5:
            # "10 May" needs a preposition or an ordinal: counts often stand before names.
            return ctx.prev_word(c.start) in TEMPORAL_WORDS or bool(re.search(r"\d(?:st|nd|rd|th)|the", text[c.start:c.end]))
        if k == "mdy" and mon.lower() == "may" and g.get("y") is None:
            return ctx.prev_word(c.start) in STRONG_TEMPORAL_WORDS | {"on"} or ctx.in_date_entity(c.start, c.end)
    if g.get("d") is not None and k in ("mdy", "dmy") and not 1 <= int(g["d"]) <= 31:
        return False
    if k == "year":
        if g.get("mod"):
            return True
        return ctx.prev_word(c.start) in TEMPORAL_WORDS or ctx.in_date_entity(c.start, c.end)
    if k == "weekday":
        wd = g["wd"]
        if not _capitalised(wd):
            return False
        nxt = ctx.next_word(c.end)
        if nxt[:1].isupper() and nxt.lower() in PUBLICATION_WORDS:
            return False
        if ctx.prev_word(c.start) == "on" and text[max(0, c.start - 8):c.start].lower().startswith("mail"):
            return False
        return True
    if k == "relday" and g["rel"][:1] == "T" and _norm(g["rel"]) == "today":
        # "USA Today", NBC's "Today" show, BBC Radio 4's Today programme.
        if ctx.next_word(c.end).lower() in ("show", "programme", "program") or text[c.end:c.end + 1] in ("”", "’", '"', "'"):
            return False
        before = text[max(0, c.start - 3):c.start].rstrip(" \t“\"‘'")
        return not before or before[-1] in ".!?:\n;—-"
    if k == "season":
        rel = _norm(g.get("rel"))
        if g.get("y") or rel in ("this past", "this coming", "last", "this", "next"):
            return True
        if rel == "the":
            if ctx.next_word(c.end).lower() == "of":
                return False
            return ctx.prev_word(c.start) in ("in", "during", "over", "by", "until", "since", "through")
        return False
    if k == "holiday":
        hol = _norm(g["hol"])
        if hol in NAMED_DAYS or (hol in FIXED_HOLIDAYS and hol not in ("christmas", "may day")) or hol == "election day":
            return True
        return ctx.prev_word(c.start) in TEMPORAL_WORDS | {"at", "over", "for", "ahead", "eve"}
    if k == "decade" and g.get("dec2") is not None:
        return bool(g.get("apos") or g.get("the"))
    return True


def _matches(text: str):
    for trigger_re, group in ((MONTH_TRIGGER, MONTH_PATTERNS), (DIGIT_TRIGGER, DIGIT_PATTERNS)):
        for trigger in trigger_re.finditer(text):
            pos = trigger.start()
            for kind, prio, pattern, lefts in group:
                m = pattern.match(text, pos)
                if m is not None:
                    yield kind, prio, lefts, m
    for kind, prio, pattern, lefts, boundary in OTHER_PATTERNS:
        for m in pattern.finditer(text):
            if boundary and m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
                continue
            yield kind, prio, lefts, m


def _candidates(ctx: _Context) -> list[_Cand]:
    found: list[_Cand] = []
    text = ctx.text
    for kind, prio, lefts, m in _matches(text):
        g = m.groupdict()
        start, end = m.span("span") if g.get("span") else m.span()
        ok = True
        for left, required in lefts:
            lm = left.search(text, max(0, start - LEFT_WINDOW), start)
            if lm is None or lm.start() == start:
                if required:
                    ok = False
                    break
                continue
            start = lm.start()
            g.update({k: v for k, v in lm.groupdict().items() if v is not None})
        if not ok or start == end:
            continue
        k = "relm" if kind == "month" and g.get("rel") else kind
        c = _Cand(start, end, k, prio, g)
        if _accept(c, ctx):
            found.append(c)
    # Longest first, then priority; no overlaps.
    found.sort(key=lambda c: (-(c.end - c.start), c.prio, c.start))
    taken: list[_Cand] = []
    starts: list[int] = []
    for c in found:
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and taken[i - 1].end > c.start:
            continue
        if i < len(taken) and taken[i].start < c.end:
            continue
        starts.insert(i, c.start)
        taken.insert(i, c)
    # "between August and October 2017", "May to June 2018": the year carries back.
    for a, b in zip(taken, taken[1:]):
        if a.kind in ("mdy", "dmy", "month") and a.g.get("y") is None and b.g.get("y") and b.g.get("mon") \
                and _RANGE_GAP.match(ctx.text[a.end:b.start]):
            y = int(b.g["y"])
            if MONTHS[a.g["mon"].rstrip(".").lower()] > MONTHS[b.g["mon"].rstrip(".").lower()]:
                y -= 1
            a.year_from = y
    return taken


def _approx_mod(g: dict) -> bool:
    mod = _norm(g.get("mod"))
    return bool(mod) and (mod.split()[0] in _APPROX_MODS or mod.startswith("the"))


class _Resolver:
    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.d = ctx.doc_date
        self.done: list[tuple[_Cand, TimeExpr]] = []

    def expr(self, c: _Cand, value, granularity, relation, approximate=False, anchored=False):
        return TimeExpr(Span.of(self.ctx.text, c.start, c.end), value, granularity, relation,
                        bool(approximate), bool(anchored))

    def day(self, c, dd: date, approximate=False, anchored=False, relation=None):
        return self.expr(c, dd.isoformat(), "day", relation or _relation(dd, dd, self.d),
                         approximate, anchored)

    def month(self, c, y, m, approximate=False, anchored=False, relation=None):
        lo, hi = _month_bounds(y, m)
        return self.expr(c, f"{y:04d}-{m:02d}", "month", relation or _relation(lo, hi, self.d),
                         approximate, anchored)

    def year(self, c, y, approximate=False, anchored=False, relation=None, granularity="year"):
        return self.expr(c, f"{y:04d}", granularity,
                         relation or _relation(date(y, 1, 1), date(y, 12, 31), self.d), approximate, anchored)

    def week(self, c, start: date, approximate=False, anchored=True, relation=None, days=7):
        return self.expr(c, start.isoformat(), "week",
                         relation or _relation(start, start + timedelta(days=days - 1), self.d),
                         approximate, anchored)

    def resolve(self, c: _Cand) -> TimeExpr | None:
        fn = getattr(self, "_" + c.kind)
        return fn(c, c.g)

    # explicit dates --------------------------------------------------------
    def _iso(self, c, g):
        y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
        if not (1000 <= y <= 2099 and _valid_day(y, m, d)):
            return None
        return self.day(c, date(y, m, d))

    def _numeric(self, c, g):
        a, b, ys = int(g["a"]), int(g["b"]), g["y"]
        if len(ys) == 2:
            if g["sep"] != "/":
                return None
            y = 2000 + int(ys)
            if self.d is not None and y > self.d.year + 10:
                y -= 100
        else:
            y = int(ys)
        readings = {(m, d) for m, d in ((a, b), (b, a)) if _valid_day(y, m, d)}
        if not readings:
            return None
        if len(readings) == 1:
            m, d = readings.pop()
            return self.day(c, date(y, m, d))
        return self.year(c, y, approximate=True)

    def _md(self, c, g, approx):
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        day = int(g["d"])
        y = int(g["y"]) if g.get("y") else c.year_from
        if y is not None:
            if not _valid_day(y, mon, day):
                return None
            return self.day(c, date(y, mon, day), approx)
        if not _valid_day(2000, mon, day):  # 2000 is a leap year: February 29 passes
            return None
        if self.d is None:
            return self.expr(c, f"--{mon:02d}-{day:02d}", "day", "unknown", approx, False)
        # February 29 may need to look further than a year either way for a leap year.
        cands = [(date(y, mon, day),) * 2 + (y,) for y in range(self.d.year - 4, self.d.year + 5)
                 if _valid_day(y, mon, day)]
        lo, _, _ = _pick(cands, self.d, self.ctx.tense(c.start, c.end))
        return self.day(c, lo, approx, anchored=True)

    def _mdy(self, c, g):
        return self._md(c, g, _approx_mod(g))

    _dmy = _mdy

    def _my(self, c, g):
        return self.month(c, int(g["y"]), MONTHS[g["mon"].rstrip(".").lower()], _approx_mod(g))

    def _month(self, c, g):
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        approx = _approx_mod(g)
        if c.year_from is not None:
            return self.month(c, c.year_from, mon, approx)
        if self.d is None:
            return self.expr(c, None, "month", "unknown", approx, False)
        cands = [_month_bounds(y, mon) + (y,) for y in (self.d.year - 1, self.d.year, self.d.year + 1)]
        _, _, y = _pick(cands, self.d, self.ctx.tense(c.start, c.end))
        return self.month(c, y, mon, approx, anchored=True)

    def _mrel(self, c, g):
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        rel = _norm(g["rel"])
        approx = _approx_mod(g)
        if self.d is None:
            return self.expr(c, None, "month", "past" if rel == "last" else "future" if rel == "next" else "unknown", approx)
        y = self.d.year + {"last": -1, "this": 0, "next": 1}[rel]
        return self.month(c, y, mon, approx, anchored=True)

    def _relm(self, c, g):
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        rel = _norm(g["rel"])
        approx = _approx_mod(g)
        if self.d is None:
            return self.expr(c, None, "month", "past" if rel in ("last", "this past") else
                             "future" if rel in ("next", "this coming") else "unknown", approx)
        dy, dm = self.d.year, self.d.month
        if rel in ("last", "this past"):
            y = dy if mon < dm else dy - 1
        elif rel in ("next", "this coming"):
            y = dy if mon > dm else dy + 1
        else:
            y = dy
        return self.month(c, y, mon, approx, anchored=True)

    def _year(self, c, g):
        return self.year(c, int(g["y"]), _approx_mod(g))

    def _decade(self, c, g):
        if g.get("dec"):
            start = int(g["dec"])
        else:
            start = 1900 + int(g["dec2"])
        lo, hi = date(start, 1, 1), date(start + 9, 12, 31)
        return self.expr(c, None, "unknown", _relation(lo, hi, self.d), bool(g.get("mod")))

    def _century(self, c, g):
        n = int(g["cent"])
        if n < 1:
            return None
        lo, hi = date(max(1, (n - 1) * 100 + 1), 1, 1), date(min(9999, n * 100), 12, 31)
        return self.expr(c, None, "unknown", _relation(lo, hi, self.d), bool(g.get("mod")))

    # relative to the document date ---------------------------------------
    def _weekday(self, c, g):
        wd = WEEKDAYS[g["wd"].lower()]
        rel = _norm(g.get("rel"))
        tense = self.ctx.tense(c.start, c.end) if rel in ("", "this") else ""
        if self.d is None:
            if rel in ("last", "this past", "past"):
                relation = "past"
            elif rel in ("next", "this coming", "coming"):
                relation = "future"
            else:
                relation = tense if tense in ("past", "future") else "unknown"
            return self.expr(c, None, "day", relation, False, False)
        d = self.d
        if rel == "last":
            value = _monday(d) - timedelta(days=7) + timedelta(days=wd)
        elif rel == "next":
            value = _monday(d) + timedelta(days=7 + wd)
        elif rel in ("this past", "past"):
            value = d - timedelta(days=(d.weekday() - wd) % 7 or 7)
        elif rel in ("this coming", "coming"):
            value = d + timedelta(days=(wd - d.weekday()) % 7 or 7)
        elif wd == d.weekday():
            value = d
        elif tense == "future":
            value = d + timedelta(days=(wd - d.weekday()) % 7)
        else:
            value = d - timedelta(days=(d.weekday() - wd) % 7)
        return self.day(c, value, anchored=True)

    def _relday(self, c, g):
        rel = _norm(g["rel"])
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
                  "the day after tomorrow": 2}.get(rel, 0)
        if self.d is None:
            return self.expr(c, None, "day", "past" if offset < 0 else "future" if offset > 0 else "present")
        return self.day(c, self.d + timedelta(days=offset), anchored=True)

    def _relperiod(self, c, g):
        rel = _norm(g["rel"])
        unit = g["unit"].lower()
        mod = _norm(g.get("mod"))
        k = {"last": -1, "this past": -1, "this": 0, "next": 1, "this coming": 1}[rel]
        approx = mod in ("early", "late", "mid", "earlier", "later")
        forced = "past" if mod == "earlier" else "future" if mod == "later" else None
        if unit == "weekend" and rel in ("this past", "this coming"):
            k = 0
        if self.d is None:
            relation = forced or ("past" if k < 0 else "future" if k > 0 else "present")
            if unit == "weekend" and rel in ("this past", "this coming"):
                relation = "past" if rel == "this past" else "future"
            return self.expr(c, None, "week" if unit in ("week", "weekend") else unit, relation, approx)
        d = self.d
        if unit == "week":
            return self.week(c, _monday(d) + timedelta(days=7 * k), approx, relation=forced)
        if unit == "month":
            y, m = _month_add(d.year, d.month, k)
            return self.month(c, y, m, approx, anchored=True, relation=forced)
        if unit == "year":
            return self.year(c, d.year + k, approx, anchored=True, relation=forced)
        # weekend: Saturday of the weekend
        sat_this = _monday(d) + timedelta(days=5)           # this calendar week's Saturday
        if rel == "this past":
            sat = sat_this if d >= sat_this else sat_this - timedelta(days=7)
        elif rel == "this coming":
            sat = sat_this if d <= sat_this + timedelta(days=1) else sat_this + timedelta(days=7)
        elif rel == "this":
            tense = self.ctx.tense(c.start, c.end)
            sat = sat_this - timedelta(days=7) if tense == "past" and d < sat_this else sat_this
        else:
            sat = sat_this + timedelta(days=7 * k)
        return self.week(c, sat, approx, relation=forced, days=2)

    def _weekend(self, c, g):
        if self.d is None:
            tense = self.ctx.tense(c.start, c.end)
            return self.expr(c, None, "week", tense if tense in ("past", "future") else "unknown")
        d = self.d
        sat_this = _monday(d) + timedelta(days=5)
        tense = self.ctx.tense(c.start, c.end)
        if d >= sat_this:
            sat = sat_this
        elif tense == "future":
            sat = sat_this
        else:
            sat = sat_this - timedelta(days=7)
        return self.week(c, sat, days=2)

    def _ago(self, c, g):
        n_word = _norm(g.get("n"))
        unit = g["unit"].lower().rstrip("s")
        unit = "century" if unit.startswith("centur") else unit
        approx = bool(g.get("hedge"))
        n = int(n_word) if n_word.isdigit() else NUMBERS.get(n_word)
        gran = {"day": "day", "week": "week", "month": "month", "year": "year"}.get(unit, "unknown")
        if n is None or n_word in VAGUE_NUMBERS or gran == "unknown" or self.d is None:
            return self.expr(c, None, gran, "past", approx or n is None)
        d = self.d
        if unit == "day":
            return self.day(c, d - timedelta(days=n), approx, anchored=True, relation="past")
        if unit == "week":
            return self.week(c, d - timedelta(days=7 * n), True, relation="past", days=1)
        if unit == "month":
            y, m = _month_add(d.year, d.month, -n)
            return self.month(c, y, m, approx, anchored=True, relation="past")
        return self.year(c, d.year - n, approx, anchored=True, relation="past")

    def _season(self, c, g):
        start = SEASONS[g["season"].lower()]
        rel = _norm(g.get("rel"))
        approx = bool(g.get("mod"))
        if g.get("y"):
            y = int(g["y"])
            return self.expr(c, str(y), "season", _relation(*_season_bounds(y, start), self.d), approx)
        if self.d is None:
            relation = "past" if rel in ("last", "this past") else "future" if rel in ("next", "this coming") else "unknown"
            return self.expr(c, None, "season", relation, approx)
        d = self.d
        occ = [(y,) + _season_bounds(y, start) for y in range(d.year - 2, d.year + 2)]
        if rel in ("last", "this past"):
            y = max(o[0] for o in occ if o[2] < d)
        elif rel in ("next", "this coming"):
            y = min(o[0] for o in occ if o[1] > d)
        elif rel == "this":
            y = min(occ, key=lambda o: _distance(o[1], o[2], d))[0]
        else:  # "in the summer": tense decides
            tense = self.ctx.tense(c.start, c.end)
            cands = [(o[1], o[2], o[0]) for o in occ]
            y = _pick(cands, d, tense)[2]
        lo, hi = _season_bounds(y, start)
        return self.expr(c, str(y), "season", _relation(lo, hi, d), approx, True)

    def _holiday(self, c, g):
        hol = _norm(g["hol"])
        fixed = FIXED_HOLIDAYS.get(hol)
        if fixed is None:
            return self.expr(c, None, "unknown", "unknown")
        mon, day = fixed
        if self.d is None:
            return self.expr(c, f"--{mon:02d}-{day:02d}", "day", "unknown")
        cands = [(date(y, mon, day),) * 2 + (y,) for y in (self.d.year - 1, self.d.year, self.d.year + 1)]
        lo, _, _ = _pick(cands, self.d, self.ctx.tense(c.start, c.end))
        return self.day(c, lo, anchored=True)

    # anaphoric -------------------------------------------------------------
    def _anaphor(self, c, g):
        unit = g["unit"].lower().rstrip("s")
        direction = g["dir"].lower()
        n_word = _norm(g.get("n"))
        n = int(n_word) if n_word.isdigit() else NUMBERS.get(n_word, 1) if n_word else 1
        vague = n_word in VAGUE_NUMBERS - {""}
        sign = -1 if direction in ("before", "earlier", "previous") else 0 if direction in ("same", "that") else 1
        gran = "week" if unit == "week" else unit
        antecedent = None if vague else self._antecedent(c)
        if antecedent is None or not antecedent.value or antecedent.value.startswith("--"):
            return self.expr(c, None, gran, "unknown", bool(g.get("hedge")) or vague)
        value = antecedent.value
        approx = antecedent.approximate or bool(g.get("hedge"))
        anchored = antecedent.anchored
        if unit in ("day", "week"):
            if antecedent.granularity not in ("day",) or len(value) != 10:
                return self.expr(c, None, gran, "unknown", approx)
            dd = date.fromisoformat(value) + timedelta(days=sign * n * (7 if unit == "week" else 1))
            if unit == "week":
                return self.week(c, dd, True, anchored=anchored, days=1)
            return self.day(c, dd, approx, anchored=anchored)
        y = int(value[:4])
        if unit == "month":
            if len(value) < 7:
                return self.expr(c, None, gran, "unknown", approx)
            y, m = _month_add(y, int(value[5:7]), sign * n)
            return self.month(c, y, m, approx, anchored=anchored)
        return self.year(c, y + sign * n, approx, anchored=anchored)

    def _antecedent(self, c: _Cand) -> TimeExpr | None:
        here = self.ctx.sentence_index(c.start)
        for prev_c, prev in reversed(self.done):
            if here - self.ctx.sentence_index(prev_c.start) > 2:
                return None
            if prev.value and prev.granularity in ("day", "month", "year"):
                return prev
        return None


def extract_times(doc, published: str | None, text: str | None = None) -> tuple[TimeExpr, ...]:
    """Every time expression of ``doc`` with its value resolved against ``published``.

    ``published`` is the document date (``YYYY-MM-DD``) or None; ``text``, where the caller
    has it, is ``doc.text`` (spaCy rebuilds that string from the tokens on each call). Pure
    function of its inputs.
    """
    doc_date = date.fromisoformat(published) if published else None
    if text is not None and len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text):
        raise ValueError("text is not the parsed doc's text")
    ctx = _Context(doc, doc_date, text)
    resolver = _Resolver(ctx)
    out: list[TimeExpr] = []
    for c in _candidates(ctx):
        t = resolver.resolve(c)
        if t is not None:
            resolver.done.append((c, t))
            out.append(t)
    return tuple(out)


# ------------------------------------------------------------------ attachment

def _linked_clauses(verb) -> list:
    """The predicate's own clause, then the clauses that share its time (xcomp, then conj)."""
    first = [verb]
    t = verb
    while t.dep_ in CLAUSE_LINKS and t.head.i != t.i:
        t = t.head
        first.append(t)
    stack = list(first)
    while stack:
        v = stack.pop()
        for ch in v.children:
            if ch.dep_ in CLAUSE_LINKS and ch not in first:
                first.append(ch)
                stack.append(ch)
    conj = []
    for v in first:
        if v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX"):
            conj.append(v.head)
        conj.extend(ch for ch in v.children if ch.dep_ == "conj" and ch.pos_ in ("VERB", "AUX"))
        if v.dep_ == "conj":
            conj.extend(ch for ch in v.head.children if ch.dep_ == "conj" and ch.i != v.i and ch.pos_ in ("VERB", "AUX"))
    return [first, [v for v in conj if v not in first]]


def time_for_token(times: tuple[TimeExpr, ...], doc, token_i: int) -> TimeExpr | None:
    """The time expression that dates the event predicate at ``doc[token_i]``.

    Preference, within the predicate's sentence only: an expression attached to the
    predicate itself ("met on Tuesday", "the attack on Monday"), then one attached to the
    predicate's clause ("held talks on Monday"), then to a clause that shares its time (an
    xcomp: "agreed to meet on Monday"; a coordinated verb: "attacked Ghazni and killed 20
    people on Monday"); ties go to the nearest. Expressions in other clauses (a relative
    clause, a reported "said on Monday that ...") are not taken. None when nothing fits:
    whether to fall back to the document date is the caller's decision.
    """
    pred = doc[token_i]
    sent = pred.sent
    lo, hi = sent.start_char, sent.end_char
    if pred.pos_ in ("VERB", "AUX") and pred.dep_ not in ("aux", "auxpass"):
        clause = pred
    else:
        clause = _clause_head(pred, (pred.i, pred.i + 1))
    linked, coordinated = _linked_clauses(clause)
    tiers = ([clause], linked[1:], coordinated)
    best: tuple[int, int] | None = None
    chosen = None
    for t in times:
        if t.span.start < lo or t.span.end > hi:
            continue
        span = doc.char_span(t.span.start, t.span.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        root = span.root
        inside = (span.start, span.end)
        score = None
        # attached to the predicate itself, with no verb in between
        walk = root
        for _ in range(64):
            if walk.i == pred.i and not (inside[0] <= walk.i < inside[1]):
                score = 0
                break
            if not (inside[0] <= walk.i < inside[1]) and walk.pos_ in ("VERB", "AUX") and walk.dep_ not in ("aux", "auxpass"):
                break
            if walk.head.i == walk.i:
                break
            walk = walk.head
        if score is None:
            head = _clause_head(root, inside)
            for rank, tier in enumerate(tiers, start=1):
                if any(v.i == head.i for v in tier):
                    score = rank
                    break
        if score is None:
            continue
        key = (score, min(abs(root.i - pred.i), abs(span.start - pred.i), abs(span.end - 1 - pred.i)))
        if best is None or key < best:
            best, chosen = key, t
    return chosen
