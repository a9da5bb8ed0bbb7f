"""The comparison engine on hand-built agreements: verdicts, units, conditions, modality, finding kinds."""

from __future__ import annotations

import pytest
from compliance_builders import agreement, clause, norm

from pipeline.compliance.engine import compare_norms, interval, judge, relation, worst_case
from schemas.models import Norm


def _kinds(target, reference, mode="check"):
    return sorted(f.kind for f in compare_norms(target, reference, mode=mode).findings)


# (parameter, reference norm, target norm, expected verdict). `overtime` is higher-is-better,
# `weekly_hours` lower-is-better: every comparator appears on both sides of both directions.
OVERTIME, HOURS = ("premium_pay.overtime", "rate_multiple"), ("working_time.weekly_hours", "hours")
TABLE = [
    (OVERTIME, (">=", 1.5), ("=", 2), "improved"),
    (OVERTIME, (">=", 1.5), ("=", 1.2), "lowered"),
    (OVERTIME, ("=", 1), (">=", 1), "ok"),
    (OVERTIME, (">=", 1.5), (">=", 1.5), "ok"),
    (OVERTIME, (">=", 1.5), (">", 1.5), "improved"),
    (OVERTIME, (">", 1.5), (">=", 1.5), "lowered"),
    (OVERTIME, (">=", 1.5), ("<=", 2), "lowered"),  # a ceiling guarantees no floor
    (OVERTIME, (">=", 1.5), ("<", 3), "lowered"),
    (OVERTIME, ("<=", 2), ("=", 1), "improved"),  # a ceiling on pay guarantees the worker nothing
    (OVERTIME, ("=", 2), ("=", 2), "ok"),
    (OVERTIME, ("=", 2), (">", 1.9), "lowered"),
    (HOURS, ("<=", 40), ("<=", 36), "improved"),
    (HOURS, ("<=", 40), ("<=", 42), "lowered"),
    (HOURS, ("<=", 40), ("=", 40), "ok"),
    (HOURS, ("<=", 40), ("<", 40), "improved"),
    (HOURS, ("<", 40), ("<=", 40), "lowered"),
    (HOURS, ("<=", 40), (">=", 36), "lowered"),  # a floor on hours sets no ceiling
    (HOURS, ("<=", 40), (">", 30), "lowered"),
    (HOURS, ("=", 40), ("<=", 40), "ok"),
    (HOURS, ("<=", 36), ("=", 38), "lowered"),
]


@pytest.mark.parametrize(("parameter", "reference", "target", "expected"), TABLE)
def test_engine_judges_worst_case_in_the_parameter_direction(parameter, reference, target, expected):
    pid, unit = parameter
    better = "lower" if pid == HOURS[0] else "higher"
    ref = Norm(parameter=pid, comparator=reference[0], value=reference[1], unit=unit)
    tgt = Norm(parameter=pid, comparator=target[0], value=target[1], unit=unit)
    assert judge(tgt, ref, better) == expected


@pytest.mark.parametrize(("parameter", "reference", "target", "expected"), TABLE)
def test_engine_findings_follow_the_verdict(parameter, reference, target, expected):
    pid, unit = parameter
    ref = agreement("ag_ref", clause("1.1", norms=(norm(pid, *reference, unit),)), level="general")
    tgt = agreement("ag_t", clause("2.1", norms=(norm(pid, *target, unit),)))
    findings = compare_norms(tgt, ref).findings
    assert [f.kind for f in findings] == (["lowered"] if expected == "lowered" else ["ok"])


def test_worst_case_orders_strict_above_non_strict():
    assert worst_case(">", 1.5, "higher") > worst_case(">=", 1.5, "higher")
    assert worst_case("<", 40, "lower") > worst_case("<=", 40, "lower")


def test_lowered_finding_carries_evidence_and_plain_explanation():
    ref = agreement(
        "ag_ref",
        clause("4.12", "A lump sum of ten annual wages in case of death.", page=9,
               norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage", text="ten annual wages"),)),
        level="general", title="General Agreement",
    )  # fmt: skip
    tgt = agreement(
        "ag_t",
        clause("7.2", "A lump sum of five annual wages in case of death.", page=4,
               norms=(norm("injury_compensation.death_lump_sum", "=", 5, "annual_wage", text="five annual wages"),)),
        title="Kazmetall",
    )  # fmt: skip
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.severity, finding.topic) == ("lowered", "high", "injury_compensation")
    assert (finding.agreement, finding.clause, finding.reference, finding.reference_clause) == (
        "ag_t", "7.2", "ag_ref", "4.12",
    )  # fmt: skip
    assert finding.explanation == "Lump sum on death is 5 annual wages; the reference sets 10 annual wages."
    assert (finding.expected.value, finding.found.value) == (10, 5)
    assert (finding.page, finding.reference_page) == (4, 9)
    assert finding.clause_text.startswith("A lump sum of five")
    assert finding.reference_clause_text.startswith("A lump sum of ten")
    assert (finding.agreement_title, finding.reference_title) == ("Kazmetall", "General Agreement")
    assert any("five annual wages" in e for e in finding.evidence)
    assert any("ten annual wages" in e for e in finding.evidence)


def test_missing_when_the_target_has_no_counterpart():
    ref = agreement("ag_ref", clause("2.4", norms=(norm("premium_pay.night", ">=", 1.5, "rate_multiple"),)))
    tgt = agreement("ag_t", clause("9.1", "Training.", topics=("training",)))
    (finding,) = compare_norms(tgt, ref).findings
    assert finding.kind == "missing" and finding.clause is None and finding.severity == "medium"
    assert finding.reference_clause == "2.4"


NIGHT = (
    "Each hour of night work from 22:00 to 06:00 shall be paid at not less than 1.5 times the hourly rate."
)


def test_unverifiable_when_a_same_subject_clause_states_no_value():
    ref = agreement(
        "ag_ref", clause("2.4", NIGHT, norms=(norm("premium_pay.night", ">=", 1.5, "rate_multiple"),))
    )
    tgt = agreement(
        "ag_t",
        clause("3.3", "Each hour of night work from 22:00 to 06:00 is paid at an increased hourly rate.",
               topics=("premium_pay",)),
        clause("3.4", "Work on public holidays is paid at an increased rate.", topics=("premium_pay",)),
    )  # fmt: skip
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.clause, finding.severity) == ("unverifiable", "3.3", "low")


def test_a_same_topic_clause_on_another_subject_does_not_hide_a_missing_guarantee():
    """Bug: any norm-less clause of the topic turned `missing` into `unverifiable` (gold: kazmetall 8.1)."""
    ref = agreement(
        "ag_ref", clause("2.4", NIGHT, norms=(norm("premium_pay.night", ">=", 1.5, "rate_multiple"),))
    )
    tgt = agreement(
        "ag_t",
        clause(
            "3.4", "Work on public holidays is paid at an increased daily tariff.", topics=("premium_pay",)
        ),
    )
    assert _kinds(tgt, ref) == ["missing"]


def test_unit_mismatch_is_unverifiable_not_guessed():
    ref = agreement("ag_ref", clause("2.2", norms=(norm("minimum_pay.floor", ">=", 1.2, "minimum_wage"),)))
    tgt = agreement("ag_t", clause("5.1", norms=(norm("minimum_pay.floor", ">=", 50000, "kzt"),)))
    assert _kinds(tgt, ref) == ["unverifiable"]
    leave_ref = agreement(
        "ag_ref", clause("6.1", norms=(norm("annual_leave.days", ">=", 24, "calendar_days"),))
    )
    leave_tgt = agreement("ag_t", clause("6.1", norms=(norm("annual_leave.days", ">=", 20, "working_days"),)))
    assert _kinds(leave_tgt, leave_ref) == ["unverifiable"]


def test_weeks_convert_to_days_by_the_seven_day_rule():
    ref = agreement("ag_ref", clause("8.1", norms=(norm("job_security.notice", ">=", 30, "days"),)))
    short = agreement("ag_t", clause("8.1", norms=(norm("job_security.notice", ">=", 4, "weeks"),)))
    long = agreement("ag_t", clause("8.1", norms=(norm("job_security.notice", ">=", 5, "weeks"),)))
    assert _kinds(short, ref) == ["lowered"]
    assert _kinds(long, ref) == ["ok"]


def test_weakened_when_the_number_is_kept_but_the_duty_becomes_a_permission():
    ref = agreement("ag_ref", clause("2.1", norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)))
    tgt = agreement(
        "ag_t",
        clause("5.3", norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),), modality="permission"),
    )
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.severity, finding.clause) == ("weakened", "medium", "5.3")


def test_a_lowered_and_weakened_guarantee_gets_one_verdict_that_names_both():
    ref = agreement("ag_ref", clause("2.1", norms=(norm("premium_pay.overtime", ">=", 2, "rate_multiple"),)))
    tgt = agreement(
        "ag_t",
        clause(
            "5.3", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),), modality="declaration"
        ),
    )
    (finding,) = compare_norms(tgt, ref).findings
    assert finding.kind == "lowered" and "declaration" in finding.explanation


def test_unknown_modality_is_never_called_weaker():
    ref = agreement("ag_ref", clause("2.1", norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)))
    tgt = agreement(
        "ag_t", clause("5.3", norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),), modality=None)
    )
    assert _kinds(tgt, ref) == ["ok"]


def test_a_reference_clause_without_a_norm_is_no_guarantee():
    """Guarantees are the reference's norms (flags included): a clause that only speaks of a topic
    gets no verdict, so the summary's count of guarantees is the count of verdicts."""
    ref = agreement(
        "ag_ref",
        clause("7.1", "The employer shall provide safe working conditions and train workers in safety.",
               topics=("safety_guarantees",)),
    )  # fmt: skip
    tgt = agreement(
        "ag_t",
        clause("4.1", "The employer shall strive to provide safe working conditions and train workers in safety.",
               topics=("safety_guarantees",), modality="declaration"),
    )  # fmt: skip
    comparison = compare_norms(tgt, ref)
    assert comparison.findings == () and comparison.guarantees == 0


@pytest.mark.parametrize(
    ("reference", "target", "expected"),
    [
        (None, None, "same"),
        ("harmful working conditions", "Harmful working conditions.", "same"),
        ("harmful working conditions", "harmful, working conditions", "same"),
        ("harmful working conditions", "harmful working conditions class 3.1", "narrower"),
        ("harmful working conditions", "dangerous working conditions class 4", "narrower"),
        ("harmful working conditions", "harmful working conditions, locomotive driver", "narrower"),
        ("disability group 1 or 2", "disability group 1", "narrower"),
        ("disability group 1 or 2", "disability group 3", None),
        ("particularly harmful working conditions", "harmful working conditions", None),
        ("seniority of 5 years or more", "seniority of 10 years or more", None),
        ("birth of a child", None, "all"),
        (None, "birth of a child", "only"),
    ],
)
def test_how_a_target_condition_stands_to_the_reference_condition(reference, target, expected):
    assert relation(reference, target) == expected


def test_narrower_conditions_answer_the_broader_one_all_at_or_above_is_ok_one_below_is_lowered():
    ref = agreement("ag_ref", clause("4.1", norms=(
        norm("hazard_pay.allowance", ">=", 12, "percent", condition="harmful working conditions"),)))
    fine = agreement("ag_t", clause("2.5", norms=(
        norm("hazard_pay.allowance", "=", 12, "percent", condition="harmful working conditions class 3.1"),
        norm("hazard_pay.allowance", "=", 16, "percent", condition="harmful working conditions class 3.2"),)))
    low = agreement("ag_t", clause("2.5", norms=(
        norm("hazard_pay.allowance", "=", 10, "percent", condition="harmful working conditions class 3.1"),
        norm("hazard_pay.allowance", "=", 16, "percent", condition="harmful working conditions class 3.2"),)))
    assert _kinds(fine, ref) == ["ok"]
    (finding,) = compare_norms(low, ref).findings
    assert (finding.kind, finding.found.value, finding.expected.condition) == ("lowered", 10, "harmful working conditions")


@pytest.mark.parametrize(
    ("value", "unit", "to_unit", "bounds"),
    [
        (2, "weeks", "days", (14, 14)),
        (2, "months", "days", (56, 62)),
        (60, "days", "months", (60 / 31, 60 / 28)),
        (10, "annual_wage", "monthly_wage", (120, 120)),
        (24, "days", "calendar_days", (24, 24)),
        (24, "working_days", "calendar_days", None),
        (1.2, "minimum_wage", "kzt", None),
    ],
)
def test_units_convert_only_by_definition_and_months_by_honest_bounds(value, unit, to_unit, bounds):
    got = interval(value, unit, to_unit)
    assert got == (pytest.approx(bounds[0]), pytest.approx(bounds[1])) if bounds else got is None


@pytest.mark.parametrize(
    ("reference", "target", "expected"),
    [
        ((">=", 30, "days"), ("=", 2, "months"), "improved"),  # 56-62 days
        ((">=", 60, "days"), ("=", 2, "months"), "unverifiable"),  # 56-62 straddles 60
        ((">=", 90, "days"), ("=", 2, "months"), "lowered"),
        ((">=", 2, "months"), ("=", 60, "days"), "unverifiable"),
        ((">=", 2, "months"), ("=", 63, "days"), "improved"),
    ],
)
def test_notice_in_months_and_days_compares_by_honest_bounds(reference, target, expected):
    ref = Norm(parameter="job_security.notice", comparator=reference[0], value=reference[1], unit=reference[2])
    tgt = Norm(parameter="job_security.notice", comparator=target[0], value=target[1], unit=target[2])
    assert judge(tgt, ref, "higher") == expected


def test_every_guarantee_gets_exactly_one_verdict():
    ref = agreement("ag_ref", clause("2.4", norms=(
        norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),
        norm("premium_pay.night", ">=", 1.5, "rate_multiple"),)),
        clause("5.4", norms=(norm("annual_leave.days", ">=", 24, "calendar_days"),)))
    tgt = agreement("ag_t", clause("3.1", norms=(
        norm("premium_pay.overtime", "=", 2, "rate_multiple"), norm("premium_pay.overtime", "=", 1.5, "rate_multiple"),)))
    comparison = compare_norms(tgt, ref)
    assert comparison.guarantees == 3 == len(comparison.findings)
    assert sorted(f.kind for f in comparison.findings) == ["missing", "missing", "ok"]


def test_a_norm_applied_by_reference_to_the_reference_is_ok_by_reference():
    ref = agreement("ag_ref", clause("4.3", norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage"),)),
                    title="General Agreement")
    applied = norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage", text="in the amount established by clause 4.3")
    applied = applied.model_copy(update={"by_reference": "General Agreement, clause 4.3"})
    tgt = agreement("ag_t", clause("5.1", norms=(applied,)))
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.by_reference, finding.clause) == ("ok", True, "5.1")


def test_an_unresolved_reference_to_an_agreement_of_the_references_level_is_ok_by_reference():
    from schemas import Incorporation

    ref = agreement("ag_ref", clause("4.4", norms=(norm("injury_compensation.disability_lump_sum", "=", 5, "annual_wage"),)),
                    level="sectoral")
    tgt = agreement("ag_t", clause("5.2", "Lump sums on disability are paid as the sectoral agreement provides.")
                    .model_copy(update={"incorporations": (Incorporation(level="sectoral", parameters=(
                        "injury_compensation.disability_lump_sum",), text="as the sectoral agreement provides"),)}))
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.by_reference) == ("ok", True)


def test_conditioned_reference_norms_meet_their_own_condition():
    ref = agreement(
        "ag_ref",
        clause("4.13", norms=(
            norm("injury_compensation.disability_lump_sum", "=", 5, "annual_wage", condition="disability group 1 or 2"),
            norm("injury_compensation.disability_lump_sum", "=", 3, "annual_wage", condition="disability group 3"),
        )),
    )  # fmt: skip
    tgt = agreement(
        "ag_t",
        clause("7.3", norms=(
            norm("injury_compensation.disability_lump_sum", "=", 5, "annual_wage", condition="disability group 1 or 2"),
            norm("injury_compensation.disability_lump_sum", "=", 2, "annual_wage", condition="disability group 3"),
        )),
    )  # fmt: skip
    findings = compare_norms(tgt, ref).findings
    assert [(f.kind, f.expected.condition) for f in findings] == [
        ("ok", "disability group 1 or 2"),
        ("lowered", "disability group 3"),
    ]


def test_unconditioned_target_covers_a_conditioned_reference_only_when_its_value_does():
    ref = agreement(
        "ag_ref",
        clause("3.2", norms=(norm("working_time.weekly_hours", "<=", 36, "hours", condition="harmful working conditions"),)),
    )  # fmt: skip
    covering = agreement("ag_t", clause("4.1", norms=(norm("working_time.weekly_hours", "<=", 35, "hours"),)))
    general_rule = agreement(
        "ag_t", clause("4.1", norms=(norm("working_time.weekly_hours", "<=", 40, "hours"),))
    )
    assert _kinds(covering, ref) == ["ok"]
    # 40 hours for everyone is the general rule, not a rule for harmful work: the 36 hours are missing.
    assert _kinds(general_rule, ref) == ["missing"]


def test_target_norm_only_under_a_condition_cannot_answer_an_unconditioned_one():
    ref = agreement("ag_ref", clause("2.4", norms=(norm("premium_pay.night", ">=", 1.5, "rate_multiple"),)))
    tgt = agreement(
        "ag_t",
        clause(
            "3.1", norms=(norm("premium_pay.night", ">=", 2, "rate_multiple", condition="shift workers"),)
        ),
    )
    assert _kinds(tgt, ref) == ["unverifiable"]


def test_the_least_favourable_counterpart_is_judged():
    ref = agreement(
        "ag_ref", clause("2.4", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),))
    )
    tgt = agreement(
        "ag_t",
        clause("3.1", norms=(norm("premium_pay.overtime", ">=", 2, "rate_multiple"),)),
        clause("9.4", norms=(norm("premium_pay.overtime", "=", 1.25, "rate_multiple"),)),
    )
    (finding,) = compare_norms(tgt, ref).findings
    assert (finding.kind, finding.clause) == ("lowered", "9.4")


def test_improvements_are_counted_and_reported_as_ok():
    ref = agreement(
        "ag_ref", clause("2.4", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),))
    )
    tgt = agreement("ag_t", clause("3.1", norms=(norm("premium_pay.overtime", "=", 2, "rate_multiple"),)))
    comparison = compare_norms(tgt, ref)
    assert [f.kind for f in comparison.findings] == ["ok"]
    assert comparison.improved == 1


def test_severity_comes_from_the_rules_file():
    ref = agreement(
        "ag_ref",
        clause("1.3", norms=(norm("non_regression.guarantee", "=", 1, "flag"),)),
        clause("6.1", norms=(norm("annual_leave.days", ">=", 30, "calendar_days"),)),
    )
    tgt = agreement(
        "ag_t",
        clause("1.3", norms=(norm("non_regression.guarantee", "=", 0, "flag"),)),
        clause("6.1", norms=(norm("annual_leave.days", ">=", 24, "calendar_days"),)),
    )
    severities = {f.parameter: f.severity for f in compare_norms(tgt, ref).findings}
    assert severities == {"non_regression.guarantee": "medium", "annual_leave.days": "high"}


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_norms = st.builds(
    Norm,
    parameter=st.just("premium_pay.overtime"),
    comparator=st.sampled_from([">=", "<=", "=", ">", "<"]),
    value=st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda v: round(v, 2)),
    unit=st.just("rate_multiple"),
)


@given(_norms, _norms, st.sampled_from(["higher", "lower"]))
def test_judging_is_a_consistent_order(a, b, better):
    """Swapping the sides swaps lowered and improved; a norm always meets itself."""
    swapped = {"lowered": "improved", "improved": "lowered", "ok": "ok"}
    assert judge(a, b, better) == swapped[judge(b, a, better)]
    assert judge(a, a, better) == "ok"
