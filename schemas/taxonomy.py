"""The taxonomy of shared/spec/taxonomy.md, loaded once from ``taxonomy.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from schemas.datafile import read_yaml

_PATH = Path(__file__).with_name("taxonomy.yaml")


@dataclass(frozen=True)
class Parameter:
    id: str
    topic: str
    units: tuple[str, ...]
    better: str  # "higher" or "lower"


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[str, ...]
    modalities: dict[str, int]
    comparators: tuple[str, ...]
    units: tuple[str, ...]
    parameters: dict[str, Parameter]
    sectors: tuple[str, ...]
    levels: tuple[str, ...]
    languages: tuple[str, ...]

    def modality_strength(self, modality: str | None) -> int:
        return self.modalities.get(modality or "", 0)


@cache
def taxonomy() -> Taxonomy:
    raw = read_yaml(_PATH)
    params = {
        pid: Parameter(pid, p["topic"], tuple(p["units"]), p["better"]) for pid, p in raw["parameters"].items()
    }
    return Taxonomy(
        topics=tuple(raw["topics"]),
        modalities=dict(raw["modalities"]),
        comparators=tuple(raw["comparators"]),
        units=tuple(raw["units"]),
        parameters=params,
        sectors=tuple(raw["sectors"]),
        levels=tuple(raw["levels"]),
        languages=tuple(raw["languages"]),
    )
