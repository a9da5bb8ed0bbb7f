"""The phrasing bank: each guarantee said several ways a drafter could write it, in English,
Russian and Kazakh (``phrasings/<lang>.yaml``, written from the taxonomy without looking at the rules).

Scores on the bank may only go up: each floor is the score reached when it was last raised,
rounded down. Raise it with a change that reads more of the bank; never lower it to pass.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from extractors import read
from extractors.extensions import get
from pipeline.evaluate import norm_key
from schemas.datafile import read_yaml

BANK = Path(__file__).with_name("phrasings")

# language -> (norm precision, norm recall, modality accuracy, share of cases with exactly their topics)
FLOORS = {
    # en topics 0.88 -> 0.87 on 2026-12-06: the bank grew by cases written from a held-out agreement
    # (hours of pay, credited hours) whose topic labels the rules still miss
    "en": (0.96, 0.90, 0.97, 0.89),
    "ru": (0.94, 0.89, 0.97, 0.88),
    # measured before the rules were tuned on each batch: the first 139 cases 0.92, 0.88, 0.96, 0.92;
    # the next 40 (other parameters) 0.70, 0.72, 0.95, 0.67
    "kk": (0.99, 0.99, 0.99, 0.98),
}
# the fewest cases a bank must hold: the Kazakh one is younger
MIN_CASES = {"en": 300, "ru": 300, "kk": 175}


@cache
def _scores(lang: str) -> dict:
    bank = read_yaml(BANK / f"{lang}.yaml")
    counts: Counter = Counter()
    for group in bank["groups"]:
        for case in group["cases"]:
            doc = read(case["text"], lang, heading=case.get("heading"))
            gold = Counter(norm_key(n) for n in case.get("norms") or () if n["parameter"] != "unassigned")
            found = Counter(norm_key(n) for n in get(doc, "kel_norms") or () if n.parameter != "unassigned")
            counts["cases"] += 1
            counts["tp"] += sum((gold & found).values())
            counts["fp"] += sum((found - gold).values())
            counts["fn"] += sum((gold - found).values())
            counts["modality"] += case.get("modality") == get(doc, "kel_modality")
            counts["topics"] += set(case.get("topics") or ()) == set(get(doc, "kel_topics") or ())
    return {
        "precision": counts["tp"] / (counts["tp"] + counts["fp"]),
        "recall": counts["tp"] / (counts["tp"] + counts["fn"]),
        "modality": counts["modality"] / counts["cases"],
        "topics": counts["topics"] / counts["cases"],
        "cases": counts["cases"],
    }


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_phrasing_bank_floors(lang):
    scores = _scores(lang)
    precision, recall, modality, topics = FLOORS[lang]
    assert scores["cases"] >= MIN_CASES[lang]
    assert scores["precision"] >= precision, scores
    assert scores["recall"] >= recall, scores
    assert scores["modality"] >= modality, scores
    assert scores["topics"] >= topics, scores


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_every_group_says_one_thing_several_ways(lang):
    bank = read_yaml(BANK / f"{lang}.yaml")
    assert bank["language"] == lang
    for group in bank["groups"]:
        assert len(group["cases"]) >= 5, group["phenomenon"]
