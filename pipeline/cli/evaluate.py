"""``kelisim eval``: score the pipeline against gold annotations, expected findings and real-text labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline import evaluate as evaluation
from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_OK,
    EXIT_UNREADABLE,
    emit_json,
    error_line,
    report_options,
    report_output,
    verbosity,
    warning_line,
)
from pipeline.report.terminal import print_findings_scores, print_real_scores, print_scores, scores_console


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@report_options("text", "json")
@click.option(
    "--from-text",
    is_flag=True,
    help="Annotate the gold clause texts instead of parsing the files: measures extraction alone.",
)
@click.option(
    "--findings",
    "findings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also run the checks and diffs this findings.yaml expects, on the agreements of GOLD_DIR, and score them.",
)
@click.option(
    "--real",
    is_flag=True,
    help="GOLD_DIR holds labels of real agreements (corpora/realtext); their texts are looked up in --texts.",
)
@click.option(
    "--texts",
    "texts",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the real agreements' texts (repeatable; default ../shared/realdev, $KELISIM_REALTEXT, ../realtext).",
)
@click.option("--details", is_flag=True, help="Also list every clause whose annotation differs from gold.")
@verbosity
def eval_command(gold_dir, fmt, from_text, findings, real, texts, details, output):
    """Measure topics, modality, norms, clause numbers and metadata against gold annotations.

    GOLD_DIR holds <doc_id>.json gold files. Scores are given for all documents,
    the non-holdout and the holdout part, each per language. With --findings, the
    compliance checks and diffs of a findings.yaml are scored too (recall, precision,
    must-not-flag items flagged), per language. With --real, GOLD_DIR holds real-text
    labels instead and extraction is scored on the real texts.

    \b
    Example:
      kelisim eval corpora/gold --from-text
      kelisim eval out/devset/gold --from-text --findings ../shared/devset/findings.yaml
      kelisim eval corpora/realtext --real --texts ../realtext
    """
    if real:
        with report_output(output) as stream:
            _real(gold_dir, list(texts) or None, fmt, details, stream)
        return
    if not evaluation.load_gold(gold_dir):
        raise click.BadParameter(f"{gold_dir}: no gold files (<doc_id>.json with clauses)", param_hint="GOLD_DIR")
    from pipeline.evaluate_findings import evaluate_findings, gold_parameters

    parameters = gold_parameters(gold_dir, findings)
    report = evaluation.evaluate(gold_dir, from_text=from_text, parameters=parameters)
    scored = evaluate_findings(findings, gold_dir, parameters=parameters) if findings is not None else None
    with report_output(output) as stream:
        if fmt == "json":
            out = json.loads(evaluation.report_json(report))
            if scored is not None:
                out["findings"] = scored.to_dict()
            emit_json(out, file=stream)
        else:
            console = scores_console(stream)
            print_scores(report, console, details=details)
            if scored is not None:
                print_findings_scores(scored, console, details=details)
    for doc in report.failed:
        error_line(f"{doc.source}: {doc.error}")
    sys.exit(EXIT_UNREADABLE if report.failed else EXIT_OK)


def _real(labels_dir: Path, texts: list[Path] | None, fmt: str, details: bool, stream) -> None:
    from pipeline.realtext import evaluate_real

    report = evaluate_real(labels_dir, texts)
    if fmt == "json":
        emit_json(report.to_dict(), file=stream)
    else:
        print_real_scores(report, scores_console(stream), labels_dir=labels_dir, details=details)
    for absent in report.absent:
        warning_line(absent)
    sys.exit(EXIT_OK if report.documents else EXIT_UNREADABLE)
