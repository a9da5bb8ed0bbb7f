"""Issue 15, item 11: the smaller mistakes, each on real files.

Before the fixes: an unknown --topic or --sector gave a silent "no clauses match"; a copy of
a file that failed was reported "skipped: same content"; a clause number repeated on every
page gave one identical warning per repeat; an honest DOCX whose document.xml (5 MiB of one
repeated paragraph) compresses 300:1 was refused as a zip bomb; `show --format json` of
several files printed a bare object when only one of them could be read.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import docx
import pytest
from reliability_files import FIXTURES, KAZMETALL_2024

from pipeline.cli import cli


@pytest.mark.parametrize(
    ("option", "value", "listed"),
    [("--topic", "wage_indexaton", "wage_indexation"), ("--sector", "mining", "mining_metallurgy"),
     ("--level", "national", "collective")],
)  # fmt: skip
def test_an_unknown_filter_id_is_a_usage_error_listing_the_valid_ones(runner, stored, option, value, listed):
    result = runner.invoke(cli, ["search", "wages", option, value, "--db", str(stored)])
    assert result.exit_code == 2, result.output
    assert value in result.output and listed in result.output


def test_known_filter_ids_in_any_case_still_search(runner, stored):
    result = runner.invoke(
        cli, ["search", "--topic", "Wage_Indexation", "--sector", "mining_metallurgy", "--db", str(stored),
              "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] > 0


def test_a_copy_of_a_failed_file_is_not_reported_as_skipped(runner, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(FIXTURES / "pdf" / "truncated.pdf", folder / name)
    result = runner.invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "k.db"), "--format", "json"])
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    assert report["skipped"] == []
    assert len(report["failed"]) == 2
    assert any(line.startswith(f"{folder / 'b.pdf'}: not stored: same content as") for line in report["failed"])


def test_a_clause_number_repeated_on_every_page_is_one_warning(runner, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "repeated.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawString(50, 780, "Collective Agreement of Repeat LLP for 2024-2026")
    c.drawString(50, 750, "Section 1. Remuneration")
    c.showPage()
    for page in range(40):
        c.drawString(50, 640, f"1.1. The Employer shall pay overtime at not less than {page % 3 + 2} times the rate.")
        c.showPage()
    c.save()
    result = runner.invoke(cli, ["show", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    agreement = json.loads(result.stdout)
    repeats = [w for w in agreement["warnings"] if "clause number 1.1" in w]
    assert repeats == ["clause number 1.1 appears 40 times (pages 2-41)"]
    assert all(len(c["norms"]) <= 1 for c in agreement["clauses"])


def test_an_honest_repetitive_docx_passes_and_a_large_bomb_does_not(runner, tmp_path):
    document = docx.Document()
    document.add_paragraph("Collective Agreement of Repetition LLP for 2024-2026")
    document.add_paragraph("Section 1. Remuneration")
    document.add_paragraph("1.1. The Employer shall index wages annually not lower than the official inflation rate.")
    document.add_paragraph("1.2. Posts and grades. " + "Fitter of the fourth grade, shift work. " * 130_000)
    honest = tmp_path / "repetitive.docx"
    document.save(honest)
    info = zipfile.ZipFile(honest).getinfo("word/document.xml")
    assert info.file_size > 5_000_000 and info.file_size / info.compress_size > 100  # what the old rule refused
    result = runner.invoke(cli, ["show", str(honest), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["clauses"]) == 2

    bomb = tmp_path / "bomb.docx"
    shutil.copy(honest, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z, z.open("word/media/zeros.bin", "w") as f:
        for _ in range(20):
            f.write(bytes(1 << 20))
    refused = runner.invoke(cli, ["show", str(bomb)])
    assert refused.exit_code == 3 and "zip bomb" in refused.output


def test_show_json_of_several_files_is_a_list_even_when_one_is_read(runner, tmp_path):
    broken = FIXTURES / "pdf" / "truncated.pdf"
    several = runner.invoke(cli, ["show", KAZMETALL_2024, str(broken), "--format", "json"])
    assert several.exit_code == 3
    data = json.loads(several.stdout)
    assert isinstance(data, list) and [a["source"]["path"] for a in data] == [KAZMETALL_2024]
    one = runner.invoke(cli, ["show", KAZMETALL_2024, "--format", "json"])
    assert isinstance(json.loads(one.stdout), dict)
