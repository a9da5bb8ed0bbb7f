"""Regexes that know which words they need: skip a pattern when the text lacks them.

Norms are read with many small patterns (comparators, units, conditions, flag
cues, parameter cues), each tried on every clause, though most clauses hold
none of them. Python's ``re`` cannot skip ahead in an ``IGNORECASE`` pattern that
starts with a look-behind, so each costs a full scan: 5-40 µs per clause.

:class:`Screened` reads, once, the literal words a pattern cannot match without
("not\\s+less\\s+than" needs "not", "less" and "than"; "(?:less|lower)" needs
one of them) from the pattern's own parse tree, and tries the pattern only on a
text that contains them. The words are necessary, so the matches are exactly
those of the plain pattern.

Which words a text contains is found once per text, for every screened pattern
at once: the words of all of them make one Aho-Corasick automaton
(``ahocorasick_rs``, one pass over the text in :func:`caseless` form), and a
pattern's screen is then a few set lookups. Trying each word as a substring in
turn cost 11 µs per clause and group of patterns.

:func:`screen` is the other shortcut: the alternation of many patterns, for a
caller that asks whether any of them matches at one position.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ahocorasick_rs import AhoCorasick

# The parser behind re.compile and its table of letters that match more than their
# own case (ſ matches s, ı matches i, ᲀ matches в): private modules of Python 3.11+.
# Without them no pattern is screened, which costs time, never a match.
_casefix: Any
_sre: Any
_sre_parse: Any
try:
    from re import _casefix  # type: ignore[attr-defined,no-redef]
    from re import _constants as _sre  # type: ignore[attr-defined,no-redef]
    from re import _parser as _sre_parse  # type: ignore[attr-defined,no-redef]
except ImportError:  # pragma: no cover
    _sre = _sre_parse = _casefix = None

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_REPEATS = tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre, name))

Need = frozenset[str]  # one of these (caseless) strings must occur in the text


def needed_words(pattern: str, flags: int = 0) -> tuple[Need, ...]:
    """The literal strings every match of ``pattern`` contains, as alternatives: all of the tuple, one of each set.

    Strings are in :func:`caseless` form. Only runs of two or more literal
    characters count; anything the reading cannot be sure of (a class, a
    look-around, an optional part) is left out, which only makes the screen let
    more texts through.
    """
    if _sre_parse is None:
        return ()
    return tuple(_needs(_sre_parse.parse(pattern, flags)))


def _same_letters() -> dict[int, int]:
    """Each letter that ``re.IGNORECASE`` matches with others, mapped to one of its class (the lowest).

    Only the letters that change are listed: the lowest of each class stays itself.
    """
    table: dict[int, int] = {}
    for letter, others in (_casefix._EXTRA_CASES if _casefix else {}).items():
        members = {letter, *others}
        for m in members:
            if m != min(members):
                table[m] = min(members)
    return table


_SAME = _same_letters()
# str.translate looks each non-ASCII character up in the table: 15 µs for a Russian
# clause, so it runs only on a text that holds one of these rare letters (ſ, ı, ᲀ, ...)
_RARE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_SAME)) + "]") if _SAME else None


def caseless(text: str) -> str:
    """``text`` as ``re.IGNORECASE`` compares it: lower case (İ as i, like re), one letter per class (ſ as s)."""
    lowered = text.replace("İ", "i").lower()
    if lowered.isascii() or _RARE is None or _RARE.search(lowered) is None:  # the rare letters are none of them ASCII
        return lowered
    return lowered.translate(_SAME)


def _needs(seq) -> list[Need]:
    needs: list[Need] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            needs.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in seq:
        if op is _sre.LITERAL:
            run.append(caseless(chr(av)))
            continue
        flush()
        if op is _sre.SUBPATTERN:
            needs.extend(_needs(av[-1]))
        elif getattr(_sre, "ATOMIC_GROUP", None) is not None and op is _sre.ATOMIC_GROUP:
            needs.extend(_needs(av))
        elif op in _REPEATS and av[0] >= 1:
            needs.extend(_needs(av[2]))
        elif op is _sre.BRANCH:
            branches = [_needs(branch) for branch in av[1]]
            if branches and all(branches):
                # one requirement per branch, the most selective: the union is needed
                needs.append(frozenset().union(*(min(b, key=_selectivity) for b in branches)))
    flush()
    return needs


def first_characters(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters, in :func:`caseless` form, that a match of ``pattern`` can begin with.

    None when the reading cannot tell (a class like ``\\w``, a negation, any
    character) or when the pattern can match the empty string. Zero-width parts
    (look-arounds, anchors) are stepped over: that only lets more characters in.
    """
    if _sre_parse is None:
        return None
    chars, nullable = _first(_sre_parse.parse(pattern, flags))
    return None if chars is None or nullable else frozenset(chars)


def _first(seq) -> tuple[set[str] | None, bool]:
    """(first characters of ``seq``, whether it can match empty); (None, _) when unknown."""
    chars: set[str] = set()
    for op, av in seq:
        if op is _sre.LITERAL:
            return chars | {caseless(chr(av))}, False
        if op is _sre.IN:
            found = _first_of_class(av)
            return (None if found is None else chars | found), False
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width
        if op is _sre.SUBPATTERN:
            sub, nullable = _first(av[-1])
        elif getattr(_sre, "ATOMIC_GROUP", None) is not None and op is _sre.ATOMIC_GROUP:
            sub, nullable = _first(av)
        elif op in _REPEATS:
            sub, nullable = _first(av[2])
            nullable = nullable or av[0] == 0
        elif op is _sre.BRANCH:
            branches = [_first(branch) for branch in av[1]]
            sub = set()
            for b, _ in branches:
                if b is None:
                    return None, False
                sub |= b
            nullable = any(n for _, n in branches)
        else:
            return None, False  # any character, a negated literal, a back-reference...
        if sub is None:
            return None, False
        chars |= sub
        if not nullable:
            return chars, False
    return chars, True


def _first_of_class(items) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            out.add(caseless(chr(av)))
        elif op is _sre.RANGE and av[1] - av[0] <= 256:
            out.update(caseless(chr(c)) for c in range(av[0], av[1] + 1))
        else:
            return None  # a negation, a category, a wide range
    return out


def _selectivity(need: Need) -> tuple[int, int]:
    return (len(need), -min(len(w) for w in need))


class _NeededWords:
    """Every word some screened pattern needs, and the automaton that finds them all in one pass."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.version = 0  # grows when a word is added: what was found before may miss it
        self._automaton: AhoCorasick | None = None
        self._built = -1

    def add(self, needs: Iterable[Need]) -> None:
        new = {w for need in needs for w in need} - self.words
        if new:
            self.words |= new
            self.version += 1

    def automaton(self) -> AhoCorasick | None:
        if self._built != self.version:
            words = sorted(self.words)
            self._automaton = AhoCorasick(words, store_patterns=True) if words else None
            self._built = self.version
        return self._automaton


_WORDS = _NeededWords()
_FOUND: dict[str, frozenset[str]] = {}  # text -> present(text), for the few texts being read at a time
_FOUND_VERSION = [0]  # the _WORDS.version _FOUND was made with


def present(text: str) -> frozenset[str]:
    """The needed words (of every :class:`Screened` pattern) that occur in ``text``, compared like ``re.IGNORECASE``."""
    found = _FOUND.get(text)
    if found is not None and _FOUND_VERSION[0] == _WORDS.version:
        return found
    if _FOUND_VERSION[0] != _WORDS.version or len(_FOUND) >= 256:
        _FOUND.clear()  # a word was added (found sets may miss it), or enough texts are remembered
        _FOUND_VERSION[0] = _WORDS.version
    automaton = _WORDS.automaton()
    found = frozenset() if automaton is None else frozenset(
        automaton.find_matches_as_strings(caseless(text), overlapping=True)
    )
    _FOUND[text] = found
    return found


_NONE: Iterator[re.Match] = iter(())  # exhausted: safe to hand out again


class Screened:
    """A compiled pattern that is tried only on texts holding its :func:`needed_words`.

    Quacks like ``re.Pattern`` for ``finditer``, ``search``, ``match`` and
    ``fullmatch``; ``pattern`` and ``flags`` are the plain pattern's.
    """

    __slots__ = ("regex", "pattern", "flags", "needs")

    def __init__(self, pattern: str, flags: int = 0):
        self.regex = re.compile(pattern, flags)
        self.pattern = self.regex.pattern
        self.flags = self.regex.flags
        self.needs = needed_words(pattern, flags)
        _WORDS.add(self.needs)

    def possible(self, text: str) -> bool:
        """False only when no match can exist in ``text``."""
        if not self.needs:
            return True
        found = present(text)
        for need in self.needs:  # a loop, not all(...): this runs ~100 times per clause
            if need.isdisjoint(found):
                return False
        return True

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        return self.regex.finditer(text, pos, endpos) if not self.needs or self.possible(text) else _NONE

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.regex.search(text, pos, endpos) if self.possible(text) else None

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.regex.match(text, pos, endpos) if self.possible(text) else None

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.regex.fullmatch(text, pos, endpos) if self.possible(text) else None

    def __repr__(self) -> str:
        return f"Screened({self.pattern!r}, needs={[sorted(n) for n in self.needs]})"


class Group:
    """Patterns tried together (the comparators, the flag cues, the conditions), screened together.

    :meth:`live` answers once per text which of the patterns can match in it.
    A caller reading one clause many times (once per measure) then tries only
    those, on the clause or any part of it, without a screen per pattern and call.
    """

    __slots__ = ("patterns", "_needs", "_always", "_by_first", "_last")

    def __init__(self, patterns: Iterable[Screened]):
        self.patterns = tuple(patterns)
        # each pattern's needs, the most selective first: the words of that one say which patterns to look at
        self._needs = tuple(tuple(sorted(p.needs, key=_selectivity)) for p in self.patterns)
        self._always = tuple(n for n, needs in enumerate(self._needs) if not needs)
        self._by_first: dict[str, list[int]] = {}
        for n, needs in enumerate(self._needs):
            for word in needs[0] if needs else ():
                self._by_first.setdefault(word, []).append(n)
        self._last: tuple[str, frozenset[int]] | None = None  # the text asked last, and its answer

    def live(self, text: str) -> frozenset[int]:
        """The numbers (places in ``patterns``) of the patterns that may match in ``text`` or any part of it.

        The same patterns as ``p.possible(text)`` allows: those whose every need
        has a word in ``text``. A pattern left out has no match in ``text``, so a
        caller may use ``p.regex`` on the others directly.
        """
        last = self._last
        if last is not None and last[0] is text:
            return last[1]  # the same clause again (its conditions are asked for item by item)
        found = present(text)
        candidates = set(self._always)
        by_first = self._by_first
        for word in found:
            numbers = by_first.get(word)
            if numbers is not None:
                candidates.update(numbers)
        needs = self._needs
        live = []
        for n in candidates:
            for need in needs[n][1:]:
                if need.isdisjoint(found):
                    break
            else:
                live.append(n)
        answer = frozenset(live) if live else _NO_NUMBERS
        self._last = (text, answer)
        return answer


_NO_NUMBERS: frozenset[int] = frozenset()


def screen(patterns: Iterable[re.Pattern | Screened]) -> re.Pattern | None:
    """The alternation of ``patterns`` (which must share their flags); None when there are none.

    For asking whether any of them matches at one position (``screen.match(text,
    pos)``): cheap there, unlike a search through a whole text. Named groups are
    made plain (one name may not repeat in one regex); a pattern that refers back
    to a group cannot be screened.
    """
    patterns = list(patterns)
    if not patterns:
        return None
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError(f"patterns of one screen must share their flags, got {sorted(flags)}")
    sources = [p.pattern for p in patterns]
    if any("(?P=" in s or "(?(" in s or re.search(r"\\[1-9]", s) for s in sources):
        raise ValueError("a pattern with a back-reference cannot be screened")
    return re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', s)})" for s in sources), flags.pop())
