"""Running headers, footers and page numbers: page furniture, not agreement text.

They are recognised by repetition, not by wording: a line in the top or bottom
zone of a page whose shape (digits folded, case and spaces ignored) recurs on
many pages. "Page 3 of 18" and "Page 4 of 18" share the shape "page # of #".
A two-page document repeats a line at most twice, which is enough when it
does so on both pages ("Page 1 of 2" / "Page 2 of 2"); a one-page document
shows no repetition, so there only bare page numbers ("3", "- 3 -", "3/18")
at the very top or bottom are dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# Share of the page height, from the top and from the bottom edge, where furniture lives.
ZONE = 0.12
# How many lines at each end of a page may be furniture.
ZONE_LINES = 3
PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,4}[-–—\s]*$|^\d{1,4}\s*/\s*\d{1,4}$")
_DIGITS = re.compile(r"\d+")
# A line starting like a clause number ("5.1.") is furniture only if repeated verbatim:
# with digits folded, "1.1. The Employer shall ..." on every page would look like a header.
_CLAUSE_NUMBER = re.compile(r"^\d+\.\d+")
_SPACES = re.compile(r"\s+")
# A numbered line ("1. General provisions") repeats the first page only as a table of contents
# does: a running header does not open with a section number.
_NUMBERED = re.compile(r"^#\s?[.)]")


@dataclass(frozen=True, slots=True)
class MarginLine:
    """A text line near a page edge: where it is and what it says."""

    position: int  # index among the page's items
    text: str
    top: float
    bottom: float


def shape(text: str) -> str:
    """What stays the same when a running line repeats on another page."""
    text = _SPACES.sub(" ", text.lower()).strip()
    return text if _CLAUSE_NUMBER.match(text) else _DIGITS.sub("#", text)


def zone_lines(lines: list[tuple[int, str, float, float]], page_height: float) -> list[MarginLine]:
    """The candidates for furniture among a page's text lines, given as
    ``(position, text, top, bottom)`` (PDF space: y grows upwards).

    Chosen by where they stand on the page, not by their place in the reading
    order: on a two-column page a footer can be read in the middle of the text.
    """
    head = sorted((ln for ln in lines if ln[3] >= page_height * (1 - ZONE)), key=lambda ln: -ln[2])
    tail = sorted((ln for ln in lines if ln[2] <= page_height * ZONE), key=lambda ln: ln[3])
    out = {}
    for pos, text, top, bottom in head[:ZONE_LINES] + tail[:ZONE_LINES]:
        out[pos] = MarginLine(pos, text, top, bottom)
    return list(out.values())


def furniture(pages: list[list[MarginLine]], opening: str = "") -> list[set[int]]:
    """For each page, the positions of its zone lines to drop (``pages[i]``: zone lines of page i).

    ``opening`` is the first lines of the first page: a running header that
    repeats the document's title there ("Regional Agreement of ... for
    2024-2026" above page 2 of a two-page agreement) is furniture too.
    """
    n = len(pages)
    opening_shape = shape(opening)
    counts: Counter[str] = Counter()
    if n >= 2:
        for lines in pages:
            counts.update({shape(m.text) for m in lines})
    needed = max(2, math.ceil(0.4 * n))
    drop: list[set[int]] = []
    for lines in pages:
        positions = set()
        for m in lines:
            if PAGE_NUMBER.match(m.text):
                positions.add(m.position)
            elif n >= 2 and counts[shape(m.text)] >= needed:
                positions.add(m.position)
            elif (lines is not pages[0] and len(m.text) >= 12 and shape(m.text) in opening_shape
                  and not _NUMBERED.match(shape(m.text))):
                positions.add(m.position)
        drop.append(positions)
    return drop
