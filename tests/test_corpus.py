"""Corpus events, claim corroboration and query, on hand-written short articles.

Most tests store hand-made analysis objects (the contract, as `analyze` would give them), so the
merge rules are tested without the language model; one test ingests the sample articles.
"""

from __future__ import annotations

import json

import pytest

from newsgraph import corpus
from newsgraph.corpus import Matcher, Report, date_interval, numbers
from newsgraph.model import SCHEMA_ID
from newsgraph.query import query
from newsgraph.store import Store

from conftest import SAMPLES, fake_encode

ACTORS = {
    "org:taliban": ("Taliban", "AFGINS", "AFG", "INS", "group"),
    "country:RUS": ("Russia", "RUS", "RUS", None, "country"),
    "cameo:RUSGOV": ("Russian government", "RUSGOV", "RUS", "GOV", "organization"),
    "cameo:AFGCOP": ("Afghan police", "AFGCOP", "AFG", "COP", "organization"),
    "cameo:USAGOV": ("US government", "USAGOV", "USA", "GOV", "organization"),
}
PLACES = {
    "Ghazni": ("AFG", "city"), "Kandahar": ("AFG", "city"), "Afghanistan": ("AFG", "country"),
    "Moscow": ("RUS", "city"),
}


def article(doc_id, outlet, published, text, events=(), claims=()):
    """A contract object for a short article: events and claims given as dicts of their fields;
    evidence and claim spans are found in the text."""
    actors, places = {}, {}
    evs = []
    for i, e in enumerate(events):
        start = text.index(e["evidence"])
        for a in (*e.get("actor", ()), *e.get("recipient", ())):
            name, code, country, sector, kind = ACTORS[a]
            actors[a] = {"id": a, "name": name, "code": code, "country": country, "sector": sector,
                         "kind": kind, "role": None, "mentions": []}
        place = None
        if e.get("place"):
            country, kind = PLACES[e["place"]]
            place = {"name": e["place"], "country": country, "lat": None, "lon": None}
            places[e["place"]] = {"id": "p:" + e["place"], "name": e["place"], "country": country,
                                  "lat": None, "lon": None, "kind": kind, "ambiguous": False,
                                  "candidates": 1, "mentions": []}
        evs.append({"id": f"e{i}", "type": e["type"], "mode": None, "cameo": None, "goldstein": None,
                    "quad": e.get("quad", 4), "actor": list(e.get("actor", ())),
                    "recipient": list(e.get("recipient", ())), "status": e.get("status", "asserted"),
                    "source_claim": None, "date": e.get("date"), "place": place,
                    "evidence": {"start": start, "end": start + len(e["evidence"]), "text": e["evidence"]},
                    "confidence": 0.9})
    cls = []
    for i, c in enumerate(claims):
        start = text.index(c["text"])
        for a, name in c.get("mentions", ()):
            at = text.index(name, start)
            actor = actors.setdefault(a, {"id": a, "name": ACTORS[a][0], "code": ACTORS[a][1],
                                          "country": ACTORS[a][2], "sector": ACTORS[a][3],
                                          "kind": ACTORS[a][4], "role": None, "mentions": []})
            actor["mentions"].append({"start": at, "end": at + len(name), "text": name})
        cls.append({"id": f"c{i}", "start": start, "end": start + len(c["text"]), "text": c["text"],
                    "speaker": {"kind": "author", "name": None, "actor": None}, "cue": None,
                    "kind": "fact", "checkworthiness": 0.5})
    return {"schema": SCHEMA_ID,
            "document": {"id": doc_id, "hash": None, "source": outlet, "url": None, "title": doc_id,
                         "published": published, "language": "en", "origin": None, "text": text},
            "boilerplate": [], "actors": list(actors.values()), "places": list(places.values()),
            "events": evs, "claims": cls, "signals": [], "source_reliability": None, "extractors": {}}


def store_of(tmp_path, *analyses, **build_options):
    store = Store(tmp_path / "c.db")
    store.add_analyses(list(analyses))
    report = corpus.build(store, encode=fake_encode, **build_options)
    return store, report


def events_of(store):
    return query(store, "events", limit=1000)


GHAZNI = "Taliban fighters attacked the police headquarters in Ghazni on Monday, killing 12 people."


def attack(doc_id, outlet, published, *, date, place="Ghazni", status="asserted", evidence=GHAZNI,
           actor=("org:taliban",), recipient=("cameo:AFGCOP",)):
    return article(doc_id, outlet, published, "Report. " + evidence + " More text follows here.",
                   events=[{"type": "ASSAULT", "actor": actor, "recipient": recipient, "date": date,
                            "place": place, "status": status, "evidence": evidence}])


# --- merging -----------------------------------------------------------------------------------

def test_three_outlets_reporting_one_attack_make_one_corpus_event(tmp_path):
    store, report = store_of(
        tmp_path,
        attack("a1", "Meridian Wire", "2019-09-02", date="2019-09-02"),
        attack("a2", "Kabul Daily", "2019-09-03", date="2019-09-02",
               evidence="The Taliban stormed police headquarters in Ghazni, and 15 people were killed."),
        attack("a3", "Orbita", "2019-09-03", date="2019-09-02", place="Afghanistan"))
    [ev] = events_of(store)
    assert ev["n_reports"] == 3 and ev["outlets"] == ["Meridian Wire", "Kabul Daily", "Orbita"]
    assert ev["first_reported"] == "2019-09-02" and ev["place"] == "Ghazni"
    merges = [r["merge"] for r in ev["reports"] if r["merge"]]
    assert len(merges) == 2 and all(m["score"] >= corpus.DEFAULT_THRESHOLD for m in merges)
    assert merges[0]["reasons"]["date"] == "same day 2019-09-02"
    assert "Ghazni is in Afghanistan" in merges[1]["reasons"]["place"]
    [number] = [d for d in ev["disagreements"] if d["field"] == "number"]
    assert number["values"] == {"12": ["Meridian Wire", "Orbita"], "15": ["Kabul Daily"]}
    assert report.multi_outlet_events == 1


def test_a_dated_report_published_weeks_later_still_joins_its_event(tmp_path):
    # candidates are looked up by the event's date, not by when the report was published
    store, _ = store_of(
        tmp_path,
        attack("l1", "Meridian Wire", "2019-09-02", date="2019-09-02"),
        attack("l2", "Kabul Daily", "2019-09-03", date="2019-09-02"),
        attack("l3", "Orbita", "2019-10-20", date="2019-09-02",
               evidence="The Taliban attack on the Ghazni police headquarters on 2 September killed 12."))
    [ev] = events_of(store)
    assert ev["n_reports"] == 3


def test_copies_of_one_report_are_compared_once_and_all_kept(tmp_path):
    copies = [attack(f"w{k}", f"Site {k}", "2019-09-03", date="2019-09-02") for k in range(12)]
    store, report = store_of(tmp_path, attack("w", "Meridian Wire", "2019-09-02", date="2019-09-02"), *copies)
    [ev] = events_of(store)
    assert ev["n_reports"] == 13 and len(ev["outlets"]) == 13


def test_same_actors_a_week_apart_in_another_city_are_two_events(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("b1", "Meridian Wire", "2019-09-02", date="2019-09-02", place="Ghazni"),
        attack("b2", "Kabul Daily", "2019-09-09", date="2019-09-09", place="Kandahar",
               evidence="Taliban fighters attacked the police headquarters in Kandahar on Monday."))
    assert sorted(e["place"] for e in events_of(store)) == ["Ghazni", "Kandahar"]


def test_another_city_on_the_same_day_and_a_week_apart_in_the_same_city_do_not_merge(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("x1", "A", "2019-09-02", date="2019-09-02", place="Ghazni"),
        attack("x2", "B", "2019-09-02", date="2019-09-02", place="Kandahar",
               evidence="Taliban fighters attacked the police headquarters in Kandahar on Monday."),
        attack("x3", "C", "2019-09-10", date="2019-09-09", place="Ghazni",
               evidence="Taliban fighters attacked a police post in Ghazni on Monday."))
    assert len(events_of(store)) == 3


def test_a_month_only_date_is_compatible_with_a_day_in_it(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("m1", "Meridian Wire", "2019-09-20", date="2019-09-14"),
        attack("m2", "Kabul Daily", "2019-10-01", date="2019-09",
               evidence="In September the Taliban attacked the police headquarters in Ghazni."))
    [ev] = events_of(store)
    assert ev["date"] == ["2019-09-14", "2019-09-14"]
    assert ev["reports"][1]["merge"]["reasons"]["date"] == "2019-09 / 2019-09-14 overlap"
    assert date_interval("2019-09") == (date_interval("2019-09-01")[0], date_interval("2019-09-30")[1])
    assert date_interval("--09-04", "2019-09-05") == date_interval("2019-09-04")


def meeting(doc_id, outlet, published, *, actor, recipient, evidence, type="CONSULT"):
    return article(doc_id, outlet, published, "Report. " + evidence + " More text follows here.",
                   events=[{"type": type, "quad": 1, "actor": actor, "recipient": recipient,
                            "date": "2019-09-04", "place": "Moscow", "evidence": evidence}])


def test_a_meeting_reported_with_actor_and_recipient_swapped_is_one_event(tmp_path):
    store, _ = store_of(
        tmp_path,
        meeting("m1", "Meridian Wire", "2019-09-04", actor=("org:taliban",), recipient=("cameo:RUSGOV",),
                evidence="The Taliban delegation met Russian officials in Moscow."),
        meeting("m2", "Orbita", "2019-09-04", actor=("cameo:RUSGOV",), recipient=("org:taliban",),
                evidence="Russian officials received the Taliban delegation in Moscow."))
    [ev] = events_of(store)
    assert ev["n_reports"] == 2
    [merge] = [r["merge"] for r in ev["reports"] if r["merge"]]
    assert "roles swapped" in merge["reasons"]["actors"]


def test_an_attack_reported_with_actor_and_recipient_swapped_is_not_one_event(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("s1", "A", "2019-09-02", date="2019-09-02", actor=("org:taliban",), recipient=("cameo:AFGCOP",)),
        attack("s2", "B", "2019-09-02", date="2019-09-02", actor=("cameo:AFGCOP",), recipient=("org:taliban",),
               evidence="Afghan police attacked Taliban positions in Ghazni on Monday."))
    assert len(events_of(store)) == 2


def test_incompatible_actors_or_quad_never_merge(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("i1", "A", "2019-09-02", date="2019-09-02"),
        attack("i2", "B", "2019-09-02", date="2019-09-02", actor=("cameo:USAGOV",),
               evidence="US forces attacked the police headquarters in Ghazni on Monday."))
    assert len(events_of(store)) == 2


def test_a_country_and_its_government_are_compatible_actors():
    m = Matcher({a: v[1:] for a, v in ACTORS.items()})
    assert m.actor_compat("country:RUS", "cameo:RUSGOV")[0] == 0.75
    assert m.actor_compat("cameo:RUSGOV", "cameo:AFGCOP")[0] == 0.0
    assert m.actor_key("cameo:RUSGOV") == m.actor_key("country:RUS") == "RUS"


def test_asserted_against_alleged_is_a_status_disagreement(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("s1", "Meridian Wire", "2019-09-02", date="2019-09-02"),
        attack("s2", "Orbita", "2019-09-03", date="2019-09-02", status="alleged",
               evidence="Kabul claims the Taliban attacked the police headquarters in Ghazni."),
        attack("s3", "Kabul Daily", "2019-09-03", date="2019-09-01",
               evidence="On Sunday the Taliban attacked the police headquarters in Ghazni."))
    [ev] = events_of(store)
    kinds = {d["field"]: d for d in ev["disagreements"]}
    assert kinds["status"]["kind"] == "asserted vs alleged"
    assert kinds["status"]["values"] == {"asserted": ["Meridian Wire", "Kabul Daily"], "alleged": ["Orbita"]}
    assert kinds["date"]["values"] == {"2019-09-02": ["Meridian Wire", "Orbita"], "2019-09-01": ["Kabul Daily"]}


def test_threshold_controls_merging(tmp_path):
    a = attack("t1", "A", "2019-09-02", date="2019-09-02", place=None)
    b = attack("t2", "B", "2019-09-02", date=None, place=None, recipient=(),
               evidence="The Taliban attacked the police headquarters in Ghazni.")
    store, _ = store_of(tmp_path, a, b, threshold=0.95)
    assert len(events_of(store)) == 2
    corpus.build(store, encode=fake_encode, threshold=0.5)
    assert len(events_of(store)) == 1


def test_numbers():
    assert numbers("killing at least 12 people") == {"people": 12}
    assert numbers("Eight police officers and four civilians were killed") == {"civilians": 4}


# --- corroboration -------------------------------------------------------------------------------

CLAIM = "Russia is supplying weapons to the Taliban in northern Afghanistan"
MENTIONS = [("country:RUS", "Russia"), ("org:taliban", "Taliban")]


def claim_doc(doc_id, outlet, published, claim, body="", mentions=MENTIONS):
    return article(doc_id, outlet, published, f"{body}{claim}, officials said.",
                   claims=[{"text": claim, "mentions": mentions}])


def statuses(store):
    return {(c["document"], c["claim_id"]): c["corroboration"] for c in query(store, "claims", limit=100)}


def test_an_independent_outlet_corroborates_a_claim(tmp_path):
    store, report = store_of(tmp_path, claim_doc("k1", "Meridian Wire", "2019-08-27", CLAIM),
                             claim_doc("k2", "Kabul Daily", "2019-08-28",
                                       "Russia is supplying weapons to the Taliban in Afghanistan"))
    assert statuses(store) == {("k1", "c0"): "corroborated", ("k2", "c0"): "corroborated"}
    [c] = query(store, "claims", outlet="Meridian Wire")
    assert c["independent"] == 1 and c["supporting"][0]["outlet"] == "Kabul Daily"
    assert report.claims["embedded"] == 2


def test_documents_of_unknown_outlets_do_not_corroborate(tmp_path):
    # two documents without an outlet may come from one outlet: neither confirms the other,
    # and a known outlet is not confirmed by a document of unknown origin
    store, _ = store_of(tmp_path, claim_doc("u1", None, "2019-08-27", CLAIM),
                        claim_doc("u2", None, "2019-08-28",
                                  "Russia is supplying weapons to the Taliban in Afghanistan"),
                        claim_doc("u3", "Kabul Daily", "2019-08-29",
                                  "Russia is supplying weapons to the Taliban in northern Afghanistan"))
    assert statuses(store) == {("u1", "c0"): "unverified", ("u2", "c0"): "unverified",
                               ("u3", "c0"): "unverified"}


def test_a_copied_article_is_not_independent(tmp_path):
    body = ("The wire story was picked up word for word by a second site that republishes agency copy "
            "without changes, as it often does with stories about the war in Afghanistan. ")
    store, report = store_of(tmp_path, claim_doc("p1", "Meridian Wire", "2019-08-27", CLAIM, body),
                             claim_doc("p2", "Copycat News", "2019-08-27", CLAIM, body))
    assert set(statuses(store).values()) == {"unverified"}
    [c] = query(store, "claims", outlet="Copycat News")
    assert c["supporting"][0]["copy"] is True
    assert report.copies == 2


def test_a_denial_contests_a_claim(tmp_path):
    store, _ = store_of(tmp_path, claim_doc("n1", "Meridian Wire", "2019-08-27", CLAIM),
                        claim_doc("n2", "Orbita", "2019-08-28",
                                  "Russia is not supplying weapons to the Taliban in northern Afghanistan"))
    assert set(statuses(store).values()) == {"contested"}
    [c] = query(store, "claims", status="contested", outlet="Meridian Wire")
    assert c["contradicting"][0]["why"] == "one denies what the other states"


def test_claims_without_shared_actors_are_not_embedded(tmp_path):
    calls = []

    def counting(texts):
        calls.append(list(texts))
        return fake_encode(texts)

    store = Store(tmp_path / "e.db")
    store.add_analyses([claim_doc("q1", "A", "2019-08-27", CLAIM),
                        claim_doc("q2", "B", "2019-08-27", "The police arrested three people in Moscow today",
                                  mentions=[])])
    report = corpus.build(store, encode=counting)
    assert calls == [] and report.claims["candidate_pairs"] == 0


# --- query ----------------------------------------------------------------------------------------

def test_query_filters(tmp_path):
    store, _ = store_of(
        tmp_path,
        attack("f1", "Meridian Wire", "2019-09-02", date="2019-09-02"),
        attack("f2", "Kabul Daily", "2019-09-03", date="2019-09-02"),
        attack("f3", "Orbita", "2019-09-10", date="2019-09-09", place="Kandahar",
               evidence="Taliban fighters attacked the police headquarters in Kandahar on Monday."))
    ids = lambda **kw: sorted(e["place"] for e in query(store, "events", **kw))  # noqa: E731
    assert ids() == ["Ghazni", "Kandahar"]
    assert ids(min_reports=2) == ["Ghazni"]
    assert ids(outlet="orbita") == ["Kandahar"]
    assert ids(actor="Taliban") == ids(actor="AFGINS") == ["Ghazni", "Kandahar"]
    assert ids(recipient="cameo:AFGCOP") == ["Ghazni", "Kandahar"]
    assert ids(actor="cameo:USAGOV") == [] and ids(actor="nobody") == []
    assert ids(type="assault", since="2019-09-05") == ["Kandahar"]
    assert ids(until="2019-09-05") == ["Ghazni"]
    assert ids(place="kandahar") == ["Kandahar"] and ids(place="AFG") == ["Ghazni", "Kandahar"]
    assert ids(status="alleged") == []
    assert ids(text="Kandahar") == ["Kandahar"]
    assert ids(text='unbalanced "quote') == []
    docs = query(store, "documents", outlet="Kabul Daily")
    assert [d["id"] for d in docs] == ["f2"] and docs[0]["events"] == 1
    assert [d["id"] for d in query(store, "documents", since="2019-09-05")] == ["f3"]
    assert json.dumps(query(store, "events"))   # JSON-able
    # refine: more conditions on the result columns, and the unpaged statement for counting
    from newsgraph.query import Refine
    refine = Refine(["q.n_reports >= ?"], [2])
    assert [e["place"] for e in query(store, "events", limit=1, refine=refine)] == ["Ghazni"]
    sql, params = refine.statement
    assert store.select(f"SELECT count(*) FROM ({sql})", params)[0][0] == 1
    unknown = Refine()
    assert query(store, "events", actor="nobody", refine=unknown) == [] and unknown.statement is None


def test_cli_corpus_build_and_query(tmp_path):
    from typer.testing import CliRunner

    from newsgraph.cli import app

    store, _ = store_of(tmp_path, attack("g1", "Meridian Wire", "2019-09-02", date="2019-09-02"),
                        attack("g2", "Kabul Daily", "2019-09-03", date="2019-09-02"))
    store.close()
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    result = runner.invoke(app, ["corpus", "build", "--db", db, "--no-claims", "--window-days", "2"])
    assert result.exit_code == 0, result.output
    assert "2 event reports -> 1 corpus events" in result.output
    result = runner.invoke(app, ["query", "events", "--db", db, "--min-reports", "2", "-f", "json"])
    assert result.exit_code == 0, result.output
    [ev] = json.loads(result.output)["events"]
    assert ev["outlets"] == ["Meridian Wire", "Kabul Daily"]
    result = runner.invoke(app, ["query", "events", "--db", db, "-f", "table"])
    assert result.exit_code == 0 and "Ghazni" in result.output


# --- the sample corpus ----------------------------------------------------------------------------

def test_the_sample_corpus_has_events_reported_by_three_or_more_outlets(tmp_path):
    from newsgraph.runner import ingest

    db = tmp_path / "samples.db"
    ingest([str(SAMPLES / "text")], db=db)
    with Store(db) as store:
        corpus.build(store, claims=False)
        big = query(store, "events", min_reports=3, limit=100)
    wide = [e for e in big if e["n_outlets"] >= 3]
    assert wide, "no corpus event with three or more outlets"
    pompeo = [e for e in wide if e["type"] == "ACCUSE"
              and any(a["id"] == "person:mike-pompeo" for a in e["actors"])]
    assert pompeo and {"Orbita News Agency", "Halford Institute for Security Studies"} <= set(pompeo[0]["outlets"])
    assert any(e["disagreements"] for e in wide)
