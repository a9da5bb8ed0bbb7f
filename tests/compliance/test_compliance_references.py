"""References: the Labour Code floors, the level hierarchy, and what --against names."""

from __future__ import annotations

import logging

import pytest
import yaml
from compliance_builders import agreement, clause, norm

from pipeline.compliance import references
from pipeline.compliance.check import check_agreements
from pipeline.compliance.references import LABOUR_CODE, ReferenceNotFound, ReferenceRefused
from schemas.taxonomy import taxonomy


def test_labour_code_cites_an_article_and_a_source_for_every_value():
    raw = yaml.safe_load(LABOUR_CODE.read_text(encoding="utf-8"))
    assert "414-V" in raw["code"]
    for article in raw["articles"]:
        assert article["number"].startswith("Art. ")
        assert article["source"].startswith("http")
        for n in article["norms"]:
            parameter = taxonomy().parameters[n["parameter"]]
            assert n["unit"] in parameter.units and n["text"]


def test_labour_code_is_an_agreement_the_engine_can_use():
    code = references.resolve("labour-code")
    assert code.level is None and code.id == references.LABOUR_CODE_ID
    floors = {(n.parameter, n.condition): (n.comparator, n.value) for c in code.clauses for n in c.norms}
    assert floors[("working_time.weekly_hours", None)] == ("<=", 40)
    assert floors[("annual_leave.days", None)] == (">=", 24)
    assert floors[("wage_payment.frequency", None)] == (">=", 1)
    assert floors[("premium_pay.overtime", None)] == (">=", 1.5)


def test_check_against_the_labour_code_flags_a_longer_week():
    target = agreement("ag_t", clause("4.1", norms=(norm("working_time.weekly_hours", "<=", 42, "hours"),)))
    report = check_agreements([target], references.labour_code())
    lowered = [f for f in report.findings if f.kind == "lowered"]
    assert [(f.reference_clause, f.parameter) for f in lowered] == [
        ("Art. 68(1)", "working_time.weekly_hours")
    ]


def test_a_lower_level_reference_is_refused_unless_forced():
    sectoral = agreement(
        "ag_s",
        clause("1.1", norms=(norm("premium_pay.overtime", ">=", 2, "rate_multiple"),)),
        level="sectoral",
    )
    collective = agreement(
        "ag_c", clause("1.1", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),))
    )
    with pytest.raises(ReferenceRefused, match="cannot be checked against a lower collective agreement"):
        check_agreements([sectoral], collective)
    forced = check_agreements([sectoral], collective, force=True)
    assert [f.kind for f in forced.findings] == ["ok"]
    assert [f.kind for f in check_agreements([collective], sectoral).findings] == ["lowered"]


def test_unknown_levels_are_allowed_with_a_warning(caplog):
    unknown = agreement(
        "ag_u", clause("1.1", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),)), level=None
    )
    general = agreement(
        "ag_g",
        clause("1.1", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),)),
        level="general",
    )
    with caplog.at_level(logging.WARNING, logger="pipeline.compliance.references"):
        report = check_agreements([unknown], general)
    assert [f.kind for f in report.findings] == ["ok"]
    assert "unknown" in caplog.text


def test_against_a_file_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(ReferenceNotFound, match="no such file"):
        references.resolve(str(tmp_path / "nope.pdf"))


def test_a_stored_id_without_a_database_is_a_clear_error(tmp_path):
    from pipeline.store import DatabaseError

    with pytest.raises(DatabaseError, match="ag_0123.*no clause database"):
        references.resolve("ag_0123", db=tmp_path / "missing.db")
