"""Roman numerals, both ways: Word's list numbers are rendered with them (``to_roman``) and
section and chapter numbers are read from them (``roman_to_int``)."""

from __future__ import annotations

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(n: int) -> str:
    """Upper-case Roman numeral; Word writes thousands past 3999 as repeated M."""
    if n <= 0:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def roman_to_int(roman: str) -> int | None:
    """The value of a Roman numeral up to C (section numbers), or None when it is not one."""
    total, prev = 0, 0
    for ch in reversed(roman.upper()):
        v = _VALUES.get(ch)
        if v is None or v > 100:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None
