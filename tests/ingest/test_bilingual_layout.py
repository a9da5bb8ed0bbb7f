"""Kazakh-Russian documents as they are printed: the two versions told apart from the text, in
every layout of the corpus (one after the other, two columns, a two-column table; PDF and DOCX)."""

import json
from pathlib import Path

import pytest

from pipeline.ingest import parse
from pipeline.segment import bilingual, segment
from pipeline.segment.bilingual import text_language

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
BILINGUAL = ["medcentre-2024-kkru", "energoservice-2025-kkru-table", "energoservice-2025-kkru-columns"]
FILES = [CORPORA / "samples" / f"{doc}.{ext}" for doc in BILINGUAL for ext in ("pdf", "docx")]
ONE_LANGUAGE = ["medcentre-2024-kk.pdf", "medcentre-2024.pdf", "energoservice-2025-kk.docx", "energoservice-2025.pdf",
                "kazmetall-2024.pdf", "sectoral-healthcare-2024.docx"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Жұмыс беруші жыл сайын қызметкерлердің жалақысын индекстейді.", "kk"),
        ("2.1. Жұмыс беруші мүмкіндігінше", "kk"),
        ("Работодатель ежегодно индексирует заработную плату работников.", "ru"),
        # a Kazakh name quoted in a Russian sentence does not make it Kazakh
        ("Работодатель ТОО «Қазақмыс Қорпорейшн» ежегодно индексирует заработную плату.", "ru"),
        ("организацией ТОО «Энергосервис»", None),  # too few words outside the quotes to tell
        ("КОЛЛЕКТИВНЫЙ ДОГОВОР", None),
        ("5.3.", None),
        ("The Employer shall index wages annually.", None),
    ],
)
def test_text_language_by_words(text, language):
    assert text_language(text) == language


def _gold(doc_id: str) -> dict:
    return json.loads((CORPORA / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))


def _opening(text: str) -> str:
    return " ".join(text.split()[:3])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_version_holds_its_own_clauses(path):
    """Every gold clause opens in its own language's version and in no other."""
    versions = bilingual.split(parse(path))
    assert versions is not None and set(versions) == {"kk", "ru"}, path.name
    texts = {lang: " ".join(" ".join(b.text.split()) for b in doc.blocks if b.kind == "text")
             for lang, doc in versions.items()}
    gold = _gold(path.stem)["clauses"]
    misplaced = [(c["language"], c["number"]) for c in gold if _opening(c["text"]) not in texts[c["language"]]]
    crossed = [(c["language"], c["number"]) for c in gold
               if _opening(c["text"]) in texts["ru" if c["language"] == "kk" else "kk"]]
    assert not misplaced and not crossed, (misplaced[:5], crossed[:5])


def test_two_column_pdf_reads_the_left_column_before_the_right():
    """A page of two columns (no rules) is read column by column: the Kazakh lines of page 2 all
    come before its Russian lines."""
    document = parse(CORPORA / "samples" / "energoservice-2025-kkru-columns.pdf")
    languages = [text_language(b.text) for b in document.blocks if b.page == 2 and b.kind == "text"]
    decided = [lang for lang in languages if lang is not None]
    assert decided.count("kk") > 10 and decided.count("ru") > 10
    first_russian = decided.index("ru")
    assert "kk" not in decided[first_russian + 2:], decided


def test_last_page_of_two_columns_keeps_the_gutter_of_the_page_before():
    """The columns' last page holds one row of each (the ends of clause 9.2, carried over): too
    little to show a gutter of its own, it is read with the previous page's."""
    document = parse(CORPORA / "samples" / "energoservice-2025-kkru-columns.pdf")
    last = max(b.page for b in document.blocks)
    lines = [b.text for b in document.blocks if b.page == last]
    assert lines == ["дейін қолданылады.", "года."]


def test_ruled_table_continued_on_a_page_by_one_row_is_a_table():
    """The last page of the ruled bilingual table holds one row (clause 9.2, continued from the page
    before); it is read as a table, not as lines mixing the two languages."""
    document = parse(CORPORA / "samples" / "energoservice-2025-kkru-table.pdf")
    last = max(b.page for b in document.blocks)
    tables = [b for b in document.blocks if b.page == last and b.kind == "table"]
    assert len(tables) == 1 and len(tables[0].table.rows) == 1
    kazakh, russian = tables[0].table.rows[0]
    assert kazakh.startswith("9.2") and text_language(kazakh) == "kk"
    assert russian.startswith("9.2") and text_language(russian) == "ru"


@pytest.mark.parametrize("name", ONE_LANGUAGE)
def test_a_document_in_one_language_is_not_split(name):
    assert bilingual.split(parse(CORPORA / "samples" / name)) is None


def test_table_with_the_clause_number_in_a_column_of_its_own(tmp_path):
    """«№ | Kazakh | Russian»: the number cell opens the clause in both languages (a table Word
    wrote, from the gold texts of energoservice-2025 and its Kazakh translation)."""
    from docx import Document as WordDocument

    kazakh, russian = (_gold(doc)["clauses"] for doc in ("energoservice-2025-kk", "energoservice-2025"))
    word = WordDocument()
    table = word.add_table(rows=0, cols=3)
    heading = None
    for k, r in zip(kazakh, russian, strict=True):
        if r["heading"] != heading:
            heading = r["heading"]
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = k["number"].split(".")[0] + ".", k["heading"].upper(), heading.upper()
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = k["number"], k["text"], r["text"]
    path = tmp_path / "numbered_column.docx"
    word.save(path)
    agreement = segment(parse(path))
    assert agreement.language == "kk+ru"
    assert {(c.language, c.number) for c in agreement.clauses} == {("kk", c["number"]) for c in kazakh} | {
        ("ru", c["number"]) for c in russian}
    assert all(c.parallel for c in agreement.clauses)
