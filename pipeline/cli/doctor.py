"""``kelisim doctor``: which optional parts this installation has, and how to add the others."""

from __future__ import annotations

import click

from pipeline.cli.app import cli
from pipeline.cli.options import emit, report_options
from pipeline.doctor import optional_parts


@cli.command()
@report_options("text", "json")
def doctor(fmt, output):
    """List the optional parts kelisim can use (OCR, LibreOffice, Elasticsearch) and whether they are here.

    An absent part is not an error: kelisim runs without it and says how to add it.

    Example: kelisim doctor --format json
    """
    parts = optional_parts()
    lines = [f"{'yes' if p.present else 'no ':3}  {p.name:14} {p.enables}\n     {'':14} {p.detail}" for p in parts]
    emit(fmt, output, data={"parts": [p.to_json() for p in parts]},
         text=lambda stream: click.echo("\n".join(lines), file=stream))  # fmt: skip
