"""Scanned PDFs read by OCR, end to end: a fixture scanned by bench/scanner.py (rotation, blur,
noise, JPEG) is read as its text layer is. Tests that need Tesseract skip when it is absent
(CI installs it through `make ocr-packages`); what happens without it is tested everywhere."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.analyze import read_agreement
from pipeline.cli import cli
from pipeline.ingest import ocr, parse, pdf
from pipeline.ingest.common import ReadOptions
from pipeline.ingest.pdf.layout import Word
from pipeline.report.terminal import agreement_text
from schemas import Agreement

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"

needs_tesseract = pytest.mark.skipif(
    not ocr.engine().usable or set(ocr.engine().languages) != {"eng", "rus", "kaz"},
    reason=f"Tesseract with eng, rus and kaz is not installed ({ocr.HOW_TO_INSTALL})",
)


def _bench(name: str):
    """A module of bench/ (not a package: its scripts run from their own folder)."""
    if f"bench_{name}" not in sys.modules:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[f"bench_{name}"]


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """Three one-page fixtures (two columns, Russian hyphenation, a ruled table) scanned at 200 dpi,
    each turned by up to ±1.5°."""
    scanner = _bench("scanner")
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for name in ("two_columns", "hyphenation_ru", "tariff_table"):
        out[name] = folder / f"{name}.scan.pdf"
        angles = scanner.scan_pdf(FIXTURES / f"{name}.pdf", out[name], scanner.Scanner(dpi=200))
        assert all(0.3 < abs(a) <= 1.5 for a in angles), angles  # really turned, within the range
    return out


@pytest.fixture(scope="module")
def shown(scans) -> Agreement:
    """`kelisim show --format json` of the scanned two-column page (OCR runs once for the tests below)."""
    result = CliRunner().invoke(cli, ["show", str(scans["two_columns"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    return Agreement.model_validate(json.loads(result.output))


def test_ocr_scanner_is_deterministic(tmp_path):
    scanner = _bench("scanner")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    scanner.scan_pdf(FIXTURES / "two_columns.pdf", a, scanner.Scanner(dpi=100))
    scanner.scan_pdf(FIXTURES / "two_columns.pdf", b, scanner.Scanner(dpi=100))
    assert a.read_bytes() == b.read_bytes()
    # an image-only PDF: without OCR there is nothing to read
    assert parse(a, ReadOptions(ocr="never")).warnings == (pdf.NO_TEXT_LAYER,)


@needs_tesseract
def test_ocr_scanned_two_columns_reads_like_the_text_layer(shown):
    original = read_agreement(FIXTURES / "two_columns.pdf", ReadOptions(ocr="never"))
    comparison = _bench("ocr").compare(original, shown)
    assert [c.number for c in shown.clauses] == [c.number for c in original.clauses]  # columns in order
    assert comparison.recall == comparison.precision == 1.0
    assert comparison.norms == 4 and comparison.norms_equal == 1.0
    assert comparison.cer <= 0.01
    assert shown.title == original.title and shown.level == "collective"


@needs_tesseract
def test_ocr_clauses_and_agreement_say_they_were_read_by_ocr(shown):
    assert shown.ocr is not None and shown.ocr.pages == (1,)
    assert shown.ocr.mean_confidence > 80
    assert shown.clauses and all(c.ocr for c in shown.clauses)
    assert not any(w.startswith("no text layer") for w in shown.warnings)
    text = agreement_text(shown)
    assert "OCR: 1 page(s) read by OCR" in text and "mean confidence" in text
    assert "1.1 (p. 1, OCR)" in text


@needs_tesseract
def test_ocr_russian_scan_chooses_russian_and_rejoins_hyphens(scans):
    original = read_agreement(FIXTURES / "hyphenation_ru.pdf", ReadOptions(ocr="never"))
    pages = []
    read = read_agreement(scans["hyphenation_ru"], ReadOptions(on_page=lambda done, total: pages.append((done, total))))
    assert read.language == "ru" and read.ocr.languages == "rus"
    assert pages == [(1, 1)]  # what the progress bar of `kelisim show` is told
    comparison = _bench("ocr").compare(original, read)
    assert comparison.recall == comparison.precision == 1.0
    assert comparison.norms_equal == 1.0
    assert comparison.cer <= 0.01


@needs_tesseract
def test_ocr_ruled_table_of_a_scan_is_a_table_block_between_its_clauses(scans):
    """Bug: Tesseract took the ruled grid of a scanned page for a picture and the cells were lost
    or read into the clause text; the rules found in the image now give the table reader its grid."""
    original = parse(FIXTURES / "tariff_table.pdf", ReadOptions(ocr="never"))
    read = parse(scans["tariff_table"])
    assert [b.kind for b in read.blocks] == [b.kind for b in original.blocks] == ["text", "text", "table", "text", "text"]
    assert [b.text for b in read.blocks if b.kind == "text"] == [b.text for b in original.blocks if b.kind == "text"]
    ours, theirs = original.blocks[2].table.rows, read.blocks[2].table.rows
    assert len(theirs) == len(ours) and all(len(r) == len(o) for r, o in zip(theirs, ours, strict=True))
    assert theirs[0] == ours[0] and [r[0] for r in theirs] == [r[0] for r in ours]
    cells = [(a, b) for r, o in zip(theirs, ours, strict=True) for a, b in zip(r, o, strict=True)]
    assert sum(a == b for a, b in cells) >= len(cells) - 1  # at 200 dpi one dot may go ("115" for "1.15")


def test_ocr_text_layer_pages_are_not_recognised(monkeypatch):
    """auto: a born-digital PDF never reaches Tesseract."""
    monkeypatch.setattr(ocr, "read_pages", lambda *a, **k: pytest.fail("OCR ran on a text page"))
    assert parse(FIXTURES / "two_columns.pdf").ocr is None


def test_ocr_without_tesseract_says_how_to_add_it(monkeypatch):
    monkeypatch.setattr(ocr, "engine", lambda: ocr.Engine(None, None, ()))
    document = parse(FIXTURES / "image_only.pdf")
    assert document.blocks == () and document.ocr is None
    assert document.warnings == (pdf.NO_TEXT_LAYER, f"OCR unavailable: {ocr.HOW_TO_INSTALL}")
    result = CliRunner().invoke(cli, ["doctor", "--format", "json"])
    assert result.exit_code == 0
    tesseract = next(p for p in json.loads(result.output)["parts"] if p["name"] == "tesseract")
    assert tesseract == {"name": "tesseract", "present": False, "detail": ocr.HOW_TO_INSTALL,
                         "enables": "reading scanned PDFs (OCR)"}


def test_ocr_doctor_lists_the_optional_parts():
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0
    names = [line.split()[1] for line in result.output.splitlines() if line[:3] in ("yes", "no ")]
    assert names == ["tesseract", "libreoffice", "elasticsearch"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Работодатель обязуется выплачивать", "rus"),
    ("Жұмыс беруші төлейді және қамтамасыз етеді", "kaz+rus"),
    ("The Employer shall pay", "eng"),
    ("", "eng+kaz+rus"),
])
def test_ocr_languages_follow_the_alphabet_of_the_first_page(text, expected):
    assert ocr.languages_for(text, ("eng", "kaz", "rus")) == expected


def test_ocr_tilted_words_are_straightened_into_rows():
    """Bug: boxes of a page scanned 1.5° off drift by more than a line height across the page,
    so one printed line fell into several rows of the layout code."""
    angle = math.radians(1.5)
    raw = []
    for line_no, y in enumerate((100.0, 114.0, 128.0)):
        for k, x in enumerate(range(50, 550, 50)):
            # a word's centre on a line rising to the right (image y grows downwards)
            cx, cy = x + 20, y - (x + 20) * math.tan(angle)
            raw.append(((1, 1, line_no), cx - 20, cx + 20, cy - 5, cy + 5, f"w{line_no}{k}", 90.0))
    assert math.isclose(ocr._tilt(raw), angle, rel_tol=1e-6)
    words = ocr._straighten(raw, ocr._tilt(raw), 842.0)
    from pipeline.ingest.pdf.layout import rows_of

    rows = rows_of(words)
    assert [[w.text for w in row] for row in rows] == [[f"w{n}{k}" for k in range(10)] for n in range(3)]


@pytest.mark.parametrize(("read", "expected"), [
    ("OCMOTры", "Осмотры"),  # Latin look-alikes inside a Cyrillic word
    ("Hакопительный", "Накопительный"),
    ("ТОО", "ТОО"),
    ("KazMunayGas", "KazMunayGas"),  # a Latin name stays
    ("АЕК-тен", "АЕК-тен"),
])
def test_ocr_cyrillic_words_in_one_alphabet(read, expected):
    assert ocr._one_alphabet(read) == expected


@pytest.mark.parametrize(("text", "kept"), [
    ("3.1.", True), ("Не", True), ("«Труд»", True), ("II", True), ("–", True), ("1,5", True),
    ("~~,", False), ("ЁЁ№", False), ("a1b;", False), ("ии\\", False),
])
def test_ocr_unsure_words_kept_only_when_they_look_like_words(text, kept):
    assert bool(ocr._WORDLIKE.match(text)) is kept


def test_ocr_roman_numerals_before_a_cyrillic_word():
    """Bug: «инвалидности I или II группы» came out of Tesseract's Russian model as
    «инвалидности Г или П группы», and the disability groups of a norm were lost."""
    texts = ["инвалидности", "Г", "или", "П", "группы,", "", "Ш", "группы", "П", "2024"]
    ocr._roman_numerals(texts, cyrillic=True)
    assert texts == ["инвалидности", "I", "или", "II", "группы,", "", "III", "группы", "П", "2024"]
    titles = ["Il.", "ECONOMIC", "POLICY", "I|.", "Wages", "Г", "или"]
    ocr._roman_numerals(titles, cyrillic=False)
    assert titles == ["II.", "ECONOMIC", "POLICY", "I|.", "Wages", "Г", "или"]


def test_ocr_clause_numbers_read_with_commas_or_colons():
    """Bug: a scan in a small font gave «2.7:8, Участвовать», «6,3. Осуществлять», «1: Работники»,
    and a Kazakh one «5.З. Жұмыс» (Cyrillic Ze): the clauses were glued to the ones before them.
    A letter alone ("З." an initial) stays."""
    texts = ["2.7:8,", "Участвовать", "6,3.", "Осуществлять", "1:", "Работники", "до", "3,5", "дней", "12:", "часов",
             "11.2,", "", "", "", "11.3.", "5.З.", "Жұмыс", "З.", "Заң"]  # numbers in a hanging indent: a block each
    words = [1, 2, 1, 2, 1, 2, 1, 2, 3, 1, 2, 1, 0, 0, 0, 1, 1, 2, 1, 2]
    ocr._clause_numbers(texts, words)
    assert texts == ["2.7.8.", "Участвовать", "6.3.", "Осуществлять", "1.", "Работники", "до", "3,5", "дней", "12:",
                     "часов", "11.2.", "", "", "", "11.3.", "5.3.", "Жұмыс", "З.", "Заң"]


def _scanned_page(source: Path, page: int, folder: Path) -> Path:
    """Page ``page`` of the scan bench/ocr.py makes of ``source`` (its tilt and noise are drawn page
    after page, so a page scanned alone is another scan), as a PDF of its own."""
    import pypdfium2 as pdfium

    whole, one = folder / "whole.pdf", folder / f"page{page}.pdf"
    _bench("scanner").scan_pdf(source, whole)
    document, out = pdfium.PdfDocument(str(whole)), pdfium.PdfDocument.new()
    try:
        out.import_pages(document, [page - 1])
        out.save(str(one))
    finally:
        out.close()
        document.close()
    return one


def test_ocr_scanned_rule_in_overlapping_pieces_is_one_rule():
    """Bug: a scanned rule came as pieces a pixel row apart, one broken, one whole (page 5 of the
    Kazakh-Russian table of corpora/samples scanned); they were joined only to the piece sorted
    last, two rules were left on one line, and the grid was no plain grid: its cells became text."""
    from pipeline.ingest.pdf import tables

    pieces = [(238.8, 72.5, 465.8), (238.8, 476.9, 507.8), (239.28, 72.5, 555.6), (239.04, 72.5, 555.6),
              (239.52, 386.4, 420.2), (239.52, 430.8, 555.6)]
    merged = tables._merge([tables.Edge(False, at, a, b) for at, a, b in pieces])
    assert [(e.a, e.b) for e in merged] == [(72.5, 555.6)]
    rules = [tables.Edge(False, at, a, b) for at, a, b in pieces + [(300.0, 72.5, 555.6), (180.0, 72.5, 555.6)]]
    rules += [tables.Edge(True, x, 180.0, 300.0) for x in (72.5, 314.0, 555.6)]
    verdict = tables.find_grids(rules, [])
    assert not verdict.needs_pdfplumber and len(verdict.regions) == 1
    assert len(verdict.regions[0].payload) == 2  # two rows of two cells


@pytest.mark.parametrize(("text", "languages", "expected"), [
    ("Жұмыс беруші қызметкерлерді арнаулы киіммен тегін қамтамасыз етуге міндеттенеді.", "kaz+rus", "kaz"),
    ("Работодатель обязуется бесплатно обеспечивать работников средствами защиты.", "kaz+rus", "rus"),
    ("4.1. ТОО 25 %", "kaz+rus", "kaz+rus"),  # too few letters to tell
    ("Работодатель обязуется бесплатно обеспечивать работников средствами защиты.", "rus", "rus"),
])
def test_ocr_table_column_read_in_its_own_language(text, languages, expected):
    assert ocr.column_language(text, languages) == expected


def test_ocr_binarize_splits_ink_from_a_noisy_page():
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    pixels = np.clip(rng.normal(235, 12, (60, 200)), 0, 255)
    pixels[20:40, 50:150] = np.clip(rng.normal(40, 12, (20, 100)), 0, 255)  # a stroke of ink
    out = np.asarray(ocr.binarize(Image.fromarray(pixels.astype(np.uint8))))
    assert set(np.unique(out)) == {0, 255}
    assert (out[20:40, 50:150] == 0).all() and (out[:15] == 255).all()
    blank = Image.new("L", (40, 20), 255)  # an empty cell: one grey level, nothing to split
    assert ocr.binarize(blank).tobytes() == blank.tobytes()


@needs_tesseract
def test_ocr_bold_number_in_a_hanging_indent_is_read(tmp_path):
    """Bug: the bold «7.1.» alone in the hanging indent of page 2 of sectoral-healthcare-2024, scanned,
    was read «И.Т.» with confidence 1 and clause 7.1 was glued to 6.3: Tesseract reads the lines of
    the grey image, where noise and blur spoil a bold number; it now reads a black and white one."""
    scan = _scanned_page(ROOT / "corpora" / "samples" / "sectoral-healthcare-2024.pdf", 2, tmp_path)
    numbers = [b.text.split()[0] for b in parse(scan).blocks if b.kind == "text" and b.text[:1].isdigit()]
    assert "7.1." in numbers and "7.2." in numbers


@needs_tesseract
def test_ocr_bilingual_table_columns_each_in_their_language(tmp_path):
    """Each column of a Kazakh-Russian table is read in its own language: read with kaz+rus, the
    Russian column had «ш» for «щ» (представляюшей) and lost the dots of a clause number."""
    source = ROOT / "corpora" / "samples" / "energoservice-2025-kkru-table.pdf"
    scan = _scanned_page(source, 1, tmp_path)
    ours = [b.table.rows for b in parse(source, ReadOptions(ocr="never")).blocks if b.kind == "table" and b.page == 1]
    theirs = [b.table.rows for b in parse(scan).blocks if b.kind == "table"]
    assert len(theirs) == len(ours) == 1 and len(theirs[0]) == len(ours[0])

    def numbers(rows):  # the clause numbers opening the cells, row by row
        return [[c.split()[0] for c in row if c[:1].isdigit()] for row in rows]

    assert numbers(theirs[0]) == numbers(ours[0]) and sum(map(len, numbers(ours[0]))) >= 8
    russian = " ".join(row[1] for row in theirs[0])
    assert "щ" in russian and russian.count("щ") == " ".join(row[1] for row in ours[0]).count("щ")


def test_ocr_marks_at_the_edge_of_the_sheet_are_no_words():
    """Bug: a scanner's mark at the left edge of a page, read "I", widened the page so far that the gap
    between hanging clause numbers and their text was taken for a column gutter."""
    words = [Word(8.0, 9.5, 800.0, 790.0, "I"), Word(110.0, 132.0, 700.0, 690.0, "1.15."),
             Word(152.0, 225.0, 700.0, 690.0, "Организации"), Word(300.0, 310.0, 838.0, 833.0, "Е")]
    assert [w.text for w in ocr._off_edges(words, 595.0, 842.0)] == ["1.15.", "Организации"]


def test_ocr_hanging_clause_numbers_are_no_column():
    """The gap between clause numbers in a hanging indent and their text is no column gutter, even
    when a mark far to the left widens the page (stm-service-scan.pdf page 5: the numbers 2.4 ... 3.1
    were read as a column of their own and their clauses were left empty)."""
    from pipeline.ingest.pdf.layout import find_gutter, rows_of

    words, y = [Word(10.0, 11.0, 800.0, 790.0, "I")], 760.0
    for number in ("2.4.", "2.5.", "2.6.", "2.7."):
        words.append(Word(112.0, 129.0, y, y - 10, number))
        for line in range(3):
            words += [Word(155.0 + 60 * k, 200.0 + 60 * k, y - 14 * line, y - 14 * line - 10, "слово")
                      for k in range(6)]
        y -= 56
    assert find_gutter(rows_of(words)) is None
    # a real left column, words in it, is still one
    columns = [w for w in words if w.text != "I"] + [Word(20.0, 60.0, w.top, w.bottom, "текст")
                                                      for w in words if w.text.startswith("2.")]
    assert find_gutter(rows_of([w for w in columns if not w.text.startswith("2.")] +
                               [Word(20.0, 100.0, w.top, w.bottom, "левая колонка") for w in columns
                                if w.text.startswith("2.")])) is not None


def test_ocr_clause_numbers_split_or_glued():
    """Bug: tmh-service scanned read «5. 8. Развивать», «8. 15. Выплачивать» and «5.1.В целях»:
    three clauses were glued to the ones before them."""
    texts = ["5.", "8.", "Развивать", "", "5.1.В", "целях", "", "8.", "15.", "Выплачивать", "", "в", "5.", "2.", "раза",
             "", "2.3.Работники,", "", "4.З.", ""]
    words = [1, 2, 3, 0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4, 0, 1, 0, 1, 0]
    ocr._clause_numbers(texts, words)
    assert [t for t in texts if t] == ["5.8.", "Развивать", "5.1. В", "целях", "8.15.", "Выплачивать",
                                       "в", "5.", "2.", "раза", "2.3. Работники,", "4.3."]
