"""Bilingual agreements in ``check`` and ``diff``: the Kazakh text beside the compared Russian one,
and the clauses whose two official versions set different values.

A norm read in both versions of a clause (same parameter, same condition) whose values differ,
in the same unit or one converted exactly, is an ``inconsistent`` finding: the two official
texts disagree, and a worker may be held to either. A norm read in one version only is no
finding: the other version's value was not read, which says nothing of what it sets.

An ``inconsistent`` finding names the compared (Russian) clause in ``agreement``/``clause`` and
the same agreement's other (Kazakh) version of it in ``reference``/``reference_clause``; ``found``
is the Russian value, ``expected`` the Kazakh one. It is no verdict on a guarantee of the
reference, so it comes on top of the one verdict per guarantee.
"""

from __future__ import annotations

from pipeline.compliance.engine import convert, norm_value, normalise_condition
from pipeline.compliance.severity import severity
from pipeline.compliance.wording import describe, label
from pipeline.segment.bilingual import NAMES, clause_language, parallels
from schemas.models import Agreement, Clause, Finding, Norm
from schemas.taxonomy import taxonomy


def _key(norm: Norm) -> tuple[str, str | None]:
    return norm.parameter, normalise_condition(norm.condition)


def _same(compared: Norm, other: Norm) -> bool | None:
    """Whether two readings of one guarantee set the same value; None when their units do not
    convert exactly (no honest comparison)."""
    value = convert(other.value, other.unit, compared.unit)
    if value is None:
        return None
    return compared.comparator == other.comparator and abs(value - compared.value) < 1e-9


def _disagreements(clause: Clause, twin: Clause) -> list[tuple[Norm, Norm]]:
    """(norm of the compared clause, norm of its other version) for each guarantee read once in each
    version, of a taxonomy parameter, whose values differ."""
    params = taxonomy().parameters
    mine: dict[tuple, list[Norm]] = {}
    theirs: dict[tuple, list[Norm]] = {}
    for norms, into in ((clause.norms, mine), (twin.norms, theirs)):
        for norm in norms:
            # a value applied by reference disagrees where it is stated, and is found there
            if norm.parameter in params and not norm.by_reference:
                into.setdefault(_key(norm), []).append(norm)
    out = []
    for key, found in mine.items():
        other = theirs.get(key, [])
        # Several readings of one guarantee in a clause cannot be paired honestly: no finding.
        if len(found) == 1 and len(other) == 1 and _same(found[0], other[0]) is False:
            out.append((found[0], other[0]))
    return out


def inconsistencies(agreement: Agreement) -> list[Finding]:
    """One ``inconsistent`` finding per guarantee whose two language versions disagree."""
    by_id = {c.id: c for c in agreement.clauses}
    out = []
    for clause_id, twin in parallels(agreement).items():
        clause = by_id[clause_id]
        for norm, other in _disagreements(clause, twin):
            topic = taxonomy().parameters[norm.parameter].topic
            mine = NAMES.get(clause_language(agreement, clause) or "", "compared")
            theirs = NAMES.get(clause_language(agreement, twin) or "", "other")
            out.append(Finding(
                kind="inconsistent",
                severity=severity("inconsistent", topic),
                topic=topic,
                parameter=norm.parameter,
                agreement=agreement.id,
                clause=clause.number,
                reference=agreement.id,
                reference_clause=twin.number,
                expected=norm_value(other),
                found=norm_value(norm),
                explanation=f"The two official texts of clause {clause.number} disagree. {label(norm.parameter)} is "
                            f"{describe(norm)} in the {mine} text and {describe(other)} in the {theirs} text.",
                clause_text=clause.text,
                reference_clause_text=twin.text,
                page=clause.page,
                reference_page=twin.page,
                agreement_title=agreement.title,
                agreement_file=agreement.source.path,
                reference_title=agreement.title,
                evidence=(f"{clause.number} ({mine}): {norm.text}", f"{twin.number} ({theirs}): {other.text}"),
                level=agreement.level,
            ))
    return out


def _twins(agreement: Agreement) -> dict[str, Clause]:
    """Clause number of the compared version -> the clause's other language version."""
    by_id = {c.id: c for c in agreement.clauses}
    return {by_id[clause_id].number: twin for clause_id, twin in parallels(agreement).items()}


def beside(findings: list[Finding] | tuple[Finding, ...], target: Agreement, reference: Agreement) -> list[Finding]:
    """The findings with the other language version of each bilingual side's clause beside it."""
    target_twins, reference_twins = _twins(target), _twins(reference)
    if not target_twins and not reference_twins:
        return list(findings)
    out = []
    for f in findings:
        update = {}
        if f.kind != "inconsistent" and f.agreement == target.id and f.clause in target_twins:
            update["parallel_text"] = target_twins[f.clause].text
        if f.reference == reference.id and f.reference_clause in reference_twins and f.kind != "inconsistent":
            update["reference_parallel_text"] = reference_twins[f.reference_clause].text
        out.append(f.model_copy(update=update) if update else f)
    return out

