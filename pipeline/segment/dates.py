"""Dates as agreements write them, in English, Russian and Kazakh: the one place for them.

We do not use dateparser here: agreements use a handful of formats, and its
search mode guesses missing parts (year, day), which a legal date must never do.
Every date found has a day, a month and a year in the text, or it is not a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december")
# Russian and Kazakh months are declined («января», «январе», «қаңтардағы»): match by stem.
_STEMS = {
    1: ("январ", "қаңтар"), 2: ("феврал", "ақпан"), 3: ("март", "наурыз"), 4: ("апрел", "сәуір"),
    5: ("мая", "май", "мае", "мамыр"), 6: ("июн", "маусым"), 7: ("июл", "шілде"), 8: ("август", "тамыз"),
    9: ("сентябр", "қыркүйек"), 10: ("октябр", "қазан"), 11: ("ноябр", "қараша"), 12: ("декабр", "желтоқсан"),
}
_MONTH_WORD = r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+"


def month_number(word: str) -> int | None:
    """1-12 for a month name (English full or 3+ letter abbreviation, Russian or Kazakh in any case)."""
    w = word.lower().strip(".")
    for n, name in enumerate(_EN_MONTHS, start=1):
        if len(w) >= 3 and name.startswith(w):
            return n
    for n, stems in _STEMS.items():
        if any(w.startswith(stem) for stem in stems):
            return n
    return None


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int


_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d.]?\d)")
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_WORD})\.?,?\s+(\d{{4}})")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_WORD})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
# Kazakh: «2024 жылғы 1 қаңтар(дан)»
_YEAR_DAY_MONTH = re.compile(rf"(\d{{4}})\s+жыл\w*\s+(\d{{1,2}})\s+({_MONTH_WORD})")


def _make(y: int, m: int | None, d: int) -> date | None:
    if m is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


# Each way of writing a date, with the groups of its year, month and day: 01.02.2024,
# 1 February 2024, February 1, 2024, 2024 жылғы 1 ақпан.
_ORDERS = ((_NUMERIC, 3, 2, 1), (_DAY_MONTH_YEAR, 3, 2, 1), (_MONTH_DAY_YEAR, 3, 1, 2), (_YEAR_DAY_MONTH, 1, 3, 2))


def find_dates(text: str) -> list[FoundDate]:
    """Every complete date in ``text``, in order of appearance."""
    found: list[FoundDate] = []
    for pattern, year, month, day in _ORDERS:
        for m in pattern.finditer(text):
            month_of = int(m[month]) if pattern is _NUMERIC else month_number(m[month])
            d = _make(int(m[year]), month_of, int(m[day]))
            if d:
                found.append(FoundDate(d, m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    # Overlapping matches of two patterns over the same words: keep the first, longest.
    result: list[FoundDate] = []
    for f in found:
        if result and f.start < result[-1].end:
            continue
        result.append(f)
    return result


_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")


def year_range(text: str) -> tuple[int, int] | None:
    """A span of years such as "2024-2026" / «2024–2026 годы», or None."""
    m = _YEAR_RANGE.search(text)
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    return (a, b) if a <= b <= a + 10 else None
