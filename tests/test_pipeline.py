import pytest

from newsgraph import pipeline
from newsgraph.errors import NewsgraphError
from newsgraph.model import Document, Skipped

pytestmark = pytest.mark.model


def test_registry_refuses_bad_declarations(monkeypatch):
    monkeypatch.setattr(pipeline, "REGISTRY", {k: v for k, v in pipeline.REGISTRY.items() if k != "signals"})
    with pytest.raises(ValueError, match="unknown fields"):
        pipeline.register("x", "x/1", produces=("opinions",))
    with pytest.raises(ValueError, match="already produces"):
        pipeline.register("x", "x/1", produces=("actors",))(lambda *a: {})
    with pytest.raises(ValueError, match="requires"):
        pipeline.register("y", "y/1", produces=("signals",), requires=("signals",))(lambda *a: {})
    with pytest.raises(ValueError, match="twice"):
        pipeline.register("actors", "a/2", produces=("events",))(lambda *a: {})


def test_analyze_text_gives_a_valid_contract(nlp, valid):
    analysis = pipeline.analyze(
        "Russian Foreign Minister Sergei Lavrov met Taliban negotiators in Moscow on Tuesday.",
        nlp=nlp, outlet="wire.example", date="2019-09-04")
    obj = valid(analysis.to_dict())
    assert obj["document"]["source"] == "wire.example"
    assert obj["document"]["published"] == "2019-09-04"
    assert obj["extractors"]["actors"] == pipeline.REGISTRY["actors"].version
    model = obj["extractors"]["spacy_model"]  # the official package or its hash-pinned copy
    assert model.startswith("en_core_web_sm") and model.endswith("-3.8.0")
    assert obj["extractors"]["spacy"].startswith("3.8.")   # the library's version, beside the model's
    codes = {a["code"] for a in obj["actors"]}
    assert "RUSGOV" in codes


def test_one_failing_document_does_not_stop_the_batch(monkeypatch, nlp, valid):
    monkeypatch.setattr(pipeline, "REGISTRY", {k: v for k, v in pipeline.REGISTRY.items() if k != "signals"})

    @pipeline.register("explodes", "x/1", produces=("signals",))
    def _explodes(doc, document, prior):
        if "BOOM" in doc.text:
            raise RuntimeError("extractor crashed on purpose")
        return {"signals": ()}

    docs = [Document.create(t, origin=f"doc{i}") for i, t in
            enumerate(["NATO met in Brussels.", "BOOM went the test.", "China and India agreed."])]
    results = list(pipeline.analyze_documents(docs, nlp=nlp))
    assert [type(r).__name__ for r in results] == ["Analysis", "Skipped", "Analysis"]
    assert results[1] == Skipped("doc1", "analysis_failed", "RuntimeError: extractor crashed on purpose")
    for r in (results[0], results[2]):
        valid(r.to_dict())


def test_too_long_document_is_refused_with_the_limit(monkeypatch, nlp):
    monkeypatch.setattr(pipeline, "MAX_CHARS", 50)
    docs = [Document.create("x " * 40, origin="long.txt"), Document.create("Iran protested.", origin="ok.txt")]
    first, second = pipeline.analyze_documents(docs, nlp=nlp)
    assert first.code == "too_large" and "80 characters" in first.reason and "50" in first.reason
    assert second.document.origin == "ok.txt"
    with pytest.raises(NewsgraphError) as info:
        pipeline.analyze(docs[0], nlp=nlp)
    assert info.value.code == "too_large"


@pytest.mark.parametrize("text, second", [
    ("MOSCOW (Meridian) — A Taliban delegation will travel to Moscow for talks.", "A Taliban"),
    ("KABUL, Sept 2 (Wirepost) - Afghan forces repelled an attack overnight.", "Afghan forces"),
    ("WASHINGTON — The senator denied the report on Monday.", "The senator"),
    ("Intro.\nNEW DELHI — India summoned the envoy.", "India"),
    # no dateline: an acronym before a dash and a clause, a dash inside a sentence
    ("NATO — the alliance of 32 states — met on Monday.", None),
    ("The talks in Doha — the third round — collapsed.", None),
])
def test_a_wire_dateline_is_not_part_of_the_first_sentence(nlp, text, second):
    """A dateline ends before its sentence: the parser would otherwise make the place in
    capitals the sentence's head and leave the real subject hanging from it."""
    doc = nlp(text)
    starts = [s.start_char for s in doc.sents]
    if second is None:
        assert all(not text[s:].startswith(("the alliance", "the talks", "the third")) for s in starts)
    else:
        assert text.index(second) in starts


def test_a_dateline_leaves_the_event_its_actor(nlp):
    from newsgraph.pipeline import analyze
    with_dateline = analyze("MOSCOW (Meridian) — A Taliban delegation will travel to Moscow for talks "
                            "with Russian officials on September 4.", nlp=nlp)
    (event,) = [e for e in with_dateline.events if e.type == "CONSULT"]
    assert event.actor == ("org:taliban",)
