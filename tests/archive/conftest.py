"""Fixtures of the archive tests: the bundled samples and the General Agreement stored once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.store import database
from pipeline.store.ingest import ingest_paths

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpora" / "samples"
GENERAL = REPO / "corpora" / "general-agreement"


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory) -> Path:
    """Every sample, PDF and DOCX, and the General Agreement, in one clause database (read it, do not write)."""
    db = tmp_path_factory.mktemp("archive") / "samples.db"
    report = ingest_paths([SAMPLES, GENERAL], db, update_index=False)
    assert not report.failed, report.failed
    return db


@pytest.fixture
def writable_db(samples_db, tmp_path) -> Path:
    """A copy of the samples database this test may change."""
    db = tmp_path / "samples.db"
    shutil.copy(samples_db, db)
    return db


def stored_id(db: Path, file_name: str) -> str:
    """The id of the agreement a sample file's text is stored as."""
    conn = database.connect(db, read_only=True)
    try:
        row = conn.execute(
            "SELECT COALESCE(s.copy_of, a.id) FROM sources s LEFT JOIN agreements a ON a.source_id = s.id"
            " WHERE s.given_path LIKE ?",
            (f"%/{file_name}",),
        ).fetchone()
    finally:
        conn.close()
    assert row, file_name
    return row[0]
