import jsonschema
import pytest

from newsgraph.model import (Actor, Analysis, Boilerplate, Claim, Document, Event, Signal, Span,
                             SpanError, Speaker)
from newsgraph.schema import validate_analysis

TEXT = "Russia and the Taliban met in Moscow."


def doc(**kw):
    return Document.create(TEXT, source="wire.example", published="2019-09-04", **kw)


def test_span_quotes_its_text():
    s = Span.of(TEXT, 0, 6)
    assert s.text == "Russia"
    with pytest.raises(SpanError):
        Span.of(TEXT, 30, 99)
    with pytest.raises(SpanError):
        Span(0, 6, "Moscow").check(TEXT)


def test_document_ids_are_content_hashes_unless_given():
    a, b = doc(), doc()
    assert a.hash == b.hash and len(a.hash) == 64
    assert a.id == "d" + a.hash[:16]
    assert doc(id="line-7").id == "line-7"
    assert Document.create(TEXT, source="other.example").hash != a.hash
    with pytest.raises(ValueError):
        Document.create(TEXT, published="4 September 2019")


def test_full_analysis_validates_and_bad_spans_are_caught():
    d = doc(boilerplate=(Boilerplate("Subscribe now", "newsletter"),))
    russia = Actor("country:RUS", "Russia", "RUS", "RUS", None, "country", (Span.of(TEXT, 0, 6),))
    taliban = Actor("org:taliban", "Taliban", "AFGINS", "AFG", "INS", "group", (Span.of(TEXT, 15, 22),))
    event = Event("e1", "CONSULT", "visit", "043", 2.8, 1, (russia.id,), (taliban.id,), "asserted", None,
                  "2019-09-04", {"name": "Moscow", "country": "RUS", "lat": 55.75, "lon": 37.62},
                  Span.of(TEXT, 0, 36), 0.8)
    claim = Claim("c1", Span.of(TEXT, 0, 37), Speaker("author", None, None), None, "fact", 0.4)
    signal = Signal("loaded_language", Span.of(TEXT, 15, 22), 0.2)
    analysis = Analysis(d, actors=(russia, taliban), events=(event,), claims=(claim,), signals=(signal,))
    analysis.check()
    obj = analysis.to_dict()
    validate_analysis(obj)
    assert obj["boilerplate"] == [{"text": "Subscribe now", "reason": "newsletter"}]
    assert obj["events"][0]["evidence"]["text"] == TEXT[:36]

    moved = Analysis(d, actors=(Actor("x", "X", None, None, None, "unknown", (Span(1, 7, "Russia"),)),))
    with pytest.raises(SpanError):
        moved.check()
    with pytest.raises(ValueError):
        validate_analysis(moved.to_dict())


def test_schema_rejects_unknown_status_and_type():
    obj = Analysis(doc()).to_dict()
    obj["events"] = [{"id": "e1", "type": "FIGHT", "mode": None, "cameo": None, "goldstein": None,
                      "quad": None, "actor": [], "recipient": [], "status": "asserted",
                      "source_claim": None, "date": None, "place": None,
                      "evidence": {"start": 0, "end": 6, "text": "Russia"}, "confidence": 0.5}]
    with pytest.raises(jsonschema.ValidationError):
        validate_analysis(obj)
    with pytest.raises(ValueError):
        Event("e1", "ASSAULT", None, None, None, None, (), (), "rumoured", None, None, None,
              Span.of(TEXT, 0, 6), 0.5)
