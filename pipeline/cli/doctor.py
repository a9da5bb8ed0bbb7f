"""``kelisim doctor``: which optional parts this installation has, and how to add the others."""

from __future__ import annotations

import click

from pipeline.cli.app import cli
from pipeline.cli.options import emit_json, output_format, output_option, report_output
from pipeline.doctor import optional_parts


@cli.command()
@output_format("text", "json")
@output_option
def doctor(fmt, output):
    """List the optional parts kelisim can use (OCR, LibreOffice, Elasticsearch) and whether they are here.

    An absent part is not an error: kelisim runs without it and says how to add it.

    Example: kelisim doctor --format json
    """
    parts = optional_parts()
    with report_output(output) as stream:
        if fmt == "json":
            emit_json({"parts": [p.to_json() for p in parts]}, file=stream)
            return
        for p in parts:
            click.echo(f"{'yes' if p.present else 'no ':3}  {p.name:14} {p.enables}\n     {'':14} {p.detail}", file=stream)
