"""Every ``._.kel_*`` extension, registered in one place.

One spaCy Doc is one clause. The components write what they found here; the
orchestration reads it back into the Clause model.
"""

from __future__ import annotations

from spacy.tokens import Doc


def register() -> None:
    """Idempotent: safe to call from every component factory."""
    for name, default in (
        ("kel_heading", None),  # str | None: the heading of the section the clause stands in (context)
        ("kel_lang", None),  # "en" | "ru" | "kk"
        ("kel_tables", None),  # tuple[schemas.Table, ...]: the clause's tables (a tariff grid), read by kel_norms
        ("kel_topics", None),  # list[str]
        ("kel_modality", None),  # str | None
        ("kel_norms", None),  # list[schemas.Norm]
        ("kel_evidence", None),  # list[schemas.Evidence]
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()


_TEXT = "kel_text"  # doc.user_data key: the clause text, read once


def clause_text(doc: Doc) -> str:
    """``doc.text``, remembered on the Doc: spaCy rebuilds it from every token on each call.

    The orchestration seeds it with the clause text the Doc was made from
    (:func:`remember_text`); the kel_* components never change a Doc's tokens.
    """
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Record that ``doc`` was made from ``text`` (the tokenizer keeps every character)."""
    doc.user_data[_TEXT] = text


def evidence_list(ext) -> list:
    """The clause's ``kel_evidence`` list (``ext`` is its ``doc._``), for a component to add to in place.

    Made on first use when the Doc was not made by the orchestration (which
    starts every clause with an empty list).
    """
    evidence = ext.kel_evidence
    if not isinstance(evidence, list):
        evidence = ext.kel_evidence = list(evidence or ())
    return evidence


def span_words(doc: Doc, start: int, end: int) -> tuple[str, int, int]:
    """``(text, start_char, end_char)`` of the tokens ``start:end``: ``doc[start:end]``'s, without building the Span."""
    first, last = doc[start], doc[end - 1]
    start_char, end_char = first.idx, last.idx + len(last)
    return clause_text(doc)[start_char:end_char], start_char, end_char
