"""Bad input through the dispatcher: one InputError naming the file and the reason, never a traceback.

A scan is not bad input: it parses to a Document with a warning, for the batch
to report. The 500-page test checks that memory does not grow with the document.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest import detect_format, parse, pdf
from pipeline.ingest.common import ReadOptions

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pdf"
ROOT = Path(__file__).parents[2]


def _reason(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        parse(path)
    message = str(caught.value)
    assert path.name in message
    assert "\n" not in message
    return caught.value.reason


@pytest.mark.parametrize(
    "name, reason",
    [
        ("truncated.pdf", "corrupt or truncated PDF: its structure cannot be read"),
        ("encrypted_password.pdf", "encrypted PDF: a password is required"),
        ("zero_pages.pdf", "PDF has no pages"),
    ],
)
def test_bad_pdf_fixture_is_input_error(name, reason):
    assert _reason(FIXTURES / name) == reason


def test_bad_input_encrypted_with_empty_password_opens():
    """PDFs "protected" against copying carry an empty user password: they must read normally."""
    document = parse(FIXTURES / "encrypted_empty_password.pdf")
    assert [b.text for b in document.blocks] == [
        "Section 1. General Provisions", "1.1. This Agreement is concluded for three years."]


def test_bad_input_image_only_is_a_warning_not_an_error():
    document = parse(FIXTURES / "image_only.pdf", ReadOptions(ocr="never"))
    assert document.blocks == ()
    assert document.warnings == ("no text layer: OCR needed",)


def test_bad_input_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _reason(path) == "empty file"


def test_bad_input_pdf_header_then_garbage(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert _reason(path) == "corrupt or truncated PDF: its structure cannot be read"


def test_bad_input_not_a_pdf_at_all(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("just some text, renamed to .pdf\n")
    assert "unsupported format" in _reason(path)


def test_bad_input_pdf_named_docx_parses_as_pdf(tmp_path):
    """The extension is not evidence: a PDF saved as .docx is read as the PDF it is."""
    path = tmp_path / "agreement.docx"
    shutil.copy(FIXTURES / "running_headers.pdf", path)
    assert detect_format(path) == "pdf"
    document = parse(path)
    assert document.source.format == "pdf"
    assert document.blocks[0].text == "Section 1. General Provisions"


def test_bad_input_docx_named_pdf_goes_to_docx_parser(tmp_path, monkeypatch):
    import docx

    path = tmp_path / "agreement.pdf"
    d = docx.Document()
    d.add_paragraph("1.1. This Agreement is concluded for three years.")
    d.save(str(path))
    assert detect_format(path) == "docx"
    called = []
    monkeypatch.setitem(__import__("pipeline.ingest").ingest.PARSERS, "pdf",
                        lambda p: called.append(p) or pytest.fail("PDF parser called on a DOCX"))
    document = parse(path)
    assert called == []
    assert document.source.format == "docx"
    assert [b.text for b in document.blocks] == ["1.1. This Agreement is concluded for three years."]


def _make_long_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    for p in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, 810, "Collective Agreement of Kazmetall JSC for 2024-2026")
        c.setFont("Helvetica", 10)
        for k in range(1, 26):
            c.drawString(72, 780 - 26 * k, f"{p}.{k}. The Employer shall index wages annually not lower than inflation.")
            # (a numbered first line on every page, the same but for its number: text, not a header)
        c.drawCentredString(297, 30, f"Page {p} of {pages}")
        c.showPage()
    c.save()


_MEASURE = """
import json, resource, sys
from pipeline.ingest import parse
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
document = parse(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kib": after - before, "pages": document.source.pages, "blocks": len(document.blocks),
                  "first": document.blocks[0].text, "last": document.blocks[-1].text}))
"""


def test_bad_input_500_pages_parses_in_bounded_memory(tmp_path):
    """Peak memory of a fresh process: a parser holding every character of the document
    (500 pages x ~2000 chars, as Python objects) would grow by hundreds of MiB."""
    path = tmp_path / "long.pdf"
    _make_long_pdf(path, 500)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["pages"] == 500
    assert result["blocks"] == 500 * 25  # headers and "Page N of 500" footers gone
    assert result["first"] == "1.1. The Employer shall index wages annually not lower than inflation."
    assert result["last"] == "500.25. The Employer shall index wages annually not lower than inflation."
    assert result["growth_kib"] < 60 * 1024, f"peak memory grew by {result['growth_kib'] // 1024} MiB"


def test_bad_input_unreadable_messages_are_one_line():
    for name in ("truncated.pdf", "encrypted_password.pdf", "zero_pages.pdf"):
        with pytest.raises(InputError) as caught:
            pdf.parse(FIXTURES / name)
        assert str(caught.value).startswith(str(FIXTURES / name) + ": ")
