from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.segment.dates import find_dates, month_number, year_range

EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"]
RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря"]


@given(st.dates(min_value=date(1991, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_round_trip_in_every_written_form(d):
    forms = [
        f"{d.day} {EN[d.month - 1]} {d.year}",
        f"{EN[d.month - 1]} {d.day}, {d.year}",
        f"{d.day} {RU_GEN[d.month - 1]} {d.year} года",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
    ]
    for text in forms:
        found = find_dates(f"valid from {text} onwards")
        assert [f.value for f in found] == [d], text


@pytest.mark.parametrize("text", ["in 2024.", "1.5 times", "31 February 2024", "May 2024", "5.3.1", "12.2024"])
def test_incomplete_or_impossible_dates_are_not_dates(text):
    assert find_dates(text) == []


def test_month_names_in_three_languages():
    assert month_number("Dec") == 12
    assert month_number("декабре") == 12
    assert month_number("желтоқсан") == 12
    assert month_number("марта") == 3
    assert month_number("mayor") is None


def test_year_range():
    assert year_range("на 2024–2026 годы") == (2024, 2026)
    assert year_range("for 2024-2026") == (2024, 2026)
    assert year_range("2026-2024") is None
