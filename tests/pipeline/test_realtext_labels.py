"""The real-text labels (corpora/realtext) speak the taxonomy: a label no reading could give
(a parameter in a unit it is never stated in) would count as a miss whatever the reader does."""

from __future__ import annotations

import pytest

from pipeline.realtext import load_labels
from schemas.taxonomy import taxonomy

LABELS = load_labels("corpora/realtext")


@pytest.mark.parametrize(("path", "labels"), LABELS, ids=[p.stem for p, _ in LABELS])
def test_every_labelled_norm_is_a_taxonomy_parameter_in_one_of_its_units(path, labels):
    tax = taxonomy()
    wrong = []
    for clause in labels["clauses"]:
        for norm in clause.get("norms") or ():
            pid, unit = norm["parameter"], norm["unit"]
            if pid == "unassigned":
                if unit not in tax.units and unit != "other":
                    wrong.append(f"{clause.get('number')}: unassigned in unknown unit {unit}")
            elif pid not in tax.parameters:
                wrong.append(f"{clause.get('number')}: unknown parameter {pid}")
            elif unit not in tax.parameters[pid].units:
                wrong.append(f"{clause.get('number')}: {pid} is never stated in {unit}")
        for topic in clause.get("topics") or ():
            if topic not in tax.topics:
                wrong.append(f"{clause.get('number')}: unknown topic {topic}")
    assert not wrong, f"{path.name}: " + "; ".join(wrong)
