"""Batch ingest: files -> agreements (in worker processes) -> the clause database (one writer) -> index.

Unchanged files are recognised by their sha256 before any parsing. Each parsed
file is stored in its own transaction by the main process, so a batch killed
half-way keeps every file it finished and none it did not.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pipeline.store import database, embedded
from schemas import Agreement

_log = logging.getLogger(__name__)

Reader = Callable[[Path], tuple[Path, Agreement | None, str | None]]


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    failed: list[str] = field(default_factory=list)  # one line each: "path: reason"
    index: str = "current"  # what happened to the embedded index: updated, rebuilt, current, or an error line

    def to_json(self) -> dict:
        return {
            "ingested": self.ingested,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed": self.failed,
            "index": self.index,
        }


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _default_reader(ocr: str, jobs: int) -> Reader:
    """The analysis stage's reader; ``jobs`` > 1 recognises one file's scanned pages in parallel."""
    from pipeline.analyze import read_outcome  # the parsers and spaCy load only when files are read
    from pipeline.ingest.common import ReadOptions

    return partial(read_outcome, options=ReadOptions(ocr=ocr, jobs=jobs))


def _triage(conn, paths: Iterable[Path], report: IngestReport) -> list[tuple[Path, str]]:
    """Files that need parsing, with their sha256; unchanged and unreadable ones are reported here."""
    todo = []
    batch: dict[str, str] = {}  # digest -> key, for copies of one file inside this batch
    for path in paths:
        try:
            digest = file_sha256(path)
        except OSError as e:
            report.failed.append(f"{path}: cannot read ({e.strerror or e})")
            continue
        stored_at = database.known_source(conn, digest) or batch.get(digest)
        if stored_at == _key(path):
            report.skipped.append((str(path), "unchanged"))
        elif stored_at is not None:
            report.skipped.append((str(path), f"same content as {stored_at}"))
        else:
            batch[digest] = _key(path)
            todo.append((path, digest))
    return todo


def _key(path: Path) -> str:
    return str(path.resolve())


def _outcomes(todo: list[tuple[Path, str]], jobs: int, reader: Reader):
    """(path, digest, agreement, error) as files finish, in worker processes when jobs > 1."""
    digests = dict(todo)
    if jobs <= 1 or len(todo) <= 1:
        for path, digest in todo:
            yield (path, digest, *reader(path)[1:])
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(reader, path): path for path, _ in todo}
        for fut in as_completed(futures):
            path = futures[fut]
            try:
                _, agreement, error = fut.result()
            except BrokenProcessPool:
                agreement, error = None, f"{path}: the worker reading it died (out of memory or a crash)"
            except Exception as e:  # a bug in a worker must not stop the batch
                _log.exception("worker failed on %s", path)
                agreement, error = None, f"{path}: internal error ({type(e).__name__}: {e})"
            yield path, digests[path], agreement, error


def ingest_paths(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    jobs: int = 1,
    reader: Reader | None = None,
    on_total: Callable[[int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    update_index: bool = True,
    ocr: str = "auto",
) -> IngestReport:
    """Parse and store files and folders; skip unchanged ones; then bring the search index up to date.

    ``ocr`` is "auto" (scanned pages are read by OCR), "always" or "never"."""
    from pipeline.analyze import expand_paths

    files = expand_paths(paths)
    report = IngestReport()
    conn = database.connect(db_path)
    try:
        since = database.generation(conn)
        todo = _triage(conn, files, report)
        if on_total:
            on_total(len(todo))
        changed, removed = [], []
        # Several files are read in parallel; a single one has its scanned pages read in parallel.
        reader = reader or _default_reader(ocr, jobs if len(todo) == 1 else 1)
        for path, digest, agreement, error in _outcomes(todo, jobs, reader):
            if agreement is None:
                report.failed.append(error or f"{path}: could not be read")
            else:
                stored = database.store_agreement(conn, _with_digest(agreement, digest), _key(path))
                changed.append(stored.agreement_id)
                removed.extend(stored.replaced)
                report.ingested.append(str(path))
            if on_file:
                on_file(str(path))
        report.failed.sort()
        if update_index:
            report.index = _update_index(conn, db_path, changed, removed, since)
    finally:
        conn.close()
    return report


def _with_digest(agreement: Agreement, digest: str) -> Agreement:
    # Skipping unchanged files relies on the digest taken here, whatever the parser recorded.
    if agreement.source.sha256 == digest:
        return agreement
    _log.warning("%s: parser's sha256 differs from the file's; storing the file's", agreement.source.path)
    return agreement.model_copy(update={"source": agreement.source.model_copy(update={"sha256": digest})})


def _update_index(conn, db_path, changed: list[str], removed: list[str], since: int) -> str:
    try:
        return embedded.update(conn, db_path, changed, removed, since)
    except Exception as e:  # the database is committed; a broken index is rebuilt later by `kelisim index`
        _log.exception("search index update failed")
        return f"failed ({type(e).__name__}: {e}); run `kelisim index` to rebuild it"
