"""check and diff on Kazakh-Russian agreements: the Russian text is compared, the Kazakh one is shown
beside it, and a guarantee the two official texts state differently is one ``inconsistent`` finding."""

from functools import cache
from pathlib import Path

import pytest

from pipeline.analyze import bundled_general_agreement, read_agreement
from pipeline.compliance.check import check_agreements
from pipeline.compliance.diff import diff_agreements
from pipeline.compliance.parallel import inconsistencies
from pipeline.report import html
from pipeline.segment.bilingual import text_language
from schemas.models import Report

SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "samples"
# energoservice-2025 printed in both languages; its Kazakh clause 3.2 gives 30 days of leave, the Russian 28
PRINTINGS = ["energoservice-2025-kkru-table.pdf", "energoservice-2025-kkru-table.docx",
             "energoservice-2025-kkru-columns.pdf", "energoservice-2025-kkru-columns.docx"]


@cache
def _read(name: str):
    return read_agreement(SAMPLES / name)


@cache
def _check(name: str) -> Report:
    return check_agreements([_read(name)], bundled_general_agreement())


def _flags(report: Report) -> set[tuple]:
    return {(f.kind, f.parameter, f.clause, f.reference_clause) for f in report.findings if f.kind != "inconsistent"}


@pytest.mark.parametrize("name", PRINTINGS)
def test_one_norm_differing_between_the_versions_is_one_inconsistent_finding(name):
    found = [f for f in _check(name).findings if f.kind == "inconsistent"]
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.parameter, f.clause, f.reference_clause) == ("high", "annual_leave.days", "3.2", "3.2")
    assert (f.found.value, f.expected.value, f.found.unit) == (28, 30, "calendar_days")
    assert f.agreement == f.reference == _read(name).id
    assert text_language(f.clause_text) == "ru" and text_language(f.reference_clause_text) == "kk"
    assert "28 calendar days in the Russian text" in f.explanation
    assert "30 calendar days in the Kazakh text" in f.explanation


@pytest.mark.parametrize("name", PRINTINGS + ["medcentre-2024-kkru.pdf", "medcentre-2024-kkru.docx"])
def test_the_russian_text_is_compared_and_the_kazakh_shown_beside_it(name):
    """Every other finding is that of the Russian original, and quotes the Kazakh clause too."""
    original = "energoservice-2025.pdf" if name.startswith("energoservice") else "medcentre-2024.pdf"
    report = _check(name)
    assert _flags(report) == _flags(_check(original))
    with_clause = [f for f in report.findings if f.clause is not None and f.kind != "inconsistent"]
    assert with_clause
    for f in with_clause:
        assert text_language(f.clause_text) == "ru", f.clause
        assert f.parallel_text and text_language(f.parallel_text) == "kk", f.clause


@pytest.mark.parametrize("name", ["medcentre-2024-kkru.pdf", "medcentre-2024-kkru.docx"])
def test_versions_that_agree_give_no_inconsistent_finding(name):
    assert not [f for f in _check(name).findings if f.kind == "inconsistent"]


def test_diff_compares_the_russian_text_and_flags_the_disagreement():
    """The Russian original against its bilingual printing: the Russian text is unchanged, so the
    only flag is the printing's own disagreement."""
    report = diff_agreements(_read("energoservice-2025.pdf"), _read("energoservice-2025-kkru-table.pdf"))
    flagged = [(f.kind, f.clause) for f in report.findings if f.kind != "ok"]
    assert flagged == [("inconsistent", "3.2")]
    assert report.summary["by_kind"]["inconsistent"] == 1


def test_a_norm_read_in_one_version_only_is_no_finding():
    """Not reading the Kazakh value, or reading it in a unit that does not convert, is no
    disagreement of the texts: never a false high flag."""
    agreement = _read("energoservice-2025-kkru-table.pdf")

    def kazakh_3_2(update):
        return agreement.model_copy(update={"clauses": tuple(
            c.model_copy(update=update(c)) if c.language == "kk" and c.number == "3.2" else c
            for c in agreement.clauses)})

    assert len(inconsistencies(agreement)) == 1
    assert inconsistencies(kazakh_3_2(lambda c: {"norms": ()})) == []
    working_days = kazakh_3_2(lambda c: {"norms": tuple(n.model_copy(update={"unit": "working_days"}) for n in c.norms)})
    assert inconsistencies(working_days) == []


def test_html_report_shows_both_texts():
    report = _check("energoservice-2025-kkru-table.pdf")
    page = html.render(report)
    kazakh = next(c for c in _read("energoservice-2025-kkru-table.pdf").clauses if c.language == "kk" and c.number == "2.1")
    assert "<h4>Kazakh text</h4>" in page and " ".join(kazakh.text.split()[:4]) in page
    assert "Russian text" in page  # the inconsistent finding's two sides, each value marked
    assert "<mark>продолжительностью 28 календарных дней</mark>" in page
    assert "<mark>ұзақтығы 30 күнтізбелік күн" in page
