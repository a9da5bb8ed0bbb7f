"""Paths and file builders of the reliability suite (imported by its tests and its conftest)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpora" / "samples"
KAZMETALL_2024 = str(SAMPLES / "kazmetall-2024.pdf")
FIXTURES = REPO / "tests" / "fixtures"
SCAN = FIXTURES / "pdf" / "image_only.pdf"
