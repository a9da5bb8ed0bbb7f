"""The gold findings again, end to end: agreements read from the rendered PDF and DOCX files
(parsing, segmentation and extraction included), not built from the hand annotations.

This is what a lawyer running ``kelisim check`` on the starter corpus gets; the gold
test beside it (test_gold_findings.py) measures the engine alone.
"""

from __future__ import annotations

from functools import cache

import pytest
from gold_corpus import ROOT, expected_findings

from pipeline.analyze import read_agreement
from pipeline.compliance.check import check_agreements
from pipeline.compliance.diff import diff_agreements

FORMATS = ("pdf", "docx")


@cache
def _read(doc_id: str, fmt: str):
    folder = "general-agreement" if doc_id.startswith("general-agreement") else "samples"
    return read_agreement(ROOT / "corpora" / folder / f"{doc_id}.{fmt}")


def _key(finding) -> tuple:
    if isinstance(finding, dict):
        return (finding["kind"], finding["parameter"], finding.get("clause"), finding["reference_clause"])
    return (finding.kind, finding.parameter, finding.clause, finding.reference_clause)


def _score(fmt: str) -> tuple[int, int, int, set, set]:
    gold = expected_findings()
    tp = found = total = 0
    missed, extra = set(), set()
    runs = [(c, check_agreements([_read(c["target"], fmt)], _read(c["reference"], fmt))) for c in gold["checks"]]
    runs += [(c, diff_agreements(_read(c["old"], fmt), _read(c["new"], fmt))) for c in gold["diffs"]]
    for case, report in runs:
        flagged = {_key(f) for f in report.findings if f.kind != "ok"}
        expected = {_key(e) for e in case["expected"]}
        tp += len(flagged & expected)
        found += len(flagged)
        total += len(expected)
        missed |= expected - flagged
        extra |= flagged - expected
    return tp, found, total, missed, extra


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_seeded_deviation_is_found_from_the_files(fmt):
    tp, found, total, missed, extra = _score(fmt)
    assert total > 0
    assert missed == set(), f"recall {tp}/{total}"
    assert tp / found >= 0.9, f"precision {tp}/{found}; not in the gold: {sorted(extra)}"
