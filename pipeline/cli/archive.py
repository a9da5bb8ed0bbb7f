"""``kelisim chain``, ``versions``, ``audit``, ``stats``, ``expiring``: the whole archive at once,
thin commands over :mod:`pipeline.archive`."""

from __future__ import annotations

import click

from pipeline.cli.app import cli
from pipeline.cli.options import Unreadable, db_option, emit_json, ocr_option, output_format, verbosity
from pipeline.compliance.references import ReferenceNotFound
from pipeline.errors import InputError
from pipeline.ingest.common import ReadOptions
from pipeline.store import DatabaseError


def _term(record) -> str:
    return f"{record.valid_from or '?'} .. {record.valid_to or '?'}"


def _describe(target) -> str:
    facts = [target.level or "level unknown", target.sector, target.region, _term(target)]
    return f"{target.title or 'untitled'} ({target.id}; {', '.join(f for f in facts if f)})"


@cli.command()
@click.argument("agreement")
@db_option
@output_format("text", "json")
@ocr_option
@verbosity
def chain(agreement, db, fmt, ocr):
    """Which agreements stand above AGREEMENT: the General Agreement in force at its start, the
    sectoral and regional agreements overlapping its term, the Labour Code.

    AGREEMENT is a stored id (ag_...) or a file; the chain is chosen among the stored agreements
    from their metadata. A level whose agreement cannot be chosen (none stored, a date, sector or
    region missing, several candidates) is shown unresolved with its candidates.

    Example: kelisim chain corpora/samples/kazmetall-2024.pdf --db kelisim.db
    """
    from pipeline.archive.chain import chain_for

    try:
        target, resolved = chain_for(agreement, db=db, options=ReadOptions(ocr=ocr))
    except ReferenceNotFound as e:
        raise click.UsageError(str(e)) from None
    except (InputError, DatabaseError) as e:
        raise Unreadable(str(e)) from None
    if fmt == "json":
        emit_json({**resolved.to_json(), "title": target.title, "level": target.level})
        return
    click.echo(_describe(target))
    for link in resolved.links:
        if link.resolved:
            note = f"  [{link.note}]" if link.note else ""
            click.echo(f"  {link.level:<12} {link.agreement}  {link.title or ''}{note}")
        else:
            candidates = f"; candidates: {', '.join(link.candidates)}" if link.candidates else ""
            click.echo(f"  {link.level:<12} unresolved: {link.note}{candidates}")


@cli.command()
@click.argument("agreement")
@db_option
@output_format("text", "json")
@verbosity
def versions(agreement, db, fmt):
    """The successive versions of a stored agreement, oldest first, with the files of each.

    Versions share their kind (level, language, sector, region) and parties (or, without parties,
    their title less its years), and their terms overlap or follow within a year. Files holding
    one text (a PDF and its DOCX) are one version with several files.

    Example: kelisim versions ag_370ba27e6e37 --db kelisim.db
    """
    from pipeline.archive.versions import versions_of

    try:
        found = versions_of(agreement, db=db)
    except DatabaseError as e:
        raise Unreadable(str(e)) from None
    if found is None:
        raise click.UsageError(f"{agreement}: no such agreement in {db}")
    if fmt == "json":
        emit_json(found.to_json())
        return
    for position, record in enumerate(found.versions, start=1):
        mark = "*" if record.id == agreement else " "
        click.echo(f"{mark}{position}. {record.id}  {_term(record)}  {record.title or 'untitled'}")
        for path in record.files:
            click.echo(f"      {path}")
    for record in found.undated:
        click.echo(f"   ?  {record.id}  term unknown, cannot be ordered  {record.title or 'untitled'}")
