"""Batch ingest: files -> agreements (in worker processes) -> the clause database (one writer) -> index.

Unchanged files are recognised by their sha256 before any parsing. Each parsed
file is stored in its own transaction by the main process, so a batch killed
half-way keeps every file it finished and none it did not.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pipeline.ingest.common import sha256_of
from pipeline.store import database, embedded
from pipeline.unread import unread_reason
from pipeline.workers import process_pool
from schemas import Agreement

_log = logging.getLogger(__name__)

Reader = Callable[[Path], tuple[Path, Agreement | None, str | None]]


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    failed: list[str] = field(default_factory=list)  # one line each: "path: reason"
    index: str = "current"  # what happened to the embedded index: updated, rebuilt, current, or an error line
    stopped: str | None = None  # why the batch stopped before storing every file (a full disk): one line

    @property
    def index_failed(self) -> bool:
        return self.index.startswith("failed")

    def to_json(self) -> dict:
        return {
            "ingested": self.ingested,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed": self.failed,
            "index": self.index,
            "stopped": self.stopped,
        }


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
            digest = sha256_of(path)
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


def _copies_of_failures(report: IngestReport, todo: list[tuple[Path, str]]) -> None:
    """A copy of a file of this batch was skipped as "same content" before the file was read;
    when the file then failed, the copy is not stored either, and says so."""
    stored = {_key(Path(p)) for p in report.ingested}
    failed = {_key(p) for p, _ in todo} - stored
    kept = []
    for path, why in report.skipped:
        original = why.removeprefix("same content as ")
        if original != why and original in failed:
            report.failed.append(f"{path}: not stored: same content as {original}, which was not stored")
        else:
            kept.append((path, why))
    report.skipped[:] = kept


def _key(path: Path) -> str:
    return str(path.resolve())


def _parallel(todo: list, jobs: int) -> bool:
    return jobs > 1 and len(todo) > 1


def _outcomes(todo: list[tuple[Path, str]], jobs: int, reader: Reader, head_start=None):
    """(path, digest, agreement, error) of each file in the order given, read in worker processes when
    jobs > 1 (only analysed there when ``head_start`` segmented them): stored in that order, a batch
    gives the same archive with any number of jobs (of a PDF and its DOCX, the one given first is the
    agreement and the other its second file)."""
    digests = dict(todo)
    if not _parallel(todo, jobs):
        for path, digest in todo:
            yield (path, digest, *reader(path)[1:])
        return
    pool = process_pool(jobs)
    try:
        # Each file's future is let go once its outcome is taken: the parent does not hold the batch.
        queued = deque((pool.submit(reader, path) if head_start is None else head_start.submit(pool, path, reader), path)
                       for path, _ in todo)  # fmt: skip
        while queued:
            fut, path = queued.popleft()
            try:
                _, agreement, error = fut.result()
            except BrokenProcessPool:
                agreement, error = None, f"{path}: the worker reading it died (out of memory or a crash)"
            except Exception as e:  # a bug in a worker must not stop the batch
                _log.exception("worker failed on %s", path)
                agreement, error = None, f"{path}: internal error ({type(e).__name__}: {e})"
            yield path, digests[path], agreement, error
    finally:
        # A batch that stops early (the database failed) does not wait for the files still queued.
        pool.shutdown(wait=True, cancel_futures=True)


def ingest_paths(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    jobs: int = 1,
    reader: Reader | None = None,
    on_total: Callable[[int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    update_index: bool = True,
    allow_empty: bool = False,
    ocr: str = "auto",
) -> IngestReport:
    """Parse and store files and folders; skip unchanged ones; then bring the search index up to date.

    A file whose text was not read (no clauses: a scan without a text layer) is refused
    unless ``allow_empty``: stored, it would answer every search and check as if it said nothing.
    ``ocr`` is "auto" (scanned pages are read by OCR), "always" or "never".
    """
    from pipeline.analyze import expand_paths

    files = expand_paths(paths)
    report = IngestReport()
    if not files:
        report.failed.append(f"{', '.join(map(str, paths)) or '(none)'}: no PDF or DOCX files found")
    conn = database.connect(db_path, read_only=False)
    try:
        since = database.generation(conn)
        todo = _triage(conn, files, report)
        if on_total:
            on_total(len(todo))
        changed, removed, own = [], [], []
        seen: set[Path] = set()
        # Several files are read in parallel; a single one has its scanned pages read in parallel.
        head_start = None
        if reader is None:
            reader = _default_reader(ocr, jobs if len(todo) == 1 else 1)
            if _parallel(todo, jobs):
                from pipeline.analyze import prepare_with_head_start
                from pipeline.ingest.common import ReadOptions

                head_start = prepare_with_head_start([path for path, _ in todo], ReadOptions(ocr=ocr))
        outcomes = _outcomes(todo, jobs, reader, head_start)
        for path, digest, agreement, error in outcomes:
            unread = unread_reason(agreement) if agreement is not None and not allow_empty else None
            if agreement is None:
                report.failed.append(error or f"{path}: could not be read")
            elif unread is not None:
                report.failed.append(f"{path}: {unread}; not stored (--allow-empty stores it)")
            else:
                try:
                    stored = database.store_agreement(conn, _with_digest(agreement, digest), _key(path))
                except (sqlite3.Error, OSError) as e:
                    # A full disk or a failing device: this file's transaction was rolled back and the
                    # next would fail alike. What is committed stays; the rest of the batch is not stored.
                    report.stopped = f"{db_path}: {e} while storing {path}; the batch stopped"
                    report.failed.append(f"{path}: not stored ({e})")
                    seen.add(path)
                    report.failed.extend(f"{p}: not stored (the batch stopped)" for p, _ in todo if p not in seen)
                    outcomes.close()
                    break
                changed.append(stored.agreement_id)
                removed.extend(stored.replaced)
                own.append(stored.generation)
                report.ingested.append(str(path))
            seen.add(path)
            if on_file:
                on_file(str(path))
        _copies_of_failures(report, todo)
        report.failed.sort()
        if update_index:
            report.index = _update_index(conn, db_path, changed, removed, since, own)
    finally:
        conn.close()
    return report


def _with_digest(agreement: Agreement, digest: str) -> Agreement:
    # Skipping unchanged files relies on the digest taken here, whatever the parser recorded.
    if agreement.source.sha256 == digest:
        return agreement
    _log.warning("%s: parser's sha256 differs from the file's; storing the file's", agreement.source.path)
    return agreement.model_copy(update={"source": agreement.source.model_copy(update={"sha256": digest})})


def _update_index(conn, db_path, changed: list[str], removed: list[str], since: int, own: list[int]) -> str:
    try:
        return embedded.update(conn, db_path, changed, removed, since, own)
    except embedded.IndexBusy as e:
        reason = str(e)
    except Exception as e:  # the database is committed; a broken index is rebuilt later by `kelisim index`
        _log.debug("search index update failed", exc_info=True)
        reason = f"{type(e).__name__}: {e}"
    return f"failed ({reason}); the clauses are stored: run `kelisim index` to rebuild it"
