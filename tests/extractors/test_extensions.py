"""``extractors.extensions``: the clause text and span words read without rebuilding them from tokens."""

from __future__ import annotations

import pytest
from gold_clauses import gold_clauses

from extractors import extensions
from extractors.pipeline import get_nlp

# spaces, line breaks and punctuation at a span's edges: what Span.text trims and keeps
_AWKWARD = "1.2. The Employer  shall pay\n\ta lump sum of 10 (ten) MCI ,  «not less than» 1,5 times.\n"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_span_words_are_the_spans_text_and_offsets_for_every_span_of_every_gold_clause(lang):
    nlp = get_nlp(lang)
    texts = [_AWKWARD, *(c["text"] for _, _, c in gold_clauses(lang))]
    checked = 0
    for text in texts:
        doc = nlp.make_doc(text)
        for start in range(len(doc)):
            for end in range(start + 1, min(len(doc), start + 12) + 1):
                span = doc[start:end]
                assert extensions.span_words(doc, start, end) == (span.text, span.start_char, span.end_char)
                checked += 1
    assert checked > 10_000


def test_clause_text_is_doc_text_and_is_read_once():
    nlp = get_nlp("en")
    doc = nlp.make_doc(_AWKWARD)
    assert extensions.clause_text(doc) == doc.text == _AWKWARD
    doc.user_data["kel_text"] = "remembered"  # a second call must not rebuild it from the tokens
    assert extensions.clause_text(doc) == "remembered"


def test_a_doc_made_by_the_orchestration_carries_its_clause_text():
    from extractors import _doc
    from schemas import Clause

    clause = Clause(id="c1", number="1.2", text=_AWKWARD)
    doc = _doc(get_nlp("en"), clause, "en")
    assert doc.user_data.get("kel_text") == clause.text == doc.text


def test_evidence_list_is_the_docs_own_list_made_on_first_use():
    import spacy

    from extractors.extensions import evidence_list

    nlp = spacy.blank("en")
    doc = nlp("The employer shall pay.")
    assert doc._.kel_evidence is None
    made = evidence_list(doc)
    assert made == [] and evidence_list(doc) is made and doc._.kel_evidence is made  # one list, in pipeline order
    doc._.kel_evidence = ("a",)
    assert evidence_list(doc) == ["a"] and isinstance(doc._.kel_evidence, list)


@pytest.mark.parametrize("name", extensions.NAMES)
def test_get_and_put_are_spacys_own_doc_underscore(name):
    """They read and write where spaCy keeps ``doc._.<name>``: fails if a spaCy release moves it."""
    import spacy

    nlp = spacy.blank("en")
    doc = nlp("The employer shall pay.")
    assert extensions.get(doc, name) is None is getattr(doc._, name)  # every kel_* extension defaults to None
    value = object()
    setattr(doc._, name, value)
    assert extensions.get(doc, name) is value
    other = [value]
    extensions.put(doc, name, other)
    assert getattr(doc._, name) is other
    assert [n for n in dir(doc._) if n.startswith("kel_")] == sorted(extensions.NAMES)
