"""Issue 15, item 8: ordinary mistakes end in one line and a usage or input status, never a traceback.

Before the fix: ``search --year 99999999999999999999`` raised ``ValueError: Expected I64 type``;
a damaged index folder gave a tantivy error or a Rust panic with no hint; ``--output`` into a
missing folder crashed after the whole check had run, with exit 1 (which means "findings").
"""

from __future__ import annotations

import pytest
from reliability_files import KAZMETALL_2024

from pipeline.cli import cli


@pytest.mark.parametrize("year", ["99999999999999999999", "-5", "0"])
def test_search_with_an_impossible_year_is_a_usage_error(runner, stored, year):
    result = runner.invoke(cli, ["search", "wages", "--year", year, "--db", str(stored)])
    assert result.exit_code == 2, result.output
    assert "--year" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)


@pytest.mark.parametrize("damaged", ["meta.json", ".idx", ".store"])
def test_a_damaged_index_says_how_to_repair_it(runner, stored, damaged):
    index = stored.with_name(stored.name + ".index")
    victims = [p for p in index.iterdir() if p.name.endswith(damaged)]
    assert victims
    for path in victims:
        path.write_text("junk\n")
    result = runner.invoke(cli, ["search", "wages", "--db", str(stored)])
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit)
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("kelisim:")]
    assert line.startswith(f"kelisim: {index}: the search index is damaged") and "run `kelisim index`" in line
    repaired = runner.invoke(cli, ["index", "--db", str(stored)])
    assert repaired.exit_code == 0, repaired.output
    again = runner.invoke(cli, ["search", "wages", "--db", str(stored), "--format", "json"])
    assert again.exit_code == 0 and '"total"' in again.stdout


@pytest.mark.parametrize(
    "command",
    [["check", "{target}", "--against", "general-agreement"], ["diff", "{target}", "{target}"]],
    ids=["check", "diff"],
)
def test_output_into_a_missing_folder_is_refused_before_any_work(runner, tmp_path, command):
    # The target does not exist either: refusing the output first gives 2, reading first would give 3.
    target = str(tmp_path / "absent.pdf")
    output = tmp_path / "no" / "such" / "folder" / "report.html"
    result = runner.invoke(cli, [a.format(target=target) for a in command] + ["--format", "html", "-o", str(output)])
    assert result.exit_code == 2, result.output
    assert f"folder {output.parent} does not exist" in result.output
    assert "absent.pdf" not in result.output.replace(str(output), "")


def test_output_into_an_existing_folder_is_written(runner, tmp_path):
    output = tmp_path / "report.csv"
    result = runner.invoke(
        cli, ["check", KAZMETALL_2024, "--against", "general-agreement", "--format", "csv", "-o", str(output),
              "--fail-on", "never"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").startswith("kind,severity")
