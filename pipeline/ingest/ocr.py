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
handwriting, specks, marks along the sheet's edge) are left out unless they look like
words; words likely misread (an unsure word alone on its line, a clause number opening
a line read without full confidence) are read again alone from a black and white crop;
and a few misreadings that context settles are undone (Latin look-alikes inside
Cyrillic words, Roman numerals, the dots of a clause number read as commas or colons,
a «З» in it read for a 3).

Ruled tables: long runs of ink in the straightened image are the page's rules, which
the table code of text pages (``pdf.tables``) turns into a grid; Tesseract, which
takes a ruled grid for a picture, then reads each column of the grid again with the
rules wiped out, in the column's own language (a bilingual table's two texts).
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import math
import os
import re
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from extractors.language import KAZAKH_LETTERS
from pipeline.ingest.pdf import tables
from pipeline.ingest.pdf.layout import Region, Word
from pipeline.ingest.pdf.tables import Edge

_log = logging.getLogger(__name__)

#: Rendering resolution: Tesseract's models are trained on text of 20-30 pixels a line.
DPI = 300
#: Words Tesseract is unsure of (confidence 0-100) are kept only when they look like a word:
#: stamps, signatures and specks come out as low-confidence strings of mixed signs, while a printed
#: word of a fair scan scores above 80 and a blurred one still reads as letters of one alphabet.
#: (Tesseract can give a correct first word of a block, "3.1.", a confidence of 4.)
SURE = 60
_WORDLIKE = re.compile(
    r"^[(«\"'„“\[]*"  # opening marks
    r"(?:[A-Za-z]+(?:[-'][A-Za-z]+)*|[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)*"  # a Latin or a Cyrillic word
    r"|\d+(?:[.,:/-]\d+)*|[IVXLCivxlc]+|[-–—№§%])"  # a number, a Roman numeral, a sign
    r"[)»\"'”\].,;:!?%]*$"  # closing marks
)
#: Latin letters that Tesseract's Russian and Kazakh models give for their Cyrillic look-alikes.
_LATIN_LOOKALIKES = str.maketrans("AaBCcEeHKMOoPpTXxyk", "АаВСсЕеНКМОоРрТХхук")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
#: Seconds one page may take (about 2-6 s at 300 dpi on one core; a hostile image must not hang a batch).
PAGE_TIMEOUT = 300
#: Tesseract's names of the languages kelisim reads.
LANGUAGES = {"ru": "rus", "kk": "kaz", "en": "eng"}
#: The Debian packages that provide Tesseract and our languages.
PACKAGES = "tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-eng"
HOW_TO_INSTALL = f"install Tesseract to read scans: apt-get install {PACKAGES}"


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
    rules: tuple[Edge, ...] = ()  # ruled lines of the page, straightened like the words


@cache
def engine() -> Engine:
    """Tesseract on this machine (looked up once per process)."""
    path = shutil.which("tesseract")
    if path is None:
        return Engine(None, None, ())
    if importlib.util.find_spec("pytesseract") is None:
        _log.warning("tesseract is at %s but the pytesseract package is missing: reinstall kelisim", path)
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
    kazakh = sum(c in KAZAKH_LETTERS for c in letters)
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
    try:
        raw = _recognise(small, "+".join(installed))
    except _Failed:
        raw = []
    return languages_for(" ".join(r[5] for r in raw), installed)


def read_image(image, height: float, languages: str) -> PageReading:
    """Words of one page image, with boxes in PDF points (y upwards), straightened, and the rules
    of its tables.

    Tesseract takes a ruled table for a picture and reads little of it. Where the rules of a page
    make a grid, each column of the straightened grid, its rules wiped out, is read again as one
    column of lines, in the one language the first reading found in it: the cells are then plain
    text, which the table reader places into the grid as on a text page."""
    try:
        raw = _recognise(image, languages)
        angle = _tilt(raw)
        words = _straighten(raw, angle, height)
        straight = _turn(image, angle)
        rules, ink = rules_of(straight, height)
        words = _off_rules(_off_edges(words, image.width * 72.0 / DPI, height), rules)
        grids = tables.find_grids(list(rules), words).regions if rules else []
        if grids:
            wiped = _wipe(straight, ink)
            first = [w for w in words if any(_within(w, g) for g in grids)]
            words = [w for w in words if not any(_within(w, g) for g in grids)]
            for grid in grids:
                xs = tables.columns_of(grid, rules)
                for left, right in itertools.pairwise(xs):
                    column = Region(left, right, grid.top, grid.bottom)
                    seen = " ".join(w.text for w in first if _within(w, column))
                    cells, origin = _crop(wiped, column, height)
                    found = _recognise(binarize(cells), column_language(seen, languages), config="--psm 6")
                    raw += found
                    words += _straighten(found, 0.0, height, origin)
    except _Failed as e:
        return PageReading([], height, None, languages, error=str(e))
    confidence = statistics.fmean(r[6] for r in raw) if raw else None
    return PageReading(words, height, confidence, languages, rules=tuple(rules))


def binarize(image):
    """An image in black and white, split at Otsu's threshold of its grey levels.

    Tesseract finds lines on a black and white image but reads them from the grey one, where a
    scan's noise and blur can spoil a bold clause number alone in its hanging indent or at a
    cell's edge. Whole pages read better grey (the corpus scans in black and white lost clause
    numbers on 2 documents of 13 and on tmh-service, which grey kept), so only the parts read again
    are made black and white: a table's columns and the words read again (:func:`_read_again`)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L"))
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    below = np.cumsum(counts)  # pixels at or below each level
    above = below[-1] - below
    sum_below = np.cumsum(counts * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_below = sum_below / below
        mean_above = (sum_below[-1] - sum_below) / above
        between = below * above * (mean_below - mean_above) ** 2
    if not np.isfinite(between).any():  # one grey level: nothing to split
        return image.convert("L")
    threshold = int(np.nanargmax(between))
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


#: Letters the first reading of a page must have found in a table column to choose its language.
COLUMN_LETTERS = 40


def column_language(text: str, languages: str) -> str:
    """The one language a table column is read in, from its text in the page's first reading
    (``languages``: the document's, when too little was read to tell).

    A column of a bilingual table holds one language, and each model alone reads its own best
    (the Kazakh-Russian table of corpora/samples scanned: the Kazakh column 0.19 % characters
    wrong read with kaz, 0.30 % with kaz+rus; the Russian 0.59 % with rus, 1.02 % with kaz+rus,
    which reads щ as ш)."""
    if sum(c.isalpha() for c in text) < COLUMN_LETTERS:
        return languages
    return languages_for(text, tuple(languages.split("+"))).split("+")[0]


#: Points (5 mm) from the edge of the sheet where nothing is printed: marks there are the scanner's (the
#: shadow of the sheet's edge, punch holes), read as "I" or "Е".
EDGE = 14.0


def _off_edges(words: list[Word], width: float, height: float) -> list[Word]:
    """Words without the marks along the edges of the sheet. One such mark at the left edge of a page of
    ../shared/realdev/stm-service-scan.pdf widened the page so far that the gap between its hanging clause
    numbers and their text was taken for a column gutter, and the numbers lost their clauses."""
    return [w for w in words if w.x1 > EDGE and w.x0 < width - EDGE and w.bottom < height - EDGE and w.top > EDGE]


#: What a vertical rule is read as when Tesseract takes it for a letter.
_RULE_LOOKALIKES = frozenset("|Il1![]")


def _off_rules(words: list[Word], rules) -> list[Word]:
    """Words without the vertical rules read as letters: a "|" (or "I", "l" once a Roman numeral is
    restored) standing on a rule is no word, and a "|" glued to a word's edge is no letter of it.
    A rule between the two texts of a bilingual table would otherwise join each row into one line."""
    verticals = [r for r in rules if r.vertical]
    out = []
    for w in words:
        text = w.text.strip("|")
        on_rule = any(w.x0 - 1 <= r.at <= w.x1 + 1 and r.a <= w.cy <= r.b for r in verticals)
        if not text or (on_rule and len(text) <= 2 and set(text) <= _RULE_LOOKALIKES):
            continue
        out.append(w if text == w.text else Word(w.x0, w.x1, w.top, w.bottom, text, w.index))
    return out


def _within(word: Word, region) -> bool:
    cx = (word.x0 + word.x1) / 2
    return region.x0 <= cx <= region.x1 and region.bottom <= word.cy <= region.top


#: White border (points) put around a cropped part of a page: Tesseract misreads a word that
#: touches the edge of its image (a bold clause number at a cell's left rule).
BORDER = 6.0


def _crop(image, region, height: float):
    """The part of a straight page image a region covers, framed in white, and where the framed
    image's top left corner lies, in points from the page's top left corner."""
    from PIL import ImageOps

    scale = 72.0 / DPI
    left, top = max(0.0, region.x0), max(0.0, height - region.top)
    right, bottom = region.x1, height - region.bottom
    box = tuple(int(round(v / scale)) for v in (left, top, right, bottom))
    border = int(round(BORDER / scale))
    return ImageOps.expand(image.crop(box), border=border, fill=255), ((box[0] - border) * scale,
                                                                       (box[1] - border) * scale)


class _Failed(Exception):
    pass


#: At most this many words of a page are read again on their own (each is a Tesseract run).
MAX_REREAD = 20
#: Tesseract's confidence in a printed clause number read right (93-96 on the corpus scans): a
#: number at the start of a line read with less may be misread («3.8.» for "8.8.", «$10.» for "8.10.").
NUMBER_SURE = 90
#: A word that may be a clause number: digits and dots, and at most one other sign in them.
_NUMBERISH = re.compile(r"^(?=\S*\d)[\d.,:;]*[^\s\d.,:;]?[\d.,:;]*$")
_CLAUSE_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.$")


def _read_again(image, data: dict, languages: str) -> None:
    """Words Tesseract may have misread, read again in place, each alone from a black and white crop.

    Tesseract reads a page's lines from the grey image, where a scan's noise and blur can spoil a
    bold or small clause number. Two kinds of word are read again (at most :data:`MAX_REREAD` a page):
    - an unsure word alone on its line, mostly a clause number in a hanging indent: «7.1.» of
      sectoral-healthcare-2024 scanned came out «И.Т.» with confidence 1 (alone: «7.1.», 94); the new
      reading is kept when Tesseract is sure of it and it looks like a word (a stamp or a speck stays out);
    - a number opening a line read with less than :data:`NUMBER_SURE`: «3.8.» (45) and «$10.» (79)
      for "8.8." and "8.10." in tmh-service scanned; kept when it reads as a clause number, surely."""
    import pytesseract

    texts, confs = data["text"], data["conf"]
    lines: dict[tuple[int, int, int], list[int]] = {}
    for k, text in enumerate(texts):
        if text.strip():
            lines.setdefault((data["block_num"][k], data["par_num"][k], data["line_num"][k]), []).append(k)
    heights = sorted(data["height"][k] for ks in lines.values() for k in ks)
    if not heights:
        return
    usual = heights[len(heights) // 2]
    again: list[tuple[int, re.Pattern, float]] = []  # word, what its new reading must look like, how sure
    for ks in lines.values():
        k, conf, text = ks[0], float(confs[ks[0]]), texts[ks[0]].strip()
        if not 0.5 * usual <= data["height"][k] <= 2 * usual or conf < 0:
            continue
        if len(ks) == 1 and conf < SURE:
            again.append((k, _WORDLIKE, SURE))
        elif conf < NUMBER_SURE and len(text) <= 8 and _NUMBERISH.match(text):
            again.append((k, _CLAUSE_NUMBER, NUMBER_SURE))
    pad = max(4, usual // 3)
    for k, looks, sure in again[:MAX_REREAD]:
        left, top = max(0, data["left"][k] - pad), max(0, data["top"][k] - pad)
        box = (left, top, data["left"][k] + data["width"][k] + pad, data["top"][k] + data["height"][k] + pad)
        try:
            read = pytesseract.image_to_data(binarize(image.crop(box)), lang=languages, config="--psm 7",
                                             output_type=pytesseract.Output.DICT, timeout=PAGE_TIMEOUT)
        except (pytesseract.TesseractError, RuntimeError, OSError):
            continue
        words = [(t.strip(), float(c)) for t, c in zip(read["text"], read["conf"], strict=True) if t.strip()]
        if len(words) == 1 and words[0][1] >= sure and looks.match(words[0][0]):
            texts[k], confs[k] = words[0]


def _recognise(image, languages: str, config: str = "") -> list:
    """Tesseract's words on an image: (line id, x0, x1, top, bottom, text, confidence), in points
    from the top left corner; unsure non-words out, Cyrillic words in one alphabet."""
    import pytesseract

    # One thread per Tesseract (it inherits our environment): pages run in parallel instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(image, lang=languages, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=PAGE_TIMEOUT)
    except (pytesseract.TesseractError, RuntimeError, OSError) as e:  # RuntimeError: the timeout
        raise _Failed(str(e).strip() or type(e).__name__) from None
    scale = 72.0 / DPI
    cyrillic = "rus" in languages or "kaz" in languages
    _read_again(image, data, languages)
    _roman_numerals(data["text"], cyrillic)
    _clause_numbers(data["text"], data["word_num"])
    raw = []
    for k, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][k])
        if not text or conf < 0 or (conf < SURE and not _WORDLIKE.match(text)):
            continue
        if cyrillic:
            text = _one_alphabet(text)
        x0 = data["left"][k] * scale
        top = data["top"][k] * scale
        line = (data["block_num"][k], data["par_num"][k], data["line_num"][k])
        raw.append((line, x0, x0 + data["width"][k] * scale, top, top + data["height"][k] * scale, text, conf))
    return raw


#: Dark enough to be ink on a scanned grey page (0 black, 255 white), after blur and noise.
INK = 170
#: A straight run of ink at least this long (points) is a rule: the longest stroke of a letter is
#: about the font size, and a table's rules span at least a cell.
MIN_RULE = 24.0


def _turn(image, angle: float):
    """The image turned back by the page's tilt about its top left corner, as the word boxes are."""
    if not angle:
        return image
    from PIL import Image

    return image.rotate(-math.degrees(angle), resample=Image.Resampling.BILINEAR, center=(0, 0), fillcolor=255)


def rules_of(image, height: float):
    """Horizontal and vertical rules (table borders) drawn on a straight page image, in PDF points,
    and the mask of their pixels. A rule is a run of ink along one pixel row or column; it is a
    few pixels thick and, scanned, broken here and there: the table reader joins the pieces. The
    mask takes in the short pieces too (all the ink of a pixel row or column between the ends of
    its long runs), which Tesseract would otherwise read as dashes and quotes in the cells."""
    import numpy as np

    ink = np.asarray(image.convert("L")) < INK
    mask = np.zeros_like(ink)
    scale = 72.0 / DPI
    minimum = int(MIN_RULE / scale)
    edges = []
    for vertical, grid in ((False, ink), (True, ink.T)):
        padded = np.zeros((grid.shape[0], grid.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = grid
        steps = np.diff(padded, axis=1)
        starts, ends = np.argwhere(steps == 1), np.argwhere(steps == -1)
        long = (ends[:, 1] - starts[:, 1]) >= minimum
        spans: dict[int, tuple[int, int]] = {}  # pixel row (column) -> the ends of its long runs
        for (line, a), (_, b) in zip(starts[long], ends[long], strict=True):
            first, last = spans.get(line, (a, b))
            spans[line] = (min(first, a), max(last, b))
            if vertical:  # line is a pixel column; a..b run down the page
                edges.append(Edge(True, line * scale, height - b * scale, height - a * scale))
            else:
                edges.append(Edge(False, height - line * scale, a * scale, b * scale))
        along = mask.T if vertical else mask  # a view: writing it writes the mask
        for line, (a, b) in spans.items():
            along[line, a:b] = grid[line, a:b]
    return edges, mask


def _wipe(image, mask):
    """The image with the masked pixels (and their blurred fringe) made white."""
    import numpy as np
    from PIL import Image

    grown = mask.copy()
    grown[1:, :] |= mask[:-1, :]
    grown[:-1, :] |= mask[1:, :]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    pixels = np.asarray(image.convert("L")).copy()
    pixels[grown] = 255
    return Image.fromarray(pixels)


#: What the Russian and Kazakh models make of Roman numerals in a Cyrillic sentence
#: («инвалидности I или II группы» is read «инвалидности Г или П группы»).
_ROMAN_MISREAD = {"Г": "I", "|": "I", "П": "II", "||": "II", "!!": "II", "Ш": "III", "|||": "III", "!!!": "III"}


#: A section number in Roman numerals with its I read as l or | ("Il. ECONOMIC POLICY").
_ROMAN_TITLE = re.compile(r"^(?=[Il|]*I)(?=[Il|]*[l|])[Il|]{2,3}\.$")


def _roman_numerals(texts: list[str], cyrillic: bool) -> None:
    """Roman numerals restored in place: a look-alike standing alone before a Cyrillic word (none
    of those letters is a Russian or Kazakh word by itself), and "Il." before a title in capitals."""
    for k, text in enumerate(texts):
        following = next((t.strip() for t in texts[k + 1 : k + 4] if t.strip()), "")
        if _ROMAN_TITLE.match(text.strip()) and following.isupper():
            texts[k] = text.strip().replace("l", "I").replace("|", "I")
        elif cyrillic and text.strip() in _ROMAN_MISREAD:
            if following[:1].isalpha() and _CYRILLIC.match(following):
                texts[k] = _ROMAN_MISREAD[text.strip()]


#: A clause number opening a line with its dots read as commas or colons ("2.7:8,", "6,3.", "1:").
_MISREAD_NUMBER = re.compile(r"^\d{1,2}(?:[.,:;]\d{1,2}){0,3}[.,:;]$")


#: Letters Tesseract gives for the digits they look like, inside a number: «5.З.» for "5.3.".
_DIGIT_LOOKALIKES = str.maketrans("ЗОO", "300")


#: A clause number opening a line, split after a dot («5. 8.») or glued to its first word («5.1.В»).
_SPLIT_NUMBER = re.compile(r"^\d{1,2}\.$")
_NUMBER_PART = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}\.$")
_GLUED_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3}\.)([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][^\d\s]*)$")


def _clause_numbers(texts: list[str], word_numbers: list[int]) -> None:
    """Commas and colons of a number that opens a line before a capitalised word, or stands alone
    on its line, made dots, and letters in it that look like digits made digits, in place: a
    clause number is written with dots, and Tesseract reads a small dot as either. A number it
    split after a dot («5. 8. Развивать») is joined, one glued to its first word («5.1.В целях»)
    parted (the joined second part left empty, so it is no word)."""
    for k, text in enumerate(texts):
        if word_numbers[k] != 1:
            continue
        following = [j for j in range(k + 1, min(len(texts), k + 4)) if texts[j].strip()][:2]
        if (len(following) == 2 and word_numbers[following[0]] == 2 and _SPLIT_NUMBER.match(text.strip())
                and _NUMBER_PART.match(texts[following[0]].strip()) and texts[following[1]].strip()[:1].isupper()):
            texts[k], texts[following[0]] = text.strip() + texts[following[0]].strip(), ""
        elif (m := _GLUED_NUMBER.match(text.strip())) and re.sub(r"\W", "", m[2]).translate(_DIGIT_LOOKALIKES).isalpha():
            texts[k] = f"{m[1]} {m[2]}"
    for k, text in enumerate(texts):
        number = text.strip().translate(_DIGIT_LOOKALIKES)
        if word_numbers[k] != 1 or not any(c.isdigit() for c in text) or not _MISREAD_NUMBER.match(number):
            continue
        # A number in a hanging indent is a line (and a block) of its own, its text read elsewhere.
        alone = k + 1 >= len(texts) or not texts[k + 1].strip()
        following = next((t.strip() for t in texts[k + 1 : k + 3] if t.strip()), "")
        if alone or following[:1].isupper():
            texts[k] = re.sub(r"[,:;]", ".", number)


def _one_alphabet(word: str) -> str:
    """A word of Cyrillic text that Tesseract spelt partly in Latin look-alikes ("OCMOTры"), in
    Cyrillic; its letters after the first in lower case when the look-alikes made capitals of them
    ("ОСМОТры" -> "Осмотры"). A word wholly in Latin letters is left alone: names and codes are."""
    if not (_CYRILLIC.search(word) and _LATIN.search(word)):
        return word
    word = word.translate(_LATIN_LOOKALIKES)
    letters = [c for c in word if c.isalpha()]
    if any(c.islower() for c in letters) and sum(c.isupper() for c in letters[1:]) > 0:
        first = next(i for i, c in enumerate(word) if c.isalpha())
        word = word[: first + 1] + word[first + 1 :].lower()
    return word


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


def _straighten(raw, angle: float, height: float, origin: tuple[float, float] = (0.0, 0.0)) -> list[Word]:
    """Word boxes turned back by ``angle`` about the page's top left corner, in PDF coordinates
    (``origin``: where the image read lies on the page, for a part of it).

    Each word keeps its width and height; only its centre moves. Words of one Tesseract line
    share the line's vertical centre afterwards, so a row stays one row."""
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []
    for line, x0, x1, top, bottom, text, _conf in raw:
        cx, cy = origin[0] + (x0 + x1) / 2, origin[1] + (top + bottom) / 2
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
