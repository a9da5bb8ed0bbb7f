"""``extractors.component.Component``: ``nlp.pipe`` runs each kel_* component over a batch, same annotations."""

from __future__ import annotations

import pytest
from gold_clauses import gold_clauses
from spacy.tokens import Doc

from extractors import annotate_clauses
from extractors.component import Component
from extractors.pipeline import get_nlp
from schemas import Clause


def _gold_clauses(lang: str) -> list[Clause]:
    return [
        Clause(id=f"{document}-{i}", number=str(i), text=c["text"], heading=c.get("heading"))
        for i, (document, _, c) in enumerate(gold_clauses(lang))
    ]


def _one_by_one(clauses: list[Clause], lang: str) -> list[tuple]:
    """Every component called on one clause at a time, as ``nlp.pipe`` did before components had ``pipe``."""
    from extractors import _doc, _with_annotations

    nlp = get_nlp(lang)
    out = []
    for clause in clauses:
        doc = _doc(nlp, clause, lang)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        out.append(_with_annotations(clause, doc))
    return out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_batched_pipe_annotates_every_gold_clause_as_one_by_one_calls(lang):
    clauses = _gold_clauses(lang)
    assert len(clauses) > 50
    batched = annotate_clauses(clauses, lang)
    single = _one_by_one(clauses, lang)
    assert [c.model_dump() for c in batched] == [c.model_dump() for c in single]
    assert any(c.norms for c in batched) and any(c.topics for c in batched)  # the comparison compared something


class _Recorder(Component):
    def __init__(self, name: str, log: list):
        self.name, self.log = name, log

    def __call__(self, doc: Doc) -> Doc:
        self.log.append((self.name, doc.text))
        return doc


def test_each_component_finishes_a_batch_before_the_next_starts():
    import spacy

    nlp = spacy.blank("en")
    log: list = []
    first, second = _Recorder("first", log), _Recorder("second", log)
    texts = ["a", "b", "c", "d", "e"]
    docs = list(second.pipe(first.pipe((nlp.make_doc(t) for t in texts), batch_size=2), batch_size=2))
    assert [d.text for d in docs] == texts
    # batches of two: both clauses through `first`, then both through `second`
    assert log == [
        ("first", "a"), ("first", "b"), ("second", "a"), ("second", "b"),
        ("first", "c"), ("first", "d"), ("second", "c"), ("second", "d"),
        ("first", "e"), ("second", "e"),
    ]  # fmt: skip


def test_every_kel_component_is_batched():
    nlp = get_nlp("en")
    kel = [proc for name, proc in nlp.pipeline if name.startswith("kel_")]
    assert len(kel) == 4
    assert all(isinstance(proc, Component) for proc in kel)
