"""The engine against the gold findings of corpora/gold/findings.yaml.

Agreements are built from the hand annotations (corpora/gold/<doc_id>.json: clause numbers,
modality, norms), so this measures the comparison engine alone, not extraction. The gold
lists every flagged finding; `ok` comparisons and improvements are not flagged.
"""

from __future__ import annotations

import pytest
from gold_corpus import FINDINGS, expected_findings, load

from pipeline.compliance.align import align
from pipeline.compliance.check import check_agreements
from pipeline.compliance.diff import diff_agreements
from pipeline.compliance.engine import compare_norms


def _key(finding) -> tuple:
    if isinstance(finding, dict):
        return (finding["kind"], finding["parameter"], finding.get("clause"), finding["reference_clause"])
    return (finding.kind, finding.parameter, finding.clause, finding.reference_clause)


def _flagged(report) -> set[tuple]:
    return {_key(f) for f in report.findings if f.kind != "ok"}


def _cases():
    gold = expected_findings() if FINDINGS.exists() else {"checks": [], "diffs": []}
    return gold["checks"], gold["diffs"]


CHECKS, DIFFS = _cases()


@pytest.mark.parametrize("case", CHECKS, ids=[f"{c['target']}-vs-{c['reference']}" for c in CHECKS])
def test_gold_check_finds_every_seeded_deviation(case):
    report = check_agreements([load(case["target"])], load(case["reference"]))
    expected = {_key(e) for e in case["expected"]}
    assert expected - _flagged(report) == set(), "recall must be 1.0"


def test_gold_precision_and_recall_over_all_checks_and_diffs():
    true_positives = found = expected_total = 0
    for case in CHECKS:
        flagged = _flagged(check_agreements([load(case["target"])], load(case["reference"])))
        expected = {_key(e) for e in case["expected"]}
        true_positives += len(flagged & expected)
        found += len(flagged)
        expected_total += len(expected)
    for case in DIFFS:
        flagged = _flagged(diff_agreements(load(case["old"]), load(case["new"])))
        expected = {_key(e) for e in case["expected"]}
        true_positives += len(flagged & expected)
        found += len(flagged)
        expected_total += len(expected)
    assert expected_total > 0
    assert true_positives / expected_total == 1.0
    assert true_positives / found >= 0.9


@pytest.mark.parametrize("case", DIFFS, ids=[f"{c['old']}-to-{c['new']}" for c in DIFFS])
def test_gold_diff_reproduces_its_findings_and_improvements(case):
    old, new = load(case["old"]), load(case["new"])
    report = diff_agreements(old, new)
    assert _flagged(report) == {_key(e) for e in case["expected"]}
    improvements = compare_norms(
        new, old, mode="diff", counterparts=align(old, new).counterparts()
    ).improvements
    assert {(f.parameter, f.clause, f.reference_clause) for f in improvements} == {
        (i["parameter"], i["clause"], i["reference_clause"]) for i in case.get("improvements", ())
    }
    assert report.summary["improved"] == len(case.get("improvements", ()))


@pytest.mark.parametrize("case", DIFFS, ids=[f"{c['old']}-to-{c['new']}" for c in DIFFS])
def test_gold_diff_alignment_follows_the_clause_map(case):
    structure = case.get("structure")
    if not structure:
        pytest.skip("no structure given for this diff")
    old, new = load(case["old"]), load(case["new"])
    alignment = align(old, new)
    number = {c.id: c.number for c in (*old.clauses, *new.clauses)}
    got: dict[str, object] = {number[i]: None for i in alignment.added}
    for group in alignment.groups:
        olds = sorted(number[i] for i in group.old)
        for new_id in group.new:
            got[number[new_id]] = olds[0] if len(olds) == 1 else olds
    want = {k: sorted(v) if isinstance(v, list) else v for k, v in structure["clause_map"].items()}
    assert got == want
    statuses = {(tuple(sorted(number[i] for i in g.old)), tuple(sorted(number[i] for i in g.new))): g.status
                for g in alignment.groups}  # fmt: skip
    for split in structure.get("split", ()):
        assert statuses[((split["old"],), tuple(sorted(split["new"])))] == "split"
    for merged in structure.get("merged", ()):
        assert statuses[(tuple(sorted(merged["old"])), (merged["new"],))] == "merged"
