"""PDF -> Document on small fixture files, one per quirk (tests/fixtures/make_pdf_fixtures.py).

Each fixture has a golden file beside it (``<name>.expected.json``): the exact
blocks and warnings. Regenerate them with ``KELISIM_REGEN_GOLDEN=1`` after a
deliberate change and read the diff; a missing golden file fails the test.
The behaviour tests below state the point of each fixture in a form that does
not depend on a golden file someone may have regenerated without reading.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.ingest import pdf
from pipeline.ingest.common import ReadOptions
from pipeline.ingest.pdf import hyphens, margins
from pipeline.ingest.pdf.layout import Word, find_gutter, reading_order, rows_of
from schemas import Document

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pdf"
GOLDEN = [
    "two_columns",
    "running_headers",
    "hyphenation_en",
    "hyphenation_ru",
    "tariff_table",
    "wide_one_column",
    "partly_scanned",
    "image_only",
    "encrypted_empty_password",
]


def _as_golden(document: Document) -> dict:
    blocks = []
    for b in document.blocks:
        if b.kind == "table":
            blocks.append({"page": b.page, "table": [list(row) for row in b.table.rows]})
        else:
            blocks.append({"page": b.page, "text": b.text, "bold": b.bold})
    return {"pages": document.source.pages, "warnings": list(document.warnings), "blocks": blocks}


def _dump(golden: dict) -> str:
    """One block per line, so a diff of the golden file shows which line changed."""
    head = json.dumps({"pages": golden["pages"], "warnings": golden["warnings"]}, ensure_ascii=False)[:-1]
    if not golden["blocks"]:
        return f'{head}, "blocks": []}}\n'
    lines = ",\n    ".join(json.dumps(b, ensure_ascii=False) for b in golden["blocks"])
    return f'{head}, "blocks": [\n    {lines}\n]}}\n'


def assert_golden(document: Document, expected_path: Path) -> None:
    """Compare a parsed document with its golden file (or rewrite it under KELISIM_REGEN_GOLDEN=1)."""
    actual = _as_golden(document)
    if os.environ.get("KELISIM_REGEN_GOLDEN") == "1":
        expected_path.write_text(_dump(actual), encoding="utf-8")
    if not expected_path.exists():
        pytest.fail(f"missing golden file {expected_path}; create it with KELISIM_REGEN_GOLDEN=1 and review it")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def _texts(document: Document) -> list[str]:
    return [b.text for b in document.blocks if b.kind == "text"]


@pytest.fixture(scope="module")
def parsed():
    cache: dict[str, Document] = {}

    def get(name: str) -> Document:
        if name not in cache:
            # The text layer as it is: what OCR adds is tested in tests/ingest/test_ocr.py.
            cache[name] = pdf.parse(FIXTURES / f"{name}.pdf", ReadOptions(ocr="never"))
        return cache[name]

    return get


@pytest.mark.parametrize("name", GOLDEN)
def test_pdf_matches_golden(name, parsed):
    assert_golden(parsed(name), FIXTURES / f"{name}.expected.json")


#: Corpus samples read whole against golden files: reading order, columns, tables, furniture and
#: hyphens of real-sized documents, so that making the reader cheaper cannot change what it reads.
CORPUS_GOLDEN = ["energoservice-2025-kkru-columns", "kazmetall-2024", "sectoral-healthcare-2024"]


@pytest.mark.parametrize("name", CORPUS_GOLDEN)
def test_pdf_corpus_sample_matches_golden(name):
    samples = Path(__file__).parents[2] / "corpora" / "samples"
    assert_golden(pdf.parse(samples / f"{name}.pdf", ReadOptions(ocr="never")), FIXTURES / f"corpus-{name}.expected.json")


def test_pdf_golden_file_missing_fails(tmp_path, parsed, monkeypatch):
    """A golden helper that silently writes a missing file passes forever (docling's bug)."""
    monkeypatch.delenv("KELISIM_REGEN_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="missing golden file"):
        assert_golden(parsed("two_columns"), tmp_path / "nothing.expected.json")


# --------------------------------------------------------------------------- reading order


def test_pdf_two_columns_reads_left_column_before_right(parsed):
    """The content stream draws the columns row by row; the reader must not interleave them."""
    texts = _texts(parsed("two_columns"))
    assert texts[0] == "COLLECTIVE AGREEMENT OF KAZMETALL JSC"
    assert texts[-1] == "Signed in Karaganda on 15 December 2023 by both Parties to this Agreement."
    assert texts.index("twice a month.") + 1 == texts.index("2.2. The Employer shall index")
    assert texts[1:4] == ["Section 1. General Provisions", "1.1. This Agreement governs the",
                          "social and labour relations of the"]
    assert not any("2.2." in t and "1.1." in t for t in texts)


def test_pdf_wide_one_column_is_not_split(parsed):
    texts = _texts(parsed("wide_one_column"))
    assert texts[1].startswith("7.1. The Employer shall provide") and texts[1].endswith("replace it")
    assert "Karaganda 15 December 2023" in texts
    assert len(texts) == 7


def test_pdf_blocks_carry_pages_and_bold(parsed):
    document = parsed("running_headers")
    headings = [b for b in document.blocks if b.bold]
    assert [(b.page, b.text) for b in headings] == [
        (1, "Section 1. General Provisions"), (2, "Section 2. Remuneration"),
        (3, "Section 3. Working Time"), (4, "Section 4. Leave"),
    ]
    assert all(b.bold is False for b in document.blocks if not b.text.startswith("Section"))


# --------------------------------------------------------------------------- furniture


def test_pdf_running_headers_and_page_footers_removed(parsed):
    texts = _texts(parsed("running_headers"))
    assert not any("Kazmetall" in t or t.startswith("Page ") for t in texts)
    # A body line repeated on every page is text, not furniture: it is not in the margin zone.
    assert texts.count("The Employer shall:") == 4


def test_pdf_two_page_document_drops_a_line_repeated_at_the_top_of_both_pages(tmp_path):
    """Two pages are enough repetition: the corpus's two-page agreements carry "Page 1 of 2"
    footers and running headers that otherwise end up inside clause text."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "two_pages.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    for n in (1, 2):
        c.setFont("Helvetica", 9)
        c.drawString(72, 800, "Draft for discussion")
        c.setFont("Helvetica", 11)
        c.drawString(72, 700, f"{n}.1. Clause text of section {n}.")
        c.drawCentredString(300, 30, f"- {n} -")
        c.showPage()
    c.save()
    texts = _texts(pdf.parse(path))
    assert texts == ["1.1. Clause text of section 1.", "2.1. Clause text of section 2."]


def test_pdf_one_page_document_drops_only_a_bare_page_number(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "one_page.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.drawString(72, 800, "Draft for discussion")
    c.drawString(72, 700, "1.1. Clause text.")
    c.drawCentredString(300, 30, "- 1 -")
    c.showPage()
    c.save()
    assert _texts(pdf.parse(path)) == ["Draft for discussion", "1.1. Clause text."]


@pytest.mark.parametrize("a, b", [("Page 3 of 18", "Page 4 of 18"), ("Стр. 3", "стр.  12"), ("- 3 -", "- 14 -")])
def test_pdf_margin_shape_ignores_page_numbers(a, b):
    assert margins.shape(a) == margins.shape(b)


# --------------------------------------------------------------------------- hyphenation


def test_pdf_hyphenation_en(parsed):
    texts = _texts(parsed("hyphenation_en"))
    assert "5.1. The Employer shall pay remuneration and compensation" in texts  # no evidence: a typesetter's break
    assert "for work in harmful conditions." in texts
    assert "5.2. A worker employed on a long-term" in texts  # "long-term" occurs unbroken elsewhere
    assert "contract keeps the right to remuneration" in texts  # "remuneration" occurs joined elsewhere
    assert "for overtime and to a part-time" in texts
    assert "contracts have equal rights; the well-being" in texts  # "well" starts compounds (data list)
    assert "2024-2026." in texts
    assert "5.4. Social Insurance Fund of the Republic of Kazakhstan" in texts
    assert "1" not in texts  # the bare page number


def test_pdf_hyphenation_ru_keeps_real_hyphens_and_unicode(parsed):
    texts = _texts(parsed("hyphenation_ru"))
    assert "3.1. Работодатель обеспечивает выплату компенсации" in texts
    assert "не ниже 10% тарифной ставки (оклада), в том числе из-за" in texts
    assert "3.2. Стороны регулируют социально-трудовые" in texts
    assert "кодексом; социально-экономические гарантии работодателя" in texts
    # №, «», – survive (NFKC would turn № into "No"); the soft hyphen in "ежегод-но" joins.
    assert "зарплату» в размере № 1 по решению профсоюза – ежегодно" in texts
    assert "- 1 -" not in texts


@pytest.mark.parametrize(
    "left, right, corpus, keep",
    [
        ("compen", "sation", "", False),
        ("long", "term", "", True),  # first part from the data list
        ("over", "time", "", False),
        ("remune", "ration", "remuneration is paid", False),
        ("part", "time", "part-time work", True),
        ("из", "за", "", True),
        ("социально", "трудовых", "социально-экономические гарантии", True),
        ("компенса", "ции", "выплата компенсация", False),  # an inflected form elsewhere
        ("2024", "2026", "", True),
        ("ежегод", "но", "", False),
        # A short first part ("ex", "non", "экс") begins many plain words: it needs its tail as a word.
        ("ex", "aminations", "medical checks of employees", False),
        ("ex", "employees", "the employees of the Company", True),
        ("non", "compliance", "", False),
    ],
)
def test_pdf_keeps_hyphen_decision(left, right, corpus, keep):
    vocab = hyphens.Vocabulary.of_lines([corpus])
    assert hyphens.keeps_hyphen(left, right, "-", vocab) is keep


def test_pdf_soft_hyphen_always_joins():
    vocab = hyphens.Vocabulary.of_lines(["long-term"])
    assert hyphens.keeps_hyphen("long", "term", "\u00ad", vocab) is False


def test_pdf_vocabulary_leaves_out_the_pieces_around_line_end_breaks():
    """Words of the lines away from any break and those of broken lines but their pieces."""
    vocab = hyphens.Vocabulary.of_lines(["the long-", "term plan", "compen-", "sation paid", "a long-term Plan", "end"])
    assert vocab.words == {"the", "plan", "paid", "a", "end"}
    assert vocab.compounds == {"long-term"}


def test_pdf_rejoin_reads_no_vocabulary_without_a_break(monkeypatch):
    def unexpected(lines):
        raise AssertionError("the vocabulary was read")

    monkeypatch.setattr(hyphens.Vocabulary, "of_lines", unexpected)
    assert hyphens.rejoin(["5.1. Wages are paid", None, "twice a month."]) == ["5.1. Wages are paid", None, "twice a month."]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Work\u00a0time  is\u2009 eight hours ", "Work time is eight hours"),  # spaces only
        ("com\ufffepen\x02 sa\u200btion \ufb01nal\x07end\u00ad", "com-pen- sation final end"),
    ],
)
def test_pdf_line_is_cleaned(raw, clean):
    """PDFium's hyphen markers become "-", ligatures are spelt out, invisible characters dropped,
    control characters and all spaces made single spaces."""
    assert pdf._clean(raw) == clean


def test_pdf_rejoin_does_not_cross_a_table():
    assert hyphens.rejoin(["compen-", None, "sation"]) == ["compen-", None, "sation"]


def test_pdf_rejoin_drops_emptied_line_content():
    assert hyphens.rejoin(["paid in 2024-", "2026."]) == ["paid in 2024-2026.", ""]


# --------------------------------------------------------------------------- tables


def test_pdf_tariff_table_is_one_block_between_its_clauses(parsed):
    document = parsed("tariff_table")
    kinds = [(b.kind, b.text[:4]) for b in document.blocks]
    assert kinds == [("text", "Sect"), ("text", "6.1."), ("table", ""), ("text", "6.2."), ("text", "6.3.")]
    table = document.blocks[2].table
    assert table.page == 1
    assert table.rows[0] == ("Grade", "Coefficient", "Monthly rate, KZT")
    assert table.rows[2] == ("2", "1.15", "172 500")
    assert not any("172 500" in t for t in _texts(document))


def test_pdf_page_without_rules_skips_pdfplumber(monkeypatch):
    """pdfplumber is ~100x slower than PDFium: a page with no grid must never reach it."""
    def boom(*_a, **_k):
        raise AssertionError("pdfplumber called on a page without rules")

    monkeypatch.setattr(pdf._TableFinder, "find", boom)
    assert _texts(pdf.parse(FIXTURES / "running_headers.pdf"))


# --------------------------------------------------------------------------- no text layer


def test_pdf_image_only_warns_and_has_no_blocks(parsed):
    document = parsed("image_only")
    assert document.blocks == ()
    assert document.warnings == (pdf.NO_TEXT_LAYER,)


def test_pdf_partly_scanned_names_the_page(parsed):
    assert parsed("partly_scanned").warnings == ("no text layer on page 2: OCR needed",)


# --------------------------------------------------------------------------- geometry


def _row(y: float, *spans: tuple[float, float, str]) -> list[Word]:
    return [Word(x0, x1, y + 10, y, text) for x0, x1, text in spans]


def test_pdf_gutter_found_between_columns_despite_spanning_title():
    words = _row(800, (150, 300, "Title"), (305, 450, "spanning"))
    for k in range(6):
        words += _row(780 - 14 * k, (70, 280, f"left{k}"), (320, 530, f"right{k}"))
    gutter = find_gutter(rows_of(words))
    assert gutter is not None and 280 < gutter.x < 320
    order = [line.text for line in reading_order(words)]
    assert order == ["Title spanning"] + [f"left{k}" for k in range(6)] + [f"right{k}" for k in range(6)]


def test_pdf_no_gutter_in_one_column_with_a_gap_line():
    words = []
    for k in range(6):
        words += _row(780 - 14 * k, (70, 200, "a"), (203, 330, "b"), (333, 530, "c"))
    words += _row(690, (70, 150, "Karaganda"), (450, 530, "2023"))
    assert find_gutter(rows_of(words)) is None


def _zone(texts_and_tops, height=800.0):
    """Zone lines of one page from (text, top) pairs, listed in a reading order that is not the geometric one."""
    lines = [(k, text, top, top - 12) for k, (text, top) in enumerate(texts_and_tops)]
    return margins.zone_lines(lines, height)


def test_pdf_footer_read_mid_column_is_still_found_by_its_place_on_the_page():
    # A two-column reading order put the page number between two body lines.
    page = _zone([("2.4.2 Each hour of night work from", 60), ("- 2 -", 20), ("22:00 to 06:00 shall be paid", 700),
                  ("a", 650), ("b", 600), ("c", 550)])
    assert "- 2 -" in {m.text for m in page}
    drop = margins.furniture([page])
    assert [m.text for m in page if m.position in drop[0]] == ["- 2 -"]


def test_pdf_two_page_document_drops_a_footer_repeated_on_both_pages():
    pages = [_zone([("Body one", 400), ("Page 1 of 2", 30)]), _zone([("Body two", 400), ("Page 2 of 2", 30)])]
    drop = margins.furniture(pages)
    assert all(len(d) == 1 for d in drop)


def test_pdf_running_header_repeating_the_title_is_dropped_but_not_on_page_one():
    first = _zone([("REGIONAL AGREEMENT", 790), ("of the Karaganda Region for 2024-2026", 770)])
    second = _zone([("Regional Agreement of the Karaganda Region for 2024-2026", 790), ("12. Employers shall", 700)])
    opening = "REGIONAL AGREEMENT of the Karaganda Region for 2024-2026 Karaganda, 12 January 2024"
    drop = margins.furniture([first, second], opening)
    assert drop[0] == set()
    assert [m.text for m in second if m.position in drop[1]] == ["Regional Agreement of the Karaganda Region for 2024-2026"]
