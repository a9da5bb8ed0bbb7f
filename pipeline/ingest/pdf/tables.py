"""Ruled tables read from the page's own rules, without pdfplumber when the grid is plain.

pdfplumber reads a ruled table exactly but costs ~0.2-0.5 s a page here (pdfminer
interprets every glyph), and agreements put a tariff grid on many pages. Most
grids are plain: every horizontal rule runs the full width of the table and
every vertical rule its full height. Such a grid is read here from PDFium's
path objects and the words already on hand. A grid with merged cells, or rules
drawn as one complex path, is left to pdfplumber (``Verdict.needs_pdfplumber``).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.pdf.layout import Region, Word, rows_of

# A path thinner than this (points) is a rule; coordinates closer than this are the same line.
THIN = 3.0
SNAP = 2.0
# Pages with fewer rule edges than this hold no table (a page frame and a header rule do not).
MIN_EDGES = 6
# More rules than this on one page: not a tariff grid, leave it to pdfplumber.
MAX_EDGES = 600


@dataclass(slots=True)
class Edge:
    """A horizontal (``vertical=False``: from ``a`` to ``b`` along x at height ``at``) or vertical rule."""

    vertical: bool
    at: float
    a: float
    b: float


@dataclass(slots=True)
class Verdict:
    regions: list[Region] = field(default_factory=list)  # rows of raw cell text in ``payload``
    needs_pdfplumber: bool = False


def _path_objects(page: pdfium.PdfPage):
    """(handle, bounds) of each path object, in page space, with form XObjects one level deep.

    Raw calls rather than ``page.get_objects``, which wraps every object in a Python
    object and costs more than the text of the page.
    """
    count_page, get_page = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject
    get_type, get_bounds = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPageObj_GetBounds
    left, b, r, t = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, b, r, t)]
    matrix = pdfium_c.FS_MATRIX()
    for i in range(count_page(page.raw)):
        obj = get_page(page.raw, i)
        kind = get_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH and get_bounds(obj, *refs):
            yield obj, (left.value, b.value, r.value, t.value)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
            # Children's bounds are in the form's space; only unrotated forms are read.
            if matrix.b or matrix.c:
                continue
            for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                child = pdfium_c.FPDFFormObj_GetObject(obj, j)
                if get_type(child) == pdfium_c.FPDF_PAGEOBJ_PATH and get_bounds(child, *refs):
                    xs = sorted((matrix.a * left.value + matrix.e, matrix.a * r.value + matrix.e))
                    ys = sorted((matrix.d * b.value + matrix.f, matrix.d * t.value + matrix.f))
                    yield child, (xs[0], ys[0], xs[1], ys[1])


def edges_of(page: pdfium.PdfPage) -> tuple[list[Edge], bool]:
    """The rules a page draws, and whether some straight-lined path was too complex to read as rules."""
    edges: list[Edge] = []
    complex_paths = False
    for obj, (left, bottom, right, top) in _path_objects(page):
        w, h = right - left, top - bottom
        if h < THIN and w >= THIN:
            edges.append(Edge(False, (bottom + top) / 2, left, right))
        elif w < THIN and h >= THIN:
            edges.append(Edge(True, (left + right) / 2, bottom, top))
        elif w >= THIN and h >= THIN:
            segments = pdfium_c.FPDFPath_CountSegments(obj)
            if segments in (4, 5):  # a rectangle: four rules
                edges += [Edge(False, bottom, left, right), Edge(False, top, left, right),
                          Edge(True, left, bottom, top), Edge(True, right, bottom, top)]
            elif not complex_paths:
                complex_paths = _straight(obj, segments)
    return edges, complex_paths


def _straight(obj, segments: int) -> bool:
    """Whether a many-segment path is made of straight lines only: maybe a whole grid in
    one path. Curves mean a logo or a stamp, which holds no table."""
    if segments < 6:
        return False
    for i in range(segments):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return False
    return True


def _merge(edges: list[Edge]) -> list[Edge]:
    """Join collinear rules that touch or overlap: some generators draw each cell's border
    separately, and a scanned rule comes in pieces, some a pixel row off the others and some
    overlapping (a rule broken here and there on one pixel row, whole on the next)."""
    out: list[Edge] = []
    for vertical in (False, True):
        lines: list[list[Edge]] = []  # rules within SNAP of the first of their line
        for e in sorted((e for e in edges if e.vertical == vertical), key=lambda e: e.at):
            if lines and e.at - lines[-1][0].at <= SNAP:
                lines[-1].append(e)
            else:
                lines.append([e])
        for line in lines:
            at = line[0].at
            joined: list[Edge] = []
            for e in sorted(line, key=lambda e: e.a):
                if joined and e.a <= joined[-1].b + SNAP:
                    joined[-1].b = max(joined[-1].b, e.b)
                else:
                    joined.append(Edge(vertical, at, e.a, e.b))
            out += joined
    return out


def _touch(h: Edge, v: Edge) -> bool:
    return h.a - SNAP <= v.at <= h.b + SNAP and v.a - SNAP <= h.at <= v.b + SNAP


def _clusters(edges: list[Edge]) -> list[list[Edge]]:
    """Groups of rules connected by crossings: one group per table."""
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, e in enumerate(edges):
        for j in range(i + 1, len(edges)):
            f = edges[j]
            if e.vertical != f.vertical and _touch(*((e, f) if f.vertical else (f, e))):
                parent[find(i)] = find(j)
    groups: dict[int, list[Edge]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(find(i), []).append(e)
    return list(groups.values())


def _lines_at(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _cell_text(words: list[Word]) -> str:
    return " ".join(" ".join(w.text for w in row) for row in rows_of(words))


def _grid(cluster: list[Edge], words: list[Word]) -> Region | None | bool:
    """The table a group of rules draws; None if it is no table; False if it is no plain grid."""
    hs = [e for e in cluster if not e.vertical]
    vs = [e for e in cluster if e.vertical]
    ys = _lines_at([e.at for e in hs])[::-1]  # top first
    xs = _lines_at([e.at for e in vs])
    if len(ys) < 2 or len(xs) < 3:
        # fewer than two columns: a frame or a boxed paragraph. One row of two or more cells is a
        # table (often the last row of one continued from the page before).
        return None
    x0, x1, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    full_width = all(e.a <= x0 + SNAP and e.b >= x1 - SNAP for e in hs)
    full_height = all(e.a <= bottom + SNAP and e.b >= top - SNAP for e in vs)
    if not (full_width and full_height):
        return False
    cells: list[list[list[Word]]] = [[[] for _ in xs[1:]] for _ in ys[1:]]
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, w.cy
        if not (x0 <= cx <= x1 and bottom <= cy <= top):
            continue
        r = next(i for i in range(len(ys) - 1) if cy >= ys[i + 1])
        c = next(j for j in range(len(xs) - 1) if cx <= xs[j + 1])
        cells[r][c].append(w)
    rows = tuple(tuple(_cell_text(cell) for cell in row) for row in cells)
    return Region(x0, x1, top, bottom, rows)


def columns_of(region: Region, edges: list[Edge]) -> list[float]:
    """The x of each vertical rule of a grid that ``find_grids`` found among ``edges``, left to right."""
    return _lines_at([e.at for e in _merge(edges) if e.vertical and region.x0 - SNAP <= e.at <= region.x1 + SNAP
                      and e.a <= region.bottom + SNAP and e.b >= region.top - SNAP])


def find_grids(edges: list[Edge], words: list[Word]) -> Verdict:
    """Plain ruled tables among the page's rules, or the verdict that pdfplumber must look."""
    if len(edges) > MAX_EDGES:
        return Verdict(needs_pdfplumber=True)
    verdict = Verdict()
    for cluster in _clusters(_merge(edges)):
        grid = _grid(cluster, words)
        if grid is False:
            return Verdict(needs_pdfplumber=True)
        if grid is not None:
            verdict.regions.append(grid)
    return verdict
