"""The outlet reliability registry: loading, matching, user files and the shipped table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newsgraph.errors import NewsgraphError
from newsgraph.model import Document
from newsgraph.reliability import (
    OutletRegistry, host_chain, normalize_key, parse_registry, shipped_registry_path,
    source_reliability,
)

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT.parent / "shared" / "data" / "claims"

SAMPLE = """\
# a test registry
key\tname\trating\tlabels\tsource\tevidence
rt.com\tRT\tlow\tstate,fake\topensources,euvsdisinfo\tOpenSources 2017 tags: state | EUvsDisinfo: 9 cases
sub.example.org\tExample Sub\thigh\treliable\ttest\tchecked by hand
newyorker.com/humor\tThe New Yorker humor\tsatire\tsatire\topensources\tOpenSources 2017 tags: satire
Sputnik Poland\tSputnik Poland\tlow\teuvsdisinfo-case\teuvsdisinfo\tEUvsDisinfo: 324 cases
"""


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "sample.tsv"
    path.write_text(SAMPLE, encoding="utf-8")
    return OutletRegistry([path], shipped=False)


def test_loading(registry):
    assert len(registry) == 4
    entry = registry.get("RT.com")
    assert entry.rating == "low" and entry.labels == ("state", "fake")
    assert entry.provenance == (("opensources", "OpenSources 2017 tags: state"),
                                ("euvsdisinfo", "EUvsDisinfo: 9 cases"))


def test_url_host_matching(registry):
    for url in ("https://www.rt.com/news/1", "http://RT.COM", "https://de.rt.com/x",
                "https://a.b.rt.com/x?y=1", "rt.com/news"):
        result = registry.lookup(None, url)
        assert result["key"] == "rt.com" and result["rating"] == "low", url
    assert result["provenance"][0] == {"source": "opensources",
                                       "evidence": "OpenSources 2017 tags: state"}
    assert registry.lookup(None, "https://x.sub.example.org/")["key"] == "sub.example.org"
    assert registry.lookup(None, "https://example.org/")["key"] is None  # parent not listed
    assert registry.lookup(None, "https://notrt.com/")["key"] is None
    assert host_chain("a.b.rt.com") == ["a.b.rt.com", "b.rt.com", "rt.com"]


def test_path_keys_only_match_their_path(registry):
    assert registry.lookup(None, "https://www.newyorker.com/humor/daily-shouts/x")["rating"] == "satire"
    assert registry.lookup(None, "https://www.newyorker.com/humor")["rating"] == "satire"
    assert registry.lookup(None, "https://www.newyorker.com/news/x")["rating"] == "unknown"
    assert registry.lookup(None, "https://www.newyorker.com/humorous")["rating"] == "unknown"
    assert registry.lookup("newyorker.com", None)["rating"] == "unknown"


def test_name_matching(registry):
    result = registry.lookup("  sputnik   POLAND ", None)
    assert result["key"] == "sputnik poland" and result["rating"] == "low"
    assert result["outlet"] == "sputnik   POLAND"
    assert registry.lookup("www.RT.com", None)["key"] == "rt.com"  # a name that is a domain
    assert registry.lookup("https://de.rt.com/", None)["key"] == "rt.com"
    assert registry.lookup("rt", None)["key"] is None  # never guessed from a name


def test_url_before_name(registry):
    result = registry.lookup("Sputnik Poland", "https://www.rt.com/x")
    assert result["key"] == "rt.com"
    assert registry.lookup("Sputnik Poland", "https://unknown.example/")["key"] == "sputnik poland"


def test_unknown_outlets(registry):
    result = registry.lookup("The Daily Nothing", "https://dailynothing.example/a")
    assert result == {"outlet": "The Daily Nothing", "key": None, "rating": "unknown",
                      "labels": [], "provenance": []}
    assert registry.lookup(None, "https://dailynothing.example/a")["outlet"] == "dailynothing.example"
    assert registry.lookup(None, "not a url")["rating"] == "unknown"
    assert registry.lookup(None, None)["rating"] == "unknown"


def test_user_file_overrides(tmp_path, registry):
    user = tmp_path / "mine.tsv"
    user.write_text("rt.com\tRT\tmixed\tstate\n"
                    "mysite.example\tMy Site\thigh\n", encoding="utf-8")
    merged = OutletRegistry([tmp_path / "sample.tsv", user], shipped=False)
    result = merged.lookup(None, "https://www.rt.com/")
    assert result["rating"] == "mixed" and result["labels"] == ["state"]
    assert result["provenance"] == [{"source": "user registry mine.tsv", "evidence": ""}]
    assert merged.lookup("My Site", "https://mysite.example/x")["rating"] == "high"
    assert merged.lookup("sputnik poland", None)["rating"] == "low"  # earlier keys stay


def test_user_file_overrides_shipped(tmp_path):
    shipped = OutletRegistry()
    assert shipped.lookup(None, "https://www.infowars.com/x")["rating"] == "low"
    user = tmp_path / "mine.tsv"
    user.write_text("infowars.com\tInfowars\tsatire\tsatire\tme\tmy own review\n", encoding="utf-8")
    result = OutletRegistry([user]).lookup(None, "https://www.infowars.com/x")
    assert result["rating"] == "satire"
    assert result["provenance"] == [{"source": "me", "evidence": "my own review"}]


@pytest.mark.parametrize("line, why", [
    ("rt.com\tRT", "fields"),
    ("rt.com\tRT\tterrible", "rating"),
    ("\tRT\tlow", "empty key"),
    ("rt.com\tRT\tlow\tstate\ta,b\tonly one", "evidence"),
    ("a\tb\tlow\tx\ty\tz\textra", "fields"),
    ("rt.com\tRT\tlow\tbad;label", "label"),
])
def test_malformed_user_file(tmp_path, line, why):
    path = tmp_path / "bad.tsv"
    path.write_text("# comment\n\nok.example\tOK\thigh\n" + line + "\n", encoding="utf-8")
    with pytest.raises(NewsgraphError) as caught:
        OutletRegistry([path], shipped=False)
    assert caught.value.code == "bad_registry"
    assert f"{path}:4:" in caught.value.message and why in caught.value.message
    assert caught.value.to_dict()["error"]["hint"]


def test_duplicate_key_in_one_file():
    with pytest.raises(NewsgraphError, match=r"x\.tsv:2: key 'rt.com' already on line 1"):
        parse_registry("rt.com\tRT\tlow\nwww.rt.com\tRT\thigh\n", "x.tsv")


def test_missing_user_file(tmp_path):
    with pytest.raises(NewsgraphError) as caught:
        OutletRegistry([tmp_path / "nope.tsv"], shipped=False)
    assert caught.value.code == "not_found"


def test_normalize_key():
    assert normalize_key("WWW.Example.COM") == "example.com"
    assert normalize_key("https://www.cato.org/blog/") == "cato.org/blog"
    assert normalize_key("  Sputnik   Poland ") == "sputnik poland"
    assert normalize_key("82.221.129.208") == "82.221.129.208"


def test_source_reliability(registry):
    doc = Document.create("text", source="RT", url="https://www.rt.com/news/1")
    assert source_reliability(doc, registry)["key"] == "rt.com"
    assert source_reliability(Document.create("text"), registry) is None
    unknown = source_reliability(Document.create("text", source="Nobody Weekly"), registry)
    assert unknown["rating"] == "unknown" and unknown["key"] is None
    shipped = source_reliability(Document.create("text", url="https://www.theonion.com/a"))
    assert shipped["rating"] == "satire" and shipped["provenance"][0]["source"] == "opensources"


def test_shipped_file_parses_with_provenance_header():
    path = shipped_registry_path()
    assert path is not None and path.stat().st_size < 2_000_000
    registry = OutletRegistry()
    assert len(registry) > 500
    header = "\n".join(registry.header)
    assert "OpenSources" in header and "LGPL" in header and "sha256" in header
    ratings = {entry.rating for entry in registry.entries.values()}
    assert ratings <= {"high", "mixed", "low", "satire", "unknown"}
    for entry in registry.entries.values():
        assert entry.provenance and all(source and evidence for source, evidence in entry.provenance)


def _builder():
    spec = importlib.util.spec_from_file_location("build_outlet_registry",
                                                  ROOT / "scripts" / "build_outlet_registry.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


def test_builder_rules_on_snippets(tmp_path):
    builder = _builder()
    claims = tmp_path / "claims"
    (claims / "opensources").mkdir(parents=True)
    (claims / "euvsdisinfo").mkdir()
    (claims / "opensources" / "sources.csv").write_text(
        ",type,2nd type,3rd type,Source Notes (things to know?),\n"
        "Fake.example,fake news,satire,,,\n"
        "www.good.example,Political,reliable,,,\n"
        "news.example/humor/,satirical,,,,\n"
        "Spaced. example,unrealiable,clickbait,,,\n", encoding="utf-8")
    (claims / "euvsdisinfo" / "posts.csv").write_text(
        "date,id,title,countries,keywords,languages,outlets\n"
        "2020-01-02,u1,t,,,,Outlet A+bad.example+Show more\n"
        "2020-03-04,u2,t,,,,outlet a+https://www.bad.example/x\n"
        "2019-05-06,u3,t,,,,OUTLET A+bit.ly+Rossia 24 - YouTube\n", encoding="utf-8")
    out = tmp_path / "outlets.tsv"
    eu = tmp_path / "eu.tsv"
    assert builder.main(["--claims", str(claims), "--out", str(out),
                         "--euvsdisinfo-registry", str(eu)]) == 0
    shipped = {e.key: e for e in parse_registry(out.read_text(encoding="utf-8"))}
    assert shipped["fake.example"].rating == "low"
    assert shipped["fake.example"].labels == ("fake", "satire")
    assert shipped["good.example"].rating == "high"
    assert shipped["news.example/humor"].rating == "satire"
    assert shipped["spaced.example"].rating == "mixed"
    assert shipped["spaced.example"].labels == ("clickbait", "unreliable")
    users = {e.key: e for e in parse_registry(eu.read_text(encoding="utf-8"))}
    assert set(users) == {"outlet a", "bad.example", "rossia 24 - youtube"}
    assert users["outlet a"].rating == "low"
    assert users["outlet a"].provenance == (("euvsdisinfo", "EUvsDisinfo: 3 cases, 2019-05-06..2020-03-04"),)
    assert users["bad.example"].rating == "unknown"
    assert users["bad.example"].provenance[0][1] == "EUvsDisinfo: 2 cases, 2020-01-02..2020-03-04"
    assert users["rossia 24 - youtube"].provenance[0][1] == "EUvsDisinfo: 1 case, 2019-05-06"
    first = out.read_bytes()
    builder.main(["--claims", str(claims), "--out", str(out)])
    assert out.read_bytes() == first


def test_builder_skips_without_data(tmp_path, capsys):
    assert _builder().main(["--claims", str(tmp_path / "none"), "--out",
                            str(tmp_path / "o.tsv")]) == 0
    assert capsys.readouterr().out.startswith("skipped:")
    assert not (tmp_path / "o.tsv").exists()


@pytest.mark.shared
@pytest.mark.skipif(not (CLAIMS / "opensources" / "sources.csv").is_file(),
                    reason="../shared/data/claims is absent")
def test_rebuild_is_byte_identical(tmp_path):
    shipped = shipped_registry_path()
    out = tmp_path / "outlets.tsv"
    assert _builder().main(["--claims", str(CLAIMS), "--out", str(out)]) == 0
    rebuilt = out if out.exists() else out.with_name("outlets.tsv.gz")
    assert rebuilt.name == shipped.name
    assert rebuilt.read_bytes() == shipped.read_bytes()
