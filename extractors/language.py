"""The language of a text: English, Russian or Kazakh.

Kazakh is written in Cyrillic with nine letters Russian does not have; those letters are the
one sign both readers here rely on. A document's language comes from lingua, restricted to the
three languages (:func:`detect_language`); a clause read alone, where a few words give lingua too
little, goes by its script (:func:`script_language`).
"""

from __future__ import annotations

import re
from functools import cache

#: Letters of the Kazakh alphabet that Russian does not have, small and capital.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_KAZAKH = re.compile(f"[{''.join(sorted(KAZAKH_LETTERS))}]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def script_language(text: str) -> str:
    """The language of a clause by its script: Kazakh letters -> kk, Cyrillic -> ru, else en."""
    if _KAZAKH.search(text):
        return "kk"
    return "ru" if _CYRILLIC.search(text) else "en"


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.RUSSIAN, Language.KAZAKH).build()


def detect_language(text: str) -> str | None:
    """"en", "ru", "kk" of a document's text, or None when there are too few words to tell."""
    text = text[:3000]
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return None
    from lingua import Language

    found = _detector().detect_language_of(text)
    code = {Language.ENGLISH: "en", Language.RUSSIAN: "ru", Language.KAZAKH: "kk"}.get(found)
    # lingua can call Kazakh legal prose with many Russian loanwords Russian; Kazakh-only letters decide.
    if code == "ru" and sum(c in KAZAKH_LETTERS for c in letters) > len(letters) * 0.02:
        return "kk"
    return code
