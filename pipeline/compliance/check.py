"""``kelisim check``: each target agreement against one higher-level reference."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.compliance import references
from pipeline.compliance.engine import compare
from pipeline.compliance.names import named_words
from pipeline.compliance.parallel import beside, inconsistencies
from pipeline.compliance.summary import agreement_entry, order, summarise
from pipeline.incorporate import incorporate
from pipeline.segment.bilingual import compared
from schemas.models import Agreement, Report

_log = logging.getLogger(__name__)

#: Called once per target read: (path, position, total).
Progress = Callable[[Path, int, int], None]


def _read_targets(paths: list[Path], jobs: int, options) -> Iterator[tuple[Path, Agreement | None, str | None]]:
    from pipeline.analyze import read_many  # the analysis stage may be absent in a partial install

    if options is None:
        yield from read_many(paths, jobs=jobs)
    else:
        yield from read_many(paths, jobs=jobs, options=options)


def _expand(targets: Iterable[str | Path]) -> list[Path]:
    from pipeline.analyze import expand_paths

    return list(expand_paths([str(t) for t in targets]))


def check_agreements(targets: Iterable[Agreement], reference: Agreement, *, force: bool = False) -> Report:
    """Check agreements already read against ``reference`` (no files involved)."""
    findings = []
    improved = 0
    checked = []
    guarantees = 0
    unread: list[str] = []
    compared_reference = compared(reference)
    for target in targets:
        references.check_levels(target, reference, force=force)
        findings.extend(inconsistencies(target))
        # a bilingual target is compared by its Russian text; what it applies of the reference by
        # reference is made explicit first
        target_text = incorporate(compared(target), compared_reference)
        comparison = compare(target_text, compared_reference, mode="check", named=named_words(target_text))
        findings.extend(beside(comparison.findings, target, reference))
        improved += comparison.improved
        guarantees = comparison.guarantees
        unread.extend(comparison.unread)
        checked.append(target)
    summary = summarise(findings, reference=reference.id, reference_title=reference.title, improved=improved,
                        guarantees=guarantees)
    for target in checked:
        summary["by_agreement"].setdefault(target.id, agreement_entry(target.title, target.source.path))
    return Report(findings=order(findings), summary=summary, failures=tuple(unread))


def check(
    targets: Iterable[str | Path],
    *,
    against: str,
    db: str | Path | None = None,
    force: bool = False,
    jobs: int = 1,
    on_progress: Progress | None = None,
    options=None,
) -> Report:
    """Check every target file (files, folders, globs) against the reference ``against`` names.

    ``options`` (:class:`pipeline.ingest.common.ReadOptions`) say how files are read (OCR).
    An unreadable target does not stop the others: its error line goes to
    ``Report.failures``. A reference lower than a target raises
    :class:`references.ReferenceRefused` unless ``force``.
    """
    reference = references.resolve(against, db=db, options=options)
    paths = _expand(targets)
    agreements: list[Agreement] = []
    failures: list[str] = []
    for position, (path, agreement, error) in enumerate(_read_targets(paths, jobs, options), start=1):
        if on_progress is not None:
            on_progress(Path(path), position, len(paths))
        if agreement is None:
            failures.append(error or f"{path}: could not be read")
            continue
        agreements.append(agreement)
    if not paths:
        failures.append(f"{', '.join(map(str, targets)) or '(none)'}: no PDF, DOCX, DOC, RTF or ODT files found")
    report = check_agreements(agreements, reference, force=force)
    return report.model_copy(update={"failures": (*failures, *report.failures)})
