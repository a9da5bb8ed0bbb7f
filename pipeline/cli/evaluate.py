"""``kelisim eval``: score the pipeline against the gold corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pipeline import evaluate as evaluation
from pipeline.cli.app import cli
from pipeline.cli.options import output_format, verbosity


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@output_format("text", "json")
@click.option(
    "--from-text",
    is_flag=True,
    help="Annotate the gold clause texts instead of parsing the files: measures extraction alone.",
)
@click.option("--details", is_flag=True, help="Also list every clause whose annotation differs from gold.")
@verbosity
def eval_command(gold_dir, fmt, from_text, details):
    """Measure topics, modality, norms, clause numbers and metadata against gold annotations.

    GOLD_DIR holds <doc_id>.json gold files. Scores are given for all documents,
    the non-holdout and the holdout part, each per language.

    Example: kelisim eval corpora/gold --from-text
    """
    if not evaluation.load_gold(gold_dir):
        raise click.BadParameter(f"{gold_dir}: no gold files (<doc_id>.json with clauses)", param_hint="GOLD_DIR")
    report = evaluation.evaluate(gold_dir, from_text=from_text)
    if fmt == "json":
        click.echo(evaluation.report_json(report))
    else:
        _print_text(report, details=details)
    for doc in report.failed:
        click.echo(f"error: {doc.source}: {doc.error}", err=True)
    sys.exit(3 if report.failed else 0)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _print_text(report: evaluation.EvalReport, *, details: bool) -> None:
    console = Console(soft_wrap=False, width=max(Console().width, 110))
    mode = "gold texts (extraction only)" if report.from_text else "files, parsed end to end"
    console.print(f"[bold]Evaluation[/bold] of {len(report.documents)} gold documents in {report.gold_dir}: {mode}")

    summary = Table(title="Scores by part and language")
    for name in ("part", "lang", "clauses", "topic macro-F1", "topic micro-F1", "modality acc", "norm P", "norm R"):
        summary.add_column(name, justify="left" if name in ("part", "lang") else "right")
    for part, by_lang in report.groups().items():
        for lang, s in by_lang.items():
            if not s.clauses and lang == "all" and part != "all":
                continue
            summary.add_row(
                part, lang, str(s.clauses), _pct(s.topic_macro_f1), _pct(s.topic_micro.f1),
                _pct(s.modality_accuracy), _pct(s.norms.precision), _pct(s.norms.recall),
            )
    console.print(summary)

    overall = report.groups()["all"]["all"]
    topics = Table(title="Topics (all documents)")
    for name in ("topic", "support", "tp", "fp", "fn", "precision", "recall", "F1"):
        topics.add_column(name, justify="left" if name == "topic" else "right")
    for topic, c in sorted(overall.topics.items()):
        topics.add_row(topic, str(c.support), str(c.tp), str(c.fp), str(c.fn), _pct(c.precision), _pct(c.recall), _pct(c.f1))
    console.print(topics)

    docs = Table(title="Documents")
    columns = ["document", "lang", "holdout", "clause P", "clause R", "macro-F1", "modality"]
    if not report.from_text:
        columns += list(evaluation.METADATA_FIELDS)
    for name in columns:
        docs.add_column(name, justify="left" if name in ("document", "lang", "holdout") else "right")
    for d in report.documents:
        row = [
            d.doc_id + (" [red](unread)[/red]" if d.error else ""), d.language or "?", "yes" if d.holdout else "no",
            _pct(d.clause_numbers.precision), _pct(d.clause_numbers.recall),
            _pct(d.scores.topic_macro_f1), _pct(d.scores.modality_accuracy),
        ]
        if not report.from_text:
            row += ["✓" if d.metadata.get(f, {}).get("exact") else "✗" for f in evaluation.METADATA_FIELDS]
        docs.add_row(*row)
    console.print(docs)
    if not report.from_text:
        exact = report.metadata_exactness()
        console.print("Metadata exact: " + ", ".join(f"{f} {v['exact']}/{v['documents']}" for f, v in exact.items()))
    if details:
        for d in report.documents:
            for m in d.mismatches:
                console.print(f"{d.doc_id} {m['number']}: " + "; ".join(m["problems"]), markup=False)
