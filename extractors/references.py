"""Incorporation by reference: a clause that applies a higher agreement's provisions instead of stating them.

"in the amount established by clause 4.3 of the General Agreement", «в размерах,
установленных Генеральным соглашением», "of the duration provided in clause 5.5 of the
General Agreement": the ``amount`` words of ``references.yaml`` followed, within a few
words, by the cited agreement (``general``, ``sectoral``, ``regional``, ``collective``,
``labour_code``), with clause numbers between or after them.

What the reference brings is resolved later, against the cited agreement itself
(:mod:`pipeline.incorporate` and the compliance engine): the extractor only says what is
cited and which guarantees the clause's own words name.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from extractors.lexicon import layer
from schemas import Evidence, Incorporation
from schemas.models import OWN

_WINDOW = 14  # tokens between the amount words and the name of the cited agreement
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _refs(doc: Doc) -> list[Span]:
    return sorted(layer(doc, "ref"), key=lambda s: s.start)


def read_incorporations(doc: Doc, parameters: list[str]) -> tuple[list[Incorporation], list[Evidence]]:
    """The references of a clause to higher agreements' provisions, with the words that make them."""
    refs = _refs(doc)
    amounts = [s for s in refs if s.id_ == "amount"]
    documents = [s for s in refs if s.id_ not in ("amount", "clause")]
    out: list[Incorporation] = []
    evidence: list[Evidence] = []
    used: set[int] = set()
    for amount in amounts:
        cited = next((d for d in documents if amount.end <= d.start <= amount.end + _WINDOW and d.start not in used), None)
        if cited is None:
            # «установленных Генеральным соглашением размерах»: the agreement may come first
            cited = next((d for d in documents if amount.start - 6 <= d.end <= amount.start and d.start not in used), None)
        if cited is None:
            continue
        used.add(cited.start)
        lo, hi = min(amount.start, cited.start), max(amount.end, cited.end)
        clauses = tuple(
            t.text.rstrip(".")
            for t in doc[lo:min(len(doc), hi + 4)]
            if _NUMBER.match(t.text) and not (1900 <= _value(t.text) <= 2100)
        )
        # the clause numbers cited must stand after a clause word ("clause 4.3", «пунктом 5.6»)
        clause_words = [s for s in refs if s.id_ == "clause" and lo <= s.start <= hi + 2]
        if not clause_words:
            clauses = ()
        span = doc[lo:hi]
        out.append(Incorporation(level=cited.id_, clauses=clauses, parameters=tuple(parameters), text=span.text))
        evidence.append(
            Evidence(kind="reference", label=cited.id_, text=span.text, start=span.start_char, end=span.end_char,
                     rule="applies the cited agreement's provision by reference")
        )
    return out, evidence


def read_own_rates(doc: Doc, stated: set[str]) -> tuple[list[Incorporation], list[Evidence]]:
    """The guarantees a clause applies at the agreement's own value, naming the rate instead of
    stating it ("paid at the overtime rate", «оплачивается как сверхурочная работа»): an
    incorporation of level ``own`` for each parameter whose value the clause does not state."""
    out: list[Incorporation] = []
    evidence: list[Evidence] = []
    for span in layer(doc, "own_rate"):
        if span.id_ in stated or any(i.parameters == (span.id_,) for i in out):
            continue
        out.append(Incorporation(level=OWN, parameters=(span.id_,), text=span.text))
        evidence.append(Evidence(kind="reference", label=OWN, text=span.text, start=span.start_char, end=span.end_char,
                                 rule=f"applies this agreement's own {span.id_} by naming it"))
    return out, evidence


def _value(text: str) -> float:
    try:
        return float(text.rstrip("."))
    except ValueError:
        return 0.0
