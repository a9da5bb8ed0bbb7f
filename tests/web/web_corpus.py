"""What the web tests store: real sample agreements (Kazmetall's 2024 agreement as PDF and DOCX, its
2021 version, the sectoral and regional agreements above it, a Russian agreement and its Kazakh-Russian
printing), one DOCX whose clause holds a <script>
tag, and a second sectoral agreement of the mining sector, so that the sectoral level of Kazmetall's
2024 chain has two candidates."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    REPO / "corpora" / "samples" / "kazmetall-2024.pdf",
    REPO / "corpora" / "samples" / "kazmetall-2024.docx",  # the same text: a second file of one agreement
    REPO / "corpora" / "samples" / "kazmetall-2021.pdf",
    REPO / "corpora" / "samples" / "sectoral-mining-2024.pdf",
    REPO / "corpora" / "samples" / "regional-karaganda-2024.pdf",
    REPO / "corpora" / "samples" / "medcentre-2024.pdf",
    REPO / "corpora" / "samples" / "medcentre-2024-kkru.pdf",  # printed in Kazakh and Russian: language kk+ru
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


def write_second_sectoral_docx(path: Path) -> Path:
    """A sectoral agreement of the mining and metallurgical sector whose term (July 2025 to June 2027)
    overlaps that of the sectoral sample: an agreement of that sector has two sectoral candidates."""
    import docx

    document = docx.Document()
    document.add_paragraph(
        "SECTORAL AGREEMENT in the Mining and Metallurgical Industry of the Association of Ore Miners for 2025-2027"
    )
    document.add_paragraph("1. General provisions")
    document.add_paragraph("1.1. This Agreement applies to the organisations of the mining and metallurgical industry"
                           " whose employers are members of the Association of Ore Miners.")  # fmt: skip
    document.add_paragraph("1.2. This Agreement is valid from 1 July 2025 to 30 June 2027.")
    document.add_paragraph("2. Remuneration")
    document.add_paragraph("2.1. Employers shall index wages annually not lower than the official inflation rate.")
    document.save(path)
    return path


def wait_for_task(client, location: str) -> str:
    """The page of a background task (a check run from the form) once it stops refreshing itself."""
    import time

    for _ in range(240):
        page = client.get(location).text
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.5)
    raise AssertionError("the task did not finish in 2 minutes")
