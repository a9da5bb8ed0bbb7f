"""Orchestration: file -> Document -> Agreement -> annotated Agreement, one file or a batch."""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from pipeline import ingest
from pipeline.errors import InputError
from pipeline.incorporate import incorporate
from pipeline.ingest import SUFFIXES
from pipeline.segment import segment
from schemas import Agreement

_log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The General Agreement 2024-2026 kelisim ships: what "the General Agreement" means in a clause that
#: cites it, and what `kelisim check --against general-agreement` compares with.
GENERAL_AGREEMENT = REPO_ROOT / "corpora" / "general-agreement" / "general-agreement-2024-2026.pdf"


def read_agreement(path: str | Path) -> Agreement:
    """Parse one PDF, DOCX, DOC, RTF or ODT file into an Agreement with topics, modality and norms. Bad input raises InputError."""
    return analyze(segment(ingest.parse(path)))


def analyze(agreement: Agreement) -> Agreement:
    """Extraction (topics, modality, norms, with their evidence), then the guarantees its clauses
    apply by reference to the General Agreement (:mod:`pipeline.incorporate`), made explicit."""
    import extractors  # spaCy is imported only when a file is really read

    annotated = extractors.annotate(agreement)
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


def read_outcome(path: Path) -> tuple[Path, Agreement | None, str | None]:
    """``read_agreement`` with bad input turned into data: (path, agreement, None) or (path, None, error line)."""
    try:
        return path, read_agreement(path), None
    except InputError as e:
        return path, None, str(e)
    except MemoryError:
        return path, None, f"{path}: out of memory while reading"
    except Exception as e:  # a bug must not stop a batch; say so plainly and keep the trace in the log
        _log.exception("unexpected failure on %s", path)
        return path, None, f"{path}: internal error ({type(e).__name__}: {e})"


def read_many(paths: Iterable[Path], jobs: int = 1) -> Iterator[tuple[Path, Agreement | None, str | None]]:
    """Read many files, in ``jobs`` worker processes; each yields (path, agreement | None, error | None)."""
    paths = list(paths)
    if jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield read_outcome(p)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(read_outcome, paths)


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
