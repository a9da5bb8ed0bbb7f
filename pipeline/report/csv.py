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
    "agreement_file",
)  # fmt: skip


def _norm_cells(value: NormValue | None) -> list:
    if value is None:
        return ["", "", "", ""]
    return [value.comparator, format_value(value.value), value.unit, value.condition or ""]


def row(finding: Finding) -> list:
    f = finding
    return [
        f.kind, f.severity, f.topic or "", f.parameter or "",
        f.agreement, f.agreement_title or "", f.clause or "", f.page or "",
        f.reference, f.reference_title or "", f.reference_clause or "", f.reference_page or "",
        *_norm_cells(f.expected), *_norm_cells(f.found),
        f.explanation, " | ".join(f.evidence), f.clause_text or "", f.reference_clause_text or "",
        f.agreement_file or "",
    ]  # fmt: skip


def render(report: Report, **_: object) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(f) for f in report.findings)
    return buffer.getvalue()
