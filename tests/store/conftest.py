"""Fixtures of the store tests; the agreements themselves are built in ``store_corpus``."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_corpus import small_corpus

from schemas import Agreement


@pytest.fixture
def corpus() -> list[Agreement]:
    return small_corpus()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "kelisim.db"


@pytest.fixture
def stored_db(db_path, corpus):
    """A database holding the small corpus, and its current embedded index."""
    from pipeline.store import database, embedded

    conn = database.connect(db_path)
    for a in corpus:
        database.store_agreement(conn, a)
    embedded.rebuild(conn, db_path)
    conn.close()
    return db_path
