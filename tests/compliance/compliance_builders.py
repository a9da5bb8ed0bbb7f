"""Agreements built by hand, so compliance tests measure the engine and not the parser."""

from __future__ import annotations

from schemas.models import Agreement, Clause, Norm, Source


def norm(
    parameter: str, comparator: str, value: float, unit: str, condition: str | None = None, text: str = ""
) -> Norm:
    return Norm(
        parameter=parameter,
        comparator=comparator,
        value=value,
        unit=unit,
        condition=condition,
        text=text or f"{comparator} {value:g} {unit}",
    )


def clause(
    number: str,
    text: str = "",
    *,
    norms: tuple[Norm, ...] = (),
    topics: tuple[str, ...] | None = None,
    modality: str | None = "obligation",
    heading: str | None = None,
    page: int | None = 1,
    agreement: str = "ag_x",
) -> Clause:
    if topics is None:
        topics = tuple(dict.fromkeys(n.parameter.split(".")[0] for n in norms))
    return Clause(
        id=f"{agreement}:{number}",
        number=number,
        heading=heading,
        text=text or f"Clause {number} text.",
        page=page,
        topics=topics,
        modality=modality,
        norms=norms,
    )


def agreement(
    agreement_id: str, *clauses: Clause, level: str | None = "collective", title: str | None = None
) -> Agreement:
    # Clause ids carry the agreement id, as the parser makes them.
    clauses = tuple(c.model_copy(update={"id": f"{agreement_id}:{c.number}"}) for c in clauses)
    return Agreement(
        id=agreement_id,
        source=Source(path=f"{agreement_id}.pdf", sha256="0" * 64, format="pdf", pages=3),
        title=title or f"Agreement {agreement_id}",
        level=level,
        language="en",
        clauses=clauses,
    )
