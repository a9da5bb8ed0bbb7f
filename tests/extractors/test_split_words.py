"""Words a PDF printed in two pieces ("perce nt", "Shoul d") are read whole, and only those."""

from __future__ import annotations

import pytest

from extractors import read
from extractors.extensions import get
from extractors.nlp import get_nlp, original_offset, without_line_breaks


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("shall be five (5) perce nt of the rate", ["shall", "be", "five", "(", "5", ")", "percent", "of", "the", "rate"]),
        ("which is overtim e shall", ["which", "is", "overtime", "shall"]),
        # pieces that are words themselves stay apart, even where their whole is a word of the rules
        ("shall be low in any case", ["shall", "be", "low", "in", "any", "case"]),
        ("work day and over time", ["work", "day", "and", "over", "time"]),
    ],
)
def test_only_a_word_of_the_rules_made_of_two_unknown_pieces_is_joined(text, words):
    assert [t.text for t in without_line_breaks(get_nlp("en"), text)] == words


def test_a_joined_word_keeps_the_offsets_of_the_clause_text():
    text = "a premium of five (5) perce nt of pay"
    doc = without_line_breaks(get_nlp("en"), text)
    word = next(t for t in doc if t.text == "percent")
    start = original_offset(doc, word.idx)
    end = original_offset(doc, word.idx + len(word.text), end=True)
    assert text[start:end] == "perce nt"
    after = next(t for t in doc if t.text == "pay")
    assert text[original_offset(doc, after.idx):] == "pay"


def test_a_split_unit_gives_its_norm():
    doc = read("The rate of night shift differential shall be five (5) perce nt of the employee's basic hourly rate.", "en")
    norms = [(n.parameter, n.comparator, n.value, n.unit) for n in get(doc, "kel_norms")]
    assert norms == [("premium_pay.night", "=", 1.05, "rate_multiple")]
