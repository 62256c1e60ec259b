"""The HTTP JSON API (newsgraph.api) over a small hand-written store, with FastAPI's TestClient."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from newsgraph import corpus
from newsgraph.api import create_app
from newsgraph.model import SCHEMA_ID
from newsgraph.query import query
from newsgraph.store import Store

from conftest import fake_encode

V1 = "/api/v1"

ACTORS = {
    "org:taliban": ("Taliban", "AFGINS", "AFG", "INS", "group"),
    "cameo:AFGCOP": ("Afghan police", "AFGCOP", "AFG", "COP", "organization"),
    "country:RUS": ("Russia", "RUS", "RUS", None, "country"),
    "country:UKR": ("Ukraine", "UKR", "UKR", None, "country"),
}
GHAZNI = "Taliban fighters attacked the police headquarters in Ghazni on Monday, killing 12 people."
TALKS = "Russia and Ukraine held talks in Istanbul on a prisoner exchange."
SCRIPT = "<script>alert(1)</script>"


def article(doc_id, outlet, published, text, *, events=(), claims=(), signals=(), title=None):
    """A contract object: events and claims as dicts of their fields, spans found in the text."""
    actors, evs, cls = {}, [], []

    def actor(a, name=None):
        n, code, country, sector, kind = ACTORS[a]
        rec = actors.setdefault(a, {"id": a, "name": n, "code": code, "country": country,
                                    "sector": sector, "kind": kind, "role": None, "mentions": []})
        if name and name in text:
            at = text.index(name)
            rec["mentions"].append({"start": at, "end": at + len(name), "text": name})

    for i, e in enumerate(events):
        start = text.index(e["evidence"])
        for a in (*e["actor"], *e["recipient"]):
            actor(a, ACTORS[a][0])
        evs.append({"id": f"e{i}", "type": e["type"], "mode": None, "cameo": None, "goldstein": e.get("goldstein"),
                    "quad": e.get("quad", 4), "actor": list(e["actor"]), "recipient": list(e["recipient"]),
                    "status": e.get("status", "asserted"), "source_claim": None, "date": e.get("date"),
                    "place": {"name": e["place"], "country": e["country"], "lat": None, "lon": None}
                    if e.get("place") else None,
                    "evidence": {"start": start, "end": start + len(e["evidence"]), "text": e["evidence"]},
                    "confidence": 0.9})
    for i, c in enumerate(claims):
        start = text.index(c["text"])
        cls.append({"id": f"c{i}", "start": start, "end": start + len(c["text"]), "text": c["text"],
                    "speaker": {"kind": c.get("speaker_kind", "author"), "name": c.get("speaker"),
                                "actor": None},
                    "cue": None, "kind": c.get("kind", "fact"), "checkworthiness": c["cw"]})
    sigs = []
    for s in signals:
        start = text.index(s)
        sigs.append({"technique": "loaded_language", "start": start, "end": start + len(s), "text": s,
                     "score": 0.8})
    return {"schema": SCHEMA_ID,
            "document": {"id": doc_id, "hash": None, "source": outlet, "url": None, "title": title or doc_id,
                         "published": published, "language": "en", "origin": None, "text": text},
            "boilerplate": [], "actors": list(actors.values()), "places": [], "events": evs,
            "claims": cls, "signals": sigs, "source_reliability": None, "extractors": {}}


def attack(doc_id, outlet, published, **kw):
    text = "Report. " + GHAZNI + " Officials said the attack was a cowardly act of terror."
    return article(doc_id, outlet, published, text, events=[{
        "type": "ASSAULT", "actor": ["org:taliban"], "recipient": ["cameo:AFGCOP"], "date": "2024-03-04",
        "place": "Ghazni", "country": "AFG", "evidence": GHAZNI, "goldstein": -10.0}],
        claims=[{"text": "the attack was a cowardly act of terror", "cw": 0.4, "kind": "opinion",
                 "speaker_kind": "source", "speaker": "Officials"}],
        signals=["cowardly act of terror"], **kw)


def talks(doc_id, outlet, published):
    text = TALKS + " The exchange will free 200 prisoners, the ministry said."
    return article(doc_id, outlet, published, text, events=[{
        "type": "CONSULT", "actor": ["country:RUS"], "recipient": ["country:UKR"], "date": "2024-04-10",
        "place": "Istanbul", "country": "TUR", "evidence": TALKS, "quad": 1, "goldstein": 4.0}],
        claims=[{"text": "The exchange will free 200 prisoners", "cw": 0.9, "kind": "fact"}])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "api.db"
    with Store(path) as store:
        store.add_analyses([
            attack("a1", "Kabul Times", "2024-03-04"),
            attack("a2", "Pajhwok", "2024-03-05"),
            attack("a3", "Tolo", "2024-03-05"),
            talks("t1", "Kyiv Post", "2024-04-10"),
            talks("t2", "TASS", "2024-04-11"),
            article("x1", "Evil Outlet", "2024-05-01", f"Breaking {SCRIPT} news about nothing at all.",
                    title=f"Title {SCRIPT}"),
        ])
        corpus.build(store, encode=fake_encode)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db, allow_store=False)) as c:
        yield c


def ok(response, status=200):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "hint"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- meta -------------------------------------------------------------------------------------

def test_health_reports_versions_and_counts(client):
    body = ok(client.get(f"{V1}/health"))
    assert body["status"] == "ok" and body["newsgraph"] and body["schema_version"] >= 3
    assert body["counts"]["documents"] == 6 and body["allow_store"] is False


def test_openapi_schema_and_docs_are_served(client):
    spec = ok(client.get(f"{V1}/openapi.json"))
    for route in ("/documents", "/documents/{key}", "/events", "/events/{event_id}", "/actors",
                  "/actors/{actor_id}", "/claims", "/network", "/timeline", "/analyze", "/health"):
        assert V1 + route in spec["paths"]
    # no interactive docs page: FastAPI's loads its script from a CDN, and newsgraph runs offline
    assert client.get("/api/docs").status_code == 404


def test_every_response_has_the_security_headers(client):
    for url in (f"{V1}/health", f"{V1}/documents", f"{V1}/nope", f"{V1}/documents?limit=0"):
        r = client.get(url)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["content-type"].startswith("application/json")


# --- documents ----------------------------------------------------------------------------------

def test_documents_page_with_total_and_facets(client):
    body = ok(client.get(f"{V1}/documents", params={"limit": 2, "offset": 1}))
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 1)
    assert len(body["items"]) == 2
    everything = ok(client.get(f"{V1}/documents"))["items"]
    assert [d["id"] for d in body["items"]] == [d["id"] for d in everything[1:3]]
    facets = body["facets"]
    assert sum(f["count"] for f in facets["outlet"]) == 6
    assert {f["value"]: f["count"] for f in facets["month"]} == {"2024-03": 3, "2024-04": 2, "2024-05": 1}
    assert {f["value"]: f["count"] for f in facets["event_type"]} == {"ASSAULT": 3, "CONSULT": 2}


def test_documents_filters_and_full_text_search(client):
    body = ok(client.get(f"{V1}/documents", params={"q": "prisoner"}))
    assert {d["id"] for d in body["items"]} == {"t1", "t2"} and body["total"] == 2
    assert {f["value"] for f in body["facets"]["event_type"]} == {"CONSULT"}
    body = ok(client.get(f"{V1}/documents", params={"type": "assault", "outlet": "tolo"}))
    assert [d["id"] for d in body["items"]] == ["a3"]
    body = ok(client.get(f"{V1}/documents", params={"since": "2024-04-01", "until": "2024-04-10"}))
    assert [d["id"] for d in body["items"]] == ["t1"]
    body = ok(client.get(f"{V1}/documents", params={"actor": "Russia"}))
    assert body["total"] == 2
    body = ok(client.get(f"{V1}/documents", params={"actor": "nobody-at-all"}))
    assert body["items"] == [] and body["total"] == 0 and body["facets"]["outlet"] == []


def test_documents_total_matches_the_query_library(client, db):
    with Store(db, readonly=True) as store:
        expected = len(query(store, "documents", type="ASSAULT", limit=1000))
    assert ok(client.get(f"{V1}/documents", params={"type": "ASSAULT", "limit": 1}))["total"] == expected


def test_one_document_is_the_whole_analysis_with_corpus_links(client):
    body = ok(client.get(f"{V1}/documents/a1"))
    assert body["analysis"]["schema"] == SCHEMA_ID and body["analysis"]["document"]["id"] == "a1"
    links = body["corpus"]
    assert links["events"][0]["event_id"] == "e0" and links["events"][0]["n_reports"] == 3
    assert links["claims"][0]["claim_id"] == "c0"
    assert links["claims"][0]["status"] in ("corroborated", "contested", "unverified")
    prefix = body["analysis"]["document"]["hash"][:10]
    assert ok(client.get(f"{V1}/documents/{prefix}"))["analysis"]["document"]["id"] == "a1"


def test_script_in_a_document_comes_back_verbatim_as_a_json_string(client):
    r = client.get(f"{V1}/documents/x1")
    body = ok(r)
    assert SCRIPT in body["analysis"]["document"]["text"]
    assert body["analysis"]["document"]["title"] == f"Title {SCRIPT}"
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in r.headers["content-security-policy"]
    listed = ok(client.get(f"{V1}/documents", params={"q": "breaking"}))["items"]
    assert listed[0]["title"] == f"Title {SCRIPT}"


# --- events and timeline --------------------------------------------------------------------------

def test_events_are_corpus_events_with_reports(client):
    body = ok(client.get(f"{V1}/events"))
    assert body["total"] == 2 and body["limit"] == 50 and body["offset"] == 0
    first = body["items"][0]
    assert first["type"] == "ASSAULT" and first["n_outlets"] == 3 and len(first["reports"]) == 3


@pytest.mark.parametrize("params, types", [
    ({"actor": "Taliban"}, ["ASSAULT"]),
    ({"recipient": "country:UKR"}, ["CONSULT"]),
    ({"type": "consult"}, ["CONSULT"]),
    ({"status": "asserted"}, ["ASSAULT", "CONSULT"]),
    ({"outlet": "TASS"}, ["CONSULT"]),
    ({"since": "2024-04-01"}, ["CONSULT"]),
    ({"until": "2024-03-31"}, ["ASSAULT"]),
    ({"place": "Ghazni"}, ["ASSAULT"]),
    ({"place": "TUR"}, ["CONSULT"]),
    ({"q": "prisoner"}, ["CONSULT"]),
    ({"min_reports": 3}, ["ASSAULT"]),
    ({"actor": "nobody"}, []),
])
def test_event_filters(client, params, types):
    body = ok(client.get(f"{V1}/events", params=params))
    assert [e["type"] for e in body["items"]] == types and body["total"] == len(types)


def test_events_paging(client):
    body = ok(client.get(f"{V1}/events", params={"limit": 1, "offset": 1}))
    assert body["total"] == 2 and len(body["items"]) == 1 and body["items"][0]["type"] == "CONSULT"


def test_one_corpus_event_by_id(client):
    ev = ok(client.get(f"{V1}/events", params={"type": "CONSULT"}))["items"][0]
    body = ok(client.get(f"{V1}/events/{ev['id']}"))
    assert body == ev
    assert_error(client.get(f"{V1}/events/ce-missing"), 404, "not_found")


def test_timeline_counts_events_per_period(client):
    body = ok(client.get(f"{V1}/timeline"))
    assert body["interval"] == "month"
    assert [(i["period"], i["events"], i["reports"]) for i in body["items"]] == [
        ("2024-03", 1, 3), ("2024-04", 1, 2)]
    body = ok(client.get(f"{V1}/timeline", params={"interval": "day", "type": "ASSAULT"}))
    assert [i["period"] for i in body["items"]] == ["2024-03-04"]
    assert ok(client.get(f"{V1}/timeline", params={"actor": "nobody"}))["items"] == []


# --- events facets and places (the UI's events list and map) --------------------------------------

def test_events_have_no_facets_unless_asked(client):
    assert "facets" not in ok(client.get(f"{V1}/events"))


def test_event_facets_over_every_corpus_event(client):
    facets = ok(client.get(f"{V1}/events", params={"facets": "true", "limit": 1}))["facets"]
    assert facets == {
        "type": [{"value": "ASSAULT", "label": "ASSAULT", "count": 1},
                 {"value": "CONSULT", "label": "CONSULT", "count": 1}],
        "status": [{"value": "asserted", "label": "asserted", "count": 2}],
        "outlet": [{"value": v, "label": v, "count": 1}
                   for v in ("Kabul Times", "Kyiv Post", "Pajhwok", "TASS", "Tolo")],
        "actor": [{"value": "country:RUS", "label": "Russia", "count": 1},
                  {"value": "org:taliban", "label": "Taliban", "count": 1}],
        "recipient": [{"value": "cameo:AFGCOP", "label": "Afghan police", "count": 1},
                      {"value": "country:UKR", "label": "Ukraine", "count": 1}],
        "month": [{"value": "2024-03", "label": "2024-03", "count": 1},
                  {"value": "2024-04", "label": "2024-04", "count": 1}]}
    # a filter every event passes counts the same as the stored facets of the whole corpus
    assert ok(client.get(f"{V1}/events", params={"facets": "true", "min_reports": 1}))["facets"] == facets


def test_event_facets_follow_the_filters(client):
    body = ok(client.get(f"{V1}/events", params={"facets": "true", "type": "consult"}))
    facets = body["facets"]
    assert body["total"] == 1 and [f["value"] for f in facets["type"]] == ["CONSULT"]
    assert [(f["value"], f["count"]) for f in facets["outlet"]] == [("Kyiv Post", 1), ("TASS", 1)]
    assert facets["actor"] == [{"value": "country:RUS", "label": "Russia", "count": 1}]
    assert facets["month"] == [{"value": "2024-04", "label": "2024-04", "count": 1}]
    empty = ok(client.get(f"{V1}/events", params={"facets": "true", "actor": "nobody"}))
    assert empty["total"] == 0 and empty["facets"] == {k: [] for k in (
        "type", "status", "outlet", "actor", "recipient", "month")}


def _placed(text_place, country, lat=None, lon=None, **kw):
    obj = attack(**kw)
    obj["events"][0]["place"] = {"name": text_place, "country": country, "lat": lat, "lon": lon}
    return obj


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Reports of one attack that disagree on its status, a country-wide meeting, an event
    with no place."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.db"
    accusation = "Russia accused Ukraine of shelling the border."
    talks_tr = talks("m3", "Kyiv Post", "2024-04-10")
    talks_tr["events"][0]["place"] = {"name": "Turkey", "country": "TUR", "lat": None, "lon": None}
    alleged = _placed("Ghazni", "AFG", 33.55, 68.42, doc_id="m2", outlet="Pajhwok", published="2024-03-05")
    alleged["events"][0]["status"] = "alleged"
    with Store(path) as store:
        store.add_analyses([
            _placed("Ghazni", "AFG", 33.55, 68.42, doc_id="m1", outlet="Kabul Times", published="2024-03-04"),
            alleged, talks_tr,
            article("m4", "TASS", "2024-05-02", accusation, events=[{
                "type": "ACCUSE", "actor": ["country:RUS"], "recipient": ["country:UKR"],
                "date": "2024-05-01", "evidence": accusation}])])
        corpus.build(store, encode=fake_encode)
    with TestClient(create_app(path, allow_store=False)) as c:
        yield c


def test_status_facet_counts_events_with_a_report_of_that_status(mixed):
    facets = ok(mixed.get(f"{V1}/events", params={"facets": "true"}))["facets"]
    assert [(f["value"], f["count"]) for f in facets["status"]] == [("asserted", 3), ("alleged", 1)]
    body = ok(mixed.get(f"{V1}/events", params={"facets": "true", "status": "alleged"}))
    assert [e["type"] for e in body["items"]] == ["ASSAULT"]
    assert [(f["value"], f["count"]) for f in body["facets"]["status"]] == [("alleged", 1), ("asserted", 1)]


def test_places_group_corpus_events_for_the_map(mixed):
    body = ok(mixed.get(f"{V1}/places"))
    assert body == {"items": [
        {"place": "Ghazni", "country": "AFG", "lat": 33.55, "lon": 68.42, "events": 1, "reports": 2},
        {"place": "Turkey", "country": "TUR", "lat": None, "lon": None, "events": 1, "reports": 1}],
        "total": 2, "limit": 1000, "offset": 0, "unplaced": 1}
    body = ok(mixed.get(f"{V1}/places", params={"type": "ASSAULT"}))
    assert [p["place"] for p in body["items"]] == ["Ghazni"] and body["unplaced"] == 0
    body = ok(mixed.get(f"{V1}/places", params={"actor": "Russia", "since": "2024-05-01"}))
    assert body["items"] == [] and body["total"] == 0 and body["unplaced"] == 1
    body = ok(mixed.get(f"{V1}/places", params={"limit": 1, "offset": 1}))
    assert [p["place"] for p in body["items"]] == ["Turkey"] and body["total"] == 2
    assert ok(mixed.get(f"{V1}/places", params={"actor": "nobody"}))["unplaced"] == 0
    assert_error(mixed.get(f"{V1}/places", params={"limit": 5001}), 422, "bad_option")
    assert f"{V1}/places" in ok(mixed.get(f"{V1}/openapi.json"))["paths"]


def test_actor_timeline_is_one_page_with_its_total(mixed):
    body = ok(mixed.get(f"{V1}/actors/country:RUS", params={"limit": 1}))
    assert body["timeline"]["total"] == 2 and body["timeline"]["limit"] == 1
    assert [(e["type"], e["date"]) for e in body["timeline"]["items"]] == [("CONSULT", "2024-04-10")]
    whole = ok(mixed.get(f"{V1}/actors/country:RUS"))["timeline"]["items"]
    assert [e["type"] for e in whole] == ["CONSULT", "ACCUSE"]


def test_network_of_a_date_range_counts_the_events_in_it(mixed):
    body = ok(mixed.get(f"{V1}/network", params={"since": "2024-05-01", "until": "2024-05-31"}))
    assert [(e["source"], e["target"], e["events"]) for e in body["edges"]] == [
        ("country:RUS", "country:UKR", 1)]
    assert {n["id"]: n["events"] for n in body["nodes"]} == {"country:RUS": 1, "country:UKR": 1}
    whole = ok(mixed.get(f"{V1}/network"))
    assert {n["id"]: n["events"] for n in whole["nodes"]}["country:RUS"] == 2


# --- actors and network ---------------------------------------------------------------------------

def test_actor_list_is_searchable_with_counts(client):
    body = ok(client.get(f"{V1}/actors"))
    assert body["total"] == 4
    top = body["items"][0]
    assert top["events"] == 3 and top["id"] in ("org:taliban", "cameo:AFGCOP")
    body = ok(client.get(f"{V1}/actors", params={"q": "russ"}))
    assert [a["id"] for a in body["items"]] == ["country:RUS"] and body["items"][0]["events"] == 2
    body = ok(client.get(f"{V1}/actors", params={"limit": 1, "offset": 3}))
    assert body["total"] == 4 and len(body["items"]) == 1


def test_one_actor_with_events_timeline_and_neighbourhood(client):
    body = ok(client.get(f"{V1}/actors/country:RUS"))
    assert body["actor"]["name"] == "Russia"
    assert [e["type"] for e in body["events"]["items"]] == ["CONSULT"] and body["events"]["total"] == 1
    assert body["timeline"]["total"] == 2 and body["timeline"]["items"][0]["role"] == "actor"
    assert {n["id"] for n in body["network"]["nodes"]} == {"country:RUS", "country:UKR"}
    assert body["network"]["edges"][0]["events"] == 2
    assert_error(client.get(f"{V1}/actors/nobody"), 404, "not_found")


def test_network_whole_and_focused(client):
    body = ok(client.get(f"{V1}/network"))
    assert body["total_nodes"] == 4 and body["total_edges"] == 2
    assert {(e["source"], e["target"]) for e in body["edges"]} == {
        ("org:taliban", "cameo:AFGCOP"), ("country:RUS", "country:UKR")}
    body = ok(client.get(f"{V1}/network", params={"actor": "org:taliban"}))
    assert {n["id"] for n in body["nodes"]} == {"org:taliban", "cameo:AFGCOP"}
    body = ok(client.get(f"{V1}/network", params={"until": "2024-03-31"}))
    assert body["total_edges"] == 1
    body = ok(client.get(f"{V1}/network", params={"limit": 1}))
    assert len(body["nodes"]) == 1 and body["total_nodes"] == 4
    assert_error(client.get(f"{V1}/network", params={"actor": "nobody"}), 404)


# --- claims ---------------------------------------------------------------------------------------

def test_claims_sorted_by_checkworthiness(client):
    body = ok(client.get(f"{V1}/claims"))
    assert body["total"] == 5
    scores = [c["checkworthiness"] for c in body["items"]]
    assert scores == sorted(scores, reverse=True) and scores[0] == 0.9


@pytest.mark.parametrize("params, n", [
    ({"speaker_kind": "source"}, 3),
    ({"speaker": "officials"}, 3),
    ({"kind": "fact"}, 2),
    ({"min_checkworthiness": 0.5}, 2),
    ({"max_checkworthiness": 0.5}, 3),
    ({"min_checkworthiness": 0.3, "max_checkworthiness": 0.5, "kind": "opinion"}, 3),
    ({"signals": "true"}, 3),
    ({"signals": "false"}, 2),
    ({"outlet": "TASS"}, 1),
    ({"q": "prisoners"}, 2),
    ({"status": "corroborated", "kind": "fact"}, None),
])
def test_claim_filters(client, params, n):
    body = ok(client.get(f"{V1}/claims", params=params))
    assert body["total"] == len(body["items"])
    if n is not None:
        assert body["total"] == n
    if "status" in params:
        assert all(c["corroboration"] == "corroborated" for c in body["items"])


def test_claim_status_filter_is_the_corroboration_of_each_claim(client):
    every = ok(client.get(f"{V1}/claims"))["items"]
    for status in ("corroborated", "contested", "unverified"):
        body = ok(client.get(f"{V1}/claims", params={"status": status}))
        assert body["items"] == [c for c in every if c["corroboration"] == status]
        assert body["total"] == len(body["items"])


def test_claims_paging_keeps_the_order(client):
    everything = ok(client.get(f"{V1}/claims", params={"speaker_kind": "source"}))["items"]
    page = ok(client.get(f"{V1}/claims", params={"speaker_kind": "source", "limit": 2, "offset": 1}))
    assert page["total"] == 3 and page["items"] == everything[1:3]


# --- errors ---------------------------------------------------------------------------------------

def test_unknown_document_is_404(client):
    err = assert_error(client.get(f"{V1}/documents/no-such-doc"), 404, "not_stored")
    assert "no-such-doc" in err["message"]


def test_unknown_route_is_404_in_the_same_shape(client):
    assert_error(client.get(f"{V1}/nothing-here"), 404, "not_found")
    assert_error(client.delete(f"{V1}/documents"), 405)


@pytest.mark.parametrize("url", [
    f"{V1}/documents?limit=0", f"{V1}/documents?limit=501", f"{V1}/documents?offset=-1",
    f"{V1}/documents?limit=ten", f"{V1}/events?since=March", f"{V1}/events?min_reports=0",
    f"{V1}/claims?min_checkworthiness=2", f"{V1}/claims?status=maybe", f"{V1}/timeline?interval=week",
    f"{V1}/network?depth=9",
])
def test_bad_parameters_are_422_in_the_error_shape(client, url):
    err = assert_error(client.get(url), 422, "bad_option")
    assert err["message"] and err["hint"]


def test_analyze_rejects_unreadable_bodies_with_400(client):
    assert_error(client.post(f"{V1}/analyze", content=b"{not json",
                             headers={"content-type": "application/json"}), 400, "bad_json")
    assert_error(client.post(f"{V1}/analyze", json=["a list"]), 400, "bad_record")
    assert_error(client.post(f"{V1}/analyze", json={"title": "no text"}), 400, "bad_record")
    assert_error(client.post(f"{V1}/analyze", json={"text": 5}), 400, "bad_record")
    assert_error(client.post(f"{V1}/analyze", json={"text": "   "}), 400, "empty")
    assert_error(client.post(f"{V1}/analyze", json={"text": "Some words.", "date": "someday"}), 400,
                 "bad_date")


def test_too_large_a_body_is_413(db):
    with TestClient(create_app(db, allow_store=False, max_body_bytes=1000)) as small:
        assert_error(small.post(f"{V1}/analyze", json={"text": "word " * 500}), 413, "too_large")


def test_storing_is_refused_when_the_app_does_not_allow_it(client):
    assert_error(client.post(f"{V1}/analyze?store=true", json={"text": "Some words."}), 403)


# --- analyze (the spaCy model) --------------------------------------------------------------------

ARTICLE = ("Police arrested 12 protesters in Nairobi on Tuesday, officials said. "
           f"The interior minister said the protest was illegal. {SCRIPT}")


@pytest.mark.model
def test_analyze_without_storing(client):
    body = ok(client.post(f"{V1}/analyze", json={"text": ARTICLE, "outlet": "Daily Nation",
                                                 "date": "2024-06-04", "title": "Arrests"}))
    assert body["stored"] is False
    doc = body["analysis"]["document"]
    assert doc["source"] == "Daily Nation" and doc["published"] == "2024-06-04"
    assert SCRIPT in doc["text"] and body["analysis"]["schema"] == SCHEMA_ID
    assert_error(client.get(f"{V1}/documents/{doc['hash']}"), 404)


@pytest.mark.model
def test_analyze_and_store_then_read_back(tmp_path):
    with TestClient(create_app(tmp_path / "new.db")) as c:
        body = ok(c.post(f"{V1}/analyze?store=true",
                         json={"document": {"id": "n1", "text": ARTICLE, "source": "Daily Nation",
                                            "published": "2024-06-04"}}))
        assert body["stored"] is True and body["analysis"]["document"]["id"] == "n1"
        again = ok(c.get(f"{V1}/documents/n1"))
        assert again["analysis"] == body["analysis"]
        assert ok(c.get(f"{V1}/documents"))["total"] == 1
        html = f"<html><head><title>Arrests</title></head><body><article><p>{ARTICLE}</p>" \
               f"<p>{ARTICLE}</p></article></body></html>"
        body = ok(c.post(f"{V1}/analyze", json={"html": html, "outlet": "Daily Nation"}))
        assert body["stored"] is False and "Police arrested" in body["analysis"]["document"]["text"]


def test_serve_command_binds_localhost_by_default():
    from typer.testing import CliRunner

    from newsgraph.cli import app
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--port" in result.output
    json.dumps(result.output)


def _facets_by_hand(items):
    """The event facets counted from the events and their reports, as the API defines them."""
    from collections import Counter
    c = {k: Counter() for k in ("type", "status", "outlet", "actor", "recipient", "month")}
    for e in items:
        c["type"][e["type"]] += 1
        c["month"][(e["date"][0] or e["first_reported"] or "")[:7] or None] += 1
        for k, vals in (("status", {r["status"] for r in e["reports"]}),
                        ("outlet", {r["outlet"] for r in e["reports"] if r["outlet"]}),
                        ("actor", {a["id"] for a in e["actors"]}),
                        ("recipient", {a["id"] for a in e["recipients"]})):
            c[k].update(vals)
    return {k: sorted(((v, n) for v, n in cnt.items()), key=lambda x: (-x[1], x[0] is not None, x[0] or ""))
            for k, cnt in c.items()}


@pytest.mark.parametrize("params", [
    {}, {"until": "2024-04-30"}, {"status": "asserted"}, {"status": "alleged"},
    {"since": "2024-04-01"}, {"type": "ASSAULT"}, {"min_reports": 2}])
def test_event_facets_equal_the_counts_of_the_matching_events(mixed, params):
    # broad filters (most events pass) count the others and subtract them from the stored
    # totals, narrow ones count the matching events: both must give the counts by hand
    body = ok(mixed.get(f"{V1}/events", params={**params, "facets": "true", "limit": 500}))
    got = {k: [(f["value"], f["count"]) for f in v] for k, v in body["facets"].items()}
    assert got == _facets_by_hand(body["items"])


def test_events_without_their_reports(mixed):
    full = ok(mixed.get(f"{V1}/events"))
    slim = ok(mixed.get(f"{V1}/events", params={"reports": "false"}))
    assert slim["total"] == full["total"] == 3
    assert [e["id"] for e in slim["items"]] == [e["id"] for e in full["items"]]
    for a, b in zip(slim["items"], full["items"]):
        assert a["reports"] == [] and b["reports"]
        assert sorted(a["outlets"]) == sorted(b["outlets"])
        assert {k: v for k, v in a.items() if k not in ("reports", "outlets")} == \
               {k: v for k, v in b.items() if k not in ("reports", "outlets")}
