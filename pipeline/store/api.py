"""What the CLI calls: search and (re)index on either backend, with the database as the source of truth."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from pipeline.store import database, embedded
from pipeline.store.query import QueryError, SearchQuery, SearchResults, validate

_log = logging.getLogger(__name__)

BACKENDS = ("embedded", "elasticsearch")


class BackendError(Exception):
    """The search backend cannot be reached or refused the request; one line for the user."""


def _backend_errors():
    """Elasticsearch's error types, imported only when an error is being handled."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (TransportError, ApiError)


def _open_db(db_path: str | Path, read_only: bool | None = None) -> sqlite3.Connection:
    if not Path(db_path).exists():
        raise database.DatabaseError(
            f"{db_path}: no clause database here; run `kelisim ingest PATH...` first"
        )
    return database.connect(db_path, read_only=read_only)


def _damaged(error: BaseException) -> bool:
    """tantivy reports a damaged index folder as a ValueError or an OSError, or as a Rust panic
    (``pyo3_runtime.PanicException``, a BaseException that cannot be imported by name)."""
    return isinstance(error, ValueError | OSError) or type(error).__name__ == "PanicException"


def _damaged_index(db_path, error: BaseException) -> database.DatabaseError:
    return database.DatabaseError(
        f"{embedded.index_dir(db_path)}: the search index is damaged ({type(error).__name__}: {error});"
        " run `kelisim index` to rebuild it"
    )


def _normalise_filters(conn: sqlite3.Connection, query: SearchQuery) -> SearchQuery:
    """Match filter values to stored spellings ("karaganda" -> "Karaganda"), so both backends filter alike."""
    updates = {}
    for name, column in (("level", "level"), ("sector", "sector"), ("region", "region")):
        value = getattr(query, name)
        if value:
            row = conn.execute(
                f"SELECT {column} FROM agreements WHERE lower({column}) = lower(?) LIMIT 1", (value.strip(),)
            ).fetchone()
            updates[name] = row[0] if row else value.strip()
    if query.topic:
        updates["topic"] = query.topic.strip().lower()
    return replace(query, **updates) if updates else query


def _search_embedded(conn: sqlite3.Connection, db_path, query: SearchQuery, parsed, warnings: list[str]):
    """Search the embedded index, built first if missing or of an older layout; a stale one is used with a warning.

    Opening and searching happen under the index's read guard, so a writer never swaps
    or prunes its files in the middle; a build happens outside it, under the writer lock.
    """
    path = embedded.index_dir(db_path)
    for _ in range(2):
        with embedded.reading(db_path):
            index = embedded.EmbeddedIndex(path) if embedded.exists(path) else None
            index_gen = index.generation() if index is not None else None
            if index_gen is not None:
                db_gen = database.generation(conn)
                if index_gen != db_gen:
                    warnings.append(
                        f"the search index reflects database generation {index_gen}, the database is at"
                        f" {db_gen}: results may be out of date; run `kelisim index` to rebuild it"
                    )
                return index.search(query, parsed)
        if database.is_read_only(conn):
            raise database.DatabaseError(
                f"{db_path}: the database is opened read-only and has no search index beside it;"
                " build one with `kelisim index` where it is writable"
            )
        embedded.build_if_missing(conn, db_path)
    raise database.DatabaseError(f"{path}: the search index could not be built; run `kelisim index`")


def _backend_error(es_url: str | None, error: Exception) -> BackendError:
    """One line naming the server without its password, which the client's own message may quote too."""
    from pipeline.store import elasticsearch as es

    return BackendError(f"elasticsearch at {es.redact(es_url)}: {es.scrub(str(error), es_url)}")


@contextmanager
def backend_failures(es_url: str | None):
    """Inside it, an error of the Elasticsearch client becomes one BackendError line without the password."""
    try:
        yield
    except _backend_errors() as e:
        raise _backend_error(es_url, e) from None


def _elasticsearch_index(es_url: str | None, db_gen: int, warnings: list[str]):
    from pipeline.store import elasticsearch as es

    index = es.ElasticsearchIndex(es.client(es_url))
    try:
        index_gen = index.generation()
    except _backend_errors() as e:
        raise _backend_error(es_url, e) from None
    if index_gen != db_gen:
        warnings.append(
            f"the Elasticsearch index is at generation {index_gen}, the database at {db_gen}:"
            " run `kelisim index --backend elasticsearch` to rebuild it"
        )
    return index


def search(
    db_path: str | Path,
    query: SearchQuery,
    backend: str = "embedded",
    es_url: str | None = None,
    read_only: bool | None = None,
) -> SearchResults:
    """Run one search; stale indexes are reported in ``warnings``, bad requests raise QueryError.

    The database is opened read-only when ``read_only`` or when it is not writable.
    """
    if backend not in BACKENDS:
        raise QueryError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    parsed = validate(query)
    if backend == "elasticsearch":
        from pipeline.store import elasticsearch as es

        es.check_url(es_url)
    conn = _open_db(db_path, read_only or None)
    warnings: list[str] = []
    try:
        query = _normalise_filters(conn, query)
        try:
            if backend == "embedded":
                result = _search_embedded(conn, db_path, query, parsed, warnings)
            else:
                index = _elasticsearch_index(es_url, database.generation(conn), warnings)
                result = index.search(query, parsed)
        except LookupError:
            raise QueryError(f"--like: no clause {query.like!r} in the index") from None
        except _backend_errors() as e:
            raise _backend_error(es_url, e) from None
        except BaseException as e:
            if backend == "embedded" and _damaged(e):
                raise _damaged_index(db_path, e) from None
            raise
    finally:
        conn.close()
    return replace(result, warnings=tuple(warnings))


def build_index(db_path: str | Path, backend: str = "embedded", es_url: str | None = None) -> dict:
    """Rebuild a backend's index from the database (which it only reads); returns a summary."""
    if backend == "elasticsearch":
        from pipeline.store import elasticsearch as es

        es.check_url(es_url)
    conn = _open_db(db_path)
    try:
        if backend == "embedded":
            clauses, generation = embedded.rebuild(conn, db_path)
            return {"backend": backend, "clauses": clauses, "generation": generation, "errors": []}
        try:
            return es.ElasticsearchIndex(es.client(es_url, interactive=False)).rebuild(conn)
        except _backend_errors() as e:
            raise _backend_error(es_url, e) from None
    finally:
        conn.close()


def archive(db_path: str | Path, backend: str = "embedded", es_url: str | None = None, *, read_only: bool = True):
    """What the audit reads and writes, on the chosen backend: a :class:`database.SqliteArchive` or an
    :class:`pipeline.store.elasticsearch.ElasticsearchArchive` (whose client errors become one BackendError
    line inside :func:`backend_failures`)."""
    if backend == "elasticsearch":
        from pipeline.store import elasticsearch as es

        return es.ElasticsearchArchive(es.client(es_url, interactive=False))
    if not Path(db_path).exists():
        raise database.DatabaseError(f"{db_path}: no clause database here; run `kelisim ingest PATH...` first")
    return database.SqliteArchive(database.connect(db_path, read_only=read_only))
