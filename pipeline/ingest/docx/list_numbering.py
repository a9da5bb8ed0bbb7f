"""Word's automatic numbering, rendered as Word shows it (ECMA-376 Part 1, section 17.9).

python-docx leaves numbering to the reader: the text "5.3." that a lawyer sees in
front of a clause lives in ``numbering.xml`` and in counters that only exist while
Word lays the document out. This module keeps those counters.

Where Word departs from the standard we follow Word, citing [MS-OI29500]:
- counters belong to the abstract numbering definition, so two ``w:num`` over one
  ``w:abstractNum`` continue one another; a ``w:startOverride`` restarts the shared
  counter the first time its ``w:num`` is used;
- ``w:lvlRestart`` restarts a level when the named level *or any higher one* is used,
  and is ignored inside a ``w:lvlOverride``;
- a ``lvlText`` naming a level deeper than its own makes Word drop the whole text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from pipeline.numerals import to_roman

_log = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"
_MAX_LEVELS = 9

# --------------------------------------------------------------------------- formats

# Word's Russian list letters leave out ё, й, ъ, ы, ь: they never open a word or read
# badly as list markers ("й)"), so a Russian list runs а..я in 28 letters.
_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"


def to_letters(n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    """Word's alphabetic numbering: a..z, then aa, bb, .. zz, then aaa (not Excel's aa, ab)."""
    if n <= 0:
        return str(n)
    size = len(alphabet)
    return alphabet[(n - 1) % size] * ((n - 1) // size + 1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _custom(n: int, pattern: str | None) -> str:
    # Word 2010's custom formats are samples such as "001, 002, 003, ...": the first
    # sample's width is the zero padding.
    first = (pattern or "").split(",")[0].strip()
    if first.isdigit():
        return str(n).zfill(len(first))
    return str(n)


# What format_number renders faithfully; any other w:numFmt is printed as decimal.
FORMATS = frozenset({
    "decimal", "decimalHalfWidth", "decimalFullWidth", "decimalFullWidth2", "decimalZero",
    "upperRoman", "lowerRoman", "upperLetter", "lowerLetter", "russianLower", "russianUpper",
    "ordinal", "decimalEnclosedParen", "decimalEnclosedFullstop", "hex", "custom", "none", "bullet",
})  # fmt: skip


def format_number(n: int, fmt: str, custom: str | None = None) -> str:
    """One counter value in one ``w:numFmt`` (``bullet`` and ``none`` render as empty)."""
    if fmt in ("decimal", "decimalHalfWidth", "decimalFullWidth", "decimalFullWidth2"):
        return str(n)
    if fmt == "decimalZero":
        return f"0{n}" if 0 <= n < 10 else str(n)
    if fmt == "upperRoman":
        return to_roman(n)
    if fmt == "lowerRoman":
        return to_roman(n).lower()
    if fmt == "upperLetter":
        return to_letters(n).upper()
    if fmt == "lowerLetter":
        return to_letters(n)
    if fmt == "russianLower":
        return to_letters(n, _RUSSIAN)
    if fmt == "russianUpper":
        return to_letters(n, _RUSSIAN).upper()
    if fmt == "ordinal":
        return _ordinal(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt == "hex":
        return format(n, "X")
    if fmt == "custom":
        return _custom(n, custom)
    if fmt in ("none", "bullet"):
        return ""
    _log.debug("numbering format %r rendered as decimal", fmt)
    return str(n)


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Level:
    """One ``w:lvl``: how a level counts and what it prints."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None  # w:lvlRestart: 1-based level, 0 = never, None = default
    legal: bool = False
    pstyle: str | None = None
    custom: str | None = None


@dataclass(frozen=True)
class Instance:
    """One ``w:num``: an abstract definition plus its per-level overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_W + "val", default)


# Word keeps start values within 0..32767; a larger one is a hostile file asking for
# a Roman numeral of a billion Ms.
_MAX_START = 32767


def _int(el: etree._Element | None, default: int | None = None) -> int | None:
    value = _val(el)
    try:
        return min(max(int(value), 0), _MAX_START) if value is not None else default
    except ValueError:
        return default


def _on(el: etree._Element | None) -> bool:
    return el is not None and _val(el, "true") not in ("0", "false", "off")


def _num_fmt(lvl: etree._Element) -> tuple[str, str | None]:
    el = lvl.find(_W + "numFmt")
    if el is None:
        # Word 2010 wraps custom formats in mc:AlternateContent; prefer the richer choice.
        el = lvl.find(f"{{{MC}}}AlternateContent/{{{MC}}}Choice/{_W}numFmt")
    if el is None:
        return "decimal", None
    return el.get(_W + "val", "decimal"), el.get(_W + "format")


def parse_level(lvl: etree._Element, in_override: bool = False) -> Level:
    fmt, custom = _num_fmt(lvl)
    text_el = lvl.find(_W + "lvlText")
    text = None if text_el is None else text_el.get(_W + "val")
    return Level(
        start=_int(lvl.find(_W + "start"), 1),
        fmt=fmt,
        text=text,
        # [MS-OI29500] 2.1.282 b: Word ignores lvlRestart inside a level override.
        restart=None if in_override else _int(lvl.find(_W + "lvlRestart")),
        legal=_on(lvl.find(_W + "isLgl")),
        pstyle=_val(lvl.find(_W + "pStyle")),
        custom=custom,
    )


def _levels(parent: etree._Element) -> dict[int, Level]:
    levels = {}
    for lvl in parent.findall(_W + "lvl"):
        ilvl = lvl.get(_W + "ilvl")
        if ilvl is not None and ilvl.isdigit() and int(ilvl) < _MAX_LEVELS:
            levels[int(ilvl)] = parse_level(lvl)
    return levels


@dataclass(frozen=True)
class Definitions:
    """numbering.xml, resolved once per document."""

    abstracts: dict[str, dict[int, Level]]
    instances: dict[str, Instance]
    style_links: dict[str, str]  # abstractNumId -> numbering style it borrows its levels from
    style_nums: dict[str, str]  # numbering style id -> numId of the list that defines it
    _resolved: dict[str, str | None] = field(default_factory=dict, compare=False)

    @classmethod
    def from_xml(cls, numbering: etree._Element | None, style_nums: dict[str, str]) -> Definitions:
        if numbering is None:
            return cls({}, {}, {}, style_nums)
        abstracts, links = {}, {}
        for ab in numbering.findall(_W + "abstractNum"):
            aid = ab.get(_W + "abstractNumId")
            abstracts[aid] = _levels(ab)
            link = _val(ab.find(_W + "numStyleLink"))
            if link:
                links[aid] = link
        instances = {}
        for num in numbering.findall(_W + "num"):
            starts, full = {}, {}
            for ov in num.findall(_W + "lvlOverride"):
                ilvl = ov.get(_W + "ilvl")
                if ilvl is None or not ilvl.isdigit():
                    continue
                start = _int(ov.find(_W + "startOverride"))
                if start is not None:
                    starts[int(ilvl)] = start
                lvl = ov.find(_W + "lvl")
                if lvl is not None:
                    full[int(ilvl)] = parse_level(lvl, in_override=True)
            instances[num.get(_W + "numId")] = Instance(_val(num.find(_W + "abstractNumId")), starts, full)
        return cls(abstracts, instances, links, style_nums)

    def abstract_of(self, num_id: str) -> str | None:
        """The abstract definition that really holds the levels, following numStyleLink."""
        if num_id not in self._resolved:
            self._resolved[num_id] = self._follow_links(num_id)
        return self._resolved[num_id]

    def _follow_links(self, num_id: str) -> str | None:
        inst = self.instances.get(num_id)
        aid = inst.abstract_id if inst else None
        seen = set()
        while aid in self.style_links and aid not in seen:
            seen.add(aid)
            target = self.instances.get(self.style_nums.get(self.style_links[aid], ""))
            if target is None:
                break
            aid = target.abstract_id
        return aid if aid in self.abstracts else None

    def level(self, num_id: str, ilvl: int) -> Level | None:
        """The definition a paragraph of ``num_id`` at ``ilvl`` uses, overrides applied."""
        inst = self.instances.get(num_id)
        aid = self.abstract_of(num_id)
        if inst is None or aid is None:
            return None
        return inst.level_overrides.get(ilvl) or self.abstracts[aid].get(ilvl)

    def level_of_style(self, num_id: str, style_id: str) -> int | None:
        """The level whose ``w:pStyle`` names this paragraph style (how headings pick their level)."""
        aid = self.abstract_of(num_id)
        for ilvl, lvl in sorted((self.abstracts.get(aid) or {}).items()):
            if lvl.pstyle == style_id:
                return ilvl
        return None


# --------------------------------------------------------------------------- counting

_PLACEHOLDER = re.compile(r"%([1-9])")


class Numbering:
    """Walks numbered paragraphs in document order and says what Word prints before each."""

    def __init__(self, definitions: Definitions):
        self.defs = definitions
        self._counters: dict[str, list[int | None]] = {}
        self._used_nums: set[str] = set()
        self.approximated: set[str] = set()  # numFmt values printed as decimal instead

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counters for one paragraph; return its label, or None for bullets/none.

        Returns None also when the list is undefined (a dangling numId shows nothing in Word).
        """
        level = self.defs.level(num_id, ilvl)
        if level is None:
            return None
        aid = self.defs.abstract_of(num_id)
        counters = self._counters.setdefault(aid, [None] * _MAX_LEVELS)
        if num_id not in self._used_nums:
            self._used_nums.add(num_id)
            for restarted in self.defs.instances[num_id].start_overrides:
                if restarted < _MAX_LEVELS:
                    counters[restarted] = None
        current = counters[ilvl]
        counters[ilvl] = self._start(num_id, ilvl) if current is None else current + 1
        self._restart_below(aid, counters, ilvl)
        if level.fmt == "bullet":
            return None
        return self._render(num_id, ilvl, level, counters)

    def _start(self, num_id: str, ilvl: int) -> int:
        override = self.defs.instances[num_id].start_overrides.get(ilvl)
        if override is not None:
            return override
        level = self.defs.level(num_id, ilvl)
        return level.start if level else 1

    def _restart_below(self, aid: str, counters: list[int | None], used: int) -> None:
        for deeper in range(used + 1, _MAX_LEVELS):
            restart = self.defs.abstracts[aid].get(deeper, Level()).restart
            if restart == 0:
                continue
            # A restart level at or below the level itself is ignored: default behaviour.
            if restart is None or restart - 1 >= deeper or used <= restart - 1:
                counters[deeper] = None

    def _render(self, num_id: str, ilvl: int, level: Level, counters: list[int | None]) -> str:
        text = level.text or ""
        refs = [int(m) - 1 for m in _PLACEHOLDER.findall(text)]
        if any(ref > ilvl for ref in refs):
            # [MS-OI29500] 2.1.283 c: Word drops the whole lvlText in this case.
            return ""

        def one(match: re.Match) -> str:
            ref = int(match.group(1)) - 1
            value = counters[ref]
            if value is None:  # a level skipped over shows its start value
                value = self._start(num_id, ref)
            ref_level = self.defs.level(num_id, ref) or Level()
            if ref_level.fmt not in FORMATS:
                self.approximated.add(ref_level.fmt)
            if level.legal and ref_level.fmt not in ("none", "bullet"):
                return str(value)
            return format_number(value, ref_level.fmt, ref_level.custom)

        # Spaces around a number are layout ("%1. " then a tab), not part of the label.
        return _PLACEHOLDER.sub(one, text).strip()
