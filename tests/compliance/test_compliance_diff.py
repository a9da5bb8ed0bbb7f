"""Diff: clause alignment across renumbering, reordering, splits and merges; guarantees lowered or removed."""

from __future__ import annotations

from compliance_builders import agreement, clause, norm

from pipeline.compliance.align import align
from pipeline.compliance.diff import diff_agreements

INDEX = "The Employer shall index the wages of employees annually not lower than the official inflation rate."
TARIFF = "The tariff rate of a worker of the first grade shall be not less than 1.3 times the minimum wage."
PAY_DAYS = (
    "Wages shall be paid twice a month, the advance by the 25th day and the final settlement by the 10th day."
)
LEAVE = (
    "Employees are granted annual paid leave of thirty calendar days and additional leave for harmful work."
)
DEATH = "In case of death at work the Employer shall pay the family a lump sum of ten annual wages of the deceased."
TRAINING = "The Employer shall organise vocational training and retraining of employees at its own expense."


def _pairs(alignment, old, new):
    number = {c.id: c.number for c in (*old.clauses, *new.clauses)}
    return sorted(
        (tuple(number[i] for i in g.old), tuple(number[i] for i in g.new), g.status) for g in alignment.groups
    )


def test_align_follows_clauses_across_renumbering_and_reordering():
    old = agreement(
        "ag_old", clause("2.1", INDEX), clause("2.2", TARIFF), clause("2.3", PAY_DAYS), clause("3.1", LEAVE)
    )
    new = agreement(
        "ag_new", clause("1.1", LEAVE), clause("2.1", INDEX), clause("2.2", TRAINING), clause("2.3", TARIFF),
        clause("2.4", PAY_DAYS.replace("twice", "once")),
    )  # fmt: skip
    alignment = align(old, new)
    assert _pairs(alignment, old, new) == [
        (("2.1",), ("2.1",), "unchanged"),
        (("2.2",), ("2.3",), "moved"),
        (("2.3",), ("2.4",), "changed"),
        (("3.1",), ("1.1",), "moved"),
    ]
    assert [c for c in alignment.added] == ["ag_new:2.2"]
    assert alignment.summary() == {
        "added": 1, "removed": 0, "changed": 1, "moved": 2, "unchanged": 1, "split": 0, "merged": 0,
    }  # fmt: skip


def test_align_detects_a_split_clause():
    old = agreement("ag_old", clause("2.1", INDEX + " " + TARIFF), clause("3.1", LEAVE))
    new = agreement("ag_new", clause("2.1", INDEX), clause("2.2", TARIFF), clause("3.1", LEAVE))
    alignment = align(old, new)
    assert (("2.1",), ("2.1", "2.2"), "split") in _pairs(alignment, old, new)
    assert alignment.added == () and alignment.removed == ()


def test_align_detects_merged_clauses():
    old = agreement("ag_old", clause("2.1", INDEX), clause("2.2", TARIFF), clause("3.1", LEAVE))
    new = agreement("ag_new", clause("2.1", INDEX + " " + TARIFF), clause("3.1", LEAVE))
    alignment = align(old, new)
    assert (("2.1", "2.2"), ("2.1",), "merged") in _pairs(alignment, old, new)
    assert alignment.added == () and alignment.removed == ()


def test_align_reports_removed_and_added_clauses():
    old = agreement("ag_old", clause("2.1", INDEX), clause("7.2", DEATH))
    new = agreement("ag_new", clause("2.1", INDEX), clause("8.1", TRAINING))
    alignment = align(old, new)
    assert alignment.removed == ("ag_old:7.2",) and alignment.added == ("ag_new:8.1",)


def _kazmetall_like():
    old = agreement(
        "ag_old",
        clause("2.1", INDEX, norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
        clause("2.2", TARIFF, norms=(norm("minimum_pay.floor", ">=", 1.3, "minimum_wage"),)),
        clause("2.3", PAY_DAYS, norms=(norm("wage_payment.frequency", "=", 2, "times_per_month"),)),
        clause("3.1", LEAVE, norms=(norm("annual_leave.days", "=", 30, "calendar_days"),)),
        clause("7.2", DEATH, norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage"),)),
    )
    new = agreement(
        "ag_new",
        clause("1.1", LEAVE.replace("thirty", "thirty-two"), norms=(norm("annual_leave.days", "=", 32, "calendar_days"),)),
        clause("2.1", INDEX.replace("shall", "may, where possible,"), modality="permission",
               norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
        clause("2.2", TARIFF.replace("1.3", "1.2"), norms=(norm("minimum_pay.floor", ">=", 1.2, "minimum_wage"),)),
        clause("2.3", PAY_DAYS, norms=(norm("wage_payment.frequency", "=", 2, "times_per_month"),)),
    )  # fmt: skip
    return old, new


def test_diff_reports_lowered_weakened_removed_and_counts_improvements():
    old, new = _kazmetall_like()
    report = diff_agreements(old, new)
    flagged = sorted((f.kind, f.reference_clause, f.clause) for f in report.findings if f.kind != "ok")
    assert flagged == [("lowered", "2.2", "2.2"), ("removed", "7.2", None), ("weakened", "2.1", "2.1")]
    removed = next(f for f in report.findings if f.kind == "removed")
    assert (removed.agreement, removed.reference, removed.severity) == ("ag_new", "ag_old", "high")
    assert "old version" in removed.explanation
    assert report.summary["improved"] == 1  # 30 -> 32 days of leave: counted, not flagged
    assert report.summary["clauses"]["removed"] == 1
    assert report.summary["clauses"]["moved"] == 0 and report.summary["clauses"]["changed"] == 3


def test_diff_of_identical_versions_flags_nothing():
    old, _ = _kazmetall_like()
    new = agreement("ag_new", *old.clauses)
    report = diff_agreements(old, new)
    assert {f.kind for f in report.findings} == {"ok"}
    assert report.summary["clauses"]["unchanged"] == len(old.clauses)
    assert report.summary["improved"] == 0
