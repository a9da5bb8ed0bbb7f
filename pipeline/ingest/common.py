"""What every format parser shares: the Source record, the input limits, the reading options."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from schemas import Source

#: Letters of the Kazakh alphabet that Russian does not have: what tells a Kazakh text from a Russian one.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# Limits on what we agree to read, so a hostile file cannot exhaust the machine.
MAX_FILE_BYTES = 200 * 1024 * 1024


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_source(path: Path, fmt: str, pages: int | None = None, sha256: str | None = None) -> Source:
    return Source(path=str(path), sha256=sha256 or sha256_of(path), format=fmt, pages=pages)


def page_list(numbers: list[int]) -> str:
    """1, 2, 3, 7 -> '1-3, 7'."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
OcrMode = Literal["auto", "always", "never"]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read files: ``ocr`` "auto" reads pages without a text layer by OCR, "always" every
    page, "never" none; ``jobs`` is how many pages of one file are recognised at a time;
    ``on_page(done, total)`` is told of each page recognised (a progress bar; in this process only)."""

    ocr: OcrMode = "auto"
    jobs: int = 1
    on_page: Callable[[int, int], None] | None = None


DEFAULT_OPTIONS = ReadOptions()
