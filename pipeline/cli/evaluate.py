"""``kelisim eval``: score the pipeline against gold annotations, expected findings and real-text labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pipeline import evaluate as evaluation
from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_OK,
    EXIT_UNREADABLE,
    emit_json,
    error_line,
    output_format,
    output_option,
    report_output,
    verbosity,
    warning_line,
)


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@output_format("text", "json")
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
@output_option
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
    report = evaluation.evaluate(gold_dir, from_text=from_text)
    scored = None
    if findings is not None:
        from pipeline.evaluate_findings import evaluate_findings, gold_parameters

        scored = evaluate_findings(findings, gold_dir, parameters=gold_parameters(gold_dir, findings))
    with report_output(output) as stream:
        if fmt == "json":
            out = json.loads(evaluation.report_json(report))
            if scored is not None:
                out["findings"] = scored.to_dict()
            emit_json(out, file=stream)
        else:
            _print_text(report, details=details, stream=stream)
            if scored is not None:
                _print_findings(scored, details=details, stream=stream)
    for doc in report.failed:
        error_line(f"{doc.source}: {doc.error}")
    sys.exit(EXIT_UNREADABLE if report.failed else EXIT_OK)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _console(stream) -> Console:
    """Score tables are wide: at least 110 columns, a terminal's width where it is wider."""
    return Console(file=stream, soft_wrap=False, width=max(Console(file=stream).width, 110))


def _scores_table(title: str, rows) -> Table:
    table = Table(title=title)
    for name in ("lang", "clauses", "topic macro-F1", "topic P", "topic R", "modality acc", "norm P", "norm R"):
        table.add_column(name, justify="left" if name == "lang" else "right")
    for lang, s in rows:
        table.add_row(
            lang, str(s.clauses), _pct(s.topic_macro_f1), _pct(s.topic_micro.precision), _pct(s.topic_micro.recall),
            _pct(s.modality_accuracy), _pct(s.norms.precision), _pct(s.norms.recall),
        )
    return table


def _real(labels_dir: Path, texts: list[Path] | None, fmt: str, details: bool, stream) -> None:
    from pipeline.realtext import evaluate_real

    report = evaluate_real(labels_dir, texts)
    if fmt == "json":
        emit_json(report.to_dict(), file=stream)
    else:
        console = _console(stream)
        console.print(f"[bold]Real-text evaluation[/bold] of the labels in {labels_dir}: "
                      f"{len(report.documents)} documents read, {len(report.absent)} without their text")
        console.print(_scores_table("Scores by language (real texts)", sorted(report.by_language().items())))
        docs = Table(title="Documents")
        for name in ("document", "lang", "labelled", "located", "topic macro-F1", "modality", "norm P", "norm R",
                     "unassigned (gold/found)"):
            docs.add_column(name, justify="left" if name in ("document", "lang") else "right")
        for d in report.documents:
            docs.add_row(d.doc, d.language, str(d.labelled), str(d.located), _pct(d.scores.topic_macro_f1),
                         _pct(d.scores.modality_accuracy), _pct(d.scores.norms.precision), _pct(d.scores.norms.recall),
                         f"{d.unassigned_gold}/{d.unassigned_found}")
        console.print(docs)
        for d in report.documents:
            if d.missing_cues:
                console.print(f"{d.doc}: clauses not found by their cues: {', '.join(d.missing_cues)}", markup=False)
            if details:
                for m in d.mismatches:
                    click.echo(f"{d.doc} {m['number']}: " + "; ".join(m["problems"]), file=stream)
    for absent in report.absent:
        warning_line(absent)
    sys.exit(EXIT_OK if report.documents else EXIT_UNREADABLE)


def _print_text(report: evaluation.EvalReport, *, details: bool, stream) -> None:
    console = _console(stream)
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
                click.echo(f"{d.doc_id} {m['number']}: " + "; ".join(m["problems"]), file=stream)


def _print_findings(scored, *, details: bool, stream) -> None:
    console = _console(stream)
    table = Table(title=f"Compliance findings against {scored.source} (agreements read from their PDFs)")
    for name in ("kind", "lang", "cases", "expected", "flagged", "matched", "recall", "precision",
                 "P, all flags", "must-not-flag hit", "no verdict"):
        table.add_column(name, justify="left" if name in ("kind", "lang") else "right")
    for kind in ("check", "diff"):
        for lang in ["all", *scored.languages()]:
            t = scored.totals(kind, None if lang == "all" else lang)
            if not t["cases"]:
                continue
            table.add_row(kind, lang, str(t["cases"]), str(t["expected"]), str(t["flagged"]), str(t["matched"]),
                          _pct(t["recall"]), _pct(t["precision"]), _pct(t["precision_all"]),
                          f"{t['must_not_flag_flagged']}/{t['must_not_flag']}", str(t["verdicts_missing"]))
    console.print(table)
    console.print("precision counts flags of the parameters the gold uses; 'all flags' counts every flag "
                  "(a gold written before the taxonomy gained a parameter cannot expect findings about it)")
    if details:
        for c in scored.cases:
            for k in c.missed:
                click.echo(f"{c.name}: missed {k}", file=stream)
            for k in c.extra:
                click.echo(f"{c.name}: extra {k}", file=stream)
            for k in c.outside:
                click.echo(f"{c.name}: outside the gold's parameters {k}", file=stream)
            for m in c.must_not_flag_flagged:
                click.echo(f"{c.name}: must not flag {m['parameter']} {m['reference_clause']}: flagged {m['flagged']}",
                           file=stream)
