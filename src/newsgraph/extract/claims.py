"""Claims and their speakers: who says what, sentence by sentence.

``extract_claims(doc, document, actors)`` is a pure function of the parsed document and its
resolved actors. Every sentence that asserts something gives one claim or more:

1. **Reported speech.** A reporting verb (``data/claim_cues.json``: said, told, accused,
   restated, specified, denied, claimed...) whose complement is a clause ("said that ...",
   "specified that ..."), a quotation, a to-clause ("vowed to ...") or, for accusations, an
   of/for-clause ("accused Russia of arming ...") makes a claim of that complement, spoken by
   the verb's subject (in the passive, by its by-agent; a participle without a subject takes
   its clause's: "..., claiming Washington had ..."; the one quoted or heard in "was quoted
   as saying", "could be heard yelling"). Conjoined subjects each say it; a sentence that ends
   in "X said:" reports the quotation or the sentence after the colon.
2. **"According to X"** makes the rest of the sentence X's claim; "AP Source: ..." and a
   closing ", court records show." (the verb misread as a noun) name unnamed sources too.
3. **Impersonal attribution** ("it is understood that ...", "... is believed to ...") makes
   an unnamed claim.
4. Any other sentence is the **author's** claim (the outlet's), and so is an inference drawn
   from "this" ("This language suggests that ...").

Speakers resolve through the actors already found, so a pronoun the actor extractor linked
("Later he specified that ...") is the person named before; "he" after a sentence about
another person is that person; "the group", "it" the body named before; "the 24-year-old"
the person named before; a role in apposition to a name is that person. A subject that stands for no one
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

EXTRACTOR_VERSION = "claims/0.7"
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
# subjects that stand for the reader or anyone at all: the writer's rhetoric, not a source
GENERIC_SUBJECTS = frozenset({"you", "one", "anybody", "anyone", "everybody", "everyone", "y'all"})
# nouns of an office a named person holds: "the minister said" is the minister named before
PERSON_ROLES = frozenset("""minister president spokesman spokeswoman spokesperson ambassador envoy
    secretary chancellor premier governor mayor commander general chief director leader head
    senator representative lawmaker official prosecutor judge king queen prince emir diplomat
    negotiator chairman chairwoman chair attorney lawyer adviser advisor deputy congressman
    congresswoman councillor sheriff officer founder executive ceo pope pontiff cardinal
    archbishop bishop priest pastor imam rabbi cleric nuncio sheikh ayatollah professor""".split())
# nouns that describe a body named before: "the group said" is the group the story named
ORG_DESCRIPTIONS = frozenset("""group company firm organisation organization agency movement militia
    party body bank network broadcaster newspaper outlet charity coalition alliance union""".split())
# verbs of saying whose medium ("in a statement", "on Twitter") may carry their that-clause
SAY_VERBS = frozenset({"say", "write", "state", "tell", "announce", "claim", "argue", "add", "note",
                       "warn", "insist", "report", "explain", "acknowledge", "admit", "confirm", "deny"})
MEDIUM_NOUNS = frozenset("""statement filing interview letter post tweet email speech briefing release
    message note video op-ed column affidavit memo submission""".split())
# nouns of a body that speaks for a person: "Ghani's office said" is the office's statement
BODY_NOUNS = frozenset("""office campaign administration government cabinet team staff ministry
    department party secretariat headquarters""".split())
# nouns of a text an institution issues: "the statement said" is the body named before
DOCUMENT_NOUNS = frozenset("""statement communique communiqué release readout letter declaration
    announcement notice resolution""".split())
# texts that speak for whoever issued them, where the sentence names the issuer ("a report
# by Human Rights Watch said"); a bare "the report said" stays unnamed
ISSUED_NOUNS = frozenset("""report study survey memo document analysis assessment""".split())
ISSUER_NOUNS = DOCUMENT_NOUNS | ISSUED_NOUNS   # nouns whose issuer the sentence may name
# reporting verbs whose direct object is what is asserted or judged (not the hearer, as for "told")
OBJECT_CUES = frozenset("""welcome hail reject condemn praise criticize criticise applaud denounce
    deny confirm claim acknowledge admit allege announce report demand propose recommend question
    reaffirm repeat reiterate restate rule dismiss predict promise pledge vow threaten fear expect""".split())
# reporting verbs whose negation reports a silence, not a claim ("could not confirm")
REFUSABLE = frozenset({"confirm", "verify", "comment", "specify", "disclose", "reveal", "elaborate",
                       "answer", "reply", "respond", "explain"})
# titles before a surname that make it a person's ("Mr Quigley", "Dr Faisal")
HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady prof professor".split())
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
# passives whose subject is the speaker of the verb of saying under them: "was quoted as saying",
# "could be heard shouting", "was recorded telling"
HEARD_PASSIVES = frozenset({"quote", "hear", "overhear", "record", "film", "see", "cite"})
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
                # "the mayor was quoted as saying", "a woman could be heard saying": the one
                # quoted or heard is the speaker of the verb under the passive
                return c, not (t.i != verb.i and t.lemma_.lower() in HEARD_PASSIVES)
        if (t.dep_ in ("xcomp", "conj", "advcl", "acl", "pcomp", "prep")
                or (t.dep_ == "oprd" and t.head.lemma_.lower() in HEARD_PASSIVES)) and t.head.i != t.i:
            t = t.head
            continue
        break
    return None, False


def _no_one(subj) -> bool:
    """A subject that names no speaker at all: "no one", "nobody", "none (of them)", "nothing",
    "no sane person"; the generic "you" and "one" and "anybody" of the writer's own rhetoric
    ("You would think that ...", "One might argue that ...", "Can anyone believe that ...");
    a word that is no noun phrase (a misparse: "can")."""
    low = subj.lower_
    if low in ("nobody", "none", "nothing", "noone", "no-one") or \
            any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
        return True
    if low in GENERIC_SUBJECTS and not any(c.dep_ == "prep" for c in subj.children):
        return True   # (not "one of the officials", "anyone at the ministry")
    return subj.pos_ in ("AUX", "VERB", "ADP", "CCONJ", "SCONJ", "PART")


def _agent(verb):
    for c in verb.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _phrase_text(tok) -> str:
    cut = {d.i for ch in tok.children if ch.dep_ in ("conj", "cc") and tok.pos_ == "PROPN" for d in ch.subtree}
    toks = [t for t in tok.subtree if (t.dep_ not in ("relcl", "acl", "appos", "punct") or t.i == tok.i)
            and t.i not in cut]
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

    def __init__(self, doc, tok_actor: dict[int, Actor], author: Speaker, regions=()):
        self.author = author
        self.sent_starts = [s.start for s in doc.sents]
        self.last: dict[str, tuple[int, Speaker]] = {}   # speaker kind -> (sentence number, speaker)
        self.unnamed: dict[str, Speaker] = {}   # head noun -> the last unnamed source it named
        self.persons = sorted({(i, a.id): a for i, a in tok_actor.items() if a.kind == "person"}.items())
        # sentence number -> the person its main clause is about (its subject), outside quotations
        self.subjects: dict[int, Speaker] = {}
        self.org_subjects: dict[int, Speaker] = {}
        for k, sent in enumerate(doc.sents):
            subj = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            a = tok_actor.get(subj.i) if subj is not None else None
            if a is not None and a.kind == "person" and not any(p <= subj.idx < q for p, q in regions):
                self.subjects[k] = Speaker("person", a.name, a.id)
            elif a is not None and a.kind in ("organization", "group", "igo") and subj.lower_ not in ("it", "they"):
                self.org_subjects[k] = Speaker("organization", a.name, a.id)
            elif a is not None and a.kind == "agent" and subj.tag_ in ("NN", "NNP") and any(
                    d.dep_ == "det" and d.lower_ == "the" for d in subj.children):
                self.org_subjects[k] = Speaker("organization", _phrase_text(subj), a.id)   # "the ministry"
        self.orgs = sorted({(i, a.id): a for i, a in tok_actor.items()
                            if a.kind in ("organization", "group", "igo")}.items())

    def organization(self, tok, within: int = 2) -> Speaker | None:
        """Which body "it" or "the group" at ``tok`` is: the last organisation speaker of the
        three sentences before, else the organisation a sentence of the two before is about,
        else the last one named in them."""
        found = self.recent("organization", tok, 3)
        if found is not None:
            return found
        here = self.sentence(tok)
        for k in range(here - 1, here - 1 - within, -1):
            if k in self.org_subjects:
                return self.org_subjects[k]
        for (i, _), a in reversed(self.orgs):
            if i < tok.i and here - (bisect.bisect_right(self.sent_starts, i) - 1) <= within:
                return Speaker("organization", a.name, a.id)
        return None

    def pronoun(self, tok) -> Speaker | None:
        """Who an unlinked "he"/"she" at ``tok`` is: the last singular speaker of the two
        sentences before, unless a sentence between them is about another person named as its
        subject ('Kim said X. Alden, the minister, was more upbeat. "...," he said': Alden)."""
        got = self.last.get("he/she")
        here = self.sentence(tok)
        if got is None or here - got[0] > 2:
            return None
        for k in range(here - 1, got[0], -1):
            other = self.subjects.get(k)
            if other is not None and other != got[1]:
                return other
        return got[1]

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

    def aged(self, tok) -> Speaker:
        """Who "the 24-year-old" is: the last singular speaker of the two sentences before,
        else the last person named (an actor, else a PERSON name) in the three before."""
        found = self.recent("he/she", tok, 2) or self.person_before(tok, within=3)
        if found is None:
            here = self.sentence(tok)
            names = [e for e in tok.doc.ents if e.label_ == "PERSON" and e.end <= tok.i
                     and here - self.sentence(e[0]) <= 3]
            found = Speaker("person", names[-1].text, None) if names else None
        return found or Speaker("unnamed", None, None)

    def person_before(self, tok, role: str | None = None, within: int | None = None) -> Speaker | None:
        """The last person actor mentioned before ``tok`` (whose role, or a title in whose name,
        holds ``role``, if given: "Pope Francis" for "the Pope"; no more than ``within``
        sentences back, if given)."""
        here = self.sentence(tok)
        for (i, _), a in reversed(self.persons):
            if within is not None and here - bisect.bisect_right(self.sent_starts, i) + 1 > within:
                return None
            if i < tok.i and (role is None or (a.role and role in a.role.lower())
                              or role in a.name.lower().split()
                              or (i > 0 and tok.doc[i - 1].lower_ == role)):   # "Pope Francis"
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
        found = ctx.pronoun(anchor if anchor is not None else tok)
        if found is not None:
            return found
    actor = tok_actor.get(tok.i)
    if actor is None and tok.pos_ == "PROPN" and any(
            ch.dep_ == "compound" and ch.lower_.rstrip(".") in HONORIFICS for ch in tok.children):
        # "Mr Quigley wrote", a name the NER missed: a person, the one of that surname named before
        if ctx is not None:
            for (i, _), a in reversed(ctx.persons):
                if i < tok.i and a.name.lower().split()[-1] == low:
                    return Speaker("person", a.name, a.id)
        return Speaker("person", _phrase_text(tok), None)
    if actor is None and tok.pos_ == "NOUN" and tok.lemma_.lower() in ISSUER_NOUNS:
        # "according to a statement from the prime minister's office", "a ministry statement
        # said", "the report, published by Amnesty International, said": the body that issued it
        issued = [tok] + [a for a in tok.children if a.dep_ == "acl" and a.tag_ == "VBN"]
        own = ("from", "by", "of") if tok.lemma_.lower() in DOCUMENT_NOUNS else ("by",)   # not "reports from Ohio"
        issuer = next((o for h in issued for p in h.children
                       if p.dep_ in ("prep", "agent") and p.lower_ in (own if h is tok else ("by",))
                       for o in p.children if o.dep_ == "pobj"), None) or next(
            (ch for ch in tok.children if ch.dep_ in ("compound", "poss") and ch.pos_ in ("NOUN", "PROPN")
             and (ch.i in tok_actor or ch.lemma_.lower() in BODY_NOUNS)), None)
        if issuer is not None:
            found = _speaker_of(issuer, tok_actor, ctx)
            if found.kind in ("person", "organization"):
                return found
    if (actor is None or actor.kind != "person") and tok.pos_ in ("NOUN", "PROPN"):
        # "Moscow's special envoy for Afghanistan, Zamir Kabulov, said", "The Spokesperson, Dr
        # Mohammad Faisal, said": the person the apposition names
        near = list(tok.children) + [g for p in tok.children if p.dep_ == "prep"
                                     for o in p.children if o.dep_ == "pobj" for g in o.children]
        for ap in near:   # (the parser may hang it on "Afghanistan" in "envoy for Afghanistan, ...")
            if ap.dep_ != "appos" or ap.pos_ != "PROPN":
                continue
            named = tok_actor.get(ap.i)
            if named is not None and named.kind == "person":
                return Speaker("person", named.name, named.id)
            if (named is None or named.kind != "person") and ap.ent_type_ == "PERSON":
                return Speaker("person", _phrase_text(ap), None)
    if actor is None:   # "Russia's foreign minister Sergei Lavrov": an actor inside the head phrase
        # (not in a relative clause, nor in a conjoined phrase: "Park and Reyes said" is Park's
        # claim, and Reyes's beside it)
        skip = {d.i for ch in tok.children if ch.dep_ in ("relcl", "acl", "conj", "cc") for d in ch.subtree}
        for t in tok.subtree:
            if t.i in skip:
                continue
            if t.i in tok_actor and (t.head.i == tok.i or t.dep_ in ("compound", "appos", "poss")):
                actor = tok_actor[t.i]
                if actor.kind == "person":
                    break
    head_word = tok.lemma_.lower()
    if tok_actor.get(tok.i) is None and head_word in BODY_NOUNS and actor is not None and actor.kind == "person" \
            and tok.pos_ == "NOUN":
        # "President Ghani's office said", "the senator's campaign said": a body that speaks
        # for the person, not the person
        return Speaker("organization", _phrase_text(tok), None)
    if actor is None and head_word in QUANTIFIERS:   # "a number of media reports"
        of = next((ch for ch in tok.children if ch.dep_ == "prep" and ch.lower_ == "of"), None)
        inner = next((ch for ch in of.children if ch.dep_ == "pobj"), None) if of is not None else None
        if inner is not None:
            found = _speaker_of(inner, tok_actor, ctx)
            return Speaker(found.kind, _phrase_text(tok), found.actor)
    phrase = _phrase_text(tok)
    named_person = actor is not None and actor.kind == "person"
    # "The Pope said", "the Cardinal told": a capitalised role is still a role (and no body the
    # actor extractor could only guess at, "unk:org:cardinal")
    role_name = tok.pos_ == "PROPN" and tok.tag_ == "NNP" and head_word in PERSON_ROLES and any(
        d.dep_ == "det" and d.lower_ == "the" for d in tok.children) and (
        actor is None or (actor.id.startswith("unk:") and actor.kind not in PERSON_KINDS))
    if role_name:
        actor = None
    common = tok.pos_ == "NOUN" or (tok.pos_ == "NUM" and low == "one") or role_name
    singular = tok.tag_ == "NN" or role_name
    definite = any(d.dep_ in ("det", "poss") and d.lower_ in ("the", "this", "that", "its", "his", "her")
                   for d in tok.children)
    if ctx is not None and actor is None and _AGED.match(phrase):
        return ctx.aged(tok)   # "the 24-year-old said": the person the story named before
    if ctx is not None and not named_person and common and definite and singular:
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
        if head_word in ORG_DESCRIPTIONS and actor is None:
            found = ctx.organization(tok)
            if found is not None:
                return found   # "Amnesty International released a report. The group said ..."
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
            for d in tok.children) or any(   # "a man's voice": an indefinite owner
            p.dep_ == "poss" and p.i not in tok_actor and any(d.dep_ == "det" and d.lower_ in ("a", "an", "some")
                                                          for d in p.children) for p in tok.children)):
        # a plural or indefinite common noun picks out no one: "rights groups", "both sides",
        # "some lawmakers on Capitol Hill", "a certain NGO", "colleagues"
        return Speaker("unnamed", phrase, actor.id if actor is not None else None)
    if actor is not None and actor.kind != "agent":
        kind = "person" if actor.kind in PERSON_KINDS else "organization"
        return Speaker(kind, actor.name, actor.id)
    if actor is not None:   # a bare agent: "officials said" is unnamed, "the ministry said" is someone
        indefinite = tok.tag_ in ("NNS", "NNPS") or any(
            d.dep_ in ("det", "nummod") and d.lower_ in ("a", "an", "some", "several", "one", "two", "three")
            for d in tok.children) or (
            head_word in PERSON_ROLES and tok.tag_ == "NN")   # "the mayor", no mayor named: a person unnamed
        return Speaker("unnamed" if indefinite else "organization", phrase, actor.id)
    if head_word in c["unnamed"] or low in c["unnamed"]:
        return Speaker("unnamed", phrase, None)
    if ctx is not None:
        if low in ("he", "she", "his", "her"):   # "he said", "his statements"
            at = anchor if anchor is not None else tok
            return (ctx.pronoun(at) or ctx.recent("person", at) or ctx.person_before(at)
                    or Speaker("person", phrase, None))
        if low in ("it", "they") and tok.dep_ != "nsubjpass":
            found = ctx.recent("organization", tok) or (ctx.organization(tok) if low == "it" else None)
            if found is not None:
                return found
    if tok.ent_type_ == "PERSON" or low in ("he", "she") or any(
            a.dep_ == "appos" and a.lemma_.lower() in PERSON_ROLES for a in tok.children):
        return Speaker("person", phrase, None)
    if low in ("i", "we", "they", "it", "this", "that"):
        return Speaker("unnamed", phrase, None)
    if common and head_word in PERSON_ROLES and singular:
        return Speaker("unnamed", phrase, None)   # "the mayor of Rivertown", no mayor named: a person unnamed
    return Speaker("organization", phrase, None)


_FIRST_SINGULAR = re.compile(r"\b(?:I|my|me|mine|myself|I'm|I’m|I've|I’ve)\b")
_AGED = re.compile(r"(?i)^the\s+\d+\s*-\s*year\s*-\s*old$")


def _in_quote(tok) -> bool:
    """Whether a token lies between quotation marks of its sentence."""
    sent = tok.sent
    marks = [t.i for t in sent if t.text in QUOTES or t.text in ("``", "''")]
    return sum(1 for m in marks if m < tok.i) % 2 == 1


# ------------------------------------------------------------------ what a verb reports

# verbs whose charge follows "of" or "for": "accused Russia of arming the militants"
ACCUSING = frozenset(("accuse", "blame", "charge", "suspect", "criticize", "criticise", "condemn"))
_ACCUSABLE = BODY_NOUNS | ORG_DESCRIPTIONS | frozenset("""police army military regime authorities
    opposition rebels militants insurgents troops forces west media""".split())


def _accused(obj) -> bool:
    """Whether the object of an accusing verb names someone who can be accused: a name, a
    pronoun or a body ("the government"), not a relational noun ("the head of ...")."""
    return obj.pos_ in ("PROPN", "PRON") or obj.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") \
        or obj.lemma_.lower() in _ACCUSABLE


def _content(verb, text: str, sent_bounds: tuple[int, int],
             regions: Sequence[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """Character span of what a reporting verb reports, or None."""
    lemma = verb.lemma_.lower()
    for a, b in regions:   # '"... (sentences before) ... Huge victory," he said': all of the quotation
        if a < sent_bounds[0] <= b < verb.idx and b - a > 12:
            return a, b
    if lemma in QUOTE_ONLY:   # "'...,' he continued" reports a quotation; "it continued to" does not
        return _quotation_outside(verb, sent_bounds, regions)
    children = list(verb.children)
    for p in children:
        # "said in a filing that profits had fallen", the that-clause hung by the parser on the
        # medium as a relative clause (one with a subject of its own: not "a statement that
        # followed")
        if p.dep_ == "prep" and p.lower_ in ("in", "on", "during") and lemma in SAY_VERBS:
            for o in p.children:
                if o.dep_ != "pobj" or o.lemma_.lower() not in MEDIUM_NOUNS:
                    continue
                for cl in o.children:
                    toks = sorted(cl.subtree, key=lambda t: t.i)
                    if cl.dep_ in ("relcl", "acl") and toks[0].lower_ == "that" and toks[0].i == o.i + 1 and any(
                            g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in RELATIVE for g in cl.children):
                        return _char_span(toks[1:])
    if lemma == "tell" and not any(c.dep_ == "ccomp" for c in children):
        # "told the BBC's Newsnight programme that the talks had failed", the that-clause hung by
        # the parser on the audience as a relative clause (one with a subject of its own)
        for o in children:
            if o.dep_ not in ("dobj", "dative"):
                continue
            for cl in o.children:
                toks = sorted(cl.subtree, key=lambda t: t.i)
                if cl.dep_ in ("relcl", "acl") and toks[0].lower_ == "that" and toks[0].i > o.i and any(
                        g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in RELATIVE for g in cl.children):
                    return _char_span(toks[1:])
    if lemma == "call":   # "called for a new vote", "called on the Taliban to extend it" (before a
        # clause the parser hung on the verb: "In his address broadcast at midnight, Putin called on ...")
        for c in children:
            if c.dep_ in ("prep", "prt") and c.lower_ in ("for", "on", "upon"):
                toks = [t for t in c.subtree if t.i != c.i]
                if all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in toks):
                    continue   # "called on Tuesday evening": when, not on whom
                xcomp = [t for x in children if x.dep_ == "xcomp" for t in x.subtree]
                if toks:
                    return _char_span(toks + xcomp)
    for c in children:
        if c.dep_ == "ccomp":
            if c.i < verb.i and c.tag_ in ("VBN", "VBG") and not any(
                    g.dep_ in SUBJECT_DEPS or g.dep_ in ("expl", "aux", "auxpass") for g in c.children):
                continue   # "In his address broadcast at midnight, Putin called on ...": a participle
                # the parser hung on the verb, not a clause it reports
            if c.i < verb.i and any(t.text == ";" for t in verb.doc[c.right_edge.i + 1:verb.i]):
                continue   # "The union said ...; the government says ...": the clause before the
                # semicolon is another's
            toks = sorted(c.subtree, key=lambda t: t.i)
            if toks[0].lower_ in WH_WORDS and not (lemma in DOUBT_VERBS and toks[0].lower_ in ("whether", "if")) \
                    and (toks[0].head.i == c.i or (toks[0].head.head.i == c.i and toks[0].head.dep_ != "advcl")):
                return None   # "explain why ...", "asked whether ...": no assertion (but '"If they
                # hide it, the public deserves to know," said Kim' asserts its main clause)
            while len(toks) > 1 and (toks[0].dep_ == "mark" or toks[0].is_punct) \
                    and toks[0].lower_ not in ("whether", "if"):
                toks = toks[1:]              # "said that ...": the claim starts after "that"
            return _char_span(toks)
    if lemma in NAMING_VERBS or lemma in OBJECT_CUES:
        # "called it fake news", "described the report as baseless", "welcomed the exchange (in
        # a statement) as a sign of hope": what the thing is called
        for c in _as_complements(verb) if lemma not in NAMING_VERBS else children:
            if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as"):
                toks = [t for t in c.subtree if not (c.dep_ == "prep" and t.i == c.i)]
                if toks and not all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in toks):
                    return _char_span(toks)
    for c in children:
        if c.dep_ == "xcomp" and lemma in XCOMP_CUES:
            # "vowed to fight on", "denied receiving any weapons", "urged the insurgents to reciprocate"
            obj = next((o for o in children if o.dep_ == "dobj" and o.i < c.i), None)
            toks = list(c.subtree) + (list(obj.subtree) if obj is not None and lemma in OBJECT_CONTROL else [])
            return _char_span(toks)
        if c.dep_ == "prep" and c.lower_ in ("of", "for") and lemma in ACCUSING:
            toks = [t for t in c.subtree if t.i != c.i]
            if toks:   # not a stranded preposition: "what they accused him of"
                return _char_span(toks)
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    if obj is not None and lemma in ACCUSING and _accused(obj) and any(
            c.dep_ == "prep" and c.lower_ in ("of", "for") and any(
                g.dep_ == "pcomp" or (g.dep_ == "pobj" and g.pos_ != "PROPN") for g in c.children)
            for c in obj.children):
        # "accused the government of fraud": the parser hangs "of ..." on the object; the
        # accusation is the object with it (not "accused the head of the commission")
        return _char_span(list(obj.subtree))
    if obj is not None and lemma in ("put", "place", "estimate"):
        at = next((c for c in children if c.dep_ == "prep" and c.lower_ == "at"), None)
        if at is not None:   # "put the death toll at 57"
            return _char_span(list(obj.subtree) + list(at.subtree))
        if lemma != "estimate":
            return None
    if lemma in ("warn", "complain", "speak", "boast", "brag", "talk"):
        about = next((c for c in children if c.dep_ == "prep" and c.lower_ in ("of", "about", "against")), None)
        if about is not None and len(list(about.subtree)) > 2:   # "warned of the growing presence of IS"
            return _char_span([t for t in about.subtree if t.i != about.i])
    if obj is not None and lemma in OBJECT_CUES and obj.pos_ != "PRON" \
            and obj.ent_type_ not in ("DATE", "TIME", "EVENT") and not (
            lemma == "rule" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in children)):
        # a stance taken on a thing: "welcomed the exchange", "rejected the report",
        # "confirmed the visit", "claimed the attack", "did not rule out a meeting"
        return _char_span(list(obj.subtree))
    if any(c.dep_ == "nsubjpass" and c.lower_ != "it" for c in children):
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
    if lemma not in cues()["reporting"]:
        return None   # "called the number back" beside a quotation reports nothing
    # a quotation in the sentence, outside which the verb stands: '"...," he said.', or one
    # that began in an earlier sentence and closes in this one, before the verb:
    # '"This area was dangerous. / A mortar round could have fallen at any moment," she said.'
    return _quotation_outside(verb, sent_bounds, regions) or _quotation_before(verb, text, sent_bounds, regions)


def _quotation_before(verb, text: str, sent_bounds: tuple[int, int], regions) -> tuple[int, int] | None:
    """The quotation that closes just before a sentence that only attributes it: the tagger
    ends a sentence at '!"' or '?"' (and sometimes at ',"' or '."'), so in '"How dare they!"
    Minister Gordon Pratt said in Leeds.' the reporting clause stands alone. Only where the sentence
    opens with the verb's subject (or with the verb: "said Pratt") and the quotation ends
    at the sentence's start."""
    lemma = verb.lemma_.lower()
    if verb.dep_ != "ROOT" or lemma not in SAY_VERBS or any(
            c.dep_ in ("dobj", "ccomp", "xcomp") and not (lemma == "tell" and c.dep_ == "dobj")
            for c in verb.children):
        return None   # "The police said nothing": a sentence of its own ("told reporters" is not)
    first = next((t for t in verb.sent if not t.is_space), None)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if first is None or subject is None or first.i not in (verb.i, subject.left_edge.i):
        return None   # (also "[emphasis added]": it opens with a bracket)
    if not (subject.pos_ in ("PROPN", "PRON") or any(c.dep_ in ("det", "poss") for c in subject.children)):
        return None   # a source is a name, a pronoun or a determined noun ("the lawyer")
    for a, b in regions:
        if b <= sent_bounds[0] and not text[b:sent_bounds[0]].strip(QUOTES + " ") \
                and text[b - 1:b] in ",.!?" and b - a > 12:
            return a, b
    return None


def _as_complements(verb) -> list:
    """The "as" phrase of a stance verb's object, on the verb or hung by the parser on a noun
    after the object ("welcomed the exchange in a statement as a sign of hope")."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return []
    for t in verb.subtree:
        if t.lower_ == "as" and t.dep_ == "prep" and t.i > obj.i:
            h = t.head
            while h.i != verb.i and h.pos_ in ("NOUN", "PROPN", "ADP", "PRON"):
                h = h.head
            if h.i == verb.i:
                return [t]
    return []


def _quotation_outside(verb, sent_bounds: tuple[int, int], regions) -> tuple[int, int] | None:
    for a, b in regions:
        if a < sent_bounds[1] and b > sent_bounds[0] and not (a <= verb.idx < b) and b - a > 12 \
                and (a >= sent_bounds[0] or b < verb.idx):
            return a, b
    return None


# verbs of drawing a conclusion: with "this", "that" or "which" (or "this language") as subject, the
# conclusion is the author's reading of what was just described, not a source's claim
INFERENCE_VERBS = frozenset({"suggest", "indicate", "show", "mean", "imply", "prove", "demonstrate"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "which"})
# reporting words that a tagger may read as nouns at the end of a sentence ("..., court records show.")
POSTPOSED_FORMS = frozenset("""said says told tells added adds show shows showed wrote writes noted notes
    explained stated reported confirmed insisted warned argued claimed""".split())


def _authors_inference(verb, tok_actor: dict[int, Actor]) -> bool:
    """Whether a verb of inference has a demonstrative subject: "This language suggests that
    ...", "..., which shows that ..." are the author's inferences."""
    if verb.lemma_.lower() not in INFERENCE_VERBS:
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return False
    if subj.lower_ in DEMONSTRATIVES:
        return True
    c = cues()
    return subj.pos_ == "NOUN" and subj.i not in tok_actor and subj.lemma_.lower() not in c["unnamed"] \
        and subj.lemma_.lower() not in c["unnamed_people"] \
        and any(d.dep_ == "det" and d.lower_ in DEMONSTRATIVES for d in subj.children)


def _negated_stance(verb) -> bool:
    """A negated stance on an object ("is not recommending any indictments", "did not announce
    a date") takes no stance; "did not rule out a meeting" does, and so does a clause."""
    return verb.lemma_.lower() in OBJECT_CUES and verb.lemma_.lower() != "rule" \
        and any(c.dep_ == "neg" for c in verb.children) \
        and any(c.dep_ == "dobj" for c in verb.children) \
        and not any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)


def _after_colon(verb, text: str, sent_bounds: tuple[int, int], regions, sents, k: int):
    """What a sentence that ends in "<speaker> said:" reports: the quotation that opens right
    after the colon (over its sentences and paragraphs), else the next sentence."""
    s_start, s_end = sent_bounds
    if text[s_end - 1:s_end] != ":" or any(t.pos_ in ("VERB", "AUX") and t.i > verb.i and t.dep_ != "aux"
                                           for t in verb.sent):
        return None
    for a, b in regions:
        if a - 1 >= s_end and not text[s_end:a - 1].strip():
            return a, b
    if k + 1 < len(sents):
        return _sentence_bounds(text, sents[k + 1])
    return None


def _postposed(sent, toks: list, text: str, regions, tok_actor: dict[int, Actor], ctx):
    """A sentence (``toks``: its tokens) that ends in ", <source> <reporting word>" where the
    tagger read the word as a noun ("..., court records from the county show."; '"...," the
    24-year-old said, recalling ...'): (start, end, speaker, cue, frame token ids) or None."""
    for j, t in enumerate(toks):
        if t.lower_ not in POSTPOSED_FORMS or j < 4:
            continue
        if j + 1 < len(toks) and not (toks[j + 1].text in (".", ",", "!", ";") or toks[j + 1].is_space):
            continue
        i, np = j - 1, []
        while i >= 0 and len(np) < 10 and (not toks[i].is_punct or toks[i].tag_ == "HYPH"
                                           or toks[i].text in ("'s", "’s")):
            np.insert(0, toks[i])
            i -= 1
        if not np or i < 1 or any(x.pos_ in ("VERB", "AUX") for x in np):
            continue
        edge = toks[i]
        if edge.text == ",":
            end = edge.idx
        elif edge.text in QUOTES or edge.text in ("’", "''") and text[edge.idx - 1:edge.idx] in ",.!?":
            end = edge.idx
        else:
            continue
        content = next(((a, b) for a, b in regions if end - 2 <= b <= end), None) or (sent.start_char, end)
        a, b = _trim(text, *content)
        if len(text[a:b].split()) < 3:
            continue
        np_text = text[np[0].idx:np[-1].idx + len(np[-1].text)]
        speaker = None
        if ctx is not None and _AGED.match(np_text):
            speaker = ctx.aged(t)
        if speaker is None:
            cut = next((n for n, x in enumerate(np) if x.pos_ == "ADP"), len(np))
            head = next((x for x in reversed(np[:cut]) if x.pos_ in ("NOUN", "PROPN", "PRON")), None)
            if head is None:
                continue
            speaker = _speaker_of(head, tok_actor, ctx)
            if speaker.kind == "author":
                continue
            if speaker.kind in ("unnamed", "organization") and (speaker.actor is None or head.i not in tok_actor):
                speaker = Speaker(speaker.kind, np_text, speaker.actor)   # the words before the verb
        if ctx is not None:
            ctx.said(t, speaker)
        return a, b, speaker, t.text, {x.i for x in np} | {t.i}
    return None


def _source_colon(sent, toks: list, text: str, tok_actor: dict[int, Actor], ctx):
    """An excerpt introduced by a source noun and a colon ("AP Source: ...", "Officials: ...")
    in a sentence (``toks``: its tokens): (start, end, unnamed speaker, ":", frame token ids)
    or None."""
    colon = next((t for t in toks[:9] if t.text == ":"), None)
    if colon is None:
        return None
    n = colon.i - sent.start
    begin = max((m + 1 for m in range(n) if toks[m].text in ("—", "–", "--")), default=0)
    prefix = toks[begin:n]
    if not 1 <= len(prefix) <= 4 or any(x.pos_ in ("VERB", "AUX") or x.is_punct for x in prefix):
        return None
    c = cues()
    if prefix[-1].lower_ not in c["unnamed"] and prefix[-1].lemma_.lower() not in c["unnamed"]:
        return None
    rest = toks[n + 1:]
    if len([x for x in rest if not x.is_punct]) < 4 or not any(x.pos_ in ("VERB", "AUX") for x in rest):
        return None
    a, b = _trim(text, colon.idx + 1, sent.end_char)
    name = text[prefix[0].idx:prefix[-1].idx + len(prefix[-1].text)]
    return a, b, Speaker("unnamed", name, None), ":", {x.i for x in prefix} | {colon.i}


DEONTIC = frozenset({"should", "ought", "must", "shouldn't", "mustn't"})
STANCE_VERBS = frozenset({"believe", "think", "feel", "reckon", "doubt", "suppose", "guess", "mean"})


def _kind(tokens, text: str, evaluation: bool = False) -> str:
    """question, prediction, opinion or fact, from a claim's words: a question mark; a
    normative modal (should, must, ought: opinion before any future); a future or modal
    auxiliary; then what a naming verb calls a thing ("called it fake news"), the opinion
    words of the cue list or a first-person stance ("I believe", "in my view") make an opinion.
    (An adjective after a copula, "the timing is sensitive", was tried as an opinion cue: it
    helped on the sample sets and cost 0.03 of kind accuracy on real articles, so it is not.)"""
    c = cues()
    if text.rstrip().endswith("?"):
        return "question"
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    if any(t.lower_ in DEONTIC and t.tag_ == "MD" for t in tokens):
        return "opinion"
    if any(t.dep_ in ("aux",) and t.lower_ in c["prediction"] for t in tokens) or \
            words & {"expected", "likely", "unlikely", "forecast", "predict", "going"}:
        return "prediction"
    if evaluation:
        return "opinion"
    if words & c["opinion"] or _stance(tokens):
        return "opinion"
    return "fact"


def _stance(tokens) -> bool:
    """A first-person stance: "I believe", "we think", "in my opinion"."""
    for t in tokens:
        if t.lower_ in FIRST_PERSON and t.dep_ == "nsubj" and t.head.lemma_.lower() in STANCE_VERBS:
            return True
        if t.lower_ in ("opinion", "view") and any(d.lower_ in ("my", "our") for d in t.children):
            return True
    return False


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


def _according_to(toks: list, lowers: list[str], start: int, end: int) -> tuple[object, tuple[int, int]] | None:
    """("according to" object head, the phrase's char span) in the sentence of tokens
    ``start:end`` (``toks``, ``lowers``: the document's tokens and their lower-case forms)."""
    for i in range(start, end):
        if lowers[i] == "according" and i + 1 < len(toks) and lowers[i + 1] == "to":
            t, to = toks[i], toks[i + 1]
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
    regions = _quote_regions(text)
    ctx = _Context(doc, tok_actor, author, regions)
    found: list[tuple[int, int, Speaker, str | None]] = []
    ahead: list[tuple[int, int]] = []   # what a "... said:" before a sentence has already reported
    superseded: list[tuple[int, int]] = []   # quotations a later sentence attributes ('"...!" he said')
    pending = None   # (sentence number, speaker, cue) of a "... said:" whose next sentence it reports
    evaluations: set[tuple[int, int]] = set()   # spans that a naming verb calls something
    sents = list(doc.sents)
    # each token once, and the attributes the loops below test on every token (``doc[i]``
    # makes a new Token object at each access)
    toks = list(doc)
    pos = [t.pos_ for t in toks]
    lowers = [t.lower_ for t in toks]
    for k, sent in enumerate(sents):
        s_start, s_end = _sentence_bounds(text, sent)
        st, en = sent.start, sent.end
        if s_end - s_start < 3 or not any(p in ("VERB", "AUX") for p in pos[st:en]):
            continue
        sent_toks = toks[st:en]
        attributed = False
        frames: set[int] = set()   # tokens of the attributions: what they leave is the author's
        first_found = len(found)
        for i in range(st, en):
            if pos[i] != "VERB":
                continue
            v = toks[i]
            lemma = v.lemma_.lower()
            impersonal = _impersonal(v)
            if lemma not in c["reporting"] and lemma not in NAMING_VERBS \
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
            if lemma in REFUSABLE and any(ch.dep_ == "neg" for ch in v.children):
                continue   # "Kabul Daily could not confirm those reports": nothing is asserted
            if _authors_inference(v, tok_actor):
                continue   # "This language suggests that ...": the author's own reading
            content = _content(v, text, (s_start, s_end), regions)
            next_sentence = False   # "The ministry said:" / the next sentence, unquoted
            if content is None:
                content = _after_colon(v, text, (s_start, s_end), regions, sents, k)
                if content is None:
                    continue
                next_sentence = content not in regions
            elif _negated_stance(v):
                continue   # "is not recommending any indictments": no stance is taken
            subj, passive = _subject(v)
            co_speakers: list[Speaker] = []
            if impersonal is not None:
                speaker = Speaker("unnamed", doc[impersonal.i:v.i + 1].text, None)   # "it is understood"
            elif passive:
                agent = _agent(v)
                if agent is None and subj is not None and subj.lower_ in FIRST_PERSON \
                        and lemma in ("tell", "inform", "assure", "brief"):
                    speaker = Speaker("unnamed", doc[subj.i:v.i + 1].text, None)   # "..., we are told"
                elif agent is None:
                    continue
                else:
                    speaker = _speaker_of(agent, tok_actor, ctx)
            elif subj is None:
                continue
            elif _no_one(subj):
                continue   # "No one can say that ...", "nobody claims ...": no one says it
            elif subj.lower_ in FIRST_PERSON and _in_quote(subj):
                continue   # '"I believe in us"': the quoted speaker's own words, not a new claim
            else:
                if subj.lower_ in RELATIVE and subj.head.dep_ == "relcl":
                    # "Kabulov, the Kremlin's envoy, who told ...", "a woman who could be heard saying"
                    subj = _antecedent(subj.head.head, tok_actor)
                anchor = None
                if content[0] < s_start and subj.lower_ in ("he", "she", "they"):
                    # '"... (seven sentences) ...," he said': the one who spoke before the quotation
                    anchor = doc.char_span(content[0], content[0] + 1, alignment_mode="expand")
                speaker = _speaker_of(subj, tok_actor, ctx, anchor=anchor[0] if anchor else None)
                if not any(p <= v.idx < q for p, q in regions):
                    ctx.said(v, speaker)   # (who a quotation says spoke is no speaker of the story's)
                if speaker.kind in ("person", "organization"):
                    # "Park and Reyes said ...": each of the conjoined names says it
                    for other in subj.conjuncts:
                        if other.pos_ in ("PROPN", "NOUN") and other.i > subj.i:
                            also = _speaker_of(other, tok_actor, ctx)
                            if also.kind != "author" and also != speaker:
                                co_speakers.append(also)
            if subj is not None and subj.head.i != v.i and subj.head.lemma_.lower() in HEARD_PASSIVES:
                frames.update(t.i for t in subj.head.subtree)   # "... could be heard saying": a frame
            cue = v.text + "".join(" " + ch.text for ch in v.children if ch.dep_ == "prt")
            a, b = _trim(text, *content)
            if speaker.kind == "organization" and (speaker.actor is None or speaker.actor.startswith("unk:")) \
                    and any(p - 1 <= a and b <= q + 1 for p, q in regions) and _FIRST_SINGULAR.search(text[a:b]):
                # a name the actor extractor could only guess at, quoted saying "I" or "my":
                # a person ("'..., in my opinion, ...,' O'Rourke said")
                speaker = Speaker("person", speaker.name, speaker.actor)
            if b > a and next_sentence:
                # what follows the colon is the speaker's unless it names a source of its own
                pending = (k + 1, speaker, cue)
                attributed = True
                frames.update(t.i for t in v.subtree)
            elif b > a:
                if (lemma in NAMING_VERBS and any(
                        ch.dep_ == "oprd" or (ch.dep_ == "prep" and ch.lower_ == "as") for ch in v.children)) \
                        or (lemma in OBJECT_CUES and _as_complements(v)):
                    evaluations.add((a, b))   # what "called it fake news" calls a thing: an opinion
                found.append((a, b, speaker, cue))
                found.extend((a, b, also, cue) for also in co_speakers)
                if content[1] <= s_start:
                    superseded.append((a, b))   # the quotation before: no longer the author's
                if content in regions and content[0] >= s_end:
                    ahead.append((a, b))   # '... said: "We lost. ..."': the quotation after it
                attributed = True
                frames.update(t.i for t in v.subtree)
        acc = _according_to(toks, lowers, st, en)
        if acc is not None:
            obj, (p0, p1) = acc
            left, right = _trim(text, s_start, p0), _trim(text, p1, s_end)
            a, b = max((left, right), key=lambda r: r[1] - r[0])
            if b - a > 10:
                speaker = _speaker_of(obj, tok_actor, ctx)
                ctx.said(obj, speaker)
                found.append((a, b, speaker, "according to"))
                attributed = True
                frames.update(range(st, en))
        if not attributed:   # '..., court records show' with "show" read as a noun; "AP Source: ..."
            for a, b, speaker, cue, span_toks in filter(None, (
                    _postposed(sent, sent_toks, text, regions, tok_actor, ctx),
                    _source_colon(sent, sent_toks, text, tok_actor, ctx))):
                found.append((a, b, speaker, cue))
                attributed = True
                frames.update(span_toks)
        if not attributed:   # after "according to", which names the source
            adverb = next((toks[i] for i in range(st, en) if lowers[i] in HEARSAY_ADVERBS
                           and toks[i].dep_ == "advmod"), None)
            if adverb is not None:   # "Trump reportedly signed one of the checks"
                a, b = _trim(text, *_char_span(_clause(adverb.head)))
                found.append((a, b, Speaker("unnamed", adverb.text, None), adverb.text))
                attributed = True
                frames.update(t.i for t in adverb.head.subtree)
        for i in range(st, en):   # "Pompeo's accusation that Moscow supplies weapons"
            if pos[i] != "NOUN" or toks[i].lemma_.lower() not in SPEECH_NOUNS:
                continue
            n_tok = toks[i]
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
            said = [t for t in sorted(clause.subtree, key=lambda t: t.i)]
            while len(said) > 1 and said[0].dep_ == "mark":
                said = said[1:]
            a, b = _trim(text, *_char_span(said))
            if b > a:
                found.append((a, b, _speaker_of(holder, tok_actor, ctx), n_tok.text))
                attributed = True
                frames.update(t.i for t in n_tok.subtree)
        if not attributed:
            a, b = _trim(text, s_start, s_end)
            if b > a and not any(p <= a and b <= q for p, q in ahead):
                if pending is not None and pending[0] == k:
                    found.append((a, b, pending[1], pending[2]))
                else:
                    found.append((a, b, author, None))
        else:
            # what the attributions leave of the sentence is the author's own assertion:
            # "Moscow has been talking to the Taliban since 2015, when Kabulov first said ..."
            for a, b in _residue(sent_toks, frames, found[first_found:], text):
                found.append((a, b, author, None))
    if superseded:
        found = [f for f in found if f[2].kind != "author" or not any(p <= f[0] and f[1] <= q for p, q in superseded)]
    found = _tweets(doc, text, found, tok_actor)
    found = sorted(_spread_quotes(text, found, regions), key=lambda f: (f[0], -f[1]))
    if not found:
        return ()
    from ..checkworthiness import CheckworthinessModel
    scores = CheckworthinessModel.load().score_texts([text[a:b] for a, b, _, _ in found])
    claims = []
    for n, ((a, b, speaker, cue), score) in enumerate(zip(found, scores), start=1):
        span = doc.char_span(a, b, alignment_mode="expand")
        tokens = toks[span.start:span.end] if span is not None else []
        kind = _kind(tokens, text[a:b + 1], (a, b) in evaluations)
        worth = blend_checkworthiness(float(score), checkworthiness(tokens, kind, speaker))
        claims.append(Claim(id=f"c{n}", span=Span.of(text, a, b), speaker=speaker, cue=cue, kind=kind,
                            checkworthiness=worth))
    return tuple(claims)


_RESIDUE_EDGE = frozenset({"cc", "mark", "punct", "prep", "advmod", "det"})


def _residue(sent_toks: list, frames: set[int], claims: list, text: str) -> list[tuple[int, int]]:
    """Stretches of a sentence (its tokens) that no attribution covers (neither a reporting
    clause nor a claim it reports), long enough to assert something: a clause with a verb of
    its own."""
    covered = [(a, b) for a, b, _, _ in claims]
    runs, run = [], []
    for t in sent_toks:
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
    # two single marks typed for a double one (‘‘won’t let me in.’’) are a double mark; the
    # text keeps its length, so the offsets hold
    text = text.replace("‘‘", "““").replace("’’", "””").replace("``", "““").replace("''", "””")
    out: list[tuple[int, int]] = []
    start = None          # where the open quotation began
    curly = False         # whether it opened with a directed mark
    reopen = False        # a paragraph ended inside it and the next one starts with a mark
    dangling = None       # a straight quotation the last paragraph break closed, and where it began
    for m in _MARKS.finditer(text):
        ch, pos = m.group(), m.start()
        if ch == "\n":
            if start is not None and not reopen:
                rest = text[pos + 1:pos + 80].lstrip()
                if rest[:1] in ("\"", "“", "«"):
                    reopen = True
                elif not (curly and _closes_before_reopening(text, pos)):
                    out.append((start, pos))
                    dangling = start if not curly else None
                    start = None
                    continue
            if start is None and dangling is not None and text[out[-1][1]:pos].strip():
                dangling = None   # a whole paragraph went by without closing it
            continue
        if reopen:
            reopen = False
            if ch in "\"“«":
                continue   # the mark that reopens the quotation in its next paragraph
        if ch == '"' and start is None and dangling is not None and pos > 0 and text[pos - 1] in ",.!?" \
                and re.match(r"\s+[a-z]", text[pos + 1:pos + 4]):
            # '"This area was dangerous. / A mortar round could have fallen," the 24-year-old
            # said': the paragraph that did not reopen the quotation still closes it, with a
            # mark after punctuation and before a lower-case word
            out[-1] = (dangling, pos)
            dangling = None
            continue
        dangling = None
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
    regions = _double_regions(text) if _OPEN_CLOSE.search(text) or "‘‘" in text or "``" in text else []
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
                              and region[0] - f[1] < 300 and (in_quote(f) or f[2].kind in ("person", "organization"))
                              and not any(f[1] <= g[0] < region[0] - 1 and not in_quote(g)
                                          and g[2].kind == "author" for g in found)]
                    owner = max(before, key=lambda f: f[1]) if before else None
                if owner is not None:
                    speaker, cue = owner[2], owner[3]
        out.append((a, b, speaker, cue))
    return out


# the signature of an embedded tweet: "— Donald J. Trump (@realDonaldTrump) February 11, 2018",
# "— (((Rep. Nadler))) (@RepJerryNadler) March 22, 2019"
_TWEET = re.compile(r"[—–]\s*(?P<name>[^\n—–]{2,60}?)\s*\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}")
_LINK_LINE = re.compile(r"^\s*(?:https?://|pic\.twitter\.com/)\S*\s*$")
TWEET_CHARS = 280


def _tweet_span(text: str, m) -> tuple[int, int] | None:
    """Where the text of the tweet a signature closes lies: before the signature on its line,
    else the line before it; when a picture link stands alone on that line, the tweet had
    line breaks, and its text is the lines above the link, as far as a tweet's 280 characters
    go (not past a blank line, a line that ends in a colon or another signature)."""
    dash = m.start()
    line_start = text.rfind("\n", 0, dash) + 1
    if text[line_start:dash].strip():
        return line_start, dash
    lines = []   # (start, end) of the lines above the signature, nearest first
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        lines.append((start, end))
        end = start - 1
        if len(lines) > 12:
            break
    while lines and not text[lines[0][0]:lines[0][1]].strip():
        lines.pop(0)   # blank lines between the text and its signature
    if not lines:
        return None
    if not _LINK_LINE.match(text[lines[0][0]:lines[0][1]]):
        return lines[0]
    b = lines[0][0] - 1
    a = None
    for start, stop in lines[1:]:
        line = text[start:stop]
        if not line.strip() or line.rstrip().endswith(":") or _TWEET.search(line) \
                or (a is not None and b - start > TWEET_CHARS):
            break
        a = start
    return (a, b) if a is not None else None


def _tweets(doc, text: str, found: list, tok_actor: dict[int, Actor]) -> list:
    """An embedded tweet is its account holder's: the text before the signature on its line,
    or the line(s) before a signature that stands alone, is one claim with the signature's
    name as speaker (cue "—"), in place of the author's claims there; an attribution inside
    the tweet ("AP Source: ...") stays, nested in it."""
    if "(@" not in text:
        return found
    for m in _TWEET.finditer(text):
        span = _tweet_span(text, m)
        if span is None:
            continue
        a, b = _trim(text, *span)
        if b - a < 3:
            continue
        speaker = _signature_speaker(doc, m, tok_actor)
        found = [f for f in found if not (f[2].kind == "author" and f[0] < b and f[1] > a)]
        found.append((a, b, speaker, "—"))
    return found


def _signature_speaker(doc, m, tok_actor: dict[int, Actor]) -> Speaker:
    raw = m.group("name")
    name = raw.strip().strip("()").strip()
    at = m.start("name") + raw.index(name)
    span = doc.char_span(at, at + len(name), alignment_mode="expand")
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
