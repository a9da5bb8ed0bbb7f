"""``kelisim show``: one file, parsed and annotated, printed for a reader or a machine."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.analyze import expand_paths, read_outcome
from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_OK,
    EXIT_UNREADABLE,
    emit_json,
    error_line,
    jobs_option,
    ocr_option,
    ocr_progress,
    report_options,
    report_output,
    verbosity,
)
from pipeline.ingest.common import ReadOptions
from pipeline.report.terminal import agreement_text


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@report_options("text", "json")
@click.option("--explain", is_flag=True, help="Say which words produced every topic, modality and norm.")
@ocr_option
@jobs_option("Scanned pages recognised")
@verbosity
def show(files, fmt, explain, output, ocr, jobs):
    """Parse PDF, DOCX, DOC, RTF or ODT agreements and print metadata, clauses, topics, modality and norms.

    Needs no database. With several files, JSON output is a list. Pages without a text
    layer are read by OCR when Tesseract is installed (`kelisim doctor` says); DOC, RTF and
    ODT are read through LibreOffice (apt-get install libreoffice-writer-nogui).

    Example: kelisim show corpora/samples/kazmetall-2024.pdf --format json
    """
    results, failed = [], False
    paths = expand_paths(files)
    # One FILE named gives one object; several, a folder or a glob give a list, even when
    # only one of them could be read, so a script sees one shape for one way of asking.
    single = len(files) == 1 and paths == [Path(files[0])]
    with report_output(output) as stream:
        for path in paths:
            with ocr_progress(path) as on_page:
                _, agreement, error = read_outcome(path, ReadOptions(ocr=ocr, jobs=jobs, on_page=on_page))
            if error:
                error_line(error)
                failed = True
                continue
            if fmt == "json":
                results.append(agreement)
            else:
                click.echo(agreement_text(agreement, explain=explain), file=stream)
        if fmt == "json" and single and results:
            emit_json(results[0], file=stream)
        elif fmt == "json" and not single:
            emit_json([a.model_dump(mode="json") for a in results], file=stream)
    sys.exit(EXIT_UNREADABLE if failed else EXIT_OK)
