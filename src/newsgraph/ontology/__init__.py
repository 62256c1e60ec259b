"""The PLOVER event ontology and the CAMEO code table, as shipped data plus a loader.

Two files beside this module, written by ``scripts/build_ontology.py`` from the PLOVER manual and
CAMEO-to-PLOVER table (openeventdata/PLOVER, CC BY-SA 4.0) and the CAMEO code list
(andybega/icews, MIT); both files are CC BY-SA 4.0 (see docs/ontology.md):

* ``plover.json``: the 16 event types (definition, quad class, whether a recipient is required,
  modes with definitions, the representative CAMEO code of the type and of each mode), the
  contexts, the auxiliary modes and the old type names;
* ``cameo.tsv``: every CAMEO code with its name, Goldstein score, quad class and PLOVER
  type/mode/contexts (or no type, with the reason in ``note``).

They are loaded once, on first use, and validated as a whole: a malformed file raises
``OntologyError`` naming the file, the line or entry, and what is wrong with it.

    >>> from newsgraph.ontology import cameo, cameo_for, quad_of, normalize_type
    >>> cameo("190").plover_type, cameo("190").goldstein, cameo("190").quad
    ('ASSAULT', -10.0, 4)
    >>> cameo_for("CONSULT", "visit").code
    '042'
    >>> quad_of("SANCTION"), normalize_type("demand")
    (4, 'REQUEST')
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

__all__ = [
    "PLOVER_TYPES", "QUADS", "OntologyError", "TypeDef", "CameoCode", "OldName", "Ontology",
    "plover", "cameo", "cameo_for", "quad_of", "normalize_type", "type_family", "load_ontology",
]

# The 16 PLOVER event types in the order of the manual. The data file must list exactly these.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
QUADS: Mapping[int, str] = MappingProxyType({
    1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
    4: "material conflict",
})

PLOVER_FILE = "plover.json"
CAMEO_FILE = "cameo.tsv"
PLOVER_FORMAT = "plover-json/1"
CAMEO_FORMAT = "cameo-tsv/1"
CAMEO_COLUMNS = ("code", "name", "goldstein", "quad", "plover_type", "plover_mode", "context",
                 "note")

_CODE = re.compile(r"\d{2,4}")
_MODE = re.compile(r"[a-z][a-z-]*")
_CONTEXT = re.compile(r"[a-z][a-z_]*")


class OntologyError(ValueError):
    """An ontology data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class TypeDef:
    """A PLOVER event type."""

    name: str
    definition: str
    quad: int                          # 1-4, see QUADS
    requires_recipient: bool
    modes: Mapping[str, str]           # mode -> definition, in the manual's order
    cameo: str                         # the representative CAMEO code of the type
    mode_cameo: Mapping[str, str]      # mode -> its representative CAMEO code


@dataclass(frozen=True)
class CameoCode:
    """A CAMEO event code. ``plover_type`` is None where PLOVER has no type for it (``note``
    says why); ``quad`` is CAMEO's quad class of the code's root."""

    code: str
    name: str
    goldstein: float
    quad: int
    plover_type: str | None
    plover_mode: str | None
    context: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class OldName:
    """An older PLOVER/CAMEO type name and the current type(s) it became."""

    name: str
    types: tuple[str, ...]
    mode: str | None
    basis: str


@dataclass(frozen=True)
class Ontology:
    types: Mapping[str, TypeDef]           # in PLOVER_TYPES order
    contexts: Mapping[str, str]            # context -> definition
    auxiliary_modes: Mapping[str, str]     # historical, future, hypothetical, negation
    old_names: Mapping[str, OldName]
    cameo: Mapping[str, CameoCode]         # code -> CameoCode, in code order
    provenance: Mapping[str, str]


# ----------------------------------------------------------------------------------------------
# Public API

@lru_cache(maxsize=1)
def plover() -> Ontology:
    """The shipped ontology, loaded and validated on first use."""
    return load_ontology()


def cameo(code: str) -> CameoCode | None:
    """The CAMEO code ``code`` ("042", "190", "0231"), or None when there is no such code.
    Codes are strings: leading zeros matter."""
    if not isinstance(code, str):
        raise TypeError(f"a CAMEO code is a string such as '042', not {code!r}")
    return plover().cameo.get(code.strip())


def cameo_for(plover_type: str, mode: str | None = None) -> CameoCode:
    """The representative CAMEO code of a PLOVER type, or of one of its modes: what an event of
    that type/mode gets as its ``cameo`` code and ``goldstein`` score. A mode without a CAMEO code
    of its own gets its type's code (docs/ontology.md lists every choice). An old type name
    that implies a mode (INVESTIGATE) uses that mode when none is given.

    Raises ValueError for an unknown type or a mode the type does not have."""
    ont = plover()
    name = normalize_type(plover_type)
    typedef = ont.types[name]
    if mode is None:
        old = ont.old_names.get(plover_type.strip().upper())
        mode = old.mode if old is not None else None
    if mode is None:
        return ont.cameo[typedef.cameo]
    key = mode.strip().lower()
    if key not in typedef.mode_cameo:
        modes = ", ".join(typedef.modes) or "none"
        raise ValueError(f"PLOVER type {name} has no mode {mode!r} (its modes: {modes})")
    return ont.cameo[typedef.mode_cameo[key]]


def quad_of(plover_type: str) -> int:
    """The quad class of a PLOVER type: 1 verbal cooperation, 2 material cooperation, 3 verbal
    conflict, 4 material conflict."""
    return plover().types[normalize_type(plover_type)].quad


def normalize_type(name: str) -> str:
    """The current PLOVER type for ``name``: a type (any case) or an old name (DEMAND -> REQUEST,
    DISAPPROVE -> ACCUSE, FIGHT -> ASSAULT, INVESTIGATE -> ACCUSE, THREAT -> THREATEN).

    Raises ValueError for an unknown name, and for YIELD, which became two types (CONCEDE, the
    verbal concession, and RETREAT, the material one): ``type_family`` lists them."""
    family = type_family(name)
    if len(family) > 1:
        raise ValueError(
            f"{name!r} is an old name of {len(family)} PLOVER types ({', '.join(family)}): "
            f"{plover().old_names[name.strip().upper()].basis}; choose one of them "
            f"(type_family() lists them)")
    return family[0]


def type_family(name: str) -> tuple[str, ...]:
    """The current PLOVER type(s) for a type or an old type name: ("REQUEST",) for DEMAND,
    ("CONCEDE", "RETREAT") for YIELD. Raises ValueError for an unknown name."""
    if not isinstance(name, str):
        raise TypeError(f"a PLOVER type name is a string, not {name!r}")
    key = name.strip().upper()
    if key in PLOVER_TYPES:
        return (key,)
    old = plover().old_names.get(key)
    if old is None:
        raise ValueError(f"unknown PLOVER event type {name!r}; the types are "
                         f"{', '.join(PLOVER_TYPES)} (old names: "
                         f"{', '.join(plover().old_names)})")
    return old.types


# ----------------------------------------------------------------------------------------------
# Loading and validation

def load_ontology(plover_path: str | Path | None = None,
                  cameo_path: str | Path | None = None) -> Ontology:
    """Read and validate the two ontology files (by default the shipped ones). Raises
    OntologyError naming the file and the entry at the first problem."""
    if plover_path is None:
        plover_text, plover_where = _package_text(PLOVER_FILE), f"newsgraph/ontology/{PLOVER_FILE}"
    else:
        plover_text, plover_where = Path(plover_path).read_text("utf-8"), str(plover_path)
    if cameo_path is None:
        cameo_text, cameo_where = _package_text(CAMEO_FILE), f"newsgraph/ontology/{CAMEO_FILE}"
    else:
        cameo_text, cameo_where = Path(cameo_path).read_text("utf-8"), str(cameo_path)

    parts = _parse_plover(plover_text, plover_where)
    codes = _parse_cameo(cameo_text, cameo_where, parts["types"], parts["contexts"])

    for typedef in parts["types"].values():
        wanted = [(None, typedef.cameo)] + list(typedef.mode_cameo.items())
        for mode, code in wanted:
            what = typedef.name if mode is None else f"{typedef.name} mode {mode}"
            row = codes.get(code)
            if row is None:
                raise OntologyError(f"{plover_where}: {what}: CAMEO code {code} is not in "
                                    f"{cameo_where}")
            if row.plover_type != typedef.name:
                raise OntologyError(f"{plover_where}: {what}: CAMEO code {code} maps to "
                                    f"{row.plover_type} in {cameo_where}, not {typedef.name}")
    return Ontology(
        types=MappingProxyType(parts["types"]),
        contexts=MappingProxyType(parts["contexts"]),
        auxiliary_modes=MappingProxyType(parts["auxiliary_modes"]),
        old_names=MappingProxyType(parts["old_names"]),
        cameo=MappingProxyType(codes),
        provenance=MappingProxyType(parts["provenance"]),
    )


def _package_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text("utf-8")


def _fail(where: str, entry: str, problem: str, value: Any = None) -> OntologyError:
    tail = "" if value is None else f": {value!r}"
    return OntologyError(f"{where}: {entry}: {problem}{tail}")


def _str(obj: dict, key: str, where: str, entry: str, *, pattern: re.Pattern | None = None,
         optional: bool = False) -> str | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, entry, f"'{key}' must be a non-empty string", value)
    if pattern is not None and not pattern.fullmatch(value):
        raise _fail(where, entry, f"'{key}' is malformed", value)
    return value


def _list(obj: dict, key: str, where: str, entry: str) -> list:
    value = obj.get(key)
    if not isinstance(value, list):
        raise _fail(where, entry, f"'{key}' must be a list", value)
    return value


def _named_definitions(items: list, where: str, what: str,
                       pattern: re.Pattern) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, item in enumerate(items):
        entry = f"{what}[{i}]"
        if not isinstance(item, dict):
            raise _fail(where, entry, "must be an object", item)
        name = _str(item, "name", where, entry, pattern=pattern)
        entry = f"{entry} {name}"
        if name in out:
            raise _fail(where, entry, "listed twice")
        out[name] = _str(item, "definition", where, entry)
    return out


def _parse_plover(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise OntologyError(f"{where}: line {e.lineno}: not valid JSON: {e.msg}") from None
    if not isinstance(data, dict):
        raise _fail(where, "top level", "must be an object")
    provenance = data.get("provenance")
    if not isinstance(provenance, dict) or provenance.get("format") != PLOVER_FORMAT:
        raise _fail(where, "provenance", f"must be an object with format {PLOVER_FORMAT!r}",
                    provenance if not isinstance(provenance, dict) else provenance.get("format"))
    quads = data.get("quads")
    if quads != {str(k): v for k, v in QUADS.items()}:
        raise _fail(where, "quads", "must name the four quad classes 1-4", quads)

    contexts = _named_definitions(_list(data, "contexts", where, "top level"), where,
                                  "contexts", _CONTEXT)
    auxiliary = _named_definitions(_list(data, "auxiliary_modes", where, "top level"), where,
                                   "auxiliary_modes", _MODE)

    raw_types = _list(data, "types", where, "top level")
    names = tuple(t.get("name") if isinstance(t, dict) else t for t in raw_types)
    if names != PLOVER_TYPES:
        for i, (got, want) in enumerate(zip(names + (None,) * 16, PLOVER_TYPES + (None,) * 16)):
            if got != want:
                raise _fail(where, f"types[{i}]", f"expected type {want}, found", got)
    types: dict[str, TypeDef] = {}
    for i, t in enumerate(raw_types):
        entry = f"types[{i}] {t['name']}"
        definition = _str(t, "definition", where, entry)
        quad = t.get("quad")
        if type(quad) is not int or quad not in QUADS:
            raise _fail(where, entry, "'quad' must be 1, 2, 3 or 4", quad)
        requires_recipient = t.get("requires_recipient")
        if not isinstance(requires_recipient, bool):
            raise _fail(where, entry, "'requires_recipient' must be true or false",
                        requires_recipient)
        type_cameo = _str(t, "cameo", where, entry, pattern=_CODE)
        modes: dict[str, str] = {}
        mode_cameo: dict[str, str] = {}
        for j, m in enumerate(_list(t, "modes", where, entry)):
            mentry = f"{entry} modes[{j}]"
            if not isinstance(m, dict):
                raise _fail(where, mentry, "must be an object", m)
            mode = _str(m, "name", where, mentry, pattern=_MODE)
            mentry = f"{entry} mode {mode}"
            if mode in modes:
                raise _fail(where, mentry, "listed twice")
            modes[mode] = _str(m, "definition", where, mentry)
            mode_cameo[mode] = _str(m, "cameo", where, mentry, pattern=_CODE)
        types[t["name"]] = TypeDef(t["name"], definition, quad, requires_recipient,
                                   MappingProxyType(modes), type_cameo,
                                   MappingProxyType(mode_cameo))

    old_names: dict[str, OldName] = {}
    for i, o in enumerate(_list(data, "old_names", where, "top level")):
        entry = f"old_names[{i}]"
        if not isinstance(o, dict):
            raise _fail(where, entry, "must be an object", o)
        name = _str(o, "name", where, entry, pattern=re.compile(r"[A-Z]+"))
        entry = f"{entry} {name}"
        if name in PLOVER_TYPES or name in old_names:
            raise _fail(where, entry, "is a current type or listed twice")
        targets = o.get("types")
        if (not isinstance(targets, list) or not targets
                or any(x not in PLOVER_TYPES for x in targets)):
            raise _fail(where, entry, "'types' must be a non-empty list of PLOVER types", targets)
        mode = _str(o, "mode", where, entry, pattern=_MODE, optional=True)
        if mode is not None and (len(targets) != 1 or mode not in types[targets[0]].modes):
            raise _fail(where, entry, f"'mode' is not a mode of {targets}", mode)
        old_names[name] = OldName(name, tuple(targets), mode, _str(o, "basis", where, entry))

    return {"types": types, "contexts": contexts, "auxiliary_modes": auxiliary,
            "old_names": old_names, "provenance": {k: str(v) for k, v in provenance.items()}}


def _parse_cameo(text: str, where: str, types: Mapping[str, TypeDef],
                 contexts: Mapping[str, str]) -> dict[str, CameoCode]:
    lines = text.split("\n")
    header = [ln for ln in lines if ln.startswith("#")]
    if not any(CAMEO_FORMAT in ln for ln in header):
        raise OntologyError(f"{where}: the header does not name the format {CAMEO_FORMAT!r}")
    codes: dict[str, CameoCode] = {}
    columns_seen = False
    for lineno, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not columns_seen:
            if tuple(fields) != CAMEO_COLUMNS:
                raise OntologyError(f"{where}:{lineno}: expected the column line "
                                    f"{chr(9).join(CAMEO_COLUMNS)!r}: {line!r}")
            columns_seen = True
            continue

        def bad(problem: str) -> OntologyError:
            return OntologyError(f"{where}:{lineno}: {problem}: {line!r}")

        if len(fields) != len(CAMEO_COLUMNS):
            raise bad(f"expected {len(CAMEO_COLUMNS)} tab-separated fields, "
                      f"found {len(fields)}")
        code, name, goldstein, quad, ptype, pmode, context, note = fields
        if not _CODE.fullmatch(code):
            raise bad("the code must be 2 to 4 digits")
        if code in codes:
            raise bad(f"code {code} listed twice")
        parent = code[:2] if len(code) == 3 else code[:3] if len(code) == 4 else None
        if parent is not None and parent not in codes:
            raise bad(f"code {code} comes before (or without) its parent {parent}")
        if not name.strip():
            raise bad("the name is empty")
        try:
            score = float(goldstein)
        except ValueError:
            raise bad("the Goldstein score is not a number") from None
        if not math.isfinite(score) or not -10.0 <= score <= 10.0:
            raise bad("the Goldstein score must be between -10 and 10")
        if quad not in ("1", "2", "3", "4"):
            raise bad("the quad class must be 1, 2, 3 or 4")
        root = codes.get(code[:2])
        if root is not None and str(root.quad) != quad:
            raise bad(f"the quad class differs from its root {root.code}'s ({root.quad})")
        if ptype:
            if ptype not in types:
                raise bad(f"unknown PLOVER type {ptype!r}")
            if pmode and pmode not in types[ptype].modes:
                raise bad(f"PLOVER type {ptype} has no mode {pmode!r}")
        elif pmode or not note.strip():
            raise bad("a code without a PLOVER type has no mode and says why in its note")
        ctx = tuple(context.split(";")) if context else ()
        for c in ctx:
            if c not in contexts:
                raise bad(f"unknown PLOVER context {c!r}")
        codes[code] = CameoCode(code, name, score, int(quad), ptype or None, pmode or None,
                                ctx, note)
    if not columns_seen:
        raise OntologyError(f"{where}: no column line and no rows")
    return codes
