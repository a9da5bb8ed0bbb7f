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
    ocr_option,
    ocr_progress,
    output_format,
    verbosity,
)
from pipeline.ingest.common import ReadOptions
from pipeline.render import agreement_text


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@output_format("text", "json")
@click.option("--explain", is_flag=True, help="Say which words produced every topic, modality and norm.")
@ocr_option
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
    help="Scanned pages recognised at a time.",
)
@verbosity
def show(files, fmt, explain, ocr, jobs):
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
    for path in paths:
        with ocr_progress(path) as on_page:
            _, agreement, error = read_outcome(path, ReadOptions(ocr=ocr, jobs=jobs, on_page=on_page))
        if error:
            click.echo(f"error: {error}", err=True)
            failed = True
            continue
        if fmt == "json":
            results.append(agreement)
        else:
            click.echo(agreement_text(agreement, explain=explain))
    if fmt == "json" and single and results:
        emit_json(results[0])
    elif fmt == "json" and not single:
        emit_json([a.model_dump(mode="json") for a in results])
    sys.exit(EXIT_UNREADABLE if failed else EXIT_OK)
