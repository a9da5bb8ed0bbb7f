"""``kelisim merge``: ingest workers' databases into the archive's, without parsing again."""

from __future__ import annotations

import sqlite3

from archive_files import GENERAL, SAMPLES
from click.testing import CliRunner

from pipeline.archive.audit import audit
from pipeline.cli import cli
from pipeline.store.load import ingest_paths


def _counts(db) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute("SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM agreements)").fetchone())
    finally:
        conn.close()


def test_workers_databases_merge_into_the_archive_as_if_ingested_there(tmp_path):
    one, two, archive, direct = (tmp_path / f"{n}.db" for n in ("one", "two", "archive", "direct"))
    ingest_paths([SAMPLES / "kazmetall-2024.pdf", SAMPLES / "kazmetall-2024.docx"], one, update_index=False)
    ingest_paths([SAMPLES / "sectoral-mining-2024.pdf", GENERAL / "general-agreement-2024-2026.pdf"], two, update_index=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["merge", str(one), str(two), "--db", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("merged 4 files, skipped 0")
    assert _counts(archive) == (4, 3)  # the DOCX is the second file of the PDF's agreement
    again = runner.invoke(cli, ["merge", str(one), str(two), "--db", str(archive)])
    assert again.output.startswith("merged 0 files, skipped 4") and _counts(archive) == (4, 3)
    # the audit of the merged archive is the audit of the same files ingested in one place
    ingest_paths([SAMPLES / "kazmetall-2024.pdf", SAMPLES / "kazmetall-2024.docx", SAMPLES / "sectoral-mining-2024.pdf",
                  GENERAL / "general-agreement-2024-2026.pdf"], direct, update_index=False)  # fmt: skip

    def findings(db):
        return sorted((f.agreement, f.kind, f.level, f.reference, f.clause or "", f.parameter or "")
                      for f in audit(db).report.findings)  # fmt: skip

    assert findings(archive) == findings(direct) and findings(direct)


def test_a_database_that_cannot_be_read_is_named_and_the_others_merged(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_text("not a database\n")
    one = tmp_path / "one.db"
    ingest_paths([SAMPLES / "kazmetall-2021.pdf"], one, update_index=False)
    result = CliRunner().invoke(cli, ["merge", str(broken), str(one), "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 3
    assert "merged 1 files" in result.output and f"could not merge {broken}" in result.output
