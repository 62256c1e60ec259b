"""Claims and speakers on hand-written sentences (not from any data set)."""

import pytest

from newsgraph.pipeline import analyze

pytestmark = pytest.mark.model


def claims_of(nlp, valid, text, **meta):
    obj = valid(analyze(text, nlp=nlp, date="2024-05-01", **meta).to_dict())
    return obj, obj["claims"]


def one(claims, **want):
    found = [c for c in claims if all(
        (c["speaker"][k[8:]] if k.startswith("speaker_") else c[k]) == v for k, v in want.items())]
    assert len(found) == 1, [(c["speaker"], c["cue"], c["text"]) for c in claims]
    return found[0]


def test_reported_speech_has_the_subject_as_speaker_and_the_clause_as_claim(nlp, valid):
    _, claims = claims_of(nlp, valid, "Sergei Lavrov said that Russia had never supplied weapons to the Taliban.")
    c = one(claims, cue="said")
    assert c["speaker"] == {"kind": "person", "name": "Sergey Lavrov", "actor": "person:sergey-lavrov"}
    assert c["text"] == "Russia had never supplied weapons to the Taliban"


def test_a_pronoun_in_a_later_sentence_is_the_person_named_before(nlp, valid):
    _, claims = claims_of(nlp, valid, "Sergei Lavrov met reporters in Moscow on Wednesday. "
                                      "Later he specified that Washington had handed over no evidence.")
    c = one(claims, cue="specified")
    assert c["speaker"]["actor"] == "person:sergey-lavrov"
    assert c["text"] == "Washington had handed over no evidence"


@pytest.mark.parametrize("text,name", [
    ("Well-informed sources say that the minister will resign next week.", "Well-informed sources"),
    ("A number of media reports claimed that the ceasefire had collapsed.", "A number of media reports"),
    ("Leading experts conclude that the sanctions have failed.", "Leading experts"),
    ("It is understood that the talks will resume in May.", "It is understood"),
])
def test_vague_attribution_is_an_unnamed_speaker(nlp, valid, text, name):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, speaker_kind="unnamed")
    assert c["speaker"]["name"] == name and c["speaker"]["actor"] is None


def test_according_to_makes_the_rest_of_the_sentence_the_claim(nlp, valid):
    _, claims = claims_of(nlp, valid, "According to the United Nations, 300 civilians were killed in the fighting.")
    c = one(claims, cue="according to")
    assert (c["speaker"]["kind"], c["speaker"]["actor"]) == ("organization", "org:united-nations")
    assert c["text"] == "300 civilians were killed in the fighting"


def test_a_direct_quote_is_the_claim_of_the_verb_outside_it(nlp, valid):
    _, claims = claims_of(nlp, valid, "\u201cWe will never negotiate under fire,\u201d Volodymyr Zelensky told reporters.")
    c = one(claims, cue="told")
    assert c["speaker"]["name"] == "Volodymyr Zelensky"
    assert c["text"] == "We will never negotiate under fire" and c["kind"] == "prediction"


def test_an_accusation_is_a_claim_and_its_content_event_points_to_it(nlp, valid):
    obj, claims = claims_of(nlp, valid, "The US accuses Russia of supplying weapons to the Taliban.")
    c = one(claims, cue="accuses")
    assert c["speaker"]["actor"] == "country:USA" and c["text"] == "supplying weapons to the Taliban"
    supply = [e for e in obj["events"] if e["actor"] == ["country:RUS"]]
    assert [(e["status"], e["source_claim"]) for e in supply] == [("alleged", c["id"])]
    accuse = [e for e in obj["events"] if e["actor"] == ["country:USA"]]
    assert [e["source_claim"] for e in accuse] == [None]   # the accusation itself is the outlet's report


def test_unattributed_sentences_are_the_authors_and_facts_outrank_opinions(nlp, valid):
    _, claims = claims_of(nlp, valid, "The US continues to occupy parts of Afghanistan to protect its "
                                      "appropriation of lithium. The history of the relationship is full of "
                                      "contradictions. Why does this matter?", outlet="The Example Post")
    assert {c["speaker"]["kind"] for c in claims} == {"author"}
    assert {c["speaker"]["name"] for c in claims} == {"The Example Post"}
    fact, opinion, question = claims
    assert (fact["kind"], opinion["kind"], question["kind"]) == ("fact", "opinion", "question")
    assert fact["checkworthiness"] > opinion["checkworthiness"] > question["checkworthiness"]


def test_explaining_why_asserts_nothing(nlp, valid):
    _, claims = claims_of(nlp, valid, "Lavrov added that the Americans should explain why drug production grew.")
    assert [c["cue"] for c in claims] == ["added"]


def test_it_is_well_known_is_the_authors_own_rhetoric(nlp, valid):
    _, claims = claims_of(nlp, valid, "It is also well known that opium production exploded after 2001. "
                                      "The history of the relationship is full of contradictions.")
    assert [c["speaker"]["kind"] for c in claims] == ["author", "author"]   # not a source: the author
    opium, history = claims
    assert opium["checkworthiness"] > history["checkworthiness"]   # a checkable fact before framing


def test_the_report_groups_events_and_signals_under_their_claim(nlp, valid):
    from rich.console import Console

    from newsgraph.report import claims_table
    obj, claims = claims_of(nlp, valid, "The US accuses Russia of supplying weapons to the Taliban. "
                                        "Sources say the talks will resume.", outlet="Example")
    console = Console(width=240, record=True)
    console.print(claims_table(obj))
    rows = [line for line in console.export_text().splitlines() if line.startswith("│ c")]
    assert len(rows) == len(claims) == 2
    accusation = next(r for r in rows if "accuses" in r)
    assert "United States" in accusation and "AID alleged: Russia -> Taliban" in accusation
    assert any("UNNAMED: Sources" in r and "prediction" in r for r in rows)


def test_what_an_attribution_leaves_of_the_sentence_is_the_authors(nlp, valid):
    _, claims = claims_of(nlp, valid, "Moscow has been talking to the Taliban since at least 2015, when "
                                      "Zamir Kabulov first said that Russian and Taliban interests coincide.",
                          outlet="The Ledger")
    said = one(claims, cue="said")
    assert said["speaker"]["kind"] == "person"
    assert said["text"] == "Russian and Taliban interests coincide"
    own = one(claims, speaker_kind="author")
    assert own["text"].startswith("Moscow has been talking to the Taliban since at least 2015")
    assert "Kabulov" not in own["text"]


@pytest.mark.parametrize("text", [
    "Rights groups said the charges against the journalists were fabricated.",
    "Both sides said the exchange could pave the way for broader talks.",
    "One of the officials said some of the shipments had passed through Tajikistan.",
])
def test_plural_or_indefinite_sources_with_no_name_are_unnamed(nlp, valid, text):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "unnamed"


def test_the_diplomat_is_the_diplomat_named_before(nlp, valid):
    _, claims = claims_of(nlp, valid, "Zamir Kabulov met the delegation in Moscow on Monday. "
                                      "The diplomat said the talks had been useful.")
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "person" and "Kabulov" in c["speaker"]["name"]


@pytest.mark.parametrize("text,cue,claim", [
    ("Emmanuel Macron welcomed the exchange of prisoners.", "welcomed", "the exchange of prisoners"),
    ("The Interior Ministry put the death toll at 57.", "put", "the death toll at 57"),
    ("Tony Blair has called for a second referendum.", "called", "a second referendum"),
    ("President Ashraf Ghani urged the insurgents to reciprocate.", "urged", "the insurgents to reciprocate"),
    ("Some officials fear that a public fight would not change Russian behaviour.", "fear",
     "a public fight would not change Russian behaviour"),
])
def test_stance_verbs_report_what_their_object_says(nlp, valid, text, cue, claim):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert c["text"] == claim
    assert c["speaker"]["kind"] != "author"


@pytest.mark.parametrize("text,cue", [
    ("The negotiators in Qatar were said to be close to an agreement.", "were said"),
    ("The attorney general is expected to hand the findings to Congress on Saturday.", "is expected"),
    ("The former aide reportedly signed one of the checks.", "reportedly"),
])
def test_hearsay_without_a_named_source_is_unnamed(nlp, valid, text, cue):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert c["speaker"]["kind"] == "unnamed" and c["speaker"]["actor"] is None


def test_a_line_break_ends_a_sentence_without_a_full_stop(nlp, valid):
    text = ("Crowds gathered early in front of the stage ahead of the party\n"
            "French President Emmanuel Macron acknowledged his government could do better.")
    assert [s.text.strip() for s in nlp(text).sents] == text.split("\n")
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue="acknowledged")
    assert c["speaker"]["kind"] == "person" and "Macron" in c["speaker"]["name"]


def test_a_spokesman_whose_name_the_ner_took_for_an_organisation_is_a_person(nlp, valid):
    obj, claims = claims_of(nlp, valid, "Presidential spokesman Sediq Sediqqi said the truce had held.")
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "person" and c["speaker"]["name"] == "Sediq Sediqqi"


def test_first_person_inside_a_quotation_is_not_a_new_speaker(nlp, valid):
    _, claims = claims_of(nlp, valid, 'Emmanuel Macron said: "I believe that we will do better next year."')
    assert not [c for c in claims if c["cue"] == "believe"]
    assert one(claims, cue="said")["speaker"]["kind"] == "person"


def test_a_stranded_preposition_after_an_accusation_is_no_claim_and_no_crash(nlp, valid):
    obj, claims = claims_of(nlp, valid, "This is exactly what the opposition accused him of. "
                                        "Nobody knows what he was blamed for.")
    assert claims and all(c["cue"] not in ("accused", "blamed") for c in claims)


def test_a_quotation_over_paragraphs_reopened_at_each_is_one_speakers(nlp, valid):
    text = ("The minister spoke to reporters in Kabul on Monday.\n"
            "“We will not give up the districts we hold, whatever they offer us.\n"
            "“Our forces are ready and our allies have promised more help,” Rohullah Ahmadzai said.\n"
            "The talks are due to resume on Friday.")
    _, claims = claims_of(nlp, valid, text)
    first = next(c for c in claims if c["text"].startswith("We will not give up"))
    assert first["speaker"]["kind"] == "person" and "Ahmadzai" in first["speaker"]["name"]
    last = next(c for c in claims if c["text"].startswith("The talks are due"))
    assert last["speaker"]["kind"] == "author"


def test_he_said_after_a_long_quotation_is_the_one_who_began_it(nlp, valid):
    text = ("“Two victories here,” the analyst Dana Whitcombe said.\n"
            "“The president did not have to sit down for an interview.\n"
            "Robert Mueller is done.\n"
            "No more indictments.\n"
            "A huge day for the White House,” she said.")
    _, claims = claims_of(nlp, valid, text)
    tail = next(c for c in claims if "Robert Mueller is done" in c["text"])
    assert tail["speaker"]["kind"] == "person" and "Whitcombe" in tail["speaker"]["name"]


def test_single_quotation_marks_quote_too(nlp, valid):
    _, claims = claims_of(nlp, valid, "'It is beyond doubt that the president sought to obstruct justice,' "
                                      "Beto O'Rourke continued.")
    c = one(claims, cue="continued")
    assert c["text"] == "It is beyond doubt that the president sought to obstruct justice"
    assert "O'Rourke" in c["speaker"]["name"]


def test_an_embedded_tweet_is_its_account_holders(nlp, valid):
    text = ("The governor reacted within minutes.\n"
            "Our state stands with the families of the two officers killed today.\n"
            "— Jane Whitford (@JaneWhitford) February 10, 2018\n"
            "Police have not named the suspect.")
    _, claims = claims_of(nlp, valid, text, outlet="The Example Post")
    tweet = one(claims, cue="—")
    assert tweet["text"] == "Our state stands with the families of the two officers killed today"
    assert tweet["speaker"]["kind"] == "person" and tweet["speaker"]["name"] == "Jane Whitford"
    assert one(claims, speaker_kind="author", text="Police have not named the suspect")


@pytest.mark.parametrize("text,cue", [
    ("The Packet Record could not confirm those reports of a second breach.", "confirm"),
    ("Sam Patten agreed to cooperate with the prosecutors in New York.", "agreed"),
    ("Revelers welcomed the New Year in Times Square.", "welcomed"),
])
def test_refusals_agreements_to_act_and_welcomed_dates_assert_nothing(nlp, valid, text, cue):
    _, claims = claims_of(nlp, valid, text, outlet="The Example Post")
    assert not [c for c in claims if c["cue"] == cue]
    assert {c["speaker"]["kind"] for c in claims} == {"author"}


def test_called_on_a_weekday_is_when_not_whom(nlp, valid):
    _, claims = claims_of(nlp, valid, "Sergei Lavrov called on Tuesday evening for a dialogue between the Kurds "
                                      "and the government in Damascus.")
    c = one(claims, cue="called")
    assert "Tuesday" not in c["text"] and c["text"].startswith("a dialogue")


@pytest.mark.parametrize("text,cue,claim", [
    ("Officials in Kabul have expressed concern that a deal could be reached without a ceasefire.", "concern",
     "a deal could be reached without a ceasefire"),
    ("Some analysts have questioned whether Russian assistance was meaningful at all.", "questioned",
     "whether Russian assistance was meaningful at all"),
    ('A certain "press freedom" NGO claims that four journalists were arrested.', "claims",
     "four journalists were arrested"),
    ("The fighters came across the border from Tajikistan only weeks ago, we are told.", "told",
     "The fighters came across the border from Tajikistan only weeks ago"),
])
def test_more_ways_to_attribute_to_no_one_in_particular(nlp, valid, text, cue, claim):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert c["speaker"]["kind"] == "unnamed" and c["text"] == claim
