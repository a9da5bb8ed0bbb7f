"""Scores of ``check`` and ``diff`` against hand-written expected findings (``findings.yaml``).

The file lists, for each check (target against reference) and each diff (old -> new), the
COMPLETE set of flagged findings a careful lawyer expects (lowered, weakened, missing,
removed, unverifiable), optionally the improvements, and ``must_not_flag``: counterparts a
tool is likely to get wrong, which must not appear among the flagged findings. A finding
matches an expected one when kind, parameter, clause and reference clause agree.

Agreements are read end to end from the files of the gold folder (``<doc_id>.json`` lists
them); ``general-agreement-*`` names the General Agreement kelisim ships.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from schemas import Agreement
from schemas.datafile import read_yaml


@dataclass
class CaseResult:
    name: str
    kind: str  # check | diff
    language: str = "?"  # of the target (check) or the new version (diff)
    expected: int = 0
    flagged: int = 0
    matched: int = 0
    missed: list[tuple] = field(default_factory=list)
    extra: list[tuple] = field(default_factory=list)
    must_not_flag: int = 0
    must_not_flag_flagged: list[dict] = field(default_factory=list)
    guarantees: int = 0
    verdicts: int = 0
    outside: list[tuple] = field(default_factory=list)  # flagged findings of parameters the gold never uses

    def to_dict(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "language": self.language, "expected": self.expected, "flagged": self.flagged,
            "matched": self.matched, "missed": [list(k) for k in self.missed], "extra": [list(k) for k in self.extra],
            "must_not_flag": self.must_not_flag, "must_not_flag_flagged": self.must_not_flag_flagged,
            "guarantees": self.guarantees, "verdicts": self.verdicts, "outside": [list(k) for k in self.outside],
        }


@dataclass
class FindingsReport:
    source: str
    cases: list[CaseResult] = field(default_factory=list)

    def languages(self) -> list[str]:
        return sorted({c.language for c in self.cases})

    def totals(self, kind: str | None = None, language: str | None = None) -> dict:
        cases = [c for c in self.cases if (kind is None or c.kind == kind) and (language is None or c.language == language)]
        expected = sum(c.expected for c in cases)
        flagged = sum(c.flagged for c in cases)
        matched = sum(c.matched for c in cases)
        outside = sum(len(c.outside) for c in cases)
        return {
            "cases": len(cases), "expected": expected, "flagged": flagged, "matched": matched,
            "recall": matched / expected if expected else None,
            "precision": matched / flagged if flagged else None,
            # every flag, those of parameters the gold never uses (``outside``) counted as false
            "precision_all": matched / (flagged + outside) if flagged + outside else None,
            "must_not_flag": sum(c.must_not_flag for c in cases),
            "must_not_flag_flagged": sum(len(c.must_not_flag_flagged) for c in cases),
            "verdicts_missing": sum(c.guarantees - c.verdicts for c in cases),
            "outside": outside,
        }

    def to_dict(self) -> dict:
        return {"source": self.source, "check": self.totals("check"), "diff": self.totals("diff"),
                "all": self.totals(),
                "by_language": {lang: {"check": self.totals("check", lang), "diff": self.totals("diff", lang)}
                                for lang in self.languages()},
                "cases": [c.to_dict() for c in self.cases]}


def _key(finding) -> tuple:
    if isinstance(finding, dict):
        return (finding["kind"], finding["parameter"], finding.get("clause"), finding["reference_clause"])
    return (finding.kind, finding.parameter, finding.clause, finding.reference_clause)


class _Reader:
    """Reads each agreement of the gold folder once, from its PDF (or DOCX)."""

    def __init__(self, gold_dir: Path, fmt: str):
        self.gold_dir, self.fmt = gold_dir, fmt
        self.cache: dict[str, Agreement] = {}

    def path(self, doc_id: str) -> Path:
        gold = self.gold_dir / f"{doc_id}.json"
        if gold.exists():
            files = json.loads(gold.read_text(encoding="utf-8")).get("files") or []
            for f in files:
                if f.endswith(f".{self.fmt}"):
                    return (gold.parent / f).resolve()
        for candidate in (self.gold_dir.parent / "samples" / f"{doc_id}.{self.fmt}",
                          self.gold_dir.parent / "general-agreement" / f"{doc_id}.{self.fmt}"):
            if candidate.exists():
                return candidate
        if doc_id.startswith("general-agreement"):
            from pipeline.analyze import GENERAL_AGREEMENT

            return GENERAL_AGREEMENT.with_suffix(f".{self.fmt}")
        raise FileNotFoundError(f"{doc_id}: no {self.fmt} file in or beside {self.gold_dir}")

    def language(self, doc_id: str) -> str:
        gold = self.gold_dir / f"{doc_id}.json"
        if gold.exists():
            return (json.loads(gold.read_text(encoding="utf-8")).get("metadata") or {}).get("language") or "?"
        return self(doc_id).language or "?"

    def __call__(self, doc_id: str) -> Agreement:
        if doc_id not in self.cache:
            from pipeline.analyze import read_agreement

            self.cache[doc_id] = read_agreement(self.path(doc_id))
        return self.cache[doc_id]


def gold_parameters(gold_dir: str | Path, findings: str | Path | None = None) -> frozenset[str]:
    """Every parameter the gold annotations of ``gold_dir`` (and the expected findings) use."""
    out: set[str] = set()
    for path in Path(gold_dir).glob("*.json"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for clause in raw.get("clauses") or ():
            out.update(n["parameter"] for n in clause.get("norms") or ())
    if findings is not None:
        spec = read_yaml(Path(findings)) or {}
        for case in (spec.get("checks") or []) + (spec.get("diffs") or []):
            out.update(e["parameter"] for e in case.get("expected") or () if e.get("parameter"))
    return frozenset(out)


def evaluate_findings(findings: str | Path, gold_dir: str | Path, *, fmt: str = "pdf",
                      parameters: frozenset[str] | None = None) -> FindingsReport:
    """Run every check and diff of ``findings`` on the agreements of ``gold_dir`` and score them.

    ``parameters``: the parameters the gold could use (:func:`gold_parameters`). A gold written
    before the taxonomy gained a parameter cannot expect findings about it: flagged findings of
    other parameters are listed apart (``outside``), not counted as false. None counts them all.
    """
    from pipeline.compliance.check import check_agreements
    from pipeline.compliance.diff import diff_agreements

    spec = read_yaml(Path(findings))
    read = _Reader(Path(gold_dir), fmt)
    report = FindingsReport(source=str(findings))
    for case in spec.get("checks") or ():
        result = check_agreements([read(case["target"])], read(case["reference"]))
        report.cases.append(_score(f"{case['target']} vs {case['reference']}", "check", case, result, parameters,
                                   read.language(case["target"])))
    for case in spec.get("diffs") or ():
        result = diff_agreements(read(case["old"]), read(case["new"]))
        report.cases.append(_score(f"{case['old']} -> {case['new']}", "diff", case, result, parameters,
                                   read.language(case["new"])))
    return report


def _score(name: str, kind: str, case: dict, report, parameters: frozenset[str] | None = None,
           language: str = "?") -> CaseResult:
    every = {_key(f) for f in report.findings if f.kind != "ok"}
    flagged = {k for k in every if parameters is None or k[1] in parameters}
    expected = {_key(e) for e in case.get("expected") or ()}
    result = CaseResult(name=name, kind=kind, language=language, expected=len(expected), flagged=len(flagged),
                        matched=len(flagged & expected))
    result.missed = sorted(expected - flagged, key=str)
    result.extra = sorted(flagged - expected, key=str)
    result.outside = sorted(every - flagged, key=str)
    guards = case.get("must_not_flag") or ()
    result.must_not_flag = len(guards)
    for guard in guards:
        hit = [f for f in report.findings if f.kind != "ok" and f.parameter == guard["parameter"]
               and f.reference_clause == guard["reference_clause"]
               and (guard.get("condition") is None or f.expected is None or f.expected.condition == guard.get("condition"))]
        if hit:
            result.must_not_flag_flagged.append({**guard, "flagged": [f.kind for f in hit]})
    result.guarantees = int(report.summary.get("guarantees") or 0)
    # an inconsistent finding compares the two language versions of a clause, not a guarantee of the reference
    result.verdicts = sum(f.kind != "inconsistent" for f in report.findings)
    return result
