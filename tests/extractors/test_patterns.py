"""Bounded gaps in token patterns: same matches as spaCy's {m,n}, without its state explosion."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher

from extractors.patterns import compile_pattern, within_bound

GAP = {"ORTH": {"NOT_IN": [".", ";"]}}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "a"}], 1),
        ([{"LOWER": "a"}, {**GAP, "OP": "{0,3}"}, {"LOWER": "b"}], 5),
        ([{"LOWER": "a"}, {**GAP, "OP": "{2}"}], 3),
        ([{"LOWER": "a"}, {**GAP, "OP": "?"}, {"LOWER": "b", "OP": "+"}], None),
        ([{"LOWER": "a"}, {**GAP, "OP": "{1,}"}], None),
    ],
)
def test_longest_span_of_a_pattern(pattern, expected):
    assert compile_pattern(pattern)[1] == expected


def test_unknown_quantifier_is_refused():
    with pytest.raises(ValueError, match="quantifier"):
        compile_pattern([{"LOWER": "a", "OP": "{x}"}])


def _matches(nlp, pattern, text, compiled: bool):
    matcher = Matcher(nlp.vocab)
    longest = None
    if compiled:
        pattern, longest = compile_pattern(pattern)
    matcher.add("p", [pattern])
    doc = nlp(text)
    return sorted((s, e) for _, s, e in matcher(doc) if within_bound(s, e, longest))


@pytest.mark.parametrize(
    "text",
    ["night work from 22:00 to 06:00 shall be paid", "night a b c d e f g h i j paid", "paid night . paid", "night paid"],
)
def test_compiled_pattern_matches_exactly_what_spacy_range_matches(text):
    nlp = spacy.blank("en")
    pattern = [{"LOWER": "night"}, {**GAP, "OP": "{0,8}"}, {"LOWER": "paid"}]
    assert _matches(nlp, pattern, text, True) == _matches(nlp, pattern, text, False)


def test_long_trailing_gap_stays_cheap_on_a_long_sentence():
    # spaCy's own {0,40} needed >24 GiB here on a 14-token sentence.
    nlp = spacy.blank("en")
    pattern = [{"LOWER": "subject"}, {"LOWER": "is"}, {**GAP, "OP": "{0,40}"}]
    text = "The subject is " + " ".join(["word"] * 300)
    found = _matches(nlp, pattern, text, True)
    assert max(e - s for s, e in found) == 42 and len(found) == 41
