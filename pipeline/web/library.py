"""What the workspace reads from the clause database besides search: the list of agreements,
where one agreement stands in the archive (the chain above it, its versions, its files, its last
audit; resolved by ``pipeline.archive``, never here), and the files it was read from."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive.chain import Chain, higher, resolve
from pipeline.archive.records import Record, records
from pipeline.archive.versions import VersionChain, chain_of
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


@dataclass(frozen=True)
class StoredFile:
    """One file an agreement's text was read from. ``path`` is set only while the file is still
    where it was read from with the same content, so only a file the database recorded is served."""

    name: str
    format: str
    path: Path | None


def stored_files(conn: sqlite3.Connection, agreement_id: str) -> list[StoredFile]:
    """The files of an agreement: the one its clauses were read from first, then the other files
    of the same text (the DOCX of a stored PDF), in the order ``pipeline.archive.records`` lists them."""
    rows = conn.execute(
        "SELECT s.path, s.given_path, s.sha256, s.format FROM sources s"
        " WHERE s.id = (SELECT source_id FROM agreements WHERE id = ?) OR s.copy_of = ?"
        " ORDER BY s.copy_of IS NOT NULL, s.id",
        (agreement_id, agreement_id),
    ).fetchall()
    out = []
    for path, given, sha256, fmt in rows:
        found = Path(path)
        usable = found.is_file() and sha256_of(found) == sha256
        out.append(StoredFile(Path(given).name, fmt, found if usable else None))
    return out


@dataclass(frozen=True)
class Standing:
    """Where one stored agreement stands in the archive: the chain above it (from
    :func:`pipeline.archive.chain.resolve`), its versions (:func:`pipeline.archive.versions.chain_of`)
    with the one before and after it, and its last stored audit (None: never audited)."""

    record: Record
    chain: Chain
    versions: VersionChain
    previous: Record | None
    next: Record | None
    audit: database.AuditRow | None
    stored: dict[str, Record]  # every stored agreement the chain or the versions name, by id


def standing(conn: sqlite3.Connection, agreement_id: str) -> Standing | None:
    """The standing of a stored agreement; None when it is not stored."""
    stored = records(conn)
    by_id = {r.id: r for r in stored}
    record = by_id.get(agreement_id)
    if record is None:
        return None
    chain = resolve(record, higher(stored))
    versions = chain_of(agreement_id, stored) or VersionChain((record,))
    ids = [r.id for r in versions.versions]
    at = ids.index(agreement_id) if agreement_id in ids else None
    previous = versions.versions[at - 1] if at else None
    following = versions.versions[at + 1] if at is not None and at + 1 < len(ids) else None
    named = {i for link in chain.links for i in (link.agreement, *link.candidates) if i}
    named |= {r.id for r in (*versions.versions, *versions.undated)}
    return Standing(
        record=record, chain=chain, versions=versions, previous=previous, next=following,
        audit=database.load_audits(conn, [agreement_id]).get(agreement_id), stored={i: by_id[i] for i in named if i in by_id},
    )  # fmt: skip


def connect(db_path: str | Path) -> sqlite3.Connection:
    """The database opened for reading: the workspace never writes through this connection."""
    if not Path(db_path).exists():
        raise database.DatabaseError(f"{db_path}: no clause database here; run `kelisim ingest PATH...` first")
    return database.connect(db_path, read_only=True)
