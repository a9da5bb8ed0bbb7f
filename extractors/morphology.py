"""Russian morphology: the one pymorphy3 analyzer of the process, and the lemma of a word.

Loading pymorphy3's dictionaries takes about a second and 100 MB, so every
reader of Russian words (``kel_lemmas``, the number parser) shares one.
"""

from __future__ import annotations

from functools import cache


@cache
def analyzer():
    """The shared ``pymorphy3.MorphAnalyzer`` for Russian."""
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


def russian_lemma(word: str) -> str:
    """The lower-case lemma of one Russian word as written, without POS tags.

    A word whose parses share one normal form gets it (spaCy's pymorphy3 lookup
    mode); an ambiguous word ("платы") gets the normal form of its most probable
    parse, which spaCy's lemmatizer would leave as written.
    """
    morph = analyzer()
    forms = {parse.normal_form for parse in morph.parse(word)}
    lemma = next(iter(forms)) if len(forms) == 1 else word
    if word.isalpha() and (not lemma or lemma == word):
        lemma = morph.parse(word.lower())[0].normal_form
    return (lemma or word).lower()
