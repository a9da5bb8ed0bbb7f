"""``kelisim ingest``, ``kelisim search``, ``kelisim index``: the clause database and its search index."""

from __future__ import annotations

import sys

import click

from pipeline.cli.app import cli
from pipeline.cli.options import (
    EXIT_OK,
    EXIT_UNREADABLE,
    ProgressBar,
    Unreadable,
    backend_options,
    console,
    db_option,
    emit,
    error_line,
    jobs_option,
    ocr_option,
    report_options,
    verbosity,
    warning_line,
)
from pipeline.report.terminal import print_search_results
from pipeline.store import DatabaseError, QueryError, SearchQuery, api
from pipeline.store.load import IngestReport, ingest_paths


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
@jobs_option("Files read")
@click.option(
    "--allow-empty", is_flag=True, help="Store files from which no clauses were read (scans without a text layer)."
)
@db_option
@report_options("text", "json")
@ocr_option
@verbosity
def ingest(paths, jobs, allow_empty, db, fmt, output, ocr):
    """Parse PDF, DOCX, DOC, RTF and ODT files and folders into the clause database and the search index.

    A file whose content is already stored is skipped; a changed file replaces its
    earlier version in one transaction. Exit status 3 when some file could not be read.

    Example: kelisim ingest corpora/samples --jobs 2 --db kelisim.db
    """
    with ProgressBar("ingesting") as bar:
        on_total, on_file = bar.counting()
        try:
            report = ingest_paths(
                paths, db, jobs=jobs, allow_empty=allow_empty, ocr=ocr,
                on_total=on_total if bar.enabled else None, on_file=on_file if bar.enabled else None,
            )  # fmt: skip
        except DatabaseError as e:
            raise Unreadable(f"{e}; nothing was stored") from None
    emit(fmt, output, data=report.to_json, text=lambda stream: click.echo(_summary_text(report), file=stream))
    if report.stopped:
        error_line(f"{report.stopped}; {len(report.ingested)} files stored before it")
    sys.exit(EXIT_UNREADABLE if report.failed or report.stopped or report.index_failed else EXIT_OK)


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
@click.option("--language", type=click.Choice(["en", "ru", "kk", "kk+ru"]),
              help="Only agreements in this language (kk+ru: printed in Kazakh and Russian).")  # fmt: skip
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
@report_options("text", "json")
@verbosity
def search(
    query, topic, level, sector, region, year, language, agreement, like, limit, db, read_only, backend, es_url, fmt,
    output,
):
    """Full-text search over stored clauses, with filters and facet counts.

    Words are stemmed (English, Russian); "quoted words" match as a phrase,
    word* as a prefix, and small typos are forgiven. No words but a filter lists
    the matching clauses.

    Example: kelisim search "индексация заработной платы" --level collective --year 2024
    """
    request = SearchQuery(
        text=" ".join(query), topic=topic, level=level, sector=sector, region=region, year=year, language=language,
        agreement=agreement, limit=limit, like=like,
    )  # fmt: skip
    try:
        results = api.search(db, request, backend=backend, es_url=es_url, read_only=read_only)
    except QueryError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, api.BackendError) as e:
        raise Unreadable(str(e)) from None
    for warning in results.warnings:
        warning_line(warning)
    emit(fmt, output, data=results.to_json, text=lambda stream: print_search_results(results, console(stream)))


@cli.command()
@db_option
@backend_options
@report_options("text", "json")
@verbosity
def index(db, backend, es_url, fmt, output):
    """Rebuild a search index from the clause database (embedded tantivy, or Elasticsearch).

    Example: kelisim index --backend elasticsearch --es-url http://localhost:9200
    """
    try:
        summary = api.build_index(db, backend=backend, es_url=es_url)
    except QueryError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, api.BackendError) as e:
        raise Unreadable(str(e)) from None
    line = f"indexed {summary['clauses']} clauses into {backend} (generation {summary['generation']})"
    emit(fmt, output, data=summary, text=lambda stream: click.echo(line, file=stream))
    for line in summary.get("errors", [])[:20]:
        error_line(line)
    sys.exit(EXIT_UNREADABLE if summary.get("errors") else EXIT_OK)
