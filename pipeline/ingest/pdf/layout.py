"""Words with boxes -> lines in reading order, for one PDF page.

Pure geometry, no PDF library: the coordinates are PDF user space (y grows
upwards). A page is read row by row from the top, except where a column gutter
runs down the page: a vertical band no word crosses, with words on both sides
of it over several rows. There the left column is read fully, then the right
one, until a row that spans the gutter (a title, a footer) closes the section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter
from statistics import median

# A gutter narrower than this (points) is an inter-word space, not a column break.
MIN_GUTTER = 6.0
# The gutter must lie in the middle of the text: a ragged right edge is not one.
GUTTER_ZONE = (0.2, 0.8)
# The largest page a PDF may have (ISO 32000, 200 inches): words spread wider than this were
# placed by a damaged text matrix, and such a page is read as one column.
MAX_PAGE_EXTENT = 14_400.0


@dataclass(slots=True)
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    index: int = -1  # the first character's index on the PDFium text page
    cy: float = field(init=False)  # vertical centre, read often enough to store

    def __post_init__(self) -> None:
        self.cy = (self.top + self.bottom) / 2


@dataclass(slots=True)
class Region:
    """Something placed on the page as a whole: a table found by pdfplumber."""

    x0: float
    x1: float
    top: float
    bottom: float
    payload: object = None


@dataclass(slots=True)
class Line:
    words: list[Word]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])


@dataclass(slots=True)
class Gutter:
    x: float  # the middle of the band between the columns
    spanning: set[int] = field(default_factory=set)  # ids of rows that cross it


_TOP, _BOTTOM, _X0 = attrgetter("top"), attrgetter("bottom"), attrgetter("x0")


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Group words into rows by their vertical centre, top row first, each left to right."""
    rows: list[list[Word]] = []
    current: list[Word] = []
    cy = tol = 0.0
    for w in sorted(words, key=lambda w: -w.cy):
        c = w.cy
        if current and abs(c - cy) <= tol:
            current.append(w)
            continue
        if current:
            rows.append(current)
        current, cy, tol = [w], c, max(1.0, 0.4 * (w.top - w.bottom))
    if current:
        rows.append(current)
    for row in rows:
        row.sort(key=_X0)
    return rows


def _coverage(rows: list[list[Word]], xmin: float, width: int) -> list[int]:
    """How many runs of words cover each 1-point column of the page.

    Words closer than MIN_GUTTER are one run, since no gutter fits between them;
    that makes the difference array O(rows + width) rather than O(words + width).
    """
    diff = [0] * (width + 1)
    for row in rows:
        start, end = row[0].x0, row[0].x1
        for w in row[1:]:
            if w.x0 - end < MIN_GUTTER:
                if w.x1 > end:
                    end = w.x1
                continue
            diff[int(start - xmin)] += 1
            diff[min(width, int(end - xmin) + 1)] -= 1
            start, end = w.x0, w.x1
        diff[int(start - xmin)] += 1
        diff[min(width, int(end - xmin) + 1)] -= 1
    return list(accumulate(diff))


def _widest_run(coverage: list[int], lo: int, hi: int, limit: int) -> tuple[int, int]:
    """The widest run of columns in [lo, hi) covered by at most ``limit`` words."""
    best, start = (0, 0), None
    for i in range(lo, hi + 1):
        free = i < hi and coverage[i] <= limit
        if free and start is None:
            start = i
        elif not free and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def _split(rows: list[list[Word]], x: float, big_gap: float, least: int = 2) -> Gutter | None:
    """The gutter at ``x`` if the rows read as two columns there (``least`` rows with words on
    both sides), else None."""
    spanning: set[int] = set()
    left_rows = right_rows = two_sided = numbers_only = 0
    for k, row in enumerate(rows):
        left = [w for w in row if w.x1 <= x]
        right = [w for w in row if w.x0 >= x]
        if len(left) + len(right) < len(row):
            spanning.add(k)
            continue
        if left and right:
            if right[0].x0 - left[-1].x1 < big_gap:
                spanning.add(k)
                continue
            two_sided += 1
        left_rows += bool(left)
        right_rows += bool(right)
        numbers_only += len(left) == 1 and _is_number_or_mark(left[0].text)
    if two_sided < least or left_rows < least or right_rows < least or len(spanning) > max(2, 0.3 * len(rows)):
        return None
    if numbers_only == left_rows:
        return None  # clause numbers in a hanging indent (and specks), their text beside them: one column
    return Gutter(x, spanning)


def _is_number_or_mark(text: str) -> bool:
    """A clause number ("2.4.", "5)") or a mark of one or two signs: no text of a column."""
    return len(text) <= 2 or (len(text) <= 8 and any(c.isdigit() for c in text) and not any(c.isalpha() for c in text))


def find_gutter(rows: list[list[Word]], carried: float | None = None) -> Gutter | None:
    """The column gutter of a two-column page, or None for a one-column page.

    Titles and footers that span both columns cross the gutter, so the band is
    searched among columns crossed by few words, fewest first; a band is accepted
    when the rows on its two sides read as columns. A page too short to show a gutter
    of its own (the last lines of a two-column text, between a running header and a
    page number) keeps the previous page's (``carried``) where a row reads as two
    columns there and few rows cross it.
    """
    own = _own_gutter(rows)
    if own is None and carried is not None and rows:
        words = [w for row in rows for w in row]
        return _split(rows, carried, 0.6 * median(w.top - w.bottom for w in words), least=1)
    return own


def _own_gutter(rows: list[list[Word]]) -> Gutter | None:
    if len(rows) < 3:
        return None
    words = [w for row in rows for w in row]
    xmin, xmax = min(w.x0 for w in words), max(w.x1 for w in words)
    if not xmax - xmin <= MAX_PAGE_EXTENT:  # also NaN
        return None
    width = int(math.ceil(xmax - xmin)) + 2
    lo, hi = int(GUTTER_ZONE[0] * (xmax - xmin)), int(GUTTER_ZONE[1] * (xmax - xmin))
    if hi - lo < MIN_GUTTER:
        return None
    coverage = _coverage(rows, xmin, width)
    most = max(2, int(0.3 * len(rows)))
    # Runs only widen as the limit grows: if the widest allowed is too narrow, none is wide enough.
    a, b = _widest_run(coverage, lo, hi, most)
    if b - a < MIN_GUTTER:
        return None
    least = min(coverage[lo:hi])
    # Words of a title spanning both columns are separated by ordinary spaces.
    big_gap = 0.6 * median(w.top - w.bottom for w in words)
    for limit in range(least, most + 1):
        a, b = _widest_run(coverage, lo, hi, limit)
        if b - a < MIN_GUTTER:
            continue
        gutter = _split(rows, xmin + (a + b) / 2, big_gap)
        if gutter is not None:
            return gutter
    return None


def _line(words: list[Word]) -> Line:
    return Line(words, max(map(_TOP, words)), min(map(_BOTTOM, words)))


def reading_order(words: list[Word], regions: list[Region] = ()) -> list[Line | Region]:
    """Lines (and regions, e.g. tables) of one page in the order a person reads them."""
    return page_order(words, regions)[0]


def page_order(words: list[Word], regions: list[Region] = (), carried: float | None = None
               ) -> tuple[list[Line | Region], float | None]:
    """:func:`reading_order`, given the previous page's gutter (``carried``), and the gutter of
    this page (None for one column), for the next page."""
    rows = rows_of(words)
    gutter = find_gutter(rows, carried)
    # Rows and regions interleaved from the top; a region sits where its top edge is.
    entries: list[tuple[float, int, object]] = [(-r[0].cy, k, r) for k, r in enumerate(rows)]
    entries += [(-r.top, -1 - k, r) for k, r in enumerate(regions)]
    entries.sort(key=lambda e: e[0])
    out: list[Line | Region] = []
    left: list[Line | Region] = []
    right: list[Line | Region] = []

    def flush() -> None:
        out.extend(left)
        out.extend(right)
        left.clear()
        right.clear()

    for _, k, entry in entries:
        if isinstance(entry, Region):
            if gutter is None or entry.x0 < gutter.x < entry.x1:
                flush()
                out.append(entry)
            else:
                (left if entry.x1 <= gutter.x else right).append(entry)
            continue
        if gutter is None or k in gutter.spanning:
            flush()
            out.append(_line(entry))
            continue
        lpart = [w for w in entry if w.x1 <= gutter.x]
        rpart = [w for w in entry if w.x1 > gutter.x]
        if lpart:
            left.append(_line(lpart))
        if rpart:
            right.append(_line(rpart))
    flush()
    return out, gutter.x if gutter is not None else None
