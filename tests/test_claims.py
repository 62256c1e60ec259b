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


@pytest.mark.parametrize("text, claim", [
    ("Tomas Brandt accused the government of fraud.", "the government of fraud"),
    ("Tomas Brandt accused them of corruption.", "corruption"),          # "of" on the verb
    ("Tomas Brandt accused Russia of arming the rebels.", "arming the rebels"),
    ("Tomas Brandt accused the head of the commission.", None),          # no charge: the author's
])
def test_an_accusation_whose_charge_the_parser_hung_on_the_object(nlp, valid, text, claim):
    _, claims = claims_of(nlp, valid, text)
    accusations = [c for c in claims if c["cue"] == "accused"]
    if claim is None:
        assert not accusations and one(claims)["speaker"]["kind"] == "author"
    else:
        (c,) = accusations
        assert c["text"] == claim and c["speaker"]["name"] == "Tomas Brandt"


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


# ---------------------------------------------------------------- claims/0.4: real-text attribution

def test_two_single_marks_typed_for_a_double_one_quote(nlp, valid):
    _, claims = claims_of(nlp, valid, "At 9:40 p.m., a neighbour could be heard yelling, "
                                      "\u2018\u2018Get out of the house right now.\u2019\u2019")
    c = one(claims, cue="yelling")
    assert c["speaker"]["kind"] == "unnamed" and c["speaker"]["name"] == "a neighbour"
    assert c["text"] == "Get out of the house right now"


@pytest.mark.parametrize("text,cue,name,claim", [
    ("The mayor of Rivertown was quoted as saying that the bridge would reopen in June.", "saying",
     "The mayor of Rivertown", "the bridge would reopen in June"),
    ("A man who was shouting could be heard saying, \u201cNobody is allowed in here tonight.\u201d", "saying",
     "A man", "Nobody is allowed in here tonight"),
])
def test_the_one_quoted_or_heard_in_a_passive_is_the_speaker(nlp, valid, text, cue, name, claim):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert c["speaker"]["kind"] == "unnamed" and c["speaker"]["name"].startswith(name)
    assert c["text"] == claim
    assert [x["speaker"]["kind"] for x in claims if x["text"] != claim] == []   # the frame asserts nothing


def test_a_quotation_whose_next_paragraph_forgot_to_reopen_it_closes_there(nlp, valid):
    _, claims = claims_of(nlp, valid, "Among the guests was Pedro Alves, who had not been out in years.\n"
                                      "\"This street was a front line for a long time.\n"
                                      "A shell could have landed here at any moment,\" the 31-year-old said, "
                                      "looking at the square.")
    said = [c for c in claims if c["cue"] == "said"]   # the whole quotation, and its first sentence
    assert {(c["speaker"]["kind"], c["speaker"]["name"]) for c in said} == {("person", "Pedro Alves")}
    assert max(c["text"] for c in said) == ("This street was a front line for a long time.\n"
                                            "A shell could have landed here at any moment")


def test_a_participle_before_the_verb_is_not_what_it_reports(nlp, valid):
    _, claims = claims_of(nlp, valid, "In her address broadcast just before midnight, Chancellor Angela Merkel "
                                      "called on Germans to stay at home over the holidays.")
    c = one(claims, cue="called on")
    assert c["speaker"]["name"] == "Angela Merkel" and c["text"] == "Germans to stay at home over the holidays"


def test_conjoined_speakers_each_say_it(nlp, valid):
    _, claims = claims_of(nlp, valid, "Angela Merkel and Emmanuel Macron said the treaty had to be renegotiated.")
    said = [c for c in claims if c["cue"] == "said"]
    assert sorted(c["speaker"]["name"] for c in said) == ["Angela Merkel", "Emmanuel Macron"]
    assert {c["text"] for c in said} == {"the treaty had to be renegotiated"}


def test_a_persons_office_is_an_organisation(nlp, valid):
    _, claims = claims_of(nlp, valid, "President Emmanuel Macron's office said the visit would go ahead.")
    c = one(claims, cue="said")
    assert c["speaker"] == {"kind": "organization", "name": "President Emmanuel Macron's office", "actor": None}


@pytest.mark.parametrize("text,cue,kind,name,claim", [
    ("Inspectors had visited the farm twice before the fire, but no charges were filed, court records from "
     "the county show.", "show", "unnamed", "court records from the county",
     "Inspectors had visited the farm twice before the fire, but no charges were filed"),
    ("Reuters Source: The carmaker will cut 500 jobs at its plant next month.", ":", "unnamed", "Reuters Source",
     "The carmaker will cut 500 jobs at its plant next month"),
])
def test_postposed_and_colon_sources(nlp, valid, text, cue, kind, name, claim):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert (c["speaker"]["kind"], c["speaker"]["name"], c["text"]) == (kind, name, claim)


def test_a_quotation_after_said_and_a_colon_is_the_speakers(nlp, valid):
    _, claims = claims_of(nlp, valid, "The minister addressed the chamber on Friday. Angela Merkel said:\n"
                                      "\"The reform is finished. Nobody in the cabinet supports it.\n"
                                      "\"We will start again in the autumn.\"")
    c = one(claims, cue="said")
    assert c["speaker"]["name"] == "Angela Merkel"
    assert c["text"].startswith("The reform is finished") and c["text"].endswith("in the autumn")
    assert [x["text"] for x in claims if x["speaker"]["kind"] == "author"] == ["The minister addressed the chamber on Friday"]


def test_the_sentence_after_said_and_a_colon_is_the_speakers(nlp, valid):
    _, claims = claims_of(nlp, valid, "The statement was issued late on Sunday. The interior ministry said:\n"
                                      "The border will stay closed until further notice.")
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "organization"
    assert c["text"] == "The border will stay closed until further notice"


def test_an_inference_from_this_is_the_authors(nlp, valid):
    _, claims = claims_of(nlp, valid, "This wording suggests that the inquiry is far from over.", outlet="The Example Post")
    assert [(c["speaker"]["kind"], c["cue"]) for c in claims] == [("author", None)]


def test_a_negated_stance_on_an_object_takes_no_stance(nlp, valid):
    _, claims = claims_of(nlp, valid, "The prosecutor is not recommending any further charges in the case.")
    assert [(c["speaker"]["kind"], c["cue"]) for c in claims] == [("author", None)]


@pytest.mark.parametrize("text,kind,name", [
    ("\"The vote was rigged from the start,\" said one protester, who gave only his first name.", "unnamed",
     "one protester"),
    ("A woman's voice could be heard yelling, \u201cThere is a fire on the second floor.\u201d", "unnamed",
     "A woman's voice"),
])
def test_numbered_and_indefinitely_owned_sources_are_unnamed(nlp, valid, text, kind, name):
    _, claims = claims_of(nlp, valid, text)
    c = next(c for c in claims if c["speaker"]["kind"] != "author")
    assert c["speaker"]["kind"] == kind and c["speaker"]["name"].startswith(name)


@pytest.mark.parametrize("text,cue,name", [
    # a first-person quotation of an unresolved name
    ("'In my view the whole process was a farce from start to finish,' O'Halloran said.", "said", "O'Halloran"),
    # a surname after "Mr" that the NER missed: the person named before
    ("The economist Harold Quigley warned of the risks in 2016. \u201cDoes this ring a bell?\u201d "
     "Mr Quigley wrote.", "wrote", "Harold Quigley"),
])
def test_a_name_the_actors_could_not_settle_is_a_persons(nlp, valid, text, cue, name):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert (c["speaker"]["kind"], c["speaker"]["name"]) == ("person", name)


def test_a_conditional_before_the_main_clause_is_still_asserted(nlp, valid):
    _, claims = claims_of(nlp, valid, "\"If the ministry is hiding evidence, the public deserves to know,\" "
                                      "said Sen. Laura Kim, a member of the budget committee.")
    c = one(claims, cue="said")
    assert c["speaker"]["name"] == "Laura Kim"
    assert c["text"] == "If the ministry is hiding evidence, the public deserves to know"


def test_what_a_stance_verb_welcomes_something_as_is_an_opinion(nlp, valid):
    _, claims = claims_of(nlp, valid, "Chancellor Angela Merkel welcomed the agreement in a statement as "
                                      "\u201ca step toward lasting peace.\u201d")
    c = one(claims, cue="welcomed")
    assert c["text"] == "a step toward lasting peace" and c["kind"] == "opinion"


def test_a_multi_line_tweet_above_a_picture_link_is_one_claim_of_its_account(nlp, valid):
    text = ("You can read the full letter below:\n"
            "The inspector general has confirmed the end of the audit.\n"
            "We look forward to reading the full report.\n"
            "pic.twitter.com/AbCdEf123\n"
            "\u2014 (((Rep. Jane Doe))) (@RepJaneDoe) March 22, 2019\n"
            "The committee meets again on Monday.")
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue="\u2014")
    assert c["speaker"]["kind"] == "person" and c["speaker"]["name"] in ("Rep. Jane Doe", "Jane Doe")
    assert c["text"] == ("The inspector general has confirmed the end of the audit.\n"
                         "We look forward to reading the full report")


@pytest.mark.parametrize("text,kind", [
    ("Parliament should call a new referendum before the summer.", "opinion"),
    ("I believe the committee made the wrong choice.", "opinion"),
    ("Parliament will call a new referendum before the summer.", "prediction"),
    ("Parliament called a new referendum on Monday.", "fact"),
])
def test_normative_modals_and_first_person_stance_are_opinion(nlp, valid, text, kind):
    _, claims = claims_of(nlp, valid, text)
    assert [c["kind"] for c in claims] == [kind]


@pytest.mark.parametrize("text,name", [
    ("The spokesperson, Dr Sergei Lavrov, said that the talks would not resume.", "Sergey Lavrov"),
    ("Germany's special envoy for Ukraine, Angela Merkel, said the ceasefire had broken down.", "Angela Merkel"),
])
def test_a_role_in_apposition_to_a_name_is_that_persons(nlp, valid, text, name):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue="said")
    assert (c["speaker"]["kind"], c["speaker"]["name"]) == ("person", name)


def test_each_side_of_a_semicolon_reports_its_own_clause(nlp, valid):
    _, claims = claims_of(nlp, valid, "The union said the strike had closed every port; the government says "
                                      "most ports stayed open.")
    said, says = one(claims, cue="said"), one(claims, cue="says")
    assert (said["speaker"]["name"], said["text"]) == ("The union", "the strike had closed every port")
    assert (says["speaker"]["name"], says["text"]) == ("the government", "most ports stayed open")


@pytest.mark.parametrize("text,cue", [
    ("According to a statement from the interior ministry, the border will remain closed until May.",
     "according to"),
    ("A statement from the interior ministry said the border would remain closed until May.", "said"),
])
def test_a_statement_from_a_body_is_the_bodys(nlp, valid, text, cue):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert (c["speaker"]["kind"], c["speaker"]["name"]) == ("organization", "the interior ministry")


def test_a_definite_role_no_one_was_named_for_is_an_unnamed_person(nlp, valid):
    _, claims = claims_of(nlp, valid, "The former chairman of the committee, who left office in May, said "
                                      "the vote was rigged.")
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "unnamed" and c["speaker"]["name"].startswith("The former chairman of the committee")


def test_he_after_a_sentence_about_another_person_is_that_person(nlp, valid):
    _, claims = claims_of(nlp, valid, "Sergei Lavrov said the plan had failed. Later, Angela Merkel spoke to "
                                      "reporters in the capital. \"The plan has worked,\" she said.")
    c = one(claims, text="The plan has worked")
    assert c["speaker"]["name"] == "Angela Merkel"


def test_a_name_inside_a_quotation_does_not_become_the_next_she(nlp, valid):
    _, claims = claims_of(nlp, valid, "\"The plan has failed,\" Angela Merkel said. \"Sergei Lavrov promised "
                                      "us a deal. He broke his word,\" she added.")
    c = one(claims, cue="added")
    assert c["speaker"]["name"] == "Angela Merkel"


def test_said_in_a_filing_that_reports_the_clause_the_parser_hung_on_the_filing(nlp, valid):
    _, claims = claims_of(nlp, valid, "The company said in a filing that profits had fallen.")
    c = one(claims, cue="said")
    assert c["text"] == "profits had fallen"


@pytest.mark.parametrize("text,cue,name", [
    ("Amnesty International released a report on Monday. The group said the prisoners had been tortured.",
     "said", "Amnesty International"),
    ("The interior ministry issued a statement on Monday. It said the border would stay closed.",
     "said", "The interior ministry"),
])
def test_the_group_or_it_is_the_body_the_story_named_before(nlp, valid, text, cue, name):
    _, claims = claims_of(nlp, valid, text)
    c = one(claims, cue=cue)
    assert (c["speaker"]["kind"], c["speaker"]["name"]) == ("organization", name)


def test_a_quotation_paragraph_after_a_named_speakers_indirect_speech_is_theirs(nlp, valid):
    _, claims = claims_of(nlp, valid, "Angela Merkel said the reform was dead.\n"
                                      "\"Nobody in the cabinet supports it any more. We will start again in the autumn.\"\n"
                                      "The chamber adjourned at noon.")
    assert [(c["speaker"]["kind"], c["cue"]) for c in claims] == [("person", "said")] * 3 + [("author", None)]


@pytest.mark.parametrize("sentence", [
    "No one can say that the ceasefire has failed.",
    "Nobody claims that the border is closed.",
    "No serious analyst believes that the talks will succeed.",
    "You would think that the army had learned its lesson.",
    "One might argue that the sanctions have failed.",
    "Can anyone believe that the election was fair?",
])
def test_a_subject_that_is_no_one_is_no_speaker(nlp, valid, sentence):
    _, claims = claims_of(nlp, valid, sentence)
    assert claims and all(c["speaker"]["kind"] == "author" for c in claims), claims


def test_a_capitalised_role_is_a_person_role_not_an_organisation(nlp, valid):
    """"The Pope told ..." names a person by role: the Pope named before, else an unnamed
    person, never an organisation called "The Pope"."""
    _, claims = claims_of(nlp, valid, "The Cardinal told reporters that he knew nothing about the payments.")
    c = one(claims, cue="told")
    assert c["speaker"]["kind"] == "unnamed" and c["speaker"]["name"] == "The Cardinal"
    _, claims = claims_of(nlp, valid, "Pope Francis met the bishops in Rome on Monday. "
                                      "The Pope said that the abuses had been covered up.")
    c = one(claims, cue="said")
    assert c["speaker"]["kind"] == "person" and c["speaker"]["name"] in ("Francis", "Pope Francis")


def test_a_quotation_the_tagger_cut_off_at_its_exclamation_is_the_next_sentences_speakers(nlp, valid):
    # the parse ends the sentence at '!”', so "Gordon Pratt said ..." stands alone after it
    text = ("The raid angered the mayor.\n\u201cHow dare they do this to us!\u201d Interior Minister "
            "Gordon Pratt said in Leeds on Monday, addressing the council.\n\u201cThey endangered "
            "every officer in the city.\u201d\nThe council meets again in June.")
    _, claims = claims_of(nlp, valid, text)
    quoted = [c for c in claims if c["text"].startswith(("How dare", "They endangered"))]
    assert [(c["text"], c["speaker"]["name"], c["cue"]) for c in quoted] == [
        ("How dare they do this to us", "Gordon Pratt", "said"),
        ("They endangered every officer in the city", "Gordon Pratt", "said")]
    assert not [c for c in claims if "Pratt said" in c["text"]]   # the attribution is no claim


@pytest.mark.parametrize("after", ["[emphasis added]", "The police said nothing."])
def test_a_sentence_after_a_quotation_that_reports_nothing_leaves_it_alone(nlp, valid, after):
    _, claims = claims_of(nlp, valid, f"The banner read: \u201cThis is our city now!\u201d {after}")
    quoted = [c for c in claims if "This is our city now" in c["text"]]
    assert quoted and all(c["speaker"]["kind"] == "author" for c in quoted)


def test_told_a_programme_that_is_a_claim_though_the_parser_hangs_the_clause_on_the_programme(nlp, valid):
    _, claims = claims_of(nlp, valid, "The minister told the BBC's Newsnight programme that the talks had failed.")
    c = one(claims, cue="told")
    assert (c["speaker"]["name"], c["text"]) == ("The minister", "the talks had failed")


@pytest.mark.parametrize("text, speaker", [
    ("The report, published by Amnesty International, said 40 prisoners had died in custody.",
     ("organization", "Amnesty International")),
    ("A report by Human Rights Watch said 40 prisoners had died.", ("organization", "Human Rights Watch")),
    ("The report said 40 prisoners had died.", ("unnamed", "The report")),      # no issuer named
    ("Police reports from the suburb show that officers had visited the home.", ("unnamed", "Police")),
])
def test_a_report_speaks_for_the_body_that_issued_it(nlp, valid, text, speaker):
    _, claims = claims_of(nlp, valid, text)
    (c,) = claims
    assert (c["speaker"]["kind"], c["speaker"]["name"]) == speaker
