"""Paths and helpers of the archive tests (imported by its tests and its conftest)."""

from __future__ import annotations

from pathlib import Path

from pipeline.store import database

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpora" / "samples"
GENERAL = REPO / "corpora" / "general-agreement"


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
