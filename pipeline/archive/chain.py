"""Which agreements stand above an agreement: its chain.

From stored metadata only: the General Agreement in force on the agreement's start date, the
sectoral agreement of its sector and the regional agreement of its region whose terms overlap
its term, and the Labour Code's floors. A level the agreement stands under whose agreement
cannot be chosen (no candidate stored, the metadata to choose by missing, several candidates)
is a link without an agreement: it gives a finding of kind ``unresolved`` naming the candidates,
never a silent choice. Candidates that are one agreement in two languages (same level, sector,
region and term) are one candidate: the version in the target's language is taken, and the
link says so.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from pipeline.archive.records import Record, record_of, records
from pipeline.compliance import references
from pipeline.compliance.check import check_agreements
from pipeline.compliance.severity import severity
from pipeline.compliance.summary import agreement_entry, order, summarise
from pipeline.unread import unread_reason
from schemas.models import Agreement, Finding, Report

_log = logging.getLogger(__name__)

#: The levels above each level, highest first. A regional agreement covers every sector of its
#: region, so no sectoral agreement stands above it unless it names a sector itself.
ABOVE = {
    "general": (),
    "sectoral": ("general",),
    "regional": ("general", "sectoral"),
    "collective": ("general", "sectoral", "regional"),
}
LABOUR_CODE = "labour_code"


@dataclass(frozen=True)
class Link:
    """One level of a chain: the agreement chosen, or why none could be (``candidates`` named)."""

    level: str
    agreement: str | None = None
    title: str | None = None
    candidates: tuple[str, ...] = ()
    note: str | None = None  # why unresolved, or what was decided (the language version taken)

    @property
    def resolved(self) -> bool:
        return self.agreement is not None


@dataclass(frozen=True)
class Chain:
    agreement: str
    links: tuple[Link, ...]

    @property
    def resolved(self) -> bool:
        return all(link.resolved for link in self.links)

    def to_json(self) -> dict:
        return {"agreement": self.agreement, "links": [asdict(link) for link in self.links]}


def _overlaps(target: Record, other: Record) -> bool | None:
    """Whether the two terms overlap; None when a date needed to tell is missing."""
    if target.start is None or other.start is None or other.end is None:
        return None
    return other.start <= (target.end or date.max) and other.end >= target.start


def _in_force_at_start(target: Record, other: Record) -> bool | None:
    if target.start is None:
        return None
    return other.in_force(target.start)


def _one_text_in_languages(candidates: list[Record]) -> bool:
    return len({(c.level, c.sector, c.region, c.valid_from, c.valid_to) for c in candidates}) == 1 and len(
        {c.language for c in candidates}
    ) == len(candidates)


def _choose(level: str, target: Record, candidates: list[Record], unknown: list[Record], what: str) -> Link:
    """The link of ``level`` from the candidates that match (``unknown``: those whose dates are missing)."""
    names = tuple(c.id for c in (*candidates, *unknown))
    if len(candidates) == 1 and not unknown:
        return Link(level, candidates[0].id, candidates[0].title)
    if not candidates and not unknown:
        return Link(level, note=f"no {level} agreement {what} is stored")
    if not unknown and _one_text_in_languages(candidates):
        same = [c for c in candidates if c.language == target.language]
        if len(same) == 1:
            others = ", ".join(f"{c.id} ({c.language})" for c in candidates if c is not same[0])
            return Link(level, same[0].id, same[0].title, names, note=f"{target.language} version; also {others}")
    listed = "; ".join(c.label() for c in (*candidates, *unknown))
    if unknown:
        return Link(level, candidates=names, note=f"the term of {len(unknown)} candidate(s) {what} is not known: {listed}")
    return Link(level, candidates=names, note=f"{len(candidates)} {level} agreements {what}: {listed}")


def _link(level: str, target: Record, others: list[Record]) -> Link | None:
    pool = [o for o in others if o.level == level and o.id != target.id]
    if level == "general":
        if target.start is None:
            return Link(level, candidates=tuple(o.id for o in pool), note="its start date is not known")
        verdicts = [(o, _in_force_at_start(target, o)) for o in pool]
        what = f"in force on {target.valid_from}"
    elif level == "sectoral":
        if target.sector is None:
            if target.level == "regional":
                return None  # a cross-sector agreement: no sectoral agreement stands above it
            return Link(level, candidates=tuple(o.id for o in pool), note="its sector is not known")
        pool = [o for o in pool if o.sector == target.sector]
        what = f"of sector {target.sector} during its term"
    else:
        if target.region is None:
            return Link(level, candidates=tuple(o.id for o in pool), note="its region is not known")
        pool = [o for o in pool if (o.region or "").casefold() == target.region.casefold()]
        what = f"of region {target.region} during its term"
    if level != "general":
        if target.start is None:
            return Link(level, candidates=tuple(o.id for o in pool), note="its term is not known")
        verdicts = [(o, _overlaps(target, o)) for o in pool]
    return _choose(
        level, target, [o for o, v in verdicts if v], [o for o, v in verdicts if v is None], what
    )


def higher(stored: Iterable[Record]) -> list[Record]:
    """The records that can stand above another (general, sectoral, regional): what :func:`resolve`
    looks among. Taking them once keeps resolving every chain of a large archive linear."""
    return [r for r in stored if r.level in ABOVE and r.level != "collective"]


def resolve(target: Record, others: Iterable[Record]) -> Chain:
    """The chain above ``target`` among ``others`` (the stored records, or just :func:`higher` of
    them), ending with the Labour Code."""
    others = list(others)
    if target.level is None:
        links = [Link("level", note="its level is not known, so what stands above it cannot be told")]
    else:
        links = [link for level in ABOVE[target.level] if (link := _link(level, target, others)) is not None]
    code = references.labour_code()
    return Chain(target.id, (*links, Link(LABOUR_CODE, code.id, code.title)))


def unresolved_findings(chain: Chain, target: Agreement | Record) -> list[Finding]:
    """One finding of kind ``unresolved`` per link whose agreement could not be chosen."""
    source = getattr(getattr(target, "source", None), "path", None)
    out = []
    for link in chain.links:
        if link.resolved:
            continue
        named = ", ".join(link.candidates) if link.candidates else "none"
        out.append(
            Finding(
                kind="unresolved", severity=severity("unresolved", None), agreement=target.id,
                reference=named, level=link.level, agreement_title=target.title, agreement_file=source,
                explanation=f"The {link.level} agreement above it cannot be chosen: {link.note}."
                + (" Say which applies, and check against it." if link.candidates else ""),
            )  # fmt: skip
        )
    return out


# --------------------------------------------------------------------------- checking against a chain


def check_chain(target: Agreement, chain: Chain, load: Callable[[str], Agreement | None]) -> Report:
    """Check ``target`` against every agreement of its chain; each finding names the level it comes from."""
    reports, failures, levels = [], [], {}
    for link in chain.links:
        if not link.resolved:
            continue
        reference = references.labour_code() if link.level == LABOUR_CODE else load(link.agreement)
        if reference is None:
            failures.append(f"{link.agreement}: the {link.level} agreement of its chain is no longer stored")
            continue
        unread = unread_reason(reference)
        if unread is not None:
            failures.append(f"{link.agreement}: the {link.level} agreement of its chain: {unread}")
            continue
        report = check_agreements([target], reference)
        report = report.model_copy(
            update={"findings": tuple(f.model_copy(update={"level": link.level}) for f in report.findings)}
        )
        levels[link.level] = {"reference": reference.id, "title": reference.title,
                              "guarantees": report.summary.get("guarantees", 0)}  # fmt: skip
        reports.append(report)
    reports.append(Report(findings=tuple(unresolved_findings(chain, target)), failures=tuple(failures)))
    return combine(reports, reference="chain", chain={chain.agreement: chain.to_json()}, levels={target.id: levels})


def combine(reports: list[Report], **extra) -> Report:
    """Several reports as one: findings and failures joined, the summary counted again, ``extra`` added.
    ``guarantees`` and ``improved`` are added up; per-agreement entries of every report are kept."""
    findings = [f for r in reports for f in r.findings]
    summary = summarise(
        findings,
        guarantees=sum(r.summary.get("guarantees", 0) for r in reports),
        improved=sum(r.summary.get("improved", 0) for r in reports),
        **extra,
    )
    for report in reports:
        for agreement, entry in report.summary.get("by_agreement", {}).items():
            summary["by_agreement"].setdefault(agreement, agreement_entry(entry.get("title"), entry.get("file")))
    failures = tuple(dict.fromkeys(line for r in reports for line in r.failures))
    return Report(findings=order(findings), summary=summary, failures=failures)


def _open(db: str | Path) -> sqlite3.Connection:
    from pipeline.store import database

    if not Path(db).exists():
        raise database.DatabaseError(
            f"{db}: no clause database here; the chain is resolved among stored agreements (`kelisim ingest` first)"
        )
    return database.connect(db, read_only=True)


def chain_for(spec: str, *, db: str | Path, options=None) -> tuple[Agreement | Record, Chain]:
    """The chain of a stored agreement (an id) or of a file, resolved among the stored agreements."""
    conn = _open(db)
    try:
        stored = records(conn)
    finally:
        conn.close()
    by_id = {r.id: r for r in stored}
    if spec in by_id and not Path(spec).exists():
        target: Agreement | Record = by_id[spec]
        record = by_id[spec]
    else:
        target = references.load(spec, db=db, as_reference=False, options=options)
        record = stored_record(target, stored)
    return target, resolve(record, higher(stored))


def stored_record(agreement: Agreement, stored: list[Record]) -> Record:
    """The stored record of an agreement read from a file: by id, or by its text (the DOCX of a
    stored PDF); a file not stored gets a record of its own."""
    own = record_of(agreement)
    for record in stored:
        if record.id == own.id or (own.fingerprint and record.fingerprint == own.fingerprint):
            return record
    return own


def check_against_chain(
    targets: Iterable[str], *, db: str | Path, jobs: int = 1, options=None, on_progress=None
) -> Report:
    """``kelisim check TARGET... --against chain``: each target (a file, folder, glob or stored id)
    against every agreement of its chain among the stored agreements."""
    from pipeline.analyze import expand_paths, read_many
    from pipeline.ingest.common import ReadOptions
    from pipeline.store import database

    targets = list(targets)
    conn = _open(db)
    try:
        stored = records(conn)
        ids = [t for t in targets if t.startswith("ag_") and not Path(t).exists()]
        agreements: list[Agreement] = []
        failures: list[str] = []
        for agreement_id in ids:
            agreement = database.read_agreement_row(conn, agreement_id)
            if agreement is None:
                raise references.ReferenceNotFound(f"{agreement_id}: no such agreement in {db}")
            agreements.append(agreement)
        paths = expand_paths([t for t in targets if t not in ids])
        outcomes = read_many(paths, jobs=jobs, options=options or ReadOptions())
        for position, (path, agreement, error) in enumerate(outcomes, start=1):
            if on_progress is not None:
                on_progress(Path(path), position, len(paths))
            if agreement is None:
                failures.append(error or f"{path}: could not be read")
            else:
                agreements.append(agreement)
        if not agreements and not failures:
            failures.append(f"{', '.join(targets) or '(none)'}: no PDF, DOCX, DOC, RTF or ODT files found")
        reports = []
        above = higher(stored)
        for agreement in agreements:
            chain = resolve(stored_record(agreement, stored), above)
            reports.append(check_chain(agreement, chain, lambda i: database.read_agreement_row(conn, i)))
    finally:
        conn.close()
    report = combine(reports, reference="chain", chain={}, levels={})
    for r in reports:
        report.summary["chain"].update(r.summary["chain"])
        report.summary["levels"].update(r.summary["levels"])
    return report.model_copy(update={"failures": (*failures, *report.failures)})
