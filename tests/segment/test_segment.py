"""Segmentation on Documents built block by block: PDF-like lines and DOCX-like paragraphs."""

from pipeline.segment import segment
from schemas import Block, Document, Source, Table


def _doc(lines, fmt="pdf", **block_kw):
    blocks = []
    for i, line in enumerate(lines):
        if isinstance(line, Block):
            blocks.append(line)
        else:
            blocks.append(Block(text=line, page=1 + i // 10 if fmt == "pdf" else None, **block_kw))
    return Document(source=Source(path=f"x.{fmt}", sha256="ab" * 32, format=fmt, pages=3), blocks=tuple(blocks))


EN_LINES = [
    "COLLECTIVE AGREEMENT",
    "of Kazmetall JSC for 2024-2026",
    "Karaganda, 15 December 2023",
    "This Agreement is concluded between Kazmetall JSC (hereinafter the Employer), represented by",
    "its President, and the Primary trade union organisation of Kazmetall JSC. It is valid from",
    "1 January 2024 to 31 December 2026.",
    "Section 1. General Provisions",
    "1.1. The Parties shall strive to preserve jobs in 2024 and",
    "2025. The Employer shall inform the Trade Union.",
    "Section 2. Remuneration and",
    "social guarantees",
    "2.1 The Employer shall pay overtime at not less than",
    "1.5 times the hourly rate, as set out in clause",
    "2.3 of this Agreement.",
    "2.2. Wages are paid:",
    "a) on the 5th day;",
    "b) on the 20th day.",
    Block(kind="table", page=2, table=Table(rows=(("Grade", "Coefficient"), ("1", "1.00")), page=2)),
    "2.3 The Employer shall index wages.",
    "3. WORKING TIME",
    "3.1. The working week shall not exceed 40 hours.",
]


def test_segment_numbers_headings_and_traps():
    a = segment(_doc(EN_LINES))
    numbers = [c.number for c in a.clauses]
    assert numbers == ["1.1", "2.1", "2.2", "2.3", "3.1"]
    by = {c.number: c for c in a.clauses}
    assert by["1.1"].text.endswith("2025. The Employer shall inform the Trade Union.")
    assert "1.5 times the hourly rate, as set out in clause 2.3 of this Agreement." in by["2.1"].text
    assert by["2.2"].text == "Wages are paid:\na) on the 5th day;\nb) on the 20th day."
    assert by["2.2"].tables[0].rows[1] == ("1", "1.00")
    assert by["2.1"].heading == "Remuneration and social guarantees"
    assert by["3.1"].heading == "Working time"
    assert by["2.2"].page == 2
    assert a.id == "ag_" + "ab" * 6 and by["2.3"].id == a.id + ":2.3"


def test_segment_metadata_from_front_matter():
    a = segment(_doc(EN_LINES))
    assert a.title == "Collective Agreement of Kazmetall JSC for 2024-2026"
    assert a.level == "collective"
    assert a.language == "en"
    assert (a.valid_from, a.valid_to) == ("2024-01-01", "2026-12-31")
    assert a.region == "Karaganda"
    assert a.parties == ("Kazmetall JSC", "Primary trade union organisation of Kazmetall JSC")


def test_segment_section_title_is_not_a_clause_and_clause_without_children_is():
    a = segment(_doc(["1. General provisions", "1.1 This Agreement applies to all employees.",
                      "2. The Employer shall pay wages twice a month.", "3. The Parties shall strive to cooperate."]))
    assert [c.number for c in a.clauses] == ["1.1", "2", "3"]
    assert a.clauses[0].heading == "General provisions"


def test_segment_russian_sections_and_validity():
    lines = [
        "КОЛЛЕКТИВНЫЙ ДОГОВОР",
        "ТОО «Энергосервис» на 2025-2027 годы",
        "г. Павлодар",
        "Настоящий коллективный договор заключен между ТОО «Энергосервис» в лице директора, и",
        "профсоюзной организацией. Договор вступает в силу с 1 января 2025 года и действует по 31 декабря 2027 года.",
        "Раздел 1. Общие положения",
        "1.1. Работодатель обязуется соблюдать трудовое законодательство.",
        "Раздел 2. Оплата труда",
        "2.1. Оплата сверхурочной работы производится не менее чем в",
        "1,5 размере часовой ставки.",
        "2.2. Заработная плата выплачивается не реже двух раз в месяц.",
    ]
    a = segment(_doc(lines))
    assert [c.number for c in a.clauses] == ["1.1", "2.1", "2.2"]
    assert a.clauses[1].heading == "Оплата труда"
    assert a.clauses[1].text.endswith("1,5 размере часовой ставки.")
    assert (a.level, a.language, a.region) == ("collective", "ru", "Pavlodar")
    assert (a.valid_from, a.valid_to) == ("2025-01-01", "2027-12-31")
    assert a.title == "Коллективный договор ТОО «Энергосервис» на 2025-2027 годы"


def test_segment_kazakh_markers():
    lines = [
        "ҰЖЫМДЫҚ ШАРТ",
        "1-бөлім. Жалпы ережелер",
        "1.1. Жұмыс беруші еңбек заңнамасын сақтауға міндеттенеді.",
        "2-бөлім. Еңбекақы төлеу",
        "2.1. Жалақы айына кемінде екі рет төленеді.",
    ]
    a = segment(_doc(lines))
    assert [c.number for c in a.clauses] == ["1.1", "2.1"]
    assert a.clauses[1].heading == "Еңбекақы төлеу"
    assert a.level == "collective" and a.language == "kk"


def test_segment_docx_labels_and_heading_styles():
    blocks = [
        Block(text="General Agreement for 2024-2026", style="Title"),
        Block(text="General Provisions", style="Heading 1", label="1."),
        Block(text="This Agreement sets the guarantees.", style="List Paragraph", label="1.1."),
        Block(text="It applies to:", style="List Paragraph", label="1.2."),
        Block(text="employers;", style="List Paragraph", label="a)"),
        Block(text="employees.", style="List Paragraph", label="b)"),
        Block(text="Remuneration", style="Heading 1", label="2."),
        Block(text="1.5 times the rate applies to overtime.", style="List Paragraph", label="2.1."),
    ]
    a = segment(_doc(blocks, fmt="docx"))
    assert [c.number for c in a.clauses] == ["1.1", "1.2", "2.1"]
    assert a.clauses[1].text == "It applies to:\na) employers;\nb) employees."
    assert a.clauses[2].heading == "Remuneration"
    assert a.level == "general" and a.sector is None


def test_segment_duplicate_numbers_get_unique_ids_and_a_warning():
    a = segment(_doc(["Section 1. A", "1. The Employer shall pay.", "Section 2. B", "1. The Employer shall pay more."]))
    assert len({c.id for c in a.clauses}) == len(a.clauses) == 2
    assert any("more than once" in w for w in a.warnings)


def test_segment_empty_document():
    a = segment(_doc([]))
    assert a.clauses == () and a.language is None and a.title is None


def test_segment_appendix_opens_its_own_section():
    doc = _doc([
        "Раздел 9. Заключительные положения",
        "9.1. Договор составлен в 2 (двух) экземплярах.",
        "Приложение 1. Перечень профессий",
        "с вредными условиями труда",
        "П1.1. Продолжительность дополнительного отпуска работников депо по профессиям:",
        "П1.2. Отпуск предоставляется ежегодно.",
        "Работникам выплачивается компенсация.",
    ])
    clauses = segment(doc).clauses
    assert [c.number for c in clauses] == ["9.1", "П1.1", "П1.2"]
    assert clauses[0].text == "Договор составлен в 2 (двух) экземплярах."
    assert clauses[1].heading == "Перечень профессий с вредными условиями труда"
    assert clauses[2].text.endswith("Работникам выплачивается компенсация.")


def test_segment_restores_the_dot_ocr_lost_in_a_clause_number():
    """Bug: OCR read «2.1.» and «2.3.» of a scanned agreement as «21.» and «23.»: clause 2.1 was
    lost and 2.3 glued to 2.2. Only on pages read by OCR, and only where the dotted number follows."""
    from schemas import OcrPages

    lines = ["Раздел 2. Общие положения", "21. Настоящий договор заключен на три года.",
             "2.2. Стороны договорились о следующем.", "23. Настоящий договор разработан на основании закона.",
             "24 часа в месяц и 120 часов в год."]
    scanned = _doc(lines).model_copy(update={"ocr": OcrPages(pages=(1,), confidence=(90.0,))})
    assert [c.number for c in segment(scanned).clauses] == ["2.1", "2.2", "2.3"]
    assert all(c.ocr for c in segment(scanned).clauses)
    assert [c.number for c in segment(_doc(lines)).clauses] == ["21", "2.2"]  # a text layer is read as printed


def test_segment_restores_dots_ocr_lost_or_read_as_spaces_in_deeper_numbers():
    from schemas import OcrPages

    lines = ["Раздел 8. Социальные гарантии", "8.6. Осуществлять пенсионное обеспечение.",
             "87. Обеспечивать медицинской помощью.", "8 8. Оказывать материальную помощь.",
             "Раздел 10. Гарантии профсоюза", "10.1. Работодатель обязуется:", "10.1.1. Создавать условия.",
             "10.12. Обеспечивать доступ.", "10.13. Обеспечивать учет.", "10.1.4. Возмещать расходы."]
    scanned = _doc(lines).model_copy(update={"ocr": OcrPages(pages=(1, 2), confidence=(90.0, 90.0))})
    assert [c.number for c in segment(scanned).clauses] == [
        "8.6", "8.7", "8.8", "10.1", "10.1.1", "10.1.2", "10.1.3", "10.1.4"]
