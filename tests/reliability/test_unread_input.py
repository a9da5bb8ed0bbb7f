"""Issue 15, item 1: input whose text was not read never gives a clean verdict.

A scan without a text layer parses without error into an agreement with no clauses.
Before the fix, `diff SCAN NEW` and `check X --against SCAN` printed "Findings: 0" and
exited 0, a scanned target got 26 `missing` findings (as if the agreement dropped every
guarantee), and `ingest` stored the empty agreement and exited 0.
"""

from __future__ import annotations

import json
import sqlite3

from reliability_files import SCAN

from pipeline.cli import cli
from pipeline.unread import unread_reason


def test_diff_from_a_scanned_old_version_is_an_error_naming_the_file(runner, samples):
    result = runner.invoke(cli, ["diff", str(SCAN), str(samples / "kazmetall-2024.pdf")])
    assert result.exit_code == 3, result.output
    assert "Findings" not in result.stdout
    assert f"{SCAN}: no clauses read (" in result.stderr


def test_check_against_a_scanned_reference_is_an_error_naming_the_file(runner, samples):
    result = runner.invoke(cli, ["check", str(samples / "kazmetall-2024.pdf"), "--against", str(SCAN)])
    assert result.exit_code == 3, result.output
    assert "Findings" not in result.stdout
    assert f"the reference {SCAN}: no clauses read" in result.stderr


def test_check_against_a_mostly_scanned_reference_is_an_error(runner, samples, scan_with_cover):
    result = runner.invoke(cli, ["check", str(samples / "kazmetall-2024.pdf"), "--against", str(scan_with_cover)])
    assert result.exit_code == 3, result.output
    assert "only 1 clause read from 12 pages" in result.stderr


def test_a_scanned_target_gets_unverifiable_verdicts_and_exit_3(runner, samples):
    result = runner.invoke(
        cli, ["check", str(SCAN), str(samples / "kazmetall-2024.pdf"), "--against", "general-agreement",
              "--format", "json", "--fail-on", "never"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    by_agreement = {entry["file"]: entry for entry in report["summary"]["by_agreement"].values()}
    scanned = by_agreement[str(SCAN)]
    # one verdict per guarantee still, none of them "missing": nobody read the agreement
    assert scanned["total"] == report["summary"]["guarantees"]
    assert scanned["by_kind"] == {"unverifiable": report["summary"]["guarantees"]}
    assert any(str(SCAN) in f and "no clauses read" in f for f in report["summary"]["failures"])
    assert "no clauses read" in result.stderr


def test_diff_to_a_scanned_new_version_is_not_a_list_of_removals(runner, samples):
    result = runner.invoke(
        cli, ["diff", str(samples / "kazmetall-2021.pdf"), str(SCAN), "--format", "json", "--fail-on", "never"]
    )
    assert result.exit_code == 3, result.output
    kinds = {f["kind"] for f in json.loads(result.stdout)["findings"]}
    assert kinds == {"unverifiable"}


def test_ingest_refuses_an_empty_agreement_unless_allowed(runner, tmp_path):
    db = tmp_path / "k.db"
    refused = runner.invoke(cli, ["ingest", str(SCAN), "--db", str(db)])
    assert refused.exit_code == 3, refused.output
    assert f"{SCAN}: no clauses read (" in refused.output and "not stored" in refused.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM agreements").fetchone() == (0,)
    allowed = runner.invoke(cli, ["ingest", str(SCAN), "--db", str(db), "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM agreements").fetchone() == (1,)


def test_check_against_a_stored_empty_agreement_is_an_error(runner, tmp_path, samples):
    db = tmp_path / "k.db"
    runner.invoke(cli, ["ingest", str(SCAN), "--db", str(db), "--allow-empty"])
    (stored,) = sqlite3.connect(db).execute("SELECT id FROM agreements").fetchone()
    result = runner.invoke(
        cli, ["check", str(samples / "kazmetall-2024.pdf"), "--against", stored, "--db", str(db)]
    )
    assert result.exit_code == 3, result.output
    assert f"{stored}: no clauses read" in result.stderr


def test_real_agreements_are_read(samples):
    from pipeline.analyze import read_agreement

    for path in sorted(samples.iterdir()):
        assert unread_reason(read_agreement(path)) is None
