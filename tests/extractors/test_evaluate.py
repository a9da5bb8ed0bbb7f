"""``evaluate`` and ``kelisim eval``: the pipeline meets its thresholds on gold, and the scorer scores honestly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluate import EvalReport, evaluate, load_gold
from schemas import Agreement, Norm

GOLD = Path(__file__).resolve().parents[2] / "corpora" / "gold"
LANGS = ("en", "ru")
SAMPLE_DOC = "kazmetall-2024"  # English, not holdout


def test_every_gold_document_has_its_files():
    """The corpus is in the repository: a gold document whose file is gone is an error, not a skip."""
    docs = load_gold(GOLD)
    assert docs
    assert [g.doc_id for g in docs if g.files and not (g.path.parent / g.files[0]).exists()] == []


# --------------------------------------------------------------------------- (a) thresholds on the real gold


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate(GOLD)


def test_every_gold_document_is_read(report):
    assert report.documents
    assert not report.failed, [(d.doc_id, d.error) for d in report.failed]
    assert {d.language for d in report.documents} >= set(LANGS)
    assert any(d.holdout for d in report.documents), "the gold must keep a holdout part"


@pytest.mark.parametrize("part", ["all", "holdout"])
@pytest.mark.parametrize("lang", LANGS)
def test_gold_thresholds(report, part, lang):
    scores = report.groups()[part][lang]
    assert scores.clauses > 0
    assert scores.topic_macro_f1 >= 0.90
    assert scores.modality_accuracy >= 0.90
    assert scores.norms.precision >= 0.95
    assert scores.norms.recall >= 0.90


# --------------------------------------------------------------------------- (b) the scorer itself


def _perfect_annotator(gold: dict):
    """Annotates every clause exactly as the *given* gold does, whatever gold it is later scored against."""
    by_number = {str(c["number"]): c for c in gold["clauses"]}

    def annotate(agreement: Agreement) -> Agreement:
        clauses = []
        for clause in agreement.clauses:
            g = by_number.get(clause.number)
            if g is None:
                clauses.append(clause)
                continue
            norms = tuple(
                Norm(parameter=n["parameter"], comparator=n["comparator"], value=n["value"], unit=n["unit"])
                for n in g.get("norms") or ()
            )
            clauses.append(
                clause.model_copy(update={"topics": tuple(g["topics"]), "modality": g["modality"], "norms": norms})
            )
        return agreement.model_copy(update={"clauses": tuple(clauses)})

    return annotate


@pytest.fixture
def original() -> dict:
    return json.loads((GOLD / f"{SAMPLE_DOC}.json").read_text(encoding="utf-8"))


def _write(dir_: Path, gold: dict) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    (dir_ / f"{gold['doc_id']}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return dir_


def _clause(gold: dict, number: str) -> dict:
    return next(c for c in gold["clauses"] if str(c["number"]) == number)


def test_perfect_predictions_score_one(tmp_path, original):
    rep = evaluate(_write(tmp_path / "gold", original), from_text=True, annotate=_perfect_annotator(original))
    s = rep.groups()["all"]["en"]
    assert s.clauses == len(original["clauses"])
    assert s.topic_macro_f1 == 1.0
    assert s.modality_accuracy == 1.0
    assert s.norms.fp == s.norms.fn == 0 and s.norms.precision == 1.0
    assert all(c.fp == c.fn == 0 for c in s.topics.values())
    assert rep.documents[0].mismatches == []


def test_altered_gold_costs_exactly_what_was_altered(tmp_path, original):
    clause = _clause(original, "2.2")
    assert clause["topics"] == ["minimum_pay"] and clause["modality"] == "obligation"
    assert [(n["parameter"], n["value"], n["unit"]) for n in clause["norms"]] == [("minimum_pay.floor", 1.4, "minimum_wage")]
    predict = _perfect_annotator(original)
    base = evaluate(_write(tmp_path / "base", original), from_text=True, annotate=predict).groups()["all"]["en"]

    altered = copy.deepcopy(original)
    c = _clause(altered, "2.2")
    c["topics"] = ["wage_indexation"]
    c["modality"] = "permission"
    c["norms"][0]["value"] = 1.5
    rep = evaluate(_write(tmp_path / "altered", altered), from_text=True, annotate=predict)
    s = rep.groups()["all"]["en"]

    mp, base_mp = s.topics["minimum_pay"], base.topics["minimum_pay"]
    assert (mp.tp, mp.fp, mp.fn) == (base_mp.tp - 1, base_mp.fp + 1, base_mp.fn)
    wi, base_wi = s.topics["wage_indexation"], base.topics["wage_indexation"]
    assert (wi.tp, wi.fp, wi.fn) == (base_wi.tp, base_wi.fp, base_wi.fn + 1)
    others = {t: (c.tp, c.fp, c.fn) for t, c in s.topics.items() if t not in ("minimum_pay", "wage_indexation")}
    assert others == {t: (c.tp, c.fp, c.fn) for t, c in base.topics.items() if t in others}
    assert s.topic_macro_f1 < 1.0
    assert (s.modality_correct, s.modality_total) == (base.modality_correct - 1, base.modality_total)
    assert (s.norms.tp, s.norms.fp, s.norms.fn) == (base.norms.tp - 1, 1, 1)
    assert s.norms.precision == pytest.approx((base.norms.tp - 1) / base.norms.tp)
    assert s.norms.recall == pytest.approx((base.norms.tp - 1) / base.norms.tp)
    assert [m["number"] for m in rep.documents[0].mismatches] == ["2.2"]
    assert len(rep.documents[0].mismatches[0]["problems"]) == 3


def test_a_norm_of_a_parameter_the_gold_never_uses_is_counted_apart(tmp_path, original):
    """A gold written before the taxonomy gained a parameter: a predicted norm of it is ``outside``,
    not a false positive, and ``precision_all`` still counts it as false."""
    perfect = _perfect_annotator(original)

    def add_a_union_funding_norm(agreement: Agreement) -> Agreement:
        agreement = perfect(agreement)
        clauses = list(agreement.clauses)
        i = next(i for i, c in enumerate(clauses) if c.number == "2.2")
        extra = Norm(parameter="union_rights.funding", comparator=">=", value=1, unit="percent")
        clauses[i] = clauses[i].model_copy(update={"norms": (*clauses[i].norms, extra)})
        return agreement.model_copy(update={"clauses": tuple(clauses)})

    gold_dir = _write(tmp_path / "gold", original)
    used = frozenset(n["parameter"] for c in original["clauses"] for n in c.get("norms") or ())
    assert "union_rights.funding" not in used
    counted = evaluate(gold_dir, from_text=True, annotate=add_a_union_funding_norm).groups()["all"]["en"].norms
    apart = evaluate(gold_dir, from_text=True, annotate=add_a_union_funding_norm, parameters=used).groups()["all"]["en"].norms
    assert (counted.fp, counted.outside) == (1, 0)
    assert (apart.fp, apart.outside, apart.tp) == (0, 1, counted.tp)
    assert apart.precision == 1.0
    assert apart.precision_all == pytest.approx(counted.precision)
    assert apart.to_dict()["outside"] == 1


def test_missed_and_extra_clauses_count_against_the_pipeline(tmp_path, original):
    perfect = _perfect_annotator(original)

    def drop_22_and_add_a_stray(agreement: Agreement) -> Agreement:
        agreement = perfect(agreement)
        kept = [c for c in agreement.clauses if c.number != "2.2"]
        stray = kept[0].model_copy(update={"number": "99.9", "id": "x:99.9", "topics": ("youth",), "norms": ()})
        return agreement.model_copy(update={"clauses": (*kept, stray)})

    base = evaluate(_write(tmp_path / "base", original), from_text=True, annotate=perfect).groups()["all"]["en"]
    s = evaluate(_write(tmp_path / "gold", original), from_text=True, annotate=drop_22_and_add_a_stray)
    s = s.groups()["all"]["en"]
    assert s.topics["minimum_pay"].fn == base.topics["minimum_pay"].fn + 1
    base_youth_fp = base.topics["youth"].fp if "youth" in base.topics else 0
    assert s.topics["youth"].fp == base_youth_fp + 1
    assert s.modality_correct == base.modality_correct - 1
    assert s.norms.fn == 1 and s.norms.fp == 0
    assert s.clauses == base.clauses  # a stray predicted clause is not a gold clause


def test_holdout_and_language_grouping(tmp_path, original):
    english = copy.deepcopy(original)
    russian = json.loads((GOLD / "medcentre-2024.json").read_text(encoding="utf-8"))
    assert russian["holdout"] and russian["metadata"]["language"] == "ru"
    english["holdout"] = False
    gold_dir = _write(_write(tmp_path / "gold", english), russian)

    def perfect(agreement):
        return _perfect_annotator(english if agreement.id == english["doc_id"] else russian)(agreement)

    groups = evaluate(gold_dir, from_text=True, annotate=perfect).groups()
    assert groups["all"]["all"].clauses == len(english["clauses"]) + len(russian["clauses"])
    assert groups["holdout"]["ru"].clauses == len(russian["clauses"])
    assert "en" not in groups["holdout"]
    assert groups["non_holdout"]["en"].clauses == len(english["clauses"])


# --------------------------------------------------------------------------- (c) the CLI


def test_cli_eval_json():
    result = CliRunner().invoke(cli, ["eval", str(GOLD), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for part in ("all", "holdout"):
        for lang in LANGS:
            group = data["groups"][part][lang]
            assert 0.0 <= group["topic_macro_f1"] <= 1.0
            assert group["topics"]
            for counts in group["topics"].values():
                assert {"precision", "recall", "f1", "tp", "fp", "fn", "support"} <= counts.keys()
            assert {"accuracy", "correct", "total"} <= group["modality"].keys()
            assert {"precision", "recall"} <= group["norms"].keys()
    assert data["groups"]["all"]["en"]["topic_macro_f1"] >= 0.90


def test_cli_eval_missing_gold_dir_is_a_usage_error(tmp_path):
    missing = tmp_path / "no-such-gold"
    result = CliRunner().invoke(cli, ["eval", str(missing)])
    assert result.exit_code == 2
    assert "no-such-gold" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_cli_eval_empty_gold_dir_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "no gold files" in result.output


def test_evaluate_never_swaps_files_for_gold_texts(monkeypatch, tmp_path, original):
    """The evaluation of files once switched to scoring the gold texts, with a log line only, when the
    reader could not be imported: a score of extraction alone passed for one of the whole pipeline."""
    import sys

    gold = _write(tmp_path / "gold", original)
    monkeypatch.setitem(sys.modules, "pipeline.analyze", None)
    with pytest.raises(ImportError):
        evaluate(gold)
