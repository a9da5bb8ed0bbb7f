"""The clause database: round trip, replacement, cascades, migrations, findings."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.store import database, load_agreement
from schemas import Finding, NormValue


def test_database_round_trip_returns_the_same_agreement(db_path, corpus):
    conn = database.connect(db_path)
    for a in corpus:
        database.store_agreement(conn, a)
    conn.close()
    for a in corpus:
        assert load_agreement(db_path, a.id) == a


def test_database_unknown_agreement_is_none(db_path, corpus):
    assert load_agreement(db_path, "ag_missing") is None  # no database file yet
    conn = database.connect(db_path)
    database.store_agreement(conn, corpus[0])
    assert load_agreement(db_path, "ag_000000000000") is None


def test_database_is_wal_with_foreign_keys_and_current_schema(db_path):
    conn = database.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    conn.close()
    # Opening again must not re-run migrations (they would fail on existing tables).
    database.connect(db_path).close()


def test_database_newer_schema_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(database.DatabaseError, match="newer"):
        database.connect(db_path)


def test_database_not_a_database_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(database.DatabaseError, match="bad.db"):
        database.connect(bad)


def _counts(conn):
    return {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("sources", "agreements", "clauses", "norms", "clause_topics")
    }


def test_database_replacing_a_changed_file_leaves_one_agreement(db_path):
    from store_corpus import EN_CLAUSES, make_agreement

    conn = database.connect(db_path)
    old = make_agreement("kazmetall", path="corpora/kazmetall.pdf")
    database.store_agreement(conn, old)
    new = make_agreement("kazmetall", path="corpora/kazmetall.pdf", salt="v2", clauses=EN_CLAUSES[:3])
    stored = database.store_agreement(conn, new)
    assert stored.replaced == (old.id,)
    assert database.agreement_ids(conn) == [new.id]
    assert load_agreement(db_path, old.id) is None
    assert load_agreement(db_path, new.id) == new
    # Cascades removed the old clauses, norms and topics too.
    assert _counts(conn) == {
        "sources": 1, "agreements": 1, "clauses": 3, "norms": 3, "clause_topics": 3,
    }  # fmt: skip


def test_database_generation_counts_changes(db_path, corpus):
    conn = database.connect(db_path)
    assert database.generation(conn) == 0
    for a in corpus[:2]:
        database.store_agreement(conn, a)
    assert database.generation(conn) == 2
    assert database.delete_source(conn, corpus[0].source.path) == (corpus[0].id,)
    assert database.generation(conn) == 3
    assert database.delete_source(conn, "no/such.pdf") == ()
    assert database.generation(conn) == 3


def test_database_failed_store_leaves_previous_state(db_path, corpus, monkeypatch):
    conn = database.connect(db_path)
    database.store_agreement(conn, corpus[0])
    before = _counts(conn)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(database, "_bump_generation", broken)
    changed = corpus[0].model_copy(update={"clauses": corpus[0].clauses[:1]})
    with pytest.raises(RuntimeError):
        database.store_agreement(conn, changed)
    assert _counts(conn) == before
    assert load_agreement(db_path, corpus[0].id) == corpus[0]


def test_database_findings_round_trip_and_cascade(db_path, corpus):
    conn = database.connect(db_path)
    database.store_agreement(conn, corpus[0])
    finding = Finding(
        kind="lowered", severity="high", topic="premium_pay", parameter="premium_pay.overtime",
        agreement=corpus[0].id, clause="5.3", reference="ag_general", reference_clause="4.1",
        expected=NormValue(comparator=">=", value=2, unit="rate_multiple"),
        found=NormValue(comparator=">=", value=1.5, unit="rate_multiple"),
        explanation="Overtime is paid at 1.5 times the rate; the reference sets 2.",
    )  # fmt: skip
    database.store_findings(conn, corpus[0].id, "ag_general", [finding])
    database.store_findings(conn, corpus[0].id, "ag_general", [finding])  # replaces, not appends
    assert database.load_findings(conn, corpus[0].id) == [finding]
    database.delete_source(conn, corpus[0].source.path)
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 0


def test_database_keeps_what_was_read_by_ocr_and_migrates_a_schema_1_database(db_path, corpus):
    """Bug: a stored scan lost the fact that its clauses were read by OCR (and their confidence)."""
    from schemas import OcrPages

    first = corpus[0]
    scanned = first.model_copy(update={
        "ocr": OcrPages(pages=(1, 2), confidence=(91.5, None), languages="rus"),
        "clauses": tuple(c.model_copy(update={"ocr": True}) for c in first.clauses),
    })
    conn = sqlite3.connect(db_path)  # a database made by a kelisim of schema 1
    conn.executescript(f"BEGIN; {database._MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    conn.close()
    conn = database.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    database.store_agreement(conn, scanned)
    database.store_agreement(conn, corpus[1])
    conn.close()
    assert load_agreement(db_path, scanned.id) == scanned
    assert load_agreement(db_path, corpus[1].id).ocr is None
