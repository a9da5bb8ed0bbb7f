"""Clause numbering: the one place that knows how agreements number their parts.

A line (PDF) or paragraph (DOCX) may open with a marker:
- a section marker: "Section 3.", "Chapter 2", "Article 5", «Раздел 3.», «Глава 2», «3-бөлім», «5-бап», "III.";
- an appendix: "Appendix 1", "Annex 2", «Приложение 1», «Приложение № 2», «1-қосымша»: a section numbered
  "A1", "П1", "Қ1", whose clauses are numbered "A1.1", «П1.1»;
- a clause number: "5.", "5.3", "5.3.1.", "5)", «П1.1.»;
- an item marker that belongs to its parent clause: "a)", «б)», "–", "•".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.segment.dates import month_number

MarkerKind = Literal["section", "clause", "item"]


@dataclass(frozen=True)
class Marker:
    kind: MarkerKind
    number: str | None  # "5.3", "III", "2"; None for dashed items
    rest: str  # the text after the marker
    word: str | None = None  # "Section", «Раздел», «бап» ...
    paren: bool = False  # numbered as "5)"


_SECTION_WORDS = (
    "section|chapter|part|article|раздел|глава|часть|статья"
)
_SECTION = re.compile(
    rf"^(?P<word>{_SECTION_WORDS})\s+(?P<num>\d{{1,3}}|[IVXLC]{{1,7}})\b\.?\s*[.:–—-]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Kazakh puts the number first: «3-бөлім», «2-тарау», «5-бап».
_SECTION_KK = re.compile(
    r"^(?P<num>\d{1,3})\s*-\s*(?P<word>бөлім|тарау|бап)\b\.?\s*[.:–—-]?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
# Appendices: the word, and the letter their clauses' numbers carry («П1.1»).
_APPENDIX_LETTERS = {"appendix": "A", "annex": "A", "приложение": "П", "қосымша": "Қ"}
_APPENDIX = re.compile(
    r"^(?P<word>appendix|annex|приложение|қосымша)\s*(?:№\s*)?(?P<num>\d{1,2})\b\.?\s*[.:–—-]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_APPENDIX_KK = re.compile(r"^(?P<num>\d{1,2})\s*-\s*(?P<word>қосымша)\b\.?\s*[.:–—-]?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
#: An appendix's numbers sort after the body's: appendix N is section APPENDIX + N.
APPENDIX = 1000
_ROMAN = re.compile(r"^(?P<num>[IVXLC]{1,7})\.\s+(?P<rest>\S.*)$", re.DOTALL)
_CLAUSE = re.compile(r"^(?P<num>(?:[AПҚ](?=\d{1,2}\.\d))?\d{1,3}(?:\.\d{1,3}){0,4})(?P<term>\.|\))?(?:\s+|$)(?P<rest>.*)$", re.DOTALL)
_LETTER_ITEM = re.compile(r"^(?P<num>[a-zа-яё]{1,2})\)\s+(?P<rest>.*)$", re.DOTALL)
# Dashes and bullets; Word's Symbol-font bullets come out of PDFs as private-use characters ("\uf02d").
_DASH_ITEM = re.compile(r"^(?:(?P<dash>[–—\-•·▪►○●◦■□*])\s+|(?P<glued>[•▪►●◦■\uf020-\uf0ff])\s*)(?P<rest>\S.*)$", re.DOTALL)
# A clause's text opens with a capital or a quote; a number followed by a small
# letter or a bracket ("1.5 times", "5.3 of this Agreement", "10 (ten)") is prose.
_CLAUSE_TEXT_START = re.compile(r"^[\"«“A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")


def parse_marker(text: str) -> Marker | None:
    """The marker that opens ``text``, or None when the text opens with prose."""
    text = text.lstrip()
    if m := _SECTION.match(text) or _SECTION_KK.match(text):
        return Marker("section", m["num"].upper() if not m["num"].isdigit() else m["num"], m["rest"].strip(),
                      word=m["word"])
    if m := _APPENDIX.match(text) or _APPENDIX_KK.match(text):
        return Marker("section", _APPENDIX_LETTERS[m["word"].lower()] + m["num"], m["rest"].strip(), word=m["word"])
    if m := _ROMAN.match(text):
        return Marker("section", m["num"], m["rest"].strip())
    if m := _CLAUSE.match(text):
        rest = m["rest"].strip()
        number = m["num"]
        if not _plausible_clause_text(number, rest, has_term=bool(m["term"])):
            return None
        return Marker("clause", number, rest, paren=m["term"] == ")")
    if m := _LETTER_ITEM.match(text):
        return Marker("item", m["num"], m["rest"].strip())
    if m := _DASH_ITEM.match(text):
        return Marker("item", None, m["rest"].strip())
    return None


def _plausible_clause_text(number: str, rest: str, has_term: bool) -> bool:
    parts = number.lstrip("AПҚ").split(".")
    if int(parts[0]) > 300:  # a year or an amount ("2024. The parties", "500 tenge")
        return False
    if not rest:
        return has_term or len(parts) > 1
    if not _CLAUSE_TEXT_START.match(rest):
        return False
    first_word = re.split(r"[\s,.]", rest, maxsplit=1)[0]
    if len(parts) == 1 and not has_term and month_number(first_word):
        return False  # "15 December 2023"
    return True


def parse_label(label: str) -> Marker | None:
    """The marker Word's automatic numbering shows ("5.3.", "a)", "Section 2."), text not included."""
    label = label.strip()
    if not label:
        return None
    m = parse_marker(label + " X")  # a label is a marker without its text
    if m is None:
        return None
    return Marker(m.kind, m.number, "", word=m.word, paren=m.paren)


def number_key(number: str) -> tuple[int, ...] | None:
    """``"5.3.1"`` -> ``(5, 3, 1)``, «П1.2» -> ``(1001, 2)``; None for numbers that are not dotted decimals."""
    appendix = number[:1] in ("A", "П", "Қ")
    try:
        key = tuple(int(p) for p in (number[1:] if appendix else number).split("."))
    except ValueError:
        return None
    return (APPENDIX + key[0], *key[1:]) if appendix else key


def follows(previous: tuple[int, ...] | None, candidate: tuple[int, ...], max_gap: int = 3) -> bool:
    """Whether ``candidate`` can be the next clause number after ``previous``.

    A child (5.3 -> 5.3.1), a sibling at any level (5.3 -> 5.4, 6, 6.1), with a
    small gap allowed because renumbered agreements skip numbers.
    """
    if previous is None:
        return candidate[0] <= 20
    if candidate == previous + (1,):
        return True
    for level in range(len(previous)):
        step = candidate[level] - previous[level] if len(candidate) > level else None
        if candidate[:level] != previous[:level] or step is None:
            continue
        if 1 <= step <= max_gap and all(c <= max_gap for c in candidate[level + 1:]):
            return True
    return False



