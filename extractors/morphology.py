"""Lemmas: the form of a word that the rule files are matched on.

Russian: pymorphy3's normal form. Loading its dictionaries takes about a second
and 100 MB, so the whole process shares one analyzer.

English: no lemmatizer ships with spaCy's blank pipeline (its lookup tables are a
98 MB package), and rules only need a word and its plural, or a verb and its
third person, to meet: :func:`english_lemma` lower-cases and strips a regular
plural ending. The rule files pass through the same function, so "calendar days"
in a rule meets "calendar day" in a text and back.

Kazakh: the lower-cased word (its rules are written in the forms they match).
"""

from __future__ import annotations

from functools import cache, lru_cache


@cache
def analyzer():
    """The shared ``pymorphy3.MorphAnalyzer`` for Russian."""
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def russian_lemma(word: str) -> str:
    """The lower-case lemma of one Russian word as written, without POS tags.

    A word whose parses share one normal form gets it; an ambiguous word
    ("платы") gets the normal form of its most probable parse. ``ё`` is read as ``е``
    before parsing, so a word gets one lemma however it is spelt: «разделён» and
    «разделен» meet, as the rule files write them without ``ё``.
    """
    word = word.replace("ё", "е").replace("Ё", "Е")
    morph = analyzer()
    forms = {parse.normal_form for parse in morph.parse(word)}
    lemma = next(iter(forms)) if len(forms) == 1 else word
    if word.isalpha() and (not lemma or lemma == word):
        lemma = morph.parse(word.lower())[0].normal_form
    return (lemma or word).lower().replace("ё", "е")


@lru_cache(maxsize=200_000)
def russian_morph(word: str) -> str:
    """The verb features of a Russian word in spaCy's MORPH notation, "" for anything but a verb.

    A finite verb in the indicative ("выделяет", "выплачивается", "выплатит") gives
    ``VerbForm=Fin|Mood=Ind|Tense=Pres|Person=3``; a short passive participle ("установлен")
    ``VerbForm=Part|Variant=Short|Voice=Pass``. Legal Russian states a duty in the present tense,
    and the modality rules match on these features (``extractors/data/ru/modality.yaml``).
    """
    if not word.isalpha():
        return ""
    tag = analyzer().parse(word)[0].tag
    if tag.POS == "VERB" and tag.mood == "indc":
        tense = {"pres": "Pres", "futr": "Fut", "past": "Past"}.get(tag.tense or "", "")
        person = {"1per": "1", "2per": "2", "3per": "3"}.get(tag.person or "", "")
        features = ["Mood=Ind", "VerbForm=Fin"] + ([f"Person={person}"] if person else []) + ([f"Tense={tense}"] if tense else [])
        return "|".join(sorted(features))
    if tag.POS == "PRTS" and tag.voice == "pssv":
        return "Variant=Short|VerbForm=Part|Voice=Pass"
    if tag.POS == "PRTF":
        return "VerbForm=Part"  # «оплачиваемый», «работающим»: an attribute, not the clause's verb
    if tag.POS == "GRND":
        return "VerbForm=Conv"  # «предоставляя»
    if tag.POS == "INFN":
        return "VerbForm=Inf"
    return ""


# Words ending in -s that are not plurals (or whose singular rules never need).
_NOT_PLURAL = frozenset(
    "is was has does this thus less unless plus bus bonus status basis analysis crisis "
    "series news always perhaps its his hers ours yours theirs whereas various previous "
    "serious gross across process business address access success loss us yes as".split()
)


@lru_cache(maxsize=200_000)
def english_lemma(word: str) -> str:
    """``word`` lower-cased, with a regular plural or third-person -s taken off.

    "days" -> "day", "salaries" -> "salary", "wages" -> "wage", "ensures" -> "ensure",
    "losses" -> "loss"; "less", "bonus", "basis" stay. Not a lemmatizer: only a way
    for a rule and a text to meet on the same form.
    """
    w = word.lower().replace("’", "'")
    if len(w) <= 3 or not w.isalpha() or w in _NOT_PLURAL or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    return w[:-1]


def lemma(word: str, lang: str) -> str:
    """The lemma rules are matched on, for a word of ``lang`` ("en", "ru", "kk")."""
    if lang == "ru":
        return russian_lemma(word) if any(c.isalpha() for c in word) else word.lower()
    if lang == "en":
        return english_lemma(word)
    return word.lower()
