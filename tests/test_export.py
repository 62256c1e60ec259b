"""Exports: each format is written from a small hand-built store and read back with the
format's own reader (json, csv, pyarrow and duckdb, networkx, followthemoney)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from newsgraph import __version__
from newsgraph.errors import NewsgraphError
from newsgraph.export import (GDELT_EVENT_COLUMNS, GDELT_MENTION_COLUMNS, CSV_CLAIM_COLUMNS,
                              CSV_EVENT_COLUMNS, EventCounter, export, global_event_id,
                              manifest_path)
from newsgraph.model import (Actor, Analysis, Claim, Document, Event, Place, Signal, Span,
                             Speaker)
from newsgraph.schema import validate_analysis
from newsgraph.store import Store

RUS = ("actor:RUSGOV", "Russian government", "RUSGOV", "RUS", "GOV", "country")
UKR = ("actor:UKRGOV", "Ukrainian government", "UKRGOV", "UKR", "GOV", "country")
UN = ("actor:IGOUNO", "United Nations", "IGOUNO", None, "IGO", "igo")
LAVROV = ("actor:lavrov", "Sergey Lavrov", "RUSGOV", "RUS", "GOV", "person")

TEXT_A = ("Moscow accused Kyiv of shelling Donetsk on Tuesday.\n"
          "Kyiv said the claim was false. The shelling killed five people.")
TEXT_B = "The UN sent food aid to Kyiv in June.\nLavrov met officials in Geneva."
TEXT_C = "Old news: Moscow and Kyiv held talks."


def at(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, start, start + len(needle))


def actor(spec, text: str, *surfaces: str) -> Actor:
    return Actor(*spec, mentions=tuple(at(text, s) for s in surfaces))


def analysis_a() -> dict:
    doc = Document.create(TEXT_A, id="a", source="Daily Example", url="https://daily.example/a",
                          title="Shelling", published="2024-05-01", language="en")
    donetsk = {"name": "Donetsk", "country": "UKR", "lat": 48.023, "lon": 37.8022}
    return Analysis(
        document=doc,
        actors=(actor(RUS, TEXT_A, "Moscow"), actor(UKR, TEXT_A, "Kyiv")),
        places=(Place("place:gn:ukr:donetsk", "Donetsk", "UKR", 48.023, 37.8022, "city", False,
                      (at(TEXT_A, "Donetsk"),)),),
        events=(Event("e1", "ACCUSE", "allege", "112", -2.0, 3, ("actor:RUSGOV",),
                      ("actor:UKRGOV",), "asserted", None, "2024-04-30", donetsk,
                      at(TEXT_A, "Moscow accused Kyiv of shelling Donetsk"), 0.9),
                Event("e2", "ASSAULT", None, "190", -10.0, 4, ("actor:UKRGOV",), (), "alleged",
                      "c1", None, None, at(TEXT_A, "The shelling killed five people"), 0.6)),
        claims=(Claim("c1", at(TEXT_A, "the claim was false"),
                      Speaker("organization", "Ukrainian government", "actor:UKRGOV"), "said",
                      "fact", 0.8),),
        signals=(Signal("Loaded_Language", at(TEXT_A, "killed"), 0.7),),
        extractors={"actors": "1.2", "events": "3.0"},
    ).to_dict()


def analysis_b() -> dict:
    doc = Document.create(TEXT_B, id="b", source="Other Times", published="2024-06-15",
                          language="en")
    return Analysis(
        document=doc,
        actors=(actor(UN, TEXT_B, "The UN"), actor(UKR, TEXT_B, "Kyiv"),
                actor(LAVROV, TEXT_B, "Lavrov")),
        events=(Event("e1", "AID", "economic", "070", 7.0, 2, ("actor:IGOUNO",), ("actor:UKRGOV",),
                      "asserted", None, "2024-06", None, at(TEXT_B, "The UN sent food aid to Kyiv"),
                      0.8),
                Event("e2", "CONSULT", "meet", "043", 2.8, 1, ("actor:lavrov",), (), "asserted",
                      None, None, {"name": "Geneva", "country": "CHE", "lat": 46.2, "lon": 6.14},
                      at(TEXT_B, "Lavrov met officials in Geneva"), 0.7)),
        extractors={"actors": "1.2", "events": "3.1"},
    ).to_dict()


def analysis_c() -> dict:
    doc = Document.create(TEXT_C, id="c", source="Daily Example", published="2023-12-31")
    return Analysis(
        document=doc, actors=(actor(RUS, TEXT_C, "Moscow"), actor(UKR, TEXT_C, "Kyiv")),
        events=(Event("e1", "CONSULT", None, "040", 1.0, 1, ("actor:RUSGOV", "actor:UKRGOV"), (),
                      "historical", None, "2023", None, at(TEXT_C, "Moscow and Kyiv held talks"),
                      0.5),),
        extractors={"actors": "1.2", "events": "3.1"},
    ).to_dict()


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "store.db"
    objs = [analysis_a(), analysis_b(), analysis_c()]
    for obj in objs:
        validate_analysis(obj)
    with Store(path) as store:
        assert store.add_analyses(objs) == 3
    return path


def run(db: Path, fmt: str, out: Path, **kw) -> dict:
    with Store(db, readonly=True) as store:
        manifest = export(store, fmt, out, **kw)
    on_disk = json.loads(manifest_path(fmt, out).read_text())
    assert on_disk == manifest
    assert manifest["newsgraph_version"] == __version__
    assert manifest["format"] == fmt
    assert manifest["ontology"]["plover"] == "plover-json/1"
    assert manifest["exported_at"].endswith("Z")
    return manifest


def test_jsonl_is_the_stored_contract(db, tmp_path):
    out = tmp_path / "all.jsonl"
    manifest = run(db, "jsonl", out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [o["document"]["id"] for o in lines] == ["a", "b", "c"]
    with Store(db, readonly=True) as store:
        assert lines[0] == store.get_analysis("a")
    for obj in lines:
        validate_analysis(obj)
    assert manifest["counts"] == {"documents": 3, "events": 5}
    assert manifest["model_versions"] == {"actors": ["1.2"], "events": ["3.0", "3.1"]}


def test_date_range_selects_documents_by_publication_date(db, tmp_path):
    out = tmp_path / "2024.jsonl"
    manifest = run(db, "jsonl", out, since="2024-01-01", until="2024-05-31")
    assert [json.loads(x)["document"]["id"] for x in out.read_text().splitlines()] == ["a"]
    assert manifest["date_range"] == {"since": "2024-01-01", "until": "2024-05-31"}
    with Store(db, readonly=True) as store, pytest.raises(NewsgraphError):
        export(store, "jsonl", tmp_path / "x.jsonl", since="2024-13-01")
    with Store(db, readonly=True) as store, pytest.raises(NewsgraphError):
        export(store, "nope", tmp_path / "x.jsonl")


def test_csv_events_and_claims(db, tmp_path):
    manifest = run(db, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "events.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == CSV_EVENT_COLUMNS
        events = list(reader)
    with (tmp_path / "csv" / "claims.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == CSV_CLAIM_COLUMNS
        claims = list(reader)
    con = sqlite3.connect(db)
    assert len(events) == con.execute("SELECT count(*) FROM events").fetchone()[0] == 5
    assert len(claims) == con.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
    e = events[0]
    assert (e["document_id"], e["event_id"], e["type"], e["mode"], e["cameo"], e["goldstein"],
            e["quad"], e["status"], e["date"]) == ("a", "e1", "ACCUSE", "allege", "112", "-2.0",
                                                   "3", "asserted", "2024-04-30")
    assert (e["actor_names"], e["recipient_codes"], e["place_name"], e["lat"]) == (
        "Russian government", "UKRGOV", "Donetsk", "48.023")
    assert e["evidence_text"] == TEXT_A[int(e["evidence_start"]):int(e["evidence_end"])]
    assert events[2]["effective_date"] == "2024-06-15"   # partial "2024-06": the report's day
    assert claims[0]["speaker_actor"] == "actor:UKRGOV" and claims[0]["text"] == "the claim was false"
    assert manifest["counts"] == {"documents": 3, "events": 5, "claims": 1}


def test_gdelt_has_the_61_columns_in_order_and_mentions_with_offsets(db, tmp_path):
    manifest = run(db, "gdelt", tmp_path / "gdelt")
    assert len(GDELT_EVENT_COLUMNS) == 61
    assert GDELT_EVENT_COLUMNS[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
                                       "FractionDate")
    assert GDELT_EVENT_COLUMNS[25:35] == (
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
    assert GDELT_EVENT_COLUMNS[-3:] == ("ActionGeo_FeatureID", "DATEADDED", "SOURCEURL")
    with (tmp_path / "gdelt" / "events.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert tuple(rows[0]) == GDELT_EVENT_COLUMNS
    assert all(len(r) == 61 for r in rows)
    events = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(events) == 5
    e = events[0]
    assert (e["SQLDATE"], e["MonthYear"], e["Year"], e["FractionDate"]) == (
        "20240430", "202404", "2024", "2024.3279")
    assert (e["Actor1Code"], e["Actor1Name"], e["Actor1CountryCode"], e["Actor1Type1Code"],
            e["Actor2Code"]) == ("RUSGOV", "RUSSIAN GOVERNMENT", "RUS", "GOV", "UKRGOV")
    assert (e["EventCode"], e["EventBaseCode"], e["EventRootCode"], e["QuadClass"],
            e["GoldsteinScale"], e["IsRootEvent"]) == ("112", "112", "11", "3", "-2.0", "1")
    assert (e["NumMentions"], e["NumSources"], e["NumArticles"], e["AvgTone"]) == ("1", "1", "1", "")
    assert (e["ActionGeo_Type"], e["ActionGeo_FullName"], e["ActionGeo_CountryCode"],
            e["ActionGeo_Lat"], e["ActionGeo_Long"]) == ("4", "Donetsk", "UKR", "48.0230", "37.8022")
    assert e["SOURCEURL"] == "https://daily.example/a" and len(e["DATEADDED"]) == 14
    assert events[1]["IsRootEvent"] == "0"          # second line of the article
    assert events[1]["Actor2Code"] == "" and events[1]["ActionGeo_Type"] == "0"
    assert events[2]["Actor1KnownGroupCode"] == "IGOUNO"

    with (tmp_path / "gdelt" / "mentions.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert tuple(rows[0]) == GDELT_MENTION_COLUMNS and len(GDELT_MENTION_COLUMNS) == 16
    mentions = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(mentions) == 5
    m = mentions[0]
    assert m["GLOBALEVENTID"] == e["GLOBALEVENTID"]
    assert (m["EventTimeDate"], m["MentionTimeDate"], m["MentionType"], m["MentionSourceName"],
            m["SentenceID"]) == ("20240430000000", "20240501000000", "1", "Daily Example", "1")
    assert TEXT_A[int(m["Actor1CharOffset"]):].startswith("Moscow")
    assert TEXT_A[int(m["Actor2CharOffset"]):].startswith("Kyiv")
    assert TEXT_A[int(m["ActionCharOffset"]):].startswith("Moscow accused")
    assert (m["Confidence"], m["MentionDocLen"]) == ("90", str(len(TEXT_A)))
    assert mentions[1]["SentenceID"] == "3" and mentions[1]["Actor2CharOffset"] == "-1"
    assert manifest["counts"] == {"documents": 3, "events": 5, "mentions": 5}
    assert manifest["notes"]["counts_from"].startswith("stored events")


def test_gdelt_counts_corpus_events_when_the_store_has_them(db, tmp_path):
    # the corpus tables as newsgraph.corpus writes them; only the columns the export reads
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE IF NOT EXISTS corpus_events (id TEXT PRIMARY KEY, n_reports INTEGER, "
        "n_outlets INTEGER, n_documents INTEGER);"
        "CREATE TABLE IF NOT EXISTS corpus_event_reports (corpus_event_id TEXT, doc_hash TEXT, "
        "event_id TEXT, published TEXT);")
    cols = {r[1] for r in con.execute("PRAGMA table_info(corpus_events)")}
    hashes = dict(con.execute("SELECT id, hash FROM documents"))
    # one corpus event reported twice: a/e1 (first) and c/e1; extra NOT NULL columns of the
    # real table get filler values
    extra = [c for c in ("type", "status") if c in cols]
    con.execute(f"INSERT INTO corpus_events (id, n_reports, n_outlets, n_documents"
                f"{''.join(', ' + c for c in extra)}) VALUES ('ce1', 2, 1, 2"
                f"{', ?' * len(extra)})", ["ACCUSE", "asserted"][:len(extra)])
    rcols = {r[1] for r in con.execute("PRAGMA table_info(corpus_event_reports)")}
    fill = {"status": "asserted", "evidence_start": 0, "evidence_end": 1, "evidence_text": "x"}
    fill = {k: v for k, v in fill.items() if k in rcols}
    con.execute("PRAGMA foreign_keys = OFF")
    for doc, published in (("a", "2024-05-01"), ("c", "2023-12-31")):
        names = ["corpus_event_id", "doc_hash", "event_id", "published", *fill]
        con.execute(f"INSERT INTO corpus_event_reports ({', '.join(names)}) VALUES "
                    f"({', '.join('?' * len(names))})",
                    ["ce1", hashes[doc], "e1", published, *fill.values()])
    con.commit()
    con.close()
    manifest = run(db, "gdelt", tmp_path / "gdelt")
    assert manifest["notes"]["counts_from"] == "corpus_events"
    with (tmp_path / "gdelt" / "events.tsv").open(encoding="utf-8", newline="") as f:
        events = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    with (tmp_path / "gdelt" / "mentions.tsv").open(encoding="utf-8", newline="") as f:
        mentions = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    gid = str(global_event_id("corpus:ce1"))
    rows = [e for e in events if e["GLOBALEVENTID"] == gid]
    # one row for the corpus event, written by its first report (c, published 2023-12-31)
    assert len(rows) == 1 and rows[0]["EventCode"] == "040"
    assert (rows[0]["NumMentions"], rows[0]["NumSources"], rows[0]["NumArticles"]) == ("2", "1", "2")
    assert len(events) == 4
    assert sum(m["GLOBALEVENTID"] == gid for m in mentions) == 2 and len(mentions) == 5


def test_event_counter_without_corpus_tables_counts_each_stored_event_once(db):
    con = sqlite3.connect(db)
    counter = EventCounter(con)
    if counter.corpus:   # the corpus tables exist but are empty in a fresh store
        pytest.fail("an empty corpus must not be used")
    c = counter.count("h", "e1")
    assert (c.root, c.mentions, c.sources, c.articles) == (True, 1, 1, 1)


def test_parquet_tables_partitioned_by_date(db, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.dataset as pads
    out = tmp_path / "pq"
    manifest = run(db, "parquet", out)
    assert {p.name for p in out.iterdir()} == {"documents", "actors", "events", "reports",
                                                "claims", "signals", "manifest.json"}
    assert (out / "documents" / "year=2024" / "month=5").is_dir()
    part = pads.partitioning(pa.schema([("year", pa.int16()), ("month", pa.int8())]), flavor="hive")
    docs = pads.dataset(out / "documents", format="parquet", partitioning=part).to_table()
    assert sorted(docs.column("id").to_pylist()) == ["a", "b", "c"]
    events = pads.dataset(out / "events", format="parquet", partitioning=part).to_table().to_pylist()
    assert len(events) == 5
    e = next(r for r in events if r["type"] == "ACCUSE")
    assert (e["cameo"], e["goldstein"], e["quad"], e["actors"], e["recipients"], e["year"],
            e["month"]) == ("112", -2.0, 3, ["actor:RUSGOV"], ["actor:UKRGOV"], 2024, 4)
    old = next(r for r in events if r["date"] == "2023")
    assert (old["year"], old["month"]) == (2023, 12)   # "2023", published 2023-12-31
    import pyarrow.parquet as pq
    actors = pq.read_table(out / "actors" / "actors.parquet")
    assert sorted(actors.column("id").to_pylist()) == sorted(
        ["actor:RUSGOV", "actor:UKRGOV", "actor:IGOUNO", "actor:lavrov"])
    assert b"newsgraph" in actors.schema.metadata
    assert manifest["counts"] == {"documents": 3, "events": 5, "reports": 5, "claims": 1,
                                  "signals": 1, "actors": 4}

    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    n, = con.execute(f"SELECT count(*) FROM read_parquet('{out}/events/**/*.parquet', "
                     "hive_partitioning = true) WHERE year = 2024").fetchone()
    assert n == 4
    rows = con.execute(
        f"SELECT d.id, count(*) FROM read_parquet('{out}/reports/**/*.parquet', "
        f"hive_partitioning = true) AS r JOIN read_parquet('{out}/documents/**/*.parquet', "
        "hive_partitioning = true) AS d ON d.hash = r.doc_hash GROUP BY d.id ORDER BY d.id").fetchall()
    assert rows == [("a", 2), ("b", 2), ("c", 1)]
    claims = con.execute(f"SELECT speaker_name, year, month FROM read_parquet("
                         f"'{out}/claims/**/*.parquet', hive_partitioning = true)").fetchall()
    assert claims == [("Ukrainian government", 2024, 5)]


def test_parquet_refuses_a_folder_with_files(db, tmp_path):
    (tmp_path / "pq").mkdir()
    (tmp_path / "pq" / "old.parquet").write_text("x")
    with Store(db, readonly=True) as store, pytest.raises(NewsgraphError):
        export(store, "parquet", tmp_path / "pq")


def test_plover_records(db, tmp_path):
    out = tmp_path / "events.plover.jsonl"
    manifest = run(db, "plover", out)
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(recs) == 5 and manifest["counts"]["events"] == 5
    r = recs[0]
    assert {"id", "date", "actor", "recipient", "event", "mode", "context", "quad_code",
            "event_text", "event_loc", "cite_info", "coder", "coded_date"} <= set(r)
    assert r["date"] == "2024-04-30" and r["event"] == ["ACCUSE"] and r["mode"] == ["allege"]
    assert r["actor"][0]["code"] == "RUS" and r["actor"][0]["sector"] == "GOV"
    assert r["actor"][0]["entity_text"] == "Moscow"
    assert r["recipient"][0]["code"] == "UKR"
    assert r["event_loc"]["country_code"] == "UKR" and r["event_loc"]["lat"] == 48.023
    assert r["quad_code"] == 3 and r["cameo"] == "112" and r["goldstein"] == -2.0
    assert len({x["id"] for x in recs}) == 5
    assert recs[4]["date"] == "2023-12-31" and recs[4]["date_as_reported"] == "2023"


def edge(g, a: str, r: str) -> dict:
    data = g.get_edge_data(a, r)
    return next(iter(data.values())) if g.is_multigraph() else data


def test_network_gexf_and_graphml_read_back_with_networkx(db, tmp_path):
    import networkx as nx
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        out = tmp_path / f"net.{fmt}"
        manifest = run(db, fmt, out)
        g = read(out)
        assert g.is_directed()   # the readers give a MultiDiGraph only when edges repeat
        # events with a recipient: a/e1 RUS->UKR, b/e1 UN->UKR
        assert g.number_of_edges() == 2 == manifest["counts"]["events"]
        assert set(g.nodes) == {"actor:RUSGOV", "actor:UKRGOV", "actor:IGOUNO", "actor:lavrov"}
        data = edge(g, "actor:RUSGOV", "actor:UKRGOV")
        assert (data["event_type"], data["cameo"], int(data["quad"]), float(data["goldstein"]),
                float(data["weight"]), data["polarity"], data["date"]) == (
            "ACCUSE", "112", 3, -2.0, 2.0, "conflict", "2024-04-30")
        aid = edge(g, "actor:IGOUNO", "actor:UKRGOV")
        assert aid["polarity"] == "cooperation" and aid["date"] == "2024-06-15"
        assert int(g.nodes["actor:UKRGOV"]["events"]) == 4
        assert g.nodes["actor:RUSGOV"]["code"] == "RUSGOV"
    g = nx.read_graphml(tmp_path / "net.graphml")
    assert json.loads(g.graph["provenance"])["newsgraph_version"] == __version__
    import xml.etree.ElementTree as ET
    meta = ET.parse(tmp_path / "net.gexf").getroot().find("{http://www.gexf.net/1.2draft}meta")
    description = meta.find("{http://www.gexf.net/1.2draft}description").text
    assert json.loads(description)["model_versions"]["events"] == ["3.0", "3.1"]


def test_network_date_range_and_timeline(db):
    from newsgraph.network import actor_network, actor_timeline, collapse
    with Store(db, readonly=True) as store:
        g = actor_network(store, since="2024-06-01", until="2024-06-30")
        assert [(a, r) for a, r, _ in g.edges(data=True)] == [("actor:IGOUNO", "actor:UKRGOV")]
        whole = collapse(actor_network(store))
        assert whole["actor:RUSGOV"]["actor:UKRGOV"]["conflict"] == 1
        line = actor_timeline(store, "actor:UKRGOV")
        assert [(x["date"], x["type"], x["role"]) for x in line] == [
            ("2023-12-31", "CONSULT", "actor"), ("2024-04-30", "ACCUSE", "recipient"),
            ("2024-05-01", "ASSAULT", "actor"), ("2024-06-15", "AID", "recipient")]
        assert actor_timeline(store, "actor:UKRGOV", since="2024-05-01", until="2024-05-31")[0][
            "evidence"] == "The shelling killed five people"


def test_a_neighbourhood_network_has_the_same_edges_as_the_whole_networks(db):
    import networkx as nx

    from newsgraph.network import actor_network, collapse, neighbourhood_ids, pair_network
    with Store(db, readonly=True) as store:
        whole = collapse(actor_network(store))
        for actor in whole.nodes:
            for depth in (1, 2):
                near = neighbourhood_ids(store, actor, depth)
                assert near == set(nx.ego_graph(whole, actor, radius=depth, undirected=True).nodes)
                drawn = collapse(actor_network(store, around=actor, depth=depth))
                expected = whole.subgraph(near)
                assert set(drawn.edges) == set(expected.edges)
                assert all(drawn[a][b]["events"] == expected[a][b]["events"] for a, b in drawn.edges)
                pairs = pair_network(store, around=actor, depth=depth)
                assert set(pairs.edges) == set(expected.edges)
        # the pairs grouped in SQL are the collapsed event network, attribute for attribute
        pairs = pair_network(store)
        assert set(pairs.edges) == set(whole.edges)
        for a, b in whole.edges:
            for key in ("events", "cooperation", "conflict", "first", "last"):
                assert pairs[a][b][key] == whole[a][b][key], (a, b, key)
            assert abs(pairs[a][b]["goldstein"] - whole[a][b]["goldstein"]) < 1e-9
        assert {n: d["events"] for n, d in pairs.nodes(data=True)} == {
            n: d["events"] for n, d in whole.nodes(data=True) if n in pairs}


def test_ftm_entities_validate_with_followthemoney(db, tmp_path):
    ftm = pytest.importorskip("followthemoney")
    from followthemoney import model
    out = tmp_path / "entities.ftm.json"
    manifest = run(db, "ftm", out)
    entities = [json.loads(x) for x in out.read_text().splitlines()]
    ids = set()
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract
        schema.validate(data)                        # raises InvalidData
        proxy = model.get_proxy(data, cleaned=False)  # cleans every value
        assert proxy.to_dict()["properties"] == data["properties"], data["schema"]
        assert data["id"] not in ids
        ids.add(data["id"])
    by_schema: dict[str, list] = {}
    for data in entities:
        by_schema.setdefault(data["schema"], []).append(data)
    assert len(by_schema["Article"]) == 3
    assert len(by_schema["Event"]) == 5
    assert len(by_schema["PublicBody"]) == 3 and len(by_schema["Person"]) == 1
    assert len(by_schema["Mention"]) == 7       # one per actor per document
    accuse = next(e for e in by_schema["Event"] if "ACCUSE" in e["properties"]["name"][0])
    rus = next(e for e in by_schema["PublicBody"] if e["properties"]["name"] == ["Russian government"])
    assert accuse["properties"]["organizer"] == [rus["id"]]
    assert accuse["properties"]["date"] == ["2024-04-30"]
    assert accuse["properties"]["country"] == ["ua"]
    assert rus["properties"]["country"] == ["ru"]
    assert manifest["counts"]["Event"] == 5 and manifest["counts"]["documents"] == 3


def test_cli_export(db, tmp_path):
    from typer.testing import CliRunner
    from newsgraph.cli import app
    out = tmp_path / "cli.csv.d"
    result = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "csv", "--out",
                                      str(out), "--since", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert (out / "events.csv").exists() and (out / "manifest.json").exists()
    assert json.loads((out / "manifest.json").read_text())["counts"]["events"] == 4
    bad = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "csv", "--out",
                                   str(out), "--since", "yesterday"])
    assert bad.exit_code == 2
