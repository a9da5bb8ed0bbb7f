"""A clause database on a read-only share: search and stored references work, writes say so in one line."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store.load import ingest_paths

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
KELISIM = str(Path(sys.executable).parent / "kelisim")


def _ro_mount_works(folder: Path) -> bool:
    probe = subprocess.run(_on_read_only(folder, ["true"]), capture_output=True)
    return probe.returncode == 0


def _on_read_only(folder: Path, cmd: list[str]) -> list[str]:
    """``cmd`` run with ``folder`` bind-mounted read-only in a private user and mount namespace."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "-rm", "sh", "-c", script, str(folder), *cmd]


@pytest.fixture
def share(tmp_path):
    """A folder holding a clause database of two agreements and its index, seen read-only by ``run``."""
    folder = tmp_path / "share"
    folder.mkdir()
    db = folder / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf", SAMPLES / "sectoral-mining-2024.docx"], db)
    if shutil.which("unshare") and _ro_mount_works(folder):
        wrap = _on_read_only
    elif os.geteuid() != 0:
        for p in [folder, *folder.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        wrap = None
    else:
        pytest.skip("no way to make a read-only folder here (root without unshare)")

    def run(*args):
        cmd = [KELISIM, *map(str, args)]
        return subprocess.run(wrap(folder, cmd) if wrap else cmd, capture_output=True, text=True, cwd=ROOT)

    yield db, run
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)


def _state(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_search_works_on_a_read_only_share_and_writes_nothing(share):
    """Bug: opening switched to WAL and migrated, so a read-only database was "not a usable clause database"."""
    db, run = share
    before = _state(db.parent)
    result = run("search", "wages", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    hits = json.loads(result.stdout)["hits"]
    assert hits and all("<mark>" in h["snippet"] for h in hits)
    assert _state(db.parent) == before


def test_a_stored_reference_is_read_from_a_read_only_share(share):
    db, run = share
    conn = sqlite3.connect(db)
    (sectoral,) = conn.execute("SELECT id FROM agreements WHERE level = 'sectoral'").fetchone()
    conn.close()
    result = run(
        "check", SAMPLES / "kazmetall-2024.pdf", "--against", sectoral, "--db", db, "--format", "json",
        "--fail-on", "never",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {f["reference"] for f in report["findings"]} == {sectoral}


@pytest.mark.parametrize(
    "command", [["ingest", SAMPLES / "medcentre-2024.docx"], ["index"]], ids=["ingest", "index"]
)
def test_writing_to_a_read_only_share_is_one_clear_line(share, command):
    db, run = share
    before = _state(db.parent)
    result = run(*command, "--db", db)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "read-only" in lines[0] or "cannot be written here" in lines[0]
    assert str(db) in lines[0]
    assert _state(db.parent) == before


def test_a_new_database_on_a_read_only_share_is_one_clear_line(share):
    db, run = share
    new = db.with_name("new.db")
    result = run("ingest", SAMPLES / "medcentre-2024.docx", "--db", new)
    assert result.returncode != 0
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kelisim: {new}: cannot create a clause database (")
    assert not new.exists()


def test_read_only_flag_opens_a_writable_database_without_touching_it(tmp_path):
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)
    before = _state(tmp_path)
    result = subprocess.run(
        [KELISIM, "search", "wages", "--db", str(db), "--read-only", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] > 0
    after = _state(tmp_path)
    # SQLite's shared-memory file for readers may appear; the database, its log and the index stay as they were.
    after.pop("kelisim.db-shm", None)
    wal = Path(f"{db}-wal")
    if "kelisim.db-wal" not in before and wal.exists():
        assert wal.stat().st_size == 0
        after.pop("kelisim.db-wal")
    assert after == before


def test_read_only_database_without_an_index_says_where_to_build_one(tmp_path):
    db = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], db)
    shutil.rmtree(f"{db}.index")
    result = subprocess.run(
        [KELISIM, "search", "wages", "--db", str(db), "--read-only"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"kelisim: {db}: the database is opened read-only and has no search index beside it;"
        " build one with `kelisim index` where it is writable"
    ]
    assert not Path(f"{db}.index").exists()
