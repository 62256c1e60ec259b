"""Event status from the parse around the predicate: hand-written sentences with literal
expectations (real spaCy model). Each case names the predicate by its word; the status, the
cue text and the reason are asserted literally. See docs/status.md."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from newsgraph.extract import status as S
from newsgraph.model import EVENT_STATUSES

PUBLISHED = "2019-09-03"


@pytest.fixture(scope="module")
def nlp():
    from newsgraph.nlp import load_nlp
    return load_nlp()


@pytest.fixture(scope="module")
def run(nlp):
    parsed: dict[str, object] = {}

    def analyse(sentence: str, word: str, *, published: str | None = PUBLISHED,
                event_date: str | None = None):
        doc = parsed.get(sentence)
        if doc is None:
            doc = parsed[sentence] = nlp(sentence)
        result = S.event_status(doc, token_index(doc, word), published=published,
                                event_date=event_date)
        if result.cue is not None:
            assert sentence[result.cue.start:result.cue.end] == result.cue.text
        return doc, result
    return analyse


def token_index(doc, word: str) -> int:
    """The index of the one token whose text is ``word`` ("word#2": its second occurrence)."""
    word, _, nth = word.partition("#")
    found = [t.i for t in doc if t.text == word]
    assert found, f"{word!r} not in {doc.text!r}"
    if nth:
        return found[int(nth) - 1]
    assert len(found) == 1, f"{word!r} occurs {len(found)} times in {doc.text!r}"
    return found[0]


def check(run, sentence: str, word: str, status: str, cue: str | None, reason: str, **kw):
    doc, r = run(sentence, word, **kw)
    got = (r.status, r.cue.text if r.cue else None, r.reason)
    assert got == (status, cue, reason), f"{sentence!r} [{word}]"
    if status != "alleged":
        assert r.governor is None and r.speaker_i is None
    return doc, r


# ---------------------------------------------------------------- asserted

ASSERTED_CASES = [
    # the speech act, the denial, the request, the plan are themselves asserted events
    ("The US accuses Russia of supplying weapons to the militants.", "accuses"),
    ("Moscow denied that it arms the Taliban.", "denied"),
    ("Washington urged Islamabad to arrest the militants.", "urged"),
    ("Russia plans to send more troops.", "plans"),
    # plain reported speech keeps its content asserted (GDELT practice)
    ("He said that the army had shelled the village.", "shelled"),
    ("Lavrov told reporters that the army shelled the village.", "shelled"),
    ("The Taliban attacked a checkpoint, according to local officials.", "attacked"),
    # "former" is not historical; a date under a year old is not either
    ("The former president attacked the government yesterday.", "attacked"),
    ("The Taliban captured Kunduz in September 2018.", "captured"),
    # a negation or a speech act of another clause does not reach this one
    ("Russia did not attack the village but shelled the town.", "shelled"),
    ("The Taliban did not attack after the talks failed.", "failed"),
    ("Kabul condemned the attack.", "attack"),
    ("The Taliban claimed responsibility for the attack.", "attack"),
    ("The report Mueller delivered was long.", "delivered"),
    # "even if" concedes; "asked if" asks: neither is a condition on the main clause
    ("This prevents a border even if some goods still need to be checked.", "prevents"),
    ("Asked if he thinks the deadline should be extended, Trump said no.", "said"),
    # not the future copula: "it is hard to"
    ("It is hard to criticize the government.", "criticize"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word", ASSERTED_CASES)
def test_asserted(run, sentence, word):
    check(run, sentence, word, "asserted", None, "asserted")


# ---------------------------------------------------------------- future

FUTURE_CASES = [
    ("The Afghan Taliban will meet in Moscow with Russian leadership on September 4th.", "meet",
     "will", "modal:will"),
    ("They'll send troops.", "send", "'ll", "modal:will"),
    ("Russia plans to send more troops.", "send", "plans to", "future:plan"),
    ("Russia is expected to send troops.", "send", "is expected to", "future:expect"),
    ("The minister is due to visit Kabul on Monday.", "visit", "is due to", "future:due"),
    ("Russia is set to sign the deal.", "sign", "is set to", "future:set"),
    ("Russia is going to send troops.", "send", "is going to", "future:go"),
    ("The minister is to visit Kabul.", "visit", "is to", "future:be"),
    ("Russia is about to launch an offensive.", "launch", "is about to", "future:about"),
    ("Russia agreed to withdraw its troops.", "withdraw", "agreed to", "future:agree"),
    ("The minister has been scheduled to visit Kabul.", "visit", "been scheduled to",
     "future:schedule"),
    # reported future: "would" under a past reporting verb
    ("Lavrov said Russia would send troops.", "send", "would", "modal:would-reported"),
    ("Lavrov said Russia would send troops and deliver weapons.", "deliver", "would",
     "modal:would-reported"),
    # a temporal clause shares the future of its main clause
    ("Russia will retaliate after talks fail.", "fail", "will", "modal:will"),
    # times after the publication date
    ("The minister visits Kabul next week.", "visits", "next week", "future:next"),
    ("Russia sends troops in 2025.", "sends", "in 2025", "future:year"),
    # a conjunct without its own auxiliary shares "will"
    ("The minister will visit Kabul and meet Ghani.", "meet", "will", "modal:will"),
]

FUTURE_NOMINAL_CASES = [
    ("The planned meeting will focus on prisoners.", "meeting", "planned", "modifier:planned"),
    ("The upcoming talks will focus on prisoners.", "talks", "upcoming", "modifier:upcoming"),
    ("Talks scheduled for next week will focus on prisoners.", "Talks", "scheduled",
     "modifier:scheduled"),
    # the parser hangs "next week" on the verb; it belongs to "Talks"
    ("Talks next week will focus on prisoners.", "Talks", "next week", "future:next"),
    ("The talks were postponed.", "talks", "were postponed", "future:postpone"),
    ("Russia will hold talks with the Taliban.", "talks", "will", "modal:will"),
    ("The meeting will take place next week.", "meeting", "will", "modal:will"),
    ("Russia's plan to send troops worries Kabul.", "send", "plan to", "future:plan"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,cue,reason", FUTURE_CASES + FUTURE_NOMINAL_CASES)
def test_future(run, sentence, word, cue, reason):
    check(run, sentence, word, "future", cue, reason)


@pytest.mark.model
def test_future_by_event_date(run):
    check(run, "The Taliban attacked Kabul.", "attacked", "future", None, "future:date",
          event_date="2019-09-04")
    check(run, "The Taliban attacked Kabul.", "attacked", "asserted", None, "asserted",
          event_date="2019-09")  # the month of publication may have begun already


# ---------------------------------------------------------------- hypothetical

HYPOTHETICAL_CASES = [
    ("If talks fail, the Taliban could launch a new offensive.", "launch", "could", "modal:could"),
    ("If talks fail, the Taliban could launch a new offensive.", "fail", "If", "condition:if"),
    ("The US might impose sanctions.", "impose", "might", "modal:might"),
    ("Russia should withdraw its troops.", "withdraw", "should", "modal:should"),
    ("That would be a major escalation.", "be", "would", "modal:would"),
    ("Russia would send troops if Kabul asked.", "send", "would", "modal:would"),
    ("The minister said he would resign if the talks failed.", "resign", "if", "condition:if"),
    ("The Taliban will attack unless talks resume.", "attack", "unless", "condition:unless"),
    ("It is unclear whether Russia will send troops.", "send", "whether", "condition:whether"),
    # the parser reads "case talks" as a compound; the words still make the condition
    ("Keep troops ready in case talks collapse.", "collapse", "in case", "condition:in-case"),
    # requested, not done
    ("Washington urged Islamabad to arrest the militants.", "arrest", "urged Islamabad to",
     "hypothetical:urge"),
    ("The UN called on Kabul to release the prisoners.", "release", "called on Kabul to",
     "hypothetical:call"),
    ("The US demanded that Pakistan arrest the militants.", "arrest", "demanded",
     "hypothetical:demand"),
    ("The US wants Pakistan to arrest the militants.", "arrest", "wants Pakistan to",
     "hypothetical:want"),
    ("Kabul hopes to sign a deal.", "sign", "hopes to", "hypothetical:hope"),
    # threatened or warned of: the THREATEN event is asserted, its content is not
    ("Russia threatened to cut gas supplies.", "cut", "threatened to", "hypothetical:threaten"),
    ("Russia warned that it would retaliate.", "retaliate", "warned", "hypothetical:warn"),
    ("Russia is considering sending troops.", "sending", "considering", "hypothetical:consider"),
    ("Russia is likely to send troops.", "send", "is likely to", "hypothetical:likely"),
    ("It is possible that Russia sent troops.", "sent", "is possible", "hypothetical:possible"),
    ("Russia possibly sent troops.", "sent", "possibly", "adverb:possibly"),
]

HYPOTHETICAL_NOMINAL_CASES = [
    ("The UN called for talks between the two sides.", "talks", "called for", "hypothetical:call"),
    ("Kabul renewed calls for talks with the Taliban.", "talks", "calls for", "hypothetical:call"),
    ("The proposed talks were welcomed by Kabul.", "talks", "proposed", "modifier:proposed"),
    ("The threat of an attack remains high.", "attack", "threat of", "hypothetical:threat"),
    ("Russia has repeatedly threatened retaliation.", "retaliation", "threatened",
     "hypothetical:threaten"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,cue,reason",
                         HYPOTHETICAL_CASES + HYPOTHETICAL_NOMINAL_CASES)
def test_hypothetical(run, sentence, word, cue, reason):
    check(run, sentence, word, "hypothetical", cue, reason)


# ---------------------------------------------------------------- negated

NEGATED_CASES = [
    ("Russia does not directly use the channel.", "use", "not", "negation:not"),
    ("Russia won't send troops.", "send", "n't", "negation:not"),
    ("Russia can't send troops.", "send", "n't", "negation:not"),
    ("Russia never sent troops.", "sent", "never", "negation:never"),
    ("Russia no longer supplies weapons.", "supplies", "no longer", "negation:no-longer"),
    ("Neither Russia nor China sent troops.", "sent", "Neither", "negation:neither"),
    ("No country sent troops.", "sent", "No", "negation:no"),
    ("Nobody was arrested.", "arrested", "Nobody", "negation:nobody"),
    ("The army arrested no one.", "arrested", "no one", "negation:no"),
    ("The Taliban took the city without firing a shot.", "firing", "without", "negation:without"),
    # denial of the event (the REJECT event of Moscow is asserted, see test_asserted)
    ("Moscow denied that it arms the Taliban.", "arms", "denied", "negation:deny"),
    ("Moscow has repeatedly denied supplying the Taliban.", "supplying", "denied",
     "negation:deny"),
    ("Moscow rejected claims that it arms the Taliban.", "arms", "rejected", "negation:reject"),
    ("Moscow denied reports that it arms the Taliban.", "arms", "denied", "negation:deny"),
    ("Moscow dismissed allegations of arming the Taliban.", "arming", "dismissed",
     "negation:dismiss"),
    ("The Taliban failed to capture the city.", "capture", "failed to", "negation:fail"),
    ("Russia refused to send troops.", "send", "refused to", "negation:refuse"),
    ("Russia declined to comment.", "comment", "declined to", "negation:decline"),
    ("Russia did not plan to send troops.", "send", "not", "negation:not"),
    ("Russia has no plans to send troops.", "send", "no", "negation:no"),
    ("Russia's refusal to send troops angered Kabul.", "send", "refusal to", "negation:refusal"),
]

NEGATED_NOMINAL_CASES = [
    ("There was no attack.", "attack", "no", "negation:no"),
    ("The failed coup shocked the country.", "coup", "failed", "modifier:failed"),
    ("Moscow ruled out talks with the Taliban.", "talks", "ruled out", "negation:rule-out"),
    ("Kabul called off the talks.", "talks", "called off", "negation:call-off"),
    ("Kabul denied the attack.", "attack", "denied", "negation:deny"),
    ("Russia prevented an attack on the embassy.", "attack", "prevented", "negation:prevent"),
    ("The Taliban will not attend the talks.", "talks", "not", "negation:not"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,cue,reason", NEGATED_CASES + NEGATED_NOMINAL_CASES)
def test_negated(run, sentence, word, cue, reason):
    check(run, sentence, word, "negated", cue, reason)


# ---------------------------------------------------------------- historical

HISTORICAL_CASES = [
    ("Back in 2015, the Taliban captured Kunduz.", "captured", "Back in 2015", "historical:year"),
    ("The Taliban captured Kunduz in September 2015.", "captured", "in September 2015",
     "historical:year"),
    ("In the 1990s, Russia supplied weapons to the Northern Alliance.", "supplied",
     "In the 1990s", "historical:year"),
    ("The Taliban captured Kunduz four years ago.", "captured", "four years ago",
     "historical:ago"),
    ("Decades ago, the Soviet Union invaded Afghanistan.", "invaded", "Decades ago",
     "historical:ago"),
    ("During the Cold War, the Soviet Union invaded Afghanistan.", "invaded",
     "During the Cold War", "historical:period"),
    ("The 2015 attack killed 40 people.", "attack", "2015", "historical:year"),
    ("Russia launched an attack on Kunduz two years ago.", "attack", "two years ago",
     "historical:ago"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,cue,reason", HISTORICAL_CASES)
def test_historical(run, sentence, word, cue, reason):
    check(run, sentence, word, "historical", cue, reason)


@pytest.mark.model
def test_historical_by_event_date(run):
    sentence = "The Taliban captured Kunduz."
    check(run, sentence, "captured", "historical", None, "historical:date", event_date="2015")
    check(run, sentence, "captured", "historical", None, "historical:date",
          event_date="2018-06-01")
    # less than a year before publication, or no publication date to measure from
    check(run, sentence, "captured", "asserted", None, "asserted", event_date="2018")
    check(run, sentence, "captured", "asserted", None, "asserted", event_date="2015",
          published=None)
    # an absolute year needs the publication date; "years ago" does not
    check(run, "Back in 2015, the Taliban captured Kunduz.", "captured", "asserted", None,
          "asserted", published=None)
    check(run, "The Taliban captured Kunduz four years ago.", "captured", "historical",
          "four years ago", "historical:ago", published=None)
    # a year ago is not more than a year ago
    check(run, "The Taliban captured Kunduz a year ago.", "captured", "asserted", None,
          "asserted")


# ---------------------------------------------------------------- alleged

ALLEGED_CASES = [
    # sentence, predicate, cue, reason, governor word, speaker word
    ("The US accuses Russia of supplying weapons to the militants.", "supplying",
     "accuses Russia of", "speech-act:accuse", "accuses", "US"),
    ("Russia was accused by the US of supplying weapons.", "supplying",
     "was accused by the US of", "speech-act:accuse", "accused", "US"),
    ("Russia is accused of supplying weapons to the Taliban.", "supplying", "is accused of",
     "speech-act:accuse", "accused", None),
    ("The US and Britain accused Russia of interfering in the election.", "interfering",
     "accused Russia of", "speech-act:accuse", "accused", "US"),
    ("Kabul accused Islamabad of harbouring militants and supporting the Taliban.",
     "supporting", "accused Islamabad of", "speech-act:accuse", "accused", "Kabul"),
    ("He claimed that the army had shelled the village.", "shelled", "claimed",
     "speech-act:claim", "claimed", "He"),
    ("Russia claims to have destroyed the convoy.", "destroyed", "claims to", "speech-act:claim",
     "claims", "Russia"),
    ("Russia sent troops, the US claimed.", "sent", "claimed", "speech-act:claim", "claimed",
     "US"),
    # the parser makes "claims" the subject of "sent"; the commas give the parenthetical away
    ("Russia, the US claims, sent troops to the border.", "sent", "claims", "speech-act:claim",
     "claims", "US"),
    ("Kabul suspects Islamabad of harbouring militants.", "harbouring", "suspects Islamabad of",
     "speech-act:suspect", "suspects", "Kabul"),
    ("Iran was charged with violating the agreement.", "violating", "was charged with",
     "speech-act:charge", "charged", None),
    ("Kabul blamed the Taliban for the attack.", "attack", "blamed the Taliban for",
     "speech-act:blame", "blamed", "Kabul"),
    ("Kabul blamed the attack on the Taliban.", "attack", "blamed", "speech-act:blame",
     "blamed", "Kabul"),
    ("The Taliban are said to have received weapons from Iran.", "received", "are said to",
     "speech-act:say", "said", None),
    ("Russia is believed to have sent troops.", "sent", "is believed to", "speech-act:believe",
     "believed", None),
    # allegation nouns
    ("Washington's accusations that Moscow arms the Taliban worry Kabul.", "arms",
     "accusations", "speech-act:accusation", "accusations", "Washington"),
    ("The US made accusations that Moscow arms the Taliban.", "arms", "accusations",
     "speech-act:accusation", "accusations", "US"),
    ("Amid reports that Russia sent troops, Kabul protested.", "sent", "reports",
     "speech-act:report", "reports", None),
    # unconfirmed sources
    ("According to unconfirmed reports, the Taliban captured the town.", "captured",
     "According to unconfirmed reports", "source:unconfirmed", "According", "reports"),
    ("Unconfirmed reports say the Taliban captured the town.", "captured",
     "Unconfirmed reports say", "source:unconfirmed", "say", "reports"),
    # hedges and modifiers: alleged by nobody in particular
    ("The Taliban allegedly received weapons from Iran.", "received", "allegedly",
     "adverb:allegedly", None, None),
    ("Kabul reportedly arrested 3 journalists.", "arrested", "reportedly", "adverb:reportedly",
     None, None),
    ("The alleged attack killed five people.", "attack", "alleged", "modifier:alleged",
     None, None),
    ("The attack was allegedly carried out by the Taliban.", "attack", "allegedly",
     "adverb:allegedly", None, None),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,cue,reason,governor,speaker", ALLEGED_CASES)
def test_alleged(run, sentence, word, cue, reason, governor, speaker):
    doc, r = check(run, sentence, word, "alleged", cue, reason)
    assert (doc[r.governor].text if r.governor is not None else None) == governor
    assert (doc[r.speaker_i].text if r.speaker_i is not None else None) == speaker


# ---------------------------------------------------------------- precedence and scope

PRECEDENCE_CASES = [
    # negated > future
    ("Russia denied it will send troops.", "send", "negated", "denied", "negation:deny"),
    ("Russia will not send troops.", "send", "negated", "not", "negation:not"),
    ("The planned meeting was cancelled.", "meeting", "negated", "was cancelled",
     "negation:cancel"),
    # negated > alleged
    ("Kabul claimed that Russia did not send troops.", "send", "negated", "not", "negation:not"),
    ("Russia has repeatedly denied the allegations of supplying the Taliban.", "supplying",
     "negated", "denied", "negation:deny"),
    # hypothetical > future
    ("If talks fail, the Taliban will launch an offensive.", "launch", "hypothetical", "If",
     "condition:if"),
    ("Russia plans to send troops if talks fail.", "send", "hypothetical", "if", "condition:if"),
    # future > alleged ("a claim about the future is a prediction")
    ("The US claims Russia will send troops.", "send", "future", "will", "modal:will"),
    ("Moscow accuses Washington of planning to attack Iran.", "attack", "future", "planning to",
     "future:plan"),
    ("Moscow accuses Washington of planning to attack Iran.", "planning", "alleged",
     "accuses Washington of", "speech-act:accuse"),
    # alleged > historical; future > historical (future-in-the-past stays future)
    ("Back in 2015, Russia allegedly supplied weapons to the Taliban.", "supplied", "alleged",
     "allegedly", "adverb:allegedly"),
    ("In 2015, Russia planned to send troops.", "send", "future", "planned to", "future:plan"),
    ("In 2015, Kabul accused Islamabad of harbouring militants.", "accused", "historical",
     "In 2015", "historical:year"),
    # scope: a hypothetical operator above a negation wins; below it, the negation wins
    ("Russia may not send troops.", "send", "hypothetical", "may", "modal:may"),
    ("Russia could not send troops.", "send", "negated", "not", "negation:not"),
    ("If talks do not resume, the Taliban will attack.", "resume", "hypothetical", "If",
     "condition:if"),
    ("Washington urged Islamabad not to release the militants.", "release", "hypothetical",
     "urged Islamabad not to", "hypothetical:urge"),
    ("Russia could refuse to send troops.", "send", "hypothetical", "could", "modal:could"),
    ("Russia refused to consider sending troops.", "sending", "negated", "refused to",
     "negation:refuse"),
    ("Kabul rejected the proposal to hold talks.", "hold", "negated", "rejected",
     "negation:reject"),
    # double negation: not excluded, not confirmed
    ("Pompeo did not rule out new sanctions.", "sanctions", "hypothetical", "not rule out",
     "negation:double"),
    ("Moscow did not deny that it arms the Taliban.", "arms", "hypothetical", "not deny",
     "negation:double"),
    ("Russia neither confirmed nor denied the attack.", "attack", "hypothetical", "nor denied",
     "negation:double"),
    ("Moscow refused to rule out military action.", "action", "hypothetical",
     "refused to rule out", "negation:double"),
    # a negated speech act leaves its content alleged (not negated: nobody denied it)
    ("Kabul did not claim that Russia attacked the village.", "attacked", "alleged", "claim",
     "speech-act:claim"),
]


@pytest.mark.model
@pytest.mark.parametrize("sentence,word,status,cue,reason", PRECEDENCE_CASES)
def test_precedence(run, sentence, word, status, cue, reason):
    check(run, sentence, word, status, cue, reason)


# ---------------------------------------------------------------- API and data

@pytest.mark.model
def test_result_fields_and_bad_dates(run, nlp):
    doc, r = run("The Taliban will meet in Moscow.", "meet")
    assert isinstance(r, S.StatusResult) and r.status in EVENT_STATUSES
    assert (r.cue.start, r.cue.end) == (12, 16)
    with pytest.raises(ValueError):
        S.event_status(doc, 3, published="03/09/2019")
    with pytest.raises(ValueError):
        S.event_status(doc, 3, published=PUBLISHED, event_date="2019-13")
    with pytest.raises(ValueError):
        S.StatusResult("maybe", None, None, None, "x")


def test_cue_file_loads_once_and_validates():
    assert S.load_cues() is S.load_cues()
    assert S.EXTRACTOR_VERSION == "status/1.0"
    assert {"accuse", "allege", "claim", "charge", "blame", "suspect"} <= S.SPEECH_ACT_LEMMAS
    assert not {"say", "tell", "announce", "confirm"} & S.SPEECH_ACT_LEMMAS
    raw = json.loads(resources.files("newsgraph.data").joinpath(S.CUES_FILE).read_text("utf-8"))
    bad = json.loads(json.dumps(raw))
    bad["governors"]["plan"]["status"] = "planned"
    with pytest.raises(ValueError, match="unknown status"):
        S.parse_cues(bad)
    bad = json.loads(json.dumps(raw))
    bad["governors"]["plan"]["via"] = ["sideways"]
    with pytest.raises(ValueError, match="bad via"):
        S.parse_cues(bad)
