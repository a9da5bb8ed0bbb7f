"""Options shared by several commands, as decorators, and the one output helper."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager

import click

# What the exit status of every command means (../shared/spec/interface.md): one meaning each.
EXIT_OK = 0  # done, and nothing to flag
EXIT_FINDINGS = 1  # check, diff: a finding at or above --fail-on
EXIT_USAGE = 2  # the command line cannot be used as given (click's own code for usage errors)
EXIT_UNREADABLE = 3  # an input could not be read, or the clause database or search index could not be used


class Unreadable(click.ClickException):
    """An input, the clause database or the search index could not be read or written: one line, exit 3."""

    exit_code = EXIT_UNREADABLE

    def show(self, file=None) -> None:
        click.echo(f"kelisim: {self.format_message()}", err=True)


def output_format(*choices: str, default: str = "text"):
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
    )


def db_option(f):
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=lambda: os.environ.get("KELISIM_DB", "kelisim.db"),
        show_default="./kelisim.db or $KELISIM_DB",
        help="Clause database.",
    )(f)


def backend_options(f):
    f = click.option(
        "--es-url",
        default=lambda: os.environ.get("KELISIM_ES_URL"),
        show_default="$KELISIM_ES_URL",
        help="Elasticsearch URL for --backend elasticsearch; a search waits for it"
        " $KELISIM_ES_TIMEOUT seconds (default 10). A password in it is never printed.",
    )(f)
    return click.option(
        "--backend",
        type=click.Choice(["embedded", "elasticsearch"]),
        default="embedded",
        show_default=True,
        help="Search backend: the embedded SQLite + tantivy index, or Elasticsearch.",
    )(f)


def ocr_option(f):
    return click.option(
        "--ocr",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Read scanned pages by OCR (Tesseract): auto = pages without a text layer; always = every page.",
    )(f)


@contextmanager
def ocr_progress(path):
    """A progress bar on stderr over the pages of ``path`` read by OCR, when stderr is a terminal:
    yields the ``on_page(done, total)`` callback for ReadOptions, or None."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn(f"OCR {str(path)[-40:]}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = None

    def on_page(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task("", total=total)
        progress.update(task, completed=done)

    try:
        yield on_page
    finally:
        progress.stop()


def verbosity(f):
    def _set(ctx, param, value):
        if value:
            level = logging.WARNING if param.name == "quiet" else logging.DEBUG
            logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        return value

    f = click.option("-q", "--quiet", is_flag=True, callback=_set, expose_value=False, help="Only errors.")(f)
    return click.option("-v", "--verbose", is_flag=True, callback=_set, expose_value=False, help="Debug log.")(f)


def emit_json(data) -> None:
    """Print machine output: pydantic models and plain data alike."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def is_terminal() -> bool:
    return sys.stdout.isatty()
