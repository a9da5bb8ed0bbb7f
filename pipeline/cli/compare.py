"""``kelisim check`` and ``kelisim diff``: thin commands over :mod:`pipeline.compliance`.

Exit status: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage
(including a reference of a lower level than its target, without ``--force``); 3 an
input could not be read. When inputs failed AND findings were flagged, 3 wins: the
run is incomplete, which a batch job must notice first.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from pipeline import compliance
from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_FINDINGS,
    EXIT_UNREADABLE,
    Unreadable,
    db_option,
    emit_json,
    is_terminal,
    ocr_option,
    output_format,
    verbosity,
)
from pipeline.compliance.references import ReferenceNotFound, ReferenceRefused
from pipeline.errors import InputError
from pipeline.ingest.common import ReadOptions
from pipeline.report import RENDERERS
from pipeline.report.table import print_report
from pipeline.store import DatabaseError
from schemas.models import Report

_log = logging.getLogger(__name__)

_PLAIN_WIDTH = 160


def _writable_output(ctx, param, value: str | None) -> str | None:
    """Refuse an --output that cannot be written before any work is done: a failure after the
    whole check would end with a traceback and exit 1, which means "findings"."""
    if value is None:
        return None
    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(f"{value}: folder {folder} does not exist", ctx=ctx, param=param)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(f"{value}: folder {folder} is not writable", ctx=ctx, param=param)
    return value


def _report_options(f):
    f = output_format("text", "json", "csv", "html")(f)
    f = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        callback=_writable_output,
        help="Write the report to FILE (its folder must exist).",
    )(f)
    f = click.option("--all", "show_all", is_flag=True, help="Also list ok findings.")(f)
    f = click.option(
        "--fail-on",
        type=click.Choice(["high", "medium", "low", "never"]),
        default="high",
        show_default=True,
        help="Exit 1 when a finding has this severity or a higher one.",
    )(f)
    return f


def _quiet() -> bool:
    """-q was given: the shared option configures logging at WARNING through basicConfig."""
    root = logging.getLogger()
    return bool(root.handlers) and root.level == logging.WARNING


def _emit(report: Report, fmt: str, output: str | None, *, per_agreement: bool) -> None:
    if fmt == "json":
        data = {"findings": [f.model_dump(mode="json") for f in report.findings], "summary": report.summary}
        if output:
            Path(output).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            emit_json(data)
        return
    if fmt in RENDERERS:
        text = RENDERERS[fmt](report)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
        return
    # Off a terminal (a file, a pipe) there is no width to fit: keep explanations on one line.
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            print_report(
                report, Console(file=handle, width=_PLAIN_WIDTH, no_color=True), per_agreement=per_agreement
            )
    elif is_terminal():
        print_report(report, Console(), per_agreement=per_agreement)
    else:
        print_report(report, Console(width=_PLAIN_WIDTH, no_color=True), per_agreement=per_agreement)


def _finish(
    report: Report, *, fmt: str, output: str | None, show_all: bool, fail_on: str, per_agreement: bool
):
    shown = compliance.select(report, include_ok=show_all)
    if report.failures:
        shown = shown.model_copy(update={"summary": {**shown.summary, "failures": list(report.failures)}})
    _emit(shown, fmt, output, per_agreement=per_agreement)
    if fmt != "text" or output:  # the terminal table already lists them
        for failure in report.failures:
            click.echo(f"kelisim: could not read {failure}", err=True)
    if report.failures:
        sys.exit(EXIT_UNREADABLE)
    if compliance.flagged(shown, fail_on):
        sys.exit(EXIT_FINDINGS)


class _Progress:
    """A rich progress bar on stderr, only when stderr is a terminal and -q was not given."""

    def __init__(self, enabled: bool):
        self.bar = None
        if enabled:
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.task = None

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, path: Path, position: int, total: int) -> None:
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task("Checking", total=total)
        self.bar.update(self.task, completed=position, description=f"Checking {path.name}")


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--against",
    required=True,
    metavar="REF",
    help="Reference: an agreement file, a stored id (ag_...), general-agreement, labour-code, or chain"
    " (every agreement above each target among the stored ones, see `kelisim chain`).",
)
@click.option(
    "--force", is_flag=True, help="Compare even when the reference is of a lower level than a target."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Parallel readers."
)
@_report_options
@db_option
@ocr_option
@verbosity
def check(targets, against, force, jobs, fmt, output, show_all, fail_on, db, ocr):
    """Compare agreements with a higher-level reference and list lowered guarantees.

    TARGETS are files, folders (read recursively) or globs. Each is checked against
    the one reference; an unreadable file is reported and the others still checked.

    Example: kelisim check corpora/samples --against general-agreement --format html -o report.html
    """
    try:
        with _Progress(sys.stderr.isatty() and not _quiet()) as progress:
            if against == "chain":
                from pipeline.archive.chain import check_against_chain

                report = check_against_chain(
                    targets, db=db, jobs=jobs, on_progress=progress, options=ReadOptions(ocr=ocr)
                )
            else:
                report = compliance.check(
                    targets, against=against, db=db, force=force, jobs=jobs, on_progress=progress,
                    options=ReadOptions(ocr=ocr),
                )
    except ReferenceRefused as error:
        raise click.UsageError(str(error)) from None
    except ReferenceNotFound as error:
        raise click.UsageError(str(error)) from None
    except InputError as error:
        click.echo(f"kelisim: could not read the reference {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except DatabaseError as error:
        raise Unreadable(str(error)) from None
    _finish(report, fmt=fmt, output=output, show_all=show_all, fail_on=fail_on, per_agreement=True)


@cli.command()
@click.argument("old")
@click.argument("new")
@_report_options
@db_option
@ocr_option
@verbosity
def diff(old, new, fmt, output, show_all, fail_on, db, ocr):
    """Compare two versions of one agreement: what NEW lowered, weakened or removed from OLD.

    OLD and NEW are files or stored ids (ag_...). Improvements are counted, not flagged.

    Example: kelisim diff corpora/samples/kazmetall-2021.pdf corpora/samples/kazmetall-2024.pdf
    """
    try:
        report = compliance.diff(old, new, db=db, options=ReadOptions(ocr=ocr))
    except ReferenceNotFound as error:
        raise click.UsageError(str(error)) from None
    except InputError as error:
        click.echo(f"kelisim: could not read {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except DatabaseError as error:
        raise Unreadable(str(error)) from None
    _finish(report, fmt=fmt, output=output, show_all=show_all, fail_on=fail_on, per_agreement=False)
