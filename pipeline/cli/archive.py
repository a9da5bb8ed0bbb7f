"""``kelisim chain``, ``versions``, ``audit``, ``stats``, ``expiring``: the whole archive at once,
thin commands over :mod:`pipeline.archive`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractors.numbers import format_value
from pipeline.archive.audit import ranking
from pipeline.archive.stats import GROUPINGS
from pipeline.cli import options as cli_options
from pipeline.cli.app import cli
from pipeline.cli.compare import _emit, _report_options
from pipeline.cli.options import (
    ProgressBar,
    Unreadable,
    backend_options,
    db_option,
    emit_json,
    jobs_option,
    ocr_option,
    output_format,
    verbosity,
)
from pipeline.compliance import flagged
from pipeline.compliance.references import ReferenceNotFound
from pipeline.errors import InputError
from pipeline.ingest.common import ReadOptions
from pipeline.store import DatabaseError, QueryError
from pipeline.store.api import BackendError


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


def _ranking_table(result, limit: int):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Audit of {len(result.scope)} agreements (most high findings first)", title_justify="left")
    table.add_column("Agreement", ratio=1)
    for name in ("high", "medium", "low"):
        table.add_column(name, justify="right")
    table.add_column("chain", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for record, counts, status in ranking(result)[:limit]:
        links = result.rows[record.id].chain["links"]
        open_levels = [link["level"] for link in links if link["agreement"] is None]
        chain_cell = "unresolved: " + ", ".join(open_levels) if open_levels else "resolved"
        table.add_row(
            Text(f"{record.title or 'untitled'}\n{record.id}"), *(str(counts[s]) for s in ("high", "medium", "low")),
            chain_cell, Text(status[:60]),
        )  # fmt: skip
    return table


@cli.command()
@db_option
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only agreements stored on or after DATE.")
@click.option("--sector", help="Only agreements of this sector id.")
@click.option("--region", help='Only agreements of this region ("Karaganda").')
@jobs_option("Agreements audited")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help="Agreements listed in the text summary (every one is in --format csv/json/html).")  # fmt: skip
@_report_options
@backend_options
@verbosity
def audit(db, since, sector, region, jobs, limit, fmt, output, show_all, fail_on, backend, es_url):
    """Check every stored agreement against its chain and diff it against its previous version.

    Incremental: only agreements whose content, chain or previous version changed since the last
    audit (recorded in the database, or in the cluster with --backend elasticsearch, which reads
    the agreements `kelisim index --backend elasticsearch` put there) are compared again; the summary
    lists every agreement in scope, those with high findings first. Exit status as for check.

    Example: kelisim audit --db kelisim.db --jobs 2 --format html -o audit.html
    """
    from pipeline.archive.audit import audit as run_audit
    if show_all:
        raise click.UsageError("--all: the audit counts ok verdicts but does not store them; see `kelisim check --all`")

    bar = ProgressBar("auditing")
    on_total, on_done = bar.counting()
    close = bar.close
    try:
        result = run_audit(
            db, since=since.date() if since else None, sector=sector, region=region, jobs=jobs,
            on_total=on_total, on_done=on_done, backend=backend, es_url=es_url,
        )  # fmt: skip
    except QueryError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, BackendError) as e:
        raise Unreadable(str(e)) from None
    finally:
        close()
    report = result.report
    if fmt == "text" and not output:
        console = cli_options.console()
        console.print(_ranking_table(result, limit))
        if len(result.scope) > limit:
            console.print(f"{len(result.scope) - limit} more agreements: --format csv, json or html lists every one.")
        counts = ", ".join(f"{k} {v}" for k, v in report.summary["by_kind"].items() if v)
        console.print(f"Findings: {report.summary['total']}" + (f" ({counts})" if counts else ""))
        console.print(f"Audited again: {len(result.redone)}; up to date since the last audit: {result.up_to_date}")
        for failure in report.failures:
            console.print(f"could not audit {failure}", markup=False)
    else:
        _emit(report, fmt, output, per_agreement=True)
        for failure in report.failures:
            click.echo(f"kelisim: could not audit {failure}", err=True)
    if report.failures:
        sys.exit(cli_options.EXIT_UNREADABLE)
    if flagged(report, fail_on):
        sys.exit(cli_options.EXIT_FINDINGS)


def _stats_table(stats):
    from rich.table import Table

    table = Table(title=f"{stats.parameter} in {stats.unit or 'no comparable unit'} ({stats.better} is better),"
                        f" agreements in force on {stats.on}", title_justify="left")  # fmt: skip
    for name in (stats.by or "group", "n", "min", "Q1", "median", "Q3", "max", "lowest", "highest"):
        table.add_column(name, justify="right" if name in ("n", "min", "Q1", "median", "Q3", "max") else "left")
    for g in stats.groups:
        name = g.group if g.group is not None else ("all" if stats.by is None else "unknown")
        table.add_row(
            str(name), str(g.count), *(format_value(v) for v in (g.min, g.q1, g.median, g.q3, g.max)),
            "\n".join(g.lowest[:3]) + ("\n…" if len(g.lowest) > 3 else ""),
            "\n".join(g.highest[:3]) + ("\n…" if len(g.highest) > 3 else ""),
        )  # fmt: skip
    return table


def _apart(stats) -> str:
    units = "".join(f"{n} in {unit}; " for unit, n in stats.other_units.items())
    return (f"Counted apart: {units}{stats.conditional_only} only for a group of workers; {stats.not_in_force}"
            f" not in force; {stats.term_unknown} with an unknown term.")  # fmt: skip


def _stats_csv(stats) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["parameter", "unit", "group", "count", "min", "q1", "median", "q3", "max", "lowest", "highest"])
    for g in stats.groups:
        writer.writerow([stats.parameter, stats.unit, g.group or "", g.count,
                         *(format_value(v) for v in (g.min, g.q1, g.median, g.q3, g.max)),
                         " ".join(g.lowest), " ".join(g.highest)])  # fmt: skip
    return buffer.getvalue()


def _placements_table(placements):
    from rich.table import Table

    table = Table(title="Each norm against its sector's agreements in force", title_justify="left")
    for name in ("parameter", "clause", "value", "sector n", "sector median", "more favourable than"):
        table.add_column(name)
    for p in placements:
        d = p.distribution
        share = f"{p.favourable:.0%} of its sector" if p.favourable is not None else "no other agreement in force"
        table.add_row(p.parameter, p.clause, f"{format_value(p.value)} {p.unit}", str(d.count if d else 0),
                      format_value(d.median) if d else "", share)  # fmt: skip
    return table


def _suffix_chart(ctx, param, value):
    if value is not None and value.rsplit(".", 1)[-1].lower() not in ("png", "svg"):
        raise click.BadParameter(f"{value}: the chart is written as PNG or SVG (.png or .svg)", ctx=ctx, param=param)
    return value


@cli.command()
@click.argument("parameter", required=False)
@click.option("--by", type=click.Choice(GROUPINGS), help="Group the agreements by this.")
@click.option("--agreement", metavar="ID", help="Place every norm of this stored agreement in its sector's distribution.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Agreements in force on DATE (default today).")
@click.option("--unit", help="The unit compared (default: the one most agreements use); others are counted apart.")
@click.option("--chart", type=click.Path(dir_okay=False), callback=_suffix_chart,
              help="Write a box plot of the distribution to FILE (.png or .svg).")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the table (or HTML report) to FILE.")
@output_format("text", "json", "csv", "html")
@db_option
@backend_options
@verbosity
def stats(parameter, by, agreement, on, unit, chart, output, fmt, db, backend, es_url):
    """Distribution of a norm parameter across the stored agreements in force: count, min, quartiles,
    max, and the agreements at the extremes; comparable units only, others counted apart.

    Example: kelisim stats annual_leave.days --by sector --chart leave.svg
    """
    from pipeline.archive import stats as archive_stats
    from pipeline.store import api

    if (parameter is None) == (agreement is None):
        raise click.UsageError("give a PARAMETER (e.g. annual_leave.days) or --agreement ID, not both")
    day = on.date() if on else None
    try:
        if agreement:
            found = archive_stats.agreement_stats(db, agreement, on=day, backend=backend, es_url=es_url)
            if found is None:
                raise click.UsageError(f"{agreement}: no such agreement with norms in {db}")
            result, placements = None, found
        else:
            result = archive_stats.parameter_stats(db, parameter, by=by, on=day, unit=unit, backend=backend, es_url=es_url)
            placements = []
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    except (DatabaseError, api.BackendError) as e:
        raise Unreadable(str(e)) from None
    if chart and result is not None:
        archive_stats.chart(result, chart)
    text = None
    if fmt == "json":
        text = json.dumps(result.to_json() if result else [_placement_json(p) for p in placements],
                          ensure_ascii=False, indent=2) + "\n"  # fmt: skip
    elif fmt == "csv":
        text = _stats_csv(result) if result else _placements_csv(placements)
    elif fmt == "html":
        from pipeline.report import stats as stats_report

        svg = stats_report.inline_svg(lambda path: archive_stats.chart(result, path)) if result else None
        text = stats_report.render(result, svg=svg, placements=placements)
    if text is not None:
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    else:
        import io

        from rich.console import Console

        buffer = io.StringIO() if output else None
        console = (Console(file=buffer, width=160, no_color=True) if output
                   else cli_options.console())
        if result is not None:
            console.print(_stats_table(result) if result.groups else "No agreement in force states it in a comparable unit.")
            console.print(_apart(result))
        else:
            console.print(_placements_table(placements))
        if buffer is not None:
            Path(output).write_text(buffer.getvalue(), encoding="utf-8")
    if chart and result is not None:
        click.echo(f"chart: {chart}", err=fmt != "text")


def _placement_json(p) -> dict:
    d = p.distribution
    return {"parameter": p.parameter, "clause": p.clause, "value": p.value, "unit": p.unit, "sector": p.sector,
            "sector_count": d.count if d else 0, "sector_median": d.median if d else None,
            "favourable_share": p.favourable}  # fmt: skip


def _placements_csv(placements) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = [_placement_json(p) for p in placements]
    writer.writerow(list(rows[0]) if rows else ["parameter"])
    writer.writerows([list(r.values()) for r in rows])
    return buffer.getvalue()


def _within(ctx, param, value):
    from pipeline.archive.calendar import parse_within

    try:
        return parse_within(value)
    except ValueError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from None


@cli.command()
@click.option("--within", default="90d", show_default=True, callback=_within,
              help="How soon: days, weeks, months or years (90d, 12w, 3m, 1y).")  # fmt: skip
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Count from DATE (default today).")
@click.option("--ics", type=click.Path(dir_okay=False), help="Also write the list as an iCalendar file (.ics).")
@db_option
@output_format("text", "json")
@verbosity
def expiring(within, on, ics, db, fmt):
    """Agreements whose term ends soon, with their chain and last audit status, so that bargaining
    starts in time; --ics writes them as calendar events with a reminder as far ahead as --within.

    Example: kelisim expiring --within 90d --ics renewals.ics
    """
    from datetime import date, timedelta

    from pipeline.archive.calendar import expiring as find_expiring
    from pipeline.archive.calendar import horizon, ical

    day = on.date() if on else date.today()
    try:
        items = find_expiring(db, within=within, on=day)
    except DatabaseError as e:
        raise Unreadable(str(e)) from None
    if ics:
        Path(ics).write_bytes(ical(items, remind=timedelta(days=(horizon(day, within) - day).days)))
    if fmt == "json":
        emit_json([item.to_json() for item in items])
    else:
        last = horizon(day, within)
        click.echo(f"{len(items)} agreements expire between {day} and {last}")
        for item in items:
            r = item.record
            open_levels = [link.level for link in item.chain.links if not link.resolved]
            chain_text = f"chain unresolved: {', '.join(open_levels)}" if open_levels else "chain resolved"
            click.echo(f"  {r.valid_to}  {r.id}  {r.title or 'untitled'}")
            click.echo(f"              {chain_text}; last audit: {item.audit_status or 'never'}")
    if ics:
        click.echo(f"calendar: {ics}", err=fmt != "text")


@cli.command()
@click.argument("databases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@verbosity
def merge(databases, db):
    """Take the agreements of other clause databases (ingest workers' ones) into --db, without parsing again.

    A file already stored (same content) is skipped; the DOCX of a stored PDF becomes its second
    file. Then `kelisim audit` and `kelisim index` bring the audit and the search index up to date.

    Example: kelisim merge worker1.db worker2.db --db archive.db
    """
    from pipeline.archive.merge import merge as run_merge

    try:
        report = run_merge(list(databases), db)
    except DatabaseError as e:
        raise Unreadable(str(e)) from None
    click.echo(f"merged {len(report.merged)} files, skipped {len(report.skipped)} already stored")
    for line in report.failed:
        click.echo(f"kelisim: could not merge {line}", err=True)
    if report.failed:
        sys.exit(cli_options.EXIT_UNREADABLE)
