"""``kelisim diff``: what a new version of an agreement lowered, weakened or removed."""

from __future__ import annotations

from pathlib import Path

from pipeline.compliance import references
from pipeline.compliance.align import align
from pipeline.compliance.engine import compare
from pipeline.compliance.names import named_words
from pipeline.compliance.parallel import beside, inconsistencies
from pipeline.compliance.summary import order, summarise
from pipeline.segment.bilingual import compared
from schemas.models import Agreement, Report


def diff_agreements(old: Agreement, new: Agreement) -> Report:
    """Compare two versions already read: the new one is the target, the old one the reference.

    Improvements are counted in the summary (``improved``), not flagged; the clause-level
    alignment is summarised under ``clauses``. A bilingual new version's clauses whose two
    language versions disagree are ``inconsistent`` findings.
    """
    old_text, new_text = compared(old), compared(new)  # a bilingual version by its Russian text
    alignment = align(old_text, new_text)
    comparison = compare(new_text, old_text, mode="diff", counterparts=alignment.counterparts(),
                         named=named_words(new_text))
    findings = [*inconsistencies(new), *beside(comparison.findings, new, old)]
    summary = summarise(
        findings,
        old=old.id,
        new=new.id,
        clauses=alignment.summary(),
        improved=comparison.improved,
        guarantees=comparison.guarantees,
    )
    return Report(findings=order(findings), summary=summary, failures=comparison.unread)


def diff(old: str | Path, new: str | Path, *, db: str | Path | None = None, options=None) -> Report:
    """Diff two versions named by file paths or stored ids (``ag_...``); ``options`` are the
    :class:`pipeline.ingest.common.ReadOptions` for files."""
    return diff_agreements(references.load(old, db=db, options=options),
                           references.load(new, db=db, as_reference=False, options=options))
