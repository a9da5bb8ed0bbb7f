"""``kel_lemmas``: the lemma every LEMMA pattern sees, memoised per word."""

from __future__ import annotations

import pytest
import spacy
from gold_clauses import gold_clauses

from extractors.morphology import russian_lemma
from extractors.pipeline import build_nlp


def _spacy_lemmatizer_then_fallback():
    """The pipeline kel_lemmas replaced: spaCy's pymorphy3 lemmatizer, then pymorphy3's best parse."""
    from pymorphy3 import MorphAnalyzer

    morph = MorphAnalyzer(lang="ru")
    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()

    def lemmas(text):
        out = []
        for token in nlp(text):
            lemma = token.lemma_
            if token.is_alpha and (not lemma or lemma == token.text):
                lemma = morph.parse(token.lower_)[0].normal_form
            out.append((lemma or token.text).lower())
        return out

    return lemmas


def _russian_gold_texts():
    clauses = [c for _, _, c in gold_clauses("ru")]
    yield from (c["text"] for c in clauses)
    yield from (c["heading"] for c in clauses if c.get("heading"))


def test_russian_lemmas_equal_spacy_lemmatizer_with_fallback_on_every_gold_clause():
    texts = list(_russian_gold_texts())
    assert len(texts) > 80
    before = _spacy_lemmatizer_then_fallback()
    nlp = build_nlp("ru", norms=False)
    for text in texts:
        assert [t.lemma_ for t in nlp(text)] == before(text), text


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("платы", "плата"), ("Работодатель", "работодатель"), ("отпуска", "отпуск"), ("дней", "день"), ("12", "12")],
)
def test_russian_lemma_of_one_word(word, lemma):
    assert russian_lemma(word) == lemma


def test_memo_gives_the_same_lemmas_on_a_second_reading():
    nlp = build_nlp("ru", norms=False)
    text = "Работодатель обязуется выплачивать материальную помощь в размере не менее двух окладов."
    first = [t.lemma_ for t in nlp(text)]
    assert nlp.get_pipe("kel_lemmas")._memo  # the words are remembered
    assert [t.lemma_ for t in nlp(text)] == first
    assert first[0] == "работодатель" and "оклад" in first


def test_english_and_kazakh_lemma_is_the_lower_cased_word():
    for lang in ("en", "kk"):
        doc = build_nlp(lang, norms=False)("The EMPLOYER shall pay Қызметкерге")
        assert [t.lemma_ for t in doc] == [t.lower_ for t in doc]
