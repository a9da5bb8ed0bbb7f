"""``kelisim check`` and ``kelisim diff``: thin commands over :mod:`pipeline.compliance`.

Exit status: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage
(including a reference of a lower level than its target, without ``--force``); 3 an
input could not be read. When inputs failed AND findings were flagged, 3 wins: the
run is incomplete, which a batch job must notice first.
"""

from __future__ import annotations

import sys

import click

from pipeline import compliance
from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_FINDINGS,
    EXIT_UNREADABLE,
    ProgressBar,
    Unreadable,
    console,
    db_option,
    emit,
    error_line,
    jobs_option,
    ocr_option,
    report_options,
    verbosity,
)
from pipeline.compliance.references import ReferenceNotFound, ReferenceRefused
from pipeline.errors import InputError
from pipeline.ingest.common import ReadOptions
from pipeline.report import RENDERERS
from pipeline.report.terminal import print_report
from pipeline.store import DatabaseError
from schemas.models import Report


def _report_options(f):
    f = report_options("text", "json", "csv", "html")(f)
    f = click.option("--all", "show_all", is_flag=True, help="Also list ok findings.")(f)
    f = click.option(
        "--fail-on",
        type=click.Choice(["high", "medium", "low", "never"]),
        default="high",
        show_default=True,
        help="Exit 1 when a finding has this severity or a higher one.",
    )(f)
    return f


def _emit(report: Report, fmt: str, output: str | None, *, per_agreement: bool) -> None:
    def text(stream) -> None:
        if fmt in RENDERERS:
            click.echo(RENDERERS[fmt](report), nl=False, file=stream)
        else:
            print_report(report, console(stream), per_agreement=per_agreement)

    data = {"findings": [f.model_dump(mode="json") for f in report.findings], "summary": report.summary}
    emit(fmt, output, data=data, text=text)


def _finish(
    report: Report, *, fmt: str, output: str | None, show_all: bool, fail_on: str, per_agreement: bool
):
    shown = compliance.select(report, include_ok=show_all)
    if report.failures:
        shown = shown.model_copy(update={"summary": {**shown.summary, "failures": list(report.failures)}})
    _emit(shown, fmt, output, per_agreement=per_agreement)
    if fmt != "text" or output:  # the terminal table already lists them
        for failure in report.failures:
            error_line(failure)
    if report.failures:
        sys.exit(EXIT_UNREADABLE)
    if compliance.flagged(shown, fail_on):
        sys.exit(EXIT_FINDINGS)


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
@jobs_option("Agreements read")
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
        with ProgressBar("checking") as bar:
            on_progress = (lambda path, done, total: bar.update(done, total, path.name)) if bar.enabled else None
            if against == "chain":
                from pipeline.archive.chain import check_against_chain

                report = check_against_chain(targets, db=db, jobs=jobs, on_progress=on_progress, options=ReadOptions(ocr=ocr))
            else:
                report = compliance.check(
                    targets, against=against, db=db, force=force, jobs=jobs, on_progress=on_progress,
                    options=ReadOptions(ocr=ocr),
                )
    except ReferenceRefused as error:
        raise click.UsageError(str(error)) from None
    except ReferenceNotFound as error:
        raise click.UsageError(str(error)) from None
    except InputError as error:
        error_line(f"the reference {error}")
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
        error_line(str(error))
        sys.exit(EXIT_UNREADABLE)
    except DatabaseError as error:
        raise Unreadable(str(error)) from None
    _finish(report, fmt=fmt, output=output, show_all=show_all, fail_on=fail_on, per_agreement=False)
