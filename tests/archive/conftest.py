"""Fixtures of the archive tests: the bundled samples and the General Agreement stored once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_files import GENERAL, SAMPLES

from pipeline.store.load import ingest_paths


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory) -> Path:
    """Every sample, PDF and DOCX, and the General Agreement, in one clause database (read it, do not
    write). The Kazakh-Russian printings (``*-kkru*``) are agreements of their own, beside the Kazakh
    and the Russian text printed alone; the columns and the table printing of Energoservice's are one text."""
    db = tmp_path_factory.mktemp("archive") / "samples.db"
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx"))
    report = ingest_paths([*samples, GENERAL], db, update_index=False)
    assert not report.failed, report.failed
    return db


@pytest.fixture
def writable_db(samples_db, tmp_path) -> Path:
    """A copy of the samples database this test may change."""
    db = tmp_path / "samples.db"
    shutil.copy(samples_db, db)
    return db
