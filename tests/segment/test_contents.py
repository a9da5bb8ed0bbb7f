"""A table of contents is no clause: born-digital (a fixture PDF) and as OCR reads one."""

from pathlib import Path

from pipeline.analyze import read_agreement
from pipeline.ingest.common import ReadOptions
from pipeline.segment import contents, segment
from schemas import Block, Document, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


def _doc(lines: list[str], per_page: int = 12) -> Document:
    blocks = tuple(Block(text=line, page=1 + i // per_page) for i, line in enumerate(lines))
    return Document(source=Source(path="x.pdf", sha256="cd" * 32, format="pdf", pages=3), blocks=blocks)


def test_contents_of_a_text_pdf_are_no_clauses():
    agreement = read_agreement(FIXTURES / "contents_ru.pdf", ReadOptions(ocr="never"))
    assert [c.number for c in agreement.clauses] == ["1.1", "2.1", "3.1", "4.1"]
    assert agreement.clauses[0].heading == "Общие положения"
    assert not any("...." in c.text for c in agreement.clauses)


#: The table of contents of ../shared/realdev/stm-service-scan.pdf as OCR reads it: leaders read as
#: letters, page numbers on lines of their own, a title wrapped.
OCR_CONTENTS = [
    "КОЛЛЕКТИВНЫЙ ДОГОВОР",
    "СОДЕРЖАНИЕ",
    "1. Основные понятия и сокращения",
    "2. Общие положения................ нина",
    "3. Рабочее время и время",
    "4. Нормирование и оплата",
    "иниинииниииниининиилиилниниилиининиия 4",
    "ини ниничии, 5",
    "8",
    "10",
    "5. Гарантии для работников, работающих в районах Крайнего Севера и",
    "приравненных к ним местностях............... или инииииииии 23",
    "1. Основные понятия и сокращения",
    "1.1. Работники - физические лица, состоящие в трудовых отношениях с Обществом.",
    "2. Общие положения",
    "2.1. Настоящий договор заключен между Работниками и Работодателем.",
]


def test_contents_read_by_ocr_end_where_the_body_repeats_the_first_entry():
    assert contents.find(_doc(OCR_CONTENTS).blocks) == range(1, 12)
    agreement = segment(_doc(OCR_CONTENTS))
    assert [c.number for c in agreement.clauses] == ["1.1", "2.1"]
    assert agreement.clauses[0].heading == "Основные понятия и сокращения"


def test_contents_without_numbers_end_after_their_last_page():
    lines = ["Contents", "General provisions ........ 2", "Remuneration ........ 3", "Working time ........ 4",
             "Section 1. General provisions", "1.1. The Employer shall index wages every year."]
    assert contents.find(_doc(lines).blocks) == range(0, 4)
    assert [c.number for c in segment(_doc(lines)).clauses] == ["1.1"]


def test_contents_heading_without_pages_is_left_alone():
    """«Содержание» as a section's own title (what a contract holds), with no pages under it."""
    lines = ["1. Общие положения", "1.1. Договор заключен на три года.", "Содержание",
             "1.2. Содержание трудового договора определяется сторонами.", "1.3. Договор вступает в силу 1 января."]
    assert contents.find(_doc(lines).blocks) is None
    assert [c.number for c in segment(_doc(lines)).clauses] == ["1.1", "1.2", "1.3"]
