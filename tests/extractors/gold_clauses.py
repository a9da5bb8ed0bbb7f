"""The gold clauses the extractor tests run over: one reader for every test that walks ``corpora/gold``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

GOLD = Path(__file__).resolve().parents[2] / "corpora" / "gold"


def gold_clauses(lang: str | None = None) -> Iterator[tuple[str, str, dict]]:
    """``(document stem, language, clause)`` for every gold clause, of ``lang`` only when given; file order."""
    for path in sorted(GOLD.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data["metadata"]["language"]
        if lang is None or language == lang:
            for clause in data["clauses"]:
                yield path.stem, language, clause
