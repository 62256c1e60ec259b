"""The CLI end to end on hand-made inputs and the bundled samples."""

import json

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from newsgraph.cli import app

pytestmark = pytest.mark.model

ARTICLE = """Title: Lavrov and Taliban envoys meet
Source: Test Wire
Published: 2019-09-04

MOSCOW - Russian Foreign Minister Sergei Lavrov met a Taliban delegation in Moscow on Wednesday.
Lavrov said the talks were useful. Later he specified that Russia supplies no weapons to the Taliban.

Subscribe to our newsletter for the latest news.
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "lavrov.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_analyze_json_is_one_valid_object(runner, article, valid, nlp):
    result = runner.invoke(app, ["analyze", str(article), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    obj = valid(json.loads(result.stdout))
    assert obj["document"]["title"] == "Lavrov and Taliban envoys meet"
    assert obj["document"]["published"] == "2019-09-04"
    assert "Subscribe" not in obj["document"]["text"]
    assert any("newsletter" in b["text"].lower() for b in obj["boilerplate"])
    lavrov = [a for a in obj["actors"] if "Lavrov" in a["name"]]
    assert lavrov and lavrov[0]["code"] == "RUSGOV"
    assert len(lavrov[0]["mentions"]) >= 3  # full name, surname, and "he"


def test_analyze_text_report_shows_actors_and_boilerplate(runner, article, nlp):
    result = runner.invoke(app, ["analyze", str(article)])
    assert result.exit_code == 0, result.stderr
    assert "RUSGOV" in result.stdout
    assert "Boilerplate removed" in result.stdout
    assert "Lavrov and Taliban envoys meet" in result.stdout


def test_analyze_jsonl_keeps_ids_and_reports_bad_lines(runner, tmp_path, valid, nlp):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a-1", "text": "Pakistan and China signed a trade agreement in Beijing on Monday.",
                    "published": "2019-09-02", "url": "https://www.dawn-news.example/a1"}),
        "{not json",
        json.dumps({"id": "a-3", "text": "NATO condemned the missile test by North Korea, officials said."}),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path), "--format", "jsonl"])
    assert result.exit_code == 0
    objs = [valid(json.loads(line)) for line in result.stdout.splitlines()]
    assert [o["document"]["id"] for o in objs] == ["a-1", "a-3"]
    assert objs[0]["document"]["source"] == "dawn-news.example"
    skipped = [json.loads(line)["skipped"] for line in result.stderr.splitlines()]
    assert [(s["origin"], s["code"]) for s in skipped] == [(f"{path}:2", "bad_json")]


def test_analyze_reads_stdin(runner, valid, nlp):
    result = runner.invoke(app, ["analyze", "-", "--format", "json", "--outlet", "stdin.example",
                                 "--date", "2019-09-01"],
                           input="Iran accused the United States of economic terrorism on Sunday.")
    assert result.exit_code == 0, result.stderr
    obj = valid(json.loads(result.stdout))
    assert obj["document"]["source"] == "stdin.example"
    assert obj["document"]["origin"] == "<stdin>"


def test_bad_date_option_is_a_clear_error(runner, article):
    result = runner.invoke(app, ["analyze", str(article), "--date", "yesterday", "--format", "json"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "bad_date"


def test_ingest_twice_show_and_summary(runner, tmp_path, valid, nlp):
    db = tmp_path / "s.db"
    corpus = [str(SAMPLES / kind) for kind in ("text", "html", "jsonl")]
    first = runner.invoke(app, ["ingest", *corpus, "--db", str(db), "--format", "json", "--no-progress"])
    assert first.exit_code == 0, first.stderr
    run = json.loads(first.stdout)
    stored = run["run"]["stored"]
    assert stored >= 30 and run["run"]["skipped"] == 0
    assert run["summary"]["documents"] == stored
    assert run["summary"]["actors"] > 20 and run["summary"]["top_actors"]
    second = json.loads(runner.invoke(app, ["ingest", *corpus, "--db", str(db), "--format", "json",
                                            "--no-progress"]).stdout)
    assert second["run"]["stored"] == 0 and second["run"]["duplicates"] == stored
    assert second["summary"]["documents"] == stored

    text = runner.invoke(app, ["summary", "--db", str(db)])
    assert text.exit_code == 0 and "Top actors" in text.stdout

    hit = json.loads(runner.invoke(app, ["search", "Taliban", "--db", str(db), "-f", "jsonl"])
                     .stdout.splitlines()[0])
    shown = runner.invoke(app, ["show", hit["id"], "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0
    obj = valid(json.loads(shown.stdout))
    assert obj["document"]["id"] == hit["id"]

    missing = runner.invoke(app, ["show", "no-such-doc", "--db", str(db), "--format", "json"])
    assert missing.exit_code == 2
    assert json.loads(missing.stderr)["error"]["code"] == "not_stored"


def test_ingest_reports_bad_files_and_stores_the_rest(runner, tmp_path, nlp):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Turkey shelled Kurdish positions near the Syrian border, the ministry said.",
                                  encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (src / "french.txt").write_text(
        "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, malgré les grèves qui "
        "paralysent les transports depuis plusieurs semaines dans tout le pays.", encoding="utf-8")
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--format", "json", "--no-progress"])
    assert result.exit_code == 0, result.stderr
    run = json.loads(result.stdout)["run"]
    assert run["stored"] == 1
    codes = {s["origin"].rsplit("/", 1)[-1]: s["code"] for s in run["skipped_inputs"]}
    assert codes == {"empty.txt": "empty", "blob.txt": "binary", "french.txt": "language"}
    assert all(s["reason"] for s in run["skipped_inputs"])


def test_outlet_registry_option_rates_the_outlet(runner, article, tmp_path, valid, nlp, monkeypatch):
    from newsgraph import reliability
    monkeypatch.setattr(reliability, "_DEFAULT", None)   # restored afterwards, whatever the option set
    result = runner.invoke(app, ["analyze", str(article), "--format", "json"])
    assert json.loads(result.stdout)["source_reliability"]["rating"] == "unknown"   # never guessed
    registry = tmp_path / "mine.tsv"
    registry.write_text("Test Wire\tTest Wire\thigh\treliable\tmy-desk\tchecked by the desk\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article), "--format", "json", "--outlet-registry", str(registry)])
    assert result.exit_code == 0, result.stderr
    rel = valid(json.loads(result.stdout))["source_reliability"]
    assert (rel["rating"], rel["labels"], rel["provenance"]) == (
        "high", ["reliable"], [{"source": "my-desk", "evidence": "checked by the desk"}])
    registry.write_text("Test Wire\tTest Wire\tsplendid\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article), "--format", "json", "--outlet-registry", str(registry)])
    assert result.exit_code != 0 and "mine.tsv:1" in result.stdout + result.stderr


def test_signals_are_off_unless_asked_for(runner, tmp_path, valid, nlp, monkeypatch):
    from newsgraph import pipeline
    monkeypatch.setitem(pipeline.OPTIONAL, "signals", False)
    path = tmp_path / "rant.txt"
    path.write_text("Source: Test Blog\n\nThe corrupt, treasonous traitors in Washington are destroying our "
                    "great nation! These shameless liars will stop at nothing. Wake up, patriots!\n",
                    encoding="utf-8")
    off = valid(json.loads(runner.invoke(app, ["analyze", str(path), "--format", "json"]).stdout))
    assert off["signals"] == [] and off["extractors"]["signals"] == "off"
    result = runner.invoke(app, ["analyze", str(path), "--format", "json", "--signals"])
    assert result.exit_code == 0, result.stderr
    on = valid(json.loads(result.stdout))
    assert on["extractors"]["signals"].startswith("propaganda/") and on["signals"]
    text = on["document"]["text"]
    assert all(text[s["start"]:s["end"]] == s["text"] and 0 <= s["score"] <= 1 for s in on["signals"])
