"""``kelisim audit``: every stored agreement against its chain and against its previous version.

Incremental: what an agreement's audit compared (its id, which changes with its content, the
chain resolved for it, its previous version's id, and this kelisim's version) is hashed into
``inputs`` and stored with the findings; the next audit redoes only the agreements whose inputs
differ (new or changed agreements, and those whose chain or previous version changed because
others were stored). Only findings other than ``ok`` are stored (an archive of 16,000 agreements
has millions of ``ok`` verdicts); their count is kept in the audit's counts.

The agreements and the audit records are read and written through an archive store of the
chosen backend (:func:`pipeline.store.api.archive`: the clause database, or the Elasticsearch
cluster that ``kelisim index`` filled); what is audited and how is decided here alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from pipeline.archive.chain import Chain, check_chain, combine, higher, resolve
from pipeline.archive.records import Record
from pipeline.archive.versions import previous_versions
from pipeline.compliance.severity import RANK
from pipeline.compliance.summary import agreement_entry
from pipeline.store.database import AuditRow
from schemas.models import Finding, Report

_log = logging.getLogger(__name__)

#: The ``level`` of a finding of the diff against the agreement's previous version.
PREVIOUS_VERSION = "previous_version"


@dataclass(frozen=True)
class Task:
    """One agreement to audit: its chain and its previous version, resolved from metadata."""

    record: Record
    chain: Chain
    previous: str | None
    inputs: str


@dataclass(frozen=True)
class Outcome:
    agreement_id: str
    findings: tuple[Finding, ...]
    failures: tuple[str, ...]
    counts: dict


@dataclass
class AuditResult:
    """What the audit did (``redone``, ``up_to_date``) and the stored audit of every agreement in scope."""

    scope: list[Record] = field(default_factory=list)
    redone: list[str] = field(default_factory=list)
    up_to_date: int = 0
    report: Report = field(default_factory=Report)
    rows: dict = field(default_factory=dict)  # agreement id -> database.AuditRow


@cache
def _kelisim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:
        return "unknown"


def inputs_key(record: Record, chain: Chain, previous: str | None) -> str:
    """What an audit of ``record`` compares, hashed: equal keys mean the stored audit still holds."""
    what = {"agreement": record.id, "chain": chain.to_json()["links"], "previous": previous,
            "kelisim": _kelisim_version()}  # fmt: skip
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()


def in_scope(record: Record, *, since: date | None, sector: str | None, region: str | None) -> bool:
    """``--since`` keeps agreements stored on or after the date; ``--sector`` and ``--region`` their metadata."""
    if since is not None and (record.ingested_at is None or record.ingested_at[:10] < since.isoformat()):
        return False
    if sector is not None and record.sector != sector:
        return False
    return region is None or (record.region or "").casefold() == region.casefold()


def plan(stored: list[Record], *, since=None, sector=None, region=None) -> list[Task]:
    """The audit task of every agreement in scope, from the stored metadata alone."""
    previous = previous_versions(stored)
    above = higher(stored)
    tasks = []
    for record in stored:
        if not in_scope(record, since=since, sector=sector, region=region):
            continue
        chain = resolve(record, above)
        before = previous[record.id].id if record.id in previous else None
        tasks.append(Task(record, chain, before, inputs_key(record, chain, before)))
    return tasks


@dataclass(frozen=True)
class Where:
    """Where the archive is (the clause database, or an Elasticsearch cluster), as a worker process opens it."""

    db: str
    backend: str = "embedded"
    es_url: str | None = None

    def open(self, *, read_only: bool = True):
        from pipeline.store import api

        return api.archive(self.db, self.backend, self.es_url, read_only=read_only)

    def reader(self):
        """The archive one agreement's audit reads: for a cluster, one client per process, kept for
        every agreement the process audits (its connections are reused); for the clause database, a
        connection of its own (:meth:`done` closes it)."""
        if self.backend != "elasticsearch":
            return self.open()
        key = (os.getpid(), self)
        if key not in _CLUSTERS:
            _CLUSTERS[key] = self.open()
        return _CLUSTERS[key]

    def done(self, store) -> None:
        if self.backend != "elasticsearch":
            store.close()


_CLUSTERS: dict[tuple[int, Where], object] = {}  # (process, where) -> its Elasticsearch archive


def audit_one(where: Where, task: Task) -> Outcome:
    """Check one stored agreement against its chain and diff it against its previous version."""
    from pipeline.compliance.diff import diff_agreements
    from pipeline.unread import unread_reason

    store = where.reader()
    try:
        target = store.agreement(task.record.id)
        if target is None:
            return Outcome(task.record.id, (), (f"{task.record.id}: no longer stored",), {})
        reports = [check_chain(target, task.chain, lambda i: _reference(store, where, i))]
        if task.previous is not None:
            old = store.agreement(task.previous)
            unread = unread_reason(old) if old is not None else "no longer stored"
            if unread is not None:
                reports.append(Report(failures=(f"{task.previous}: the previous version of {target.id}: {unread}",)))
            else:
                diff = diff_agreements(old, target)
                level = {"level": PREVIOUS_VERSION}
                reports.append(diff.model_copy(update={"findings": tuple(f.model_copy(update=level) for f in diff.findings)}))
    finally:
        where.done(store)
    report = combine(reports)
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in RANK}
    counts["ok"] = sum(1 for f in report.findings if f.kind == "ok")
    kept = tuple(f for f in report.findings if f.kind != "ok")
    return Outcome(task.record.id, kept, report.failures, counts)


_REFERENCES: dict[tuple[Where, str], object] = {}
_REFERENCES_KEPT = 64


def _reference(store, where: Where, agreement_id: str):
    """A higher agreement, read once per worker process: the General Agreement stands above thousands.
    An id names one content, so a kept copy cannot be stale; a deleted one is read (as None) again."""
    key = (where, agreement_id)
    if key not in _REFERENCES:
        agreement = store.agreement(agreement_id)
        if agreement is None:
            return None
        if len(_REFERENCES) >= _REFERENCES_KEPT:
            _REFERENCES.pop(next(iter(_REFERENCES)))
        _REFERENCES[key] = agreement
    return _REFERENCES[key]


def _status(outcome: Outcome) -> str:
    if outcome.failures:
        return "error: " + "; ".join(outcome.failures)
    worst = min((f.severity for f in outcome.findings), key=RANK.__getitem__, default=None)
    return worst if worst in ("high", "medium", "low") else "clean"


def _run(where: Where, tasks: list[Task], jobs: int):
    """(task, outcome) as each finishes, in ``jobs`` worker processes when there are several tasks."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield task, audit_one(where, task)
        return
    from pipeline.workers import process_pool

    with process_pool(jobs) as pool:
        futures = {pool.submit(audit_one, where, task): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield task, future.result()
            except Exception as e:  # a bug or a dead worker on one agreement must not stop the audit
                _log.exception("audit of %s failed", task.record.id)
                yield task, Outcome(task.record.id, (), (f"{task.record.id}: internal error ({type(e).__name__}: {e})",), {})


def audit(
    db: str | Path,
    *,
    since: date | None = None,
    sector: str | None = None,
    region: str | None = None,
    jobs: int = 1,
    on_total: Callable[[int], None] | None = None,
    on_done: Callable[[str], None] | None = None,
    backend: str = "embedded",
    es_url: str | None = None,
) -> AuditResult:
    """Audit the stored agreements in scope, redoing only those whose inputs changed; returns the
    stored audit of every agreement in scope as one report (agreements with high findings first).
    ``backend`` says where the agreements and the audit records are: the clause database ``db``, or
    the Elasticsearch cluster at ``es_url`` (filled by ``kelisim index --backend elasticsearch``)."""
    from pipeline.store import api

    where = Where(str(db), backend, es_url)
    with api.backend_failures(es_url):
        store = where.open(read_only=False)
        try:
            stored = store.records()
            tasks = plan(stored, since=since, sector=sector, region=region)
            done = store.audits()
            stale = [t for t in tasks if t.record.id not in done or done[t.record.id].inputs != t.inputs]
            if on_total is not None:
                on_total(len(stale))
            for task, outcome in _run(where, stale, jobs):
                row = AuditRow(
                    task.record.id, task.inputs, task.chain.to_json(), datetime.now(UTC).isoformat(timespec="seconds"),
                    _status(outcome), outcome.counts,
                )  # fmt: skip
                store.store_audit(row, list(outcome.findings))
                if on_done is not None:
                    on_done(task.record.id)
            rows = store.audits()
            findings = store.findings([t.record.id for t in tasks])
        finally:
            store.close()
    return _result(tasks, stale, rows, findings)


def _result(tasks: list[Task], stale: list[Task], rows: dict, findings: list[Finding]) -> AuditResult:
    failures = tuple(rows[t.record.id].status.removeprefix("error: ") for t in tasks
                     if rows[t.record.id].status.startswith("error: "))  # fmt: skip
    by_agreement = {}
    for task in tasks:
        r = task.record
        entry = agreement_entry(r.title, r.files[0] if r.files else None)
        by_agreement[r.id] = entry
    report = combine([Report(findings=tuple(findings), failures=failures)], reference="chain")
    for agreement_id, entry in by_agreement.items():
        report.summary["by_agreement"].setdefault(agreement_id, entry)
    report.summary["audit"] = {"agreements": len(tasks), "redone": len(stale), "up_to_date": len(tasks) - len(stale)}
    return AuditResult(
        scope=[t.record for t in tasks], redone=[t.record.id for t in stale], up_to_date=len(tasks) - len(stale),
        report=report, rows={t.record.id: rows[t.record.id] for t in tasks},
    )  # fmt: skip


def ranking(result: AuditResult) -> list[tuple[Record, dict, str]]:
    """(record, counts by severity of stored findings, status) per agreement: most high findings first."""
    counts: dict[str, dict[str, int]] = {r.id: {s: 0 for s in RANK} for r in result.scope}
    for f in result.report.findings:
        counts[f.agreement][f.severity] += 1
    rows = [(r, counts[r.id], result.rows[r.id].status) for r in result.scope]
    return sorted(rows, key=lambda row: (-row[1]["high"], -row[1]["medium"], -row[1]["low"], row[0].title or ""))
