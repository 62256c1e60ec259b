"""newsgraph: evidence-linked events, actors, claims and signals from news articles.

The public API::

    from newsgraph import analyze
    analysis = analyze("Text of an article ...", outlet="example.org", date="2019-09-01")
    analysis.to_dict()            # the JSON contract, schema "newsgraph.analysis/1"

    from newsgraph import ingest, Store
    report = ingest(["articles/"], db="newsgraph.db", jobs=2)
    with Store("newsgraph.db", readonly=True) as store:
        store.summary()
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "analyze": ("pipeline", "analyze"),
    "analyze_documents": ("pipeline", "analyze_documents"),
    "iter_documents": ("ingest", "iter_documents"),
    "ingest": ("runner", "ingest"),
    "Store": ("store", "Store"),
    "Document": ("model", "Document"),
    "Analysis": ("model", "Analysis"),
    "Skipped": ("model", "Skipped"),
    "NewsgraphError": ("errors", "NewsgraphError"),
    "validate_analysis": ("schema", "validate_analysis"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import newsgraph` stays cheap (no spaCy load).
    if name in _LAZY:
        from importlib import import_module
        module, attr = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'newsgraph' has no attribute {name!r}")
