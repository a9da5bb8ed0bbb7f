"""A clause that names the agreement's own rate instead of stating it ("paid at the overtime rate")
gets the value the agreement states elsewhere, with the clause it comes from."""

from __future__ import annotations

import pytest

from pipeline.analyze import analyze
from schemas import Agreement, Clause, Source


def _read(lang: str, *texts: str) -> Agreement:
    clauses = tuple(Clause(id=str(i), number=str(i + 1), text=t) for i, t in enumerate(texts))
    return analyze(Agreement(id="a", source=Source(path="a.pdf", sha256="0" * 64, format="pdf"), language=lang, clauses=clauses))


def _overtime(clause: Clause) -> list[tuple]:
    return [(n.comparator, n.value, n.unit, n.by_reference) for n in clause.norms if n.parameter == "premium_pay.overtime"]


@pytest.mark.parametrize(
    ("lang", "rate", "naming"),
    [
        ("en", "Overtime shall be paid at time and one-half (1-1/2) the regular rate.",
         "An employee called back to work will receive overtime compensation in accordance with the Overtime Article."),
        ("en", "All overtime is paid at one and one-half times the employee's regular rate of pay.",
         "Employees working more than twelve (12) hours in a 24-hour period shall be paid at the overtime rate."),
        ("en", "Overtime work shall be compensated at time and one-half.",
         "Work on a scheduled day off is compensated as overtime."),
        ("ru", "Сверхурочная работа оплачивается в полуторном размере.",
         "Время в пути оплачивается в порядке, установленном для сверхурочной работы."),
        ("ru", "Сверхурочная работа оплачивается не менее чем в полуторном размере.",
         "Работа сверх графика оплачивается как сверхурочная работа."),
    ],
)
def test_a_named_rate_takes_the_value_the_agreement_states(lang, rate, naming):
    agreement = _read(lang, rate, naming)
    stated = _overtime(agreement.clauses[0])
    assert len(stated) == 1 and stated[0][3] is None
    comparator, value, unit, _ = stated[0]
    assert _overtime(agreement.clauses[1]) == [(comparator, value, unit, "this agreement, clause 1")]
    assert any(e.kind == "reference" and e.label == "own" for e in agreement.clauses[1].evidence)


def test_two_values_or_none_leave_the_named_rate_unresolved():
    two = _read("en", "Overtime shall be paid at time and one-half.", "Overtime on holidays shall be paid at double time.",
                "Employees called back shall be paid at the overtime rate.")
    assert _overtime(two.clauses[2]) == []
    assert [i.level for i in two.clauses[2].incorporations] == ["own"]
    none = _read("en", "Employees called back shall be paid at the overtime rate.")
    assert _overtime(none.clauses[0]) == []


def test_the_clause_that_states_the_rate_does_not_refer_to_itself():
    agreement = _read("en", "The overtime rate shall be time and one-half (1-1/2) the regular rate.")
    assert [i.level for i in agreement.clauses[0].incorporations] == []
    assert _overtime(agreement.clauses[0]) == [("=", 1.5, "rate_multiple", None)]
