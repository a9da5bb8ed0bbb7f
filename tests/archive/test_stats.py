"""Bargaining statistics on the known small corpus of the samples (issue 17, item 4).

The expected figures are computed from the hand-written gold of ``corpora/gold`` with numpy's
percentiles, independently of what the clause database and ``statistics.quantiles`` give."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy
import pytest
from archive_files import REPO, stored_id
from click.testing import CliRunner

from pipeline.archive.stats import NormRow, distribution, parameter_stats
from pipeline.cli import cli

GOLD = REPO / "corpora" / "gold"
ON = date(2025, 6, 1)


def _gold_values(parameter: str, unit: str) -> dict[str, list[float]]:
    """Per sector, the value of the first unconditioned norm of each gold agreement in force on ON: of a
    kk+ru agreement its Russian text's (the version check compares), once for the printings of one
    text (Energoservice's in two columns and in a table are one stored agreement)."""
    out: dict[str, list[float]] = {}
    texts = set()
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        meta = gold["metadata"]
        clauses = gold["clauses"]
        if meta.get("language") == "kk+ru":
            text = tuple((c["number"], c["language"], c["text"]) for c in clauses)
            if text in texts:
                continue
            texts.add(text)
            clauses = [c for c in clauses if c["language"] == "ru"]
        if not (date.fromisoformat(meta["valid_from"]) <= ON <= date.fromisoformat(meta["valid_to"])):
            continue
        norms = [n for c in clauses for n in c.get("norms") or () if n["parameter"] == parameter and n["condition"] is None]
        first = next((n for n in norms if n["unit"] == unit), None)
        if first is not None:
            out.setdefault(meta["sector"] or "unknown", []).append(float(first["value"]))
    return out


def test_a_kkru_agreement_counts_once_by_its_russian_text(samples_db):
    """Energoservice's kk+ru text grants 30 days of annual leave in Kazakh and 28 in Russian (a seeded
    inconsistency) and is printed twice (columns, table), each as PDF and DOCX: one value, 28, beside
    those of its Russian and its Kazakh text printed alone."""
    kkru = stored_id(samples_db, "energoservice-2025-kkru-table.pdf")
    stats = parameter_stats(samples_db, "annual_leave.days", by="sector", on=ON)
    (energy,) = [g for g in stats.groups if g.group == "energy"]
    assert sorted(energy.values) == sorted([(kkru, 28.0), (stored_id(samples_db, "energoservice-2025.pdf"), 28.0),
                                            (stored_id(samples_db, "energoservice-2025-kk.pdf"), 28.0)])  # fmt: skip
    placed = CliRunner().invoke(cli, ["stats", "--agreement", kkru, "--on", "2025-06-01", "--db", str(samples_db),
                                      "--format", "json"])  # fmt: skip
    assert placed.exit_code == 0, placed.output
    leave = [p for p in json.loads(placed.stdout) if p["parameter"] == "annual_leave.days"]
    assert [(p["clause"], p["value"]) for p in leave] == [("3.2", 28)]


@pytest.mark.parametrize("parameter", ["annual_leave.days", "premium_pay.overtime", "job_security.severance"])
def test_stats_by_sector_match_the_gold(samples_db, parameter):
    stats = parameter_stats(samples_db, parameter, by="sector", on=ON)
    expected = _gold_values(parameter, stats.unit)
    got = {g.group or "unknown": g for g in stats.groups}
    assert set(got) == set(expected)
    for sector, values in expected.items():
        group = got[sector]
        assert group.count == len(values)
        assert (group.min, group.max) == (min(values), max(values))
        assert [group.q1, group.median, group.q3] == pytest.approx(list(numpy.percentile(values, [25, 50, 75])))


def test_stats_count_other_units_conditions_and_terms_apart():
    def row(agreement, value, unit="calendar_days", condition=None, start="2024-01-01", end="2026-12-31", sector="energy"):
        return NormRow(agreement, "annual_leave.days", agreement, "collective", sector, "Almaty", start, end, "4.1",
                       value, unit, condition)  # fmt: skip

    rows = [
        row("a", 24), row("a", 30, condition="underground work"),  # a's general value is 24
        row("b", 28), row("c", 20, unit="working_days"), row("d", 36, condition="disabled workers"),
        row("e", 40, end="2023-12-31"), row("f", 31, start=None, end=None), row("g", 26, sector="healthcare"),
    ]
    stats = distribution(rows, "annual_leave.days", on=date(2025, 1, 1))
    assert stats.unit == "calendar_days"
    (group,) = stats.groups
    assert [v for _, v in group.values] == [24, 26, 28] and group.lowest == ("a",) and group.highest == ("b",)
    assert (stats.other_units, stats.conditional_only, stats.not_in_force, stats.term_unknown) == (
        {"working_days": 1}, 1, 1, 1)
    by_sector = distribution(rows, "annual_leave.days", by="sector", on=date(2025, 1, 1))
    assert [(g.group, g.count) for g in by_sector.groups] == [("energy", 2), ("healthcare", 1)]
    in_days = distribution(rows, "annual_leave.days", on=date(2025, 1, 1), unit="working_days")
    assert [g.values for g in in_days.groups] == [(("c", 20.0),)] and in_days.other_units == {"calendar_days": 3}


def test_stats_command_table_json_chart_and_html(samples_db, tmp_path):
    runner = CliRunner()
    chart = tmp_path / "leave.svg"
    text = runner.invoke(cli, ["stats", "annual_leave.days", "--by", "sector", "--on", "2025-06-01",
                               "--db", str(samples_db), "--chart", str(chart)])  # fmt: skip
    assert text.exit_code == 0, text.output
    assert "mining_metallurgy" in text.output and f"chart: {chart}" in text.output
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in chart.read_text(encoding="utf-8")
    png = tmp_path / "leave.png"
    runner.invoke(cli, ["stats", "annual_leave.days", "--db", str(samples_db), "--chart", str(png)])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(runner.invoke(cli, ["stats", "annual_leave.days", "--on", "2025-06-01", "--db", str(samples_db),
                                          "--format", "json"]).stdout)  # fmt: skip
    assert data["unit"] == "calendar_days" and data["groups"][0]["count"] == sum(len(v) for v in _gold_values("annual_leave.days", "calendar_days").values())
    html = runner.invoke(cli, ["stats", "annual_leave.days", "--by", "sector", "--db", str(samples_db), "--format", "html"])
    assert "<svg" in html.stdout and "<?xml" not in html.stdout and "mining_metallurgy" in html.stdout
    bad = runner.invoke(cli, ["stats", "annual_leave.dayz", "--db", str(samples_db)])
    assert bad.exit_code == 2 and "annual_leave.days" in bad.output
    assert runner.invoke(cli, ["stats", "--db", str(samples_db)]).exit_code == 2
    assert runner.invoke(cli, ["stats", "annual_leave.days", "--chart", str(tmp_path / "x.jpg")]).exit_code == 2


def test_stats_of_one_agreement_place_each_norm_in_its_sector(samples_db):
    kazmetall = stored_id(samples_db, "kazmetall-2024.pdf")
    result = CliRunner().invoke(cli, ["stats", "--agreement", kazmetall, "--on", "2025-06-01", "--db", str(samples_db),
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    placed = {p["parameter"]: p for p in json.loads(result.stdout)}
    leave = placed["annual_leave.days"]
    mining = _gold_values("annual_leave.days", "calendar_days")["mining_metallurgy"]
    assert leave["sector_count"] == len(mining) and leave["value"] == 24
    below = sum(v < 24 for v in mining) + sum(v == 24 for v in mining) / 2
    assert leave["favourable_share"] == pytest.approx(below / len(mining))
    hours = placed["working_time.weekly_hours"]  # fewer hours are better: a tie with every other is half
    assert hours["favourable_share"] == pytest.approx(0.5)
    unknown = CliRunner().invoke(cli, ["stats", "--agreement", "ag_000000000000", "--db", str(samples_db)])
    assert unknown.exit_code == 2


def test_stats_without_a_database_is_exit_3(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "annual_leave.days", "--db", str(Path(tmp_path) / "none.db")])
    assert result.exit_code == 3


def test_stats_on_an_elasticsearch_that_does_not_answer_is_one_line_without_the_password(samples_db, monkeypatch):
    monkeypatch.setenv("KELISIM_ES_TIMEOUT", "2")
    result = CliRunner().invoke(cli, ["stats", "annual_leave.days", "--db", str(samples_db), "--backend", "elasticsearch",
                                      "--es-url", "http://kelisim:s3cret-pw@127.0.0.1:9"])  # fmt: skip
    assert result.exit_code == 3
    assert "elasticsearch at http://kelisim:***@127.0.0.1:9" in result.output and "s3cret-pw" not in result.output
    assert "Traceback" not in result.output
    no_url = CliRunner().invoke(cli, ["stats", "annual_leave.days", "--backend", "elasticsearch"], env={"KELISIM_ES_URL": ""})
    assert no_url.exit_code == 2
