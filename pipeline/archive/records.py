"""What the archive modules know of each stored agreement without reading its clauses: its metadata."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Record:
    """One stored agreement's metadata, and the files its text was read from (the first is the one parsed)."""

    id: str
    title: str | None
    level: str | None
    language: str | None
    parties: tuple[str, ...]
    sector: str | None
    region: str | None
    valid_from: str | None
    valid_to: str | None
    fingerprint: str | None = None
    files: tuple[str, ...] = ()
    ingested_at: str | None = None

    @property
    def start(self) -> date | None:
        return date.fromisoformat(self.valid_from) if self.valid_from else None

    @property
    def end(self) -> date | None:
        return date.fromisoformat(self.valid_to) if self.valid_to else None

    def in_force(self, day: date) -> bool | None:
        """Whether the agreement is in force on ``day``; None when its term is not known."""
        if self.start is None or self.end is None:
            return None
        return self.start <= day <= self.end

    def label(self) -> str:
        term = f"{self.valid_from or '?'}..{self.valid_to or '?'}"
        return f"{self.id} ({self.title or 'untitled'}, {term})"


def records(conn: sqlite3.Connection, ids: list[str] | None = None) -> list[Record]:
    """Every stored agreement's record (or those of ``ids``), by id."""
    files: dict[str, list[str]] = {}
    for agreement_id, path in conn.execute(
        "SELECT COALESCE(s.copy_of, a.id), s.given_path FROM sources s LEFT JOIN agreements a ON a.source_id = s.id"
        " ORDER BY s.copy_of IS NOT NULL, s.id"
    ):
        if agreement_id is not None:
            files.setdefault(agreement_id, []).append(path)
    rows = conn.execute(
        "SELECT a.id, a.title, a.level, a.language, a.parties, a.sector, a.region, a.valid_from, a.valid_to,"
        " a.fingerprint, s.ingested_at FROM agreements a JOIN sources s ON s.id = a.source_id ORDER BY a.id"
    )
    wanted = set(ids) if ids is not None else None
    return [
        Record(
            id=r[0], title=r[1], level=r[2], language=r[3], parties=tuple(json.loads(r[4])), sector=r[5],
            region=r[6], valid_from=r[7], valid_to=r[8], fingerprint=r[9], files=tuple(files.get(r[0], ())),
            ingested_at=r[10],
        )  # fmt: skip
        for r in rows
        if wanted is None or r[0] in wanted
    ]


def record_of(agreement) -> Record:
    """The record of an agreement read from a file (not stored), to place it among stored ones."""
    from pipeline.archive.versions import agreement_fingerprint

    return Record(
        id=agreement.id, title=agreement.title, level=agreement.level, language=agreement.language,
        parties=tuple(agreement.parties), sector=agreement.sector, region=agreement.region,
        valid_from=agreement.valid_from, valid_to=agreement.valid_to,
        fingerprint=agreement_fingerprint(agreement), files=(agreement.source.path,),
    )  # fmt: skip
