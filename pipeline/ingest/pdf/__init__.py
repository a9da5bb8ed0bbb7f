"""PDF -> Document: one text block per line in reading order, tables as table blocks.

Text comes from PDFium (pypdfium2), about a hundred times faster than pdfminer:
the page text in one call, then boxes only for the first and last character of
each word. Ruled tables come from the page's rules (``pdf.tables``); pdfplumber,
exact but ~100 times slower, runs only on pages whose grid is not plain. Pages are read one at a time and
closed, so memory does not grow with the length of the document.
"""

from __future__ import annotations

import ctypes
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import InputError
from pipeline.ingest import ocr
from pipeline.ingest.common import DEFAULT_OPTIONS, ReadOptions, file_source, page_list, sha256_of
from pipeline.ingest.pdf import hyphens, margins, tables
from pipeline.ingest.pdf.layout import Line, Region, Word, page_order, reading_order
from schemas import Block, Document, OcrPages, Table

_log = logging.getLogger(__name__)

NO_TEXT_LAYER = "no text layer: OCR needed"

# PDFium replaces a hyphen at the end of a line with U+FFFE (text) / U+0002
# (char API) and emits no line break after it: it is a word boundary for us.
_PDFIUM_HYPHEN = "\ufffe\x02"
_TOKEN = re.compile(rf"[^\s{_PDFIUM_HYPHEN}]+[{_PDFIUM_HYPHEN}]?|[{_PDFIUM_HYPHEN}]")
# Invisible or presentation-only characters: zero-width spaces and joiners, BOM,
# soft hyphens inside a line (a line-end one arrives as PDFium's marker).
_CHARACTERS = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
    **{ord(m): "-" for m in _PDFIUM_HYPHEN},
    **{ord(lig): unicodedata.normalize("NFKC", lig) for lig in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"},
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Any character ``_clean`` replaces or drops: most lines have none and need only their spaces made single.
_UNCLEAN = re.compile("[" + re.escape("".join(map(chr, _CHARACTERS))) + r"\x00-\x1f\x7f]")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)


@dataclass(slots=True)
class _Item:
    """A line or a table of one page, before furniture and hyphens are dealt with."""

    page: int
    text: str | None  # None for a table
    top: float
    bottom: float
    bold: bool | None = None
    table: Table | None = None


def parse(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Document:
    """Read a PDF into a Document. Bad input raises InputError.

    Pages without a text layer are read by OCR (``options.ocr`` "auto"; "always": every page;
    "never": none, and a scan gives a warning)."""
    path = Path(path)
    sha256 = sha256_of(path)
    pdf = _open(path)
    finder = _TableFinder(path)
    pages: list[list[_Item]] = []
    heights: list[tuple[float, float]] = []
    unreadable: list[int] = []
    scanned: list[int] = []
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise InputError(path, "PDF has no pages")
        gutter: float | None = None  # the previous page's column gutter: a short last page keeps it
        for index in range(n_pages):
            try:
                items, bounds, is_scan, gutter = _read_page(pdf, index, finder, gutter)
            except pdfium.PdfiumError as e:
                _log.warning("%s: page %d unreadable: %s", path, index + 1, e)
                unreadable.append(index + 1)
                items, bounds, is_scan, gutter = [], (0.0, 1.0), False, None
            if is_scan:
                scanned.append(index + 1)
            pages.append(items)
            heights.append(bounds)
        if len(unreadable) == n_pages:
            raise InputError(path, "corrupt PDF: no page can be read")
        wanted = _pages_to_recognise(options, scanned, n_pages, unreadable)
        read_by_ocr, ocr_warnings = _recognise(pdf, wanted, pages, heights, options, path)
    finally:
        finder.close()
        pdf.close()
    scanned = [p for p in scanned if read_by_ocr is None or p not in read_by_ocr.pages]
    warnings = (_text_layer_warnings(scanned, n_pages - len(unreadable), pages) if scanned or read_by_ocr is None
                else []) + ocr_warnings + finder.warnings
    if unreadable:
        warnings.append(f"unreadable page(s): {page_list(unreadable)}")
    blocks = _blocks(_drop_furniture(pages, heights))
    return Document(
        source=file_source(path, "pdf", pages=n_pages, sha256=sha256),
        blocks=tuple(blocks),
        warnings=tuple(warnings),
        ocr=read_by_ocr,
    )


# --------------------------------------------------------------------------- scanned pages


def _pages_to_recognise(options: ReadOptions, scanned: list[int], n_pages: int, unreadable: list[int]) -> list[int]:
    if options.ocr == "never":
        return []
    if options.ocr == "always":
        return [p for p in range(1, n_pages + 1) if p not in unreadable]
    return scanned


def _recognise(
    pdf: pdfium.PdfDocument, wanted: list[int], pages: list[list[_Item]], heights: list[tuple[float, float]],
    options: ReadOptions, path: Path,
) -> tuple[OcrPages | None, list[str]]:
    """Read the ``wanted`` pages (1-based) by OCR, replacing their items and extents in place."""
    if not wanted:
        return None, []
    engine = ocr.engine()
    if not engine.usable:
        _log.info("%s: %d page(s) need OCR; %s", path, len(wanted), ocr.HOW_TO_INSTALL)
        return None, [f"OCR unavailable: {ocr.HOW_TO_INSTALL}"]

    def render(index: int):
        page = pdf[index]
        try:
            image = page.render(scale=ocr.DPI / 72, grayscale=True).to_pil().copy()
            return image, page.get_height()
        finally:
            page.close()

    done, confidence, failed, blank, languages = [], [], [], [], ""
    for index, reading in ocr.read_pages(render, [p - 1 for p in wanted], jobs=options.jobs,
                                         installed=engine.languages):
        if reading.error:
            _log.warning("%s: page %d: OCR failed: %s", path, index + 1, reading.error)
            failed.append(index + 1)
            continue
        pages[index] = _ocr_items(reading, index + 1)
        heights[index] = (0.0, reading.height)
        if not pages[index]:
            blank.append(index + 1)
        done.append(index + 1)
        confidence.append(None if reading.confidence is None else round(reading.confidence, 1))
        languages = reading.languages
        if options.on_page is not None:
            options.on_page(len(done) + len(failed), len(wanted))
    warnings = [f"OCR failed on page(s) {page_list(failed)}"] if failed else []
    if blank:
        warnings.append(f"no text found by OCR on page(s) {page_list(blank)}")
    if not done:
        return None, warnings
    return OcrPages(pages=tuple(done), confidence=tuple(confidence), languages=languages), warnings


def _ocr_items(reading: ocr.PageReading, page_no: int) -> list[_Item]:
    """Recognised words and the page's rules as lines and tables in reading order, through the
    layout and table code of text pages. A grid that is not plain stays text: there is no
    pdfplumber for pixels."""
    words, regions = reading.words, []
    if reading.rules:
        regions = _as_tables(tables.find_grids(list(reading.rules), words).regions, page_no)
        words = [w for w in words if not any(_inside(w, r) for r in regions)]
    items = []
    for entry in reading_order(words, regions):
        if isinstance(entry, Region):
            items.append(_Item(page_no, None, entry.top, entry.bottom, table=entry.payload))
            continue
        text = _clean(entry.text)
        if text:
            items.append(_Item(page_no, text, entry.top, entry.bottom))
    return items


# --------------------------------------------------------------------------- opening


_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF: a password is required",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF: unsupported security handler",
    pdfium_c.FPDF_ERR_FILE: "cannot open file",
}


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with PDFium, which also opens files encrypted with an empty user password."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        # PDFium rejects an empty page tree without setting its error code, so the
        # code read then is whatever an earlier failure left: ask pdfminer first.
        if _page_count_without_pdfium(path) == 0:
            raise InputError(path, "PDF has no pages") from None
        code = getattr(e, "err_code", None)
        if code in _OPEN_ERRORS:
            raise InputError(path, _OPEN_ERRORS[code]) from None
        raise InputError(path, "corrupt or truncated PDF: its structure cannot be read") from None


def _page_count_without_pdfium(path: Path) -> int | None:
    """A second opinion on a file PDFium rejected (only on that error path)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with open(path, "rb") as f:
            document = PDFDocument(PDFParser(f))
            return sum(1 for _ in PDFPage.create_pages(document))
    except Exception:  # pdfminer raises many kinds on broken files; any means "unreadable"
        return None


# --------------------------------------------------------------------------- one page


def _read_page(
    pdf: pdfium.PdfDocument, index: int, finder: _TableFinder, carried: float | None = None
) -> tuple[list[_Item], tuple[float, float], bool, float | None]:
    """Items of one page in reading order, the page's vertical extent (bottom, top),
    whether it lacks a text layer (drawn but no text; a blank separator page does not), and its
    column gutter (``carried``: the previous page's)."""
    page = pdf[index]
    textpage = None
    try:
        left, bottom, right, top = page.get_mediabox()
        textpage = page.get_textpage()
        words = _words(textpage)
        if not words:
            # Something drawn but no text: a scan, or text outlined as curves.
            return [], (bottom, top), pdfium_c.FPDFPage_CountObjects(page.raw) > 0, None
        regions = _tables(page, index + 1, words, finder)
        if regions:
            words = [w for w in words if not any(_inside(w, r) for r in regions)]
        items = []
        entries, gutter = page_order(words, regions, carried)
        raw = textpage.raw
        handle = _HANDLE(raw)
        for entry in entries:
            if isinstance(entry, Region):
                items.append(_Item(index + 1, None, entry.top, entry.bottom, table=entry.payload))
            else:
                text = _clean(entry.text)
                if text:
                    items.append(_Item(index + 1, text, entry.top, entry.bottom, bold=_line_bold(raw, handle, entry)))
        return items, (bottom, top), False, gutter
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


def _unchecked(*bound):
    """PDFium functions returning an int, called as ctypes calls a library function it was told
    nothing about (indices as ints, ``byref`` out-parameters as they are), and the conversion of a
    text page handle for them. pypdfium2's bindings convert and check every argument, most of the
    cost of the ~1,000 calls a page needs (measured: 1.3 against 0.45 microseconds a call). Falls
    back to the bindings if the cast ever fails."""
    try:
        plain = tuple(type(f)(ctypes.cast(f, ctypes.c_void_p).value) for f in bound)
    except (TypeError, ValueError, AttributeError, ctypes.ArgumentError):
        return bound, lambda raw: raw
    return plain, lambda raw: ctypes.cast(raw, ctypes.c_void_p)


(_LOOSE_BOX, _FONT_WEIGHT), _HANDLE = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontWeight)


def _words(textpage: pdfium.PdfTextPage) -> list[Word]:
    """Words of the page with boxes: the text in one call, then two box look-ups per word."""
    raw = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw)
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    if len(text) != n:
        # Characters PDFium leaves out of the text break the index mapping; ask per char.
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 32) for i in range(n))
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    loose_box, handle = _LOOSE_BOX, _HANDLE(raw)
    words = []
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        if not loose_box(handle, a, ref):
            continue
        x0, top, bottom = rect.left, rect.top, rect.bottom
        if b - 1 != a and not loose_box(handle, b - 1, ref):
            continue
        words.append(Word(x0, rect.right, top, bottom, m.group(), a))
    return words


def _clean(text: str) -> str:
    """Normalise a line: PDFium's hyphen marker to '-', ligatures spelt out, invisible
    characters out, all spaces (no-break, thin) single. Not NFKC: it turns № into "No"."""
    if _UNCLEAN.search(text):
        text = _CONTROL.sub(" ", text.translate(_CHARACTERS))
    return " ".join(text.split())


def _char_bold(raw, handle, index: int) -> bool:
    """Whether the character at ``index`` is bold (``handle``: the text page ``raw`` as
    :data:`_HANDLE` makes it)."""
    weight = _FONT_WEIGHT(handle, index)
    if weight > 0:
        return weight >= 600
    # Standard-14 fonts (Helvetica-Bold) carry no weight: the name says it.
    flags = ctypes.c_int()
    size = pdfium_c.FPDFText_GetFontInfo(raw, index, None, 0, ctypes.byref(flags))
    if size <= 0:
        return False
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(raw, index, buf, size, ctypes.byref(flags))
    return bool(_BOLD_NAME.search(buf.value.decode("utf-8", "replace")))


def _line_bold(raw, handle, line: Line) -> bool:
    """Bold when its first and last words are: a bold clause number alone does not make a bold line
    (``raw``: the text page's handle, ``handle``: the same as :data:`_HANDLE` makes it)."""
    return _char_bold(raw, handle, line.words[0].index) and _char_bold(raw, handle, line.words[-1].index)


# --------------------------------------------------------------------------- tables


def _tables(page: pdfium.PdfPage, page_no: int, words: list[Word], finder: _TableFinder) -> list[Region]:
    """Tables of a page: plain grids from PDFium's rules, the rest from pdfplumber."""
    if not words:
        return []
    edges, complex_paths = tables.edges_of(page)
    if not complex_paths and len(edges) < tables.MIN_EDGES:
        return []
    verdict = tables.Verdict(needs_pdfplumber=True)
    if not complex_paths:
        verdict = tables.find_grids(edges, words)
    if verdict.needs_pdfplumber:
        return finder.find(page_no, page)
    return _as_tables(verdict.regions, page_no)


def _as_tables(regions: list[Region], page_no: int) -> list[Region]:
    """Regions of a grid read here, with their rows of cell text made a Table."""
    for r in regions:
        r.payload = Table(rows=tuple(tuple(_clean(cell) for cell in row) for row in r.payload), page=page_no)
    return regions


def _inside(word: Word, region: Region, slack: float = 1.0) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, word.cy
    return region.x0 - slack <= cx <= region.x1 + slack and region.bottom - slack <= cy <= region.top + slack


class _TableFinder:
    """pdfplumber, opened lazily on the first page that needs it, once per document;
    each page's cached objects are dropped after use so memory stays bounded."""

    def __init__(self, path: Path):
        self.path = path
        self._pdf = None
        self.warnings: list[str] = []

    def find(self, page_no: int, page: pdfium.PdfPage) -> list[Region]:
        import pdfplumber

        try:
            if self._pdf is None:
                self._pdf = pdfplumber.open(self.path)
            plumber_page = self._pdf.pages[page_no - 1]
            try:
                found = plumber_page.find_tables()
                regions = [r for r in (_region(t, plumber_page) for t in found) if r is not None]
            finally:
                plumber_page.close()
        except Exception as e:  # pdfminer's many error types: a table lost must not lose the text
            _log.warning("%s: page %d: table extraction failed: %s", self.path, page_no, e)
            self.warnings.append(f"unreadable table on page {page_no}")
            return []
        for r in regions:
            r.payload = Table(rows=r.payload, page=page_no)
        return regions

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _region(table, plumber_page) -> Region | None:
    """A pdfplumber table as a Region in PDF coordinates, or None if it is no real grid."""
    rows = tuple(tuple(" ".join((cell or "").split()) for cell in row) for row in table.extract())
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None  # a boxed paragraph, not a table
    x0, top, x1, bottom = table.bbox
    # pdfplumber measures from the top of the page, PDFium from the bottom of the media box.
    y_base = plumber_page.mediabox[1] + plumber_page.height if hasattr(plumber_page, "mediabox") else plumber_page.height
    return Region(x0, x1, y_base - top, y_base - bottom, rows)


# --------------------------------------------------------------------------- the document


# How many lines of the first page hold the title a running header may repeat.
_OPENING_LINES = 4


def _drop_furniture(pages: list[list[_Item]], bounds: list[tuple[float, float]]) -> list[_Item]:
    zones = []
    for items, (bottom, top) in zip(pages, bounds, strict=True):
        lines = [(k, it.text, it.top - bottom, it.bottom - bottom) for k, it in enumerate(items) if it.text is not None]
        zones.append(margins.zone_lines(lines, top - bottom))
    opening = " ".join(it.text for it in (pages[0] if pages else [])[:_OPENING_LINES] if it.text is not None)
    drop = margins.furniture(zones, opening)
    kept = []
    for items, positions in zip(pages, drop, strict=True):
        kept.extend(it for k, it in enumerate(items) if k not in positions)
    return kept


def _blocks(items: list[_Item]) -> list[Block]:
    texts = hyphens.rejoin([it.text for it in items])
    blocks = []
    for it, text in zip(items, texts, strict=True):
        if it.table is not None:
            blocks.append(Block(kind="table", page=it.page, table=it.table))
        elif text:
            blocks.append(Block(kind="text", text=text, page=it.page, bold=it.bold))
    return blocks


def _text_layer_warnings(empty: list[int], readable_pages: int, pages: list[list[_Item]]) -> list[str]:
    """The warning for pages without text (``empty``: their numbers)."""
    if not any(pages):
        return [NO_TEXT_LAYER]
    if not empty:
        return []
    if len(empty) == readable_pages:
        return [NO_TEXT_LAYER]
    pages_named = f"page {empty[0]}" if len(empty) == 1 else f"pages {page_list(empty)}"
    return [f"no text layer on {pages_named}: OCR needed"]

