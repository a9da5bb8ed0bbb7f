"""Reports: the HTML file renders every finding safely, CSV has one row per finding, JSON keeps the spec's shape."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from compliance_builders import agreement, clause, norm

from pipeline.compliance.check import check_agreements
from pipeline.compliance.summary import select
from pipeline.report import csv as csv_report
from pipeline.report import html as html_report
from pipeline.report.terminal import print_report

HOSTILE = 'A lump sum of ten annual wages <script>alert("x")</script> & more.'


def _report():
    reference = agreement(
        "ag_ref",
        clause("4.12", HOSTILE, norms=(norm("injury_compensation.death_lump_sum", "=", 10, "annual_wage",
                                            text="ten annual wages"),)),
        clause("2.4", "Night work shall be paid at not less than 1.5 times the rate.",
               norms=(norm("premium_pay.night", ">=", 1.5, "rate_multiple", text="not less than 1.5 times"),)),
        clause("2.1", "Wages shall be indexed not lower than inflation.",
               norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
        level="general", title="General Agreement",
    )  # fmt: skip
    target = agreement(
        "ag_t",
        clause("7.2", "A lump sum of five annual wages.", norms=(norm("injury_compensation.death_lump_sum", "=", 5,
                                                                      "annual_wage", text="five annual wages"),)),
        clause("5.3", "Wages may be indexed not lower than inflation.", modality="permission",
               norms=(norm("wage_indexation.rate", ">=", 1, "inflation"),)),
        title="Kazmetall [2024]",
    )  # fmt: skip
    return check_agreements([target], reference)


class _Findings(HTMLParser):
    """Counts finding sections and collects the text and tags of the page."""

    def __init__(self):
        super().__init__()
        self.sections = 0
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "article" and "finding" in (dict(attrs).get("class") or ""):
            self.sections += 1

    def handle_data(self, data):
        self.text.append(data)


def test_html_renders_every_finding_with_both_clause_texts_escaped():
    report = _report()
    page = html_report.render(report)
    parser = _Findings()
    parser.feed(page)
    assert parser.sections == len(report.findings) == 3
    text = "".join(parser.text)
    assert "A lump sum of five annual wages." in text
    assert 'alert("x")' in text  # the hostile text is shown as text ...
    assert "script" not in parser.tags  # ... and never becomes a tag
    assert "&lt;script&gt;" in page
    assert "Kazmetall [2024]" in text


def test_html_is_self_contained_and_printable():
    page = html_report.render(_report())
    assert "<style>" in page and "@media print" in page and "break-before: page" in page
    for external in ("<link", "src=", "@import", "http://", "https://"):
        assert external not in page


def test_html_marks_the_words_that_differ():
    reference, target = html_report.word_diff("paid at double the rate", "paid at 1.5 times the rate")
    assert "<del>double</del>" in reference
    assert "<ins>1.5 times</ins>" in target
    escaped, _ = html_report.word_diff("<b>bold</b> text", "plain text")
    assert "<b>" not in escaped and "&lt;b&gt;" in escaped


def test_html_summary_counts_by_kind_and_severity():
    page = html_report.render(_report())
    parser = _Findings()
    parser.feed(page)
    text = " ".join(parser.text)
    assert "Summary" in text and "lowered" in text and "high" in text and "3 findings" in text


def test_csv_has_a_header_and_one_row_per_finding():
    report = _report()
    rows = list(csv.reader(io.StringIO(csv_report.render(report))))
    assert rows[0][:4] == ["kind", "severity", "topic", "parameter"]
    assert len(rows) == 1 + len(report.findings)
    by_kind = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_kind["lowered"]["expected_value"] == "10" and by_kind["lowered"]["found_value"] == "5"
    assert by_kind["missing"]["clause"] == ""
    assert HOSTILE in by_kind["lowered"]["reference_clause_text"]


def test_select_hides_ok_unless_all_and_recounts():
    reference = agreement(
        "ag_ref", clause("1.1", norms=(norm("premium_pay.overtime", ">=", 1.5, "rate_multiple"),))
    )
    target = agreement("ag_t", clause("1.1", norms=(norm("premium_pay.overtime", ">=", 2, "rate_multiple"),)))
    report = check_agreements([target], reference)
    hidden, shown = select(report), select(report, include_ok=True)
    assert (len(hidden.findings), hidden.summary["total"], hidden.summary["ok_hidden"]) == (0, 0, 1)
    assert (len(shown.findings), shown.summary["by_kind"]["ok"]) == (1, 1)
    # An agreement with nothing to flag still has its row, which counts what was compared.
    assert hidden.summary["by_agreement"]["ag_t"]["by_kind"] == {"ok": 1}


def test_terminal_table_shows_findings_and_the_per_agreement_summary():
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, no_color=True)
    print_report(_report(), console)
    out = console.file.getvalue()
    assert "Lump sum on death is 5 annual wages; the reference sets 10 annual wages." in out
    assert "Summary by agreement" in out and "Kazmetall [2024]" in out
    # The file is named under the title: the PDF and the DOCX of one text share a title.
    assert out.count("ag_t.pdf") >= 2  # in the findings and in the summary
    assert all(f.agreement_file == "ag_t.pdf" for f in _report().findings)


def test_html_writes_values_as_csv_and_explanations_do():
    """The HTML report formatted values with "%g": 1,500,000 tenge read "1.5e+06"."""
    reference = agreement("ag_ref", clause("3.1", "A lump sum of 3,000,000 tenge.", norms=(
        norm("injury_compensation.death_lump_sum", "=", 3_000_000, "kzt"),)), level="general", title="General")
    target = agreement("ag_t", clause("3.1", "A lump sum of 1,500,000 tenge.", norms=(
        norm("injury_compensation.death_lump_sum", "=", 1_500_000, "kzt"),)))
    page = html_report.render(check_agreements([target], reference))
    lines = [line for line in page.splitlines() if "Expected:" in line or "found:" in line]
    assert any("= 3000000 kzt" in line for line in lines) and any("= 1500000 kzt" in line for line in lines)
    assert not any("e+06" in line for line in lines)
