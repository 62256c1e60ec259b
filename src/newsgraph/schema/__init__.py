"""The JSON Schema of the analysis contract, and a validator that also checks offsets."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

SCHEMA_FILE = "analysis-1.schema.json"


@lru_cache(maxsize=1)
def analysis_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = analysis_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _spans(obj: dict[str, Any]):
    for group in ("actors", "places"):
        for record in obj.get(group, []):
            yield from record["mentions"]
    for event in obj.get("events", []):
        yield event["evidence"]
    for group in ("claims", "signals"):
        yield from obj.get(group, [])


def validate_analysis(obj: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` or ``ValueError`` if ``obj`` breaks the contract.

    Beyond the schema, every span must quote ``document.text`` exactly.
    """
    _validator().validate(obj)
    text = obj["document"]["text"]
    for span in _spans(obj):
        if not (0 <= span["start"] <= span["end"] <= len(text)) or \
                text[span["start"]:span["end"]] != span["text"]:
            raise ValueError(f"span {span['start']}:{span['end']} does not quote {span['text']!r}")
