#!/usr/bin/env python3
"""Convert the PLOVER manual, the CAMEO-to-PLOVER table and the CAMEO code list into newsgraph's
ontology files.

Reads (from ../shared/data/events by default):

    plover_manual.tex   PLOVER manual, LaTeX source    openeventdata/PLOVER @5e0c24f, CC BY-SA 4.0
    cameo2plover.txt    CAMEO code -> PLOVER event, mode, context (Draft 0.8, 2021-09-17)
                                                       openeventdata/PLOVER @5e0c24f, CC BY-SA 4.0
    cameo_codes.csv     312 CAMEO codes, names, Goldstein scores
                                                       andybega/icews @3746c72, MIT

and writes, deterministically (same inputs -> byte-identical outputs):

    src/newsgraph/ontology/plover.json  the 16 event types (one-line definitions, quad class,
                                        whether a recipient is required, modes with one-line
                                        definitions, the representative CAMEO code of the type
                                        and of each mode), the contexts, the auxiliary modes and
                                        the old type names
    src/newsgraph/ontology/cameo.tsv    one row per CAMEO code: code, name, Goldstein score, quad
                                        class, PLOVER type, mode, contexts, note

Usage:  python scripts/build_ontology.py [--events DIR] [--out DIR]
        python scripts/build_ontology.py --check      also prints the evidence for the quad classes
                                                      (plv_dev.tsv gold_root x gold_penta counts)
        python scripts/build_ontology.py --markdown   prints the type/mode -> CAMEO table for docs

The type definitions and the long mode definitions are newsgraph's own one-line paraphrases of
the manual (CC BY-SA 4.0 allows adaptation with attribution; the output files are CC BY-SA 4.0).
Every place where the output departs from cameo2plover.txt is listed below in CORRECTIONS,
MODE_RENAMES and CONTEXT_RENAMES with its reason, and the affected row says so in its note.
plover_codebook.csv (research use only) is not read: nothing from it is shipped.
docs/ontology.md describes the files and the choices.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

CONVERTER = "scripts/build_ontology.py"
PLOVER_FORMAT = "plover-json/1"
CAMEO_FORMAT = "cameo-tsv/1"
# A constant (changed by hand when the converter changes) so that a rerun writes the same bytes.
CONVERSION_DATE = "2026-11-27"

PLOVER_SOURCE = ("openeventdata/PLOVER @5e0c24f: PLOVER manual (LaTeX source, Draft/Version 2.0) "
                 "and the CAMEO-to-PLOVER table (Draft 0.8, 2021-09-17)")
PLOVER_LICENCE = ("CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); "
                  "Copyright (c) 2021 Open Event Data Alliance")
CAMEO_SOURCE = ("andybega/icews @3746c72 (data-raw/cameo-codes.csv; codes, names and Goldstein "
                "scores from the CAMEO manual 1.1b3, Schrodt et al., Penn State Event Data Project)")
CAMEO_LICENCE = "MIT; Copyright (c) Andreas Beger"
OUT_LICENCE = ("CC BY-SA 4.0: this file adapts PLOVER material (CC BY-SA 4.0, Open Event Data "
               "Alliance) and is shared under the same licence; the CAMEO names and Goldstein "
               "scores in it come from andybega/icews under the MIT licence (Copyright (c) "
               "Andreas Beger)")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENTS = ROOT.parent / "shared" / "data" / "events"
OUT = ROOT / "src" / "newsgraph" / "ontology"

# The 16 types in the order of the manual's chapter "Event Categories" (checked against it).
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                "COERCE", "ASSAULT")

QUAD_NAMES = {"VERBAL COOPERATION": 1, "MATERIAL COOPERATION": 2, "VERBAL CONFLICT": 3,
              "MATERIAL CONFLICT": 4}

# newsgraph's one-line paraphrases of the manual's type definitions (chapter "Event Categories").
TYPE_DEFINITIONS = {
    "AGREE": "Commit, offer or promise to cooperate, including promises to sign or ratify an "
             "agreement and cooperative acts announced for the future.",
    "CONSULT": "Meet or talk: visits and hosting, meetings at a third location or in a "
               "multilateral setting, calls and other remote talks, negotiations.",
    "SUPPORT": "Verbal, non-material backing: praise, endorse, defend, recognise, establish or "
               "improve diplomatic ties, sign or ratify an agreement.",
    "CONCEDE": "A concession with no immediate material effect: pardon, amnesty, apology, eased "
               "restrictions, an announced (not yet carried out) ceasefire or withdrawal.",
    "COOPERATE": "Mutual material cooperation or exchange: economic, military (joint "
                 "exercises), judicial (extradition) or intelligence sharing.",
    "AID": "Material help whose benefit goes mainly to the recipient: money, military or police "
           "assistance, humanitarian aid, asylum.",
    "RETREAT": "A concession with immediate material effect: release captives, return property, "
               "allow access, disarm, observe a ceasefire, withdraw, resign.",
    "REQUEST": "Ask for, demand or order something, verbally; less forceful than a threat.",
    "ACCUSE": "Disapprove, criticise or condemn; accuse, allege, charge or sue; investigate.",
    "REJECT": "Refuse or reject a request, demand, proposal, cooperation or norm.",
    "THREATEN": "Warn of coercive or forceful action with serious consequences; mostly verbal.",
    "PROTEST": "Collective civilian protest against the recipient: demonstrations, riots, "
               "strikes, hunger strikes, boycotts, blockades.",
    "SANCTION": "Reduce existing routine or cooperative relations: break ties, stop aid or "
                "exchange, expel, withdraw, convict.",
    "MOBILIZE": "Military, police or militia moves short of the use of force: raise alert "
                "levels, mobilise or deploy troops, weapons or police.",
    "COERCE": "Coercive use of power short of violence: arrest, seize, restrict, censor, curfew, "
              "martial law, deport, withhold services, cyber attacks.",
    "ASSAULT": "Deliberate action that can cause serious physical harm: attacks, fighting, "
               "killings, abductions, bombings, torture.",
}

# Mode definitions are taken from the manual's mode tables, LaTeX removed. Where the manual's
# wording is longer than MAX_MODE_DEFINITION characters, or not a self-contained sentence,
# newsgraph's one-line paraphrase below replaces it.
MAX_MODE_DEFINITION = 120
MODE_DEFINITIONS = {
    ("CONSULT", "visit"): "The actor visits, the recipient hosts",
    ("THREATEN", "restrict"): "Restrict movement of people or goods (boycotts, strikes, "
                              "blockades, curfews) or ban parties or people from politics",
    ("PROTEST", "demo"): "Organised, largely peaceful demonstration against a group or the "
                         "authorities",
    ("PROTEST", "riot"): "Violent riot against a group or the authorities, meant to injure or "
                         "damage",
    ("PROTEST", "strike"): "Members of an organisation or union leave their workplaces",
    ("PROTEST", "vandalize"): "Damage property as a symbolic act, not as part of a riot",
    ("SANCTION", "convict"): "Find guilty, unconstitutional or liable in a court or tribunal "
                             "(a prison sentence is also COERCE arrest)",
    ("SANCTION", "expel"): "Expel an entity (diplomats too) from a group, party, "
                           "organisation or country (deporting individuals is COERCE deport)",
    ("SANCTION", "withdraw"): "Withdraw oneself or non-military resources (aid, observers, "
                              "diplomats) from a group, mediation, organisation or country",
    ("SANCTION", "discontinue"): "Cut, reduce or end diplomatic, commercial or material "
                                 "exchange, including international sanctions",
    ("COERCE", "restrict"): "Restrict political freedoms or movement, cordon off areas, ban "
                            "people or organisations from political life",
    ("COERCE", "withhold"): "Withhold public goods or services: cut power, internet or water, "
                            "hold back food or medical supplies",
    ("COERCE", "misinformation"): "Deception, manipulation or misinformation (the "
                                  "misinformation context goes with it)",
    ("COERCE", "cyber"): "Cyber attacks and crime: hacking, security breaches, attacks on "
                         "websites (the cyber context goes with it)",
    ("ASSAULT", "beat"): "Beat people, by hand or with a blunt instrument",
    ("ASSAULT", "targeted"): "Targeted killing: assassinations (also attempted), executions, "
                             "mass killings of defenceless people",
    ("ASSAULT", "crowd-control"): "Less-lethal crowd control: tear gas, water cannon, shots in "
                                  "the air, baton charges",
}

# newsgraph's definitions of the manual's four auxiliary modes (section "Auxiliary modes").
AUXILIARY_MODES = {
    "historical": "The event is reported as part of the past, not as news.",
    "future": "The event is planned or expected, not yet done.",
    "hypothetical": "The event is conditional or imagined (if ... would).",
    "negation": "The text says the event did not happen.",
}

# Old type names (PLOVER 0.5 gold records, PLV, CAMEO root names) -> current types.
# mode: the mode the old name implies, where it implies one.
OLD_NAMES = {
    "DEMAND": {"types": ["REQUEST"], "mode": None,
               "basis": "CAMEO 10 DEMAND -> REQUEST (manual, CAMEO to PLOVER table)"},
    "DISAPPROVE": {"types": ["ACCUSE"], "mode": None,
                   "basis": "CAMEO 11 DISAPPROVE -> ACCUSE (manual, CAMEO to PLOVER table)"},
    "FIGHT": {"types": ["ASSAULT"], "mode": None,
              "basis": "CAMEO 19 FIGHT -> ASSAULT (manual, CAMEO to PLOVER table)"},
    "INVESTIGATE": {"types": ["ACCUSE"], "mode": "investigate",
                    "basis": "CAMEO 09 INVESTIGATE -> ACCUSE, mode investigate (manual table; "
                             "cameo2plover 090-094)"},
    "YIELD": {"types": ["CONCEDE", "RETREAT"], "mode": None,
              "basis": "CAMEO 08 YIELD was split into verbal CONCEDE (081-083) and material "
                       "RETREAT (084-087) (manual, summary of changes)"},
    "THREAT": {"types": ["THREATEN"], "mode": None,
               "basis": "the manual's text writes THREAT for THREATEN in places"},
}

# Corrections of single cameo2plover rows: code -> (type, mode, contexts or None = keep, reason).
CORRECTIONS = {
    "105": (None, "yield", None,
            "'Demand that target yields' is REQUEST yield like its sub-codes 1051-1056 "
            "(source: change)"),
    "112": (None, "allege", None,
            "'Accuse' is ACCUSE allege like its sub-codes 1121-1125 (source: disapprove)"),
    "116": ("SANCTION", "convict", None,
            "the manual's SANCTION mode convict is 'find guilty or liable' "
            "(source: ACCUSE disapprove)"),
    "124": (None, "yield", None,
            "'Refuse to yield' is REJECT yield like 1243-1246 (source: change)"),
    "1241": (None, "yield", None,
             "easing sanctions is REJECT yield, as REQUEST 1051 (source: change)"),
    "1242": (None, "yield", None,
             "easing popular dissent is REJECT yield, as REQUEST 1052 (source: change)"),
    "163": ("SANCTION", "discontinue", None,
            "the manual codes international sanctions as SANCTION discontinue "
            "(source: COERCE restrict)"),
    "195": (None, "aerial", None,
            "the manual's ASSAULT mode for aircraft is aerial (source: heavy-weapons)"),
    "1712": (None, "destroy", None,
             "ASSAULT has no mode seize; destruction of property is destroy (source: seize)"),
}

# Modes of cameo2plover that the manual's mode tables do not have -> the manual's mode (None:
# no mode). Keyed by (type, mode).
MODE_RENAMES = {
    ("ASSAULT", "assassinate"): ("targeted", "the manual's targeted covers assassinations"),
    ("ASSAULT", "massacre"): ("targeted", "the manual's targeted covers mass killings of "
                                          "defenceless people"),
    ("ASSAULT", "cleansing"): (None, "the manual dropped the mode cleansing"),
    ("THREATEN", "ban"): ("restrict", "the manual's THREATEN restrict covers bans of political "
                                      "activity"),
    ("THREATEN", "political"): ("restrict", "the manual's THREATEN has no mode political; "
                                            "restrictions of freedoms are restrict"),
    ("COERCE", "ban"): ("restrict", "the manual's COERCE restrict covers bans from political "
                                    "life"),
    ("RETREAT", "return"): (None, "the manual dropped the mode return"),
    ("RETREAT", "ease"): (None, "cameo2plover itself notes that ease is no longer a mode"),
}

# Contexts of cameo2plover that are not in the manual's context table.
CONTEXT_RENAMES = {
    "democracy": ("pro_democracy", "the manual's context is pro_democracy"),
    "humanitarian": ("human_security", "the manual has no humanitarian context; "
                                       "human_security is access to food, water, housing"),
}

# Notes for CAMEO codes that have no PLOVER type.
UNMAPPED_ROOTS = {
    "01": "PLOVER drops CAMEO 01 MAKE PUBLIC STATEMENT",
    "02": "PLOVER drops CAMEO 02 APPEAL",
}
SPLIT_ROOT_NOTE = ("CAMEO root 08 YIELD is split: CONCEDE (081-083) and RETREAT (084-087); "
                   "no single PLOVER type")

# The representative CAMEO code of each type (the `cameo`/`goldstein` of an event with no mode):
# the "not specified" code of the CAMEO root the type comes from. RETREAT has no such code of
# its own (080 Yield maps to CONCEDE): 084 Return, release is its first general code.
TYPE_CAMEO = {
    "AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "CONCEDE": "080", "COOPERATE": "060",
    "AID": "070", "RETREAT": "084", "REQUEST": "100", "ACCUSE": "110", "REJECT": "120",
    "THREATEN": "130", "PROTEST": "140", "SANCTION": "160", "MOBILIZE": "150", "COERCE": "170",
    "ASSAULT": "180",
}
# The representative code of a mode is the shortest (then lowest) CAMEO code mapped to that
# type and mode; these are the exceptions, each a CAMEO code of the same type. A mode with
# neither takes its type's code.
MODE_CAMEO = {
    ("RETREAT", "withdraw"): ("0874", "the only withdraw row, 0872, is 'Ease military blockade'"),
    ("PROTEST", "strike"): ("143", "'Conduct strike or boycott'"),
    ("ASSAULT", "targeted"): ("186", "'Assassinate' rather than 185 'Attempt to assassinate'"),
    ("ASSAULT", "suicide-attack"): ("1831", "'Carry out suicide bombing' rather than the "
                                            "broader 183"),
    ("ASSAULT", "drone"): ("195", "'Employ aerial weapons'"),
    ("ASSAULT", "crowd-control"): ("175", "'Use tactics of violent repression'"),
    ("COERCE", "censor"): ("1721", "'Impose restrictions on political freedoms' "
                                   "(speech and expression)"),
    ("MOBILIZE", "troops"): ("154", "'Mobilize or increase armed forces' rather than 152 "
                                    "'Increase military alert status'"),
    ("MOBILIZE", "police"): ("153", "'Mobilize or increase police power' rather than 151 "
                                    "'Increase police alert status'"),
    ("THREATEN", "violence"): ("138", "'Threaten with military force' rather than 137 "
                                      "'Threaten with repression'"),
    ("THREATEN", "relations"): ("1313", "'Threaten to reduce or break relations' rather than "
                                        "133 'Threaten with political dissent, protest'"),
}


class ConversionError(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# LaTeX

_LATEX_WRAPPERS = re.compile(r"\\(?:textit|textbf|textsf|texttt|emph|txt|ti|plcat|plcon|plmod|"
                             r"textcolor\{[a-z]+\}|hyperref\[[^\]]*\])\{([^{}]*)\}")


def latex_to_text(s: str) -> str:
    """The plain text of a table cell or sentence of the manual."""
    prev = None
    while prev != s:  # nested wrappers
        prev = s
        s = _LATEX_WRAPPERS.sub(r"\1", s)
    s = s.replace("---", " - ").replace("--", "-")
    s = s.replace("``", '"').replace("''", '"')
    s = s.replace("\\_", "_").replace("\\ldots", "...").replace("\\&", "&").replace("~", " ")
    s = s.replace("$+$", "+").replace("$-$", "-")
    s = re.sub(r"\\[a-zA-Z]+\*?", "", s)  # any command left (\newline ...)
    s = s.replace("{", "").replace("}", "")
    s = re.sub(r"\s+", " ", s).strip()
    return s


def _strip_comment(line: str) -> str:
    """A LaTeX line without its % comment (\\% is a literal)."""
    m = re.search(r"(?<!\\)%", line)
    return line[:m.start()] if m else line


def parse_table_rows(body: str) -> list[tuple[str, str]]:
    """Rows `name & content \\\\` of a two-column tabular body; a row with an empty name
    continues the previous one."""
    rows: list[list[str]] = []
    text = "\n".join(_strip_comment(line) for line in body.splitlines())
    for raw in text.split("\\\\"):
        raw = raw.replace("\\hline", "").strip()
        if not raw or "&" not in raw:
            continue
        name, _, content = raw.partition("&")
        name, content = latex_to_text(name), latex_to_text(content)
        if name in ("Name", "Code"):
            continue
        if not name and rows:
            rows[-1][1] = f"{rows[-1][1]} {content}".strip()
        elif name:
            rows.append([name, content])
    return [(n, c) for n, c in rows]


@dataclass
class ManualType:
    name: str
    quad: int
    requires_recipient: bool
    modes: list[tuple[str, str]]


@dataclass
class Manual:
    types: list[ManualType]
    contexts: list[tuple[str, str]]
    auxiliary_modes: list[str]
    quad_table: dict[str, int]          # the chapter "CAMEO vs. PLOVER" table "Quad categories"


def parse_manual(path: Path) -> Manual:
    tex = Path(path).read_text("utf-8")
    start = tex.index("\\chapter{Event Categories}")
    end = tex.index("\\chapter{Contexts}")
    chapter = tex[start:end]
    parts = re.split(r"\\section\{([A-Z]+)\}", chapter)
    types: list[ManualType] = []
    for name, body in zip(parts[1::2], parts[2::2]):
        quad_m = re.search(r"\\subsection\{Quad category: ([A-Z ]+)\}", body)
        rec_m = re.search(r"\\subsection\{Requires recipient: (Yes|No)\}", body)
        if not quad_m or not rec_m:
            raise ConversionError(f"manual section {name}: no quad category or recipient line")
        modes: list[tuple[str, str]] = []
        tab = re.search(r"\\begin\{tabular\}\{[^\n]*\}\s*\n(.*?)\\end\{tabular\}", body, re.S)
        if tab:
            modes = parse_table_rows(tab.group(1))
        types.append(ManualType(name, QUAD_NAMES[quad_m.group(1).strip()],
                                rec_m.group(1) == "Yes", modes))

    ctx_start = tex.index("\\label{tab:general-contexts}")
    ctx_end = tex.index("\\end{longtable}", ctx_start)
    ctx_body = tex[ctx_start:ctx_end].split("\\endlastfoot", 1)[1]
    contexts = parse_table_rows(ctx_body)

    aux_start = tex.index("\\section{Auxiliary modes}")
    aux_end = tex.index("\\end{itemize}", aux_start)
    auxiliary = re.findall(r"\\item \\plcon\{([a-z]+)\}", tex[aux_start:aux_end])

    q_start = tex.index("\\caption{Quad categories in PLOVER}")
    q_end = tex.index("\\end{tabular}", q_start)
    quad_table: dict[str, int] = {}
    for row in tex[q_start:q_end].split("\\\\"):
        cells = [c.strip() for c in row.replace("\\hline", "").split("&")]
        if len(cells) == 3 and cells[2].isdigit():
            for t in cells[1].split(","):
                quad_table[t.strip()] = int(cells[2])
    return Manual(types, contexts, auxiliary, quad_table)


# ----------------------------------------------------------------------------------------------
# CAMEO

@dataclass
class CameoRow:
    code: str
    name: str
    goldstein: float


def read_cameo_codes(path: Path) -> list[CameoRow]:
    # The file mixes encodings in its description/example columns (mac-roman mojibake); the
    # columns used here are ASCII, which latin-1 reads losslessly.
    text = Path(path).read_bytes().decode("latin-1")
    rows = []
    for i, r in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code, name = r["code"].strip(), r["name"].strip()
        if not re.fullmatch(r"\d{2,4}", code) or not name.isascii():
            raise ConversionError(f"{path}:{i}: bad code or name {code!r} {name!r}")
        rows.append(CameoRow(code, name, float(r["goldstein"])))
    return rows


@dataclass
class Mapping:
    code: str
    type: str | None
    mode: str | None
    contexts: tuple[str, ...]
    notes: list[str]


def read_cameo2plover(path: Path) -> tuple[dict[str, Mapping], dict[str, list[str]], list[str]]:
    """code -> mapping (rows with a type), root -> types (header lines), messages."""
    rows: dict[str, Mapping] = {}
    roots: dict[str, list[str]] = defaultdict(list)
    messages: list[str] = []
    for i, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        m = re.match(r"^(\d{2,4}):\s*([^#]*)", line)
        if not m:
            continue
        code, body = m.group(1), m.group(2).strip()
        if "," not in body:
            roots[code].append(body)
            continue
        fields = [f.strip() for f in body.split(",")]
        if len(fields) != 3:
            raise ConversionError(f"{path}:{i}: expected 'TYPE, mode, context': {line!r}")
        typ, mode, ctx = fields
        mapping = Mapping(code, typ, mode or None,
                          tuple(c.strip() for c in ctx.split(";") if c.strip()), [])
        if code in rows:
            old = rows[code]
            if (old.type, old.mode, old.contexts) != (typ, mapping.mode, mapping.contexts):
                raise ConversionError(f"{path}:{i}: code {code} mapped twice, differently")
            messages.append(f"cameo2plover: {code} listed twice (identical), kept once")
            continue
        rows[code] = mapping
    return rows, dict(roots), messages


def apply_corrections(rows: dict[str, Mapping], manual: Manual) -> None:
    modes = {t.name: {m for m, _ in t.modes} for t in manual.types}
    contexts = {c for c, _ in manual.contexts}
    for code, m in sorted(rows.items()):
        # a context written in the mode column (175): move it to the contexts
        if m.mode in contexts and m.mode not in modes.get(m.type, ()):
            m.notes.append(f"source mode {m.mode!r} is a context, moved there")
            m.contexts = (m.mode,) + tuple(c for c in m.contexts if c != m.mode)
            m.mode = None
        if (m.type, m.mode) in MODE_RENAMES:
            new, reason = MODE_RENAMES[(m.type, m.mode)]
            m.notes.append(f"source mode {m.mode!r} -> {new or 'none'}: {reason}")
            m.mode = new
        renamed = []
        for c in m.contexts:
            if c in CONTEXT_RENAMES:
                new, reason = CONTEXT_RENAMES[c]
                m.notes.append(f"source context {c!r} -> {new!r}: {reason}")
                c = new
            renamed.append(c)
        m.contexts = tuple(dict.fromkeys(renamed))
    for code, (typ, mode, ctx, reason) in CORRECTIONS.items():
        if code not in rows:
            raise ConversionError(f"correction for {code}, which cameo2plover does not map")
        m = rows[code]
        m.type = typ or m.type
        m.mode = mode
        if ctx is not None:
            m.contexts = ctx
        m.notes.append(f"corrected: {reason}")


# ----------------------------------------------------------------------------------------------
# Build

def cameo_quad(code: str) -> int:
    """Quad class of a CAMEO code by its root (andybega/icews, Phoenix, GDELT; PLV agrees)."""
    root = int(code[:2])
    if 1 <= root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    if root <= 20:
        return 4
    raise ConversionError(f"CAMEO root out of range: {code}")


@dataclass
class Built:
    plover: dict
    cameo_rows: list[list[str]]
    stats: dict[str, int]
    messages: list[str]
    mode_basis: dict[tuple[str, str | None], str]
    manual: Manual


def build(events: Path) -> Built:
    manual = parse_manual(events / "plover_manual.tex")
    names = tuple(t.name for t in manual.types)
    if names != PLOVER_TYPES:
        raise ConversionError(f"manual types {names} differ from PLOVER_TYPES")
    if set(TYPE_DEFINITIONS) != set(PLOVER_TYPES):
        raise ConversionError("TYPE_DEFINITIONS must define the 16 types")
    if sorted(manual.auxiliary_modes) != sorted(AUXILIARY_MODES):
        raise ConversionError(f"manual auxiliary modes {manual.auxiliary_modes}")
    type_modes = {t.name: dict(t.modes) for t in manual.types}
    for (t, mode) in MODE_DEFINITIONS:
        if mode not in type_modes.get(t, {}):
            raise ConversionError(f"MODE_DEFINITIONS: {t} has no mode {mode!r} in the manual")
    context_names = [c for c, _ in manual.contexts]

    cameo = read_cameo_codes(events / "cameo_codes.csv")
    mappings, roots, messages = read_cameo2plover(events / "cameo2plover.txt")
    apply_corrections(mappings, manual)
    known = {r.code for r in cameo}
    for code in sorted(set(mappings) - known):
        messages.append(f"cameo2plover: {code} is not a CAMEO code in cameo_codes.csv "
                        f"(no name or Goldstein score): left out")
        del mappings[code]

    # validate the mapping against the manual
    for code, m in sorted(mappings.items()):
        if m.type not in type_modes:
            raise ConversionError(f"{code}: unknown type {m.type!r}")
        if m.mode is not None and m.mode not in type_modes[m.type]:
            raise ConversionError(f"{code}: {m.type} has no mode {m.mode!r} in the manual")
        for c in m.contexts:
            if c not in context_names:
                raise ConversionError(f"{code}: unknown context {c!r}")

    # the CAMEO table
    cameo_rows: list[list[str]] = []
    stats: Counter = Counter()
    by_type_mode: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for r in cameo:
        quad = cameo_quad(r.code)
        m = mappings.get(r.code)
        if m is not None:
            typ, mode, ctx, note = m.type, m.mode, m.contexts, "; ".join(m.notes)
            stats["cameo_mapped"] += 1
            stats["cameo_corrected"] += bool(m.notes)
            by_type_mode[(typ, mode)].append(r.code)
        elif len(r.code) == 2 and r.code in roots and len(set(roots[r.code])) == 1:
            typ, mode, ctx, note = roots[r.code][0], None, (), ""
            stats["cameo_root_mapped"] += 1
        elif len(r.code) == 2 and r.code in roots:
            typ, mode, ctx, note = None, None, (), SPLIT_ROOT_NOTE
            stats["cameo_unmapped"] += 1
        elif r.code[:2] in UNMAPPED_ROOTS:
            typ, mode, ctx, note = None, None, (), UNMAPPED_ROOTS[r.code[:2]]
            stats["cameo_unmapped"] += 1
        else:
            raise ConversionError(f"CAMEO {r.code} has no PLOVER mapping and no reason")
        if typ is not None and typ not in type_modes:
            raise ConversionError(f"CAMEO {r.code}: unknown type {typ!r}")
        if not -10 <= r.goldstein <= 10:
            raise ConversionError(f"CAMEO {r.code}: Goldstein {r.goldstein} out of range")
        cameo_rows.append([r.code, r.name, _fmt_score(r.goldstein), str(quad), typ or "",
                           mode or "", ";".join(ctx), note])
    stats["cameo_codes"] = len(cameo_rows)
    code_type = {row[0]: row[4] for row in cameo_rows}

    # representative CAMEO codes
    mode_basis: dict[tuple[str, str | None], str] = {}
    for t, code in TYPE_CAMEO.items():
        if code_type.get(code) != t:
            raise ConversionError(f"TYPE_CAMEO {t} -> {code}, which maps to {code_type.get(code)}")
        mode_basis[(t, None)] = "the type's general code"
    for (t, mode), (code, _) in MODE_CAMEO.items():
        if mode not in type_modes[t] or code_type.get(code) != t:
            raise ConversionError(f"MODE_CAMEO {t}/{mode} -> {code}: not a mode/code of {t}")

    types_out = []
    for mt in manual.types:
        modes_out = []
        for mode, text in mt.modes:
            definition = MODE_DEFINITIONS.get((mt.name, mode), text)
            if len(definition) > MAX_MODE_DEFINITION:
                raise ConversionError(f"{mt.name} mode {mode}: definition longer than "
                                      f"{MAX_MODE_DEFINITION}; add a paraphrase")
            definition = _sentence(definition.rstrip("."))
            if (mt.name, mode) in MODE_CAMEO:
                code, why = MODE_CAMEO[(mt.name, mode)]
                mode_basis[(mt.name, mode)] = f"chosen: {why}"
            elif by_type_mode.get((mt.name, mode)):
                code = min(by_type_mode[(mt.name, mode)], key=lambda c: (len(c), c))
                n = len(by_type_mode[(mt.name, mode)])
                mode_basis[(mt.name, mode)] = ("the only code of this mode" if n == 1 else
                                               f"the most general of {n} codes of this mode")
            else:
                code = TYPE_CAMEO[mt.name]
                mode_basis[(mt.name, mode)] = "no CAMEO code of this mode: the type's code"
            modes_out.append({"name": mode, "definition": definition, "cameo": code})
            stats["modes"] += 1
        types_out.append({
            "name": mt.name,
            "definition": TYPE_DEFINITIONS[mt.name],
            "quad": mt.quad,
            "requires_recipient": mt.requires_recipient,
            "cameo": TYPE_CAMEO[mt.name],
            "modes": modes_out,
        })
    stats["types"] = len(types_out)
    stats["contexts"] = len(manual.contexts)

    plover = {
        "provenance": {
            "what": "newsgraph PLOVER ontology: event types, modes, contexts, auxiliary modes",
            "source": PLOVER_SOURCE,
            "source_licence": PLOVER_LICENCE,
            "cameo_source": CAMEO_SOURCE,
            "cameo_source_licence": CAMEO_LICENCE,
            "licence": OUT_LICENCE,
            "changes": "type definitions and long mode definitions are newsgraph's one-line "
                       "paraphrases; quad and requires_recipient from each type's section of "
                       "the manual; cameo: newsgraph's choice of representative CAMEO code "
                       "(docs/ontology.md)",
            "converter": CONVERTER,
            "format": PLOVER_FORMAT,
            "converted": CONVERSION_DATE,
        },
        "quads": {"1": "verbal cooperation", "2": "material cooperation",
                  "3": "verbal conflict", "4": "material conflict"},
        "types": types_out,
        "contexts": [{"name": n, "definition": _sentence(d)} for n, d in manual.contexts],
        "auxiliary_modes": [{"name": n, "definition": AUXILIARY_MODES[n]}
                            for n in manual.auxiliary_modes],
        "old_names": [{"name": n, **v} for n, v in OLD_NAMES.items()],
    }
    return Built(plover, cameo_rows, dict(stats), messages, mode_basis, manual)


def _fmt_score(x: float) -> str:
    return f"{x:.1f}" if round(x, 1) == x else repr(x)


def _sentence(s: str) -> str:
    return s[0].upper() + s[1:] if s else s


def render_plover(b: Built) -> str:
    return json.dumps(b.plover, indent=1, ensure_ascii=True) + "\n"


CAMEO_COLUMNS = ("code", "name", "goldstein", "quad", "plover_type", "plover_mode", "context",
                 "note")


def render_cameo(b: Built) -> str:
    out = [
        "# newsgraph CAMEO table: CAMEO event codes with Goldstein score, quad class and PLOVER "
        "type/mode/context.\n",
        f"# source (codes, names, Goldstein): {CAMEO_SOURCE}; licence {CAMEO_LICENCE}\n",
        f"# source (PLOVER mapping): {PLOVER_SOURCE}; licence {PLOVER_LICENCE}\n",
        f"# licence of this file: {OUT_LICENCE}\n",
        f"# converter: {CONVERTER} ({CAMEO_FORMAT}, {CONVERSION_DATE}); departures from the "
        "source mapping are in the note column and docs/ontology.md\n",
        "# quad: CAMEO root 01-05 = 1 verbal cooperation, 06-08 = 2 material cooperation, "
        "09-13 = 3 verbal conflict, 14-20 = 4 material conflict\n",
        "# plover_type empty: no PLOVER type (the note says why); context: ';'-separated\n",
        "\t".join(CAMEO_COLUMNS) + "\n",
    ]
    for row in b.cameo_rows:
        if any("\t" in f or "\n" in f for f in row):
            raise ConversionError(f"tab or newline in row {row}")
        out.append("\t".join(row) + "\n")
    return "".join(out)


def write(b: Built, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "plover.json").write_text(render_plover(b), "utf-8", newline="\n")
    (out / "cameo.tsv").write_text(render_cameo(b), "utf-8", newline="\n")


# ----------------------------------------------------------------------------------------------
# Evidence and docs

def check(b: Built, events: Path) -> list[str]:
    """The evidence for the type -> quad mapping, as lines of text."""
    lines = []
    quads = {t["name"]: t["quad"] for t in b.plover["types"]}
    lines.append("quad per type (manual sections) vs the manual's 'Quad categories' table:")
    for t, q in quads.items():
        other = b.manual.quad_table.get(t)
        flag = "" if other == q else f"   <- table says {other}"
        lines.append(f"  {t:10s} {q}{flag}")
    plv = events / "plv_dev.tsv"
    if plv.exists():
        with plv.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        counts = Counter((r["gold_root"], r["gold_penta"]) for r in rows)
        pentas = sorted({r["gold_penta"] for r in rows})
        lines.append(f"plv_dev.tsv gold_root x gold_penta ({len(rows)} sentences):")
        lines.append("  " + f"{'root':10s}" + "".join(f"{p:>6s}" for p in pentas)
                     + "   ours")
        for root in sorted({r["gold_root"] for r in rows}):
            family = next((o["types"] for o in b.plover["old_names"] if o["name"] == root),
                          [root])
            ours = "/".join(str(quads[t]) for t in family)
            lines.append("  " + f"{root:10s}" + "".join(f"{counts[(root, p)]:6d}" for p in pentas)
                         + f"   {ours}")
    per_root: dict[str, Counter] = defaultdict(Counter)
    for row in b.cameo_rows:
        if row[4]:
            per_root[row[0][:2]][(int(row[3]), quads[row[4]])] += 1
    lines.append("CAMEO codes whose root quad differs from their PLOVER type's quad:")
    for root, c in sorted(per_root.items()):
        diff = {k: v for k, v in c.items() if k[0] != k[1]}
        if diff:
            lines.append(f"  root {root}: " + ", ".join(
                f"{v} code(s) CAMEO quad {a} -> PLOVER quad {p}" for (a, p), v in sorted(diff.items())))
    return lines


def markdown_table(b: Built) -> str:
    names = {row[0]: (row[1], row[2]) for row in b.cameo_rows}
    out = ["| type | mode | CAMEO | name | Goldstein | basis |", "|---|---|---|---|---|---|"]
    for t in b.plover["types"]:
        code = t["cameo"]
        out.append(f"| {t['name']} | | {code} | {names[code][0]} | {names[code][1]} | "
                   f"{b.mode_basis[(t['name'], None)]} |")
        for m in t["modes"]:
            code = m["cameo"]
            out.append(f"| | {m['name']} | {code} | {names[code][0]} | {names[code][1]} | "
                       f"{b.mode_basis[(t['name'], m['name'])]} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=Path, default=DEFAULT_EVENTS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="print the quad evidence as well")
    ap.add_argument("--markdown", action="store_true", help="print the type/mode -> CAMEO table")
    args = ap.parse_args(argv)
    try:
        b = build(args.events)
    except ConversionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.markdown:
        sys.stdout.write(markdown_table(b))
        return 0
    write(b, args.out)
    for k, v in sorted(b.stats.items()):
        print(f"{k}\t{v}")
    for msg in b.messages:
        print(msg)
    if args.check:
        print("\n".join(check(b, args.events)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
