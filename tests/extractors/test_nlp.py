"""The pipeline's own matching machinery gives what spaCy's would: the one-token memo of the lexicon ruler."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from extractors import read
from extractors.lexicon import SPANS_KEY
from extractors.nlp import OneTokenMemo, _one_token_test, get_nlp
from tests.extractors.gold_clauses import gold_clauses


def _spans(doc) -> list[tuple]:
    return [(s.start, s.end, s.label_, s.id_) for s in doc.spans[SPANS_KEY]]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_memo_finds_the_spans_spacys_matcher_finds(lang):
    """Every gold clause of the language: the lexicon's spans with the memo, and with every token
    pattern given to spaCy's Matcher instead, are the same spans in the same order."""
    nlp = get_nlp(lang)
    ruler = nlp.get_pipe("kel_lexicon")
    assert isinstance(ruler.matcher, OneTokenMemo)
    texts = [clause["text"] for _, _, clause in gold_clauses(lang)]
    assert len(texts) > 20
    with_memo = [_spans(read(text, lang)) for text in texts]
    memo = ruler.matcher
    plain = Matcher(nlp.vocab, validate=True)
    for pattern in ruler.patterns:
        if isinstance(pattern["pattern"], list):
            plain.add(repr((pattern["label"], pattern.get("id", ""))), [pattern["pattern"]])
    ruler.matcher = plain
    try:
        without = [_spans(read(text, lang)) for text in texts]
    finally:
        ruler.matcher = memo
    assert with_memo == without
    assert sum(map(len, with_memo)) > 10 * len(texts)  # the clauses do have spans to compare


def test_which_patterns_the_memo_answers():
    assert _one_token_test([{"LOWER": {"REGEX": "^тармақ"}}]) is not None
    assert _one_token_test([{"lower": {"IN": ["a", "b"]}, "TEXT": {"NOT_IN": ["A"]}}]) is not None
    assert _one_token_test([{"TEXT": "PERS"}]) is not None
    # more than one token, an operator, features or flags: spaCy's Matcher reads them
    assert _one_token_test([{"LOWER": "a"}, {"LOWER": "b"}]) is None
    assert _one_token_test([{"LOWER": "a", "OP": "?"}]) is None
    assert _one_token_test([{"MORPH": {"IS_SUPERSET": ["VerbForm=Fin"]}}]) is None
    assert _one_token_test([{"IS_ALPHA": True}]) is None
    assert _one_token_test([{"LOWER": {"FUZZY": "abc"}}]) is None
