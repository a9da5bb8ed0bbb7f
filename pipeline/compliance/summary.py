"""Counting findings for ``Report.summary`` and choosing what a report shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.compliance.severity import RANK, at_or_above
from schemas.models import Finding, Report

KINDS = ("lowered", "weakened", "missing", "removed", "unverifiable", "inconsistent", "unresolved", "ok")
SEVERITIES = ("high", "medium", "low", "info")


def order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by agreement and clause as printed (stable otherwise)."""
    return tuple(sorted(findings, key=lambda f: (f.agreement, RANK[f.severity])))


def agreement_entry(title: str | None, file: str | None) -> dict:
    """The per-agreement row of a summary, before any finding is counted in it. ``total`` counts
    every verdict, ``ok`` included: one per guarantee of the reference."""
    return {"title": title, "file": file, "total": 0, "by_kind": {}}


def summarise(findings: Iterable[Finding], **extra) -> dict:
    """Counts by kind and severity, overall and per agreement, plus ``extra`` entries."""
    findings = tuple(findings)
    kinds = Counter(f.kind for f in findings)
    severities = Counter(f.severity for f in findings)
    per_agreement: dict[str, dict] = {}
    for f in findings:
        entry = per_agreement.setdefault(f.agreement, agreement_entry(f.agreement_title, f.agreement_file))
        entry["total"] += 1
        entry["by_kind"][f.kind] = entry["by_kind"].get(f.kind, 0) + 1
    return {
        "total": len(findings),
        "by_kind": {k: kinds[k] for k in KINDS},
        "by_severity": {s: severities[s] for s in SEVERITIES},
        "by_agreement": per_agreement,
        **extra,
    }


def select(report: Report, *, include_ok: bool = False) -> Report:
    """The report as shown: ``ok`` findings only with ``--all``; the summary counts what is shown,
    except ``by_agreement``, which keeps counting every comparison (ok included), so the
    per-agreement table says how much was compared even when nothing was flagged.

    Entries of the summary that are not counts of findings (clause alignment, improvements,
    the reference) are kept.
    """
    shown = tuple(f for f in report.findings if include_ok or f.kind != "ok")
    extra = {
        k: v
        for k, v in report.summary.items()
        if k not in ("total", "by_kind", "by_severity", "by_agreement")
    }
    summary = summarise(shown, **extra)
    summary["by_agreement"] = summarise(report.findings)["by_agreement"]
    for agreement, entry in report.summary.get("by_agreement", {}).items():
        summary["by_agreement"].setdefault(agreement, agreement_entry(entry.get("title"), entry.get("file")))
    if not include_ok:
        summary["ok_hidden"] = len(report.findings) - len(shown)
    return report.model_copy(update={"findings": shown, "summary": summary})


def flagged(report: Report, fail_on: str) -> bool:
    """Whether any finding reaches the ``--fail-on`` severity (exit status 1)."""
    return any(at_or_above(f.severity, fail_on) for f in report.findings)
