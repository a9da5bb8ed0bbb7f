"""Lemmas rules are matched on: one lemma per word however it is spelt."""

import pytest

from extractors import read
from extractors.extensions import get
from extractors.morphology import russian_lemma


@pytest.mark.parametrize(("with_yo", "without"), [("разделён", "разделен"), ("учёт", "учет"), ("Расчётный", "Расчетный")])
def test_yo_and_ye_spellings_get_one_lemma(with_yo, without):
    assert russian_lemma(with_yo) == russian_lemma(without)
    assert "ё" not in russian_lemma(with_yo)


def test_a_rule_written_without_yo_meets_text_written_with_it():
    for text in ("Отпуск может быть разделён на части.", "Отпуск может быть разделен на части."):
        assert get(read(text, "ru"), "kel_topics") == ["annual_leave"], text
