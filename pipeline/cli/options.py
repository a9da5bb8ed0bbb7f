"""What every command shares: the exit statuses, the options (as decorators), where output goes,
the one progress bar and the one error line ("kelisim: FILE: reason")."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

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
        error_line(self.format_message())


def error_line(message: str) -> None:
    """The one error style of every command, on stderr: ``kelisim: FILE: reason``."""
    click.echo(f"kelisim: {message}", err=True)


def warning_line(message: str) -> None:
    click.echo(f"kelisim: warning: {message}", err=True)


def jobs_option(what: str):
    """``--jobs N``, the same range and wording in every command; ``what`` says what runs in parallel."""
    return click.option(
        "--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
        help=f"{what} at a time, each in a worker process.",
    )  # fmt: skip


def _writable_output(ctx, param, value: str | None) -> str | None:
    """Refuse an --output that cannot be written before any work is done: a failure after the
    whole run would end with a traceback and an exit status that means something else."""
    if value is None:
        return None
    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(f"{value}: folder {folder} does not exist", ctx=ctx, param=param)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(f"{value}: folder {folder} is not writable", ctx=ctx, param=param)
    return value


def output_option(f):
    """``--output/-o FILE``: the report goes to FILE instead of standard output."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        callback=_writable_output,
        help="Write the report to FILE (its folder must exist).",
    )(f)


def report_options(*choices: str, default: str = "text"):
    """``--format`` (one of ``choices``) and ``--output/-o FILE``: how and where a command writes its report."""

    def decorate(f):
        return output_format(*choices, default=default)(output_option(f))

    return decorate


def emit(fmt: str, output: str | None, *, data, text) -> None:
    """Write a command's report to ``--output`` FILE or standard output: ``data`` as JSON when
    ``--format json``, else ``text(stream)`` draws it (any other format is ``text``'s to handle)."""
    with report_output(output) as stream:
        if fmt == "json":
            emit_json(data() if callable(data) else data, file=stream)
        else:
            text(stream)


@contextmanager
def report_output(output: str | None):
    """The stream a command's report goes to: FILE of ``--output``, else standard output."""
    if output is None:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8") as handle:
        yield handle


# Off a terminal (a file, a pipe) there is no width to fit: a wide page keeps table cells on one line.
_PLAIN_WIDTH = 160


def console(stream=None):
    """A rich console on ``stream`` (standard output by default): fitted and coloured on a terminal,
    plain in a file or a pipe, $COLUMNS wide there when it is set, else 160 columns."""
    from rich.console import Console

    stream = sys.stdout if stream is None else stream
    if stream.isatty():
        return Console(file=stream)
    columns = os.environ.get("COLUMNS", "")
    return Console(file=stream, width=int(columns) if columns.isdigit() else _PLAIN_WIDTH, no_color=True)


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


class ProgressBar:
    """The one progress bar of every command: on stderr, only when stderr is a terminal and -q was
    not given, gone when the work is done. ``update(done, total, what)`` moves it; ``enabled`` says
    whether there is one (callers pass no callback to the library when there is none)."""

    def __init__(self, label: str):
        self._bar = self._task = None
        if sys.stderr.isatty() and not quiet():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
            )  # fmt: skip

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def update(self, done: int, total: int, what: str = "") -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        self._bar.update(self._task, completed=done, total=total, description=what[-50:])

    def counting(self):
        """(on_total(n), on_item(what)) for work that says its total first, then each item done."""
        counted = {"done": 0, "total": 0}

        def on_total(total: int) -> None:
            counted["total"] = total

        def on_item(what: str) -> None:
            counted["done"] += 1
            self.update(counted["done"], counted["total"], what)

        return on_total, on_item

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def ocr_progress(path):
    """A progress bar over the pages of ``path`` read by OCR: yields the ``on_page(done, total)``
    callback for ReadOptions, or None when there is no bar."""
    with ProgressBar(f"OCR {str(path)[-40:]}") as bar:
        yield bar.update if bar.enabled else None


_QUIET = "kelisim.quiet"


def quiet() -> bool:
    """-q was given to the command running now."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_QUIET))


def verbosity(f):
    """``-q/--quiet`` (only errors, no progress bar) and ``-v/--verbose`` (debug log)."""

    def _set(ctx, param, value):
        if value:
            if param.name == "quiet":
                ctx.meta[_QUIET] = True
            level = logging.WARNING if param.name == "quiet" else logging.DEBUG
            logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        return value

    f = click.option("-q", "--quiet", is_flag=True, callback=_set, expose_value=False, help="Only errors.")(f)
    return click.option("-v", "--verbose", is_flag=True, callback=_set, expose_value=False, help="Debug log.")(f)


def emit_json(data, file=None) -> None:
    """Print machine output: pydantic models and plain data alike."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    click.echo(json.dumps(data, ensure_ascii=False, indent=2), file=file)
