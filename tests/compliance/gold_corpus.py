"""Agreements built from the hand annotations of the gold corpus, so gold tests measure the engine alone.

``corpora/gold/<doc_id>.json`` is preferred; ``corpora/src/<doc_id>.yaml`` (the source the
gold JSON is rendered from, with the same annotations) is used where the JSON is not built.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from schemas.models import Agreement, Clause, Norm, Source, Table

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "corpora" / "gold"
SRC = ROOT / "corpora" / "src"
FINDINGS = GOLD / "findings.yaml"


def _clause(doc_id: str, raw: dict, heading: str | None) -> Clause:
    norms = tuple(
        Norm(
            **{k: n.get(k) for k in ("parameter", "comparator", "value", "unit", "condition")},
            text=n.get("text") or "",
        )
        for n in raw.get("norms") or ()
    )
    table = raw.get("table")
    language = raw.get("language")  # a clause of a bilingual (kk+ru) gold: its own language, its own id
    return Clause(
        id=f"{doc_id}:{language + ':' if language else ''}{raw['number']}",
        number=str(raw["number"]),
        language=language,
        heading=raw.get("heading", heading),
        text=raw.get("text") or "",
        page=raw.get("page"),
        topics=tuple(raw.get("topics") or ()),
        modality=raw.get("modality"),
        norms=norms,
        tables=(Table(rows=tuple(tuple(str(c) for c in row) for row in table)),)
        if isinstance(table, list) and table
        else (),
    )


def _from_src(doc_id: str) -> Agreement:
    raw = yaml.safe_load((SRC / f"{doc_id}.yaml").read_text(encoding="utf-8"))
    clauses = tuple(
        _clause(doc_id, c, section.get("heading")) for section in raw["sections"] for c in section["clauses"]
    )
    return _agreement(doc_id, raw, clauses)


def _from_gold(path: Path, doc_id: str) -> Agreement:
    raw = json.loads(path.read_text(encoding="utf-8"))
    clauses = tuple(_clause(doc_id, c, c.get("heading")) for c in raw["clauses"])
    return _agreement(doc_id, raw, clauses)


def _agreement(doc_id: str, raw: dict, clauses: tuple[Clause, ...]) -> Agreement:
    raw = {**raw, **(raw.get("metadata") or {})}  # gold JSON keeps metadata apart, the source inline
    return Agreement(
        id=doc_id,
        source=Source(path=f"corpora/samples/{doc_id}.pdf", sha256="0" * 64, format="pdf"),
        title=raw.get("title"),
        level=raw.get("level"),
        language=raw.get("language"),
        sector=raw.get("sector"),
        region=raw.get("region"),
        valid_from=raw.get("valid_from"),
        valid_to=raw.get("valid_to"),
        clauses=clauses,
    )


def load(doc_id: str) -> Agreement:
    gold = GOLD / f"{doc_id}.json"
    return _from_gold(gold, doc_id) if gold.exists() else _from_src(doc_id)


def expected_findings() -> dict:
    return yaml.safe_load(FINDINGS.read_text(encoding="utf-8"))
