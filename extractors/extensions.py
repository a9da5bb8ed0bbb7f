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
