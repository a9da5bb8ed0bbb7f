"""Issue 15, item 5: a full disk during ingest ends in one line, says what was stored, exits 3.

Before the fix SQLite's "database or disk is full" left the transaction rolled back already,
so the ROLLBACK of the failed file raised "cannot rollback - no transaction is active": a
traceback and no summary of what had been committed.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest
from reliability_files import SAMPLES

from pipeline.cli import cli
from pipeline.store import database

#: The sample files a batch of the samples folder holds.
SAMPLE_COUNT = len([p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx")])
#: Pages of 4 KiB the database may grow to: room for a few agreements of the samples, not all.
PAGES = 60


def _counts(db) -> tuple[str, int]:
    conn = sqlite3.connect(db)
    try:
        # Files stored: the DOCX of a stored PDF is kept as its second file, not as a second agreement.
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute(
            "SELECT count(*) FROM sources"
        ).fetchone()[0]
    finally:
        conn.close()


def _check_stopped_batch(stdout: str, stderr: str, db) -> list[str]:
    (summary,) = [line for line in stdout.splitlines() if line.startswith("stopped: ")]
    listed = summary.split("; files stored before it: ", 1)[1]
    stored = [] if listed == "none" else listed.split(", ")
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("kelisim:")]
    assert "database or disk is full" in line and "the batch stopped" in line
    assert line.endswith(f"{len(stored)} files stored before it")
    assert "Traceback" not in stdout + stderr
    assert _counts(db) == ("ok", len(stored))
    return stored


def test_a_size_limited_database_stops_the_batch_cleanly(runner, tmp_path, monkeypatch):
    opened = database.connect

    def limited(path, **kwargs):
        conn = opened(path, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {PAGES}")
        return conn

    monkeypatch.setattr(database, "connect", limited)
    db = tmp_path / "k.db"
    result = runner.invoke(cli, ["ingest", str(SAMPLES), "--db", str(db)])
    assert result.exit_code == 3, result.output
    stored = _check_stopped_batch(result.stdout, result.stderr, db)
    assert 0 < len(stored) < SAMPLE_COUNT
    assert result.stdout.count("not stored") == SAMPLE_COUNT - len(stored)
    # with room again, the next run stores the rest and skips what was stored
    monkeypatch.setattr(database, "connect", opened)
    again = runner.invoke(cli, ["ingest", str(SAMPLES), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"ingested {SAMPLE_COUNT - len(stored)}, skipped {len(stored)}, failed 0")


@pytest.fixture
def tiny_disk(tmp_path):
    """A 400 KiB tmpfs (needs root, as in the project's containers); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_stops_the_batch_cleanly(tiny_disk):
    db = tiny_disk / "k.db"
    result = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "ingest", str(SAMPLES), "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 3, result.stdout + result.stderr
    stored = _check_stopped_batch(result.stdout, result.stderr, db)
    assert len(stored) < SAMPLE_COUNT
