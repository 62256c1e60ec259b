"""Political events: who did what to whom, when and where, with a status and the evidence.

``extract_events(doc, document, actors, places)`` is a pure function of the parsed
document and the actors and places already resolved in it. How it decides:

1. **Triggers.** A verb whose lemma and phrase match a pattern of the CAMEO verb dictionary
   (PETRARCH-2, via ``event_types.cameo_vote``) that maps to a PLOVER type, or a noun from
   the nominal trigger list (``data/event_triggers.json``: "attack", "talks", "sanctions"...)
   is an event candidate. Reporting verbs ("said", "told") map to no PLOVER type and start
   no event; speech acts that are events ("accused", "denied", "threatened") do.
2. **Roles** from the dependency parse: the subject is the actor and the object (or the
   object of "with", "to", "against", "on"...) the recipient; in the passive the agent
   ("by X") is the actor and the subject the recipient. A verb with no subject of its own
   takes the one of the verb it depends on ("plans to send", "attacked and killed"). Compound
   roles keep every conjunct ("China, India, Iran and Pakistan will take part"). Pronouns are
   resolved because the actor extractor already made "he" a mention of Lavrov. A candidate
   with no resolved actor in either role is dropped: PLOVER events are between actors.
3. **Type** from the event-type classifier (``event_types.classify_pairs``: a lexical gate,
   then sentence embedding + dependency-path and CAMEO dictionary features for the pairs the
   gate is unsure of), run once per document over every candidate; a candidate it finds
   likelier to be no political event than any type ("He offered no evidence") is dropped; the dictionary's CAMEO code gives the mode, Goldstein and quad class when
   it agrees with the type, otherwise the ontology's representative code for the type.
4. **Source claim**: the innermost attributed claim (``claims.extract_claims``) whose span
   holds the predicate ("accused Russia of arming ...": the AID event comes from the US claim).
5. **Status** (``status.event_status``), **date** (``time.time_for_token``), **place** (a
   place mentioned in the predicate's locative phrase, else in its clause), **evidence**
   (the sentence) and a **confidence** (the type probability, lowered when a role is missing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from ..model import Actor, Claim, Document, Event, Place, Span
from ..ontology import cameo, cameo_for, plover, quad_of
from . import event_types, status as status_mod, time as time_mod
from .claims import claim_for_offset
from .mentions import token_records

EXTRACTOR_VERSION = "events/0.5"
TRIGGERS_FILE = "event_triggers.json"

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "dative", "attr", "oprd"})
# prepositions whose object is the recipient of a verb/noun event
RECIPIENT_PREPS = frozenset({"with", "to", "against", "on", "at", "toward", "towards", "into", "upon",
                             "for", "from", "over", "of"})
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "around", "across", "throughout",
                            "within", "along"})
# children not followed when collecting the actors of a role phrase
STOP_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "appos", "parataxis", "punct", "mark"})
# clauses below a verb that are not part of its own phrase for the CAMEO patterns
NESTED_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "parataxis", "conj", "csubj"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """An event before typing: the predicate and its role phrases (token indices)."""

    predicate: int
    actor_heads: tuple[int, ...]
    recipient_heads: tuple[int, ...]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    cameo_type: str
    cameo_code: str


@lru_cache(maxsize=1)
def _trigger_data() -> tuple[dict[str, dict[str, str]], frozenset[str], dict[str, dict[str, str]]]:
    raw = json.loads(resources.files("newsgraph").joinpath("data", TRIGGERS_FILE).read_text("utf-8"))

    def specs(section: str) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for lemma, spec in raw.get(section, {}).items():
            quad_of(spec["type"])  # raises on an unknown type
            if spec.get("mode") is not None and spec["mode"] not in plover().types[spec["type"]].modes:
                raise ValueError(f"{TRIGGERS_FILE}: {lemma}: {spec['mode']!r} is not a mode of {spec['type']}")
            out[lemma] = {"type": spec["type"], "mode": spec.get("mode")}
        return out

    return specs("nouns"), frozenset(raw["not_verbs"]), specs("verbs")


def triggers() -> dict[str, dict[str, str]]:
    """Nominal triggers: lemma -> {"type", "mode"} (data file, validated once)."""
    return _trigger_data()[0]


def not_verbs() -> frozenset[str]:
    """Reporting and light verbs that never start an event."""
    return _trigger_data()[1]


def verb_overrides() -> dict[str, dict[str, str]]:
    """News verbs the CAMEO dictionary lacks or codes for another sense: "lemma" or
    "lemma particle" -> {"type", "mode"}; they replace the dictionary's vote."""
    return _trigger_data()[2]


# verbs of going somewhere: a trip "for talks" is a consultation (CAMEO 042, make a visit)
MOTION_VERBS = frozenset("travel fly go come arrive head journey return".split())


def _verb_override(tok) -> dict[str, str] | None:
    """The curated entry of the verb, keyed by lemma + particle or preposition ("call on"), a
    to-infinitive counting as "to" ("agreed to resume talks" as "agree to"), else by lemma; a
    verb of going "for" a nominal CONSULT trigger ("will travel to Moscow for talks") is a
    visit (CONSULT, mode "visit")."""
    table = verb_overrides()
    lemma = tok.lemma_.lower()
    if lemma in MOTION_VERBS:
        for obj in (o for p in tok.children if p.dep_ == "prep" and p.lower_ == "for"
                    for o in p.children if o.dep_ == "pobj"):
            spec = triggers().get(obj.lemma_.lower())
            if spec is not None and spec["type"] == "CONSULT":
                return {"type": "CONSULT", "mode": "visit"}
    for child in tok.children:
        if child.dep_ in ("prt", "prep"):
            word = child.lower_
        elif child.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children):
            word = "to"
        else:
            continue
        spec = table.get(f"{lemma} {word}")
        if spec is not None:
            return spec
    return table.get(lemma)


# ------------------------------------------------------------------ token -> actor / place

def _token_map(doc, records: Iterable[Actor | Place]) -> dict[int, str]:
    """Token index -> the id of the actor or place it mentions."""
    return {i: rec.id for i, rec in token_records(doc, records).items()}


def _role_actors(tok, tok_actor: dict[int, str], depth: int = 0) -> list[str]:
    """Actors named by the phrase headed by ``tok``: its own actor, or those of its modifiers."""
    if depth > 6:
        return []
    own = tok_actor.get(tok.i)
    found: list[str] = [own] if own else []
    for child in tok.children:
        if child.dep_ in STOP_DEPS:
            continue
        if own and child.dep_ not in ("conj", "cc"):
            continue  # "Russia's foreign minister Lavrov": the head's own actor only
        for a in _role_actors(child, tok_actor, depth + 1):
            if a not in found:
                found.append(a)
    return found


def _object_of(verb):
    return next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)


def _subject_of(pred):
    """The subject phrase head of a predicate, inherited through xcomp/conj chains.

    Object control: in "urged Islamabad to arrest" and "accused Russia of supplying" the
    governing verb's object is the subject of the governed one; otherwise the governing
    verb's subject is ("plans to send", "attacked and killed").
    """
    t = pred
    for _ in range(4):
        for child in t.children:
            if child.dep_ in SUBJECT_DEPS:
                return child, False
            if child.dep_ == "nsubjpass":
                return child, True
        if t.dep_ == "xcomp" and _object_of(t.head) is not None:
            return _object_of(t.head), False
        if t.dep_ == "pcomp" and t.head.dep_ == "prep" and _object_of(t.head.head) is not None:
            return _object_of(t.head.head), False
        if t.dep_ in ("xcomp", "conj", "pcomp") and t.head.i != t.i:
            t = t.head if t.dep_ != "pcomp" else t.head.head
            continue
        break
    return None, False


def _verb_above_noun(noun):
    """The verb a nominal trigger hangs from: "launched an attack", "take part in the talks"."""
    t = noun
    for _ in range(4):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.dep_ not in ("prep", "pobj", "dobj", "attr") and t.pos_ != "ADP":
            return None
    return None


def _roles(pred, tok_actor: dict[int, str]) -> tuple[list, list]:
    """(actor phrase heads, recipient phrase heads) of a verbal or nominal predicate."""
    actor_heads, recipient_heads = [], []
    if pred.pos_ in ("NOUN", "PROPN"):
        for child in pred.children:
            if child.dep_ == "poss" or (child.dep_ in ("compound", "amod") and child.i in tok_actor):
                actor_heads.append(child)
            elif child.dep_ == "prep" and child.lower_ == "by":
                actor_heads += [c for c in child.children if c.dep_ == "pobj"]
            elif child.dep_ == "prep" and child.lower_ == "between":
                actor_heads += [c for c in child.children if c.dep_ == "pobj"]
            elif child.dep_ == "prep" and child.lower_ in RECIPIENT_PREPS:
                recipient_heads += [c for c in child.children if c.dep_ == "pobj"]
        # "X launched an attack on Y", "X will take part in the talks": the verb supplies the actor
        verb = _verb_above_noun(pred) if pred.dep_ in ("dobj", "nsubjpass", "attr", "pobj") else None
        if not actor_heads and verb is not None:
            subj, passive = _subject_of(verb)
            if subj is not None and not passive:
                actor_heads.append(subj)
        return actor_heads, recipient_heads
    subj, passive = _subject_of(pred)
    if subj is not None:
        (recipient_heads if passive else actor_heads).append(subj)
    for child in pred.children:
        if child.dep_ in OBJECT_DEPS:
            recipient_heads.append(child)
        elif child.dep_ == "agent":
            actor_heads += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "prep" and child.lower_ in RECIPIENT_PREPS:
            recipient_heads += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "prt":
            for c in child.children:
                if c.dep_ == "pobj":
                    recipient_heads.append(c)
    if not recipient_heads:
        # "threatened to attack South Korea", "agreed to resume talks with Kyiv": the recipient
        # of the governed verb
        for child in pred.children:
            if child.dep_ == "xcomp" and child.pos_ == "VERB":
                recipient_heads = [h for h in _roles(child, tok_actor)[1]]
                break
    return actor_heads, recipient_heads


def candidates(doc, tok_actor: dict[int, str]) -> list[Candidate]:
    """Event candidates of a parsed document: triggers with at least one resolved actor."""
    nouns, stop = triggers(), not_verbs()
    out: list[Candidate] = []
    actor_sents = {doc[i].sent.start for i in tok_actor}
    for sent in doc.sents:
        if sent.start not in actor_sents:
            continue
        for tok in sent:
            if tok.pos_ == "VERB" and tok.lemma_.lower() not in stop:
                override = _verb_override(tok)
                if override is not None:
                    plover, code = override["type"], ""
                elif event_types.has_cameo_patterns(tok):
                    # the verb's own phrase, not the clauses it reports or governs ("said that ...")
                    nested = {t.i for child in tok.children if child.dep_ in NESTED_DEPS for t in child.subtree}
                    plover, code = event_types.cameo_vote(tok, nested)
                else:   # not in the dictionary: no vote
                    plover, code = "", ""
                if not plover:
                    continue
            elif tok.pos_ == "NOUN" and tok.lemma_.lower() in nouns and tok.i not in tok_actor:
                spec = nouns[tok.lemma_.lower()]
                plover, code = spec["type"], ""
            else:
                continue
            a_heads, r_heads = _roles(tok, tok_actor)
            if plover == "MOBILIZE":   # "deployed troops": what is mobilised is the actor's own
                r_heads = [h for h in r_heads if h.dep_ not in OBJECT_DEPS]
            actors = [a for h in a_heads for a in _role_actors(h, tok_actor)]
            recipients = [a for h in r_heads for a in _role_actors(h, tok_actor) if a not in actors]
            if not actors and not recipients:
                continue
            out.append(Candidate(tok.i, tuple(h.i for h in a_heads), tuple(h.i for h in r_heads),
                                 tuple(dict.fromkeys(actors)), tuple(dict.fromkeys(recipients)), plover, code))
    return _drop_restatements(doc, out)


def _drop_restatements(doc, found: list[Candidate]) -> list[Candidate]:
    """A noun event inside a verb event's own phrase that names no other actor restates it
    ("will meet ... in a visit", "the attack on Ghazni killed 12"): one event, not two."""
    verbal = [c for c in found if doc[c.predicate].pos_ == "VERB"]
    phrase = {c.predicate: {t.i for t in _own_phrase(doc[c.predicate])} for c in verbal}
    keep = []
    for c in found:
        if doc[c.predicate].pos_ != "VERB" and any(
                c.predicate in phrase[v.predicate]
                and set(c.actors + c.recipients) <= set(v.actors + v.recipients) for v in verbal):
            continue
        keep.append(c)
    return keep


def _phrase(doc, head_i: int) -> tuple[int, int]:
    """Token span (start, end) of the role phrase headed by ``head_i``, nested clauses left out."""
    idx = [t.i for t in _own_phrase(doc[head_i])]
    return min(idx), max(idx) + 1


def _own_phrase(tok):
    """``tok`` and its descendants, leaving out nested clauses (relative, adverbial...)."""
    yield tok
    for child in tok.children:
        if child.dep_ not in STOP_DEPS:
            yield from _own_phrase(child)


def _place_for(pred, tok_place: dict[int, str], places: dict[str, Place],
               role_heads: Sequence[int] = ()) -> dict | None:
    """A place in the predicate's locative phrase, else in its clause, else a role that is a
    place ("Ghazni was attacked": the target is where it happened)."""
    def as_dict(pid: str) -> dict:
        p = places[pid]
        return {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon}

    for child in pred.children:
        if child.dep_ == "prep" and child.lower_ in LOCATIVE_PREPS:
            for t in _own_phrase(child):
                if t.i in tok_place:
                    return as_dict(tok_place[t.i])
    for t in _own_phrase(pred):
        if t.i in tok_place and t.head.dep_ == "prep" and t.head.lower_ in LOCATIVE_PREPS:
            return as_dict(tok_place[t.i])
    for i in role_heads:
        if i in tok_place:
            return as_dict(tok_place[i])
    return None


def _sentence_span(doc, text: str, sent) -> Span:
    start, end = sent.start_char, sent.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Span.of(text, start, end)


# Negations that are themselves a rejection: when the event is typed REJECT, the negated
# predicate ("refused to negotiate") is what was rejected, and the rejection is asserted.
REFUSAL_REASONS = frozenset({"negation:refuse", "negation:decline", "negation:reject", "negation:deny"})

# The dictionary's (or trigger noun's) type stands unless the classifier gives it less than
# this share of its own top probability; a curated verb's (event_triggers.json "verbs") always.
DICTIONARY_SHARE = 0.25


def _choose_type(c: Candidate, pred, overridden: bool = False) -> str:
    own = "RETREAT" if c.cameo_type == "YIELD" else c.cameo_type
    if own and (overridden or pred.probs.get(own, 0.0) >= DICTIONARY_SHARE * pred.confidence):
        return own
    return pred.type


def extract_events(doc, document: Document, actors: Sequence[Actor], places: Sequence[Place],
                   *, model=None, claims: Sequence[Claim] = ()) -> tuple[Event, ...]:
    tok_actor = _token_map(doc, actors)
    found = candidates(doc, tok_actor)
    if not found:
        return ()
    pairs = []
    for c in found:
        src = _phrase(doc, c.actor_heads[0]) if c.actor_heads else None
        tgt = _phrase(doc, c.recipient_heads[0]) if c.recipient_heads else None
        pairs.append((src, tgt, c.predicate))
    predictions = event_types.classify_pairs(doc, pairs, model=model)
    tok_place = _token_map(doc, places)
    by_id = {p.id: p for p in places}
    times = time_mod.extract_times(doc, document.published, document.text)
    events: list[Event] = []
    n = 0
    for c, pred in zip(found, predictions):
        if not pred.is_event:   # the classifier finds "no event" likelier than any type
            continue
        n += 1
        ptok = doc[c.predicate]
        override = _verb_override(ptok) if ptok.pos_ == "VERB" else None
        etype = _choose_type(c, pred, overridden=override is not None)
        when = time_mod.time_for_token(times, doc, c.predicate)
        date = when.value if when is not None else None
        # a month-day with no year ("--09-04") says nothing about how long ago it was
        dated = date if date and not date.startswith("--") else None
        st = status_mod.event_status(doc, c.predicate, published=document.published, event_date=dated)
        status = st.status
        if st.reason in REFUSAL_REASONS and quad_of(etype) <= 2:
            # refusing to negotiate, meet or cooperate is itself a rejection (PLOVER REJECT)
            etype = "REJECT"
        if etype == "REJECT" and st.reason in REFUSAL_REASONS:
            status = "asserted"  # "refused to negotiate": the refusal is the REJECT event, and it happened
        code = cameo(c.cameo_code) if c.cameo_code else None
        if code is None or code.plover_type != etype:
            spec = None if c.cameo_code else (
                triggers().get(ptok.lemma_.lower()) if ptok.pos_ != "VERB" else override)
            mode = spec["mode"] if spec and spec["type"] == etype else None
            code = cameo_for(etype, mode if mode in plover().types[etype].modes else None)
        mode = code.plover_mode if code.plover_type == etype else None
        source = claim_for_offset(claims, ptok.idx)   # the attributed claim it comes from, if any
        # the classifier's probability of the type, also where a curated verb chose it
        confidence = pred.probs.get(etype, 0.0) * (1.0 if c.actors and c.recipients else 0.8)
        events.append(Event(
            id=f"e{n}", type=etype, mode=mode, cameo=code.code, goldstein=code.goldstein,
            quad=quad_of(etype),
            actor=c.actors, recipient=c.recipients, status=status,
            source_claim=source.id if source is not None else None,
            date=date, place=_place_for(doc[c.predicate], tok_place, by_id, c.actor_heads + c.recipient_heads),
            evidence=_sentence_span(doc, document.text, doc[c.predicate].sent),
            confidence=round(min(max(confidence, 0.0), 1.0), 3)))
    return tuple(events)
