"""Concurrent users of one clause database: creating it, storing into it, writing its search index."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.store import api, database, embedded
from pipeline.store.load import ingest_paths
from pipeline.store.query import SearchQuery

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
KELISIM = [str(Path(sys.executable).parent / "kelisim")]


def _indexed_vs_stored(db) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Clauses per agreement as the search index finds them and as the database holds them, and warnings."""
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT agreement_id, count(*) FROM clauses GROUP BY agreement_id"))
    conn.close()
    indexed, warnings = {}, []
    for agreement in stored:
        results = api.search(db, SearchQuery(text="", agreement=agreement, limit=1000))
        indexed[agreement] = results.total
        warnings += results.warnings
    searcher = embedded.EmbeddedIndex(embedded.index_dir(db)).index.searcher()
    assert searcher.num_docs == sum(indexed.values())  # nothing indexed that is not stored
    return indexed, stored, warnings


def _open_after(barrier, db_path, results):
    barrier.wait()
    try:
        database.connect(db_path).close()
        results.put("ok")
    except Exception as e:  # the test reports what each process saw
        results.put(f"{type(e).__name__}: {e}")


def test_processes_creating_one_new_database_at_once_all_succeed(tmp_path):
    """Bug: two ingests creating a new database at once: one failed with "table meta already exists"
    (9 rounds in 10 with four processes) and lost its whole batch."""
    ctx = multiprocessing.get_context("fork")
    for round_ in range(6):
        db_path = tmp_path / f"round{round_}.db"
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_after, args=(barrier, db_path, results)) for _ in range(4)]
        for p in procs:
            p.start()
        seen = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
        assert seen == ["ok"] * 4, f"round {round_}: {seen}"
        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
        assert conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchall() == [("0",)]
        conn.close()


def _run(args, **kw):
    return subprocess.run(KELISIM + args, capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def test_two_cli_ingests_into_one_new_database_store_both_batches(tmp_path):
    db = tmp_path / "kelisim.db"
    batches = [
        [SAMPLES / "kazmetall-2024.pdf", SAMPLES / "medcentre-2024.docx"],
        [SAMPLES / "energoservice-2025.pdf", SAMPLES / "sectoral-mining-2024.docx"],
    ]
    procs = [
        subprocess.Popen(
            KELISIM + ["ingest", *map(str, files), "--db", str(db)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for files in batches
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
        assert "Traceback" not in err
    conn = database.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # The index holds every stored clause, whichever process updated it last.
    indexed, stored, warnings = _indexed_vs_stored(db)
    assert len(stored) == 4 and indexed == stored and not warnings


def test_ingest_waits_for_the_index_lock_then_fails_in_one_line_and_names_the_repair(tmp_path):
    """Bug: a second writer of the search index failed with a tantivy LockBusy traceback and exit 0."""
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)
    with open(f"{db}.index.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process writing the index
        env = {**os.environ, "KELISIM_INDEX_LOCK_TIMEOUT": "1"}
        result = _run(["ingest", str(SAMPLES / "medcentre-2024.docx"), "--db", str(db)], env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "ingested 1," in result.stdout
    line = next(s for s in result.stdout.splitlines() if s.startswith("search index update failed"))
    assert "another kelisim process has been writing the search index for over 1 s" in line
    assert "run `kelisim index`" in line
    # What the message says repairs it does.
    repaired = _run(["index", "--db", str(db)])
    assert repaired.returncode == 0, repaired.stderr
    indexed, stored, warnings = _indexed_vs_stored(db)
    assert len(stored) == 2 and indexed == stored and not warnings


def test_index_stays_complete_when_another_process_stores_during_an_ingest(tmp_path):
    """Bug: an incremental index update stamped the index current while leaving out an agreement
    another process had stored during the batch, so searches never found it."""
    from pipeline.analyze import read_outcome

    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)  # the index is current
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SAMPLES / "medcentre-2024.docx", other)

    def reader(path):
        # Another ingest (no index update of its own yet) commits while this batch reads.
        ingest_paths([other], db, update_index=False)
        return read_outcome(path)

    report = ingest_paths([SAMPLES / "energoservice-2025.pdf"], db, reader=reader)
    assert report.index == "rebuilt"
    indexed, stored, warnings = _indexed_vs_stored(db)
    assert len(stored) == 3 and indexed == stored and not warnings


def test_a_batch_that_cannot_store_says_which_files_were_stored(tmp_path):
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)
    blocker = sqlite3.connect(db, isolation_level=None)
    files = [SAMPLES / "medcentre-2024.docx", SAMPLES / "energoservice-2025.pdf"]
    from pipeline.analyze import read_outcome

    def reader(path):
        if path == files[1]:
            blocker.execute("BEGIN IMMEDIATE")  # another writer keeps the database locked
        return read_outcome(path)

    old = database.BUSY_TIMEOUT_S
    try:
        database.BUSY_TIMEOUT_S = 0.2
        report = ingest_paths(files, db, reader=reader)
    finally:
        database.BUSY_TIMEOUT_S = old
        blocker.execute("ROLLBACK")
        blocker.close()
    assert report.ingested == [str(files[0])]
    assert report.stopped == f"{db}: database is locked while storing {files[1]}; the batch stopped"
    assert f"{files[1]}: not stored (database is locked)" in report.failed


@pytest.mark.parametrize("holder", ["rebuild", "update"])
def test_index_writers_are_serialised(tmp_path, holder):
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)
    conn = database.connect(db)
    with embedded.writer_lock(db):
        with pytest.raises(embedded.IndexBusy, match="for over 0.2 s"):
            if holder == "rebuild":
                embedded.rebuild(conn, db, lock_timeout=0.2)
            else:
                embedded.update(conn, db, [], [], 0, lock_timeout=0.2)
    assert embedded.rebuild(conn, db, lock_timeout=0.2)[0] > 0
    conn.close()


def _rebuild_until(db_path, deadline, counts):
    conn = database.connect(db_path)
    while time.time() < deadline:
        embedded.rebuild(conn, db_path)
        counts.put(1)
    conn.close()


def _search_until(db_path, deadline, failures):
    n = 0
    while time.time() < deadline:
        try:
            api.search(db_path, SearchQuery(text="wages"))
            n += 1
        except Exception as e:  # what a user running search would have seen as a traceback
            failures.put(f"{type(e).__name__}: {e}")
    failures.put(n)


def test_searches_while_the_index_is_rebuilt_and_swapped_never_fail(tmp_path):
    """Bug: a search opening the index while another process swapped a rebuilt one in failed with
    tantivy's FileDoesNotExist (9 of 8,148 searches against 330 rebuilds in 20 s)."""
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf", SAMPLES / "medcentre-2024.pdf"], db)
    ctx = multiprocessing.get_context("fork")
    deadline = time.time() + 6
    counts, failures = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_rebuild_until, args=(db, deadline, counts))]
    procs += [ctx.Process(target=_search_until, args=(db, deadline, failures)) for _ in range(2)]
    for p in procs:
        p.start()
    seen = [failures.get(timeout=60)]
    while sum(isinstance(x, int) for x in seen) < 2:
        seen.append(failures.get(timeout=60))
    for p in procs:
        p.join()
    rebuilds = 0
    while not counts.empty():
        rebuilds += counts.get()
    assert [x for x in seen if isinstance(x, str)] == []
    assert rebuilds >= 5 and sum(x for x in seen if isinstance(x, int)) > 100
