"""A table of contents: the lines under «Содержание», «Оглавление», "Contents" or «Мазмұны» that
list the sections with their pages. They repeat the section titles, numbers included, and would
otherwise open a clause each before the agreement's text begins.

The table runs from its heading to the line where the body repeats its first entry
("1. Основные понятия" listed, then printed again as the first section's title). Where the body
does not repeat it, the table ends after the last of a run of lines that show a page (dot
leaders, a page number at the end or alone). Either way it must show pages: at least
:data:`MIN_PAGE_LINES` lines with a leader or a page number, so a heading «Содержание» of a
section about contents does not hide the section.
"""

from __future__ import annotations

import re

from pipeline.segment.numbering import parse_marker
from schemas import Block

_HEADING = re.compile(r"^(?:содержание|оглавление|contents|table of contents|мазмұны)\s*[:.]?$", re.IGNORECASE)
#: Dot leaders between a title and its page, as printed or as OCR reads them (dots, spaced dots,
#: ellipses, underscores, middle dots).
_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|_{4,}|·{4,}")
_PAGE_AT_END = re.compile(r"(?:^|\s|\.)\d{1,3}$")
#: Lines of a table of contents that show a page: fewer, and it is no table of contents.
MIN_PAGE_LINES = 2
#: How far the table may run from its heading, in lines.
MAX_LINES = 150
#: Lines without a page that may stand between two entries that show one.
GAP = 3
#: Words of a title compared to tell the body's first title from the table's first entry.
_TITLE_WORDS = 3


def find(blocks: tuple[Block, ...] | list[Block]) -> range | None:
    """The positions of the blocks that make the document's table of contents, heading included."""
    for i, block in enumerate(blocks):
        if block.kind == "text" and _HEADING.match(block.text.strip()):
            end = _repeat(blocks, i + 1) or _run(blocks, i + 1)
            entries = [b.text for b in blocks[i + 1 : end] if b.kind == "text"]
            if sum(_shows_page(t) for t in entries) >= MIN_PAGE_LINES:
                return range(i, end)
    return None


def _shows_page(text: str) -> bool:
    text = text.strip()
    return bool(_LEADER.search(text) or _PAGE_AT_END.search(text))


def _title(text: str) -> tuple[str, tuple[str, ...]] | None:
    """An entry's number and the first words of its title, leaders and page left out."""
    marker = parse_marker(_LEADER.split(text.strip())[0])
    if marker is None or marker.kind == "item" or marker.number is None:
        return None
    words = re.findall(r"\w+", marker.rest.casefold())
    if words and words[-1].isdigit():
        words.pop()
    return marker.number, tuple(words[:_TITLE_WORDS])


def _repeat(blocks, start: int) -> int | None:
    """The position of the line where the body repeats the table's first entry, if it does."""
    first = None
    for j in range(start, min(len(blocks), start + MAX_LINES)):
        if blocks[j].kind != "text":
            continue
        title = _title(blocks[j].text)
        if title is None or not title[1]:
            continue
        if first is None:
            first = title
        elif title == first:
            return j
    return None


def _run(blocks, start: int) -> int:
    """The end of the table from ``start`` when the body does not repeat its first entry: just
    after the last line that shows a page, where no more than :data:`GAP` lines without one
    (a title wrapped onto two lines, a page number read on a line of its own) lie between two."""
    end = start
    for j in range(start, min(len(blocks), start + MAX_LINES)):
        if blocks[j].kind != "text" or j - end >= GAP:
            break
        if _shows_page(blocks[j].text):
            end = j + 1
    return end
