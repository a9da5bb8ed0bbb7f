"""Every ``._.kel_*`` extension, registered in one place.

One spaCy Doc is one clause. The components write what they found here; the
orchestration reads it back into the Clause model.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

NAMES = (
    "kel_heading",  # str | None: the heading of the section the clause stands in (context)
    "kel_lang",  # "en" | "ru" | "kk"
    "kel_tables",  # tuple[schemas.Table, ...]: the clause's tables (a tariff grid), read by kel_norms
    "kel_topics",  # list[str]
    "kel_modality",  # str | None
    "kel_norms",  # list[schemas.Norm]
    "kel_evidence",  # list[schemas.Evidence]
)
# Where spaCy keeps a Doc extension's value: doc.user_data[("._.", name, None, None)]
# (spacy.tokens.underscore.Underscore._get_key); tests/extractors/test_extensions.py checks it.
_KEYS = {name: ("._.", name, None, None) for name in NAMES}


def register() -> None:
    """Idempotent: safe to call from every component factory. Every extension defaults to None."""
    for name in NAMES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register()


def get(doc: Doc, name: str) -> Any:
    """``doc._.<name>`` for a kel_* extension, read where spaCy keeps it.

    ``doc._`` builds an ``Underscore`` object and looks the name up among every
    registered extension; the components ask about twenty times a clause, which
    took 7 % of extraction once the rules were compiled (py-spy). The same
    value, none of that.
    """
    user_data: dict[Any, Any] = doc.user_data  # (spaCy's annotation says str keys; extensions use tuples)
    return user_data.get(_KEYS[name])


def put(doc: Doc, name: str, value: Any) -> None:
    """``doc._.<name> = value`` for a kel_* extension (see :func:`get`)."""
    user_data: dict[Any, Any] = doc.user_data
    user_data[_KEYS[name]] = value


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


def evidence_list(doc: Doc) -> list:
    """The clause's ``kel_evidence`` list, for a component to add to in place.

    Made on first use when the Doc was not made by the orchestration (which
    starts every clause with an empty list).
    """
    evidence = get(doc, "kel_evidence")
    if not isinstance(evidence, list):
        evidence = list(evidence or ())
        put(doc, "kel_evidence", evidence)
    return evidence


def span_words(doc: Doc, start: int, end: int) -> tuple[str, int, int]:
    """``(text, start_char, end_char)`` of the tokens ``start:end``: ``doc[start:end]``'s, without building the Span."""
    first, last = doc[start], doc[end - 1]
    start_char, end_char = first.idx, last.idx + len(last)
    return clause_text(doc)[start_char:end_char], start_char, end_char
