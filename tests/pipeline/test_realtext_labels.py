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


NORM_KEYS = {"parameter", "comparator", "value", "unit", "condition", "text"}


@pytest.mark.parametrize(("path", "labels"), LABELS, ids=[p.stem for p, _ in LABELS])
def test_every_labelled_norm_has_only_the_keys_of_a_norm(path, labels):
    """An unquoted "text: на 0,9%" in a YAML flow mapping is split at its comma into a stray key."""
    wrong = [f"{clause.get('number')}: {sorted(set(norm) - NORM_KEYS)}"
             for clause in labels["clauses"] for norm in clause.get("norms") or () if set(norm) - NORM_KEYS]
    assert not wrong, f"{path.name}: " + "; ".join(wrong)


def test_a_clause_keeps_the_signs_its_end_cue_ends_with():
    """«на 0,9%.»: the label's end cue reaches past the last digit, so the clause keeps its unit."""
    from pipeline.realtext import locate

    text = "1. Произвести доиндексацию заработной платы на 0,9%. 2. Следующий пункт."
    labels = [{"start": "Произвести доиндексацию", "end": "на 0,9%."},
              {"start": "Следующий", "end": "пункт"}]
    first, second = locate(text, labels)
    assert text[first[0]:first[1]] == "Произвести доиндексацию заработной платы на 0,9%."
    assert text[second[0]:second[1]] == "Следующий пункт"
