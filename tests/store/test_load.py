"""Batch ingest: skipping unchanged files, replacing changed ones, failures as data, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from store_corpus import fake_read, write_agreement_file

from pipeline.store import database, embedded
from pipeline.store.load import ingest_paths


def _snapshot(db_path):
    conn = sqlite3.connect(db_path)
    rows = {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
        for t in ("agreements", "clauses", "norms", "clause_topics", "meta")
    }
    rows["sources"] = conn.execute("SELECT path, sha256, ingested_at FROM sources ORDER BY path").fetchall()
    conn.close()
    return rows


def test_ingest_second_run_skips_everything_and_changes_nothing(tmp_path, db_path):
    for name in ("alpha", "beta"):
        write_agreement_file(tmp_path, name)
    write_agreement_file(tmp_path, "gamma", language="ru")
    first = ingest_paths([tmp_path], db_path, reader=fake_read)
    assert len(first.ingested) == 3 and not first.failed
    before = _snapshot(db_path)
    second = ingest_paths([tmp_path], db_path, reader=fake_read)
    assert second.ingested == [] and second.failed == []
    assert sorted(why for _, why in second.skipped) == ["unchanged"] * 3
    assert _snapshot(db_path) == before


def test_ingest_changed_file_replaces_its_agreement(tmp_path, db_path):
    path = write_agreement_file(tmp_path, "alpha")
    ingest_paths([path], db_path, reader=fake_read)
    conn = database.connect(db_path)
    (old_id,) = database.agreement_ids(conn)
    write_agreement_file(tmp_path, "alpha", language="ru", salt="v2")
    report = ingest_paths([path], db_path, reader=fake_read)
    assert report.ingested == [str(path)]
    (new_id,) = database.agreement_ids(conn)
    assert new_id != old_id
    clause_ids = [r[0] for r in conn.execute("SELECT id FROM clauses")]
    assert clause_ids and all(c.startswith(new_id + ":") for c in clause_ids)
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    # The index followed: the Russian text is found, the English one is gone.
    from pipeline.store import api
    from pipeline.store.query import SearchQuery

    assert api.search(db_path, SearchQuery(text="wages")).total == 0
    assert {h.agreement for h in api.search(db_path, SearchQuery(text="индексация")).hits} == {new_id}


def test_ingest_same_content_elsewhere_is_skipped(tmp_path, db_path):
    a = write_agreement_file(tmp_path, "alpha")
    (tmp_path / "copy").mkdir()
    b = tmp_path / "copy" / "alpha.pdf"
    b.write_bytes(a.read_bytes())
    report = ingest_paths([a, b], db_path, reader=fake_read)
    assert report.ingested == [str(a)]
    assert report.skipped == [(str(b), f"same content as {a.resolve()}")]


def test_ingest_failures_are_reported_and_the_rest_is_stored(tmp_path, db_path):
    good = write_agreement_file(tmp_path, "alpha")
    broken = tmp_path / "broken.pdf"
    broken.write_text("BROKEN")
    missing = tmp_path / "missing.pdf"
    report = ingest_paths([good, broken, missing], db_path, reader=fake_read)
    assert report.ingested == [str(good)]
    assert report.failed[0] == f"{broken}: not a PDF or DOCX file"
    assert report.failed[1].startswith(f"{missing}: cannot read")
    assert len(report.failed) == 2


def test_ingest_in_worker_processes_stores_every_file(tmp_path, db_path):
    for i in range(6):
        write_agreement_file(tmp_path, f"company-{i}", language="ru" if i % 2 else "en")
    seen = []
    report = ingest_paths([tmp_path], db_path, reader=fake_read, jobs=2, on_total=seen.append)
    assert seen == [6] and len(report.ingested) == 6
    conn = database.connect(db_path)
    assert len(database.agreement_ids(conn)) == 6
    assert embedded.status(conn, db_path) == (6, 6)  # index stamped with the database generation


def test_ingest_updates_index_incrementally_when_current(tmp_path, db_path):
    write_agreement_file(tmp_path, "alpha")
    assert ingest_paths([tmp_path], db_path, reader=fake_read).index == "rebuilt"  # no index yet
    write_agreement_file(tmp_path, "beta")
    assert ingest_paths([tmp_path], db_path, reader=fake_read).index == "updated"
    (tmp_path / "alpha.pdf").write_text("alpha|ru|v2")
    assert ingest_paths([tmp_path], db_path, reader=fake_read).index == "updated"
    # Incremental updates must give what a rebuild gives.
    idx = embedded.EmbeddedIndex(embedded.index_dir(db_path))
    assert (
        idx.index.searcher().num_docs
        == sqlite3.connect(db_path).execute("SELECT count(*) FROM clauses").fetchone()[0]
    )


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{tests!r}, {root!r}]
    from store_corpus import EN_CLAUSES, make_agreement
    from pipeline.store import database

    # Big agreements make each transaction long, so the kill lands inside one.
    conn = database.connect({db!r})
    clauses = [(f"{{i}}.{{j}}", h, t, tp, m, n) for i in range(300) for j, (_, h, t, tp, m, n) in enumerate(EN_CLAUSES)]
    for k in range(10_000):
        a = make_agreement(f"company-{{k % 7}}", clauses=clauses, salt=str(k), title=f"n={{len(clauses)}}",
                           path=f"corpora/company-{{k % 7}}.pdf")
        database.store_agreement(conn, a)
        print(k, flush=True)
    """
)


def test_ingest_killed_midway_leaves_database_consistent(tmp_path, db_path):
    script = tmp_path / "ingest_forever.py"
    tests = str(Path(__file__).parent)
    root = str(Path(__file__).parents[2])
    script.write_text(_KILL_SCRIPT.format(tests=tests, root=root, db=str(db_path)))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    for _ in range(3):  # let several agreements commit, including replacements of the same paths
        proc.stdout.readline()
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = conn.execute(
        "SELECT a.title, a.clause_count, (SELECT count(*) FROM clauses c WHERE c.agreement_id = a.id) FROM agreements a"
    ).fetchall()
    assert rows, "some agreements had committed before the kill"
    for title, declared, actual in rows:
        assert actual == declared == int(title.removeprefix("n="))
    # One agreement per source path, however the replacements were interrupted.
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == len(rows) <= 7


def _docx_last(path: Path):
    """The real reader, slower on a DOCX: in worker processes the PDF finishes first."""
    from pipeline.analyze import read_outcome

    if path.suffix == ".docx":
        time.sleep(1.5)
    return read_outcome(path)


def test_a_batch_in_worker_processes_stores_what_one_process_stores(tmp_path):
    """Of a PDF and the DOCX of the same text, the file given first (the batch is sorted) is the
    agreement and the other its second file, however fast each is read."""
    import shutil

    samples = Path(__file__).resolve().parents[2] / "corpora" / "samples"
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("medcentre-2024.docx", "medcentre-2024.pdf"):
        shutil.copy(samples / name, folder / name)
    stored = {}
    for jobs in (1, 2):
        db_path = tmp_path / f"jobs{jobs}.db"
        report = ingest_paths([folder], db_path, reader=_docx_last, jobs=jobs, update_index=False)
        assert not report.failed, report.failed
        conn = sqlite3.connect(db_path)
        stored[jobs] = conn.execute(
            "SELECT s.path, s.copy_of IS NULL FROM sources s ORDER BY s.path").fetchall()
        conn.close()
    assert stored[1] == stored[2]
    assert [Path(p).name for p, primary in stored[2] if primary] == ["medcentre-2024.docx"]


def test_files_segmented_ahead_give_what_reading_them_whole_gives(tmp_path):
    """While the parent builds the workers' pipelines a process of its own segments the first files
    (``HeadStart``); the workers only analyse those: the outcome is that of reading them whole, an
    unreadable file's error included, whether the head start reached a file or not."""
    from concurrent.futures import wait

    from pipeline.analyze import HeadStart, read_outcome
    from pipeline.ingest.common import ReadOptions
    from pipeline.workers import process_pool

    samples = Path(__file__).resolve().parents[2] / "corpora" / "samples"
    broken = tmp_path / "broken.pdf"
    broken.write_text("BROKEN")
    paths = [samples / "kazmetall-2024.pdf", broken, samples / "medcentre-2024-kk.docx"]
    whole = [read_outcome(p) for p in paths]
    assert whole[1][1] is None and whole[1][2].startswith(f"{broken}: unsupported format")

    ahead = HeadStart(paths, ReadOptions())
    wait(ahead._futures.values())
    ahead.stop()
    assert ahead.segmented == paths
    stopped_at_once = HeadStart(paths, ReadOptions())
    stopped_at_once.stop()  # the workers read whole what it did not reach
    for head_start in (ahead, stopped_at_once):
        with process_pool(2) as pool:
            got = [head_start.submit(pool, p, read_outcome).result() for p in paths]
        assert got == whole
