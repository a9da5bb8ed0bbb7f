"""Lemmas rules are matched on: one lemma per word however it is spelt."""

import pytest

from extractors import read
from extractors.extensions import get
from extractors.morphology import kazakh_stem, russian_lemma


@pytest.mark.parametrize(("with_yo", "without"), [("разделён", "разделен"), ("учёт", "учет"), ("Расчётный", "Расчетный")])
def test_yo_and_ye_spellings_get_one_lemma(with_yo, without):
    assert russian_lemma(with_yo) == russian_lemma(without)
    assert "ё" not in russian_lemma(with_yo)


def test_a_rule_written_without_yo_meets_text_written_with_it():
    for text in ("Отпуск может быть разделён на части.", "Отпуск может быть разделен на части."):
        assert get(read(text, "ru"), "kel_topics") == ["annual_leave"], text


@pytest.mark.parametrize(
    "forms",
    [
        ("жалақы", "жалақысы", "жалақысының", "жалақыға", "жалақысына", "жалақыны", "жалақыдан"),
        ("күн", "күні", "күнге", "күннен", "күндері", "күндеріндегі"),
        ("еңбек", "еңбегі", "еңбекке", "еңбектің", "еңбегін"),
        ("кәсіподақ", "кәсіподағы", "кәсіподаққа", "кәсіподақтың", "кәсіподақтан"),
        ("демалыс", "демалысы", "демалысын", "демалысқа", "демалыстар"),
        ("мөлшер", "мөлшерде", "мөлшерінде", "мөлшерінен", "мөлшері"),
        ("қызметкер", "қызметкерлер", "қызметкерлерге", "қызметкерлердің", "қызметкерлермен"),
        ("индекстеу", "индекстеуді", "индекстеуге"),
    ],
)
def test_kazakh_noun_forms_meet_on_one_stem(forms):
    assert len({kazakh_stem(f) for f in forms}) == 1, {f: kazakh_stem(f) for f in forms}


@pytest.mark.parametrize(("a", "b"), [("екі", "ек"), ("он", "онда"), ("ай", "айда"), ("мөлшер", "мөлшерлеме")])
def test_kazakh_stem_keeps_short_and_distinct_words_apart(a, b):
    assert kazakh_stem(a) != kazakh_stem(b)


def test_a_kazakh_rule_written_in_one_case_meets_a_text_in_another():
    """Before the stemmer a Kazakh phrase met only the exact form it was written in: «жеке қорғану
    құралдары» in the rules missed «жеке қорғану құралдарымен» in a clause."""
    doc = read("Жұмыс беруші қызметкерлерді жеке қорғану құралдарымен тегін қамтамасыз етеді.", "kk")
    assert get(doc, "kel_topics") == ["safety_guarantees"]


def test_a_kazakh_word_whose_stem_is_a_number_word_is_no_number():
    """«бірге» ("together") and «бір» ("one") share a stem; number words are read as written."""
    from extractors.numbers import read_numbers

    doc = read("Тараптар бірге жұмыс істейді.", "kk")
    assert read_numbers(doc, "kk") == []
