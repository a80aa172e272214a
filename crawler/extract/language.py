"""The article's language: the page's declaration, checked against its text by py3langid.

A page that declares no language gets the detected one. A declaration is overruled only when the
text is long enough to be sure and the detector finds the declared language all but impossible:
site templates often declare their default language on every page, so an article in another
language carries a wrong ``lang``. The detector's cost grows with the text it reads, so a
declaration is first checked on the first :data:`CHECK_CHARS` of the text, and only when that
short sample disagrees is the first :data:`SAMPLE_CHARS` read.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: Characters of text the detector reads (from the start) to detect or to overrule a language;
#: more costs time and changes nothing.
SAMPLE_CHARS = 1500

#: Characters of text read to confirm a declared language (about 50 words): a fifth of the cost.
CHECK_CHARS = 150

#: The least text (characters) from which a language is detected at all.
MIN_DETECT_CHARS = 100

#: The least text (characters) from which a detection may overrule the page's declaration.
MIN_OVERRULE_CHARS = 400

#: The least probability of a detected language for it to be taken.
MIN_CONFIDENCE = 0.9

#: A declared language the detector gives less than this probability is overruled. Close
#: neighbours stay well above it (Norwegian for a Danish text: about 0.01; Galician or Catalan
#: for a Spanish one: 1e-5), unrelated languages far below (English for Spanish: 1e-11).
MAX_DECLARED_PROBABILITY = 1e-6


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model with normalized probabilities, loaded once per process (~0.5 s)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    """The codes the detector knows (ISO 639-1, and ISO 639-3 for languages that have none)."""
    return frozenset(_identifier().labels)


def warm_up() -> None:
    """Load the model now rather than on the first page."""
    _identifier()


def detect(text: str, chars: int = SAMPLE_CHARS) -> dict[str, float]:
    """Probabilities of each language the detector knows for the first ``chars`` of ``text``;
    empty when the text is shorter than :data:`MIN_DETECT_CHARS`."""
    sample = text[:chars]
    if len(sample.strip()) < MIN_DETECT_CHARS:
        return {}
    ranked: list[tuple[str, float]] = _identifier().rank(sample)
    return dict(ranked)


def _top(probabilities: dict[str, float]) -> str | None:
    """The most probable language, if any."""
    return max(probabilities, key=probabilities.__getitem__) if probabilities else None


def page_language(declared: str | None, text: str) -> str | None:
    """The article's language from its declaration (ISO 639-1 code) and its text.

    Args:
        declared: what the page declares (``<html lang>``, meta tags, JSON-LD), if anything.
        text: the article's main text.

    Returns:
        The detected language when the page declares none and the detector is confident (at
        least :data:`MIN_CONFIDENCE`) of an ISO 639-1 language. The detected language also when
        the text has at least :data:`MIN_OVERRULE_CHARS` characters, the detector is confident,
        and it gives the declared language, which it knows, less than
        :data:`MAX_DECLARED_PROBABILITY`. Else the declaration.
    """
    if declared is not None:
        if len(text) < MIN_OVERRULE_CHARS or declared not in known_languages():
            return declared
        if _identifier().classify(text[:CHECK_CHARS])[0] == declared:
            return declared
    probabilities = detect(text)
    best = _top(probabilities)
    if best is None or probabilities[best] < MIN_CONFIDENCE or len(best) != 2:
        return declared
    if declared is None or probabilities[declared] < MAX_DECLARED_PROBABILITY:
        return best
    return declared
