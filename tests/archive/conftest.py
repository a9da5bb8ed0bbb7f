"""Fixtures of the archive tests: the bundled samples and the General Agreement stored once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_files import GENERAL, SAMPLES

from pipeline.store.ingest import ingest_paths


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
