"""A stored agreement read back is the agreement read from its file: a kk+ru printing's clause languages
and twins, the norms a clause applies by reference, what clauses cite; so checking a stored agreement
gives the findings checking its file gives. And a database of schema 3 upgrades without losing anything."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.analyze import bundled_general_agreement, read_agreement
from pipeline.compliance.check import check, check_agreements
from pipeline.store import database, load_agreement

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpora" / "samples"
KKRU_TABLE = SAMPLES / "energoservice-2025-kkru-table.pdf"
DEVSET = REPO.parent / "shared" / "devset" / "src"
#: A regional agreement of the independent devset granting the death and disability lump sums «в размерах,
#: установленных Генеральным соглашением»: its norms are copied from the General Agreement by reference.
BY_REFERENCE = "regional-almaty-2024"


@pytest.fixture(scope="module")
def kkru():
    return read_agreement(KKRU_TABLE)


@pytest.fixture(scope="module")
def by_reference(tmp_path_factory):
    if not (DEVSET / f"{BY_REFERENCE}.yaml").is_file():
        pytest.skip(f"{DEVSET} is absent: no agreement applying the General Agreement by reference")
    src = tmp_path_factory.mktemp("src")
    (src / f"{BY_REFERENCE}.yaml").write_bytes((DEVSET / f"{BY_REFERENCE}.yaml").read_bytes())
    out = tmp_path_factory.mktemp("built")
    subprocess.run([sys.executable, str(REPO / "corpora" / "build.py"), "--src", str(src), "--out", str(out)],
                   check=True, capture_output=True)  # fmt: skip
    return read_agreement(out / "samples" / f"{BY_REFERENCE}.pdf")


def _stored(db: Path, agreement):
    conn = database.connect(db)
    try:
        database.store_agreement(conn, agreement)
    finally:
        conn.close()
    return load_agreement(db, agreement.id)


def test_a_kkru_agreement_read_back_keeps_each_clauses_language_and_twin(kkru, db_path):
    assert kkru.language == "kk+ru"
    stored = _stored(db_path, kkru)
    assert [(c.id, c.language, c.parallel) for c in stored.clauses] == [(c.id, c.language, c.parallel) for c in kkru.clauses]
    assert {c.language for c in stored.clauses} == {"kk", "ru"} and all(c.parallel for c in stored.clauses)
    assert stored == kkru


def test_norms_applied_by_reference_are_read_back_with_their_provision(by_reference, db_path):
    applied = [(c.id, n.parameter, n.by_reference) for c in by_reference.clauses for n in c.norms if n.by_reference]
    assert applied and all("General Agreement" in label for _, _, label in applied)
    stored = _stored(db_path, by_reference)
    assert [(c.id, n.parameter, n.by_reference) for c in stored.clauses for n in c.norms if n.by_reference] == applied
    assert stored == by_reference


def test_a_stored_kkru_agreement_checked_against_the_general_agreement_gives_the_files_findings(kkru, db_path):
    general = bundled_general_agreement()
    stored = _stored(db_path, kkru)
    from_file = check_agreements([kkru], general)
    assert any(f.parallel_text for f in from_file.findings)  # the Kazakh text beside the Russian one
    assert check_agreements([stored], general) == from_file


def test_a_stored_agreement_applying_the_general_agreement_by_reference_is_ok_by_reference(by_reference, db_path):
    general = bundled_general_agreement()
    stored = _stored(db_path, by_reference)
    from_file = check_agreements([by_reference], general)
    assert any(f.by_reference and f.kind == "ok" for f in from_file.findings)
    assert check_agreements([stored], general) == from_file


def test_checking_against_a_stored_kkru_agreement_is_checking_against_its_file(kkru, db_path):
    """``check --against ID`` reads the reference from the database: its Kazakh twins are shown beside it."""
    _stored(db_path, kkru)
    target = SAMPLES / "energoservice-2025.pdf"  # the Russian-only printing: a collective agreement alike
    by_id = check([target], against=kkru.id, db=db_path, force=True)
    by_file = check([target], against=str(KKRU_TABLE), db=db_path, force=True)
    assert any(f.reference_parallel_text for f in by_file.findings)
    assert by_id == by_file


# --------------------------------------------------------------------------- schema 3 databases

#: Every column a kelisim of schema 3 wrote, by table.
_V3_COLUMNS = {
    "meta": "key, value",
    "sources": "id, path, given_path, sha256, format, pages, ingested_at, copy_of",
    "agreements": "id, source_id, title, level, language, parties, sector, region, valid_from, valid_to, year,"
                  " warnings, clause_count, ocr, fingerprint",
    "clauses": "rowid, id, agreement_id, position, number, heading, text, page, modality, tables, evidence, ocr",
    "clause_topics": "clause_rowid, topic, position",
    "norms": "id, clause_rowid, position, parameter, comparator, value, unit, condition, text",
    "findings": "id, agreement_id, reference, kind, severity, finding, created_at",
    "audits": "agreement_id, inputs, chain, audited_at, status, counts",
}  # fmt: skip


def _as_schema_3(current: Path, old: Path) -> None:
    """The database a kelisim of schema 3 would have written for the same files: its tables, filled
    with the columns it had, copied from a current database."""
    conn = sqlite3.connect(old, isolation_level=None)
    for script in database._MIGRATIONS[:3]:
        for statement in database._statements(script):
            conn.execute(statement)
    conn.execute("DELETE FROM meta")
    conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    for table, columns in _V3_COLUMNS.items():
        conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM current.{table}")
    conn.execute("DETACH DATABASE current")
    conn.execute("PRAGMA user_version = 3")
    conn.close()


def _dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT {c} FROM {t} ORDER BY 1, 2").fetchall() for t, c in _V3_COLUMNS.items()}
    finally:
        conn.close()


def test_a_schema_3_database_upgrades_keeping_everything_and_learns_its_kkru_clauses(kkru, tmp_path):
    kazmetall = read_agreement(SAMPLES / "kazmetall-2024.pdf")
    current = tmp_path / "current.db"
    conn = database.connect(current)
    for agreement in (kkru, kazmetall):
        database.store_agreement(conn, agreement)
    database.store_agreement(conn, read_agreement(SAMPLES / "energoservice-2025-kkru-columns.pdf"))  # a copy
    database.store_findings(conn, kazmetall.id, "general-agreement", list(check_agreements([kazmetall], bundled_general_agreement()).findings))
    conn.close()
    old = tmp_path / "old.db"
    _as_schema_3(current, old)
    before = _dump(old)
    assert before["findings"] and [r[-1] for r in before["sources"]].count(kkru.id) == 1  # the columns printing

    upgraded = database.connect(old)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    upgraded.close()
    assert _dump(old) == before
    again = load_agreement(old, kkru.id)
    assert [(c.id, c.language, c.parallel) for c in again.clauses] == [(c.id, c.language, c.parallel) for c in kkru.clauses]
    assert load_agreement(old, kazmetall.id) == kazmetall.model_copy(update={"preamble": None})  # not kept before
