"""Orchestration: file -> Document -> Agreement -> annotated Agreement, one file or a batch."""

from __future__ import annotations

import gc
import glob
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from functools import cache, partial
from pathlib import Path

from pipeline import ingest
from pipeline.errors import InputError
from pipeline.incorporate import incorporate, incorporate_own
from pipeline.ingest import SUFFIXES
from pipeline.ingest.common import DEFAULT_OPTIONS, ReadOptions
from pipeline.segment import segment
from pipeline.workers import forks, process_pool
from schemas import Agreement

_log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The General Agreement 2024-2026 kelisim ships: what "the General Agreement" means in a clause that
#: cites it, and what `kelisim check --against general-agreement` compares with.
GENERAL_AGREEMENT = REPO_ROOT / "corpora" / "general-agreement" / "general-agreement-2024-2026.pdf"


def read_agreement(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Agreement:
    """Parse one PDF, DOCX, DOC, RTF or ODT file into an Agreement with topics, modality and norms. Bad input raises InputError."""
    return analyze(segment(ingest.parse(path, options)))


def analyze(agreement: Agreement) -> Agreement:
    """Extraction (topics, modality, norms, with their evidence), then the guarantees its clauses
    apply by reference to its own clauses or to the General Agreement (:mod:`pipeline.incorporate`),
    made explicit."""
    import extractors  # spaCy is imported only when a file is really read

    annotated = incorporate_own(extractors.annotate(agreement))
    cites_general = any(i.level == "general" for c in annotated.clauses for i in c.incorporations)
    if annotated.level != "general" and cites_general:
        general = bundled_general_agreement()
        if general is not None:
            annotated = incorporate(annotated, general)
    return annotated


@cache
def bundled_general_agreement() -> Agreement | None:
    """The bundled General Agreement, read once per process (None when the file is missing)."""
    if not GENERAL_AGREEMENT.exists():
        _log.warning("the bundled General Agreement %s is missing: references to it stay unresolved", GENERAL_AGREEMENT)
        return None
    return read_agreement(GENERAL_AGREEMENT)


def prepare_forked_workers() -> None:
    """Before a pool of readers is forked: build here, once, what each of them would otherwise
    build for itself (the three languages' pipelines, about 2 s of processor time, and the bundled
    General Agreement), then take these long-lived objects out of the garbage collector's reach
    (``gc.freeze``): a worker's full collection would otherwise write to every one of them and so
    copy the pages it shares with its parent (a worker's own memory after 80 files: 32 MB, 61 MB
    without). Nothing to do where the workers are not forked (:func:`pipeline.workers.forks`):
    there each builds what it needs.

    The collector is off while they are built: they live as long as the process, and collecting
    among them as they grow was 0.25 s of the 2 s; one collection after drops the build's garbage
    before the rest is frozen."""
    if not forks():
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        from extractors.nlp import get_nlp

        for lang in ("en", "ru", "kk"):
            get_nlp(lang)
        bundled_general_agreement()
    finally:
        if collecting:
            gc.enable()
    gc.collect()
    gc.freeze()


Outcome = tuple[Path, Agreement | None, str | None]


def read_outcome(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Outcome:
    """``read_agreement`` with bad input turned into data: (path, agreement, None) or (path, None, error line)."""
    return _outcome(path, read_agreement, path, options)


def segment_outcome(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Outcome:
    """The first half of :func:`read_outcome`: the file parsed and segmented, not yet analysed."""
    return _outcome(path, lambda: segment(ingest.parse(path, options)))


def analyze_outcome(path: Path, segmented: Agreement) -> Outcome:
    """The second half of :func:`read_outcome`: the analysis of what :func:`segment_outcome` gave."""
    return _outcome(path, analyze, segmented)


def _outcome(path: Path, step, *args) -> Outcome:
    """``step(*args)`` reading ``path``, with bad input and failures turned into an error line."""
    try:
        return path, step(*args), None
    except InputError as e:
        return path, None, str(e)
    except MemoryError:
        return path, None, f"{path}: out of memory while reading"
    except Exception as e:  # a bug must not stop a batch; say so plainly and keep the trace in the log
        _log.exception("unexpected failure on %s", path)
        return path, None, f"{path}: internal error ({type(e).__name__}: {e})"


class HeadStart:
    """Files parsed and segmented in a process of their own while this one builds what its forked
    workers share (:func:`prepare_forked_workers`: about 2 s on one core, the other idle). Made just
    before that build and stopped after it; the workers then only analyse the files it segmented
    and read the others whole. Only where workers are forked: elsewhere each builds its own."""

    def __init__(self, paths: list[Path], options: ReadOptions):
        self._pool = process_pool(1)
        self._futures = {path: self._pool.submit(segment_outcome, path, options) for path in paths}

    def stop(self) -> None:
        """Segment no more. A file it is still reading is waited for a moment (a scan being read by
        OCR is not: the workers read it again), so that its process has ended before others fork."""
        for future in self._futures.values():
            future.cancel()
        _, busy = wait(self._futures.values(), timeout=_HEAD_START_GRACE_S)
        self._pool.shutdown(wait=not busy, cancel_futures=True)
        _log.debug("head start: %d of %d files segmented", len(self.segmented), len(self._futures))

    @property
    def segmented(self) -> list[Path]:
        """The files segmented so far (read or found unreadable)."""
        return [path for path, future in self._futures.items() if _succeeded(future)]

    def submit(self, pool: ProcessPoolExecutor, path: Path, reader: Callable[[Path], Outcome]) -> Future:
        """``path``'s outcome from ``pool``: its analysis if it was segmented here, else ``reader(path)``.
        What was segmented is handed on, not kept."""
        future = self._futures.pop(path, None)
        if future is None or not _succeeded(future):
            return pool.submit(reader, path)
        _, segmented, error = future.result()
        if segmented is None:  # unreadable: nothing left to do
            failed: Future = Future()
            failed.set_result((path, None, error))
            return failed
        return pool.submit(analyze_outcome, path, segmented)


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


#: How long :meth:`HeadStart.stop` waits for the files it is still reading (a PDF takes about 10 ms).
_HEAD_START_GRACE_S = 1.0


def prepare_with_head_start(paths: list[Path], options: ReadOptions) -> HeadStart | None:
    """:func:`prepare_forked_workers`, with the first of ``paths`` segmented meanwhile by a
    :class:`HeadStart`, which is returned (None where workers are not forked)."""
    head_start = HeadStart(paths, options) if forks() else None
    try:
        prepare_forked_workers()
    finally:
        if head_start is not None:
            head_start.stop()
    return head_start


def read_many(
    paths: Iterable[Path], jobs: int = 1, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[tuple[Path, Agreement | None, str | None]]:
    """Read many files, in ``jobs`` worker processes; each yields (path, agreement | None, error | None).

    One file alone has its scanned pages recognised ``jobs`` at a time instead."""
    paths = list(paths)
    if jobs <= 1 or len(paths) <= 1:
        options = ReadOptions(ocr=options.ocr, jobs=max(jobs, options.jobs), on_page=options.on_page)
        for p in paths:
            yield read_outcome(p, options)
        return
    options = ReadOptions(ocr=options.ocr)
    reader = partial(read_outcome, options=options)
    head_start = prepare_with_head_start(paths, options)
    with process_pool(jobs) as pool:
        queued = deque(pool.submit(reader, p) if head_start is None else head_start.submit(pool, p, reader) for p in paths)
        try:
            while queued:  # each future let go once its outcome is taken: nothing holds the batch
                yield queued.popleft().result()
        finally:  # a reader that stops early does not wait for the files still queued
            for future in queued:
                future.cancel()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, folders (recursively: .pdf, .docx, .doc, .rtf, .odt) and glob patterns -> a sorted list of files.

    A named file is kept whatever its extension (the format is detected from its
    content); a path that does not exist is kept too, so the reader reports it.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif not p.exists() and any(ch in str(raw) for ch in "*?["):
            out.extend(sorted(Path(g) for g in glob.glob(str(raw), recursive=True) if Path(g).is_file()))
        else:
            out.append(p)
    return list(dict.fromkeys(out))
