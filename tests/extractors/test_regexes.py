"""Screened regexes: skipping a pattern on a text that lacks its words never loses a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.norms import _vocabulary
from extractors.regexes import Group, Screened, caseless, needed_words, screen
from extractors.units import _lexicon

FLAGS = re.IGNORECASE | re.UNICODE


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"(?<!\w)not\s+less\s+than(?!\w)", [{"not"}, {"less"}, {"than"}]),
        (r"not\s+(?:less|lower|below)", [{"not"}, {"less", "lower", "below"}]),
        (r"(?:the\s+)?inflation", [{"inflation"}]),  # an optional part needs nothing
        (r"(?P<n>\d+)\s+Дней", [{"дней"}]),  # case-folded, named group read through
        (r"a|bc", []),  # "a" is too short to screen by: the branch needs nothing
        (r"(?:holiday\s+)+pay", [{"holiday"}, {"pay"}]),  # a repeat of at least one counts
        (r"[0-9]+%", []),
    ],
)
def test_needed_words_of_a_pattern(pattern, needs):
    assert [set(n) for n in needed_words(pattern, FLAGS)] == needs


def test_caseless_text_is_compared_like_ignorecase():
    assert caseless("ВЫПЛАТА") == "выплата"
    assert caseless("leſs") == "less"  # re.IGNORECASE matches ſ with s
    assert caseless("İndex") == "index"  # and İ with i
    assert re.search("less", "leſs", re.IGNORECASE) and Screened("less", FLAGS).search("leſs")


_CLASS_LETTERS = "".join(chr(c) for letter, others in re._casefix._EXTRA_CASES.items() for c in (letter, *others))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_CLASS_LETTERS + "abcSsIiİВвЕеёЁσςΣμµ .,1"), max_size=40) | st.text(max_size=40))
def test_caseless_equals_translating_every_letter_of_a_class(text):
    """The shortcut (translate only texts holding a rare letter) gives what translating every text gives."""
    classes = {}
    for letter, others in re._casefix._EXTRA_CASES.items():
        members = {letter, *others}
        classes.update({m: min(members) for m in members})
    assert caseless(text) == text.replace("İ", "i").lower().translate(classes)


def test_no_letter_caseless_translates_is_ascii():
    """caseless skips the translation for an ASCII text: that is right only while every letter it translates is not ASCII."""
    from extractors.regexes import _SAME

    assert _SAME and all(code > 127 for code in _SAME)


def test_screened_skips_a_text_without_its_words():
    p = Screened(r"(?<!\w)not\s+less\s+than", FLAGS)
    assert p.search("paid at NOT less  THAN twice the rate").group(0) == "NOT less  THAN"
    assert not p.possible("paid at least twice the rate")
    assert list(p.finditer("paid at least twice")) == []


def _vocabulary_patterns() -> list[Screened]:
    found = []
    for lang in ("en", "ru", "kk"):
        v = _vocabulary(lang)
        found += [p for _, _, p in v.comparators]
        found += [c.pattern for p in v.parameters for c in p.cues]
        found += [r for p in v.parameters for r in (*p.requires, *p.blocked_by)]
        found += [p for c in v.conditions for p in c.patterns]
        found += [c.pattern for f in v.flags for c in f.cues]
        found += [p for p in (v.grant, v.hedge, v.reference) if p is not None]
        lex = _lexicon(lang)
        found += [p for *_, p in lex.implicit] + [p for *_, p in lex.fixed]
    return found


PATTERNS = _vocabulary_patterns()
# words of the vocabularies themselves, in every case, with the letters re folds specially
WORDS = sorted({w for p in PATTERNS for need in p.needs for w in need})
EXTRA = ["ſ", "İ", "ı", "K", "ᲀ", "Ё", "ё", " ", "  ", "\n", ",", "-", "5", "30", "%"]


def test_every_vocabulary_pattern_is_screened_by_some_word():
    assert len(PATTERNS) > 300
    screened = sum(1 for p in PATTERNS if p.needs)
    assert screened / len(PATTERNS) > 0.9, f"only {screened} of {len(PATTERNS)} patterns have words to screen by"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS),
            st.sampled_from(WORDS).map(str.upper),
            st.sampled_from(WORDS).map(str.title),
            st.sampled_from(EXTRA),
        ),
        min_size=1,
        max_size=12,
    ).map(" ".join),
    st.sampled_from(PATTERNS),
)
def test_screened_finds_exactly_what_the_plain_pattern_finds(text, pattern):
    plain = [m.span() for m in pattern.regex.finditer(text)]
    assert [m.span() for m in pattern.finditer(text)] == plain
    assert (pattern.search(text) is None) == (not plain)


def test_screen_is_the_alternation():
    s = screen([re.compile("abc", FLAGS), re.compile(r"(?P<n>\d+) days", FLAGS)])
    assert s.match("ABC") and s.match("5 days") and not s.match("x")
    with pytest.raises(ValueError):
        screen([re.compile(r"(a)\1")])


GROUPS = [
    (group, members)
    for lang in ("en", "ru", "kk")
    for group, members in (
        (_vocabulary(lang).any_comparator, [p for _, _, p in _vocabulary(lang).comparators]),
        (_vocabulary(lang).any_flag, [c.pattern for f in _vocabulary(lang).flags for c in f.cues]),
        (_vocabulary(lang).any_condition, [p for c in _vocabulary(lang).conditions for p in c.patterns]),
        (_vocabulary(lang).any_cue, [c.pattern for p in _vocabulary(lang).parameters for c in p.cues]),
        (_lexicon(lang).any_implicit, [p for _, _, p in _lexicon(lang).implicit]),
        (_lexicon(lang).any_fixed, [p for *_, p in _lexicon(lang).fixed]),
    )
    if members
]
# texts of vocabulary words, some in capitals, with spaces, digits and letters re folds specially
VOCABULARY_TEXTS = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map(str.upper), st.sampled_from(EXTRA)),
    min_size=1,
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(VOCABULARY_TEXTS, st.sampled_from(GROUPS))
def test_live_patterns_of_a_group_are_those_whose_words_the_text_holds(text, group_and_members):
    group, members = group_and_members
    assert group.patterns == tuple(members)
    live = group.live(text)
    assert live == {n for n, p in enumerate(members) if p.possible(text)}
    assert live == {n for n, p in enumerate(members) if _holds_words_plainly(p, text)}
    assert all(n in live for n, p in enumerate(members) if p.regex.search(text))


def _holds_words_plainly(pattern: Screened, text: str) -> bool:
    """A pattern's screen read the plain way: each needed word as a substring of the caseless text."""
    folded = caseless(text)
    return all(any(word in folded for word in need) for need in pattern.needs)


@settings(max_examples=300, deadline=None)
@given(VOCABULARY_TEXTS | st.text(max_size=30))
def test_present_words_are_the_needed_words_the_text_holds_as_substrings(text):
    """The automaton's one pass finds every needed word that occurs, overlapping ones too ("не" in "не менее")."""
    from extractors.regexes import _WORDS, present

    folded = caseless(text)
    assert present(text) == {w for w in _WORDS.words if w in folded}


def test_a_pattern_screened_after_a_text_was_read_is_screened_with_its_own_words():
    from extractors.regexes import present

    text = "a quite unusual zyxwvutsrq word"
    assert "zyxwvutsrq" not in present(text)
    late = Screened(r"zyxwvutsrq\s+word", FLAGS)
    assert "zyxwvutsrq" in present(text) and late.search(text) and Group([late]).live(text) == {0}


def test_group_of_patterns():
    group = Group([Screened(r"not\s+less\s+than", FLAGS), Screened(r"at\s+least", FLAGS)])
    assert group.live("AT LEAST five") == {1} and group.live("not less than, at least") == {0, 1}
    assert group.live("not less") == set() and group.live("up to five") == set()
    either = Group([Screened(r"(?:less|lower)\s+than", FLAGS)])  # one need, two words: either will do
    assert either.live("lower than") == either.live("less than") == {0} and either.live("than") == set()
    assert Group([Screened(r"\d+", FLAGS)]).live("no digit") == {0}  # needs no word: never skipped


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"days?", {"d"}),
        (r"(?:calendar\s+)?days?", {"c", "d"}),
        (r"(?<!\w)(?:Percent|%)", {"p", "%"}),
        (r"[МмM]ЗП", {"м", "m"}),
        (r"(?:a|b)?c*d", {"a", "b", "c", "d"}),
        (r"\w+", None),  # a class the reading does not spell out
        (r"a?", None),  # matches the empty string
        (r"[^a]b", None),
        (r"\s*%", None),
    ],
)
def test_first_characters_of_a_pattern(pattern, first):
    from extractors.regexes import first_characters

    assert first_characters(pattern, FLAGS) == (None if first is None else frozenset(first))


_UNIT_PATTERNS = [pat for lang in ("en", "ru", "kk") for pats in (_lexicon(lang).after_by_unit) for _, pat in pats[2]]
_UNIT_WORDS = sorted({w for p in _UNIT_PATTERNS for need in needed_words(p.pattern, p.flags) for w in need})
# unit words in both cases, glued or apart, with the signs and spaces of amounts
UNIT_TEXTS = st.lists(
    st.one_of(st.sampled_from(_UNIT_WORDS), st.sampled_from(_UNIT_WORDS).map(str.upper), st.sampled_from(EXTRA + ["₸", "."])),
    min_size=1,
    max_size=6,
).map(" ".join)


def test_unit_words_are_a_strategy_worth_having():
    assert {"percent", "процент", "calendar", "мзп"} <= set(_UNIT_WORDS)


@settings(max_examples=1000, deadline=None)
@given(UNIT_TEXTS | VOCABULARY_TEXTS | st.text(max_size=12), st.sampled_from(_UNIT_PATTERNS))
def test_a_unit_pattern_matches_only_from_one_of_its_first_characters(text, compiled):
    """The units' shortcut: a match of ``\\s*(?:unit)`` begins, after the spaces, with one of the unit's first characters."""
    from extractors.regexes import first_characters

    unit = compiled.pattern[len(r"\s*(?:") : -1]
    first = first_characters(unit, compiled.flags)
    assert first is not None and not any(c.isspace() for c in first)
    for pos in range(len(text) + 1):
        m = compiled.match(text, pos)
        if m is not None and m.end() > m.start():
            begins = len(m.group(0)) - len(m.group(0).lstrip())
            assert caseless(text[pos + begins]) in first, (unit, text, pos)


def test_on_every_gold_clause_a_unit_begins_with_one_of_its_first_characters():
    from gold_clauses import gold_clauses

    from extractors.regexes import first_characters
    from extractors.units import fold

    seen = 0
    for lang in ("en", "ru"):
        patterns = [pat for pats in _lexicon(lang).after_by_unit for _, pat in pats[2]]
        firsts = {pat: first_characters(pat.pattern[len(r"\s*(?:") : -1], pat.flags) for pat in patterns}
        for _, _, clause in gold_clauses(lang):
            text = fold(clause["text"])
            for pat in patterns:
                for pos in range(len(text)):
                    m = pat.match(text, pos)
                    if m is not None and m.end() > m.start():
                        begins = len(m.group(0)) - len(m.group(0).lstrip())
                        assert caseless(text[pos + begins]) in firsts[pat], (pat.pattern, text[pos : pos + 30])
                        seen += 1
    assert seen > 100
