"""Boilerplate removal on plain article text.

The rules are data (``newsgraph/data/boilerplate.json``), loaded, validated and
compiled once. A rule removes whole lines or whole paragraphs, never part of a
line, and every removal is kept as ``Boilerplate(text, reason)`` in document
order, so nothing is lost silently.

Scopes:

``line``
    the rule's pattern matches the whole stripped line (``re.fullmatch``);
    the line is removed.
``paragraph``
    the pattern matches the whole paragraph (its lines joined with ``\\n``);
    the paragraph is removed.
``list``
    the pattern matches a heading line ("Related articles", "Read more"); the
    heading and the run of short, title-like lines after it (across blank
    lines) are removed as one piece.
``tail``
    the pattern matches a line that starts trailing matter ("Comments",
    "Leave a comment"); when the line lies past ``tail_min_position`` of the
    text, it and everything after it are removed as one piece; earlier in the
    text only the line itself is removed.

A line (or heading) longer than the rule's ``max_chars`` (default
``settings.line_max_chars``) is never tested, so long article sentences that
merely contain a trigger word are safe. Rules are tried in file order; the
first that matches wins. At the first line of a paragraph the paragraph rules
are tried before the line rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Boilerplate

SCOPES = ("line", "paragraph", "list", "tail")
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_RULE_KEYS = {"name", "reason", "pattern", "scope", "flags", "max_chars", "note"}
_SETTINGS = {
    "line_max_chars": 160,
    "paragraph_max_chars": 600,
    "list_item_max_chars": 120,
    "list_max_items": 15,
    "tail_min_position": 0.5,
}
# characters that open a list item ("- ", "• ", "» ") and close a title ('"', ")")
_BULLETS = "-*•·»>–—▪►✓ \t"
_CLOSERS = "\"'”’)]»"


class RuleFileError(ValueError):
    """The boilerplate rule file is malformed; the message names the rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    reason: str
    scope: str
    regex: re.Pattern[str]
    max_chars: int


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]
    line_max_chars: int
    paragraph_max_chars: int
    list_item_max_chars: int
    list_max_items: int
    tail_min_position: float

    @property
    def paragraph_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "paragraph")

    @property
    def line_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope != "paragraph")


def _rule(index: int, raw: Any, settings: dict[str, Any]) -> Rule:
    label = f"rule {index}"
    if not isinstance(raw, dict):
        raise RuleFileError(f"{label}: expected an object, got {type(raw).__name__}")
    if isinstance(raw.get("name"), str):
        label = f"rule {index} ({raw['name']!r})"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleFileError(f"{label}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    for key in ("reason", "pattern", "scope"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleFileError(f"{label}: {key!r} must be a non-empty string")
    if raw["scope"] not in SCOPES:
        raise RuleFileError(f"{label}: unknown scope {raw['scope']!r}; use one of {', '.join(SCOPES)}")
    flags = 0
    for letter in raw.get("flags", ""):
        if letter not in _FLAGS:
            raise RuleFileError(f"{label}: unknown flag {letter!r}; use letters from {''.join(_FLAGS)}")
        flags |= _FLAGS[letter]
    try:
        regex = re.compile(raw["pattern"], flags)
    except re.error as exc:
        raise RuleFileError(f"{label}: bad pattern: {exc}") from None
    default_max = settings["paragraph_max_chars" if raw["scope"] == "paragraph" else "line_max_chars"]
    max_chars = raw.get("max_chars", default_max)
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars <= 0:
        raise RuleFileError(f"{label}: max_chars must be a positive integer")
    return Rule(raw.get("name") or f"rule-{index}", raw["reason"], raw["scope"], regex, max_chars)


def parse_rules(data: Any, *, where: str = "rule file") -> RuleSet:
    """Validate and compile a decoded rule file; raise RuleFileError naming the bad rule."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"{where}: expected an object with a 'rules' list")
    settings = dict(_SETTINGS)
    raw_settings = data.get("settings", {})
    if not isinstance(raw_settings, dict):
        raise RuleFileError(f"{where}: 'settings' must be an object")
    for key, value in raw_settings.items():
        if key not in _SETTINGS:
            raise RuleFileError(f"{where}: unknown setting {key!r}; allowed: {sorted(_SETTINGS)}")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise RuleFileError(f"{where}: setting {key!r} must be a non-negative number")
        settings[key] = value
    rules = tuple(_rule(i, raw, settings) for i, raw in enumerate(data["rules"]))
    return RuleSet(version=int(data.get("version", 1)), rules=rules,
                   line_max_chars=int(settings["line_max_chars"]),
                   paragraph_max_chars=int(settings["paragraph_max_chars"]),
                   list_item_max_chars=int(settings["list_item_max_chars"]),
                   list_max_items=int(settings["list_max_items"]),
                   tail_min_position=float(settings["tail_min_position"]))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load a rule file (the packaged one when ``path`` is None)."""
    if path is None:
        source = resources.files("newsgraph") / "data" / "boilerplate.json"
        where = "newsgraph/data/boilerplate.json"
    else:
        source, where = Path(path), str(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{where}: not valid JSON: {exc}") from None
    return parse_rules(data, where=where)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The packaged rules, compiled once per process."""
    return load_rules()


def normalize_newlines(text: str) -> str:
    """Strip a BOM and turn CRLF and CR into LF."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (runs of non-blank lines) as lists of right-stripped lines."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in normalize_newlines(text).split("\n"):
        line = line.rstrip()
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def _title_like(line: str, max_chars: int) -> bool:
    """A short line that reads like a link title (a list item), not a sentence."""
    item = line.strip().lstrip(_BULLETS).strip()
    if not item or len(item) > max_chars:
        return False
    return not item.rstrip(_CLOSERS).endswith((".", ";", ",", ":"))


def _match(rules: tuple[Rule, ...], line: str) -> Rule | None:
    return next((r for r in rules if len(line) <= r.max_chars and r.regex.fullmatch(line)), None)


def clean_text(text: str, rules: RuleSet | None = None) -> tuple[str, tuple[Boilerplate, ...]]:
    """Remove boilerplate lines and paragraphs from plain text.

    Returns the cleaned text (paragraphs joined with a blank line, runs of blank
    lines collapsed, trailing spaces stripped) and the removed pieces in
    document order, each with the reason of the rule that removed it.
    """
    rules = rules or default_rules()
    paragraphs = split_paragraphs(text)
    # one flat list of (paragraph index, line) so list and tail rules can cross paragraphs
    flat = [(p, line) for p, lines in enumerate(paragraphs) for line in lines]
    first_line_of = {}
    for i, (p, _) in enumerate(flat):
        first_line_of.setdefault(p, i)
    total = sum(len(line) + 1 for _, line in flat) or 1
    keep = [True] * len(flat)
    removed: list[Boilerplate] = []
    paragraph_rules, line_rules = rules.paragraph_rules, rules.line_rules

    i, position = 0, 0
    while i < len(flat):
        p, line = flat[i]
        if first_line_of[p] == i and paragraph_rules:
            para = "\n".join(paragraphs[p])
            rule = next((r for r in paragraph_rules
                         if len(para) <= r.max_chars and r.regex.fullmatch(para)), None)
            if rule is not None:
                removed.append(Boilerplate(para, rule.reason))
                for j in range(i, i + len(paragraphs[p])):
                    keep[j] = False
                    position += len(flat[j][1]) + 1
                i += len(paragraphs[p])
                continue
        stripped = line.strip()
        rule = _match(line_rules, stripped)
        end = i + 1
        if rule is not None:
            if rule.scope == "list":
                # the run of title-like lines after the heading, up to a line another rule removes
                while (end < len(flat) and end - i <= rules.list_max_items
                       and _title_like(flat[end][1], rules.list_item_max_chars)
                       and _match(line_rules, flat[end][1].strip()) is None):
                    end += 1
            elif rule.scope == "tail" and position / total >= rules.tail_min_position:
                end = len(flat)
            piece: dict[int, list[str]] = {}
            for j in range(i, end):
                keep[j] = False
                piece.setdefault(flat[j][0], []).append(flat[j][1].strip())
            removed.append(Boilerplate(join_paragraphs(list(piece.values())), rule.reason))
        for j in range(i, end):
            position += len(flat[j][1]) + 1
        i = end

    kept: list[list[str]] = [[] for _ in paragraphs]
    for (p, line), k in zip(flat, keep):
        if k:
            kept[p].append(line)
    return join_paragraphs(kept), tuple(removed)
