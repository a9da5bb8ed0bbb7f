"""Norms printed in a clause's tables: a rate in a column header, rows by day of the week, rows by profession."""

from __future__ import annotations

from extractors import annotate_clauses
from pipeline.realtext import split_tables
from schemas import Table
from schemas.models import Clause

SCHEDULE = (
    ("Day of Week", "Straight Time", "Time and One Half (1.5x)", "Double Time (2x)"),
    ("Monday", "8 hours", "Up to 2 hours", "After 10 hours"),
    ("Tuesday", "8 hours", "Up to 2 hours", "After 10 hours"),
    ("Wednesday", "8 hours", "Up to 2 hours", "After 10 hours"),
    ("Saturday", "", "", "All hours"),
    ("Statutory Holiday", "", "", "All hours"),
)


def _norms(text: str, rows, lang: str = "en") -> list[tuple]:
    clause = Clause(id="c", number="1", text=text, tables=(Table(rows=tuple(rows)),))
    return sorted((n.parameter, n.comparator, n.value, n.unit) for n in annotate_clauses([clause], lang)[0].norms)


def test_a_rate_in_a_column_header_is_read_once_and_the_row_says_which_premium():
    assert _norms("Overtime shall be paid as follows:", SCHEDULE) == [
        ("premium_pay.holiday", "=", 2.0, "rate_multiple"),
        ("premium_pay.overtime", "=", 1.5, "rate_multiple"),
        ("premium_pay.overtime", "=", 2.0, "rate_multiple"),
        ("premium_pay.weekend", "=", 2.0, "rate_multiple"),
    ]


def test_hours_under_a_rate_are_pay_not_a_working_day():
    found = _norms("Overtime shall be paid as follows:", SCHEDULE)
    assert ("working_time.daily_hours", "<=", 2.0, "hours") not in found
    assert ("working_time.daily_hours", "=", 10.0, "hours") not in found


def test_rows_of_two_professions_with_the_same_value_stay_two_guarantees():
    rows = (
        ("Профессия", "Класс условий труда", "Дополнительный отпуск"),
        ("Монтёр пути", "3.1", "7 календарных дней"),
        ("Осмотрщик-ремонтник вагонов", "3.1", "7 календарных дней"),
    )
    text = ("Работникам, занятым на работах с вредными условиями труда, предоставляется дополнительный "
            "оплачиваемый ежегодный трудовой отпуск по профессиям, указанным в таблице, – не менее:")
    found = _norms(text, rows, "ru")
    assert found.count(("annual_leave.additional_days", ">=", 7.0, "calendar_days")) == 2


def test_a_markdown_pipe_table_is_a_table_not_prose():
    text = (
        "Overtime Provisions:\n\n"
        "| Day of Week | Straight Time | Double Time (2x) |\n"
        "|-------------|---------------|------------------|\n"
        "| Monday      | 8 hours       | After 8 hours    |\n\n"
        "All other hours are paid at straight time."
    )
    prose, tables = split_tables(text)
    assert "|" not in prose and "All other hours" in prose and "Overtime Provisions" in prose
    assert [t.rows for t in tables] == [(("Day of Week", "Straight Time", "Double Time (2x)"), ("Monday", "8 hours", "After 8 hours"))]
