"""Document metadata: dates, outlets, the header block and the title line.

Dates are normalised to ``YYYY-MM-DD`` without guessing: a date needs a day,
a month and a four-digit year; relative dates ("yesterday") and all-numeric
dates whose day and month could be swapped ("04/09/2019") are refused. A
datetime keeps the date as written (no time-zone conversion).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from ..errors import NewsgraphError
from ..model import Boilerplate

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
_NUMERIC = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["absolute-time"],
}


@dataclass(frozen=True, slots=True)
class Meta:
    """Metadata of one input; ``None`` means unknown."""

    id: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    title: str | None = None

    def over(self, other: "Meta") -> "Meta":
        """These values, with the gaps filled from ``other``."""
        return replace(self, **{f.name: getattr(other, f.name) for f in fields(self)
                                if getattr(self, f.name) is None})


# ---------------------------------------------------------------- dates


def normalize_date(value: str) -> str | None:
    """``YYYY-MM-DD`` for a full date in any common form, else None (never a guess)."""
    if not isinstance(value, str) or not value.strip():
        return None
    iso = _ISO.match(value)
    if iso:
        return _valid(*map(int, iso.groups()))
    if not _YEAR.search(value):
        return None  # no four-digit year: relative or partial
    numeric = _NUMERIC.match(value)
    if numeric:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first <= 12 and second <= 12 and first != second:
            return None  # 04/09/2019: April or September?
    import dateparser  # slow to import; only needed for free-form dates

    parsed = dateparser.parse(value.strip(), languages=["en"], settings=_DATEPARSER_SETTINGS)
    return parsed.date().isoformat() if parsed else None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def check_date_option(value: str | None) -> str | None:
    """The --date option: None, or a real YYYY-MM-DD date; anything else is a user error."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) or not _valid(*map(int, value.split("-"))):
        raise NewsgraphError("bad_date", f"--date {value!r} is not a date in the form YYYY-MM-DD",
                             "use e.g. --date 2019-09-04")
    return value.strip()


# ---------------------------------------------------------------- outlets

_HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "amp.", "mobile.")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def outlet_from_url(url: str | None) -> str | None:
    """The outlet domain of a URL: ``https://www.reuters.com/world/x`` -> ``reuters.com``."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if "//" not in url:
        url = "//" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    stripped = True
    while stripped:
        stripped = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host, stripped = host[len(prefix):], True
    return host if _DOMAIN.match(host) else None


def clean_outlet(value: str | None) -> str | None:
    """An outlet name as given; a domain or URL given as the name becomes the bare domain."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    if not value:
        return None
    if " " not in value and ("." in value or "/" in value):
        return outlet_from_url(value) or value
    return value


# ---------------------------------------------------------------- header block

# header key (case-insensitive) -> Meta field, or "author"
HEADER_KEYS = {"title": "title", "headline": "title", "source": "outlet", "outlet": "outlet",
               "url": "url", "link": "url", "published": "date", "date": "date",
               "author": "author", "by": "author", "byline": "author", "id": "id"}
_KEY_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]{0,30}?)[ \t]*:[ \t]*(.*)$")


@dataclass(frozen=True, slots=True)
class Header:
    meta: Meta
    body: str
    removed: tuple[Boilerplate, ...]


def parse_header(text: str) -> Header:
    """Split an RFC-822-style header block off the top of a text.

    Recognised only when the first line is ``Key: value`` with a known key
    (Title, Source/Outlet, URL, Published/Date, Author/By, ID). The block runs
    to the first blank line or the first line that is not ``Key: value``.
    Author lines and unknown keys are returned as removed boilerplate (reasons
    ``byline`` and ``header``); an unreadable date is ignored and returned as
    removed with reason ``bad_date``.
    """
    lines = text.split("\n")
    first = _KEY_LINE.match(lines[0]) if lines else None
    if not first or first.group(1).strip().lower() not in HEADER_KEYS:
        return Header(Meta(), text, ())
    values: dict[str, str] = {}
    removed: list[Boilerplate] = []
    n = 0
    for n, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if not line.strip() or not match:
            break
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        field = HEADER_KEYS.get(key)
        if field == "author":
            removed.append(Boilerplate(line.strip(), "byline"))
        elif field is None:
            removed.append(Boilerplate(line.strip(), "header"))
        elif field == "date" and value:
            date = normalize_date(value)
            if date is None:
                removed.append(Boilerplate(line.strip(), "bad_date"))
            else:
                values.setdefault("date", date)
        elif value:
            values.setdefault(field, value)
    else:
        n = len(lines)
    meta = Meta(id=values.get("id"), outlet=clean_outlet(values.get("outlet")), date=values.get("date"),
                url=values.get("url"), title=values.get("title"))
    return Header(meta, "\n".join(lines[n:]), tuple(removed))


# ---------------------------------------------------------------- title line

TITLE_MAX_CHARS = 200       # one title line
TITLE_BLOCK_MAX_CHARS = 300  # a title paragraph (headline plus a kicker or subtitle)
TITLE_BLOCK_MAX_LINES = 3
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of",
                "on", "or", "over", "the", "to", "up", "via", "vs", "with", "are", "was", "be"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# a line ending like this runs on (a dateline "KABUL (Meridian) —", a list heading "Read more:")
_NOT_TITLE_END = set(",;:—–-")


def headline_cased(text: str) -> bool:
    """Most words capitalised, as in "Taliban Storm Police Headquarters"."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _SMALL_WORDS]
    if len(words) < 2:
        return bool(words) and words[0][0].isupper()
    return sum(w[0].isupper() for w in words) / len(words) >= 0.75


def _normal(s: str) -> str:
    return " ".join(s.split()).casefold()


def split_title(text: str, title: str | None = None) -> tuple[str | None, str]:
    """Take the title off the top of a cleaned text (paragraphs joined by a blank line).

    With ``title`` given, a first paragraph (or first line) equal to it is
    dropped from the body. Without one, the title is
    - the first paragraph, when it has at most 3 lines of under 200 characters
      (300 in all), more text follows, and it ends neither with , ; : or a dash
      (a dateline such as "KABUL (Meridian) —") nor with a period unless it is
      headline-cased ("George III Lost America.");
    - else the first line of the first paragraph, when it is under 200
      characters, headline-cased, does not end with . , ; : or a dash, and the next
      line starts a new sentence (a capital, a digit or a quote).
    Returns (title or None, body).
    """
    head, sep, rest = text.partition("\n\n")
    if title is not None:
        if _normal(head) == _normal(title) and rest.strip():
            return title, rest
        line, _, after = head.partition("\n")
        if _normal(line) == _normal(title) and after.strip():
            return title, after + sep + rest
        return title, text
    if not rest.strip():
        head_lines = head.split("\n")
        return _title_from_first_line(head_lines, text)
    lines = head.split("\n")
    if (len(lines) <= TITLE_BLOCK_MAX_LINES and len(head) <= TITLE_BLOCK_MAX_CHARS
            and all(len(line) < TITLE_MAX_CHARS for line in lines)):
        ending = head.rstrip()[-1:]
        if ending not in _NOT_TITLE_END and (ending != "." or headline_cased(head)):
            return " ".join(line.strip() for line in lines), rest
    return _title_from_first_line(lines, text)


def _title_from_first_line(lines: list[str], text: str) -> tuple[str | None, str]:
    if len(lines) < 2:
        return None, text
    first, second = lines[0].strip(), lines[1].strip()
    if (len(first) < TITLE_MAX_CHARS and first[-1:] not in _NOT_TITLE_END and not first.endswith(".")
            and headline_cased(first) and second[:1] and (second[0].isupper() or second[0].isdigit()
                                                          or second[0] in "\"'“‘(")):
        return first, text.split("\n", 1)[1]
    return None, text


# ---------------------------------------------------------------- masthead and date lines

TOP_LINES = 8  # how many non-blank lines at the top may hold a masthead or a date line
_MASTHEAD = re.compile(r"^(?P<first>[^|]{2,60}?)\s*\|(?:[^|]{1,40}\|)*\s*(?P<date>[^|]{6,40}?)\s*$")
# "By Jane Roe | TruthPatriot Staff | August 28, 2019": the outlet before "Staff"
_STAFF = re.compile(r"\|\s*(?P<outlet>[^|]{2,40}?)\s+(?:Staff|staff|Staff Writer|Correspondent)\s*\|")
# A wire dateline "TEHRAN, Sept 9 (Meridian) —" names the agency; the line itself is article text.
_DATELINE = re.compile(r"^[A-Z][A-Z .'\u2019-]{1,40}(?:, [A-Z][\w .'\u2019-]{1,30}?)?(?:, [A-Z][a-z]{2,9}\.? \d{1,2})?"
                       r" \((?P<agency>[A-Z][\w .&'\u2019-]{1,40})\)\s*[\u2014\u2013-]")
_DATE_LINE = re.compile(r"^(?i:published|posted|first published|date|dated)(?:\s+on)?\s*[:\-–—|]?\s*(?P<date>.{6,60})$")


def scan_top(body: str) -> Header:
    """Metadata in the first lines of an article body.

    - a masthead line ``Outlet | Section | September 5, 2019`` gives the outlet
      (its first part) and the date (its last part) and is removed (reason
      ``masthead``); a byline of that shape (``By X | Outlet Staff | date``) gives
      the date (and the outlet named before "Staff") and is removed (``byline``);
    - a wire dateline ``TEHRAN, Sept 9 (Meridian) —`` gives the agency as the
      outlet; the line stays, it is the article's first sentence;
    - a line ``Published: 4 September 2019`` gives the date and is removed
      (reason ``timestamp``).
    Only the first date found counts; lines whose date cannot be read are left.
    """
    lines = body.split("\n")
    outlet = date = None
    removed: list[Boilerplate] = []
    keep = [True] * len(lines)
    seen = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > TOP_LINES:
            break
        masthead = _MASTHEAD.match(stripped)
        dated = _DATE_LINE.match(stripped)
        found = normalize_date(masthead.group("date")) if masthead else None
        if found:
            if re.match(r"(?i)(by|written by)\s", masthead.group("first")):
                staff = _STAFF.search(stripped)
                date, outlet = date or found, outlet or (clean_outlet(staff.group("outlet")) if staff else None)
                removed.append(Boilerplate(stripped, "byline"))
            else:
                date, outlet = date or found, outlet or clean_outlet(masthead.group("first"))
                removed.append(Boilerplate(stripped, "masthead"))
            keep[i] = False
        elif (agency := _DATELINE.match(stripped)) and outlet is None:
            outlet = clean_outlet(agency.group("agency"))
        elif dated and normalize_date(dated.group("date")):
            date = date or normalize_date(dated.group("date"))
            removed.append(Boilerplate(stripped, "timestamp"))
            keep[i] = False
    if not removed and date is None and outlet is None:
        return Header(Meta(), body, ())
    kept = "\n".join(line for line, k in zip(lines, keep) if k)
    return Header(Meta(outlet=outlet, date=date), kept, tuple(removed))
