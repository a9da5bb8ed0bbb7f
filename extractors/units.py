"""Unit vocabulary: the one place where surface forms become taxonomy unit ids.

The words live in ``extractors/data/<lang>/units.yaml``; this module compiles
them and answers two questions: which unit stands right after a quantity
("24 calendar days" -> ``calendar_days``), and which units stand on their own
with an implied value ("not lower than the inflation rate" -> 1 ``inflation``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors import DATA
from extractors.regexes import Group, Screened, caseless, first_characters, screen
from schemas.datafile import read_yaml

_FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class UnitMatch:
    """A unit's words in a text: ``text[start:end]`` names ``unit``."""

    unit: str
    start: int
    end: int
    text: str
    rule: str
    value: float | None = None  # set only by phrases that carry their own value ("every half month")


@dataclass(frozen=True)
class _Lexicon:
    after: tuple[tuple[str, str, re.Pattern], ...]  # (unit, rule id, pattern anchored at a position)
    implicit_anywhere: frozenset[str]
    implicit_after_comparator: frozenset[str]
    implicit: tuple[tuple[str, str, Screened], ...]
    fixed: tuple[tuple[str, float, str, Screened], ...]
    # unit -> the characters (caseless) its words can begin with after the spaces; None: any
    after_first: dict[str, frozenset[str] | None]
    any_implicit: Group  # the implicit patterns, screened together (Group.live)
    # unit -> its after-quantity patterns screened by their words, to ask whether the unit can stand in a text at all
    after_screened: dict[str, tuple[Screened, ...]]
    any_fixed: Group
    # unit -> (can this unit start at a position, its (rule, pattern) in vocabulary order); units in that order
    after_by_unit: tuple[tuple[str, re.Pattern, tuple[tuple[str, re.Pattern], ...]], ...]


def fold(text: str) -> str:
    """Write ё as е, keeping every offset: the vocabulary is written without ё."""
    return text.replace("ё", "е").replace("Ё", "Е")


@cache
def _lexicon(lang: str) -> _Lexicon:
    path = DATA / lang / "units.yaml"
    raw = read_yaml(path) if path.exists() else {}
    after = tuple(
        (unit, f"{lang}:unit:{unit}#{i}", re.compile(r"\s*(?:" + pat + ")", _FLAGS))
        for unit, pats in (raw.get("after_quantity") or {}).items()
        for i, pat in enumerate(pats)
    )
    implicit_raw = raw.get("implicit_one") or {}
    implicit = tuple(
        (unit, f"{lang}:implicit:{unit}#{i}", Screened(pat, _FLAGS))
        for unit, pats in (implicit_raw.get("patterns") or {}).items()
        for i, pat in enumerate(pats)
    )
    firsts = {
        unit: _union([first_characters(pat, _FLAGS) for pat in pats])
        for unit, pats in (raw.get("after_quantity") or {}).items()
    }
    fixed = tuple(
        (f["unit"], float(f["value"]), f"{lang}:fixed:{f['unit']}#{i}", Screened(f["pattern"], _FLAGS))
        for i, f in enumerate(raw.get("fixed") or [])
    )
    return _Lexicon(
        after=after,
        implicit_anywhere=frozenset(implicit_raw.get("anywhere") or ()),
        implicit_after_comparator=frozenset(implicit_raw.get("after_comparator") or ()),
        implicit=implicit,
        fixed=fixed,
        any_implicit=Group(p for _, _, p in implicit),
        any_fixed=Group(p for *_, p in fixed),
        after_first=firsts,
        after_screened={
            unit: tuple(Screened(p.pattern, p.flags) for u, _, p in after if u == unit)
            for unit in dict.fromkeys(u for u, _, _ in after)
        },
        after_by_unit=tuple(
            (unit, _screen_of([p for u, _, p in after if u == unit]), tuple((r, p) for u, r, p in after if u == unit))
            for unit in dict.fromkeys(u for u, _, _ in after)
        ),
    )


def _screen_of(patterns: list[re.Pattern]) -> re.Pattern:
    """The alternation of a unit's patterns (it has at least one)."""
    found = screen(patterns)
    if found is None:
        raise ValueError("a unit needs at least one pattern")
    return found


def _union(firsts: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The first characters of a unit's patterns together; None when one is unknown or a space
    (a first character that is a space would let "\\s*" give some back)."""
    union: set[str] = set()
    for f in firsts:
        if f is None or any(c.isspace() for c in f):
            return None
        union |= f
    return frozenset(union)


def unit_after(text: str, pos: int, lang: str, only: frozenset[str] | set[str] | None = None) -> UnitMatch | None:
    """The unit whose words start at ``pos`` (after spaces), longest first; None if none does."""
    folded = fold(text)
    # every unit's words follow "\s*" and begin with one of its first characters: look at that character
    start = pos
    while start < len(folded) and folded[start].isspace():
        start += 1
    best: UnitMatch | None = None
    # then a unit's patterns are tried only where its own screen says one can start: same order, same result
    for unit, unit_screen, patterns in _units_beginning(lang, folded[start] if start < len(folded) else ""):
        if (only is not None and unit not in only) or unit_screen.match(folded, pos) is None:
            continue
        for rule, pattern in patterns:
            m = pattern.match(folded, pos)
            if m is None or m.end() == m.start():
                continue
            start = pos + (len(m.group(0)) - len(m.group(0).lstrip()))
            if best is None or m.end() > best.end:
                best = UnitMatch(unit, start, m.end(), text[start : m.end()], rule)
    return best


_BEGINNING: dict[tuple[str, str], tuple] = {}  # (lang, character) -> the units whose words can begin with it


def _units_beginning(lang: str, char: str) -> tuple[tuple[str, re.Pattern, tuple[tuple[str, re.Pattern], ...]], ...]:
    """The entries of ``after_by_unit`` whose words can begin with ``char`` ("" at the end of the text)."""
    found = _BEGINNING.get((lang, char))
    if found is None:
        lexicon = _lexicon(lang)
        folded = caseless(char)
        found = tuple(
            entry
            for entry in lexicon.after_by_unit
            if (first := lexicon.after_first.get(entry[0])) is None or (char and folded in first)
        )
        if len(_BEGINNING) < 10_000:
            _BEGINNING[(lang, char)] = found
    return found


def may_stand_in(text: str, lang: str, only: frozenset[str] | set[str]) -> bool:
    """False only when no unit of ``only`` can be named anywhere in ``text``: the words it needs are not there.

    So :func:`unit_after` with that ``only`` finds nothing at any position of ``text``.
    """
    screened = _lexicon(lang).after_screened
    folded = fold(text)
    return any(p.possible(folded) for unit in only for p in screened.get(unit, ()))


def implicit_units(text: str, lang: str) -> list[UnitMatch]:
    """Units that may stand without a number, wherever they occur in ``text``."""
    folded = fold(text)
    lexicon = _lexicon(lang)
    live = lexicon.any_implicit.live(folded)
    found = [
        UnitMatch(unit, m.start(), m.end(), text[m.start() : m.end()], rule, 1.0)
        for number, (unit, rule, pattern) in enumerate(lexicon.implicit)
        if number in live
        for m in pattern.regex.finditer(folded)
    ]
    return _longest_first(found)


def fixed_phrases(text: str, lang: str) -> list[UnitMatch]:
    """Phrases that state a unit and its value together ("every half month" = 2 times a month)."""
    folded = fold(text)
    lexicon = _lexicon(lang)
    live = lexicon.any_fixed.live(folded)
    found = [
        UnitMatch(unit, m.start(), m.end(), text[m.start() : m.end()], rule, value)
        for number, (unit, value, rule, pattern) in enumerate(lexicon.fixed)
        if number in live
        for m in pattern.regex.finditer(folded)
    ]
    return _longest_first(found)


def implied_anywhere(lang: str) -> frozenset[str]:
    """Units whose bare mention means a value of 1 ("the inflation rate")."""
    return _lexicon(lang).implicit_anywhere


def implied_after_comparator(lang: str) -> frozenset[str]:
    """Units that mean 1 of themselves right after a comparator ("not less than the minimum wage")."""
    return _lexicon(lang).implicit_after_comparator | _lexicon(lang).implicit_anywhere


def after_quantity_units(lang: str) -> frozenset[str]:
    """Every unit id the language's vocabulary can name after a quantity."""
    return frozenset(unit for unit, _, _ in _lexicon(lang).after)


def _longest_first(matches: list[UnitMatch]) -> list[UnitMatch]:
    """Drop matches that lie inside a longer one, keep text order."""
    kept: list[UnitMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept
