"""Language identification with py3langid (offline, one model loaded per process).

Policy (see docs/ingest.md):
- the first ``SAMPLE_CHARS`` characters of the cleaned text are classified with
  normalised probabilities;
- a text of fewer than ``MIN_WORDS`` words is not judged: ``language`` is None;
- a best label of "en" is English at any probability: short English news text
  often gets 0.7-0.9 because py3langid spreads the rest over English-lexified
  creoles (Nigerian Pidgin "pcm" mostly);
- any other best label counts only with probability >= ``MIN_CONFIDENCE``; it is
  then foreign, and a batch skips the text with reason ``detected language: de
  (0.99)`` unless the language check is off; below it the language is None
  (unknown) and the text is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SAMPLE_CHARS = 3000
MIN_WORDS = 15
MIN_CONFIDENCE = 0.90
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The best label and its probability; ``label`` None when not judged."""

    label: str | None
    confidence: float | None

    @property
    def language(self) -> str | None:
        """The language to record: the label when confident, else None."""
        if self.label == "en":
            return "en"
        if self.label is None or self.confidence is None or self.confidence < MIN_CONFIDENCE:
            return None
        return self.label

    @property
    def foreign(self) -> bool:
        return self.language not in (None, "en")

    @property
    def reason(self) -> str:
        return f"detected language: {self.label} ({self.confidence:.2f})"


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> LanguageGuess:
    sample = text[:SAMPLE_CHARS]
    if len(_WORD.findall(sample)) < MIN_WORDS:
        return LanguageGuess(None, None)
    label, confidence = _identifier().classify(sample)
    return LanguageGuess(label, round(float(confidence), 4))
