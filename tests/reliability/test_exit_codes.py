"""Issue 15, item 9: each exit status means one thing, in every command.

0 done and nothing to flag; 1 findings at or above --fail-on (check, diff); 2 usage error;
3 an input, the clause database or the search index could not be read. Before the fix a
broken database gave 1 in search, ingest and index and 2 in check and diff, and ingest of
an empty folder or of a glob that matched nothing exited 0 where check exited 3.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from reliability_files import KAZMETALL_2024, REPO, SAMPLES, SCAN

from pipeline.cli import cli
from pipeline.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE

KAZMETALL_2021 = str(SAMPLES / "kazmetall-2021.pdf")


@pytest.fixture
def places(tmp_path) -> dict[str, str]:
    """A stored database, a file that is not a database, an empty folder, a gold folder with its files."""
    from click.testing import CliRunner

    stored = tmp_path / "stored.db"
    CliRunner().invoke(cli, ["ingest", KAZMETALL_2024, "--db", str(stored)])
    broken = tmp_path / "broken.db"
    broken.write_text("not a database\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    gold, orphan = tmp_path / "gold", tmp_path / "orphan" / "gold"
    gold.mkdir()
    orphan.mkdir(parents=True)
    (tmp_path / "samples").mkdir()
    for suffix in (".pdf", ".docx"):
        shutil.copy(SAMPLES / f"medcentre-2024{suffix}", tmp_path / "samples")
    for folder in (gold, orphan):  # the orphan's gold names files that are not beside it
        shutil.copy(REPO / "corpora" / "gold" / "medcentre-2024.json", folder)
    import sqlite3

    (stored_id,) = sqlite3.connect(stored).execute("SELECT id FROM agreements").fetchone()
    return {"stored": str(stored), "stored_id": stored_id, "broken": str(broken), "empty": str(empty), "gold": str(gold),
            "orphan": str(orphan), "nothing": str(tmp_path / "nothing-*.pdf"), "absent": str(tmp_path / "none.db"),
            "missing": str(tmp_path / "missing.pdf")}  # fmt: skip


CASES = {
    # command: [(why, arguments, status)]
    "doctor": [
        ("what is here", ["doctor"], EXIT_OK),
        ("an unknown format", ["doctor", "--format", "xml"], EXIT_USAGE),
    ],
    "show": [
        ("a real agreement", ["show", KAZMETALL_2024], EXIT_OK),
        ("an unknown format", ["show", KAZMETALL_2024, "--format", "xml"], EXIT_USAGE),
        ("a file that does not exist", ["show", "{missing}"], EXIT_UNREADABLE),
    ],
    "ingest": [
        ("a real agreement", ["ingest", KAZMETALL_2021, "--db", "{stored}"], EXIT_OK),
        ("--jobs 0", ["ingest", KAZMETALL_2021, "--jobs", "0", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["ingest", KAZMETALL_2021, "--db", "{broken}"], EXIT_UNREADABLE),
        ("an empty folder", ["ingest", "{empty}", "--db", "{stored}"], EXIT_UNREADABLE),
        ("a glob matching nothing", ["ingest", "{nothing}", "--db", "{stored}"], EXIT_UNREADABLE),
        ("a scan without text", ["ingest", str(SCAN), "--db", "{stored}"], EXIT_UNREADABLE),
    ],
    "check": [
        ("nothing at --fail-on", ["check", KAZMETALL_2024, "--against", "general-agreement", "--fail-on", "never"],
         EXIT_OK),
        ("a high finding", ["check", KAZMETALL_2024, "--against", "general-agreement"], EXIT_FINDINGS),
        ("no --against", ["check", KAZMETALL_2024], EXIT_USAGE),
        ("a reference that names nothing", ["check", KAZMETALL_2024, "--against", "{missing}"], EXIT_USAGE),
        ("a target that does not exist", ["check", "{missing}", "--against", "general-agreement"], EXIT_UNREADABLE),
        ("a glob matching nothing", ["check", "{nothing}", "--against", "general-agreement"], EXIT_UNREADABLE),
        ("a broken database", ["check", KAZMETALL_2024, "--against", "ag_0123456789ab", "--db", "{broken}"],
         EXIT_UNREADABLE),
        ("no database", ["check", KAZMETALL_2024, "--against", "ag_0123456789ab", "--db", "{absent}"],
         EXIT_UNREADABLE),
    ],
    "diff": [
        ("the same text twice", ["diff", KAZMETALL_2024, str(SAMPLES / "kazmetall-2024.docx")], EXIT_OK),
        ("a lowered guarantee", ["diff", KAZMETALL_2021, KAZMETALL_2024], EXIT_FINDINGS),
        ("one version only", ["diff", KAZMETALL_2021], EXIT_USAGE),
        ("a broken database", ["diff", "ag_0123456789ab", KAZMETALL_2024, "--db", "{broken}"], EXIT_UNREADABLE),
        ("an unread old version", ["diff", str(SCAN), KAZMETALL_2024], EXIT_UNREADABLE),
    ],
    "search": [
        ("a query", ["search", "wages", "--db", "{stored}"], EXIT_OK),
        ("no words and no filter", ["search", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["search", "wages", "--db", "{broken}"], EXIT_UNREADABLE),
        ("no database", ["search", "wages", "--db", "{absent}"], EXIT_UNREADABLE),
    ],
    "index": [
        ("a stored database", ["index", "--db", "{stored}"], EXIT_OK),
        ("elasticsearch without a URL", ["index", "--db", "{stored}", "--backend", "elasticsearch"], EXIT_USAGE),
        ("a broken database", ["index", "--db", "{broken}"], EXIT_UNREADABLE),
    ],
    "serve": [  # its 0 is a server stopped after serving: tests/web runs it
        ("a public address without a password", ["serve", "--db", "{stored}", "--host", "0.0.0.0"], EXIT_USAGE),
        ("a broken database", ["serve", "--db", "{broken}"], EXIT_UNREADABLE),
        ("no database", ["serve", "--db", "{absent}"], EXIT_UNREADABLE),
    ],
    "chain": [
        ("a file", ["chain", KAZMETALL_2024, "--db", "{stored}"], EXIT_OK),
        ("a file that does not exist", ["chain", "{missing}", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["chain", KAZMETALL_2024, "--db", "{broken}"], EXIT_UNREADABLE),
    ],
    "versions": [
        ("a stored agreement", ["versions", "{stored_id}", "--db", "{stored}"], EXIT_OK),
        ("an id not stored", ["versions", "ag_0123456789ab", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["versions", "{stored_id}", "--db", "{broken}"], EXIT_UNREADABLE),
    ],
    "audit": [
        ("nothing at --fail-on", ["audit", "--db", "{stored}", "--fail-on", "never"], EXIT_OK),
        ("no General Agreement stored: unresolved", ["audit", "--db", "{stored}", "--fail-on", "medium"], EXIT_FINDINGS),
        ("--all", ["audit", "--db", "{stored}", "--all"], EXIT_USAGE),
        ("a broken database", ["audit", "--db", "{broken}"], EXIT_UNREADABLE),
        ("no database", ["audit", "--db", "{absent}"], EXIT_UNREADABLE),
    ],
    "stats": [
        ("a parameter", ["stats", "annual_leave.days", "--db", "{stored}"], EXIT_OK),
        ("an unknown parameter", ["stats", "annual_leave", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["stats", "annual_leave.days", "--db", "{broken}"], EXIT_UNREADABLE),
    ],
    "expiring": [
        ("the next 90 days", ["expiring", "--db", "{stored}"], EXIT_OK),
        ("a term that is none", ["expiring", "--within", "soon", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["expiring", "--db", "{broken}"], EXIT_UNREADABLE),
    ],
    "merge": [
        ("a stored database", ["merge", "{stored}", "--db", "{absent}"], EXIT_OK),
        ("no database to take", ["merge", "--db", "{stored}"], EXIT_USAGE),
        ("a broken database", ["merge", "{broken}", "--db", "{absent}"], EXIT_UNREADABLE),
    ],
    "eval": [
        ("a gold folder", ["eval", "{gold}", "--format", "json"], EXIT_OK),
        ("a gold folder that does not exist", ["eval", "{empty}/none"], EXIT_USAGE),
        ("gold whose files are missing", ["eval", "{orphan}", "--format", "json"], EXIT_UNREADABLE),
    ],
}


@pytest.mark.parametrize(
    ("arguments", "status"),
    [pytest.param(args, status, id=f"{command}-{status}-{why}") for command, cases in CASES.items()
     for why, args, status in cases],
)  # fmt: skip
def test_exit_status(runner, places, arguments, status):
    result = runner.invoke(cli, [a.format(**places) for a in arguments])
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if status == EXIT_UNREADABLE:
        assert "Traceback" not in result.output
        assert result.output.strip(), "what could not be read is said"


def test_every_command_and_status_has_a_case():
    """The table above covers every command the CLI has, and each with every status it can give."""
    assert set(CASES) == set(cli.commands)
    for command, cases in CASES.items():
        statuses = {status for _, _, status in cases}
        expected = {EXIT_OK, EXIT_USAGE, EXIT_UNREADABLE} | ({EXIT_FINDINGS} if command in ("check", "diff", "audit") else set())
        if command == "doctor":
            expected = {EXIT_OK, EXIT_USAGE}  # it reads nothing: what is missing is reported, not an error
        if command == "serve":
            expected = {EXIT_USAGE, EXIT_UNREADABLE}
        assert statuses == expected, command


def test_a_broken_database_is_one_line_naming_it(runner, places):
    result = runner.invoke(cli, ["search", "wages", "--db", places["broken"]])
    assert result.stderr.strip().splitlines() == [
        f"kelisim: {places['broken']}: not a usable clause database (file is not a database)"
    ]


def test_eval_json_is_still_json(runner, places):
    result = runner.invoke(cli, ["eval", places["gold"], "--format", "json"])
    assert json.loads(result.stdout)["documents"]
    assert Path(places["gold"]).is_dir()
