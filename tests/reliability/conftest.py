"""Fixtures of the reliability suite: real agreements of the corpus, and files built to break things."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_files import SAMPLES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def samples(tmp_path) -> Path:
    """Two real agreements, the 2021 and 2024 versions of one, copied where a test may write."""
    folder = tmp_path / "samples"
    folder.mkdir()
    for name in ("kazmetall-2021.pdf", "kazmetall-2024.pdf"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _scan_page(c, width: float, height: float) -> None:
    """A page of pixels: grey with dark bars where text lines would be."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (200, 280), 235)
    draw = ImageDraw.Draw(img)
    for row in range(20, 260, 12):
        draw.rectangle((20, row, 180 - (row % 50), row + 5), fill=40)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    c.drawImage(ImageReader(buf), 0, 0, width, height)


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
