"""Actor resolution: who is involved in a document, as canonical coded actors.

``extract_actors(doc, document)`` is a pure function of the parsed document. It returns
every actor (with each mention as an exact character span of ``document.text``) and every
location used as a place. How it decides, in order:

1. **Dictionary matches.** A hash-table matcher over the tokens' lower-case forms (longest
   match wins, no overlaps; the same semantics as spaCy's PhraseMatcher on LOWER, at a tenth
   of its start-up cost for ~35,000 aliases) finds the aliases of the Phoenix actor
   dictionary, newsgraph's curated actors, the gazetteer places Phoenix lists under each
   country, national capitals and demonyms. Each alias carries case rules: an alias written
   in capitals (IS, ISI) matches only in capitals and not in a shouted heading; ``@``
   aliases (single Phoenix words) only where the NER also sees an entity; other aliases
   need their content words capitalised. The dictionary, not the NER label, decides what a
   known name is (small-model NER calls "Daesh" a GPE and "Ghazni" an ORG).
2. **Titles and affiliations.** Words before or in apposition to a person ("Russian envoy
   Zamir Kabulov", "Sergei Lavrov, Russia's foreign minister") give the person's role and,
   for a person the dictionary does not know, the code (RUS + envoy -> RUSGOV).
3. **Country + agent.** A demonym, country or capital that premodifies an agent noun from
   the agents dictionary is that country's sector: "Russian leadership" -> RUSGOV, "US
   troops" -> USAMIL, "the Kabul government" -> AFGGOV. A demonym before a known actor of
   the same country belongs to that actor's mention ("Pakistani ISI").
4. **Metonymy.** A capital is its government when it is the subject of a speech or action
   verb ("Moscow said"), is premodified by "official" ("official Kabul"), premodifies an
   agent ("Kabul government"), or owns a political noun ("Moscow's position"). Otherwise it
   and every other city or province is a place; a country used as the object of a locative
   preposition ("in Afghanistan") is a place too, and an actor elsewhere.
5. **NER-only entities** (PERSON, ORG, NORP nouns, GPE/LOC) that no dictionary match covers
   become actors without a code (ids ``unk:...``) or places resolved in the gazetteer.
6. **Coreference**, light: a later surname or title+surname links to the earlier full name
   when exactly one earlier person fits; he/she/his/her at the start of a sentence, or a
   he/she subject of a speech verb, links to the person mentioned in that or the previous
   sentence when exactly one (gender-compatible) person is there, or exactly one of them was
   a subject. Otherwise nothing is linked.

Ids are stable across documents: ``person:<slug>`` / ``org:<slug>`` for dictionary actors,
``country:<ISO3>``, ``cameo:<CODE>`` for a country's sector ("cameo:RUSGOV"),
``group:<slug>`` for peoples ("group:kurds"), ``unk:<kind>:<slug>`` for names no dictionary
knows. See docs/actors.md.
"""

from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import numpy
from spacy.attrs import IS_ALPHA, IS_TITLE, IS_UPPER, LENGTH, LOWER, SENT_START

from ..model import Actor, Document, Place, Span
from .places import Gazetteer, GazetteerEntry, gazetteer, slug

EXTRACTOR_VERSION = "actors/1.2"

ACTORS_FILE = "actors.tsv.gz"
CURATED_FILE = "actors_curated.tsv"
AGENTS_FILE = "agents.tsv.gz"
AGENTS_CURATED_FILE = "agents_curated.tsv"
DEMONYMS_FILE = "demonyms.tsv"
LEXICON_FILE = "actor_lexicon.tsv"

# Lower-case words inside names that need no capital ("al-Shabaab", "von der Leyen").
PARTICLES = frozenset("al el ul ud ad ar as ash an bin ibn bint abu de da di du dos das van von der den la le e i y ye o".split())
MOD_DEPS = frozenset({"amod", "compound", "nmod", "poss"})
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
# NER entities that may contain a place name without being that place ("The Washington Post").
NAMING_LABELS = frozenset({"ORG", "PERSON", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
INDEFINITE_DETS = frozenset({"a", "an", "another", "some", "several", "many", "one"})
INSTITUTION_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "IGO", "MED", "BUS", "NGO", "MNC"})
NON_COUNTRY_PREFIXES = frozenset({"IGO", "NGO", "MNC", "IMG", "NGM"})

_REF_ACTOR, _REF_PLACE, _REF_DEMONYM, _REF_BLOCK = 1, 2, 3, 4


# ------------------------------------------------------------------ public records

@dataclass(frozen=True, slots=True)
class Period:
    """A code valid from ``start`` to ``end`` (ISO dates, inclusive; None = open)."""

    code: str | None
    start: str | None = None
    end: str | None = None
    role: str | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """A dictionary actor, with its code resolved for one date (``resolve_name``)."""

    id: str
    name: str
    kind: str
    code: str | None
    country: str | None
    sector: str | None
    role: str | None
    gender: str | None = None
    periods: tuple[Period, ...] = ()
    source: str = "phoenix"


@dataclass(frozen=True)
class ActorResult:
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]


# ------------------------------------------------------------------ tables

class _Entry:
    __slots__ = ("id", "name", "kind", "_periods", "_codes", "gender", "source", "tokens")

    def __init__(self, id: str, name: str, kind: str, periods: list[Period] | None, source: str,
                 gender: str | None = None, codes: str = ""):
        self.id, self.name, self.kind, self.source, self.gender = id, name, kind, source, gender
        self._periods, self._codes = periods, codes
        self.tokens: set[str] = set()

    @property
    def periods(self) -> list[Period]:
        if self._periods is None:   # parsed on first use: most entries are never met
            self._periods = _parse_codes(self._codes)
        return self._periods

    def period(self, date: str | None) -> Period | None:
        """The period that gives the code on ``date`` (see docs/actors.md, "Dates")."""
        default = next((p for p in self.periods if not p.dated), None)
        dated = [p for p in self.periods if p.dated]
        if date:
            hits = [p for p in dated if p.covers(date)]
            if hits:
                return max(enumerate(hits), key=lambda ip: (ip[1].start or "", ip[0]))[1]
            return default
        if default is not None:
            return default
        if dated:
            return max(enumerate(dated), key=lambda ip: (ip[1].start or "", ip[1].end or "9999", ip[0]))[1]
        return None


@dataclass(frozen=True, slots=True)
class _Ref:
    type: int
    target: str            # entry id | gazetteer key | demonym target
    flags: str = ""        # "=" capitals only, "@" NER entity needed
    curated: bool = False
    pos: str | None = None  # demonyms: adj | noun | name
    country: str | None = None  # places: the country Phoenix lists it under


class _Tables:
    """Everything loaded once per process: entries, aliases, agents, demonyms, lexicon."""

    def __init__(self) -> None:
        self.gaz: Gazetteer = gazetteer()
        self.iso3: set[str] = set(self.gaz.countries) | {"KSV", "TMP", "DDR", "YUG", "SUN", "USR", "CSK", "SCG"}
        lex = _read_lexicon()
        self.speech = lex.get("speech", set())
        self.action = lex.get("action", set())
        self.locative = lex.get("locative", set())
        self.country_locative = lex.get("country-locative", set())
        self.movement = lex.get("movement", set())
        self.official = lex.get("official", set())
        self.possessed = lex.get("possessed", set())
        self.honorific = lex.get("honorific", set())
        self.place_suffix = lex.get("place-suffix", set())
        self.not_entity = lex.get("not-entity", set())
        self.pronoun_gender: dict[str, str] = dict(_read_pairs("pronoun"))
        self.first_name: dict[str, str] = dict(_read_pairs("first-name"))
        self.sector_label: dict[str, str] = dict(_read_pairs("sector"))
        self._tokenizer = None
        self.entries: dict[str, _Entry] = {}
        self.refs: dict[tuple[str, ...], list[_Ref]] = {}
        self._load_actors()
        self._load_places()
        self._load_demonyms()
        self.first = _first_index(self.refs)
        self.agents: dict[tuple[str, ...], str] = {}
        self._load_agents()
        self.agent_first = _first_index(self.agents)

    # -- tokenising aliases exactly as spaCy tokenises text
    def key(self, text: str) -> tuple[str, ...]:
        text = text.replace("\u2019", "'").strip()
        low = text.lower()
        if _PLAIN.fullmatch(low):
            return tuple(low.split())
        if self._tokenizer is None:
            from spacy.lang.en import English
            self._tokenizer = English().tokenizer
        if text == low and "." in text:
            text = text.title()   # abbreviations are tokenizer exceptions with capitals ("U.N.", "St.")
        return tuple(t.lower_ for t in self._tokenizer(text) if not t.is_space)

    def _add_ref(self, key: tuple[str, ...], ref: _Ref) -> None:
        if key:
            self.refs.setdefault(key, []).append(ref)

    def _load_actors(self) -> None:
        alias_rows: list[tuple[str, str, str]] = []   # (key text, entry id, flags)
        for row in _read_tsv(ACTORS_FILE, gz=True):
            if len(row) != 5:
                continue
            aid, name, kind, codes, aliases = row
            self.entries[aid] = _Entry(aid, name, kind, None, "phoenix", codes=codes)
            for a in aliases.split("|"):
                if a:
                    flags = a[0] if a[0] in "=@" else ""
                    alias_rows.append((a.lstrip("=@"), aid, flags))
        curated, curated_aliases, replaced = _read_curated()
        for aid, (name, kind, periods, gender) in curated.items():
            old = self.entries.get(aid)
            entry = _Entry(aid, name or (old.name if old else aid), kind or (old.kind if old else "organization"),
                           periods or (old.periods if old else []), "curated" if old is None else "phoenix+curated", gender)
            self.entries[aid] = entry
        for old_id, new_id in replaced.items():
            if old_id != new_id:
                self.entries.pop(old_id, None)
        claimed: dict[tuple[str, ...], str] = {}
        curated_person_keys: set[str] = set()
        for text, aid, flags in curated_aliases:
            k = self.key(text)
            claimed[k] = aid
            if self.entries[aid].kind == "person" and len(k) > 1:
                curated_person_keys.add(" ".join(k))
        for text, aid, flags in alias_rows:
            aid = replaced.get(aid, aid)
            if aid not in self.entries:
                continue
            k = self.key(text)
            owner = claimed.get(k)
            if owner is not None and owner != aid:
                continue   # a curated entry owns this alias
            if len(k) > 2 and owner is None and self.entries[aid].source == "phoenix":
                # a Phoenix group listing a person the curated file knows ("sheikh hassan nasrallah")
                if any(" ".join(k[n:]) in curated_person_keys for n in range(1, len(k) - 1)):
                    continue
            entry = self.entries[aid]
            self._add_ref(k, _Ref(_REF_ACTOR, aid, flags, curated=entry.source != "phoenix"))
            if entry.kind == "person":
                entry.tokens.update(w for w in k if w.isalpha())
        for text, aid, flags in curated_aliases:
            k = self.key(text)
            entry = self.entries[aid]
            if entry.kind == "none":
                self._add_ref(k, _Ref(_REF_BLOCK, aid, flags, curated=True))
                continue
            self._add_ref(k, _Ref(_REF_ACTOR, aid, flags, curated=True, pos=text if flags == "^" else None))
            entry.tokens.update(w for w in k if w.isalpha())
        # one ref per (key, target): keep the least restrictive flags
        for k, refs in self.refs.items():
            if len(refs) > 1:
                best: dict[tuple[int, str], _Ref] = {}
                for r in refs:
                    old = best.get((r.type, r.target))
                    if old is None:
                        best[(r.type, r.target)] = r
                    else:
                        keep = r if _FLAG_RANK[r.flags] < _FLAG_RANK[old.flags] else old
                        best[(r.type, r.target)] = _Ref(keep.type, keep.target, keep.flags, r.curated or old.curated,
                                                        keep.pos, keep.country)
                self.refs[k] = list(best.values())

    def _load_places(self) -> None:
        # Phoenix-listed places (cities, provinces under a country) and national capitals
        for key, countries in self.gaz.matchable():
            k = self.key(key)
            flags = "@" if len(k) == 1 else ""
            self._add_ref(k, _Ref(_REF_PLACE, key, flags, country=next(iter(countries)) if len(countries) == 1 else None))

    def _load_demonyms(self) -> None:
        self.demonym_adj: dict[str, str] = {}
        self.group_name: dict[str, str] = {}
        for row in _read_tsv(DEMONYMS_FILE):
            if len(row) < 3:
                continue
            form, target, pos = row[0], row[1], row[2]
            preferred = len(row) > 3 and row[3].strip() == "*"
            flags = "=" if form.isupper() or (form.replace(".", "").isupper() and "." in form) else ""
            self._add_ref(self.key(form), _Ref(_REF_DEMONYM, target, flags, curated=True, pos=pos))
            if preferred:
                self.demonym_adj[target] = form
            if target.startswith("group:") and pos == "noun":
                self.group_name[target] = form

    def _load_agents(self) -> None:
        for row in _read_tsv(AGENTS_FILE, gz=True):
            if len(row) == 2:
                self.agents[self.key(row[0])] = row[1]
        for row in _read_tsv(AGENTS_CURATED_FILE):
            if len(row) >= 2:
                if row[1].strip() == "-":   # not an agent in news usage
                    self.agents.pop(self.key(row[0]), None)
                else:
                    self.agents[self.key(row[0])] = row[1].strip()

    # -- codes
    def split_code(self, code: str | None) -> tuple[str | None, str | None]:
        """(country, sector) of a CAMEO code: RUSGOV -> (RUS, GOV); IGOUNO -> (None, IGO)."""
        if not code:
            return None, None
        head = code[:3]
        if head in self.iso3:
            return head, (code[3:6] or None)
        if head in NON_COUNTRY_PREFIXES:
            country = code[3:6] if code[3:6] in self.iso3 else None
            return country, head
        return None, (code[3:6] or None)

    def entry_view(self, entry: _Entry, date: str | None) -> ActorEntry:
        p = entry.period(date)
        code = p.code if p else None
        role = (p.role if p else None) or next((q.role for q in entry.periods if not q.dated and q.role), None)
        country, sector = self.split_code(code)
        if entry.kind == "country":
            country, sector = (code[:3] if code and code[:3] in self.iso3 else entry.id.split(":")[1]), None
        elif country is None and code is None:
            countries = [self.split_code(q.code)[0] for q in entry.periods]
            countries = [c for c in countries if c]
            country = max(set(countries), key=countries.count) if countries else None
        return ActorEntry(entry.id, entry.name, entry.kind, code, country, sector, role, entry.gender,
                          tuple(entry.periods), entry.source)

    def country_name(self, iso: str) -> str:
        e = self.gaz.countries.get(iso)
        return e.name if e else iso

    def composite(self, target: str, agent: str) -> ActorEntry:
        """A country's (or people's) sector: ("RUS", "~GOV") -> cameo:RUSGOV "Russian government"."""
        if target.startswith("group:"):
            return ActorEntry(target, self.group_name.get(target, target.split(":")[1].title()), "group",
                              None, None, None, None, source="composite")
        agent = agent.strip()
        if agent.endswith("~"):
            sec = agent[:-1]
            code = sec + target
            sector = sec[:3]
        else:
            sec = agent.lstrip("~")
            code = target + sec
            sector = sec[:3] or None
        adj = self.demonym_adj.get(target) or self.country_name(target)
        label = self.sector_label.get(sector or "", (sector or "").lower())
        sub = sec[3:6] if not agent.endswith("~") else ""
        name = f"{adj} {label}" + (f" ({self.sector_label.get(sub, sub.lower())})" if sub else "")
        kind = "organization" if sector in INSTITUTION_SECTORS else "group"
        return ActorEntry(f"cameo:{code}", name, kind, code, target, sector, None, source="composite")

    def country_entry(self, target: str, date: str | None) -> ActorEntry:
        if target.startswith("group:"):
            return self.composite(target, "")
        entry = self.entries.get(f"country:{target}")
        if entry is not None:
            return self.entry_view(entry, date)
        return ActorEntry(f"country:{target}", self.country_name(target), "country", target, target, None, None,
                          source="composite")


QUANTITY_NOUNS = frozenset("""thousand thousands hundred hundreds dozen dozens million millions
    score scores group groups crowd crowds number numbers handful couple several many some most
    all""".split())
# where a bare agent noun can stand as an event's actor or recipient
BARE_AGENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "dative"})
BARE_AGENT_PREPS = frozenset({"by", "against", "with", "on", "to", "at", "from", "toward", "towards"})
# sectors a bare noun stands for as an actor: security forces, armed groups, the opposition,
# the press, courts, civilians, officials, students, workers, doctors, farmers; not business
# or religion nouns, which name institutions more often than actors
BARE_AGENT_SECTORS = frozenset({"COP", "MIL", "UAF", "REB", "INS", "OPP", "MED", "JUD", "SPY", "REF",
                                "CVL", "CRM", "GOV", "LEG", "EDU", "LAB", "HLH", "AGR"})
# agent nouns that are places, institutions or relations rather than actors when they stand alone
BARE_AGENT_STOP = frozenset("""village villages community communities population side sides
    counterpart counterparts embassy state public society region school schools schoolhouse
    schoolhouses college colleges university universities conservatory conservatories kindergarten
    kindergartens kindergarden kindergardens preschool preschools hospital hospitals infirmary
    infirmaries sanatorium sanatoriums sanatarium sanatariums sanitarium sanitariums security""".split())

_PLAIN = re.compile(r"[a-z0-9 ]+")
# nouns of an office or trade whose appositive or compound name is a person's
PERSON_ROLE_NOUNS = frozenset("""spokesman spokeswoman spokesperson minister president ambassador envoy
    secretary chancellor premier governor mayor commander general chief director leader senator lawmaker
    prosecutor judge analyst expert correspondent reporter journalist editor professor researcher
    lawyer attorney activist adviser advisor aide deputy diplomat negotiator representative""".split())
# words that make a capitalised name an organisation's, whatever office noun stands beside it
_ORG_WORDS = frozenset("""ministry party council committee commission group agency news times forces
    army front union bank university institute department office government organization
    organisation association company corp inc ltd press media post tv radio network foundation
    center centre court police service services""".split())
_QUESTION_START = frozenset("will can could should would does did do is are was were has have".split())
_FLAG_RANK = {"": 0, "@": 1, "=": 2, "^": 3}


def _first_index(table: dict) -> dict[str, tuple[int, ...]]:
    first: dict[str, set[int]] = {}
    for k in table:
        if k:
            first.setdefault(k[0], set()).add(len(k))
    return {w: tuple(sorted(ls, reverse=True)) for w, ls in first.items()}


def _data_text(name: str, gz: bool = False) -> Iterable[str]:
    ref = resources.files("newsgraph.data").joinpath(name)
    if gz:
        with ref.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as text:
            yield from text
    else:
        with ref.open("r", encoding="utf-8") as text:
            yield from text


def _read_tsv(name: str, gz: bool = False) -> Iterable[list[str]]:
    for line in _data_text(name, gz):
        if line.startswith("#") or not line.strip():
            continue
        yield line.rstrip("\n").split("\t")


def _read_lexicon() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in _read_tsv(LEXICON_FILE):
        if len(row) >= 2:
            out.setdefault(row[0], set()).add(row[1])
    return out


def _read_pairs(category: str) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in _read_tsv(LEXICON_FILE) if len(r) >= 3 and r[0] == category]


def _parse_codes(text: str) -> list[Period]:
    out = []
    for part in text.split(";"):
        if not part:
            continue
        code, _, dates = part.partition("@")
        code = None if code == "---" else code
        if dates:
            start, _, end = dates.partition("..")
            out.append(Period(code, start or None, end or None))
        else:
            out.append(Period(code))
    return out


def _read_curated():
    """Rows of actors_curated.tsv -> ({id: (name, kind, periods, gender)}, [(alias, id, flags)], {old: new})."""
    entries: dict[str, list] = {}
    aliases: list[tuple[str, str, str]] = []
    replaced: dict[str, str] = {}
    blocker = 0
    for row in _read_tsv(CURATED_FILE):
        row = row + [""] * (10 - len(row))
        aid, name, kind, code, start, end, role, gender, alias_text, replaces = (c.strip() for c in row[:10])
        if aid == "-":
            blocker += 1
            aid = f"-blocker-{blocker}"
        if aid not in entries:
            entries[aid] = [name, kind, [], gender or None]
        if code or start or end or role:
            entries[aid][2].append(Period(code or None, start or None, end or None, role or None))
        for a in alias_text.split("|"):
            a = a.strip()
            if not a:
                continue
            flags = ""
            if a.startswith("@"):
                flags, a = "@", a[1:]
            elif re.sub(r"[^A-Za-z]", "", a).isupper() and not re.search(r"[a-z]", a):
                flags = "="
            elif " " not in a and re.search(r"[a-z].*[A-Z]", a):
                flags = "^"   # LeT, JeM: only exactly so ("Let" is a word)
            aliases.append((a, aid, flags))
        for old in replaces.split("|"):
            if old.strip() and old.strip() != aid:
                replaced[old.strip()] = aid
    return {k: (v[0], v[1], v[2], v[3]) for k, v in entries.items()}, aliases, replaced


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


def _match(words: list[str], first: dict[str, tuple[int, ...]], table: dict) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every (start, end, key) where a key of ``table`` occurs in ``words``."""
    out = []
    n = len(words)
    for i in [k for k, w in enumerate(words) if w in first]:
        for length in first[words[i]]:
            if i + length <= n:
                key = tuple(words[i:i + length])
                if key in table:
                    out.append((i, i + length, key))
    return out


# ------------------------------------------------------------------ public look-up

def resolve_name(name: str, *, date: str | None = None) -> ActorEntry | None:
    """Look a name up in the actor dictionaries, with its code as of ``date`` (YYYY-MM-DD).

    Knows aliases ("Daesh", "Lavrov"), country names and peoples ("Afghans"), and a demonym,
    country or capital followed by an agent noun ("Russian leadership" -> cameo:RUSGOV,
    "official Kabul" -> cameo:AFGGOV). Returns None for an unknown or ambiguous name and for
    a bare place name (a place is not an actor until the text makes it one).
    """
    T = _tables()
    key = T.key(name)
    if key and key[0] == "the" and len(key) > 1 and key not in T.refs:
        key = key[1:]
    refs = [r for r in T.refs.get(key, ()) if r.type == _REF_ACTOR]
    chosen = _prefer_actor(T, refs, date)
    if chosen is not None:
        return T.entry_view(T.entries[chosen], date)
    for r in T.refs.get(key, ()):
        if r.type == _REF_DEMONYM and r.pos in ("noun", "name"):
            return T.country_entry(r.target, date)
    for n in range(1, len(key)):
        # "Pakistani ISI": a demonym before a known actor of that country
        demonym = [r for r in T.refs.get(key[:n], ()) if r.type == _REF_DEMONYM]
        chosen = _prefer_actor(T, [r for r in T.refs.get(key[n:], ()) if r.type == _REF_ACTOR], date)
        if demonym and chosen is not None:
            view = T.entry_view(T.entries[chosen], date)
            if view.country == demonym[0].target:
                return view
    if len(key) >= 2 and key[0] in T.official:
        target = _capital_country(T, key[1:])
        if target:
            return T.composite(target, "~GOV")
    for n in range(1, len(key)):
        head, tail = key[:n], key[n:]
        if tail and tail[0] in ("'s", "'"):
            tail = tail[1:]
        agent = T.agents.get(tail)
        if agent is None:
            continue
        target = _country_of_key(T, head, date)
        if target:
            return T.composite(target, agent)
    return None


def _country_of_key(T: _Tables, key: tuple[str, ...], date: str | None) -> str | None:
    for r in T.refs.get(key, ()):
        if r.type == _REF_DEMONYM:
            return r.target
        if r.type == _REF_ACTOR and T.entries[r.target].kind == "country":
            return T.entry_view(T.entries[r.target], date).country
    return _capital_country(T, key)


def _capital_country(T: _Tables, key: tuple[str, ...]) -> str | None:
    caps = [e for e in T.gaz.lookup(" ".join(key)) if e.capital]
    return caps[0].country if len(caps) == 1 else None


def _prefer_actor(T: _Tables, refs: list[_Ref], date: str | None) -> str | None:
    targets = {r.target for r in refs if r.type == _REF_ACTOR}
    if len(targets) <= 1:
        return next(iter(targets), None)
    curated = {r.target for r in refs if r.type == _REF_ACTOR and r.curated}
    if len(curated) == 1:
        return next(iter(curated))
    pool = curated or targets
    dated = {t for t in pool if (p := T.entries[t].period(date)) is not None and p.code}
    if len(dated) == 1:
        return next(iter(dated))
    return None


# ------------------------------------------------------------------ the per-document run

@dataclass(slots=True)
class _Unit:
    """A stretch of tokens that names something: a dictionary match or an NER entity."""

    i: int
    j: int
    ref: _Ref | None = None     # dictionary match
    label: str | None = None    # NER label of an NER-only unit
    consumed: bool = False


# Aliases written in capitals that are also English words: "IS" names the Islamic State in
# "IS fighters" or beside another of its names, but is the verb in "Not 'could be.' IS."
WEAK_CAPS = frozenset({"IS"})
GROUP_NOUNS = frozenset({"fighters", "militants", "jihadists", "terrorists", "group", "affiliate", "cell",
                         "cells", "supporters", "members", "commander", "commanders", "leader", "leaders",
                         "recruits", "loyalists", "propaganda", "attack", "attacks", "claimed", "-", "-linked"})


class _DocActor:
    """An actor of this document while it is being read: the entry and the token spans."""

    __slots__ = ("entry", "mentions", "role", "tokens")

    def __init__(self, entry: ActorEntry):
        self.entry = entry
        self.mentions: list[tuple[int, int]] = []
        self.role = entry.role
        self.tokens: set[str] = set()   # the words of its names, for surname links


class _Run:
    def __init__(self, doc, document: Document, T: _Tables):
        self.doc, self.text, self.T = doc, document.text, T
        self.date = document.published
        self.n = len(doc)
        strings = doc.vocab.strings
        arr = doc.to_array([LOWER, SENT_START, IS_ALPHA, IS_UPPER, IS_TITLE, LENGTH])
        self.words = [strings[h] for h in arr[:, 0].tolist()]
        if "\u2019" in self.text:
            self.words = [w.replace("\u2019", "'") for w in self.words]
        self.flags = arr[:, 2:]
        self.ent_label: dict[int, str] = {}
        self.ent_span: dict[int, tuple[int, int]] = {}
        self.ents = [e for e in doc.ents if e.label_ in ENTITY_LABELS]
        for e in self.ents:
            for k in range(e.start, e.end):
                self.ent_label[k] = e.label_
                self.ent_span[k] = (e.start, e.end)
        self.sent_starts = [0] + [k for k in numpy.flatnonzero(arr[:, 1] == 1).tolist() if k > 0]
        self._heading: dict[int, bool] = {}
        self.actors: dict[str, _DocActor] = {}
        # (name, start, end, ISO3 if a country | the gazetteer entry if already chosen | None)
        self.places: list[tuple[str, int, int, str | GazetteerEntry | None]] = []
        self.gov_capitals: set[int] = set()   # tokens of capitals read as their government
        self.persons: list[tuple[int, int, str]] = []              # (start tok, end tok, actor id) in order
        self.titles: dict[int, tuple[str | None, str | None, str | None]] = {}  # unit.i -> (role, code, country)
        self.agent_end: dict[int, list[tuple[int, str]]] | None = None
        self.unit_at: dict[int, _Unit] = {}
        self.all_units: list[_Unit] = []
        self.doc_countries: dict[str, int] | None = None
        self._title: int | None = None

    # -- sentence helpers
    def sent_index(self, tok: int) -> int:
        return bisect.bisect_right(self.sent_starts, tok) - 1

    def sent_bounds(self, idx: int) -> tuple[int, int]:
        start = self.sent_starts[idx]
        end = self.sent_starts[idx + 1] if idx + 1 < len(self.sent_starts) else self.n
        return start, end

    def heading(self, tok: int) -> bool:
        """Whether the sentence is written in Title Case or capitals (a headline)."""
        idx = self.sent_index(tok)
        if idx not in self._heading:
            s, e = self.sent_bounds(idx)
            f = self.flags[s:e]
            alpha = (f[:, 0] == 1) & (f[:, 3] > 3)
            n = int(alpha.sum())
            caps = int((alpha & ((f[:, 1] == 1) | (f[:, 2] == 1))).sum())
            self._heading[idx] = n >= 3 and caps >= 0.7 * n
        return self._heading[idx]

    def shouting(self, tok: int) -> bool:
        """Whether the sentence is written in capitals."""
        idx = self.sent_index(tok)
        key = -1 - idx
        if key not in self._heading:
            s, e = self.sent_bounds(idx)
            f = self.flags[s:e]
            alpha = f[:, 0] == 1
            n = int(alpha.sum())
            self._heading[key] = n >= 4 and int((alpha & (f[:, 1] == 1)).sum()) >= 0.6 * n
        return self._heading[key]

    # -- case rules
    def valid(self, ref: _Ref, i: int, j: int) -> bool:
        toks = self.doc[i:j]
        if ref.flags == "^":
            return toks.text == ref.pos
        if ref.flags == "=":
            alpha = [t for t in toks if any(c.isalpha() for c in t.text)]
            if not alpha or not all(t.text.upper() == t.text for t in alpha):
                return False
            return not self.shouting(i)
        content = [t for t in toks if t.is_alpha and t.lower_ not in PARTICLES and not t.is_stop]
        if content:
            caps = sum(1 for t in content if t.text[0].isupper())
            if not content[0].text[0].isupper() or caps * 2 < len(content):
                return False
        elif not any(t.text[:1].isupper() for t in toks):
            return False
        in_entity = any(k in self.ent_label for k in range(i, j))
        if ref.flags == "@" and not in_entity:
            return False
        if not ref.curated and not in_entity and self.heading(i):
            return False
        return True

    # -- main
    def run(self) -> ActorResult:
        T = self.T
        units = self.dictionary_units()
        self.match_agents()
        covered = bytearray(self.n)
        for u in units:
            for k in range(u.i, u.j):
                covered[k] = 1
        for e in self.ents:
            if not any(covered[k] for k in range(e.start, e.end)):
                units.append(_Unit(e.start, e.end, None, e.label_))
        units.sort(key=lambda u: u.i)
        self.all_units = units
        for u in units:
            for k in range(u.i, u.j):
                self.unit_at[k] = u
        self.find_titles(units)
        self.absorb_demonyms(units)
        for u in units:
            if u.consumed:
                continue
            if u.ref is None:
                self.ner_unit(u)
            elif u.ref.type == _REF_ACTOR:
                entry = T.entries[u.ref.target]
                if entry.kind == "country":
                    self.country_ref(u, T.entry_view(entry, self.date).country, "name")
                else:
                    self.named(u, T.entry_view(entry, self.date))
            elif u.ref.type == _REF_DEMONYM:
                self.country_ref(u, u.ref.target, u.ref.pos or "adj")
            elif u.ref.type == _REF_PLACE:
                self.place_ref(u, u.ref.target, u.ref.country)
        self.cluster_names()
        self.name_unknown_persons()
        self.link_pronouns()
        self.bare_agents()
        return ActorResult(self.build_actors(), self.build_places())

    def dictionary_units(self) -> list[_Unit]:
        T = self.T
        found = []
        for i, j, key in _match(self.words, T.first, T.refs):
            refs = [r for r in T.refs[key] if self.valid(r, i, j)]
            if refs:
                found.append((i, j, refs))
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = bytearray(self.n)
        units = []
        for i, j, refs in found:
            if any(taken[i:j]):
                continue
            ref = self.choose(refs, i, j)
            if ref is None:
                continue
            # a place name inside a longer NER name of something else ("The Washington Post")
            span = self.ent_span.get(i)
            if ref.type in (_REF_PLACE, _REF_ACTOR) and span and (span[0] < i or span[1] > j) \
                    and self.ent_label.get(i) in NAMING_LABELS and span == self.ent_span.get(j - 1):
                kind = T.entries[ref.target].kind if ref.type == _REF_ACTOR else "place"
                if kind in ("place", "country") and not self.agent_rest(j, span[1]) and not self.official_before(i, span[0]):
                    continue
                if kind == "person" and self.ent_label.get(i) == "PERSON":
                    if self.same_person(T.entries[ref.target], span, i, j):
                        i, j = self.trim_person(span)
                    elif not (self.heading(i) and span[1] == j):
                        continue   # "Melania Trump" is not Donald Trump; "Confident Trump" in a headline is
            if ref.type == _REF_BLOCK:
                # not that actor: later matches may not use these words, the NER still may
                for k in range(i, j):
                    taken[k] = 1
                continue
            for k in range(i, j):
                taken[k] = 1
            if j - i > 1 and self.words[i] == "the":
                i += 1     # "the Islamic State" is a mention of "Islamic State"
            units.append(_Unit(i, j, ref))
        # A Phoenix person's surname alone ("Cohen": William Cohen, US defence secretary in the
        # 1990s) is that person only if the document also names them in full.
        full = {u.ref.target for u in units if u.ref.type == _REF_ACTOR and u.j - u.i > 1}
        return [u for u in units if not (u.ref.type == _REF_ACTOR and not u.ref.curated and u.j - u.i == 1
                                         and T.entries[u.ref.target].kind == "person" and u.ref.target not in full)]

    def agent_rest(self, j: int, end: int) -> bool:
        """Whether tokens j..end are ("'s" +) an agent phrase ("Russia's Foreign Ministry")."""
        k = j + 1 if j < end and self.words[j] in ("'s", "'") else j
        return any(a == k for a, _ in self.agent_end_at(end - 1)) if k < end else False

    def match_agents(self) -> None:
        """Find the agent phrases once: ``agent_end[last token] = [(first token, code), ...]``."""
        if self.agent_end is not None:
            return
        T = self.T
        self.agent_end = {}
        for a, b, key in _match(self.words, T.agent_first, T.agents):
            self.agent_end.setdefault(b - 1, []).append((a, T.agents[key]))
        for lst in self.agent_end.values():
            lst.sort()   # earliest start = longest first

    def agent_end_at(self, k: int) -> list[tuple[int, str]]:
        """The agent phrases that end at token ``k``, longest first."""
        if self.agent_end is None:
            self.match_agents()
        return self.agent_end.get(k) or []

    def official_before(self, i: int, start: int) -> bool:
        return i > start and self.words[i - 1] in self.T.official

    def same_person(self, entry: _Entry, span: tuple[int, int], i: int, j: int) -> bool:
        """A surname inside a longer PERSON entity is that person only if every name word fits."""
        titled = {k for end in range(span[0], i) for a, _ in self.agent_end_at(end) if a >= span[0]
                  for k in range(a, end + 1)}
        for k in range(span[0], span[1]):
            w = self.words[k]
            if i <= k < j or not self.doc[k].is_alpha or w in self.T.honorific or k in titled:
                continue
            if w not in entry.tokens:
                return False
        return True

    def trim_person(self, span: tuple[int, int]) -> tuple[int, int]:
        i, j = span
        while i < j - 1:
            if self.words[i] in self.T.honorific or self.words[i] == "the":
                i += 1
                continue
            ends = [end for end in range(i, j - 1) if any(a == i for a, _ in self.agent_end_at(end))]
            if not ends:
                break
            i = max(ends) + 1   # "Spokeswoman Sarah Sanders"
        while j - 1 > i and (self.words[j - 1] in ("'s", "'") or self.doc[j - 1].is_punct):
            j -= 1
        return i, j

    def choose(self, refs: list[_Ref], i: int, j: int) -> _Ref | None:
        T = self.T
        if any(r.type == _REF_BLOCK for r in refs):
            places = [r for r in refs if r.type == _REF_PLACE]
            return places[0] if places else next(r for r in refs if r.type == _REF_BLOCK)
        label = self.ent_label.get(i) or self.ent_label.get(j - 1)
        scored = []
        for r in refs:
            if r.type == _REF_ACTOR:
                kind = T.entries[r.target].kind
                s = 4 if r.curated else 0
                s += 2 if kind == "country" else 0
                agree = {"PERSON": kind == "person", "ORG": kind in ("organization", "igo", "group"),
                         "NORP": kind in ("group", "country"), "GPE": kind == "country", "LOC": kind == "country"}
                p = T.entries[r.target].period(self.date)
                s += 1 if p is not None and p.code else 0
            elif r.type == _REF_DEMONYM:
                s = 3
                agree = {"NORP": True, "GPE": r.pos == "name", "LOC": False}
            else:
                if label == "PERSON":
                    continue    # "Professor Bale" is not the Swiss city
                s = 1
                agree = {"GPE": True, "LOC": True, "FAC": True, "ORG": False}
            if label and agree.get(label):
                s += 10
            scored.append((s, r))
        if not scored:
            return None
        top = max(s for s, _ in scored)
        best = [r for s, r in scored if s == top]
        if len({(r.type, r.target) for r in best}) > 1:
            if all(r.type == _REF_ACTOR for r in best):
                chosen = _prefer_actor(T, best, self.date)
                return next((r for r in best if r.target == chosen), None)
            return best[0] if len({r.type for r in best}) > 1 else None
        return best[0]

    # -- titles: "Russian envoy Zamir Kabulov", "Sergei Lavrov, Russia's foreign minister"
    def is_person_unit(self, u: _Unit | None) -> bool:
        if u is None:
            return False
        if u.ref is None:
            return u.label == "PERSON"
        return u.ref.type == _REF_ACTOR and self.T.entries[u.ref.target].kind == "person"

    def affiliation(self, u: _Unit) -> tuple[str | None, str | None]:
        """(country, code) that a unit before a title gives: a country, a demonym, an organisation."""
        T = self.T
        if u.ref is None:
            if u.label in ("GPE", "NORP"):
                hit = T.gaz.lookup(self.doc[u.i:u.j].text)
                countries = {e.country for e in hit if e.kind == "country"}
                if len(countries) == 1:
                    return next(iter(countries)), None
            return None, None
        if u.ref.type == _REF_DEMONYM:
            return (u.ref.target if not u.ref.target.startswith("group:") else None), None
        if u.ref.type == _REF_PLACE:
            caps = [e for e in T.gaz.lookup(u.ref.target) if e.capital]
            return (caps[0].country if len(caps) == 1 else None), None
        if u.ref.type == _REF_ACTOR:
            view = T.entry_view(T.entries[u.ref.target], self.date)
            if view.kind == "country":
                return view.country, None
            if view.kind in ("organization", "group", "igo"):
                return view.country, view.code
        return None, None

    def find_titles(self, units: list[_Unit]) -> None:
        doc = self.doc
        for u in units:
            if not self.is_person_unit(u):
                continue
            role = aff_country = aff_code = None
            used: list[_Unit] = []
            # premodifiers, right to left, inside the noun phrase
            k = u.i - 1
            window_start = u.i
            while k >= 0 and u.i - k <= 8:
                t = doc[k]
                if t.dep_ not in ("compound", "amod", "nmod", "poss", "case", "det", "punct", "nummod") or \
                        not (k < t.head.i < u.j) or (t.dep_ == "punct" and t.text not in ("-",)):
                    break
                window_start = k
                k -= 1
            if window_start < u.i:
                for end in range(u.i - 1, window_start - 1, -1):
                    agents = [(a, c) for a, c in self.agent_end_at(end) if a >= window_start]
                    if agents:
                        a, code = agents[0]
                        role = doc[a:end + 1].text.lower()
                        agent_code = code
                        break
                else:
                    agent_code = None
                for k in range(window_start, u.i):
                    v = self.unit_at.get(k)
                    if v is not None and v is not u and v not in used and v.ref is not None \
                            and v.ref.type == _REF_ACTOR and self.agent_end_at(v.j - 1) \
                            and self.T.entries[v.ref.target].kind in ("organization", "igo"):
                        # an office named in the dictionary ("US President" Donald Trump): a title
                        view = self.T.entry_view(self.T.entries[v.ref.target], self.date)
                        role = role or self.doc[v.i:v.j].text.lower()
                        if aff_country is None and aff_code is None:
                            aff_country, aff_code = view.country, view.code
                        used.append(v)
                        continue
                    if v is not None and v is not u and v not in used:
                        c, code = self.affiliation(v)
                        if c or code:
                            # the leftmost affiliation: "CNN White House correspondent X" is CNN's
                            if aff_country is None and aff_code is None:
                                aff_country, aff_code = c, code
                            if v.ref is None or v.ref.type in (_REF_DEMONYM, _REF_PLACE) or \
                                    self.T.entries.get(v.ref.target) and self.T.entries[v.ref.target].kind == "country":
                                used.append(v)
            else:
                agent_code = None
            # apposition: "Sergei Lavrov, Russia's foreign minister" (the title is the name's
            # appositive) or "his Afghan counterpart Salahuddin Rabbani" (the name is the title's)
            if role is None:
                root = doc[u.i:u.j].root
                heads = [c for c in root.children if c.dep_ == "appos"]
                if root.dep_ == "appos" and not (u.i <= root.head.i < u.j):
                    heads.append(root.head)
                for h in heads:
                    agents = [(a, c) for a, c in self.agent_end_at(h.i) if h.left_edge.i <= a and not (u.i <= a < u.j)]
                    if not agents:
                        continue
                    a, agent_code = agents[0]
                    role = doc[a:h.i + 1].text.lower()
                    for k in range(h.left_edge.i, a):
                        v = self.unit_at.get(k)
                        if v is not None and v not in used and v is not u:
                            c, code = self.affiliation(v)
                            if c or code:
                                if aff_country is None and aff_code is None:
                                    aff_country, aff_code = c, code
                                if v.ref is None or v.ref.type in (_REF_DEMONYM, _REF_PLACE) or \
                                        self.T.entries[v.ref.target].kind == "country":
                                    used.append(v)
                    break
            if role is None and aff_country is None and aff_code is None:
                continue
            code = aff_code
            if code is None and aff_country and agent_code:
                code = self.T.composite(aff_country, agent_code).code
            elif code is None and aff_country:
                code = aff_country
            self.titles[u.i] = (role, code, aff_country)
            for v in used:
                v.consumed = True

    def absorb_demonyms(self, units: list[_Unit]) -> None:
        """"Pakistani ISI": a demonym before a known actor of the same country is part of it."""
        T = self.T
        for u in units:
            if u.consumed or u.ref is None or u.ref.type != _REF_ACTOR:
                continue
            entry = T.entries[u.ref.target]
            if entry.kind in ("country", "person"):
                continue
            prev = self.unit_at.get(u.i - 1)
            if prev is None or prev.consumed or prev.ref is None or prev.ref.type != _REF_DEMONYM:
                continue
            view = T.entry_view(entry, self.date)
            head = self.doc[prev.j - 1].head.i
            if view.country == prev.ref.target and u.i <= head < u.j:
                prev.consumed = True
                u.i = prev.i

    # -- unit handlers
    def mention(self, entry: ActorEntry, i: int, j: int) -> _DocActor:
        a = self.actors.get(entry.id)
        if a is None:
            a = self.actors[entry.id] = _DocActor(entry)
        a.mentions.append((i, j))
        return a

    def named(self, u: _Unit, view: ActorEntry) -> None:
        a = self.mention(view, u.i, u.j)
        if view.kind == "person":
            a.tokens.update(self.T.entries[view.id].tokens)
            title = self.titles.get(u.i)
            if title and title[0]:
                a.role = a.role or title[0]
            self.persons.append((u.i, u.j, view.id))

    def head_agent(self, t, j: int) -> tuple[int, int, str, bool] | None:
        """The agent phrase that token ``t`` premodifies: (start, head index, code, coordinated).

        A coordinated modifier ("Iranian and Russian diplomats", "the Taliban and US officials")
        premodifies the head of its first conjunct.
        """
        first = t
        hops = 0
        while first.dep_ == "conj" and hops < 5 and first.head.i < first.i:
            first = first.head
            hops += 1
        if first.dep_ not in MOD_DEPS:
            return None
        h = first.head
        if h.i < j:
            return None
        agents = [(a, c) for a, c in self.agent_end_at(h.i) if a >= j]
        if not agents:
            return None
        coordinated = hops > 0 or any(c.dep_ == "conj" for c in t.children)
        return agents[0][0], h.i, agents[0][1], coordinated

    def country_ref(self, u: _Unit, target: str | None, nature: str) -> None:
        """A country, a demonym or a country-like name: actor, composite, place or nothing."""
        if not target:
            return
        T, doc = self.T, self.doc
        t = doc[u.j - 1]
        h = t.head
        agent = self.head_agent(t, u.j)
        if agent is not None:
            a, hi, code, coordinated = agent
            owner = self.unit_at.get(hi)
            if owner is not None and owner.ref is not None and owner.ref.type == _REF_ACTOR and not owner.consumed:
                kind = T.entries[owner.ref.target].kind
                if kind != "country" and owner.i <= a:
                    # "Russian Security Council": the agent is also an actor's alias
                    owner.consumed = True
            # "Russian leadership"; in "Iranian and Russian diplomats" each demonym alone
            self.mention(T.composite(target, code), u.i, u.j if coordinated else hi + 1)
            return
        if nature == "adj":
            if t.dep_ in MOD_DEPS or t.dep_ in ("acomp", "attr", "conj", "advmod"):
                return
            if t.pos_ not in ("NOUN", "PROPN"):
                return
            self.mention(T.country_entry(target, self.date), u.i, u.j)
            return
        if nature == "noun":
            self.mention(T.country_entry(target, self.date), u.i, u.j)
            return
        # a country's name that is also a state or province of another country the document
        # names, and nothing else in the document points to that country ("Georgia" in a US story)
        other = self.region_reading(u, target)
        if other is not None:
            self.places.append((other.name, u.i, u.j, other))
            return
        if self.after_place(u.i):
            # "Kabul, Afghanistan", "Hyderabad, Pakistan": the country of the place before
            self.places.append((T.country_name(target), u.i, u.j, target))
            return
        if t.dep_ == "pobj" and not target.startswith("group:") and (
                h.lower_ in T.country_locative
                or (h.lower_ in ("to", "from", "via") and h.head.lemma_.lower() in T.movement)):
            self.places.append((T.country_name(target), u.i, u.j, target))
            return
        if target.startswith("group:"):
            self.mention(T.country_entry(target, self.date), u.i, u.j)
            return
        self.mention(T.country_entry(target, self.date), u.i, u.j)

    def after_place(self, i: int) -> bool:
        """Whether a place name and a comma come just before token ``i`` ("Kabul, ...")."""
        if i < 2 or self.words[i - 1] != ",":
            return False
        prev = self.unit_at.get(i - 2)
        if prev is None:
            return False
        if prev.ref is not None:
            return prev.ref.type == _REF_PLACE
        return prev.label in ("GPE", "LOC") and not any(
            e.kind == "country" for e in self.T.gaz.lookup(" ".join(self.words[prev.i:prev.j])))

    def region_reading(self, u: _Unit, target: str) -> GazetteerEntry | None:
        key = " ".join(self.words[u.i:u.j])
        regions = [e for e in self.T.gaz.lookup(key) if e.kind != "country" and e.country != target]
        if not regions:
            return None
        if self.doc_countries is None:
            self.doc_countries = self.countries_in_text()
        counts = self.doc_countries
        others = {e.country for e in regions if counts.get(e.country)}
        if len(others) != 1 or counts.get(target, 0) > 1:
            return None
        return next(e for e in regions if e.country in others)

    def countries_in_text(self) -> dict[str, int]:
        """How often each country is named (by name, demonym, capital or a known actor) in the text."""
        T = self.T
        out: dict[str, int] = {}
        for u in self.all_units:
            c = None
            if u.ref is None:
                continue
            if u.ref.type == _REF_DEMONYM:
                c = u.ref.target
            elif u.ref.type == _REF_ACTOR:
                view = T.entry_view(T.entries[u.ref.target], self.date)
                c = view.country
            elif u.ref.type == _REF_PLACE:
                ents = T.gaz.lookup(u.ref.target)
                cs = {e.country for e in ents}
                c = next(iter(cs)) if len(cs) == 1 else None
            if c:
                out[c] = out.get(c, 0) + 1
        for e in self.ents:
            if e.label_ == "GPE":
                cs = {x.country for x in T.gaz.lookup(e.text) if x.kind == "region"}
                if len(cs) == 1:
                    c = next(iter(cs))
                    out[c] = out.get(c, 0) + 1
        return out

    def place_ref(self, u: _Unit, key: str, country: str | None, *, name: str | None = None) -> None:
        """A city, province or capital: its government by metonymy, a country's sector, or a place.

        ``country`` is the country Phoenix lists the name under; it only tells whose sector
        "Ghazni officials" are, and does not decide which place the name is.
        """
        T, doc = self.T, self.doc
        entries = T.gaz.lookup(key)
        capitals = [e for e in entries if e.capital]
        cap_iso = capitals[0].country if len({e.country for e in capitals}) == 1 and capitals else None
        iso = cap_iso or country or (entries[0].country if entries and len({e.country for e in entries}) == 1 else None)
        t = doc[u.j - 1]
        h = t.head
        if cap_iso:
            gov = False
            # "official Kabul"
            if u.i > 0 and self.words[u.i - 1] in T.official and doc[u.i - 1].head.i == t.i:
                self.gov_capitals.update(range(u.i, u.j))
                self.mention(T.composite(cap_iso, "~GOV"), u.i - 1, u.j)
                return
            if t.dep_ in ("nsubj", "nsubjpass") and (h.lemma_ in T.speech or h.lemma_ in T.action):
                gov = True      # "Moscow said", "Beijing imposed"
            elif t.dep_ == "dobj" and h.lemma_ in T.speech:
                gov = True      # "Moscow warned Washington"
            elif t.dep_ == "poss" and h.lower_ in T.possessed:
                gov = True      # "Moscow's position"
            elif t.dep_ == "conj" and h.i in self.gov_capitals:
                gov = True      # "Moscow and Beijing said"
            elif t.dep_ in ("nsubj", "nsubjpass") and any(c.dep_ == "conj" and c.i in self.gov_capitals for c in t.children):
                gov = True
            if gov:
                self.gov_capitals.update(range(u.i, u.j))
                self.mention(T.composite(cap_iso, "~GOV"), u.i, u.j)
                return
        if iso:
            agent = self.head_agent(t, u.j)
            if agent is not None:
                # "the Kabul government", "Ghazni officials"
                _, hi, code, coordinated = agent
                self.mention(T.composite(iso, code), u.i, u.j if coordinated else hi + 1)
                if not cap_iso:
                    self.places.append((name or key, u.i, u.j, None))
                return
        i, j = u.i, u.j
        span = self.ent_span.get(i)
        if span and span[0] == i and span[1] > j and all(self.words[k] in T.place_suffix for k in range(j, span[1])):
            j = span[1]   # "Ghazni province"
        self.places.append((name or key, i, j, None))

    def ner_unit(self, u: _Unit) -> None:
        T, doc = self.T, self.doc
        i, j = u.i, u.j
        while i < j and (self.words[i] in ("the", "a", "an") or doc[i].is_punct or doc[i].is_space):
            i += 1
        while j > i and (self.words[j - 1] in ("'s", "'") or doc[j - 1].is_punct or doc[j - 1].is_space):
            j -= 1
        if i >= j or "\n" in self.text[doc[i].idx:doc[j - 1].idx]:
            return    # nothing left, or a "name" running across lines
        if u.label in ("PERSON", "ORG"):
            for k in range(i + 1, j - 1):
                if self.words[k] in ("'s", "'"):
                    j = k     # "Democratic Unionist Party’s Brexit", "May’s Merkel"
                    break
            for k in range(j - 2, i, -1):
                if doc[k].is_punct and doc[k - 1].whitespace_ and doc[k].whitespace_:
                    i = k + 1  # "TX - Michael Cohen": a dateline the NER ran into the name
                    break
        if self.inside_title(i, j):
            return    # a piece of a title: "National Security" of "National Security Adviser"
        if u.label in ("ORG", "PERSON") and self.title_line(i):
            return    # in a Title Case title the NER takes headline words for names ("Brexit Entangles Issue")
        if self.shouting(i):
            return    # the NER reads a sentence in capitals as a string of names
        if u.label == "PERSON" and self.words[i] in _QUESTION_START and i == self.sent_bounds(self.sent_index(i))[0] \
                and "?" in self.words[i:self.sent_bounds(self.sent_index(i))[1]]:
            i += 1    # "Will Brett Kavanaugh be confirmed?"
        if i >= j:
            return
        span = doc[i:j]
        text = span.text
        initial = next((c for c in text if c.isalpha()), "")
        if not initial.isupper() or " ".join(self.words[i:j]) in T.not_entity:
            return
        if u.label in ("PERSON", "ORG") and doc[j - 1].dep_ == "pobj" and doc[j - 1].head.lower_ in T.locative \
                and doc[j - 1].head.lower_ not in ("of", "to", "from", "with") and T.gaz.lookup(" ".join(self.words[i:j])):
            u = _Unit(u.i, u.j, None, "GPE")    # "in Kent": the NER took a place for a person
        if u.label in ("ORG", "PERSON", "NORP") and len(text) == 2 and text.isupper():
            states = [e for e in T.gaz.lookup(text) if e.abbr]
            if states:
                self.places.append((states[0].name, i, j, states[0]))   # "Dallas, TX"
                return
        if text.startswith("@"):
            entry = ActorEntry(f"unk:account:{slug(text)}", text, "unknown", None, None, None, None, source="ner")
            self.mention(entry, i, j)
            return
        if u.label in ("PERSON", "ORG"):
            # a piece of a hyphenated word ("Mar" of Mar-a-Lago) or a list the NER ran together
            glued_after = j < self.n and not doc[j - 1].whitespace_ and self.words[j] == "-"
            glued_before = i > 1 and self.words[i - 1] == "-" and not doc[i - 2].whitespace_
            if glued_after or glued_before:
                return
            if any(self.words[k] in (",", ";") for k in range(i, j)):
                return
        if u.label == "ORG" and self.person_by_role(i, j):
            u = _Unit(u.i, u.j, None, "PERSON")   # "spokesman Sediq Sediqqi": the NER's ORG is a person
        if u.label == "PERSON":
            self.ner_person(_Unit(i, j, None, "PERSON"), u)
        elif u.label == "ORG":
            if len(text) < 2:
                return
            entry = ActorEntry(f"unk:org:{slug(text)}", text, "organization", None, None, None, None, source="ner")
            self.mention(entry, i, j)
        elif u.label in ("GPE", "LOC"):
            words = list(self.words[i:j])
            while len(words) > 1 and words[-1] in T.place_suffix:
                words.pop()
            key = " ".join(words)
            found = T.gaz.lookup(key)
            countries = [e for e in found if e.kind == "country"]
            if countries and len({e.country for e in countries}) == 1:
                self.country_ref(_Unit(i, j), countries[0].country, "name")
            elif found:
                self.place_ref(_Unit(i, j), found[0].key, None, name=doc[i:i + len(words)].text)
            else:
                self.places.append((doc[i:i + len(words)].text, i, j, None))
        elif u.label == "NORP":
            t = doc[j - 1]
            if t.dep_ in MOD_DEPS or t.pos_ not in ("NOUN", "PROPN"):
                return
            entry = ActorEntry(f"unk:group:{slug(text)}", text, "group", None, None, None, None, source="ner")
            self.mention(entry, i, j)

    def person_by_role(self, i: int, j: int) -> bool:
        """Whether a name the NER called an organisation is a person's, by the office or trade
        noun it is the name of: "presidential spokesman Sediq Sediqqi", "a spokeswoman, Morgan
        Ortagus", "Tamsin Oyelaran-Brook, a lawyer for the families". The name: two or three
        capitalised words, a hyphenated one counting as one ("Oyelaran-Brook")."""
        doc = self.doc
        words = 0
        for k in range(i, j):
            t = doc[k]
            if t.text == "-" and i < k < j - 1 and not doc[k - 1].whitespace_ and not t.whitespace_:
                continue   # the hyphen of a double name
            if t.tag_ not in ("NNP", "NNPS") or not t.is_alpha or not t.is_title or self.words[k] in _ORG_WORDS:
                return False   # (a surname in -s is often tagged as a plural: "Ilves", "Sanders")
            if k == i or doc[k - 1].text != "-":
                words += 1
        if not 2 <= words <= 3:
            return False
        root = doc[i:j].root
        before = doc[i - 1] if i > 0 else None
        if before is not None and before.lemma_.lower() in PERSON_ROLE_NOUNS and before.dep_ == "compound" \
                and i <= before.head.i < j:
            return True
        if root.dep_ == "appos" and root.head.lemma_.lower() in PERSON_ROLE_NOUNS:
            return True
        # the role in apposition to the name, after a comma: "Efrat Yardeni, an activist", "Mara
        # Ilves, the mayor", "Mara Ilves, the city's mayor"
        return any(c.dep_ == "appos" and c.i >= j and c.tag_ == "NN" and c.lemma_.lower() in PERSON_ROLE_NOUNS
                   and any((d.dep_ == "det" and d.lower_ in ("a", "an", "the")) or d.dep_ == "poss"
                           for d in c.children)
                   for c in root.children)

    def title_line(self, i: int) -> bool:
        """Whether token ``i`` is on the document's first line and that line is a Title Case
        title (no closing full stop, most longer words capitalised)."""
        if self._title is None:
            nl = self.text.find("\n")
            line = self.text[:nl] if nl >= 0 else ""
            words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
            self._title = len(line) if (nl >= 0 and len(words) >= 3 and not line.rstrip().endswith((".", "!", "?", '"', "”"))
                                        and sum(w[0].isupper() for w in words) >= 0.7 * len(words)) else 0
        return self.doc[i].idx < self._title

    def inside_title(self, i: int, j: int) -> bool:
        """Whether tokens i..j lie inside a longer agent phrase ("National Security" Adviser)."""
        for end in range(j - 1, min(j + 4, self.n)):
            for a, _ in self.agent_end_at(end):
                if a <= i and end + 1 >= j and (a, end + 1) != (i, j):
                    return True
        return False

    def ner_person(self, u: _Unit, orig: _Unit) -> None:
        """A PERSON the dictionaries do not know: linked to an earlier fuller name, or new."""
        T, doc = self.T, self.doc
        i, j = u.i, u.j
        # drop what the NER included before the name: "abuser Keith Ellison", "President X", "Mr X"
        while i < j - 1:
            t = doc[i]
            if self.words[i] in T.honorific or (t.is_alpha and t.text.islower() and self.words[i] not in PARTICLES):
                i += 1
                continue
            ends = [end for end in range(i, j - 1) if any(a == i for a, _ in self.agent_end_at(end))]
            if ends:
                i = max(ends) + 1
                continue
            break
        while i < j and not doc[i].is_alpha:
            if self.words[i] in ("'s", "'"):
                return    # "People’s Vote": a possessive, not a title and a name
            i += 1
        while j > i + 1 and doc[j - 1].is_alpha and doc[j - 1].text.islower() and self.words[j - 1] not in PARTICLES:
            j -= 1    # and after it: "when Kabulov first said"
        if i >= j or not doc[i].text[:1].isupper():
            return
        if self.heading(i):
            # "Tom Steyer Rallies Supporters": in a headline only the proper nouns are the name
            k = i
            while k < j and (doc[k].pos_ == "PROPN" or not doc[k].is_alpha):
                k += 1
            if k > i:
                j = k
        name_words = [self.words[k] for k in range(i, j) if doc[k].is_alpha]
        if not name_words:
            return
        title = self.titles.get(orig.i) or self.titles.get(u.i)
        aid = self.earlier_person(name_words)
        if aid is not None:
            a = self.actors[aid]
            a.mentions.append((i, j))
            if title and title[0] and not a.role:
                a.role = title[0]
            self.persons.append((i, j, aid))
            return
        name = doc[i:j].text
        role, code, country = title if title else (None, None, None)
        c_country, c_sector = T.split_code(code) if code else (None, None)
        entry = ActorEntry(f"unk:person:{slug(name)}", name, "person", code, c_country or country, c_sector, role,
                           source="ner")
        a = self.mention(entry, i, j)
        a.tokens.update(name_words)
        self.persons.append((i, j, entry.id))

    def earlier_person(self, name_words: list[str]) -> str | None:
        """The one person seen so far whose name contains these words, ending with the same one."""
        found = []
        for aid in dict.fromkeys(pid for _, _, pid in self.persons):
            a = self.actors[aid]
            if name_words[-1] in a.tokens and set(name_words) <= a.tokens:
                found.append(aid)
        return found[0] if len(found) == 1 else None

    def cluster_names(self) -> None:
        """Short names that the NER met before the full name, or labelled ORG/GPE ("Mueller" ORG):
        merged into the one person whose full name contains them."""
        persons = [a for a in self.actors.values() if a.entry.kind == "person"]
        if not persons:
            return
        moved: dict[str, str] = {}
        for a in list(self.actors.values()):
            if a.entry.source != "ner":
                continue
            # a double name's parts are words of the full name ("Oyelaran-Brook" of "Tamsin Oyelaran-Brook")
            words = [w for w in re.split(r"[\s-]+", a.entry.name.lower().replace("\u2019", "'")) if w.isalpha()]
            if not words:
                continue
            same_kind = a.entry.kind == "person"
            fits = [q for q in persons if q is not a and q.entry.id not in moved and words[-1] in q.tokens
                    and set(words) <= q.tokens and (not same_kind or len(q.tokens) > len(set(words)))]
            if len({q.entry.id for q in fits}) > 1 and not same_kind:
                # a surname the NER took for an organisation, of several persons ("Wendlandt"
                # after "Brian Wendlandt and Thomas Wendlandt ... Thomas Wendlandt"): the one
                # named last before it
                first = min(i for i, _ in a.mentions)
                before = [(max(i for i, _ in q.mentions if i < first), q) for q in fits
                          if any(i < first for i, _ in q.mentions)]
                fits = [max(before, key=lambda pq: pq[0])[1]] if before else fits
            if len({q.entry.id for q in fits}) != 1:
                continue
            q = fits[0]
            q.mentions.extend(a.mentions)
            if a.role and not q.role:
                q.role = a.role
            moved[a.entry.id] = q.entry.id
            del self.actors[a.entry.id]
        if moved:
            self.persons = sorted((i, j, moved.get(aid, aid)) for i, j, aid in self.persons)

    def name_unknown_persons(self) -> None:
        """An unknown person is named by its fullest mention outside headlines (a title-case
        headline makes "Abuser Keith Ellison" look like a name)."""
        renamed: dict[str, str] = {}
        for aid, a in list(self.actors.items()):
            e = a.entry
            if e.source != "ner" or e.kind != "person" or len(a.mentions) < 2:
                continue
            body = [(i, j) for i, j in a.mentions if not self.heading(i)]
            if not body:
                continue
            i, j = max(body, key=lambda m: (m[1] - m[0], -m[0]))
            name = self.doc[i:j].text
            if name == e.name or len(name.split()) < 2:
                continue
            new_id = f"unk:person:{slug(name)}"
            if new_id in self.actors and new_id != aid:
                continue
            a.entry = ActorEntry(new_id, name, e.kind, e.code, e.country, e.sector, e.role, source="ner")
            del self.actors[aid]
            self.actors[new_id] = a
            renamed[aid] = new_id
        if renamed:
            self.persons = [(i, j, renamed.get(aid, aid)) for i, j, aid in self.persons]

    # -- pronouns
    def gender_of(self, aid: str) -> str | None:
        """The dictionary's gender, or one the document shows (Mr/Mrs/Ms before a mention)."""
        a = self.actors[aid]
        if a.entry.gender:
            return a.entry.gender
        for i, j in a.mentions:
            prev = self.words[i - 1] if i > 0 else ""
            if prev in ("mr", "mr."):
                return "m"
            if prev in ("mrs", "mrs.", "ms", "ms.", "miss"):
                return "f"
            if j - i > 1 and self.words[i] in self.T.first_name:
                return self.T.first_name[self.words[i]]
        return None

    def link_pronouns(self) -> None:
        """he/she/his/her -> the one compatible person who was a subject just before.

        Only a pronoun at the start of a sentence, or a he/she that is the subject of a speech
        verb, is considered. Its candidates are the persons that were the subject of a clause in
        the same sentence (before it) or in the previous sentence, including pronouns already
        linked; the link is made when exactly one of them is compatible with its gender.
        """
        T, doc = self.T, self.doc
        genders = T.pronoun_gender
        positions = [k for k, w in enumerate(self.words) if w in genders]
        if not positions or not self.persons:
            return
        for k in positions:
            t = doc[k]
            sidx = self.sent_index(k)
            s, _ = self.sent_bounds(sidx)
            first = s
            while first < k and (doc[first].is_punct or doc[first].is_space):
                first += 1
            at_start = first == k
            speech_subject = t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_ in T.speech and self.words[k] in ("he", "she")
            if not (at_start or speech_subject):
                continue
            window_start = self.sent_bounds(sidx - 1)[0] if sidx > 0 else s
            gender = genders[self.words[k]]
            found: list[str] = []
            for (pi, pj, aid) in self.persons:
                if window_start <= pi and pj <= k and aid not in found and aid in self.actors:
                    root = doc[pi:pj].root
                    subject = root.dep_ in ("nsubj", "nsubjpass") or (
                        root.dep_ == "conj" and root.head.dep_ in ("nsubj", "nsubjpass"))  # "Lavrov and Blinken said"
                    if subject and self.gender_of(aid) in (None, gender):
                        found.append(aid)
            if len(found) != 1:
                continue
            aid = found[0]
            self.actors[aid].mentions.append((k, k + 1))
            self.persons.append((k, k + 1, aid))
            self.persons.sort()

    # -- bare agents
    def bare_agents(self) -> None:
        """Agent nouns with no country or organisation of their own ("Police arrested three
        journalists", "gunmen attacked", "the troops") that are a clause's subject or object.

        One of them joins the earlier actor of the same sector that has a country, where there
        is exactly one ("Kenyan police ... the police" is the Kenyan police); otherwise it is a generic
        actor of kind ``agent`` (id ``agent:<sector>``, "police (unspecified)"), which events
        can name as actor or recipient and which corpus summaries leave out of their
        top-actor lists.
        """
        doc = self.doc
        taken = bytearray(self.n)
        for a in self.actors.values():
            for i, j in a.mentions:
                for k in range(i, j):
                    taken[k] = 1
        named = bytes(taken)   # tokens of actors (not places)
        for _, i, j, _ in self.places:
            for k in range(i, j):
                taken[k] = 1
        by_sector: dict[str, list[tuple[int, str]]] = {}   # sector -> [(first token, actor id)]
        for aid, a in self.actors.items():
            e = a.entry
            if e.sector and e.country and e.kind in ("group", "organization") and not (
                    e.code and e.code[len(e.country) + len(e.sector):][:3] in INSTITUTION_SECTORS):
                # (not a body of another sector within it: "Russian state media", RUSGOVMED, is
                # no antecedent of "the government")
                for i, _ in a.mentions:
                    by_sector.setdefault(a.entry.sector, []).append((i, aid))
        for lst in by_sector.values():
            lst.sort()
        for end, phrases in sorted(self.agent_end.items() if self.agent_end else ()):
            head = doc[end]
            if head.pos_ not in ("NOUN", "PROPN") or head.dep_ not in BARE_AGENT_DEPS:
                continue
            start, code = phrases[0]
            if any(taken[k] for k in range(start, end + 1)) or code.endswith("~"):
                continue
            if head.dep_ == "pobj" and head.head.lower_ not in BARE_AGENT_PREPS and not (
                    head.head.lower_ == "of" and (head.head.head.lemma_.lower() in QUANTITY_NOUNS
                                                  or head.head.head.pos_ == "NUM")):
                continue   # but "thousands of students", "dozens of police"
            if head.dep_ == "conj" and head.head.dep_ not in BARE_AGENT_DEPS - {"conj"}:
                continue
            if any(named[t.i] for t in head.subtree if t.i < start or t.i > end):
                continue   # it names its actor itself: "fighters loyal to Daesh", "Russia's troops"
            sector = code.lstrip("~")[:3]
            if sector not in BARE_AGENT_SECTORS or self.words[end] in BARE_AGENT_STOP:
                continue
            country = self.place_country_in(head, start, end)
            earlier = {aid for i, aid in by_sector.get(sector, ()) if i < start}
            if country:   # "the government in Kabul", "police in Nairobi"
                self.mention(self.T.composite(country, code), start, end + 1)
            elif len(earlier) == 1 and not (head.left_edge.lower_ in INDEFINITE_DETS and head.left_edge.pos_ == "DET"):
                # several earlier candidates ("Russian and US officials"): no guess; nor for "a
                # spokesman", someone new
                self.actors[earlier.pop()].mentions.append((start, end + 1))
            else:
                label = self.T.sector_label.get(sector, sector.lower())
                entry = ActorEntry(f"agent:{sector.lower()}", f"{label} (unspecified)", "agent",
                                   None, None, sector, None, source="bare agent")
                self.mention(entry, start, end + 1)
            for k in range(start, end + 1):
                taken[k] = 1

    def place_country_in(self, head, start: int, end: int) -> str | None:
        """The country of a place in the agent's own "in/of/from" phrase ("government in Kabul")."""
        preps = [c for c in head.rights if c.dep_ == "prep" and c.lower_ in ("in", "of", "from")]
        if not preps:
            return None
        inside = {t.i for p in preps for t in p.subtree}
        for name, i, j, country in self.places:
            if i in inside:
                if isinstance(country, GazetteerEntry):
                    return country.country
                if country:
                    return country
                r = self.T.gaz.resolve(name, self.mentioned_countries())
                return r.entry.country if r is not None and not r.ambiguous else None
        return None

    # -- output
    def span(self, i: int, j: int) -> Span:
        doc = self.doc
        while j - 1 > i and doc[j - 1].is_space:
            j -= 1
        while i < j - 1 and doc[i].is_space:
            i += 1
        start = doc[i].idx
        end = doc[j - 1].idx + len(doc[j - 1].text)
        return Span.of(self.text, start, end)

    def weak(self, i: int, j: int) -> bool:
        """A capitals-only alias that is also an English word ("IS" / "is"), not followed by a group noun."""
        return (j - i == 1 and self.doc[i].text in WEAK_CAPS
                and not (j < self.n and self.words[j] in GROUP_NOUNS))

    def build_actors(self) -> tuple[Actor, ...]:
        out = []
        for a in sorted(self.actors.values(), key=lambda a: min(m[0] for m in a.mentions)):
            if all(self.weak(i, j) for i, j in a.mentions):
                continue  # "Not 'could be.' IS." -- only a weak alias, nothing else names the group
            spans = sorted({self.span(i, j) for i, j in a.mentions}, key=lambda s: (s.start, s.end))
            e = a.entry
            aliases = tuple(sorted({s.text for s in spans if s.text.lower() not in self.T.pronoun_gender}))
            out.append(Actor(id=e.id, name=e.name, code=e.code, country=e.country, sector=e.sector, kind=e.kind,
                             mentions=tuple(spans), role=a.role, aliases=aliases))
        return tuple(out)

    def person_named(self, name: str, i: int, j: int) -> bool:
        """An unknown place name that is a person's name in this document joins that person."""
        words = [w for w in name.lower().split() if w.isalpha()]
        if not words:
            return False
        fits = [a for a in self.actors.values() if a.entry.kind == "person" and words[-1] in a.tokens
                and set(words) <= a.tokens]
        if len(fits) != 1:
            return False
        fits[0].mentions.append((i, j))
        return True

    def mentioned_countries(self) -> set[str]:
        out = {a.entry.country for a in self.actors.values() if a.entry.country}
        out.update(c if isinstance(c, str) else c.country for _, _, _, c in self.places if c)
        return out

    def build_places(self) -> tuple[Place, ...]:
        if not self.places:
            return ()
        mentioned = self.mentioned_countries()
        gaz = self.T.gaz
        grouped: dict[str, list] = {}
        for name, i, j, country in self.places:
            if isinstance(country, GazetteerEntry):
                res = (country, False, max(1, len(gaz.lookup(country.name))))
                country = None
            elif country:   # a country used as a place
                entry = gaz.countries.get(country)
                res = None if entry is None else (entry, False, 1)
            else:
                r = gaz.resolve(name, mentioned)
                res = None if r is None else (r.entry, r.ambiguous, r.candidates)
                if res is None and self.person_named(name, i, j):
                    continue
            if res is None:
                pid = f"place:country:{country}" if country else f"place:unknown:{slug(name)}"
                g = grouped.setdefault(pid, [None, name, country, False, 0, []])
            else:
                entry, amb, n = res
                g = grouped.setdefault(entry.id, [entry, entry.name, entry.country, amb, n, []])
                g[3] = g[3] or amb
            g[5].append((i, j))
        out = []
        for pid, (entry, name, country, amb, n, mentions) in grouped.items():
            spans = tuple(sorted({self.span(i, j) for i, j in mentions}, key=lambda s: (s.start, s.end)))
            if entry is None:
                out.append(Place(id=pid, name=name, country=country, lat=None, lon=None,
                                 kind="country" if country else "unknown", ambiguous=False, mentions=spans,
                                 candidates=1 if country else 0))
            else:
                out.append(Place(id=pid, name=entry.name, country=entry.country, lat=entry.lat, lon=entry.lon,
                                 kind=entry.kind, ambiguous=amb, mentions=spans, candidates=n))
        out.sort(key=lambda p: p.mentions[0].start)
        return tuple(out)


def extract_actors(doc, document: Document) -> ActorResult:
    """Actors and places of one parsed document (``doc.text`` must be ``document.text``)."""
    if not len(doc):
        if document.text.strip():
            raise ValueError("the parsed doc is not of this document's text")
        return ActorResult((), ())
    # doc.text would rebuild the whole string; compare the ends instead
    last = doc[-1]
    text = document.text
    if last.idx + len(last.text_with_ws) != len(text) or text[last.idx:last.idx + len(last.text)] != last.text \
            or text[doc[0].idx:doc[0].idx + len(doc[0].text)] != doc[0].text:
        raise ValueError("the parsed doc is not of this document's text")
    return _Run(doc, document, _tables()).run()


def load_tables() -> None:
    """Load the dictionaries now (they load on first use otherwise); for workers and benchmarks."""
    _tables()
