"""Scanned copies of text PDFs, as an office scanner makes them: for measuring OCR honestly.

Each page is rendered to a grey image (200-300 dpi), turned by up to ±1.5°, blurred, given
sensor noise, saved as JPEG and read back, and the images are put together as a PDF
without any text layer. Everything random comes from ``--seed``, and the PDF's dates are
fixed, so the same input and seed give the same bytes (with the same Pillow and PDFium).

    python bench/scanner.py corpora/samples/kazmetall-2024.pdf -o out/scans/
    python bench/scanner.py tests/fixtures/pdf/two_columns.pdf -o tests/fixtures/pdf/scanned_two_columns.pdf
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

_EPOCH = time.gmtime(1704067200)  # 2024-01-01: fixed, so the bytes are reproducible


@dataclass(frozen=True)
class Scanner:
    """How rough the scan is. The defaults are a fair office scan; the ranges are the issue's."""

    dpi: int = 300
    max_rotation: float = 1.5  # degrees, drawn per page from [-max, max]
    blur: float = 0.7  # Gaussian radius in pixels at 300 dpi
    noise: float = 10.0  # standard deviation of grey-level noise
    jpeg_quality: int = 60
    seed: int = 16


def scan_image(image: Image.Image, scanner: Scanner, rng: random.Random) -> tuple[Image.Image, float]:
    """One rendered page as a scanner would return it, and the angle it was turned by."""
    angle = rng.uniform(-scanner.max_rotation, scanner.max_rotation)
    image = image.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if scanner.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(scanner.blur * scanner.dpi / 300))
    if scanner.noise > 0:
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0.0, scanner.noise, (image.height, image.width))
        image = Image.fromarray(np.clip(np.asarray(image, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=scanner.jpeg_quality)
    buffer.seek(0)
    return Image.open(buffer).convert("L"), angle


def scan_pdf(source: Path, target: Path, scanner: Scanner = Scanner(), pages: list[int] | None = None) -> list[float]:
    """Write an image-only copy of ``source`` (``pages``: 1-based, all by default); the angles used."""
    rng = random.Random(f"{scanner.seed}:{source.name}")
    pdf = pdfium.PdfDocument(str(source))
    images, angles = [], []
    try:
        for index in [p - 1 for p in pages] if pages else range(len(pdf)):
            page = pdf[index]
            rendered = page.render(scale=scanner.dpi / 72, grayscale=True).to_pil().copy()
            page.close()
            image, angle = scan_image(rendered, scanner, rng)
            images.append(image)
            angles.append(angle)
    finally:
        pdf.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(
        target, format="PDF", save_all=True, append_images=images[1:], resolution=float(scanner.dpi),
        title=source.stem, creationDate=_EPOCH, modDate=_EPOCH, quality=scanner.jpeg_quality,
    )  # fmt: skip
    return angles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True, help="a folder, or a .pdf for one input")
    parser.add_argument("--dpi", type=int, default=Scanner.dpi)
    parser.add_argument("--seed", type=int, default=Scanner.seed)
    parser.add_argument("--pages", help="1-based page numbers, e.g. 1,2")
    args = parser.parse_args(argv)
    scanner = Scanner(dpi=args.dpi, seed=args.seed)
    pages = [int(p) for p in args.pages.split(",")] if args.pages else None
    for source in args.pdfs:
        target = args.out if args.out.suffix == ".pdf" else args.out / f"{source.stem}.scan.pdf"
        angles = scan_pdf(source, target, scanner, pages)
        sys.stdout.write(f"{target}: {len(angles)} pages, turned {', '.join(f'{a:+.2f}°' for a in angles)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
