"""Claims and their speakers: who says what, sentence by sentence.

``extract_claims(doc, document, actors)`` is a pure function of the parsed document and its
resolved actors. Every sentence that asserts something gives one claim or more:

1. **Reported speech.** A reporting verb (``data/claim_cues.json``: said, told, accused,
   restated, specified, denied, claimed...) whose complement is a clause ("said that ...",
   "specified that ..."), a quotation, a to-clause ("vowed to ...") or, for accusations, an
   of/for-clause ("accused Russia of arming ...") makes a claim of that complement, spoken by
   the verb's subject (in the passive, by its by-agent; a participle without a subject takes
   its clause's: "..., claiming Washington had ...").
2. **"According to X"** makes the rest of the sentence X's claim.
3. **Impersonal attribution** ("it is understood that ...", "... is believed to ...") makes
   an unnamed claim.
4. Any other sentence is the **author's** claim (the outlet's).

Speakers resolve through the actors already found, so a pronoun the actor extractor linked
("Later he specified that ...") is the person named before. A subject that stands for no one
in particular ("sources say", "a number of media reports", "leading experts conclude",
"officials said" with no country) is an **unnamed** speaker, which the report makes visible.

Each claim gets a **kind** (question, prediction, opinion, fact: from its words, in that order
of precedence) and a **check-worthiness** score in 0..1: mostly the trained ranker
(``newsgraph.checkworthiness``, trained on debate transcripts; its model card has the
figures), with a tenth of the hand-written heuristic ``checkworthiness`` below, which encodes
what news needs (``blend_checkworthiness``; eval/checkworthiness.py measures each option).
"""

from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Sequence

from ..model import Actor, Claim, Document, Span, Speaker
from .mentions import token_records

EXTRACTOR_VERSION = "claims/0.3"
CUES_FILE = "claim_cues.json"

QUOTES = "\"“”«»"
_OPEN_CLOSE = re.compile(r"[\"“”«»]")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
PERSON_KINDS = frozenset({"person"})
ORG_KINDS = frozenset({"organization", "country", "group", "igo", "city", "unknown"})
NAMING_VERBS = frozenset({"call", "describe", "dismiss", "brand", "label", "term", "characterize",
                          "characterise", "denounce"})
SPEECH_NOUNS = frozenset({"accusation", "allegation", "claim", "statement", "assertion", "warning",
                          "denial", "charge", "insistence", "suggestion", "assurance", "concern", "fear",
                          "hope", "view", "belief", "argument", "position", "assessment", "conviction",
                          "doubt", "suspicion", "regret", "confidence", "expectation"})
# verbs whose object noun holds its subject's claim: "expressed concern that", "repeated the
# argument that", "voiced doubts that"
HOLDING_VERBS = frozenset({"express", "voice", "raise", "repeat", "make", "issue", "reiterate", "echo",
                           "advance", "share", "state", "air", "give", "offer", "restate"})
WH_WORDS = frozenset({"why", "how", "whether", "what", "where", "when", "who", "if"})
QUANTIFIERS = frozenset({"number", "lot", "majority", "plenty", "host", "couple", "handful", "series",
                         "range", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands",
                         "some", "many", "most", "all", "several", "few"})
FIRST_PERSON = frozenset({"i", "we"})
# nouns of an office a named person holds: "the minister said" is the minister named before
PERSON_ROLES = frozenset("""minister president spokesman spokeswoman spokesperson ambassador envoy
    secretary chancellor premier governor mayor commander general chief director leader head
    senator representative lawmaker official prosecutor judge king queen prince emir diplomat
    negotiator""".split())
# nouns of a text an institution issues: "the statement said" is the body named before
DOCUMENT_NOUNS = frozenset("""statement communique communiqué release readout letter declaration
    announcement notice resolution""".split())
# reporting verbs whose direct object is what is asserted or judged (not the hearer, as for "told")
OBJECT_CUES = frozenset("""welcome hail reject condemn praise criticize criticise applaud denounce
    deny confirm claim acknowledge admit allege announce report demand propose recommend question
    reaffirm repeat reiterate restate rule dismiss predict promise pledge vow threaten fear expect""".split())
# reporting verbs whose negation reports a silence, not a claim ("could not confirm")
REFUSABLE = frozenset({"confirm", "verify", "comment", "specify", "disclose", "reveal", "elaborate",
                       "answer", "reply", "respond", "explain"})
# verbs that report only a quotation beside them ("'...,' he continued")
QUOTE_ONLY = frozenset({"continue"})
# verbs whose to-clause (or -ing clause) is what they assert: "vowed to fight on", "denied
# receiving weapons", "urged them to reciprocate" (not "agreed to cooperate": an event)
XCOMP_CUES = frozenset("""vow pledge promise threaten claim deny admit acknowledge urge call ask demand
    press encourage warn expect advise order invite fear""".split())
# verbs whose object is the subject of the to-clause: "urged the insurgents to reciprocate"
OBJECT_CONTROL = frozenset({"urge", "call", "ask", "demand", "press", "encourage", "warn", "expect", "advise",
                            "tell", "order", "invite"})
RELATIVE = frozenset({"who", "which", "that", "whom"})
HEDGES = frozenset({"may", "might", "could", "reportedly", "allegedly", "possibly", "perhaps",
                    "apparently", "seemingly", "rumoured", "rumored", "supposedly"})


@lru_cache(maxsize=1)
def cues() -> dict:
    raw = json.loads(resources.files("newsgraph").joinpath("data", CUES_FILE).read_text("utf-8"))
    return {
        "reporting": frozenset(raw["reporting_verbs"]),
        "unnamed": frozenset(raw["unnamed"]),
        "unnamed_people": frozenset(raw["unnamed_people"]),
        "impersonal": frozenset(raw["impersonal"]),
        "opinion": frozenset(raw["opinion"]),
        "prediction": frozenset(raw["prediction"]),
    }


# ------------------------------------------------------------------ spans

def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces, quotation marks and closing punctuation at the ends of a claim."""
    while start < end and (text[start].isspace() or text[start] in QUOTES or text[start] in ",;:‘"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in QUOTES or text[end - 1] in ",;:.!’"):
        end -= 1
    return start, end


def _char_span(tokens) -> tuple[int, int]:
    toks = sorted(tokens, key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _sentence_bounds(text: str, sent) -> tuple[int, int]:
    start, end = sent.start_char, sent.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


# ------------------------------------------------------------------ speakers

def _subject(verb):
    """(subject head, passive) of a verb, inherited from the clause a participle or an
    xcomp/conj hangs from ("..., claiming Washington had ...")."""
    t = verb
    for _ in range(4):
        for c in t.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c, False
            if c.dep_ == "nsubjpass":
                return c, True
        if t.dep_ in ("xcomp", "conj", "advcl", "acl", "pcomp", "prep") and t.head.i != t.i:
            t = t.head
            continue
        break
    return None, False


def _agent(verb):
    for c in verb.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _phrase_text(tok) -> str:
    toks = [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "appos", "punct") or t.i == tok.i]
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
    return tok.doc[lo:hi + 1].text


def _antecedent(tok, tok_actor: dict[int, Actor]):
    """What a relative "who" stands for: the person the noun phrase names, climbing from the
    word the parser attached the clause to ("Kabulov, the envoy for Afghanistan, who ...")."""
    t = tok
    for _ in range(5):
        a = tok_actor.get(t.i)
        if a is not None and a.kind == "person":
            return t
        if t.dep_ not in ("pobj", "prep", "appos", "compound") or t.head.i == t.i:
            break
        t = t.head
    return tok


class _Context:
    """What the document has said so far: for pronouns and definite descriptions of speakers."""

    def __init__(self, doc, tok_actor: dict[int, Actor], author: Speaker):
        self.author = author
        self.sent_starts = [s.start for s in doc.sents]
        self.last: dict[str, tuple[int, Speaker]] = {}   # speaker kind -> (sentence number, speaker)
        self.unnamed: dict[str, Speaker] = {}   # head noun -> the last unnamed source it named
        self.persons = sorted({(i, a.id): a for i, a in tok_actor.items() if a.kind == "person"}.items())

    def sentence(self, tok) -> int:
        return bisect.bisect_right(self.sent_starts, tok.i) - 1

    def said(self, tok, speaker: Speaker) -> None:
        if speaker.kind in ("person", "organization") and speaker.actor:
            self.last[speaker.kind] = (self.sentence(tok), speaker)
        if speaker.kind == "person" or (speaker.kind == "unnamed" and speaker.name
                                        and not speaker.name.lower().endswith("s")):
            self.last["he/she"] = (self.sentence(tok), speaker)   # "a doctor ... said"; later "he said"

    def recent(self, kind: str, tok, sentences: int = 4) -> Speaker | None:
        """The last speaker of a kind within a few sentences before ``tok``."""
        got = self.last.get(kind)
        if got is None:
            return None
        return got[1] if self.sentence(tok) - got[0] <= sentences else None

    def person_before(self, tok, role: str | None = None, within: int | None = None) -> Speaker | None:
        """The last person actor mentioned before ``tok`` (whose role holds ``role``, if given;
        no more than ``within`` sentences back, if given)."""
        here = self.sentence(tok)
        for (i, _), a in reversed(self.persons):
            if within is not None and here - bisect.bisect_right(self.sent_starts, i) + 1 > within:
                return None
            if i < tok.i and (role is None or (a.role and role in a.role.lower())):
                return Speaker("person", a.name, a.id)
        return None


def _speaker_of(tok, tok_actor: dict[int, Actor], ctx: _Context | None = None, anchor=None) -> Speaker:
    """The speaker a subject (or according-to object) phrase stands for; a pronoun is looked
    up from ``anchor`` (where the quotation it ends began) when given."""
    c = cues()
    low = tok.lower_
    if ctx is not None and low in FIRST_PERSON and not _in_quote(tok):
        return ctx.author   # "we say" in an opinion piece: the author
    if ctx is not None and low in ("he", "she"):
        # "he said" after a quotation: the one who spoke last, before whoever the quotation
        # itself names (the actor extractor links the pronoun to the nearest person)
        found = ctx.recent("he/she", anchor if anchor is not None else tok, 2)
        if found is not None:
            return found
    actor = tok_actor.get(tok.i)
    if actor is None:   # "Russia's foreign minister Sergei Lavrov": an actor inside the head phrase
        for t in tok.subtree:
            if t.dep_ in ("relcl", "acl"):
                continue
            if t.i in tok_actor and (t.head.i == tok.i or t.dep_ in ("compound", "appos", "poss")):
                actor = tok_actor[t.i]
                if actor.kind == "person":
                    break
    head_word = tok.lemma_.lower()
    if actor is None and head_word in QUANTIFIERS:   # "a number of media reports"
        of = next((ch for ch in tok.children if ch.dep_ == "prep" and ch.lower_ == "of"), None)
        inner = next((ch for ch in of.children if ch.dep_ == "pobj"), None) if of is not None else None
        if inner is not None:
            found = _speaker_of(inner, tok_actor, ctx)
            return Speaker(found.kind, _phrase_text(tok), found.actor)
    phrase = _phrase_text(tok)
    named_person = actor is not None and actor.kind == "person"
    common = tok.pos_ == "NOUN" or (tok.pos_ == "NUM" and low == "one")
    definite = any(d.dep_ in ("det", "poss") and d.lower_ in ("the", "this", "that", "its", "his", "her")
                   for d in tok.children)
    if ctx is not None and not named_person and common and definite and tok.tag_ == "NN":
        if head_word in PERSON_ROLES or head_word in c["unnamed_people"]:
            # "the former intelligence official said" after "a former senior intelligence
            # official said": the same unnamed source; else the person with that role
            found = ctx.unnamed.get(head_word) or ctx.person_before(tok, head_word) or ctx.recent("he/she", tok, 3) or \
                ctx.recent("person", tok) or ctx.person_before(tok, within=2)
            if found is not None:
                return found   # "the minister said", "the diplomat added": the one named before
        if head_word in DOCUMENT_NOUNS:
            found = ctx.recent("organization", tok)
            if found is not None:
                return found   # "the statement said": the body that issued it
    if low == "one" and any(ch.dep_ == "prep" and ch.lower_ == "of" for ch in tok.children):
        # "one of the officials", "one of them": someone of a group, not named
        return Speaker("unnamed", phrase, actor.id if actor is not None and actor.kind != "person" else None)
    indefinite_role = head_word in PERSON_ROLES and any(
        d.dep_ == "det" and d.lower_ in ("a", "an") for d in tok.children)   # "a coalition spokesman"
    if not named_person and (head_word in c["unnamed_people"] or low in c["unnamed_people"] or indefinite_role):
        # "a senior State Department official", "Russian officials", "U.S. commanders"
        found = Speaker("unnamed", phrase, actor.id if actor is not None else None)
        if ctx is not None and tok.tag_ == "NN":
            ctx.unnamed[head_word] = found
        return found
    if actor is None and not common and any(d.dep_ == "det" and d.lower_ in ("a", "an", "some", "certain")
                                            for d in tok.children):
        return Speaker("unnamed", phrase, None)   # 'a certain "press freedom" NGO'
    if not named_person and common and (tok.tag_ == "NNS" or any(
            d.dep_ == "det" and d.lower_ in ("a", "an", "some", "several", "many", "both", "certain", "other")
            for d in tok.children)):
        # a plural or indefinite common noun picks out no one: "rights groups", "both sides",
        # "some lawmakers on Capitol Hill", "a certain NGO", "colleagues"
        return Speaker("unnamed", phrase, actor.id if actor is not None else None)
    if actor is not None and actor.kind != "agent":
        kind = "person" if actor.kind in PERSON_KINDS else "organization"
        return Speaker(kind, actor.name, actor.id)
    if actor is not None:   # a bare agent: "officials said" is unnamed, "the ministry said" is someone
        indefinite = tok.tag_ in ("NNS", "NNPS") or any(
            d.dep_ == "det" and d.lower_ in ("a", "an", "some", "several", "one") for d in tok.children)
        return Speaker("unnamed" if indefinite else "organization", phrase, actor.id)
    if head_word in c["unnamed"] or low in c["unnamed"]:
        return Speaker("unnamed", phrase, None)
    if ctx is not None:
        if low in ("he", "she"):
            at = anchor if anchor is not None else tok
            return (ctx.recent("he/she", at, 2) or ctx.recent("person", at) or ctx.person_before(at)
                    or Speaker("person", phrase, None))
        if low in ("it", "they") and tok.dep_ != "nsubjpass":
            found = ctx.recent("organization", tok)
            if found is not None:
                return found
    if tok.ent_type_ == "PERSON" or low in ("he", "she") or any(
            a.dep_ == "appos" and a.lemma_.lower() in PERSON_ROLES for a in tok.children):
        return Speaker("person", phrase, None)
    if low in ("i", "we", "they", "it", "this", "that"):
        return Speaker("unnamed", phrase, None)
    return Speaker("organization", phrase, None)


def _in_quote(tok) -> bool:
    """Whether a token lies between quotation marks of its sentence."""
    sent = tok.sent
    marks = [t.i for t in sent if t.text in QUOTES or t.text in ("``", "''")]
    return sum(1 for m in marks if m < tok.i) % 2 == 1


# ------------------------------------------------------------------ what a verb reports

def _content(verb, text: str, sent_bounds: tuple[int, int],
             regions: Sequence[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """Character span of what a reporting verb reports, or None."""
    lemma = verb.lemma_.lower()
    for a, b in regions:   # '"... (sentences before) ... Huge victory," he said': all of the quotation
        if a < sent_bounds[0] <= b < verb.idx and b - a > 12:
            return a, b
    if lemma in QUOTE_ONLY:   # "'...,' he continued" reports a quotation; "it continued to" does not
        return _quotation_outside(verb, sent_bounds, regions)
    for c in verb.children:
        if c.dep_ == "ccomp":
            toks = sorted(c.subtree, key=lambda t: t.i)
            if toks[0].lower_ in WH_WORDS and not (lemma in DOUBT_VERBS and toks[0].lower_ in ("whether", "if")):
                return None   # "explain why ...", "asked whether ...": no assertion
            while len(toks) > 1 and (toks[0].dep_ == "mark" or toks[0].is_punct) \
                    and toks[0].lower_ not in ("whether", "if"):
                toks = toks[1:]              # "said that ...": the claim starts after "that"
            return _char_span(toks)
    if lemma == "call":   # "called for a new vote", "called on the Taliban to extend it"
        for c in verb.children:
            if c.dep_ in ("prep", "prt") and c.lower_ in ("for", "on", "upon"):
                toks = [t for t in c.subtree if t.i != c.i]
                if all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in toks):
                    continue   # "called on Tuesday evening": when, not on whom
                xcomp = [t for x in verb.children if x.dep_ == "xcomp" for t in x.subtree]
                if toks:
                    return _char_span(toks + xcomp)
    if lemma in NAMING_VERBS:   # "called it fake news", "described the report as baseless"
        for c in verb.children:
            if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as"):
                toks = [t for t in c.subtree if not (c.dep_ == "prep" and t.i == c.i)]
                if toks and not all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in toks):
                    return _char_span(toks)
    for c in verb.children:
        if c.dep_ == "xcomp" and lemma in XCOMP_CUES:
            # "vowed to fight on", "denied receiving any weapons", "urged the insurgents to reciprocate"
            obj = next((o for o in verb.children if o.dep_ == "dobj" and o.i < c.i), None)
            toks = list(c.subtree) + (list(obj.subtree) if obj is not None and lemma in OBJECT_CONTROL else [])
            return _char_span(toks)
        if c.dep_ == "prep" and c.lower_ in ("of", "for") and lemma in ("accuse", "blame", "charge", "suspect",
                                                                      "criticize", "criticise", "condemn"):
            toks = [t for t in c.subtree if t.i != c.i]
            if toks:   # not a stranded preposition: "what they accused him of"
                return _char_span(toks)
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None and lemma in ("put", "place", "estimate"):
        at = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at"), None)
        if at is not None:   # "put the death toll at 57"
            return _char_span(list(obj.subtree) + list(at.subtree))
        if lemma != "estimate":
            return None
    if lemma in ("warn", "complain", "speak", "boast", "brag", "talk"):
        about = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("of", "about", "against")), None)
        if about is not None and len(list(about.subtree)) > 2:   # "warned of the growing presence of IS"
            return _char_span([t for t in about.subtree if t.i != about.i])
    if obj is not None and lemma in OBJECT_CUES and obj.pos_ != "PRON" \
            and obj.ent_type_ not in ("DATE", "TIME", "EVENT") and not (
            lemma == "rule" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)):
        # a stance taken on a thing: "welcomed the exchange", "rejected the report",
        # "confirmed the visit", "claimed the attack", "did not rule out a meeting"
        return _char_span(list(obj.subtree))
    if any(c.dep_ == "nsubjpass" and c.lower_ != "it" for c in verb.children):
        return None   # "The meeting was restated by Kabulov": what is restated is the subject
    if verb.head.i != verb.i and (verb.dep_ == "parataxis" or (
            verb.dep_ == "ccomp" and verb.head.i < verb.i and any(
                t.is_punct for t in verb.doc[verb.head.i:verb.left_edge.i]))):
        # "The US accusation, Lavrov made clear, is fake news": the clause around it (a claim is
        # one stretch of text, so the span runs over the parenthesis)
        inner = {t.i for t in verb.subtree}
        rest = [t for t in verb.sent if t.i not in inner and not t.is_punct]
        if len(rest) >= 3:
            return _char_span(rest)
    # a quotation in the sentence, outside which the verb stands: '"...," he said.', or one
    # that began in an earlier sentence and closes in this one, before the verb:
    # '"This area was dangerous. / A mortar round could have fallen at any moment," she said.'
    return _quotation_outside(verb, sent_bounds, regions)


def _quotation_outside(verb, sent_bounds: tuple[int, int], regions) -> tuple[int, int] | None:
    for a, b in regions:
        if a < sent_bounds[1] and b > sent_bounds[0] and not (a <= verb.idx < b) and b - a > 12 \
                and (a >= sent_bounds[0] or b < verb.idx):
            return a, b
    return None


def _kind(tokens, text: str) -> str:
    c = cues()
    if text.rstrip().endswith("?"):
        return "question"
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    if any(t.dep_ in ("aux",) and t.lower_ in c["prediction"] for t in tokens) or \
            words & {"expected", "likely", "unlikely", "forecast", "predict", "going"}:
        return "prediction"
    if words & c["opinion"]:
        return "opinion"
    return "fact"


def blend_checkworthiness(model: float, heuristic: float) -> float:
    """The check-worthiness a claim reports: mostly the trained ranker (debates), its
    probabilities (mostly under 0.2 on news) spread by a square root, with a tenth of the
    heuristic (news: unsourced specific facts first, opinion and questions last) as a
    tie-breaker. On held-out CheckThat transcripts this is as good as the ranker alone (pooled
    MAP 0.140 vs 0.139), where the earlier half-and-half blend lost 0.012
    (eval/checkworthiness.py prints each option)."""
    return round(min(max(0.1 * heuristic + 0.9 * model ** 0.5, 0.0), 1.0), 3)


def checkworthiness(tokens, kind: str, speaker: Speaker) -> float:
    """The earlier heuristic check-worthiness in 0..1 (the baseline of eval/checkworthiness.py): verifiable facts (numbers, dates,
    named actors) rank high, opinion, prediction and questions low; a claim no one is named
    for (the author's own, or an unnamed source's) ranks higher, hedged claims lower."""
    base = {"fact": 0.55, "opinion": 0.25, "prediction": 0.2, "question": 0.05}[kind]
    toks = list(tokens)
    if any(t.like_num or t.ent_type_ in ("DATE", "CARDINAL", "PERCENT", "MONEY", "QUANTITY") for t in toks):
        base += 0.12
    if any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in toks):
        base += 0.1
    if speaker.kind in ("author", "unnamed") and kind == "fact":
        base += 0.1
    if any(t.lower_ in HEDGES for t in toks):
        base -= 0.15
    if len(toks) < 5:
        base -= 0.2
    return round(min(max(base, 0.0), 1.0), 3)


# ------------------------------------------------------------------ the extractor

def _impersonal(verb):
    """The "it" of "it is understood / believed / well known that ...", or None."""
    if verb.lemma_.lower() not in cues()["impersonal"]:
        return None
    for holder in (verb, verb.head) if verb.dep_ == "acomp" else (verb,):
        it = next((c for c in holder.children if c.dep_ in ("nsubjpass", "nsubj") and c.lower_ == "it"), None)
        if it is not None and (holder is not verb or it.dep_ == "nsubjpass"):
            return it
    return None


HEARSAY_PASSIVES = frozenset({"say", "report", "believe", "understand", "think", "rumour", "rumor",
                              "allege", "claim", "know", "expect", "suppose", "estimate", "consider"})
DOUBT_VERBS = frozenset({"question", "doubt"})   # "questioned whether X": a doubt about X
HEARSAY_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "supposedly"})


def _clause(verb) -> list:
    """A verb's clause without a leading conjunction, relative pronoun or punctuation."""
    toks = sorted(verb.subtree, key=lambda t: t.i)
    while len(toks) > 1 and (toks[0].dep_ in ("mark", "cc", "advmod") and toks[0].i < verb.i
                             and toks[0].lower_ not in HEARSAY_ADVERBS or toks[0].is_punct
                             or toks[0].lower_ in RELATIVE):
        toks = toks[1:]
    return toks


def _hearsay(verb) -> str | None:
    """The cue of an agentless passive of saying or believing with a to-clause ("were said
    to", "is expected to"), or None."""
    if verb.lemma_.lower() not in HEARSAY_PASSIVES or _agent(verb) is not None:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subj is None or subj.lower_ == "it" or not any(c.dep_ == "xcomp" for c in verb.children):
        return None
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    return verb.doc[(aux[0].i if aux else verb.i):verb.i + 1].text


def _according_to(sent) -> tuple[object, tuple[int, int]] | None:
    """("according to" object head, the phrase's char span) in a sentence."""
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            to = t.doc[t.i + 1]
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) or \
                next((c for c in t.children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            toks = [t, to] + list(obj.subtree)
            return obj, _char_span(toks)
    return None


def extract_claims(doc, document: Document, actors: Sequence[Actor]) -> tuple[Claim, ...]:
    text = document.text
    c = cues()
    tok_actor = token_records(doc, actors)
    author = Speaker("author", document.source, None)
    ctx = _Context(doc, tok_actor, author)
    regions = _quote_regions(text)
    found: list[tuple[int, int, Speaker, str | None]] = []
    for sent in doc.sents:
        s_start, s_end = _sentence_bounds(text, sent)
        if s_end - s_start < 3 or not any(t.pos_ in ("VERB", "AUX") for t in sent):
            continue
        attributed = False
        frames: set[int] = set()   # tokens of the attributions: what they leave is the author's
        first_found = len(found)
        for v in sent:
            if v.pos_ != "VERB":
                continue
            impersonal = _impersonal(v)
            if v.lemma_.lower() not in c["reporting"] and v.lemma_.lower() not in NAMING_VERBS \
                    and impersonal is None:
                continue
            if v.dep_ == "xcomp" and v.head.lemma_.lower() in ("seem", "appear"):
                continue   # "seems to think he can...": the author's reading, not a claim of his
            hearsay = _hearsay(v)
            if hearsay is not None:
                # "negotiators were said to be close to a deal", "Barr is expected to hand ...":
                # the sentence is reported by someone the text does not name
                a, b = _trim(text, *_char_span(_clause(v)))
                found.append((a, b, Speaker("unnamed", hearsay, None), hearsay))
                attributed = True
                frames.update(t.i for t in v.subtree)
                continue
            if v.lemma_.lower() in REFUSABLE and any(ch.dep_ == "neg" for ch in v.children):
                continue   # "Kabul Daily could not confirm those reports": nothing is asserted
            content = _content(v, text, (s_start, s_end), regions)
            if content is None:
                continue
            subj, passive = _subject(v)
            if impersonal is not None:
                speaker = Speaker("unnamed", doc[impersonal.i:v.i + 1].text, None)   # "it is understood"
            elif passive:
                agent = _agent(v)
                if agent is None and subj is not None and subj.lower_ in FIRST_PERSON \
                        and v.lemma_.lower() in ("tell", "inform", "assure", "brief"):
                    speaker = Speaker("unnamed", doc[subj.i:v.i + 1].text, None)   # "..., we are told"
                elif agent is None:
                    continue
                else:
                    speaker = _speaker_of(agent, tok_actor, ctx)
            elif subj is None:
                continue
            elif subj.lower_ in FIRST_PERSON and _in_quote(subj):
                continue   # '"I believe in us"': the quoted speaker's own words, not a new claim
            else:
                if subj.lower_ in RELATIVE and v.dep_ == "relcl":
                    subj = _antecedent(v.head, tok_actor)   # "Kabulov, the Kremlin's envoy, who told ..."
                anchor = None
                if content[0] < s_start and subj.lower_ in ("he", "she", "they"):
                    # '"... (seven sentences) ...," he said': the one who spoke before the quotation
                    anchor = doc.char_span(content[0], content[0] + 1, alignment_mode="expand")
                speaker = _speaker_of(subj, tok_actor, ctx, anchor=anchor[0] if anchor else None)
                ctx.said(v, speaker)
            cue = v.text + "".join(" " + ch.text for ch in v.children if ch.dep_ == "prt")
            a, b = _trim(text, *content)
            if b > a:
                found.append((a, b, speaker, cue))
                attributed = True
                frames.update(t.i for t in v.subtree)
        acc = _according_to(sent)
        if acc is not None:
            obj, (p0, p1) = acc
            left, right = _trim(text, s_start, p0), _trim(text, p1, s_end)
            a, b = max((left, right), key=lambda r: r[1] - r[0])
            if b - a > 10:
                speaker = _speaker_of(obj, tok_actor, ctx)
                ctx.said(obj, speaker)
                found.append((a, b, speaker, "according to"))
                attributed = True
                frames.update(t.i for t in sent)
        if not attributed:   # after "according to", which names the source
            adverb = next((t for t in sent if t.lower_ in HEARSAY_ADVERBS and t.dep_ == "advmod"), None)
            if adverb is not None:   # "Trump reportedly signed one of the checks"
                a, b = _trim(text, *_char_span(_clause(adverb.head)))
                found.append((a, b, Speaker("unnamed", adverb.text, None), adverb.text))
                attributed = True
                frames.update(t.i for t in adverb.head.subtree)
        for n_tok in sent:   # "Pompeo's accusation that Moscow supplies weapons"
            if n_tok.pos_ != "NOUN" or n_tok.lemma_.lower() not in SPEECH_NOUNS:
                continue
            clause = next((ch for ch in n_tok.children if ch.dep_ in ("acl", "ccomp")
                           and any(g.dep_ == "mark" and g.lower_ == "that" for g in ch.children)), None)
            holder = next((ch for ch in n_tok.children if ch.dep_ == "poss"), None) or next(
                (g for ch in n_tok.children if ch.dep_ == "prep" and ch.lower_ in ("by", "from")
                 for g in ch.children if g.dep_ == "pobj"), None)
            if holder is None and n_tok.dep_ == "dobj" and n_tok.head.lemma_.lower() in HOLDING_VERBS:
                holder = _subject(n_tok.head)[0]   # "officials have expressed concern that ..."
                if holder is not None and holder.lower_ in RELATIVE and n_tok.head.dep_ == "relcl":
                    holder = _antecedent(n_tok.head.head, tok_actor)
            if clause is None or holder is None:
                continue
            toks = [t for t in sorted(clause.subtree, key=lambda t: t.i)]
            while len(toks) > 1 and toks[0].dep_ == "mark":
                toks = toks[1:]
            a, b = _trim(text, *_char_span(toks))
            if b > a:
                found.append((a, b, _speaker_of(holder, tok_actor, ctx), n_tok.text))
                attributed = True
                frames.update(t.i for t in n_tok.subtree)
        if not attributed:
            a, b = _trim(text, s_start, s_end)
            if b > a:
                found.append((a, b, author, None))
        else:
            # what the attributions leave of the sentence is the author's own assertion:
            # "Moscow has been talking to the Taliban since 2015, when Kabulov first said ..."
            for a, b in _residue(sent, frames, found[first_found:], text):
                found.append((a, b, author, None))
    found = _tweets(doc, text, found, tok_actor)
    found = sorted(_spread_quotes(text, found, regions), key=lambda f: (f[0], -f[1]))
    if not found:
        return ()
    from ..checkworthiness import CheckworthinessModel
    scores = CheckworthinessModel.load().score_texts([text[a:b] for a, b, _, _ in found])
    claims = []
    for n, ((a, b, speaker, cue), score) in enumerate(zip(found, scores), start=1):
        span = doc.char_span(a, b, alignment_mode="expand")
        tokens = list(span) if span is not None else []
        kind = _kind(tokens, text[a:b + 1])
        worth = blend_checkworthiness(float(score), checkworthiness(tokens, kind, speaker))
        claims.append(Claim(id=f"c{n}", span=Span.of(text, a, b), speaker=speaker, cue=cue, kind=kind,
                            checkworthiness=worth))
    return tuple(claims)


_RESIDUE_EDGE = frozenset({"cc", "mark", "punct", "prep", "advmod", "det"})


def _residue(sent, frames: set[int], claims: list, text: str) -> list[tuple[int, int]]:
    """Stretches of a sentence that no attribution covers (neither a reporting clause nor a
    claim it reports), long enough to assert something: a clause with a verb of its own."""
    covered = [(a, b) for a, b, _, _ in claims]
    runs, run = [], []
    for t in sent:
        free = t.i not in frames and not any(a <= t.idx < b for a, b in covered)
        if free:
            run.append(t)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    out = []
    for run in runs:
        while run and (run[0].dep_ in _RESIDUE_EDGE or run[0].is_punct):
            run = run[1:]
        while run and (run[-1].dep_ in _RESIDUE_EDGE or run[-1].is_punct):
            run = run[:-1]
        words = [t for t in run if not t.is_punct]
        if len(words) < 4 or not any(t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "conj", "ccomp")
                                     for t in run):
            continue
        a, b = _trim(text, *_char_span(run))
        if b > a:
            out.append((a, b))
    return out


_MARKS = re.compile(r"\n|[\"“”«»]")
# single quotation marks, told from apostrophes: an opening one after a space or a bracket and
# before a capital or a digit, a closing one after sentence punctuation ('...,' she said)
_SINGLE = re.compile(r"(?<![^\s(\[—–])['‘](?=[A-Z0-9])|(?<=[.,!?])['’](?=[\s)\]—–]|$)")


def _double_regions(text: str) -> list[tuple[int, int]]:
    """Stretches between double quotation marks: curly marks by direction, straight ones in
    turn. A quotation that runs over paragraphs (each reopened with a mark at the start of the
    next, none closed until the last: the press convention) is one stretch; a paragraph that
    ends inside a quotation the next paragraph does not reopen closes it there."""
    out: list[tuple[int, int]] = []
    start = None          # where the open quotation began
    curly = False         # whether it opened with a directed mark
    reopen = False        # a paragraph ended inside it and the next one starts with a mark
    for m in _MARKS.finditer(text):
        ch, pos = m.group(), m.start()
        if ch == "\n":
            if start is not None and not reopen:
                rest = text[pos + 1:pos + 80].lstrip()
                if rest[:1] in ("\"", "“", "«"):
                    reopen = True
                elif not (curly and _closes_before_reopening(text, pos)):
                    out.append((start, pos))
                    start = None
            continue
        if reopen:
            reopen = False
            if ch in "\"“«":
                continue   # the mark that reopens the quotation in its next paragraph
        if ch in "“«" or (ch == '"' and start is None):
            start, curly = pos + 1, ch != '"'
        elif start is not None:
            out.append((start, pos))
            start = None
    return out


def _closes_before_reopening(text: str, pos: int, reach: int = 1500) -> bool:
    """Whether a closing curly mark comes after ``pos`` before any opening one (and not far):
    a quotation whose paragraphs lost their reopening marks still ends where it closes."""
    window = text[pos:pos + reach]
    close = min((k for k in (window.find("”"), window.find("»")) if k >= 0), default=-1)
    opening = min((k for k in (window.find("“"), window.find("«")) if k >= 0), default=-1)
    return close >= 0 and (opening < 0 or close < opening)


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """Quoted stretches of a text: double quotation marks, and single ones outside them."""
    regions = _double_regions(text) if _OPEN_CLOSE.search(text) else []
    opened = None
    for m in _SINGLE.finditer(text):
        pos = m.start()
        if any(a <= pos < b for a, b in regions):
            continue
        if opened is None:
            opened = pos + 1
        elif "\n" in text[opened:pos]:
            opened = pos + 1
        else:
            regions.append((opened, pos))
            opened = None
    return sorted(regions)


def _spread_quotes(text: str, found: list, quoted: list[tuple[int, int]]) -> list:
    """A quotation over several sentences is one speaker's: the sentences of it that no verb
    attributes ("Not one. We have asked..." before '..., Lavrov told journalists') get the
    speaker and cue of the attributed claim inside the same quotation."""
    if not quoted:
        return found

    def in_quote(f) -> bool:
        return any(q[0] - 1 <= f[0] and f[1] <= q[1] + 1 for q in quoted)

    out = []
    for a, b, speaker, cue in found:
        if speaker.kind == "author":
            region = next((r for r in quoted if r[0] - 1 <= a and b <= r[1] + 1), None)
            if region is not None:
                owner = next((f for f in found if f[2].kind != "author"
                              and f[0] < region[1] and f[1] > region[0]), None)
                if owner is None:
                    # a quotation that goes on after an attributed one, in the same paragraph
                    # or the next: '"...," Noorzai said by telephone. "Our forces resisted."'
                    before = [f for f in found if f[2].kind != "author" and f[1] <= region[0]
                              and region[0] - f[1] < 300 and in_quote(f)
                              and not any(f[1] <= g[0] < region[0] - 1 and not in_quote(g)
                                          and g[2].kind == "author" for g in found)]
                    owner = max(before, key=lambda f: f[1]) if before else None
                if owner is not None:
                    speaker, cue = owner[2], owner[3]
        out.append((a, b, speaker, cue))
    return out


# the signature of an embedded tweet: "— Donald J. Trump (@realDonaldTrump) February 11, 2018"
_TWEET = re.compile(r"[—–]\s*(?P<name>[^\n()—–]{2,60}?)\s*\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}")


def _tweets(doc, text: str, found: list, tok_actor: dict[int, Actor]) -> list:
    """An embedded tweet is its account holder's: the text before the signature on its line,
    or the line before a signature that stands alone, has the signature's name as speaker
    (cue "—") instead of the author."""
    if "(@" not in text:
        return found
    for m in _TWEET.finditer(text):
        dash = m.start()
        line_start = text.rfind("\n", 0, dash) + 1
        if text[line_start:dash].strip():
            a, b = line_start, dash
        else:
            prev_end = text.rfind("\n", 0, max(line_start - 1, 0))
            while prev_end > 0 and not text[prev_end + 1:line_start].strip():
                line_start, prev_end = prev_end + 1, text.rfind("\n", 0, prev_end)
            a, b = prev_end + 1, max(line_start - 1, 0)
        if b - a < 3:
            continue
        speaker = _signature_speaker(doc, m, tok_actor)
        out = []
        for f in found:
            if f[2].kind == "author" and f[0] < b and f[1] > a:
                lo, hi = _trim(text, max(f[0], a), min(f[1], b))
                if hi > lo:
                    out.append((lo, hi, speaker, "—"))
                continue
            out.append(f)
        found = out
    return found


def _signature_speaker(doc, m, tok_actor: dict[int, Actor]) -> Speaker:
    name = m.group("name").strip()
    span = doc.char_span(m.start("name"), m.start("name") + len(name), alignment_mode="expand")
    if span is not None:
        actor = next((tok_actor[t.i] for t in span if t.i in tok_actor), None)
        if actor is not None and actor.kind != "agent":
            return Speaker("person" if actor.kind in PERSON_KINDS else "organization", actor.name, actor.id)
        if any(t.ent_type_ in ("ORG", "GPE", "NORP") for t in span) and not any(t.ent_type_ == "PERSON" for t in span):
            return Speaker("organization", name, None)
    return Speaker("person", name, None)


def claim_for_offset(claims: Sequence[Claim], offset: int) -> Claim | None:
    """The innermost attributed (not the author's) claim whose span holds a character offset."""
    inside = [c for c in claims if c.speaker.kind != "author" and c.span.start <= offset < c.span.end]
    return min(inside, key=lambda c: c.span.end - c.span.start) if inside else None
