"""Every ``._.kel_*`` extension, registered in one place.

One spaCy Doc is one clause. The orchestration (:func:`extractors.annotate`) puts the
clause's context on it; the components write what they found; the orchestration reads it
back into the Clause model.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

NAMES = (
    "kel_lang",  # "en" | "ru" | "kk"
    "kel_heading_doc",  # Doc | None: the section heading, with lemmas and lexicon spans
    "kel_lead_in_doc",  # Doc | None: the clause's lead-in ("The Employer undertakes:"), likewise
    "kel_tables",  # tuple[schemas.Table, ...]: the clause's tables, read by kel_norms
    "kel_modality",  # str | None
    "kel_norms",  # list[schemas.Norm]
    "kel_incorporations",  # list[schemas.Incorporation]
    "kel_reading",  # extractors.reading.ClauseReading: every layer the norm reader read
    "kel_topics",  # list[str]
    "kel_evidence",  # list[schemas.Evidence]
)


def register() -> None:
    """Idempotent: safe to call from every component factory. Every extension defaults to None."""
    for name in NAMES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register()


def get(doc: Doc, name: str) -> Any:
    """``doc._.<name>`` for a kel_* extension."""
    return getattr(doc._, name)


def put(doc: Doc, name: str, value: Any) -> None:
    """``doc._.<name> = value`` for a kel_* extension."""
    setattr(doc._, name, value)


def evidence_list(doc: Doc) -> list:
    """The clause's ``kel_evidence`` list, for a component to add to in place."""
    evidence = get(doc, "kel_evidence")
    if not isinstance(evidence, list):
        evidence = list(evidence or ())
        put(doc, "kel_evidence", evidence)
    return evidence
