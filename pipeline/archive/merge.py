"""``kelisim merge``: the agreements of other clause databases (ingest workers' databases) into this one.

Workers on several machines parse their share of the files into databases of their own; the
machine that holds the archive's database takes their agreements without parsing again. Each
file is taken as the worker stored it: an agreement already stored from a file of the same
content is skipped, a file holding the text of a stored agreement becomes its second file (the
same rule as ``kelisim ingest``), and a file stored here from the same path is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from schemas.models import Source


@dataclass
class MergeReport:
    merged: list[str] = field(default_factory=list)  # files taken (their paths)
    skipped: list[str] = field(default_factory=list)  # files whose content was already stored
    failed: list[str] = field(default_factory=list)  # one line each: a database that could not be read


def merge(databases: list[str | Path], db: str | Path) -> MergeReport:
    """Take every file of ``databases`` into ``db``; the search index is left to `kelisim index`."""
    from pipeline.segment import agreement_id
    from pipeline.store import database

    report = MergeReport()
    target = database.connect(db, read_only=False)
    try:
        for other in databases:
            if Path(other).resolve() == Path(db).resolve():
                report.failed.append(f"{other}: is the database merged into")
                continue
            try:
                source = database.connect(other, read_only=True)
            except database.DatabaseError as e:
                report.failed.append(str(e))
                continue
            try:
                rows = source.execute(
                    "SELECT s.path, s.given_path, s.sha256, s.format, s.pages, COALESCE(s.copy_of, a.id)"
                    " FROM sources s LEFT JOIN agreements a ON a.source_id = s.id ORDER BY s.copy_of IS NOT NULL, s.id"
                ).fetchall()
                for key, given, sha256, fmt, pages, stored_as in rows:
                    if database.known_source(target, sha256) is not None:
                        report.skipped.append(given)
                        continue
                    agreement = database.read_agreement_row(source, stored_as)
                    if agreement is None:
                        continue
                    # A second file is read back as its agreement: it gets its own file and id again.
                    file = Source(path=given, sha256=sha256, format=fmt, pages=pages)
                    copy = agreement.model_copy(update={"source": file, "id": agreement_id(sha256)})
                    database.store_agreement(target, copy, key)
                    report.merged.append(given)
            finally:
                source.close()
    finally:
        target.close()
    return report
