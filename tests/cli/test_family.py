"""The commands behave as one family: the same options mean the same thing everywhere
(``--output``, ``--jobs``, ``-q``), exit statuses are named, errors are one line ``kelisim: ...``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "samples" / "kazmetall-2024.pdf"
# Commands whose result is a report a user may want in a file.
REPORT_COMMANDS = ["check", "diff", "doctor", "eval", "index", "ingest", "search", "show"]


def _option(name: str, flag: str) -> click.Option | None:
    return next((p for p in cli.commands[name].params if flag in getattr(p, "opts", ())), None)


@pytest.mark.parametrize("name", REPORT_COMMANDS)
def test_every_report_command_takes_output(name):
    option = _option(name, "--output")
    assert option is not None and "-o" in option.opts, f"kelisim {name} has no --output/-o"


def test_jobs_has_one_range_and_wording():
    options = [_option(name, "--jobs") for name in sorted(cli.commands)]
    options = [o for o in options if o is not None]
    assert len(options) >= 3
    assert {(o.type.min, o.type.max, o.default, tuple(o.opts)) for o in options} == {(1, 64, 1, ("--jobs", "-j"))}
    assert all(o.help.endswith("at a time, each in a worker process.") for o in options)


def test_no_command_exits_with_a_bare_number():
    """Exit statuses are the named constants of pipeline/cli/options.py, never literals."""
    bare = re.compile(r"\bexit\(\s*[0-9]")
    offenders = [f"{p.name}:{i}" for p in (ROOT / "pipeline" / "cli").glob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]  # fmt: skip
    assert offenders == []


def test_show_output_writes_the_file_and_leaves_stdout_empty(tmp_path):
    out = tmp_path / "agreement.json"
    result = CliRunner().invoke(cli, ["show", str(SAMPLE), "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["path"] == str(SAMPLE)


def test_search_output_into_a_missing_folder_is_a_usage_error_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["search", "wages", "--db", str(tmp_path / "none.db"),
                                      "-o", str(tmp_path / "absent" / "hits.json")])  # fmt: skip
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_errors_are_one_line_naming_the_file(tmp_path):
    empty = tmp_path / "old.pdf"
    empty.write_bytes(b"")
    for command in (["diff", str(empty), str(SAMPLE)], ["show", str(empty)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 3
        assert result.stderr.strip().splitlines() == [f"kelisim: {empty}: empty file"]
