"""From documents to analyses: the extractor registry and the batched run.

An extractor is a named, versioned, pure function of a parsed document. It
declares which fields of the analysis it produces and which earlier outputs it
reads; adding one never means editing another. ``analyze_documents`` parses
documents in batches with ``nlp.pipe`` and runs every registered extractor on
each parsed ``Doc``. A document whose analysis fails becomes a ``Skipped``
record with the reason; the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import NewsgraphError
from .model import Analysis, Document, Skipped
from .nlp import BATCH_SIZE, MAX_CHARS, SENTENCES_VERSION, load_nlp, model_version

ANALYSIS_FIELDS = ("actors", "places", "events", "claims", "signals", "source_reliability")

ExtractorFn = Callable[[Any, Document, Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class Extractor:
    name: str
    version: str
    produces: tuple[str, ...]
    requires: tuple[str, ...]
    func: ExtractorFn


REGISTRY: dict[str, Extractor] = {}

# Extractors that run only when asked for (``enable``): their cost is high for their value by
# default. An extractor that is off still fills its fields, empty, and its version reads "off".
OPTIONAL: dict[str, bool] = {"signals": False}


def enable(name: str, on: bool = True) -> None:
    """Switch an optional extractor on (``newsgraph analyze --signals``); worker processes
    forked afterwards inherit the switch."""
    if name not in OPTIONAL:
        raise ValueError(f"{name!r} is not an optional extractor: {sorted(OPTIONAL)}")
    OPTIONAL[name] = on


def register(name: str, version: str, *, produces: tuple[str, ...],
             requires: tuple[str, ...] = ()) -> Callable[[ExtractorFn], ExtractorFn]:
    """Register ``func(doc, document, prior) -> {field: records}`` as an extractor.

    ``prior`` maps each field produced by earlier extractors to its records.
    Extractors run in registration order; a field can be produced only once and
    must be produced before an extractor that requires it.
    """
    unknown = set(produces) - set(ANALYSIS_FIELDS)
    if unknown:
        raise ValueError(f"extractor {name!r} produces unknown fields {sorted(unknown)}")

    def decorator(func: ExtractorFn) -> ExtractorFn:
        produced = {f for e in REGISTRY.values() for f in e.produces}
        if name in REGISTRY:
            raise ValueError(f"extractor {name!r} is registered twice")
        if produced & set(produces):
            raise ValueError(f"extractor {name!r} produces {sorted(produced & set(produces))}, "
                             "which another extractor already produces")
        missing = set(requires) - produced
        if missing:
            raise ValueError(f"extractor {name!r} requires {sorted(missing)}, produced by none registered before it")
        REGISTRY[name] = Extractor(name, version, tuple(produces), tuple(requires), func)
        return func

    return decorator


def _register_builtin() -> None:
    from .extract import actors

    @register("actors", actors.EXTRACTOR_VERSION, produces=("actors", "places"))
    def _actors(doc, document, prior):
        result = actors.extract_actors(doc, document)
        return {"actors": result.actors, "places": result.places}

    from . import reliability

    @register("reliability", reliability.EXTRACTOR_VERSION, produces=("source_reliability",))
    def _reliability(doc, document, prior):
        return {"source_reliability": reliability.source_reliability(document)}

    from .extract import claims

    @register("claims", claims.EXTRACTOR_VERSION, produces=("claims",), requires=("actors",))
    def _claims(doc, document, prior):
        return {"claims": claims.extract_claims(doc, document, prior["actors"])}

    from . import propaganda

    @register("signals", propaganda.EXTRACTOR_VERSION, produces=("signals",))
    def _signals(doc, document, prior):
        if not OPTIONAL["signals"]:
            return {"signals": ()}
        from .model import Signal, Span
        # the detector's own sentence splitting: the one its cross-validation measured
        return {"signals": tuple(Signal(d["technique"], Span.of(document.text, d["start"], d["end"]), d["score"])
                                 for d in propaganda.detect(document.text))}

    from .extract import events

    @register("events", events.EXTRACTOR_VERSION, produces=("events",), requires=("actors", "places", "claims"))
    def _events(doc, document, prior):
        return {"events": events.extract_events(doc, document, prior["actors"], prior["places"],
                                                claims=prior["claims"])}


_register_builtin()


def preload() -> None:
    """Load the spaCy pipeline and the extractors' tables and models (all but the sentence
    encoder, whose runtime is not to be forked) in this process, so that worker processes
    forked afterwards share them instead of each reading them again (about 3 s a worker).
    A table that fails to load is left to fail where it is used, as before."""
    load_nlp()
    from . import checkworthiness
    from .extract import actors, claims, event_types, events, places, status
    for load in (actors._tables, places.gazetteer, event_types.cameo_verbs,
                 event_types._cameo_slot_sets, event_types.shipped_model, events._trigger_data,
                 status.load_cues, claims.cues, checkworthiness._shipped):
        try:
            load()
        except Exception:
            pass


def extractor_versions(nlp=None) -> dict[str, str]:
    versions = {e.name: (e.version if OPTIONAL.get(e.name, True) else "off") for e in REGISTRY.values()}
    if nlp is not None:
        import spacy
        versions["spacy_model"] = model_version(nlp)
        # the library's rules matter too: spaCy 3.8.8 and later lemmatise "hoped" as "hop"
        versions["spacy"] = spacy.__version__
        # newsgraph's own sentence starts (line breaks, wire datelines), set before the parser
        versions["sentences"] = SENTENCES_VERSION
    return versions


def analyze_doc(doc, document: Document, versions: Mapping[str, str]) -> Analysis:
    """Run every registered extractor on one parsed document."""
    prior: dict[str, Any] = {}
    for extractor in REGISTRY.values():
        out = extractor.func(doc, document, prior)
        for field in extractor.produces:
            prior[field] = out[field]
    fields = {f: tuple(prior.get(f, ())) for f in ANALYSIS_FIELDS if f != "source_reliability"}
    analysis = Analysis(document=document, source_reliability=prior.get("source_reliability"),
                        extractors=dict(versions), **fields)
    analysis.check()
    return analysis


def analyze_documents(documents: Iterable[Document], *, nlp=None,
                      batch_size: int = BATCH_SIZE) -> Iterator[Analysis | Skipped]:
    """Analyse documents in order, parsing in batches; yields an Analysis or a Skipped per document."""
    nlp = nlp or load_nlp()
    versions = extractor_versions(nlp)

    def fitting(docs: Iterable[Document]):
        for document in docs:
            if len(document.text) > MAX_CHARS:
                yield document, Skipped(document.origin or document.id, "too_large",
                                        f"document has {len(document.text):,} characters; "
                                        f"the analysis limit is {MAX_CHARS:,}")
            else:
                yield document, None

    pending = fitting(documents)
    # nlp.pipe with as_tuples keeps each Doc paired with its Document; refused
    # documents are passed through with an empty text so the order is kept.
    stream = ((("" if refusal else document.text), (document, refusal)) for document, refusal in pending)
    for doc, (document, refusal) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        if refusal is not None:
            yield refusal
            continue
        try:
            yield analyze_doc(doc, document, versions)
        except Exception as exc:  # isolate one document's failure from the batch
            yield Skipped(document.origin or document.id, "analysis_failed",
                          f"{type(exc).__name__}: {exc}")


def analyze(source: str | Document, *, nlp=None, **meta: Any) -> Analysis:
    """Analyse one article given as text or as a Document.

    Keyword arguments (``outlet``, ``date``, ``url``, ``title``, ``id``) describe a
    text input. Raises NewsgraphError if the document cannot be analysed.
    """
    if isinstance(source, Document):
        document = source
    else:
        from .ingest import document_from_text
        document = document_from_text(source, **meta)
    (result,) = analyze_documents([document], nlp=nlp)
    if isinstance(result, Skipped):
        raise NewsgraphError(result.code, result.reason)
    return result
