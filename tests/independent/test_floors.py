"""Scores on text nobody on the project wrote may only go up.

``../shared/devset`` (an independent author's agreements, gold and expected findings) is
rendered with ``corpora/build.py`` and scored with ``kelisim eval``'s own functions; the
real-text labels of ``corpora/realtext`` are scored on the real texts wherever they are at
hand. Each floor is the score reached when it was last raised, rounded down: raise it when
the score goes up, never lower it to make a change pass. Everything here skips, saying why,
where ``../shared`` or the real texts are absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate
from pipeline.evaluate_findings import evaluate_findings, gold_parameters
from pipeline.realtext import default_text_folders, evaluate_real

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devset"
REALTEXT = ROOT / "corpora" / "realtext"

needs_devset = pytest.mark.skipif(not (DEVSET / "src").is_dir(), reason=f"{DEVSET} is absent: no independent devset to score")

# language -> (topic macro-F1, modality accuracy, norm precision within the gold's parameters, norm recall,
# norm precision over every norm), from the gold clause texts
DEVSET_FLOORS = {
    "en": (0.99, 0.99, 0.99, 0.99, 0.95),
    "ru": (0.94, 0.99, 0.99, 0.95, 0.94),
    "kk": (0.99, 0.99, 0.99, 0.99, 0.96),
}
# kind, language -> (recall, precision within the gold's parameters)
FINDINGS_FLOORS = {
    ("check", "en"): (1.0, 1.0),
    ("check", "ru"): (1.0, 1.0),
    ("diff", "ru"): (1.0, 1.0),
    ("check", "kk"): (1.0, 1.0),
}
# language -> (topic macro-F1, modality accuracy, norm precision, norm recall) on real texts; en includes
# ibb146, nma and bvtu, each labelled before Kelisim was run on it (held out, when first read: ibb146 0.740 /
# 0.833 / 0.583 / 0.467; nma 0.549 / 0.728 / 0.265 / 0.500, with en as a whole 0.778 / 0.835 / 0.679 / 0.792;
# bvtu 0.546 / 0.848 / 0.667 / 0.222, with en as a whole 0.763 / 0.846 / 0.915 / 0.802; seiu1107 0.473 / 0.780 /
# 0.125 / 0.167, with en as a whole 0.780 / 0.838 / 0.847 / 0.828; cir-ucdavis 0.358 / 0.911 / 0.364 / 0.571,
# with en as a whole 0.734 / 0.846 / 0.839 / 0.830; dc37 (26 clauses) 0.624 / 0.885 / 0.333 / 0.333, with en as a
# whole 0.738 / 0.848 / 0.840 / 0.814)
REAL_FLOORS = {
    "en": (0.73, 0.84, 0.83, 0.83),
    "ru": (0.85, 0.90, 0.90, 0.89),
}


@pytest.fixture(scope="module")
def devset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("devset")
    subprocess.run([sys.executable, str(ROOT / "corpora" / "build.py"), "--src", str(DEVSET / "src"), "--out", str(out)],
                   check=True, capture_output=True)
    return out / "gold"


@needs_devset
@pytest.mark.parametrize("lang", sorted(DEVSET_FLOORS))
def test_devset_extraction_floors(devset, lang):
    parameters = gold_parameters(devset, DEVSET / "findings.yaml")
    scores = evaluate(devset, from_text=True, parameters=parameters).groups()["all"][lang]
    assert scores.clauses > 0
    reached = (scores.topic_macro_f1, scores.modality_accuracy, scores.norms.precision, scores.norms.recall,
               scores.norms.precision_all)
    assert all(r >= f for r, f in zip(reached, DEVSET_FLOORS[lang], strict=True)), reached


@pytest.fixture(scope="module")
def findings(devset):
    return evaluate_findings(DEVSET / "findings.yaml", devset, parameters=gold_parameters(devset, DEVSET / "findings.yaml"))


@needs_devset
@pytest.mark.parametrize(("kind", "lang"), sorted(FINDINGS_FLOORS))
def test_devset_findings_floors(findings, kind, lang):
    totals = findings.totals(kind, lang)
    recall, precision = FINDINGS_FLOORS[(kind, lang)]
    assert totals["cases"] > 0
    assert totals["recall"] >= recall, totals
    assert totals["precision"] >= precision, totals
    assert totals["must_not_flag_flagged"] == 0, [c.must_not_flag_flagged for c in findings.cases]


@needs_devset
def test_every_guarantee_of_the_reference_gets_one_verdict(findings):
    for case in findings.cases:
        assert case.guarantees > 0, case.name
        assert case.verdicts == case.guarantees, case.name


@pytest.fixture(scope="module")
def real():
    return evaluate_real(REALTEXT)


@pytest.mark.parametrize("lang", sorted(REAL_FLOORS))
def test_real_text_floors(real, lang):
    read = [d for d in real.documents if d.language == lang]
    if not read:
        pytest.skip(f"no {lang} real text at hand in {', '.join(map(str, default_text_folders()))}: {real.absent}")
    scores = real.by_language()[lang]
    topic, modality, precision, recall = REAL_FLOORS[lang]
    assert scores.topic_macro_f1 >= topic
    assert scores.modality_accuracy >= modality
    assert scores.norms.precision >= precision
    assert scores.norms.recall >= recall


def test_every_labelled_clause_is_found_in_its_text(real):
    if not real.documents:
        pytest.skip(f"no real text at hand: {real.absent}")
    assert all(d.located == d.labelled for d in real.documents), [(d.doc, d.missing_cues) for d in real.documents]


# --------------------------------------------------------------------------- the one command that prints them


@needs_devset
def test_eval_prints_findings_scores_per_language(devset):
    import json

    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["eval", str(devset), "--from-text", "--findings", str(DEVSET / "findings.yaml"),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out["findings"]["by_language"]) >= {"en", "ru"}
    assert out["findings"]["check"]["cases"] > 0


def test_eval_real_names_every_text_it_cannot_find(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["eval", str(REALTEXT), "--real", "--texts", str(tmp_path)])
    assert result.exit_code == 3
    labelled = sorted(REALTEXT.rglob("*.yaml"))
    assert labelled
    assert result.output.count(" not found in ") == len(labelled)
