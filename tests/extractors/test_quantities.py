"""The quantity parser: digits in both conventions, number words in English, Russian, Kazakh."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from extractors.quantities import (
    MONEY,
    MULTIPLE,
    NUMBER,
    PERCENT,
    digits_value,
    find_quantities,
    normalize_numbers,
    parse_number,
)


def _only(text: str, lang: str):
    found = find_quantities(text, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("ten", 10, NUMBER),
        ("twenty-four", 24, NUMBER),
        ("one hundred", 100, NUMBER),
        ("one hundred and five", 105, NUMBER),
        ("one and a half", 1.5, NUMBER),
        ("two and a half", 2.5, NUMBER),
        ("half", 0.5, NUMBER),
        ("tenfold", 10, MULTIPLE),
        ("ten-fold", 10, MULTIPLE),
        ("two-fold", 2, MULTIPLE),
        ("10-fold", 10, MULTIPLE),
        ("twice", 2, MULTIPLE),
        ("double", 2, MULTIPLE),
        ("triple", 3, MULTIPLE),
        ("10 (ten)", 10, NUMBER),
        ("ten (10)", 10, NUMBER),
        ("one and a half (1.5)", 1.5, NUMBER),
        ("double (2)", 2, MULTIPLE),
        ("12%", 12, PERCENT),
        ("12 %", 12, PERCENT),
        ("twelve percent", 12, PERCENT),
        ("12 per cent", 12, PERCENT),
        ("85 thousand tenge", 85000, MONEY),
        ("350,000 KZT", 350000, MONEY),
        ("85 000 ₸", 85000, MONEY),
        ("two thousand five hundred", 2500, NUMBER),
    ],
)
def test_quantities_english(text, value, kind):
    q = _only(text, "en")
    assert (q.value, q.kind, q.start, q.end, q.text) == (value, kind, 0, len(text), text)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("один", 1, NUMBER),
        ("одна", 1, NUMBER),
        ("одного", 1, NUMBER),
        ("двух", 2, NUMBER),
        ("двум", 2, NUMBER),
        ("трёх", 3, NUMBER),
        ("трех", 3, NUMBER),
        ("пяти", 5, NUMBER),
        ("десяти", 10, NUMBER),
        ("двадцати четырёх", 24, NUMBER),
        ("полтора", 1.5, NUMBER),
        ("полутора", 1.5, NUMBER),
        ("два с половиной", 2.5, NUMBER),
        ("полуторном", 1.5, MULTIPLE),
        ("полуторного", 1.5, MULTIPLE),
        ("двойном", 2, MULTIPLE),
        ("двукратном", 2, MULTIPLE),
        ("двукратного", 2, MULTIPLE),
        ("трёхкратном", 3, MULTIPLE),
        ("пятикратного", 5, MULTIPLE),
        ("десятикратного", 10, MULTIPLE),
        ("десятикратном", 10, MULTIPLE),
        ("1,5-кратном", 1.5, MULTIPLE),
        ("10 (десяти)", 10, NUMBER),
        ("12 процентов", 12, PERCENT),
        ("12%-ов", 12, PERCENT),
        ("85 тыс. тенге", 85000, MONEY),
        ("1,5 млн тенге", 1500000, MONEY),
        ("сто двадцать пять", 125, NUMBER),
    ],
)
def test_quantities_russian(text, value, kind):
    q = _only(text, "ru")
    assert (q.value, q.kind, q.text) == (value, kind, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("бір", 1), ("екі", 2), ("үш", 3), ("он", 10), ("он екі", 12), ("жиырма бес", 25), ("бір жарым", 1.5)],
)
def test_quantities_kazakh(text, value):
    assert parse_number(text, "kk") == value


def test_quantities_span_inside_sentence():
    text = "«в размере 10 (десяти) годовых заработков»"
    q = _only(text, "ru")
    assert (q.value, text[q.start : q.end]) == (10, "10 (десяти)")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("85,000", 85000),
        ("85 000", 85000),
        ("85\u00a0000", 85000),
        ("85\u202f000", 85000),
        ("1,250,000.50", 1250000.5),
        ("1.250.000", 1250000),
        ("85.000,50", 85000.5),
        ("1 250 000,75", 1250000.75),
    ],
)
def test_quantities_digit_conventions(text, value):
    assert digits_value(text) == value
    assert parse_number(text, "ru") == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("in accordance with clauses 2.4.1 to 2.4.3", "en"),
        ("from 22:00 to 06:00", "en"),
        ("by the 10th day", "en"),
        ("согласно пп.5.3.1", "ru"),
    ],
)
def test_quantities_ignore_references_times_ordinals(text, lang):
    assert find_quantities(text, lang) == []


def test_connector_joins_only_the_word_right_after_it():
    assert [(q.value, q.text) for q in find_quantities("one hundred and five days", "en")] == [
        (105.0, "one hundred and five")
    ]
    # a comma after "and" ends the number before the "and"
    assert [(q.value, q.text) for q in find_quantities("one hundred and, five days", "en")] == [
        (100.0, "one hundred"),
        (5.0, "five"),
    ]


def test_quantities_keep_two_numbers_apart():
    """A list of numbers is not one number: "two, three" and «два три» stay separate."""
    assert [q.value for q in find_quantities("two, three", "en")] == [2, 3]
    assert [q.value for q in find_quantities("два три", "ru")] == [2, 3]


def test_normalize_numbers_rewrites_words():
    assert normalize_numbers("seniority of three to five years", "en") == "seniority of 3 to 5 years"
    assert normalize_numbers("стаж от трёх до пяти лет", "ru") == "стаж от 3 до 5 лет"


# --------------------------------------------------------------------------- properties

_CASES = ("gent", "datv", "ablt", "loct")


@cache
def _morph():
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


def _inflect(phrase: str, case: str) -> str:
    """Put every word of a Russian numeral phrase in ``case``, as a drafter would."""
    words = []
    for word in phrase.split():
        parses = _morph().parse(word)
        parse = next((p for p in parses if p.tag.POS == "NUMR"), parses[0])
        form = parse.inflect({case})
        words.append(form.word if form else word)
    return " ".join(words)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_property_english_words_round_trip(n):
    assert parse_number(num2words(n, lang="en"), "en") == n


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=999))
def test_property_english_halves_round_trip(n):
    assert parse_number(f"{num2words(n, lang='en')} and a half", "en") == n + 0.5


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(("nomn",) + _CASES))
def test_property_russian_words_round_trip(n, case):
    phrase = num2words(n, lang="ru")
    if case != "nomn":
        phrase = _inflect(phrase, case)
    assert parse_number(phrase, "ru") == n, phrase


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=99))
def test_property_russian_halves_round_trip(n):
    assert parse_number(f"{num2words(n, lang='ru')} с половиной", "ru") == n + 0.5


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=99_999_999),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["", ",", " ", "\u00a0", "\u202f"]),
    st.sampled_from([".", ","]),
)
def test_property_digits_round_trip(whole, cents, group, decimal):
    """Any thousands separator with either decimal mark reads back the same value."""
    if group == decimal:
        return  # "1,234,5" is no convention anyone writes
    digits = f"{whole:,}".replace(",", group) if group else str(whole)
    text = f"{digits}{decimal}{cents:02d}"
    assert parse_number(text, "en") == pytest.approx(whole + cents / 100)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["en", "ru", "kk"]))
def test_property_no_crash_and_spans_are_exact(text, lang):
    for q in find_quantities(text, lang):
        assert text[q.start : q.end] == q.text
        assert q.start < q.end


def _tokens_word_by_word(text: str, lang: str):
    """The number tokens of ``text`` read the plain way: every word in turn (what ``_tokens`` must equal)."""
    import re

    from extractors.quantities import _DIGITS, _number_word, _Token

    found = [_Token(m.start(), m.end(), "", digits_value(m.group(0))) for m in _DIGITS.finditer(text)]
    for m in re.finditer(r"[^\W\d_]+", text):
        key = _number_word(m.group(0), lang)
        if key is not None and not any(t.start <= m.start() < t.end for t in found):
            found.append(_Token(m.start(), m.end(), key))
    return sorted(found, key=lambda t: t.start)


_NUMBERISH = st.sampled_from(
    ["one", "and", "a", "half", "hundred", "twenty", "fold", "tenfold", "two-fold", "standard", "androgen", "Hand",
     "двух", "полутора", "тысяч", "с", "половиной", "кратном", "десяти", "сто", "стол", "и", "бір", "жүз",
     "85 000", "1,5", "10", "²", "½", "_", "-", " ", ", ", "(", ")", "\n", "é", "ё"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_NUMBERISH, st.text(max_size=4)), max_size=16).map("".join), st.sampled_from(["en", "ru", "kk"]))
def test_property_number_tokens_are_those_of_a_word_by_word_reading(text, lang):
    from extractors.quantities import _tokens

    assert _tokens(text, lang) == _tokens_word_by_word(text, lang)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789٣ ,.:/\u00a0\u202fa-_x%", max_size=30))
def test_property_digit_runs_are_what_finditer_finds(text):
    from extractors.quantities import _DIGITS, digit_runs

    assert [m.span() for m in digit_runs(text)] == [m.span() for m in _DIGITS.finditer(text)]


_WORDISH = st.sampled_from(["a", "and", "A", "с", "со", "двух", "ё", "é", "_", "1", "-", " ", "\n", "aa", "ab", "ba"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_WORDISH, st.text(max_size=3)), max_size=14).map("".join), st.sampled_from(["a", "and", "с", "двух", "ab"]))
def test_property_whole_words_are_the_word_matches_equal_to_the_word(text, word):
    import re

    from extractors.quantities import _whole_words

    assert _whole_words(text, word) == [m.start() for m in re.finditer(r"[^\W\d_]+", text) if m.group(0) == word]
