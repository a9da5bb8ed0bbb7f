"""Checks and comparisons of the workspace, run one at a time in a worker process.

Reading an agreement is CPU work in Python: in the server's own process it would hold
the interpreter lock while other users search. A task therefore runs in a worker
process (spawned, not forked: the server has threads) that dies with the server; one
dispatcher thread owns it and takes tasks in order. The worker reports progress through
a small text file beside the task, which the progress page reads.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from schemas.models import Report

_log = logging.getLogger(__name__)

KEEP_TASKS = 100  # finished tasks kept in memory; older ones are forgotten


@dataclass(frozen=True)
class Request:
    """What to run. ``uploads`` are files saved by the server; ``stored`` are stored agreement ids.

    ``mode`` "check": every upload and stored agreement against ``against`` (``general-agreement``,
    ``labour-code``, an id, or ``chain``: each stored agreement against every agreement of its chain,
    as ``kelisim check --against chain``); "diff": ``old`` against ``new`` (paths or ids).
    """

    mode: str
    db: str
    uploads: tuple[str, ...] = ()
    stored: tuple[str, ...] = ()
    against: str = "general-agreement"
    old: str | None = None
    new: str | None = None
    store_uploads: bool = True  # False on a read-only workspace: uploads are checked, not stored
    cleanup: str | None = None  # a folder of uploads to remove when the task ends


@dataclass
class Task:
    id: str
    request: Request
    progress_file: Path
    state: str = "waiting"  # waiting, running, done, failed
    error: str | None = None
    report: Report | None = None
    created: float = field(default_factory=time.time)

    def progress(self) -> str:
        try:
            return self.progress_file.read_text(encoding="utf-8").strip()
        except OSError:
            return ""


def _say(progress_file: str, text: str) -> None:
    tmp = f"{progress_file}.tmp"
    Path(tmp).write_text(text, encoding="utf-8")
    os.replace(tmp, progress_file)  # the page never reads half a line


def run(request: Request, progress_file: str) -> dict:
    """The task itself, in the worker: read (and store) the uploads, then check or diff. Returns the
    report as JSON data; a reference or input that cannot be used raises with one line."""
    from pipeline import compliance
    from pipeline.analyze import read_outcome
    from pipeline.compliance import references
    from pipeline.compliance.check import check_agreements

    if request.mode == "diff":
        _say(progress_file, "comparing")
        report = compliance.diff(request.old, request.new, db=request.db)
        return compliance.select(report, include_ok=False).model_dump(mode="json")

    if request.against == "chain":
        from pipeline.archive.chain import check_against_chain

        _say(progress_file, f"checking {len(request.stored)} agreement(s) against their chains")
        report = check_against_chain(request.stored, db=request.db)
        return compliance.select(report, include_ok=False).model_dump(mode="json")

    _say(progress_file, f"reading the reference {request.against}")
    reference = references.resolve(request.against, db=request.db)
    agreements, failures = [], []
    total = len(request.uploads) + len(request.stored)
    for position, spec in enumerate(request.stored, start=1):
        _say(progress_file, f"reading {spec} ({position} of {total})")
        agreements.append(references.load(spec, db=request.db, as_reference=False))
    read: dict[Path, tuple] = {}
    for position, upload in enumerate(request.uploads, start=len(request.stored) + 1):
        _say(progress_file, f"reading {Path(upload).name} ({position} of {total})")
        read[Path(upload)] = _as_uploaded(*read_outcome(Path(upload)))
    if request.store_uploads and read:
        from pipeline.store.load import ingest_paths

        _say(progress_file, "storing the uploaded agreements")
        stored = ingest_paths(list(read), request.db, reader=lambda path: read[Path(path)])
        failures.extend(stored.failed)
    for path, agreement, error in read.values():
        if agreement is None:
            failures.append(error or f"{path.name}: could not be read")
        else:
            agreements.append(agreement)
    _say(progress_file, f"checking {len(agreements)} agreement(s)")
    report = check_agreements(agreements, reference)
    report = report.model_copy(update={"failures": tuple(dict.fromkeys((*failures, *report.failures)))})
    return compliance.select(report, include_ok=False).model_dump(mode="json")


def _as_uploaded(path: Path, agreement, error: str | None) -> tuple:
    """An upload is named by its file name, not by the server folder it was saved in; the
    database still keys it by its full path, from which the original is downloaded."""
    folder = f"{path.parent}/"
    if agreement is not None:
        source = agreement.source.model_copy(update={"path": path.name})
        agreement = agreement.model_copy(update={"source": source})
    return path, agreement, error.replace(folder, "") if error else None


def _start_worker(creator: int) -> None:
    from pipeline.workers import die_with_parent

    die_with_parent(creator)


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker, initargs=(os.getpid(),),
    )  # fmt: skip


class Runner:
    """Tasks in submission order, one at a time in one worker process."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.tasks: dict[str, Task] = {}
        self._queue: queue.Queue[Task | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._dispatch, name="kelisim-tasks", daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> Task:
        self.folder.mkdir(parents=True, exist_ok=True)
        task_id = uuid.uuid4().hex
        task = Task(task_id, request, self.folder / f"{task_id}.progress")
        with self._lock:
            self.tasks[task_id] = task
            self._forget_old()
        self._queue.put(task)
        return task

    def ahead_of(self, task: Task) -> int:
        with self._lock:
            return sum(1 for t in self.tasks.values() if t.state == "waiting" and t.created < task.created)

    def _forget_old(self) -> None:
        finished = [t for t in self.tasks.values() if t.state in ("done", "failed")]
        for task in sorted(finished, key=lambda t: t.created)[: max(0, len(finished) - KEEP_TASKS)]:
            del self.tasks[task.id]

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _dispatch(self) -> None:
        # The pool is made and used by this thread only: its worker dies with this thread's process.
        pool = _pool()
        try:
            while (task := self._queue.get()) is not None:
                task.state = "running"
                try:
                    data = pool.submit(run, task.request, str(task.progress_file)).result()
                    task.report = Report.model_validate(data)
                    task.state = "done"
                except Exception as e:  # noqa: BLE001 - the user reads it; the server goes on
                    task.error = str(e) or type(e).__name__
                    task.state = "failed"
                    _log.info("task %s failed: %s", task.id, task.error)
                    if isinstance(e, BrokenProcessPool):
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = _pool()
                finally:
                    task.progress_file.unlink(missing_ok=True)
                    if task.request.cleanup:
                        shutil.rmtree(task.request.cleanup, ignore_errors=True)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
