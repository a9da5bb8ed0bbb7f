"""`kelisim ingest`, `search`, `index` through click: exit codes and output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from store_corpus import fake_read, write_agreement_file

import pipeline.analyze
from pipeline.cli import cli


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setattr(pipeline.analyze, "read_outcome", fake_read)
    monkeypatch.delenv("KELISIM_ES_URL", raising=False)
    return CliRunner()


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_agreement_file(folder, "kazmetall")
    write_agreement_file(folder, "energo", language="ru")
    return folder


def test_cli_ingest_then_again_skips(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    first = runner.invoke(cli, ["ingest", str(files), "--db", db])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("ingested 2, skipped 0, failed 0")
    second = runner.invoke(cli, ["ingest", str(files), "--db", db, "--format", "json"])
    assert second.exit_code == 0
    report = json.loads(second.output)
    assert report["ingested"] == [] and [s["reason"] for s in report["skipped"]] == ["unchanged", "unchanged"]


def test_cli_ingest_with_unreadable_file_exits_3_and_names_it(runner, files, tmp_path):
    (files / "broken.pdf").write_text("BROKEN")
    result = runner.invoke(cli, ["ingest", str(files), "--db", str(tmp_path / "k.db")])
    assert result.exit_code == 3
    assert "ingested 2, skipped 0, failed 1" in result.output
    assert f"failed {files / 'broken.pdf'}: not a PDF or DOCX file" in result.output


def test_cli_search_json_has_the_spec_shape(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    result = runner.invoke(cli, ["search", "индексации", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["query", "total", "backend", "hits", "facets"]
    assert data["query"] == "индексации" and data["backend"] == "embedded" and data["total"] == 1
    assert list(data["hits"][0]) == ["clause_id", "agreement", "number", "title", "level", "sector", "region",
                                     "year", "page", "topics", "score", "snippet",  # the contract's, then ours
                                     "clause_language", "parallel"]  # fmt: skip
    assert "<mark>индексацию</mark>" in data["hits"][0]["snippet"]
    assert list(data["facets"]) == ["topic", "level", "sector", "region", "year", "language"]  # the spec's five, then ours


def test_cli_search_text_table_and_filters(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    result = runner.invoke(cli, ["search", "wages", "--db", db, "--region", "karaganda", "--year", "2024"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 clauses") and "kazmetall" in result.output
    assert "region: Karaganda (3)" in result.output


@pytest.mark.parametrize("text", ["((((", "-", ""])
def test_cli_search_without_words_is_a_usage_error(runner, files, tmp_path, text):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    result = runner.invoke(cli, ["search", text, "--db", db])
    assert result.exit_code == 2 and "Error:" in result.output


def test_cli_search_without_database_says_how_to_make_one(runner, tmp_path):
    result = runner.invoke(cli, ["search", "wages", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 3 and "kelisim ingest" in result.output


def test_cli_search_stale_index_warns_on_stderr(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    from store_corpus import make_agreement

    from pipeline.store import database

    database.store_agreement(database.connect(db), make_agreement("late"))
    result = runner.invoke(cli, ["search", "wages", "--db", db, "--format", "json"])
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "kelisim index" in result.stderr
    json.loads(result.stdout)  # the warning stays out of the JSON
    rebuilt = runner.invoke(cli, ["index", "--db", db])
    assert rebuilt.exit_code == 0 and rebuilt.output.startswith("indexed ")
    assert "warning" not in runner.invoke(cli, ["search", "wages", "--db", db]).stderr


def test_cli_index_elasticsearch_without_url_is_a_usage_error(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    result = runner.invoke(cli, ["index", "--db", db, "--backend", "elasticsearch"])
    assert result.exit_code == 2 and "--es-url" in result.output


def test_cli_search_unreachable_elasticsearch_is_one_line(runner, files, tmp_path):
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(files), "--db", db])
    result = runner.invoke(
        cli, ["search", "wages", "--db", db, "--backend", "elasticsearch", "--es-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 3 and "elasticsearch at http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["ingest", "search", "index"])
def test_cli_store_commands_have_help_with_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example: kelisim " + command in result.output
