"""What the web tests store: real sample agreements and one DOCX whose clause holds a <script> tag."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    REPO / "corpora" / "samples" / "kazmetall-2024.pdf",
    REPO / "corpora" / "samples" / "kazmetall-2021.pdf",
    REPO / "corpora" / "samples" / "sectoral-mining-2024.pdf",
    REPO / "corpora" / "samples" / "medcentre-2024.pdf",
]
SCRIPT = "<script>alert('kelisim')</script>"


def write_script_docx(path: Path) -> Path:
    """A collective agreement whose clause 2.1 quotes a script tag, as a pasted web page might."""
    import docx

    document = docx.Document()
    document.add_paragraph("COLLECTIVE AGREEMENT of Scriptor LLP for 2024-2026")
    document.add_paragraph("1. General provisions")
    document.add_paragraph("1.1. This Agreement is valid from 1 January 2024 to 31 December 2026.")
    document.add_paragraph("2. Remuneration")
    document.add_paragraph(f"2.1. The Employer shall index wages annually {SCRIPT} not lower than the official inflation rate.")
    document.add_paragraph("2.2. Wages are paid twice a month.")
    document.save(path)
    return path
