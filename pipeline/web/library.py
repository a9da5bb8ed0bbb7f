"""What the workspace reads from the clause database besides search: the list of agreements,
the higher agreements that may apply to one, and the original file of one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pipeline.compliance.references import LEVEL_RANK
from pipeline.ingest.common import sha256_of
from pipeline.store import database


@dataclass(frozen=True)
class StoredAgreement:
    """One row of the list of agreements."""

    id: str
    title: str | None
    level: str | None
    language: str | None
    sector: str | None
    region: str | None
    valid_from: str | None
    valid_to: str | None
    clauses: int


_COLUMNS = "id, title, level, language, sector, region, valid_from, valid_to, clause_count"


def _row(r) -> StoredAgreement:
    return StoredAgreement(*tuple(r))


def list_agreements(conn: sqlite3.Connection) -> list[StoredAgreement]:
    """Every stored agreement, highest level first, then by title."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM agreements").fetchall()
    agreements = [_row(r) for r in rows]
    return sorted(agreements, key=lambda a: (LEVEL_RANK.get(a.level or "", 9), a.title or "", a.id))


def _years(a: StoredAgreement) -> tuple[int, int] | None:
    try:
        return int(a.valid_from[:4]), int(a.valid_to[:4])
    except (TypeError, ValueError):
        return None


def higher_agreements_overlapping(conn: sqlite3.Connection, agreement: StoredAgreement) -> list[StoredAgreement]:
    """Stored agreements of a higher level that may apply to ``agreement``: the General Agreement,
    or one of its sector or region, whose years of validity overlap its own (or are unknown).

    A stand-in for the chain resolution of ``pipeline.archive``: it lists candidates, it does not
    decide which one governs.
    """
    rank = LEVEL_RANK.get(agreement.level or "")
    if rank is None:
        return []
    own = _years(agreement)
    found = []
    for other in list_agreements(conn):
        other_rank = LEVEL_RANK.get(other.level or "")
        if other.id == agreement.id or other_rank is None or other_rank >= rank:
            continue
        shares_scope = (
            other.level == "general"
            or (other.sector is not None and other.sector == agreement.sector)
            or (other.region is not None and other.region == agreement.region)
        )
        theirs = _years(other)
        overlaps = own is None or theirs is None or (theirs[0] <= own[1] and own[0] <= theirs[1])
        if shares_scope and overlaps:
            found.append(other)
    return found


def stored_agreement(conn: sqlite3.Connection, agreement_id: str) -> StoredAgreement | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM agreements WHERE id = ?", (agreement_id,)).fetchone()
    return _row(row) if row else None


def original_file(conn: sqlite3.Connection, agreement_id: str) -> Path | None:
    """The file an agreement was read from, when it is still there with the same content; else None.

    Only a path the database recorded is ever served, so a request cannot name another file.
    """
    row = conn.execute(
        "SELECT s.path, s.sha256 FROM agreements a JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
        (agreement_id,),
    ).fetchone()
    if row is None:
        return None
    path = Path(row[0])
    if not path.is_file():
        return None
    return path if sha256_of(path) == row[1] else None


def connect(db_path: str | Path) -> sqlite3.Connection:
    """The database opened for reading: the workspace never writes through this connection."""
    if not Path(db_path).exists():
        raise database.DatabaseError(f"{db_path}: no clause database here; run `kelisim ingest PATH...` first")
    return database.connect(db_path, read_only=True)
