"""Fixtures of the reliability suite: real agreements of the corpus, and files built to break things."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_files import FIXTURES, KAZMETALL_2024, SAMPLES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def stored(runner, tmp_path) -> Path:
    """A clause database holding Kazmetall's 2024 agreement."""
    from pipeline.cli import cli

    db = tmp_path / "k.db"
    assert runner.invoke(cli, ["ingest", KAZMETALL_2024, "--db", str(db)]).exit_code == 0
    return db


@pytest.fixture
def samples(tmp_path) -> Path:
    """Two real agreements, the 2021 and 2024 versions of one, copied where a test may write."""
    folder = tmp_path / "samples"
    folder.mkdir()
    for name in ("kazmetall-2021.pdf", "kazmetall-2024.pdf"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _scan_page(c, width: float, height: float) -> None:
    """A page of pixels: the scan image of the PDF fixtures."""
    import sys

    sys.path.insert(0, str(FIXTURES))
    from make_pdf_fixtures import scan_image

    c.drawImage(scan_image(), 0, 0, width, height)


@pytest.fixture
def scan_with_cover(tmp_path) -> Path:
    """A scanned agreement of 12 pages whose typed cover page is the only text: one clause."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan_with_cover.pdf"
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(70, height - 80, "Collective Agreement of Kazmetall JSC for 2024-2026")
    c.drawString(70, height - 110, "1. This Agreement is concluded between the Employer and the employees.")
    c.showPage()
    for _ in range(11):
        _scan_page(c, width, height)
        c.showPage()
    c.save()
    return path
