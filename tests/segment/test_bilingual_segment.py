"""A Kazakh-Russian document is one agreement (language kk+ru) with parallel clauses: each keeps its
language, and clauses of the same number are linked. On the corpus's rendered files."""

import json
from pathlib import Path

import pytest

from pipeline.analyze import read_agreement
from pipeline.ingest import parse
from pipeline.segment import segment
from pipeline.segment.bilingual import compared, parallels, text_language

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
BILINGUAL = ["medcentre-2024-kkru", "energoservice-2025-kkru-table", "energoservice-2025-kkru-columns"]
FILES = [CORPORA / "samples" / f"{doc}.{ext}" for doc in BILINGUAL for ext in ("pdf", "docx")]


def _gold(doc_id: str) -> dict:
    return json.loads((CORPORA / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bilingual_agreement_has_both_versions_linked(path):
    agreement = segment(parse(path))
    gold = _gold(path.stem)
    assert agreement.language == "kk+ru"
    assert {(c.language, c.number) for c in agreement.clauses} == {(c["language"], c["number"]) for c in gold["clauses"]}
    by_id = {c.id: c for c in agreement.clauses}
    assert len(by_id) == len(agreement.clauses), "clause ids must stay unique"
    for clause in agreement.clauses:
        twin = by_id[clause.parallel]
        assert (twin.number, twin.parallel) == (clause.number, clause.id)
        assert {clause.language, twin.language} == {"kk", "ru"}
        assert text_language(clause.text) in (clause.language, None), (clause.number, clause.text[:60])
    # every clause's text is its gold text: no line of one version strays into the other
    texts = {(c["language"], c["number"]): " ".join(c["text"].split()) for c in gold["clauses"]}
    wrong = [(c.language, c.number) for c in agreement.clauses if " ".join(c.text.split()) != texts[(c.language, c.number)]]
    assert not wrong
    # the metadata are the Russian text's
    meta = gold["metadata"]
    assert (agreement.level, agreement.valid_from, agreement.valid_to) == (meta["level"], meta["valid_from"], meta["valid_to"])
    assert not agreement.warnings


@pytest.mark.parametrize("name", ["medcentre-2024-kk.pdf", "energoservice-2025.docx"])
def test_agreement_in_one_language_is_as_before(name):
    agreement = segment(parse(CORPORA / "samples" / name))
    assert agreement.language in ("kk", "ru")
    assert all(c.language is None and c.parallel is None for c in agreement.clauses)
    assert compared(agreement) is agreement and parallels(agreement) == {}


def test_a_clause_missing_from_one_version_is_said():
    """The Russian text cut short after its clause 5.1: the Kazakh clauses that lost their Russian
    counterpart are named in one warning and linked to nothing."""
    document = parse(CORPORA / "samples" / "medcentre-2024-kkru.pdf")
    cut = next(i for i, b in enumerate(document.blocks)
               if b.text.startswith("5.2") and text_language(b.text) == "ru")
    agreement = segment(document.model_copy(update={"blocks": document.blocks[:cut]}))
    lonely = [c.number for c in agreement.clauses if c.language == "kk" and c.parallel is None]
    assert lonely and lonely[0] == "5.2"
    assert f"clauses only in the Kazakh text: {', '.join(lonely)}" in agreement.warnings


def test_each_version_is_read_in_its_own_language():
    """Topics, modality and norms of each version come from its own language's rules: the seeded
    clause 3.2 reads 30 days in Kazakh and 28 in Russian."""
    agreement = read_agreement(CORPORA / "samples" / "energoservice-2025-kkru-table.pdf")
    leave = {c.language: [(n.parameter, n.value, n.unit) for n in c.norms] for c in agreement.clauses if c.number == "3.2"}
    assert leave == {"kk": [("annual_leave.days", 30.0, "calendar_days")],
                     "ru": [("annual_leave.days", 28.0, "calendar_days")]}
    kazakh = [c for c in agreement.clauses if c.language == "kk" and c.numbered]
    assert sum(bool(c.topics) for c in kazakh) >= 0.8 * sum(bool(c.topics) for c in compared(agreement).clauses)


@pytest.mark.parametrize(
    "text, language",
    [
        ("Работник имеет право на отпуск", "ru"),
        ("Қызметкер демалысқа құқылы", "kk"),
        ("ТОО «Қазақмыс» обязуется платить", "ru"),  # a quoted Kazakh name says nothing
        ("«Қазақмыс»", None),
        ("Wages are paid monthly", None),
        ("Осы шарт бойынша", "ru"),  # no Kazakh letter: three words read as Russian (a neighbour may settle it)
        ("Срок", None),  # too few words
        ("2024 жыл", None),
    ],
)
def test_a_line_language_is_read_from_its_words(text, language):
    assert text_language(text) == language
