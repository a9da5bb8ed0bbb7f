"""Numbers in every written form (``extractors.numbers``): property tests against num2words and hand cases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from extractors.numbers import format_value, parse_number


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(["en", "ru"]))
def test_property_cardinals_in_words(n, lang):
    assert parse_number(num2words(n, lang=lang), lang) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_property_kazakh_cardinals_in_words(n):
    """«жүз жиырма» (120), «мың» (1000): a hundred or a thousand opening a Kazakh number needs no «бір»;
    the reader read «жүз жиырма» as 20."""
    assert parse_number(num2words(n, lang="kz"), "kk") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["en", "ru"]))
def test_property_digits_with_words_in_parentheses_are_one_number(n, lang):
    assert parse_number(f"{n} ({num2words(n, lang=lang)})", lang) == n
    assert parse_number(f"{num2words(n, lang=lang)} ({n})", lang) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99), st.sampled_from(["en", "ru", "kz"]))
def test_property_decimals_in_words(whole, hundredths, lang):
    """"three point four", «три целых четыре десятых», «үш бүтін төрт», as num2words writes them."""
    value = Decimal(f"{whole}.{hundredths:02d}")  # a float's binary noise would be written out in words
    written = num2words(value, lang=lang)
    assert parse_number(written, "kk" if lang == "kz" else lang) == pytest.approx(float(value)), written


@pytest.mark.parametrize(("text", "lang", "value"), [
    ("two point five (2.5)", "en", 2.5),
    ("zero point seven five", "en", 0.75),
    ("ноль целых семь десятых", "ru", 0.7),
    ("одна целая пять десятых", "ru", 1.5),
    ("две целых двадцать пять сотых", "ru", 2.25),
    ("үш бүтін оннан төрт", "kk", 3.4),
    ("нөл бүтін жүзден бес", "kk", 0.05),
])
def test_decimals_in_words_as_drafters_write_them(text, lang, value):
    assert parse_number(text, lang) == pytest.approx(value)


@pytest.mark.parametrize("n", range(1, 13))
def test_every_small_digit_in_parentheses_is_read(n):
    # spaCy keeps emoticons such as "8)" whole; "eight (8) hours" must still be a number
    assert parse_number(f"{num2words(n)} ({n})", "en") == n
    assert parse_number(f"{num2words(n, lang='ru')} ({n})", "ru") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=9_999), st.integers(min_value=1, max_value=9))
def test_property_decimal_commas_and_points(whole, tenth):
    assert parse_number(f"{whole},{tenth}", "ru") == pytest.approx(whole + tenth / 10)
    assert parse_number(f"{whole}.{tenth}", "en") == pytest.approx(whole + tenth / 10)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("one and a half", "en", 1.5),
        ("one and one-quarter", "en", 1.25),
        ("one and a quarter", "en", 1.25),
        ("two and three-quarters", "en", 2.75),
        ("one and a third", "en", 1.3333),
        ("one and one-half (1½,)", "en", 1.5),
        ("1 1/2", "en", 1.5),
        ("1½", "en", 1.5),
        ("полтора", "ru", 1.5),
        ("1,5", "ru", 1.5),
        ("180 000", "ru", 180000),
        ("180,000", "en", 180000),
        ("twenty-six", "en", 26),
        ("бір жарым", "kk", 1.5),
        ("екі еселенген", "kk", 2),
        ("1,5", "kk", 1.5),
        ("150 000", "kk", 150000),
        ("30 (отыз)", "kk", 30),
    ],
)
def test_hand_written_forms(text, lang, value):
    assert parse_number(text, lang) == pytest.approx(value)


@pytest.mark.parametrize(("text", "lang"), [("the Employer", "en"), ("работодатель", "ru"), ("5 days", "en"),
                                           ("living quarters", "en"), ("the third", "en")])
def test_a_text_that_is_not_one_number(text, lang):
    assert parse_number(text, lang) is None


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)))
def test_property_format_value_reads_back(x):
    assert float(format_value(x)) == pytest.approx(x)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("tenfold", "en", 10),  # a fused multiple: no number word as written
        ("double", "en", 2),
        ("half", "en", 0.5),
        ("½", "en", 0.5),
        ("десятикратного", "ru", 10),
        ("двукратном", "ru", 2),
        ("сорока", "ru", 40),
        ("двадцати четырёх", "ru", 24),
        ("половины", "ru", 0.5),
        ("1,5-кратном", "ru", 1.5),
        ("2-х", "ru", 2),
        ("жүз жиырма", "kk", 120),  # a scale word opens a Kazakh number
    ],
)
def test_every_kind_of_token_that_opens_a_number_is_read(text, lang, value):
    """The reader passes over tokens that open no number; each kind of opener is still read."""
    assert parse_number(text, lang) == pytest.approx(value)
