"""``kelisim ingest``, ``kelisim search``, ``kelisim index``: the clause database and its search index."""

from __future__ import annotations

import html
import logging
import re
import sys

import click

from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Unreadable,
    backend_options,
    db_option,
    emit_json,
    ocr_option,
    output_format,
    verbosity,
)
from pipeline.store import DatabaseError, QueryError, SearchQuery, api
from pipeline.store.ingest import IngestReport, ingest_paths


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and "kelisim.quiet" in ctx.meta:
        return bool(ctx.meta["kelisim.quiet"])
    # -q configures the root logger at WARNING with a handler; without -q/-v it has none.
    root = logging.getLogger()
    return bool(root.handlers) and root.level == logging.WARNING


def _progress_callbacks(enabled: bool, label: str = "ingesting"):
    """(on_total, on_file, close) for a rich progress bar on stderr; no-ops when not wanted."""
    if not enabled:
        return None, None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = {}

    def on_total(n: int) -> None:
        progress.start()
        task["id"] = progress.add_task("", total=n)

    def on_file(path: str) -> None:
        progress.update(task["id"], advance=1, description=path[-50:])

    return on_total, on_file, progress.stop


def _summary_text(report: IngestReport) -> str:
    lines = [f"ingested {len(report.ingested)}, skipped {len(report.skipped)}, failed {len(report.failed)}"]
    lines += [f"  skipped {path}: {why}" for path, why in report.skipped if why != "unchanged"]
    lines += [f"  failed {line}" for line in report.failed]
    if report.stopped:
        stored = ", ".join(report.ingested) or "none"
        lines.append(f"stopped: {report.stopped}; files stored before it: {stored}")
    if report.index_failed:
        lines.append(f"search index update {report.index}")
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Parallel parser processes.",
)
@click.option(
    "--allow-empty", is_flag=True, help="Store files from which no clauses were read (scans without a text layer)."
)
@db_option
@output_format("text", "json")
@ocr_option
@verbosity
def ingest(paths, jobs, allow_empty, db, fmt, ocr):
    """Parse PDF, DOCX, DOC, RTF and ODT files and folders into the clause database and the search index.

    A file whose content is already stored is skipped; a changed file replaces its
    earlier version in one transaction. Exit status 3 when some file could not be read.

    Example: kelisim ingest corpora/samples --jobs 2 --db kelisim.db
    """
    on_total, on_file, close = _progress_callbacks(sys.stderr.isatty() and not _quiet())
    try:
        report = ingest_paths(
            paths, db, jobs=jobs, on_total=on_total, on_file=on_file, allow_empty=allow_empty, ocr=ocr
        )
    except DatabaseError as e:
        raise Unreadable(f"{e}; nothing was stored") from None
    finally:
        close()
    if fmt == "json":
        emit_json(report.to_json())
    else:
        click.echo(_summary_text(report))
    if report.stopped:
        click.echo(f"kelisim: {report.stopped}; {len(report.ingested)} files stored before it", err=True)
    sys.exit(EXIT_UNREADABLE if report.failed or report.stopped or report.index_failed else EXIT_OK)


def _snippet_text(snippet: str):
    from rich.text import Text

    out = Text()
    for i, part in enumerate(re.split(r"</?mark>", snippet)):
        out.append(html.unescape(part), style="bold yellow" if i % 2 else "")
    return out


def _results_table(results):
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{results.total} clauses", title_justify="left", show_lines=True, expand=True)
    table.add_column("clause", no_wrap=True)
    table.add_column("agreement", ratio=1)
    table.add_column("text", ratio=3)
    for hit in results.hits:
        where = " · ".join(str(v) for v in (hit.level, hit.sector, hit.region, hit.year) if v)
        agreement = escape(hit.title or hit.agreement) + (f"\n[dim]{escape(where)}[/dim]" if where else "")
        page = f"\np. {hit.page}" if hit.page else ""
        topics = f"\n[dim]{', '.join(hit.topics)}[/dim]" if hit.topics else ""
        table.add_row(
            escape(hit.number) + page, agreement, _snippet_text(hit.snippet).append_text(_markup(topics))
        )
    return table


def _markup(text: str):
    from rich.text import Text

    return Text.from_markup(text)


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--topic", help="Only clauses with this topic id (e.g. wage_indexation).")
@click.option(
    "--level", type=click.Choice(["general", "sectoral", "regional", "collective"], case_sensitive=False)
)
@click.option("--sector", help="Only agreements of this sector id.")
@click.option("--region", help='Only agreements of this region ("Karaganda").')
@click.option(
    "--year", type=click.IntRange(1, 9999), help="Only agreements whose validity starts in this year."
)
@click.option("--agreement", help="Only clauses of this agreement id.")
@click.option("--like", metavar="CLAUSE_ID", help="Clauses similar to this one, in other agreements too.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@db_option
@click.option(
    "--read-only",
    is_flag=True,
    help="Open the database for reading only (automatic when it is not writable).",
)
@backend_options
@output_format("text", "json")
@verbosity
def search(
    query, topic, level, sector, region, year, agreement, like, limit, db, read_only, backend, es_url, fmt
):
    """Full-text search over stored clauses, with filters and facet counts.

    Words are stemmed (English, Russian); "quoted words" match as a phrase,
    word* as a prefix, and small typos are forgiven. No words but a filter lists
    the matching clauses.

    Example: kelisim search "индексация заработной платы" --level collective --year 2024
    """
    request = SearchQuery(
        text=" ".join(query), topic=topic, level=level, sector=sector, region=region, year=year,
        agreement=agreement, limit=limit, like=like,
    )  # fmt: skip
    try:
        results = api.search(db, request, backend=backend, es_url=es_url, read_only=read_only)
    except QueryError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, api.BackendError) as e:
        raise Unreadable(str(e)) from None
    for warning in results.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        emit_json(results.to_json())
        return
    from rich.console import Console

    console = Console()
    if not results.hits:
        console.print("no clauses match")
        return
    console.print(_results_table(results))
    facets = [
        f"{name}: " + ", ".join(f"{k} ({v})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
        for name, counts in results.facets.items()
        if counts
    ]
    if facets:
        console.print("\n".join(facets), style="dim", markup=False)


@cli.command()
@db_option
@backend_options
@output_format("text", "json")
@verbosity
def index(db, backend, es_url, fmt):
    """Rebuild a search index from the clause database (embedded tantivy, or Elasticsearch).

    Example: kelisim index --backend elasticsearch --es-url http://localhost:9200
    """
    try:
        summary = api.build_index(db, backend=backend, es_url=es_url)
    except QueryError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, api.BackendError) as e:
        raise Unreadable(str(e)) from None
    if fmt == "json":
        emit_json(summary)
    else:
        click.echo(
            f"indexed {summary['clauses']} clauses into {backend} (generation {summary['generation']})"
        )
        for line in summary.get("errors", [])[:20]:
            click.echo(f"  error {line}", err=True)
    sys.exit(EXIT_UNREADABLE if summary.get("errors") else EXIT_OK)
