"""The clause database: SQLite, one transaction per stored file.

Storing an agreement replaces whatever came from the same source path in the
same transaction, so a reader (or a process killed mid-ingest) sees either the
old agreement or the new one, never half of either. Every change bumps the
``generation`` in ``meta``; search indexes record the generation they were
built from, which is how a stale index is recognised.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from schemas import Agreement, Clause, Evidence, Finding, Incorporation, Norm, OcrPages, Source, Table

_log = logging.getLogger(__name__)

SCHEMA_VERSION = 4

# Each entry migrates from user_version == index to index + 1. The statements are
# idempotent (IF NOT EXISTS, OR IGNORE) as well as run under the write lock, so two
# processes creating one new database at once both end with the same schema.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,          -- the key a changed file is replaced by
        given_path TEXT NOT NULL,           -- Source.path as the parser wrote it
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        pages INTEGER,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);
    CREATE TABLE IF NOT EXISTS agreements (
        id TEXT PRIMARY KEY,
        source_id INTEGER NOT NULL UNIQUE REFERENCES sources(id) ON DELETE CASCADE,
        title TEXT, level TEXT, language TEXT, parties TEXT NOT NULL DEFAULT '[]',
        sector TEXT, region TEXT, valid_from TEXT, valid_to TEXT, year INTEGER,
        warnings TEXT NOT NULL DEFAULT '[]',
        clause_count INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS clauses (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL,                   -- not UNIQUE: a parser may number two clauses alike
        agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        number TEXT NOT NULL, heading TEXT, text TEXT NOT NULL, page INTEGER,
        modality TEXT,
        tables TEXT NOT NULL DEFAULT '[]', evidence TEXT NOT NULL DEFAULT '[]',
        UNIQUE (agreement_id, position)
    );
    CREATE INDEX IF NOT EXISTS clauses_id ON clauses(id);
    CREATE TABLE IF NOT EXISTS clause_topics (
        clause_rowid INTEGER NOT NULL REFERENCES clauses(rowid) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (clause_rowid, topic)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS clause_topics_topic ON clause_topics(topic);
    CREATE TABLE IF NOT EXISTS norms (
        id INTEGER PRIMARY KEY,
        clause_rowid INTEGER NOT NULL REFERENCES clauses(rowid) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        parameter TEXT NOT NULL, comparator TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,
        condition TEXT, text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS norms_clause ON norms(clause_rowid);
    CREATE INDEX IF NOT EXISTS norms_parameter ON norms(parameter);
    CREATE TABLE IF NOT EXISTS findings (
        id INTEGER PRIMARY KEY,
        agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
        reference TEXT NOT NULL,
        kind TEXT NOT NULL, severity TEXT NOT NULL,
        finding TEXT NOT NULL,              -- the Finding as JSON
        created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS findings_agreement ON findings(agreement_id);
    INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0');
    """,
    # What was read by OCR: the clause's flag, the agreement's pages and confidence (OcrPages as JSON).
    """
    ALTER TABLE clauses ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE agreements ADD COLUMN ocr TEXT;
    """,
    # The archive (pipeline.archive): the fingerprint of an agreement's clause texts, so the PDF and
    # the DOCX of one text are one agreement with two files (a source whose copy_of names the agreement
    # whose text it holds); and the last audit of each agreement, so the next one redoes only what changed.
    """
    ALTER TABLE agreements ADD COLUMN fingerprint TEXT;
    CREATE INDEX IF NOT EXISTS agreements_fingerprint ON agreements(fingerprint);
    CREATE INDEX IF NOT EXISTS agreements_term ON agreements(valid_from, valid_to);
    ALTER TABLE sources ADD COLUMN copy_of TEXT REFERENCES agreements(id) ON DELETE CASCADE;
    CREATE INDEX IF NOT EXISTS sources_copy_of ON sources(copy_of);
    CREATE TABLE IF NOT EXISTS audits (
        agreement_id TEXT PRIMARY KEY REFERENCES agreements(id) ON DELETE CASCADE,
        inputs TEXT NOT NULL,               -- sha256 of what was compared: the agreement, its chain, its previous version
        chain TEXT NOT NULL DEFAULT '[]',   -- the chain as resolved, JSON
        audited_at TEXT NOT NULL,
        status TEXT NOT NULL,               -- the highest severity found, "clean", or "error: ..."
        counts TEXT NOT NULL DEFAULT '{}'   -- findings by severity, JSON
    );
    """,
    # Agreements printed in Kazakh and Russian (pipeline.segment.bilingual): each clause's language and
    # the id of its twin in the other version; the provision a norm applied by reference comes from, and
    # what a clause cites (Incorporation as JSON), which comparing a stored agreement needs as much as
    # comparing its file; whether its number was printed, the lead-in it completes, the preamble.
    """
    ALTER TABLE clauses ADD COLUMN language TEXT;
    ALTER TABLE clauses ADD COLUMN parallel TEXT;
    ALTER TABLE norms ADD COLUMN by_reference TEXT;
    ALTER TABLE clauses ADD COLUMN incorporations TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE clauses ADD COLUMN numbered INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE clauses ADD COLUMN lead_in TEXT;
    ALTER TABLE agreements ADD COLUMN preamble TEXT;
    UPDATE clauses SET numbered = 0 WHERE number LIKE '%¶%';
    """,
)


class DatabaseError(Exception):
    """The database file cannot be used; one line for the user."""


@dataclass(frozen=True)
class Stored:
    """What storing one agreement did."""

    agreement_id: str
    replaced: tuple[str, ...]  # ids of the agreements it replaced
    generation: int
    copy_of: str | None = None  # the stored agreement whose text the file holds: kept as its second file


# How long a connection waits for another process's write lock before giving up.
BUSY_TIMEOUT_S = 30


def connect(db_path: str | Path, *, read_only: bool | None = None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the clause database.

    ``read_only``: True opens an existing database for reading only; False insists on
    write access and says plainly when there is none; None (the default) opens
    read-only when the file or its folder is not writable (a read-only share), else
    for writing.
    """
    db_path = Path(db_path)
    if db_path.parent and not db_path.parent.exists():
        raise DatabaseError(f"{db_path}: folder {db_path.parent} does not exist")
    unwritable = _unwritable(db_path)
    if read_only is False and unwritable:
        what = "the clause database is read-only" if db_path.exists() else "cannot create a clause database"
        raise DatabaseError(f"{db_path}: {what} ({unwritable}); storing needs write access")
    if read_only or (read_only is None and unwritable and db_path.exists()):
        return _connect_read_only(db_path)
    try:
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        _use_wal(conn)
        conn.execute("PRAGMA foreign_keys=ON")
        # WAL + NORMAL is durable against process death, which is what ingest needs.
        conn.execute("PRAGMA synchronous=NORMAL")
        _migrate(conn)
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"{db_path}: not a usable clause database ({e})") from e
    conn.row_factory = sqlite3.Row
    return conn


def _unwritable(db_path: Path) -> str | None:
    """Why this process cannot write the database (SQLite also writes its -wal and -shm beside it), or None."""
    folder = db_path.parent
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return "on a read-only file system"
    if db_path.exists() and not os.access(db_path, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is not writable"
    return None


def _connect_read_only(db_path: Path) -> sqlite3.Connection:
    """Open without writing anything: no journal-mode switch, no migration, every write refused."""
    if not db_path.exists():
        raise DatabaseError(f"{db_path}: no clause database here; run `kelisim ingest PATH...` first")
    uri = f"file:{quote(str(db_path.resolve()))}"
    try:
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            version = _user_version(conn)
        except sqlite3.OperationalError:
            # A WAL database without its -shm file cannot be opened read-only. No -shm means no
            # process has it open for writing (the last one deletes it), so it is read as immutable.
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
            version = _user_version(conn)
        conn.execute("PRAGMA query_only=ON")
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"{db_path}: not a usable clause database ({e})") from e
    if version != len(_MIGRATIONS):
        conn.close()
        raise DatabaseError(
            f"{db_path}: database schema {version}, this kelisim reads {len(_MIGRATIONS)}; it is opened"
            " read-only, so it cannot be migrated here"
        )
    conn.row_factory = sqlite3.Row
    return conn


def is_read_only(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])


def _use_wal(conn: sqlite3.Connection) -> None:
    # Switching a new database to WAL needs it to itself, and SQLite answers "locked" at once
    # rather than through the busy timeout when another process is creating it too: retry.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _statements(script: str) -> list[str]:
    """The statements of a migration script, to run one by one inside a transaction of ours
    (``executescript`` would commit it first)."""
    out, current = [], ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                out.append(current.strip())
            current = ""
    return out


def _migrate(conn: sqlite3.Connection) -> None:
    if _user_version(conn) == len(_MIGRATIONS):
        return
    # The write lock first, then the version read again: a process that was creating the
    # same new database while we waited has already done the work.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _user_version(conn)
        if version > len(_MIGRATIONS):
            raise DatabaseError(f"database schema {version} is newer than this kelisim ({len(_MIGRATIONS)})")
        for target in range(version, len(_MIGRATIONS)):
            _log.info("migrating clause database to schema %d", target + 1)
            for statement in _statements(_MIGRATIONS[target]):
                conn.execute(statement)
            fill = _FILLS.get(target + 1)
            if fill is not None:
                fill(conn)
            conn.execute(f"PRAGMA user_version = {target + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _fill_fingerprints(conn: sqlite3.Connection, where: str = "1", args: tuple = ()) -> None:
    """The fingerprint of every agreement stored before schema 3 (two files of one text stay two
    agreements: which of them to keep is the next ingest's decision, not a migration's); ``where``
    narrows it to some agreements (``a.`` is the agreements table)."""
    from pipeline.archive.versions import fingerprint, fingerprint_texts, head

    has_language = any(r[1] == "language" for r in conn.execute("PRAGMA table_info(clauses)"))
    texts: dict[str, list[tuple[str | None, str]]] = {}
    for agreement_id, language, text in conn.execute(
        f"SELECT c.agreement_id, {'c.language' if has_language else 'NULL'}, c.text FROM clauses c"
        f" JOIN agreements a ON a.id = c.agreement_id WHERE {where} ORDER BY c.agreement_id, c.position",
        args,
    ):
        texts.setdefault(agreement_id, []).append((language, text))
    columns = ("id", "title", "valid_from", "valid_to", "level", "language", "sector", "region", "parties")
    heads = {}
    for row in conn.execute(f"SELECT {', '.join(f'a.{c}' for c in columns)} FROM agreements a WHERE {where}", args):
        fields = dict(zip(columns, row, strict=True))
        fields["parties"] = tuple(json.loads(fields["parties"]))
        heads[fields["id"]] = head(Agreement.model_construct(**fields))
    conn.executemany(
        "UPDATE agreements SET fingerprint = ? WHERE id = ?",
        [(fingerprint(fingerprint_texts(t), heads.get(a, ())), a) for a, t in texts.items()],
    )


def _fill_bilingual(conn: sqlite3.Connection) -> None:
    """The language and the twin of every clause of a ``kk+ru`` agreement stored before schema 4, as
    segmentation gives them: the Kazakh version's clause ids are ``ag_…:kk:5.3``, and a numbered clause's
    twin is the other version's clause of the same number (positional numbers, "3.¶2", link nothing);
    then those agreements' fingerprints, which read the versions in a fixed order. What was not stored
    before (which norms were applied by reference, what clauses cite, lead-ins, preambles) stays unknown
    until the file is ingested again: such norms are compared as plain norms meanwhile."""
    from pipeline.segment.bilingual import BILINGUAL, KAZAKH, RUSSIAN

    rows = conn.execute(
        "SELECT c.rowid, c.id, c.agreement_id, c.number FROM clauses c JOIN agreements a ON a.id = c.agreement_id"
        " WHERE a.language = ? ORDER BY c.rowid",
        (BILINGUAL,),
    ).fetchall()
    language = {rowid: KAZAKH if cid.startswith(f"{agreement}:{KAZAKH}:") else RUSSIAN
                for rowid, cid, agreement, _ in rows}  # fmt: skip
    twins: dict[tuple[str, str, str], str] = {}
    for rowid, cid, agreement, number in rows:
        twins.setdefault((agreement, language[rowid], number), cid)
    other = {KAZAKH: RUSSIAN, RUSSIAN: KAZAKH}
    conn.executemany(
        "UPDATE clauses SET language = ?, parallel = ? WHERE rowid = ?",
        [
            (language[rowid], None if "¶" in number else twins.get((agreement, other[language[rowid]], number)), rowid)
            for rowid, _, agreement, number in rows
        ],
    )
    _fill_fingerprints(conn, "a.language = ?", (BILINGUAL,))


#: Work a migration needs beyond its statements, by the schema it migrates to.
_FILLS = {3: _fill_fingerprints, 4: _fill_bilingual}


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE takes the write lock up front, so a second writer waits instead of failing mid-way.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction: every query inside sees the database as it was at the first one.

    Unlike ``transaction`` it takes no write lock, so it works on a read-only database too.
    """
    conn.execute("BEGIN DEFERRED")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def generation(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])


def _bump_generation(conn: sqlite3.Connection) -> int:
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    return generation(conn)


def known_source(conn: sqlite3.Connection, sha256: str) -> str | None:
    """The stored path of a file with this content, if any."""
    row = conn.execute("SELECT path FROM sources WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
    return row[0] if row else None


def store_agreement(conn: sqlite3.Connection, agreement: Agreement, path_key: str | None = None) -> Stored:
    """Store one agreement, replacing any earlier one from the same path, in one transaction.

    A file whose clause texts are those of an agreement stored from another file (the DOCX of
    a stored PDF) is stored as that agreement's second file, not as a second agreement.
    """
    from pipeline.archive.versions import agreement_fingerprint

    key = path_key or agreement.source.path
    text_print = agreement_fingerprint(agreement)
    with transaction(conn):
        replaced = tuple(
            r[0]
            for r in conn.execute(
                "SELECT a.id FROM agreements a JOIN sources s ON s.id = a.source_id WHERE s.path = ?", (key,)
            )
        )
        conn.execute("DELETE FROM sources WHERE path = ?", (key,))
        # The same content under another path has the same agreement id: it is the same agreement.
        stale = conn.execute("SELECT source_id FROM agreements WHERE id = ?", (agreement.id,)).fetchone()
        if stale:
            conn.execute("DELETE FROM sources WHERE id = ?", (stale[0],))
            replaced += (agreement.id,)
        same = _same_text(conn, agreement, text_print)
        if same is not None:
            _insert_source(conn, agreement.source, key, copy_of=same)
        else:
            _insert(conn, agreement, key, text_print)
        gen = _bump_generation(conn)
    return Stored(same or agreement.id, tuple(dict.fromkeys(replaced)), gen, copy_of=same)


def _same_text(conn: sqlite3.Connection, agreement: Agreement, text_print: str | None) -> str | None:
    """The stored agreement whose text this one is: the same fingerprint, or (a scan and its text
    PDF, a header left in a clause) the same term, kind, parties, clause numbers and norms and nearly the same words."""
    from pipeline.archive.versions import clause_keys, near_same

    if text_print is None:
        return None
    row = conn.execute("SELECT id FROM agreements WHERE fingerprint = ? ORDER BY id LIMIT 1", (text_print,)).fetchone()
    if row:
        return row[0]
    if not agreement.valid_from:
        return None
    mine = clause_keys(agreement)
    for (candidate,) in conn.execute(
        "SELECT id FROM agreements WHERE valid_from = ? AND valid_to IS ? AND language IS ? AND level IS ?"
        " AND sector IS ? AND region IS ? AND parties = ? AND (parties != '[]' OR title IS ?)"
        " AND clause_count = ? AND id != ? ORDER BY id",
        (agreement.valid_from, agreement.valid_to, agreement.language, agreement.level, agreement.sector,
         agreement.region, _dumps(list(agreement.parties)), agreement.title, len(agreement.clauses), agreement.id),
    ).fetchall():  # fmt: skip
        stored = read_agreement_row(conn, candidate)
        if stored is not None and near_same(mine, clause_keys(stored)):
            return candidate
    return None


def delete_source(conn: sqlite3.Connection, path_key: str) -> tuple[str, ...]:
    """Forget a file and its agreement; returns the deleted agreement ids."""
    with transaction(conn):
        ids = tuple(
            r[0]
            for r in conn.execute(
                "SELECT a.id FROM agreements a JOIN sources s ON s.id = a.source_id WHERE s.path = ?",
                (path_key,),
            )
        )
        conn.execute("DELETE FROM sources WHERE path = ?", (path_key,))
        if ids:
            _bump_generation(conn)
    return ids


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value) -> str:
    return _JSON.encode(value)


def _dumps_models(models) -> str:
    """A JSON list of pydantic models (most clauses have no tables, evidence or incorporations: "[]")."""
    return _dumps([m.model_dump(mode="json") for m in models]) if models else "[]"


def _insert_source(conn: sqlite3.Connection, src: Source, key: str, copy_of: str | None = None) -> int:
    return conn.execute(
        "INSERT INTO sources (path, given_path, sha256, format, pages, ingested_at, copy_of) VALUES (?,?,?,?,?,?,?)",
        (key, src.path, src.sha256, src.format, src.pages, datetime.now(UTC).isoformat(timespec="seconds"), copy_of),
    ).lastrowid  # fmt: skip


def _insert(conn: sqlite3.Connection, a: Agreement, key: str, text_print: str | None) -> None:
    source_id = _insert_source(conn, a.source, key)
    conn.execute(
        "INSERT INTO agreements (id, source_id, title, level, language, parties, sector, region,"
        " valid_from, valid_to, year, warnings, clause_count, ocr, fingerprint, preamble)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            a.id, source_id, a.title, a.level, a.language, _dumps(list(a.parties)), a.sector, a.region,
            a.valid_from, a.valid_to, a.year, _dumps(list(a.warnings)), len(a.clauses),
            a.ocr.model_dump_json() if a.ocr is not None else None, text_print, a.preamble,
        ),
    )  # fmt: skip
    for pos, c in enumerate(a.clauses):
        rowid = conn.execute(
            "INSERT INTO clauses (id, agreement_id, position, number, heading, text, page, modality,"
            " tables, evidence, ocr, language, parallel, incorporations, numbered, lead_in)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                c.id, a.id, pos, c.number, c.heading, c.text, c.page, c.modality,
                _dumps_models(c.tables), _dumps_models(c.evidence), int(c.ocr), c.language, c.parallel,
                _dumps_models(c.incorporations), int(c.numbered), c.lead_in,
            ),
        ).lastrowid  # fmt: skip
        if c.topics:
            conn.executemany(
                "INSERT OR IGNORE INTO clause_topics (clause_rowid, topic, position) VALUES (?, ?, ?)",
                [(rowid, t, i) for i, t in enumerate(c.topics)],
            )
        if c.norms:
            conn.executemany(
                "INSERT INTO norms (clause_rowid, position, parameter, comparator, value, unit, condition, text,"
                " by_reference) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (rowid, i, n.parameter, n.comparator, n.value, n.unit, n.condition, n.text, n.by_reference)
                    for i, n in enumerate(c.norms)
                ],
            )


# --------------------------------------------------------------------------- reading


def agreement_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM agreements ORDER BY id")]


_NORM_COLUMNS = ("parameter", "comparator", "value", "unit", "condition", "text", "by_reference")


def read_agreement_row(conn: sqlite3.Connection, agreement_id: str) -> Agreement | None:
    """The full Agreement model as it was stored, or None."""
    row = conn.execute(
        "SELECT a.*, s.given_path, s.sha256, s.format, s.pages FROM agreements a"
        " JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
        (agreement_id,),
    ).fetchone()
    if row is None:
        return None
    topics: dict[int, list[str]] = {}
    for r in conn.execute(
        "SELECT t.clause_rowid, t.topic FROM clause_topics t JOIN clauses c ON c.rowid = t.clause_rowid"
        " WHERE c.agreement_id = ? ORDER BY t.clause_rowid, t.position",
        (agreement_id,),
    ):
        topics.setdefault(r[0], []).append(r[1])
    norms: dict[int, list[Norm]] = {}
    for r in conn.execute(
        "SELECT n.* FROM norms n JOIN clauses c ON c.rowid = n.clause_rowid WHERE c.agreement_id = ?"
        " ORDER BY n.clause_rowid, n.position",
        (agreement_id,),
    ):
        norms.setdefault(r["clause_rowid"], []).append(Norm(**{name: r[name] for name in _NORM_COLUMNS}))
    clauses = tuple(
        Clause(
            id=c["id"],
            number=c["number"],
            heading=c["heading"],
            text=c["text"],
            page=c["page"],
            topics=tuple(topics.get(c["rowid"], ())),
            modality=c["modality"],
            norms=tuple(norms.get(c["rowid"], ())),
            tables=tuple(Table.model_validate(t) for t in json.loads(c["tables"])),
            evidence=tuple(Evidence.model_validate(e) for e in json.loads(c["evidence"])),
            ocr=bool(c["ocr"]),
            language=c["language"],
            parallel=c["parallel"],
            incorporations=tuple(Incorporation.model_validate(i) for i in json.loads(c["incorporations"])),
            numbered=bool(c["numbered"]),
            lead_in=c["lead_in"],
        )  # fmt: skip
        for c in conn.execute(
            "SELECT * FROM clauses WHERE agreement_id = ? ORDER BY position", (agreement_id,)
        )
    )
    return Agreement(
        id=row["id"],
        source=Source(path=row["given_path"], sha256=row["sha256"], format=row["format"], pages=row["pages"]),
        title=row["title"], level=row["level"], language=row["language"],
        parties=tuple(json.loads(row["parties"])), sector=row["sector"], region=row["region"],
        valid_from=row["valid_from"], valid_to=row["valid_to"], clauses=clauses, preamble=row["preamble"],
        warnings=tuple(json.loads(row["warnings"])),
        ocr=OcrPages.model_validate_json(row["ocr"]) if row["ocr"] else None,
    )  # fmt: skip


def load_agreement(db_path: str | Path, agreement_id: str) -> Agreement | None:
    """Read one stored agreement back as the full model; None when the id is unknown."""
    if not Path(db_path).exists():
        return None
    conn = connect(db_path, read_only=True)
    try:
        return read_agreement_row(conn, agreement_id)
    finally:
        conn.close()


@dataclass(frozen=True)
class IndexRow:
    """One clause with what the search index needs of its agreement."""

    ordinal: int
    clause_id: str
    agreement: str
    number: str
    heading: str | None
    text: str
    page: int | None
    topics: tuple[str, ...]
    modality: str | None
    title: str | None
    level: str | None
    language: str | None
    sector: str | None
    region: str | None
    year: int | None
    norms: tuple[dict, ...] = ()
    valid_from: str | None = None
    valid_to: str | None = None
    clause_language: str | None = None  # set in a bilingual agreement (``language`` is the agreement's)
    parallel: str | None = None

    @property
    def kazakh(self) -> bool:
        """Kazakh text, which the indexes analyse apart (no stemmer): a Kazakh clause, or one of a Kazakh agreement."""
        return (self.clause_language or self.language) == "kk"


def index_rows(conn: sqlite3.Connection, agreement_ids: list[str] | None = None) -> Iterator[IndexRow]:
    """Every clause (or those of the given agreements) in storage order, for building an index."""
    where, args = "", ()
    if agreement_ids is not None:
        if not agreement_ids:
            return
        # A temp table keeps the statement small however many agreements changed.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _want (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM _want")
        conn.executemany("INSERT OR IGNORE INTO _want VALUES (?)", [(i,) for i in agreement_ids])
        where, args = "WHERE a.id IN (SELECT id FROM _want)", ()
    topics_sql = (
        "(SELECT json_group_array(topic) FROM (SELECT topic FROM clause_topics t"
        " WHERE t.clause_rowid = c.rowid ORDER BY t.position))"
    )
    norms_sql = (
        "(SELECT json_group_array(json_object('parameter', parameter, 'comparator', comparator,"
        " 'value', value, 'unit', unit, 'condition', condition, 'by_reference', by_reference))"
        " FROM norms n WHERE n.clause_rowid = c.rowid)"
    )
    sql = (
        f"SELECT c.rowid, c.id, c.agreement_id, c.number, c.heading, c.text, c.page, c.modality, {topics_sql},"
        f" {norms_sql}, a.title, a.level, a.language, a.sector, a.region, a.year, a.valid_from, a.valid_to,"
        f" c.language, c.parallel FROM clauses c"
        f" JOIN agreements a ON a.id = c.agreement_id {where} ORDER BY c.rowid"
    )
    for r in conn.execute(sql, args):
        yield IndexRow(
            ordinal=r[0], clause_id=r[1], agreement=r[2], number=r[3], heading=r[4], text=r[5], page=r[6],
            modality=r[7], topics=tuple(json.loads(r[8])), norms=tuple(json.loads(r[9])), title=r[10],
            level=r[11], language=r[12], sector=r[13], region=r[14], year=r[15], valid_from=r[16], valid_to=r[17],
            clause_language=r[18], parallel=r[19],
        )  # fmt: skip


def find_clause(conn: sqlite3.Connection, clause_id: str) -> IndexRow | None:
    row = conn.execute(
        "SELECT agreement_id, rowid FROM clauses WHERE id = ? ORDER BY rowid LIMIT 1", (clause_id,)
    ).fetchone()
    if row is None:
        return None
    return next((r for r in index_rows(conn, [row[0]]) if r.ordinal == row[1]), None)


# --------------------------------------------------------------------------- findings


def store_findings(
    conn: sqlite3.Connection, agreement_id: str, reference: str, findings: list[Finding]
) -> None:
    """Replace the stored findings of one agreement against one reference."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn):
        conn.execute(
            "DELETE FROM findings WHERE agreement_id = ? AND reference = ?", (agreement_id, reference)
        )
        conn.executemany(
            "INSERT INTO findings (agreement_id, reference, kind, severity, finding, created_at) VALUES (?,?,?,?,?,?)",
            [(agreement_id, reference, f.kind, f.severity, f.model_dump_json(), now) for f in findings],
        )


def load_findings(conn: sqlite3.Connection, agreement_id: str) -> list[Finding]:
    return [
        Finding.model_validate_json(r[0])
        for r in conn.execute(
            "SELECT finding FROM findings WHERE agreement_id = ? ORDER BY id", (agreement_id,)
        )
    ]


# --------------------------------------------------------------------------- audits


@dataclass(frozen=True)
class AuditRow:
    """The last audit of one agreement (``pipeline.archive.audit``)."""

    agreement_id: str
    inputs: str
    chain: dict
    audited_at: str
    status: str
    counts: dict


def store_audit(conn: sqlite3.Connection, row: AuditRow, findings: list[Finding]) -> None:
    """Replace an agreement's audit and every finding stored for it, in one transaction."""
    with transaction(conn):
        conn.execute("DELETE FROM findings WHERE agreement_id = ?", (row.agreement_id,))
        conn.executemany(
            "INSERT INTO findings (agreement_id, reference, kind, severity, finding, created_at) VALUES (?,?,?,?,?,?)",
            [(row.agreement_id, f.reference, f.kind, f.severity, f.model_dump_json(), row.audited_at) for f in findings],
        )
        conn.execute(
            "INSERT OR REPLACE INTO audits (agreement_id, inputs, chain, audited_at, status, counts) VALUES (?,?,?,?,?,?)",
            (row.agreement_id, row.inputs, _dumps(row.chain), row.audited_at, row.status, _dumps(row.counts)),
        )


def load_audits(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, AuditRow]:
    """The last audit of every audited agreement still stored, or of the agreements ``ids`` only
    (those of one page), by agreement id."""
    sql = "SELECT agreement_id, inputs, chain, audited_at, status, counts FROM audits"
    # the ids as one JSON array: one parameter however many there are
    rows = conn.execute(sql) if ids is None else conn.execute(
        sql + " WHERE agreement_id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return {r[0]: AuditRow(r[0], r[1], json.loads(r[2]), r[3], r[4], json.loads(r[5])) for r in rows}


class SqliteArchive:
    """What the audit reads and writes (:mod:`pipeline.archive.audit`), in the clause database;
    :class:`pipeline.store.elasticsearch.ElasticsearchArchive` answers the same calls from a cluster."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def records(self) -> list:
        from pipeline.archive.records import records

        return records(self.conn)

    def agreement(self, agreement_id: str) -> Agreement | None:
        return read_agreement_row(self.conn, agreement_id)

    def audits(self) -> dict[str, AuditRow]:
        return load_audits(self.conn)

    def store_audit(self, row: AuditRow, findings: list[Finding]) -> None:
        store_audit(self.conn, row, findings)

    def findings(self, agreement_ids: list[str]) -> list[Finding]:
        """The stored findings of these agreements, agreement by agreement in the order given."""
        return [f for agreement_id in agreement_ids for f in load_findings(self.conn, agreement_id)]

    def close(self) -> None:
        self.conn.close()
