"""``kelisim show``: one file, parsed and annotated, printed for a reader or a machine."""

from __future__ import annotations

import sys

import click

from pipeline.analyze import expand_paths, read_outcome
from pipeline.cli.app import cli
from pipeline.cli.options import emit_json, output_format, verbosity
from pipeline.render import agreement_text


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@output_format("text", "json")
@click.option("--explain", is_flag=True, help="Say which words produced every topic, modality and norm.")
@verbosity
def show(files, fmt, explain):
    """Parse PDF, DOCX, DOC, RTF or ODT agreements and print metadata, clauses, topics, modality and norms.

    Needs no database. With several files, JSON output is a list. DOC, RTF and ODT
    are read through LibreOffice (apt-get install libreoffice-writer-nogui).

    Example: kelisim show corpora/samples/kazmetall-2024.pdf --format json
    """
    results, failed = [], False
    for path in expand_paths(files):
        _, agreement, error = read_outcome(path)
        if error:
            click.echo(f"error: {error}", err=True)
            failed = True
            continue
        if fmt == "json":
            results.append(agreement)
        else:
            click.echo(agreement_text(agreement, explain=explain))
    if fmt == "json" and results:
        emit_json(results[0] if len(results) == 1 else [a.model_dump(mode="json") for a in results])
    sys.exit(3 if failed else 0)
