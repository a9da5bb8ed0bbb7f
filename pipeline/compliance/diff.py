"""``kelisim diff``: what a new version of an agreement lowered, weakened or removed."""

from __future__ import annotations

from pathlib import Path

from pipeline.compliance import references
from pipeline.compliance.align import align
from pipeline.compliance.engine import compare
from pipeline.compliance.names import named_words
from pipeline.compliance.summary import order, summarise
from schemas.models import Agreement, Report


def diff_agreements(old: Agreement, new: Agreement) -> Report:
    """Compare two versions already read: the new one is the target, the old one the reference.

    Improvements are counted in the summary (``improved``), not flagged; the clause-level
    alignment is summarised under ``clauses``.
    """
    alignment = align(old, new)
    comparison = compare(new, old, mode="diff", counterparts=alignment.counterparts(), named=named_words(new))
    summary = summarise(
        comparison.findings,
        old=old.id,
        new=new.id,
        clauses=alignment.summary(),
        improved=comparison.improved,
        guarantees=comparison.guarantees,
    )
    return Report(findings=order(comparison.findings), summary=summary, failures=comparison.unread)


def diff(old: str | Path, new: str | Path, *, db: str | Path | None = None, options=None) -> Report:
    """Diff two versions named by file paths or stored ids (``ag_...``); ``options`` are the
    :class:`pipeline.ingest.common.ReadOptions` for files."""
    return diff_agreements(references.load(old, db=db, options=options),
                           references.load(new, db=db, as_reference=False, options=options))
