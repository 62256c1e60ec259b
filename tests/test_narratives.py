"""Known narratives: parsing narrative lists, importing them into the store (once), matching
claims to them, and the `newsgraph narratives` commands.

Every narrative list here is written by hand inside the test; no real data is used.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
from typer.testing import CliRunner

from newsgraph import narratives as nv
from newsgraph.cli import app
from newsgraph.errors import NewsgraphError
from newsgraph.model import Analysis, Claim, Document, Span, Speaker
from newsgraph.store import Store

POSTS = (
    "date,id,title,countries,keywords,languages,outlets\n"
    "2020-03-02,https://cases.example/report/lab-virus/,The virus was made in a secret US laboratory,"
    "US+China,coronavirus+Biological weapons,Russian+English,Example TV+example.org\n"
    '2019-11-05,https://cases.example/report/storm/,"Storms, floods and droughts are caused by a '
    'weather weapon",,Conspiracy theory,English,\n'
    "2018-06-01,https://cases.example/report/elections/,The election results were rigged by "
    "foreign agents,Narnia,Elections,English,Example Radio\n"
)

# (line in the file, what is wrong with it)
BAD_POSTS = (
    "date,id,title,countries,keywords,languages,outlets\n"                        # 1
    "2020-03-02,case-1,A first message,,,,\n"                                     # 2 good
    "2020-03-03,case-2,,,,,\n"                                                    # 3 empty title
    "2020-03-04,,A message without an id,,,,\n"                                   # 4 empty id
    "2020-03-05,case-3,Too,few,fields\n"                                          # 5 5 fields
    "\n"                                                                          # 6 blank: ignored
    '2020-03-06,case-4,"A title over\ntwo lines",,,,\n'                           # 7-8 good
    "2020-03-07,case-1,The same id again,,,,\n"                                   # 9 repeated id
    "07/03/2020,case-5,A message with a foreign date,,,,\n"                       # 10 kept, no date
)


def encoder_of(vectors: dict[str, list[float]]):
    """A stand-in encoder: fixed vectors for known texts, counting what it is asked."""
    calls: list[str] = []

    def encode(texts):
        calls.extend(texts)
        return np.array([vectors[t] for t in texts], dtype=np.float32)

    encode.model_id = "test-encoder"
    encode.calls = calls
    return encode


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- parsing ------------------------------------------------------------------------------

def test_posts_csv_rows_become_narratives():
    parsed = nv.parse_narratives(POSTS, "posts.csv")
    assert parsed.format == "euvsdisinfo" and parsed.rows == 3 and parsed.problems == []
    first, second, third = parsed.narratives
    assert first.id == first.url == "https://cases.example/report/lab-virus/"
    assert first.title == "The virus was made in a secret US laboratory"
    assert first.date == "2020-03-02"
    assert first.countries == ("US", "China")
    assert first.keywords == ("coronavirus", "Biological weapons")
    assert first.outlets == ("Example TV", "example.org")
    assert second.title == "Storms, floods and droughts are caused by a weather weapon"
    assert second.countries == () and second.outlets == ()
    assert third.to_dict()["countries"] == ["Narnia"]


def test_a_plain_tsv_or_csv_with_id_and_title_is_enough():
    tsv = nv.parse_narratives("ID\tTitle\tnote\nN1\tThe moon landing was filmed in a studio\tx\n", "mine.tsv")
    assert tsv.format == "tsv"
    assert [(n.id, n.title, n.url, n.date) for n in tsv.narratives] == [
        ("N1", "The moon landing was filmed in a studio", None, None)]
    csv_text = ("title,url,id,keywords\n"
                "Windmills cause cancer,https://debunk.example/w,W-7,health; energy\n")
    own = nv.parse_narratives("\ufeff" + csv_text, "mine.csv")
    assert own.format == "csv"
    assert own.narratives[0].url == "https://debunk.example/w"
    assert own.narratives[0].keywords == ("health", "energy")


def test_bad_rows_are_reported_with_their_line_and_reason():
    parsed = nv.parse_narratives(BAD_POSTS, "bad.csv")
    assert [n.id for n in parsed.narratives] == ["case-1", "case-4", "case-5"]
    assert parsed.narratives[1].title == "A title over two lines"
    assert parsed.narratives[2].date is None
    assert [(p.line, p.skipped) for p in parsed.problems] == [
        (3, True), (4, True), (5, True), (9, True), (10, False)]
    reasons = [p.reason for p in parsed.problems]
    assert reasons[0] == "empty title (id case-2)"
    assert reasons[1] == "empty id"
    assert reasons[2].startswith("5 fields, the header has 7")
    assert reasons[3] == "id case-1 already on line 2; the first row is kept"
    assert "'07/03/2020' is not YYYY-MM-DD" in reasons[4]
    assert parsed.rows == 7      # data rows; the blank line is not one
    assert len(parsed.skipped) == 4


def test_file_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(NewsgraphError) as err:
        nv.read_narratives(tmp_path / "missing.csv")
    assert err.value.code == "not_found" and "missing.csv" in err.value.message
    with pytest.raises(NewsgraphError) as err:
        nv.read_narratives(write(tmp_path, "wrong.csv", "date,url,text\n2020-01-01,x,y\n"))
    assert err.value.code == "bad_record"
    assert "wrong.csv:1: the header has no id and no title column" in err.value.message
    assert "id and title" in err.value.hint
    with pytest.raises(NewsgraphError) as err:
        nv.read_narratives(write(tmp_path, "empty.csv", "\n\n"))
    assert err.value.code == "empty"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,title\n1,ok\n2,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(NewsgraphError) as err:
        nv.read_narratives(latin)
    assert err.value.code == "encoding" and "latin.csv:3" in err.value.message
    with pytest.raises(NewsgraphError) as err:
        nv.read_narratives(tmp_path)
    assert err.value.code == "unreadable"


# --- the index ----------------------------------------------------------------------------

def test_index_keeps_the_best_matches_above_the_threshold():
    index = nv.NarrativeIndex(["a", "b", "c"], np.array([[1, 0, 0], [0, 1, 0], [0.8, 0.6, 0]]))
    claims = np.array([[1, 0, 0], [0, 0, 1], [0.6, 0.8, 0]], dtype=np.float32)
    got = index.match(claims, threshold=0.5, top=2)
    assert [(m.narrative_id, m.similarity, m.rank) for m in got[0]] == [("a", 1.0, 1), ("c", 0.8, 2)]
    assert got[1] == []                        # orthogonal to every narrative
    assert [(m.narrative_id, m.similarity) for m in got[2]] == [("c", 0.96), ("b", 0.8)]
    assert [m.narrative_id for m in index.match(claims, threshold=0.9, top=3)[2]] == ["c"]
    assert nv.NarrativeIndex([], np.zeros((0, 3))).match(claims) == [[], [], []]


# --- the store ----------------------------------------------------------------------------

VECTORS = {
    "The virus was made in a secret US laboratory": [1, 0, 0],
    "Storms, floods and droughts are caused by a weather weapon": [0, 1, 0],
    "The election results were rigged by foreign agents": [0, 0, 1],
    "The election was stolen by foreign agents": [0, 0.1, 0.99],
}


def test_importing_the_same_file_twice_stores_and_embeds_once(tmp_path):
    posts = write(tmp_path, "posts.csv", POSTS)
    encode = encoder_of(VECTORS)
    with Store(tmp_path / "n.db") as store:
        first = nv.import_narratives(store, posts, encode=encode)
        assert (first.new, first.updated, first.unchanged, first.embedded) == (3, 0, 0, 3)
        revision = store.narratives_revision()
        second = nv.import_narratives(store, posts, encode=encode)
        assert (second.new, second.updated, second.unchanged, second.embedded) == (0, 0, 3, 0)
        assert store.narratives_revision() == revision
        assert len(encode.calls) == 3
        # a changed title is embedded again and updates the row; the others are left alone
        write(tmp_path, "posts.csv", POSTS.replace("were rigged by", "were stolen by")
              .replace("The election results were stolen", "The election was stolen"))
        third = nv.import_narratives(store, posts, encode=encode)
        assert (third.new, third.updated, third.unchanged, third.embedded) == (0, 1, 2, 1)
        assert store.narratives_revision() != revision
        stored = store.get_narratives(["https://cases.example/report/elections/"])
        assert stored["https://cases.example/report/elections/"]["title"] == \
            "The election was stolen by foreign agents"
        assert stored["https://cases.example/report/elections/"]["keywords"] == ["Elections"]
    con = sqlite3.connect(tmp_path / "n.db")
    assert con.execute("SELECT count(*) FROM narratives").fetchone()[0] == 3
    blob = con.execute("SELECT vector FROM narratives WHERE id LIKE '%elections%'").fetchone()[0]
    assert np.allclose(np.frombuffer(blob, dtype="<f4"), np.array([0, 0.1, 0.99]) / np.linalg.norm([0, 0.1, 0.99]))


def test_skipped_rows_of_an_import_are_kept_in_the_store(tmp_path):
    bad = write(tmp_path, "bad.csv", BAD_POSTS)
    vectors = {"A first message": [1, 0], "A title over two lines": [0, 1],
               "A message with a foreign date": [1, 1]}
    with Store(tmp_path / "n.db") as store:
        report = nv.import_narratives(store, bad, encode=encoder_of(vectors))
        assert report.imported == 3 and report.to_dict()["skipped"] == 4
        run = store.runs()[-1]
        assert run["command"] == "narratives import" and run["skipped"] == 4
    con = sqlite3.connect(tmp_path / "n.db")
    origins = [r[0] for r in con.execute("SELECT origin FROM skipped ORDER BY rowid")]
    assert origins == [f"{bad}:3", f"{bad}:4", f"{bad}:5", f"{bad}:9"]


def claim_analysis(doc_id: str, sentences: list[tuple[str, str | None]]) -> dict:
    """A stored-analysis dict whose claims are the given sentences ((text, speaker name))."""
    text = " ".join(s for s, _ in sentences)
    doc = Document.create(text, id=doc_id, source="Example Wire", published="2024-01-02")
    claims, at = [], 0
    for k, (sentence, speaker) in enumerate(sentences):
        start = text.index(sentence, at)
        at = start + len(sentence)
        who = Speaker("person", speaker, None) if speaker else Speaker("author", "Example Wire", None)
        claims.append(Claim(f"c{k}", Span.of(text, start, at), who, "said" if speaker else None,
                            "fact", 0.5))
    return Analysis(document=doc, claims=tuple(claims)).to_dict()


def test_matching_the_store_links_claims_and_resumes(tmp_path):
    posts = write(tmp_path, "posts.csv", POSTS)
    vectors = dict(VECTORS)
    vectors.update({"Foreign agents rigged the results of the election.": [0, 0.2, 0.98],
                    "The harvest was good this year in the south.": [0.1, 0.1, -1],
                    "Nobody knows.": [1, 0, 0]})
    encode = encoder_of(vectors)
    with Store(tmp_path / "n.db") as store:
        store.add_analyses([claim_analysis("d1", [
            ("Foreign agents rigged the results of the election.", "Jane Roe"),
            ("The harvest was good this year in the south.", None),
            ("Nobody knows.", None)])])
        with pytest.raises(NewsgraphError) as err:
            nv.match_store(store, encode=encode)
        assert err.value.code == "not_stored" and "narratives import" in err.value.hint
        nv.import_narratives(store, posts, encode=encode)
        report = nv.match_store(store, encode=encode, threshold=0.6)
        assert (report.documents, report.claims, report.short, report.linked_claims, report.links) == \
            (1, 2, 1, 1, 1)    # "Nobody knows." is under MIN_WORDS words and is not compared
        links = store.narrative_links()
        assert len(links) == 1
        assert links[0]["claim"]["text"] == "Foreign agents rigged the results of the election."
        assert links[0]["claim"]["speaker"] == {"kind": "person", "name": "Jane Roe"}
        assert links[0]["narrative"]["url"] == "https://cases.example/report/elections/"
        assert links[0]["similarity"] == pytest.approx(0.98, abs=0.001) and links[0]["rank"] == 1
        # nothing new: a second run matches nothing again
        calls = len(encode.calls)
        again = nv.match_store(store, encode=encode, threshold=0.6)
        assert (again.documents, again.up_to_date) == (0, 1) and len(encode.calls) == calls
        # a new document is matched alone; other settings match everything again
        store.add_analyses([claim_analysis("d2", [("The harvest was good this year in the south.", None)])])
        assert nv.match_store(store, encode=encode, threshold=0.6).documents == 1
        strict = nv.match_store(store, encode=encode, threshold=0.99)
        assert strict.documents == 2 and strict.links == 0
        assert store.narrative_links() == []
        assert store.narrative_summary()["matched_documents"] == 2


def test_narratives_embedded_by_another_encoder_are_refused(tmp_path):
    posts = write(tmp_path, "posts.csv", POSTS)
    with Store(tmp_path / "n.db") as store:
        nv.import_narratives(store, posts, encode=encoder_of(VECTORS))
        with pytest.raises(NewsgraphError) as err:
            nv.load_index(store, model="another-encoder")
        assert err.value.code == "store_version" and "import the narrative file again" in err.value.hint


# --- with the real encoder -------------------------------------------------------------------

REAL_POSTS = (
    "date,id,title,countries,keywords,languages,outlets\n"
    "2018-04-01,https://cases.example/report/salisbury/,The Salisbury poisoning was staged by "
    "the British secret services,UK+Russia,Sergei Skripal,English,Example TV\n"
    "2019-02-01,https://cases.example/report/biolabs/,The Pentagon runs secret biological weapons "
    "laboratories in Georgia,US+Georgia,Biological weapons,English,Example Radio\n"
    "2017-05-01,https://cases.example/report/baltics/,The Baltic states are not real countries "
    "and have no sovereignty,Lithuania+Latvia+Estonia,Sovereignty,English,Example Radio\n"
)


@pytest.mark.model
def test_a_paraphrase_is_linked_and_an_unrelated_claim_is_not(tmp_path):
    posts = write(tmp_path, "posts.csv", REAL_POSTS)
    with Store(tmp_path / "n.db") as store:
        nv.import_narratives(store, posts)
        index = nv.load_index(store)
    paraphrase = "British intelligence staged the poisoning of the Skripals in Salisbury"
    unrelated = "The city council approved a new budget for road repairs next spring"
    linked, not_linked = index.match_texts([paraphrase, unrelated])
    assert [m.narrative_id for m in linked] == ["https://cases.example/report/salisbury/"]
    assert linked[0].similarity >= nv.DEFAULT_THRESHOLD
    assert not_linked == []


@pytest.mark.model
def test_cli_round_trip_on_a_temporary_store(tmp_path):
    runner = CliRunner()
    db = tmp_path / "news.db"
    with Store(db) as store:    # what `newsgraph ingest` stores, built by hand
        store.add_analyses([claim_analysis("salisbury", [
            ("The Russian ambassador spoke to reporters on Monday.", None),
            ("the British secret services had staged the Salisbury poisoning", "Ivan Petrov"),
            ("The city council approved a new budget for road repairs.", None)])])
    posts = write(tmp_path, "posts.csv", REAL_POSTS + "2020-01-01,,No id here,,,,\n")
    result = runner.invoke(app, ["narratives", "import", str(posts), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.stderr
    assert "3 narratives imported" in result.stdout and "1 rows skipped" in result.stdout
    assert f"skipped {posts}:5: empty id" in result.stderr
    again = runner.invoke(app, ["narratives", "import", str(posts), "--db", str(db), "--no-progress",
                                "--format", "json"])
    assert json.loads(again.stdout)["unchanged"] == 3 and json.loads(again.stdout)["embedded"] == 0
    result = runner.invoke(app, ["narratives", "match", "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.stderr
    assert "matched 1 documents" in result.stdout
    result = runner.invoke(app, ["narratives", "list", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    links = [json.loads(line) for line in result.stdout.splitlines()]
    assert [link["narrative"]["id"] for link in links] == ["https://cases.example/report/salisbury/"]
    assert links[0]["claim"]["text"] == "the British secret services had staged the Salisbury poisoning"
    assert links[0]["document"]["id"] == "salisbury" and links[0]["similarity"] >= nv.DEFAULT_THRESHOLD
    assert links[0]["claim"]["speaker"]["name"] == "Ivan Petrov"
    table = runner.invoke(app, ["narratives", "list", "--db", str(db)])
    assert "Ivan Petrov" in table.stdout and "cases.example/report/salisbury" in table.stdout
    missing = runner.invoke(app, ["narratives", "import", str(tmp_path / "nope.csv"), "--db", str(db)])
    assert missing.exit_code == 2 and "no narrative file" in missing.stderr
