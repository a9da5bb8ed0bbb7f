"""Severity of a finding, from the rules in ``severity.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from schemas.datafile import read_yaml

_PATH = Path(__file__).with_name("severity.yaml")

#: Order used by ``--fail-on`` and by sorting: a lower rank is more severe.
RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}


@cache
def _rules() -> tuple[tuple[str, frozenset[str] | None, str], ...]:
    raw = read_yaml(_PATH)
    return tuple(
        (r["kind"], frozenset(r["topics"]) if r.get("topics") else None, r["severity"]) for r in raw["rules"]
    )


def severity(kind: str, topic: str | None) -> str:
    """The severity of a finding of ``kind`` about ``topic``: the first matching rule decides."""
    for rule_kind, topics, level in _rules():
        if rule_kind == kind and (topics is None or topic in topics):
            return level
    return "low"


def at_or_above(level: str, threshold: str) -> bool:
    """Whether a finding of severity ``level`` reaches ``--fail-on threshold`` (``never``: nothing does)."""
    if threshold == "never":
        return False
    return RANK[level] <= RANK[threshold]
