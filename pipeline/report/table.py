"""Findings as a rich table on a terminal, and the per-agreement summary after a batch."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas.models import Report

_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
_KINDS = ("lowered", "weakened", "missing", "removed", "unverifiable", "ok")


def findings_table(report: Report) -> Table:
    # Against a chain each finding comes from one level of it: the reference clause cell names the level.
    chain = report.summary.get("reference") == "chain"
    table = Table(title="Findings", show_lines=True, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Agreement", ratio=1, min_width=14)
    table.add_column("Clause", no_wrap=True)
    table.add_column("Reference clause", no_wrap=True)
    table.add_column("Explanation", ratio=3)
    for f in report.findings:
        style = _STYLE.get(f.severity, "")
        # Agreement text is user input: Text() keeps rich from reading "[...]" in it as markup.
        table.add_row(
            Text(f.severity, style=style),
            f.kind,
            _agreement_cell(f.agreement_title or f.agreement, f.agreement_file),
            Text(f"{f.clause or '-'}" + (f" (p. {f.page})" if f.page else "")),
            Text((f"{f.level} " if chain and f.level else "") + f"{f.reference_clause or '-'}"
                 + (f" (p. {f.reference_page})" if f.reference_page else "")),
            Text(f.explanation),
        )
    return table


def summary_table(report: Report) -> Table:
    """Per agreement: findings by kind (the end of a ``check`` batch)."""
    table = Table(title="Summary by agreement")
    table.add_column("Agreement")
    rows = report.summary.get("by_agreement", {}).items()
    kinds = _KINDS + (("unresolved",) if any(e.get("by_kind", {}).get("unresolved") for _, e in rows) else ())
    for kind in kinds:
        table.add_column(kind, justify="right")
    table.add_column("total", justify="right")
    for agreement, entry in sorted(rows, key=lambda row: (row[1].get("file") or "", row[1].get("title") or "")):
        by_kind = entry.get("by_kind", {})
        table.add_row(
            _agreement_cell(entry.get("title") or agreement, entry.get("file")),
            *(str(by_kind.get(k, 0)) for k in kinds),
            str(entry["total"]),
        )
    return table


def _agreement_cell(title: str, file: str | None) -> Text:
    """The title, and under it the file's name: the PDF and the DOCX of one text share a title."""
    cell = Text(title)
    if file:
        cell.append("\n" + Path(file).name, style="dim")
    return cell


def _markup_free(text: str) -> str:
    return text.replace("[", r"\[")


def print_report(report: Report, console: Console, *, per_agreement: bool = True) -> None:
    """Write the findings, the clause summary of a diff, the per-agreement table and the failures."""
    if report.findings:
        console.print(findings_table(report))
    else:
        console.print("No findings to show.")
    summary = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in summary.get("by_kind", {}).items() if v)
    console.print(
        f"Findings: {summary.get('total', len(report.findings))}" + (f" ({counts})" if counts else "")
    )
    if summary.get("reference") == "chain":
        console.print(
            f"Checked against the chain above each agreement: {summary.get('guarantees', 0)} guarantees in all,"
            " each with one verdict; the reference clause names the level it comes from."
        )
    elif summary.get("guarantees"):
        agreements = len(summary.get("by_agreement") or {}) or 1
        console.print(
            f"{'The old version' if 'clauses' in summary else 'The reference'} states {summary['guarantees']} guarantees; "
            "each agreement gets one verdict for each"
            + (f" ({agreements} agreements)." if agreements > 1 else ".")
        )
    if summary.get("ok_hidden"):
        console.print(f"{summary['ok_hidden']} ok findings hidden (--all shows them).")
    if "clauses" in summary:
        clauses = ", ".join(f"{k} {v}" for k, v in summary["clauses"].items())
        console.print(f"Clauses: {clauses}; improved guarantees: {summary.get('improved', 0)}")
    if per_agreement and summary.get("by_agreement"):
        console.print(summary_table(report))
    for failure in report.failures:
        console.print(f"[red]could not read[/] {_markup_free(failure)}")
