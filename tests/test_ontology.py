"""The PLOVER/CAMEO ontology tables and their loader (newsgraph.ontology)."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from newsgraph.ontology import (
    PLOVER_TYPES, CameoCode, OntologyError, cameo, cameo_for, load_ontology, normalize_type,
    plover, quad_of, type_family,
)

from conftest import ROOT, SHARED, needs_shared

EVENTS = SHARED / "events"


def shipped(name: str) -> str:
    return resources.files("newsgraph.ontology").joinpath(name).read_text("utf-8")


# ----------------------------------------------------------------------------------------------
# types, modes, contexts

def test_the_sixteen_types_in_the_manuals_order():
    assert PLOVER_TYPES == (
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
    assert tuple(plover().types) == PLOVER_TYPES
    assert all(t.definition.endswith(".") for t in plover().types.values())


def test_quad_of_each_type():
    assert {t: quad_of(t) for t in PLOVER_TYPES} == {
        "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
        "COOPERATE": 2, "AID": 2, "RETREAT": 2,
        "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
        "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}
    assert quad_of("fight") == 4 and quad_of("DEMAND") == 3


def test_modes_from_the_manual():
    types = plover().types
    assert tuple(types["CONSULT"].modes) == ("visit", "third-party", "multilateral", "phone")
    assert types["CONSULT"].modes["phone"] == \
        "Consultation occurs via phone or some other remote medium"
    assert tuple(types["ASSAULT"].modes) == (
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
        "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
        "unconventional")
    assert {"seize", "arrest", "curfew", "censor", "cyber"} <= set(types["COERCE"].modes)
    assert tuple(types["REQUEST"].modes) == tuple(types["REJECT"].modes) == \
        ("assist", "change", "yield", "meet")
    assert types["AGREE"].modes == {} and types["AID"].modes == {}
    assert sum(len(t.modes) for t in types.values()) == 67
    assert [t for t in PLOVER_TYPES if types[t].requires_recipient] == \
        ["COOPERATE", "AID", "SANCTION"]


def test_contexts_and_auxiliary_modes():
    ont = plover()
    assert len(ont.contexts) == 37
    assert list(ont.contexts)[:3] == ["military", "intelligence", "executive"]
    assert ont.contexts["legal"] == "Courts and judiciary; national and international law"
    assert tuple(ont.auxiliary_modes) == ("historical", "future", "hypothetical", "negation")


def test_provenance_and_licence_in_both_files():
    prov = plover().provenance
    assert prov["format"] == "plover-json/1"
    assert "openeventdata/PLOVER @5e0c24f" in prov["source"]
    assert prov["licence"].startswith("CC BY-SA 4.0")
    header = [ln for ln in shipped("cameo.tsv").splitlines() if ln.startswith("#")]
    assert any("andybega/icews @3746c72" in ln and "MIT" in ln for ln in header)
    assert any("openeventdata/PLOVER @5e0c24f" in ln for ln in header)
    assert any(ln.startswith("# licence of this file: CC BY-SA 4.0") for ln in header)


# ----------------------------------------------------------------------------------------------
# CAMEO codes

def test_every_cameo_code_has_a_goldstein_score_and_a_type_or_a_reason():
    codes = plover().cameo
    assert len(codes) == 312
    assert Counter(c.plover_type is None for c in codes.values()) == {False: 272, True: 40}
    for c in codes.values():
        assert -10.0 <= c.goldstein <= 10.0, c
        assert c.quad in (1, 2, 3, 4), c
        if c.plover_type is None:
            assert c.note and c.plover_mode is None, c
        else:
            assert c.plover_type in PLOVER_TYPES, c
            assert c.plover_mode is None or c.plover_mode in plover().types[c.plover_type].modes
            assert set(c.context) <= set(plover().contexts), c


def test_cameo_spot_checks():
    assert cameo("190") == CameoCode("190", "Use conventional military force", -10.0, 4,
                                     "ASSAULT", None, ("military",), "")
    assert cameo("042") == CameoCode("042", "Make a visit", 1.9, 1, "CONSULT", "visit", (), "")
    assert cameo("043") == CameoCode("043", "Host a visit", 2.8, 1, "CONSULT", "visit", (), "")
    # CAMEO 02 APPEAL: PLOVER drops it, so no type (the brief guessed AID/REQUEST)
    assert cameo("0231") == CameoCode("0231", "Appeal for economic aid", 3.4, 1, None, None, (),
                                      "PLOVER drops CAMEO 02 APPEAL")
    assert cameo("0233") == CameoCode("0233", "Appeal for humanitarian aid", 3.4, 1, None, None,
                                      (), "PLOVER drops CAMEO 02 APPEAL")
    assert cameo("08").plover_type is None and "CONCEDE" in cameo("08").note
    assert (cameo("081").plover_type, cameo("081").quad) == ("CONCEDE", 2)   # CAMEO quad by root
    assert (cameo("0841").plover_type, cameo("0841").plover_mode) == ("RETREAT", "release")
    assert (cameo("141").plover_type, cameo("141").quad) == ("PROTEST", 4)
    assert (cameo("1123").plover_mode, cameo("1123").context) == ("allege", ("military",))
    assert cameo("094").context == ("military", "legal")
    assert cameo("204").goldstein == -10.0 and cameo("057").goldstein == 8.0


def test_corrections_of_the_source_mapping_are_noted():
    c116 = cameo("116")
    assert (c116.plover_type, c116.plover_mode, c116.quad) == ("SANCTION", "convict", 3)
    assert c116.note.startswith("corrected: ")
    assert (cameo("195").plover_mode, cameo("1712").plover_type, cameo("1712").plover_mode) == \
        ("aerial", "ASSAULT", "destroy")
    assert (cameo("175").plover_mode, cameo("175").context) == \
        (None, ("pro_autocracy", "military"))
    assert cameo("073").context == ("human_security",) and "humanitarian" in cameo("073").note


def test_cameo_lookup_edges():
    assert cameo("999") is None and cameo("1214") is None   # 1214: no CAMEO name or score
    assert cameo(" 042 ").code == "042"
    with pytest.raises(TypeError):
        cameo(42)


# ----------------------------------------------------------------------------------------------
# cameo_for and type names

def test_cameo_for():
    assert cameo_for("CONSULT", "visit").code == "042"
    assert cameo_for("CONSULT", "visit").goldstein == 1.9
    assert cameo_for("CONSULT").code == "040"
    assert cameo_for("ASSAULT").code == "180"
    assert cameo_for("ASSAULT", "aerial").code == "195"
    assert cameo_for("ASSAULT", "Firearms").code == "193"
    assert cameo_for("COERCE", "arrest").code == "173"
    assert cameo_for("RETREAT", "withdraw").code == "0874"
    assert cameo_for("RETREAT", "resign").code == "084"      # no CAMEO code: the type's
    assert cameo_for("ACCUSE").code == "110"
    assert cameo_for("INVESTIGATE").code == "090"            # the old name's mode
    assert cameo_for("demand", "yield").code == "105"
    with pytest.raises(ValueError, match="CONSULT has no mode 'walk'"):
        cameo_for("CONSULT", "walk")
    with pytest.raises(ValueError, match="unknown PLOVER event type 'APPEAL'"):
        cameo_for("APPEAL")


def test_cameo_for_every_type_and_mode_is_a_code_of_that_type():
    for name, t in plover().types.items():
        assert cameo_for(name).plover_type == name
        for mode in t.modes:
            code = cameo_for(name, mode)
            assert code.plover_type == name, (name, mode, code)


def test_normalize_type():
    assert normalize_type("ASSAULT") == "ASSAULT"
    assert normalize_type(" consult ") == "CONSULT"
    assert normalize_type("DEMAND") == "REQUEST"
    assert normalize_type("DISAPPROVE") == "ACCUSE"
    assert normalize_type("FIGHT") == "ASSAULT"
    assert normalize_type("INVESTIGATE") == "ACCUSE"
    assert normalize_type("THREAT") == "THREATEN"
    assert type_family("YIELD") == ("CONCEDE", "RETREAT")
    assert type_family("demand") == ("REQUEST",)
    with pytest.raises(ValueError, match=r"'YIELD' is an old name of 2 PLOVER types "
                                         r"\(CONCEDE, RETREAT\)"):
        normalize_type("YIELD")
    with pytest.raises(ValueError, match="unknown PLOVER event type 'ATTACK'"):
        normalize_type("ATTACK")
    with pytest.raises(ValueError):
        normalize_type("")


# ----------------------------------------------------------------------------------------------
# validation of corrupted copies

@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    p, c = tmp_path / "plover.json", tmp_path / "cameo.tsv"
    p.write_text(shipped("plover.json"), "utf-8")
    c.write_text(shipped("cameo.tsv"), "utf-8")
    return p, c


def test_pristine_copies_load_like_the_shipped_files(copies):
    ont = load_ontology(*copies)
    assert ont.cameo == plover().cameo and ont.types == plover().types


def _edit_tsv_row(path: Path, code: str, column: int, value: str) -> int:
    lines = path.read_text("utf-8").split("\n")
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if fields[0] == code:
            fields[column] = value
            lines[i] = "\t".join(fields)
            path.write_text("\n".join(lines), "utf-8")
            return i + 1
    raise AssertionError(code)


@pytest.mark.parametrize("code,column,value,problem", [
    ("190", 2, "-12.0", "the Goldstein score must be between -10 and 10"),
    ("190", 2, "much", "the Goldstein score is not a number"),
    ("190", 3, "3", "the quad class differs from its root 19's (4)"),
    ("190", 4, "BOMB", "unknown PLOVER type 'BOMB'"),
    ("042", 5, "walk", "PLOVER type CONSULT has no mode 'walk'"),
    ("094", 6, "military;war", "unknown PLOVER context 'war'"),
    ("0231", 7, "", "a code without a PLOVER type has no mode and says why in its note"),
    ("0231", 0, "02x1", "the code must be 2 to 4 digits"),
    ("0231", 0, "231", "code 231 comes before (or without) its parent 23"),
    ("043", 0, "042", "code 042 listed twice"),
])
def test_a_bad_cameo_row_is_named(copies, code, column, value, problem):
    p, c = copies
    lineno = _edit_tsv_row(c, code, column, value)
    with pytest.raises(OntologyError) as err:
        load_ontology(p, c)
    assert str(err.value).startswith(f"{c}:{lineno}: {problem}: ")


def test_a_cameo_row_with_a_missing_field_is_named(copies):
    p, c = copies
    text = c.read_text("utf-8").replace("\n190\tUse conventional military force\t-10.0\t",
                                        "\n190\tUse conventional military force\t")
    c.write_text(text, "utf-8")
    with pytest.raises(OntologyError, match=r"cameo.tsv:\d+: expected 8 tab-separated fields, "
                                            r"found 7: '190\\t"):
        load_ontology(p, c)


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=1), "utf-8")


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["types"][12].update(quad=7),
     "types[12] SANCTION: 'quad' must be 1, 2, 3 or 4: 7"),
    (lambda d: d["types"].pop(3),
     "types[3]: expected type CONCEDE, found: 'COOPERATE'"),
    (lambda d: d["types"][1]["modes"].append(dict(d["types"][1]["modes"][0])),
     "types[1] CONSULT mode visit: listed twice"),
    (lambda d: d["types"][0].update(definition=""),
     "types[0] AGREE: 'definition' must be a non-empty string: ''"),
    (lambda d: d["types"][0].update(cameo="042"),
     "AGREE: CAMEO code 042 maps to CONSULT in"),
    (lambda d: d["types"][15]["modes"][0].update(cameo="9999"),
     "ASSAULT mode abduct: CAMEO code 9999 is not in"),
    (lambda d: d["old_names"][0].update(types=["DEMAND"]),
     "old_names[0] DEMAND: 'types' must be a non-empty list of PLOVER types: ['DEMAND']"),
    (lambda d: d["provenance"].update(format="plover-json/0"),
     "provenance: must be an object with format 'plover-json/1': 'plover-json/0'"),
])
def test_a_bad_plover_entry_is_named(copies, edit, message):
    p, c = copies
    _edit_json(p, edit)
    with pytest.raises(OntologyError) as err:
        load_ontology(p, c)
    assert str(err.value).startswith(f"{p}: ") and message in str(err.value)


def test_invalid_json_names_the_line(copies):
    p, c = copies
    p.write_text('{\n "provenance": \n}', "utf-8")
    with pytest.raises(OntologyError, match=r"plover.json: line 3: not valid JSON"):
        load_ontology(p, c)


# ----------------------------------------------------------------------------------------------
# against the sources (skipped where ../shared/data is absent)

def _converter():
    spec = importlib.util.spec_from_file_location("build_ontology",
                                                  ROOT / "scripts" / "build_ontology.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module      # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.mark.shared
@needs_shared(EVENTS / "plover_manual.tex")
def test_shipped_files_are_the_converters_output():
    conv = _converter()
    built = conv.build(EVENTS)
    assert conv.render_plover(built) == shipped("plover.json")
    assert conv.render_cameo(built) == shipped("cameo.tsv")


@pytest.mark.shared
@needs_shared(EVENTS / "plv_dev.tsv")
def test_type_quads_agree_with_plv_gold_quads():
    """PLV's gold_penta (1-4) for each gold_root: the majority is our quad; YIELD (CONCEDE +
    RETREAT) is material cooperation there, following CAMEO root 08."""
    with (EVENTS / "plv_dev.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    by_root: dict[str, Counter] = {}
    for r in rows:
        by_root.setdefault(r["gold_root"], Counter())[int(r["gold_penta"])] += 1
    majority = {root: c.most_common(1)[0][0] for root, c in by_root.items()}
    assert majority.pop("YIELD") == quad_of("RETREAT") == 2
    assert majority == {t: quad_of(t) for t in majority}
    assert len(majority) == 14
