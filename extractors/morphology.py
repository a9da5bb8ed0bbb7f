"""Lemmas: the form of a word that the rule files are matched on.

Russian: pymorphy3's normal form. Loading its dictionaries takes about a second
and 100 MB, so the whole process shares one analyzer.

English: no lemmatizer ships with spaCy's blank pipeline (its lookup tables are a
98 MB package), and rules only need a word and its plural, or a verb and its
third person, to meet: :func:`english_lemma` lower-cases and strips a regular
plural ending. The rule files pass through the same function, so "calendar days"
in a rule meets "calendar day" in a text and back.

Kazakh: no lemmatizer for it is on PyPI (the one analyzer there, kazstem, needs an HFST
toolchain and compiled Apertium resources fetched at install time), so :func:`kazakh_stem`
strips the case, possessive and plural endings of nouns, the inflection a rule's phrase and a
text most often differ by: «жалақы», «жалақысы», «жалақысының», «жалақыға» meet. Verb forms
are left whole: their rules list the forms they mean («төлейді», «төленеді»).
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


# Kazakh noun endings: plural, possessive, case, after vowel harmony and assimilation, with
# what must stand before each: a vowel ("V"), a consonant ("C"), a vowel or a nasal ("N") or
# any letter (""). Stripped longest
# first, again and again, so a stacked ending («-лар-ы-ның») comes off one piece at a time and
# every form of a noun reaches the same stem.
_KK_AFTER = {
    "": "лар лер дар дер тар тер "  # plural
        "ға ге қа ке да де та те дан ден тан тен мен бен пен",  # dative, locative, ablative, instrumental
    "V": "ны ні на не нда нде ндағы ндегі сы сі сын сін",  # after a vowel (a possessive)
    "N": "ның нің нан нен",  # after a vowel or a nasal: «жалақының», «күннің», «мөлшерінен», «күннен»
    "C": "дың дің тың тің ды ді ты ті ын ін ымыз іміз ыңыз іңіз "  # after a consonant
         # the deverbal «-ыс»/«-іс» too: «демалыс» + «ы» and «демалы» + «сы» cannot be told apart,
         # so «демалыс», «демалысы», «демалысқа» all meet on «демал»
         "ыс іс "
         "дағы дегі тағы тегі",  # the locative attribute: «жұмыстағы»
}
_KK_ENDINGS = tuple(sorted(((e, after) for after, words in _KK_AFTER.items() for e in words.split()),
                           key=lambda e: -len(e[0])))
_KK_VOWELS = frozenset("аәеёиоөуұүыіэюя")
# A voiced final consonant before a vowel ending («еңбегі», «кәсіподағы», «кітабы») is the
# voiceless one of the bare word.
_KK_DEVOICE = {"г": "к", "ғ": "қ", "б": "п"}


def _kk_fits(stem: str, after: str) -> bool:
    if len(stem) < 3 or not _KK_VOWELS.intersection(stem):
        return False
    # «у» after a vowel is a glide, a consonant to the endings: «төлеу» + «ді», «беру» + «ге»
    vowel = stem[-1] in _KK_VOWELS and not (stem[-1] == "у" and stem[-2] in _KK_VOWELS)
    if after == "N":
        return vowel or stem[-1] in "мнң"
    return not after or vowel == (after == "V")


@lru_cache(maxsize=200_000)
def kazakh_stem(word: str) -> str:
    """``word`` lower-cased, without its noun endings: «жалақысының» -> «жалақ», «жалақы» ->
    «жалақ», «күндеріндегі» -> «күн», «еңбегі» -> «еңбек». Not a lemmatizer: only a way for a
    rule and a text to meet on the same form. A stem keeps three letters and a vowel, so «екі»,
    «онда», «айда» stay whole; verbs mostly do too («төленеді», «міндеттенеді»)."""
    w = word.lower()
    if not w.isalpha():
        return w
    for _ in range(6):
        for ending, after in _KK_ENDINGS:
            if w.endswith(ending) and _kk_fits(w[: -len(ending)], after):
                w = w[: -len(ending)]
                break
        else:
            if w[-1:] in ("ы", "і") and _kk_fits(w[:-1], "C"):
                w = w[:-1]  # the third person's «-ы»/«-і» after a consonant: «күні», «еңбегі»
                continue
            break
    return w[:-1] + _KK_DEVOICE[w[-1]] if w[-1:] in _KK_DEVOICE and len(w) > 2 else w


def lemma(word: str, lang: str) -> str:
    """The lemma rules are matched on, for a word of ``lang`` ("en", "ru", "kk")."""
    if lang == "ru":
        return russian_lemma(word) if any(c.isalpha() for c in word) else word.lower()
    if lang == "en":
        return english_lemma(word)
    if lang == "kk":
        return kazakh_stem(word)
    return word.lower()
