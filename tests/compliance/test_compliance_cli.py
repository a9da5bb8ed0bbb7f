"""`kelisim check` and `kelisim diff` on the command line: formats, --all, --fail-on and exit codes.

The analysis stage is replaced by synthetic agreements so the commands are tested on their own.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from compliance_builders import agreement, clause, norm

import pipeline.analyze
from pipeline.cli import cli
from pipeline.errors import InputError

GENERAL = agreement(
    "ag_general",
    clause("4.3", "A lump sum of ten annual wages on death.",
           norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage"),)),
    clause("2.1", "Wages shall be indexed not lower than inflation.",
           norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
    level="general", title="General Agreement",
)  # fmt: skip
LOWERING = agreement(
    "ag_low",
    clause("5.1", "A lump sum of five annual wages on death.",
           norms=(norm("injury_compensation.death_lump_sum", "=", 5, "annual_wage"),)),
    clause("2.1", "Wages shall be indexed not lower than inflation.",
           norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
)  # fmt: skip
WEAKENING = agreement(
    "ag_weak",
    clause("5.1", "A lump sum of ten annual wages on death.",
           norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage"),)),
    clause("2.1", "Wages may be indexed not lower than inflation.", modality="permission",
           norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
)  # fmt: skip
COMPLIANT = agreement(
    "ag_fine",
    clause("5.1", "A lump sum of twelve annual wages on death.",
           norms=(norm("injury_compensation.death_lump_sum", "=", 12, "annual_wage"),)),
    clause("2.1", "Wages shall be indexed not lower than inflation.",
           norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
)  # fmt: skip
SECTORAL = agreement("ag_sector", *COMPLIANT.clauses, level="sectoral")
BY_NAME = {"general.pdf": GENERAL, "low.pdf": LOWERING, "weak.pdf": WEAKENING, "fine.pdf": COMPLIANT,
           "sector.pdf": SECTORAL}  # fmt: skip


@pytest.fixture
def files(tmp_path, monkeypatch):
    def read(path, options=None):
        path = Path(path)
        if path.name not in BY_NAME:
            raise InputError(path, "not a PDF or DOCX file")
        return BY_NAME[path.name]

    monkeypatch.setattr(pipeline.analyze, "read_agreement", read)
    for name in (*BY_NAME, "broken.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.7 stand-in")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def test_check_exits_1_on_a_high_finding_and_prints_the_table(files):
    result = _run("check", "low.pdf", "--against", "general.pdf")
    assert result.exit_code == 1, result.output
    assert "Lump sum on death is 5 annual wages" in result.output
    assert "Summary by agreement" in result.output


def test_check_says_how_many_guarantees_got_a_verdict(files):
    result = _run("check", "low.pdf", "fine.pdf", "--against", "general.pdf", "--format", "json")
    summary = json.loads(result.output)["summary"]
    assert summary["guarantees"] > 0
    assert all(entry["total"] == summary["guarantees"] for entry in summary["by_agreement"].values())
    text = _run("check", "low.pdf", "fine.pdf", "--against", "general.pdf").output
    assert f"The reference states {summary['guarantees']} guarantees; each agreement gets one verdict for each" in text


def test_check_exits_0_when_nothing_reaches_fail_on(files):
    assert _run("check", "weak.pdf", "--against", "general.pdf").exit_code == 0  # weakened is medium
    assert _run("check", "weak.pdf", "--against", "general.pdf", "--fail-on", "medium").exit_code == 1
    assert _run("check", "low.pdf", "--against", "general.pdf", "--fail-on", "never").exit_code == 0
    assert _run("check", "fine.pdf", "--against", "general.pdf", "--fail-on", "low").exit_code == 0


def test_check_json_has_exactly_findings_and_summary(files):
    result = _run("check", "low.pdf", "--against", "general.pdf", "--format", "json")
    data = json.loads(result.output)
    assert set(data) == {"findings", "summary"}
    (finding,) = data["findings"]
    for field in ("kind", "severity", "topic", "parameter", "agreement", "clause", "reference",
                  "reference_clause", "expected", "found", "explanation"):  # fmt: skip
        assert field in finding
    assert (finding["kind"], finding["clause"], finding["reference_clause"]) == ("lowered", "5.1", "4.3")
    assert data["summary"]["by_kind"]["lowered"] == 1 and data["summary"]["ok_hidden"] == 1


def test_check_all_lists_ok_findings(files):
    data = json.loads(
        _run("check", "fine.pdf", "--against", "general.pdf", "--format", "json", "--all").output
    )
    assert [f["kind"] for f in data["findings"]] == ["ok", "ok"]


def test_check_batch_goes_on_past_an_unreadable_file_and_exits_3(files):
    result = _run("check", "low.pdf", "broken.pdf", "fine.pdf", "--against", "general.pdf", "--format", "csv")
    assert result.exit_code == 3
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and rows[1][4] == "ag_low"
    assert "broken.pdf" in result.stderr and "not a PDF or DOCX file" in result.stderr


def test_check_refuses_a_lower_level_reference_unless_forced(files):
    refused = _run("check", "sector.pdf", "--against", "low.pdf")
    assert refused.exit_code == 2
    assert "cannot be checked against a lower collective agreement" in refused.output
    assert _run("check", "sector.pdf", "--against", "low.pdf", "--force", "--fail-on", "never").exit_code == 0


def test_check_against_a_missing_file_is_a_usage_error(files):
    result = _run("check", "low.pdf", "--against", "nowhere.pdf")
    assert result.exit_code == 2 and "nowhere.pdf" in result.output


def test_check_against_an_unreadable_reference_exits_3(files):
    assert _run("check", "low.pdf", "--against", "broken.pdf").exit_code == 3


def test_check_against_the_labour_code(files):
    data = json.loads(_run("check", "low.pdf", "--against", "labour-code", "--format", "json").output)
    assert {f["reference"] for f in data["findings"]} == {"labour-code-kz-2015"}


def test_check_writes_html_to_output(files):
    result = _run(
        "check", "low.pdf", "--against", "general.pdf", "--format", "html", "--output", "report.html"
    )
    assert result.exit_code == 1
    page = (files / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<article class="finding') == 1


def test_diff_reports_what_the_new_version_lowered(files):
    result = _run("diff", "fine.pdf", "low.pdf", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    (finding,) = data["findings"]
    assert (finding["agreement"], finding["reference"], finding["kind"]) == ("ag_low", "ag_fine", "lowered")
    assert data["summary"]["clauses"]["changed"] == 1 and data["summary"]["clauses"]["unchanged"] == 1


def test_diff_counts_improvements_without_flagging_them(files):
    result = _run("diff", "low.pdf", "fine.pdf", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["findings"] == [] and data["summary"]["improved"] == 1


def test_diff_of_an_unreadable_file_exits_3(files):
    assert _run("diff", "broken.pdf", "low.pdf").exit_code == 3


@pytest.mark.parametrize("command", ["check", "diff"])
def test_commands_have_help_with_an_example(command):
    result = _run(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_check_against_a_stored_agreement_id(files):
    from pipeline.store import database

    connection = database.connect(files / "kelisim.db")
    database.store_agreement(connection, GENERAL)
    connection.close()
    result = _run("check", "low.pdf", "--against", "ag_general", "--db", "kelisim.db", "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["findings"][0]["reference"] == "ag_general"
    unknown = _run("check", "low.pdf", "--against", "ag_nothing", "--db", "kelisim.db")
    assert unknown.exit_code == 2 and "ag_nothing" in unknown.output


def test_check_against_the_bundled_general_agreement(files, monkeypatch):
    monkeypatch.setattr(pipeline.analyze, "GENERAL_AGREEMENT", files / "general.pdf")
    pipeline.analyze.bundled_general_agreement.cache_clear()
    data = json.loads(_run("check", "low.pdf", "--against", "general-agreement", "--format", "json").output)
    assert {f["reference"] for f in data["findings"]} == {"ag_general"}
    monkeypatch.setattr(pipeline.analyze, "GENERAL_AGREEMENT", files / "absent" / "general.pdf")
    pipeline.analyze.bundled_general_agreement.cache_clear()
    missing = _run("check", "low.pdf", "--against", "general-agreement")
    pipeline.analyze.bundled_general_agreement.cache_clear()
    assert missing.exit_code == 2 and "bundled file" in missing.output


def test_check_a_folder_of_targets_reports_each_agreement(files):
    folder = files / "batch"
    folder.mkdir()
    for name in ("low.pdf", "weak.pdf", "fine.pdf"):
        (folder / name).write_bytes(b"%PDF-1.7 stand-in")
    data = json.loads(_run("check", "batch", "--against", "general.pdf", "--format", "json").output)
    assert set(data["summary"]["by_agreement"]) == {"ag_low", "ag_weak", "ag_fine"}
    fine = data["summary"]["by_agreement"]["ag_fine"]
    assert fine["total"] > 0 and set(fine["by_kind"]) == {"ok"}  # compared, nothing flagged
    assert not any(f["agreement"] == "ag_fine" for f in data["findings"])


def test_diff_turns_a_crash_while_reading_into_exit_3(files, monkeypatch):
    """Bug: an out-of-memory error in extraction ended `diff` with a traceback instead of exit 3."""

    def crash(path, options=None):
        raise MemoryError

    monkeypatch.setattr(pipeline.analyze, "read_agreement", crash)
    result = _run("diff", "low.pdf", "fine.pdf")
    assert result.exit_code == 3
    assert "low.pdf" in result.stderr and "out of memory" in result.stderr
