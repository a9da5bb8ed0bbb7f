"""A clause database of real sample agreements and two DOCX of our own (web_corpus.py), shared by
the web tests (built once per session: reading the files is the slow part)."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_corpus import SAMPLES, write_script_docx, write_second_sectoral_docx


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    from pipeline.store.load import ingest_paths

    folder = tmp_path_factory.mktemp("webdb")
    script = write_script_docx(folder / "scriptor-2024.docx")
    sectoral = write_second_sectoral_docx(folder / "ore-miners-2025.docx")
    db = folder / "kelisim.db"
    report = ingest_paths([*map(str, SAMPLES), str(script), str(sectoral)], db)
    assert not report.failed, report.failed
    return db


@pytest.fixture
def settings(web_db, tmp_path):
    from pipeline.web import Settings

    return Settings(db=web_db, data_dir=tmp_path / "web")


@pytest.fixture
def client(settings):
    from starlette.testclient import TestClient

    from pipeline.web import create_app

    with TestClient(create_app(settings)) as c:
        yield c
