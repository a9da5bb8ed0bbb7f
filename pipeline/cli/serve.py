"""``kelisim serve``: the web workspace over the clause database (pipeline.web)."""

from __future__ import annotations

import ipaddress
import os
import sqlite3
from pathlib import Path

import click

from pipeline.cli.app import cli
from pipeline.cli.options import Unreadable, backend_options, db_option, verbosity


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _usable(db: str) -> None:
    """A database the workspace cannot read stops it before it listens: one line, exit 3."""
    from pipeline.store import DatabaseError
    from pipeline.web import library

    try:
        conn = library.connect(db)
        try:
            library.list_agreements(conn)
        finally:
            conn.close()
    except DatabaseError as e:
        raise Unreadable(str(e)) from None
    except sqlite3.Error as e:
        raise Unreadable(f"{db}: not a usable clause database ({e})") from None


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Folder for uploaded files and task progress (default: <db>.web beside the database).",
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Never write to the database: uploads are checked, not stored (for a shared database).",
)
@backend_options
@verbosity
def serve(db, host, port, data_dir, read_only, backend, es_url):
    """Open the web workspace: search clauses, read agreements, run and read checks.

    On an address other than this machine's own (127.0.0.1), every request needs the password
    in $KELISIM_WEB_PASSWORD (HTTP basic auth, any user name, or a bearer token).

    Example: kelisim serve --db out/demo.db --port 8080
    """
    import uvicorn

    from pipeline.web import Settings, create_app, default_data_dir
    from pipeline.web.app import PASSWORD_ENV

    password = os.environ.get(PASSWORD_ENV) or None
    if not _local(host) and not password:
        raise click.UsageError(f"--host {host} is reachable from other machines: set ${PASSWORD_ENV} first")
    _usable(db)
    settings = Settings(
        db=Path(db), data_dir=Path(data_dir) if data_dir else default_data_dir(db), backend=backend, es_url=es_url,
        read_only=read_only, password=password,
    )  # fmt: skip
    click.echo(f"kelisim workspace on http://{host}:{port}/ (database {db}{', read-only' if read_only else ''})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
