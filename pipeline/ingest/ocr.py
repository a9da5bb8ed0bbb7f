"""Optical character recognition of PDF pages that have no text layer, with Tesseract.

A page is rendered by PDFium (pypdfium2) to a grey image and read by the
``tesseract`` program of Debian's ``tesseract-ocr`` packages through pytesseract.
Each recognised word keeps its box, converted to PDF points with y growing
upwards, so the page goes through the same layout code as a born-digital page
(rows, columns, margins, hyphens).

Scanned pages are rarely straight. Tesseract reads a page tilted by a degree or
two well, but reports boxes in the tilted image, where the words of one line
drift up or down by more than a line height across a page. The tilt is measured
from Tesseract's own lines and the word boxes are turned back by it, so rows of
words are rows again for the layout code.

The languages are chosen from the page: the first scanned page of a document is
read quickly with every installed language of ours; the alphabet of what it says
decides the languages all pages are read with (Kazakh letters: Kazakh and
Russian; Cyrillic: Russian; Latin: English). Words Tesseract is unsure of (stamps, signatures,
handwriting, specks) are left out.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from pipeline.ingest._pdf_layout import Word

_log = logging.getLogger(__name__)

#: Rendering resolution: Tesseract's models are trained on text of 20-30 pixels a line.
DPI = 300
#: Words Tesseract is less sure of (0-100) are dropped: stamps, signatures and specks come out
#: as short low-confidence strings, while printed words of a fair scan score above 80.
MIN_CONFIDENCE = 40
#: Seconds one page may take (about 2-6 s at 300 dpi on one core; a hostile image must not hang a batch).
PAGE_TIMEOUT = 300
#: Tesseract's names of the languages kelisim reads.
LANGUAGES = {"ru": "rus", "kk": "kaz", "en": "eng"}
#: The Debian packages that provide Tesseract and our languages.
PACKAGES = "tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-eng"
HOW_TO_INSTALL = f"install Tesseract to read scans: apt-get install {PACKAGES}"

_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@dataclass(frozen=True, slots=True)
class Engine:
    """The Tesseract found on this machine: its version and the languages of ours it has."""

    path: str | None
    version: str | None
    languages: tuple[str, ...]  # Tesseract codes, e.g. ("eng", "kaz", "rus")

    @property
    def usable(self) -> bool:
        return self.path is not None and bool(self.languages)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What OCR read on one page: words in PDF points, the page height, mean word confidence."""

    words: list[Word]
    height: float
    confidence: float | None
    languages: str
    error: str | None = None  # why Tesseract could not read the page


@cache
def engine() -> Engine:
    """Tesseract on this machine (looked up once per process)."""
    path = shutil.which("tesseract")
    if path is None:
        return Engine(None, None, ())
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        _log.warning("tesseract at %s does not run: %s", path, e)
        return Engine(None, None, ())
    first = (version.stdout or version.stderr).splitlines()
    have = set(listed.stdout.split())
    return Engine(path, first[0].removeprefix("tesseract ").strip() if first else None,
                  tuple(sorted(code for code in LANGUAGES.values() if code in have)))


def languages_for(text: str, installed: tuple[str, ...]) -> str:
    """Tesseract languages for the rest of a document, from the alphabet of a page read with all of them."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    kazakh = sum(c in _KAZAKH_LETTERS for c in letters)
    if letters and cyrillic > len(letters) / 2:
        wanted = ["kaz", "rus"] if kazakh > 0.005 * len(letters) else ["rus"]
    elif letters:
        wanted = ["eng"]
    else:
        wanted = list(installed)
    chosen = [code for code in wanted if code in installed]
    return "+".join(chosen or installed)


def read_pages(render: Callable[[int], tuple[object, float]], pages: list[int], *, jobs: int = 1,
               installed: tuple[str, ...] | None = None) -> Iterator[tuple[int, PageReading]]:
    """OCR the given pages (0-based) in order, ``jobs`` Tesseract processes at a time.

    ``render(index)`` gives the page's image at :data:`DPI` and its height in points; it is called
    from this thread only (PDFium is not thread-safe), a few pages ahead of the readers so memory
    stays bounded. The first page is read with every installed language and decides the others'.
    """
    installed = installed if installed is not None else engine().languages
    if not pages:
        return
    image, height = render(pages[0])
    languages = detect_languages(image, installed)
    if jobs <= 1:
        for index in pages:
            if index != pages[0]:
                image, height = render(index)
            yield index, read_image(image, height, languages)
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending: list[tuple[int, Future]] = []
        for index in pages:
            if index != pages[0]:
                image, height = render(index)
            pending.append((index, pool.submit(read_image, image, height, languages)))
            while len(pending) > jobs:
                done, future = pending.pop(0)
                yield done, future.result()
        for done, future in pending:
            yield done, future.result()


def detect_languages(image, installed: tuple[str, ...]) -> str:
    """The languages to read a document with, from its first scanned page read with all of ours
    at half the resolution (a quarter of the time; enough to tell the alphabets apart).

    Reading every page with all three costs time and accuracy: Latin and Cyrillic look-alikes
    get mixed inside words."""
    if len(installed) <= 1:
        return "+".join(installed)
    small = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
    reading = read_image(small, 0.0, "+".join(installed))
    return languages_for(" ".join(w.text for w in reading.words), installed)


def read_image(image, height: float, languages: str) -> PageReading:
    """Words of one page image, with boxes in PDF points (y upwards), straightened."""
    import pytesseract

    # One thread per Tesseract (it inherits our environment): pages run in parallel instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(image, lang=languages, output_type=pytesseract.Output.DICT,
                                         timeout=PAGE_TIMEOUT)
    except (pytesseract.TesseractError, RuntimeError, OSError) as e:  # RuntimeError: the timeout
        return PageReading([], height, None, languages, error=str(e).strip() or type(e).__name__)
    scale = 72.0 / DPI
    raw: list[tuple[tuple[int, int, int], float, float, float, float, str, float]] = []
    for k, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][k])
        if not text or conf < MIN_CONFIDENCE:
            continue
        x0 = data["left"][k] * scale
        top = data["top"][k] * scale
        line = (data["block_num"][k], data["par_num"][k], data["line_num"][k])
        raw.append((line, x0, x0 + data["width"][k] * scale, top, top + data["height"][k] * scale, text, conf))
    angle = _tilt(raw)
    words = _straighten(raw, angle, height)
    confidence = statistics.fmean(r[6] for r in raw) if raw else None
    return PageReading(words, height, confidence, languages)


def _tilt(raw) -> float:
    """The page's tilt in radians (positive: lines rise to the right), the median over long lines
    of the slope from the line's first word to its last, measured on their vertical centres."""
    lines: dict[tuple[int, int, int], list] = {}
    for r in raw:
        lines.setdefault(r[0], []).append(r)
    slopes = []
    for words in lines.values():
        if len(words) < 3:
            continue
        a, b = min(words, key=lambda r: r[1]), max(words, key=lambda r: r[2])
        dx = (b[1] + b[2]) / 2 - (a[1] + a[2]) / 2
        if dx < 100:  # points: too short a line to measure
            continue
        # Image y grows downwards: a line rising to the right has a smaller y at its end.
        slopes.append(-(((b[3] + b[4]) / 2) - ((a[3] + a[4]) / 2)) / dx)
    return math.atan(statistics.median(slopes)) if slopes else 0.0


def _straighten(raw, angle: float, height: float) -> list[Word]:
    """Word boxes turned back by ``angle`` about the page's top left corner, in PDF coordinates.

    Each word keeps its width and height; only its centre moves. Words of one Tesseract line
    share the line's vertical centre afterwards, so a row stays one row."""
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []
    for line, x0, x1, top, bottom, text, _conf in raw:
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        # Image coordinates (y down): turning back a rise of `angle` rotates clockwise on screen.
        nx = cx * cos - cy * sin
        ny = cx * sin + cy * cos
        placed.append((line, nx, ny, (x1 - x0) / 2, (bottom - top) / 2, text))
    centres: dict[tuple[int, int, int], list[float]] = {}
    for line, _nx, ny, *_ in placed:
        centres.setdefault(line, []).append(ny)
    words = []
    for line, nx, _ny, half_w, half_h, text in placed:
        cy = statistics.median(centres[line])
        words.append(Word(nx - half_w, nx + half_w, height - (cy - half_h), height - (cy + half_h), text))
    return words
