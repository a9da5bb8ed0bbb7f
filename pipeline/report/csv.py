"""Findings as CSV: one header row, one row per finding (spreadsheets, batch jobs)."""

from __future__ import annotations

import csv
import io

from extractors.numbers import format_value
from schemas.models import Finding, NormValue, Report

COLUMNS = (
    "kind", "severity", "topic", "parameter",
    "agreement", "agreement_title", "clause", "page",
    "reference", "reference_title", "reference_clause", "reference_page",
    "expected_comparator", "expected_value", "expected_unit", "expected_condition",
    "found_comparator", "found_value", "found_unit", "found_condition",
    "explanation", "evidence", "clause_text", "reference_clause_text",
    "agreement_file", "parallel_text", "reference_parallel_text", "level",
)  # fmt: skip


#: A cell starting with one of these is run as a formula by spreadsheets (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    """A cell whose words come from a document (titles, clause numbers and texts, conditions,
    explanations quoting them, file names): prefixed with a single quote when a spreadsheet would
    run it as a formula. JSON keeps the raw text."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _norm_cells(value: NormValue | None) -> list:
    if value is None:
        return ["", "", "", ""]
    return [value.comparator, format_value(value.value), value.unit, _text(value.condition)]


def row(finding: Finding) -> list:
    f = finding
    return [
        f.kind, f.severity, f.topic or "", f.parameter or "",
        f.agreement, _text(f.agreement_title), _text(f.clause), f.page or "",
        f.reference, _text(f.reference_title), _text(f.reference_clause), f.reference_page or "",
        *_norm_cells(f.expected), *_norm_cells(f.found),
        _text(f.explanation), _text(" | ".join(f.evidence)), _text(f.clause_text), _text(f.reference_clause_text),
        _text(f.agreement_file), _text(f.parallel_text), _text(f.reference_parallel_text), f.level or "",
    ]  # fmt: skip


def render(report: Report, **_: object) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(f) for f in report.findings)
    return buffer.getvalue()
