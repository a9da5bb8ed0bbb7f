"""Soak: three ingests into one clause database at once and a search loop, then an integrity check.

Run: ``.venv/bin/python bench/soak.py [--seconds 60] [--ingesters 3] [--keep DIR]``

For ``--seconds`` it runs, all at once against one new database:
  ingesters  each a loop of ``kelisim ingest`` (the real command, a new process per run) over its
             own folder, whose files change every round (a changed file replaces its agreement),
             plus a folder shared by all (same paths, same content: skipped or replaced in turn)
  searcher   a loop of ``pipeline.store.api.search`` in another process, over English and
             Russian queries and filters, while the index is updated and swapped beneath it
then waits for the last runs to end and prints: runs and exit codes per ingester, every
distinct error line, searches done and failed, ``PRAGMA integrity_check``, the counts of
sources, agreements and clauses, and whether the search index holds exactly the stored
clauses at the database's generation. The result is printed, not timed: exit status 1
when any check fails. Not a test: it takes a minute and loads the machine.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "corpora" / "samples"
KELISIM = str(Path(sys.executable).parent / "kelisim")
OWN = ["kazmetall-2024.pdf", "medcentre-2024.docx", "energoservice-2025.pdf"]
SHARED = ["sectoral-mining-2024.pdf", "regional-karaganda-2024.docx"]
QUERIES = [
    {"text": "wage indexation"},
    {"text": "индексация заработной платы"},
    {"text": "overtime", "level": "collective"},
    {"text": "", "topic": "annual_leave"},
    {"text": "отпуск*"},
    {"text": '"personal protective equipment"'},
]


def _variant(source: Path, target: Path, round_: int) -> None:
    """A copy of ``source`` whose bytes differ each round and which still reads the same.

    PDF: a comment after %%EOF. DOCX: an extra ZIP member, which Word and the parser ignore.
    """
    if source.suffix == ".pdf":
        target.write_bytes(source.read_bytes() + f"\n% soak {target.name} round {round_}\n".encode())
        return
    import zipfile

    shutil.copy(source, target)
    with zipfile.ZipFile(target, "a") as z:
        z.writestr("customXml/soak.txt", f"{target.name} round {round_}")


def _ingester(name: str, folder: Path, shared: Path, db: Path, deadline: float, out: dict) -> None:
    runs, codes, errors = 0, collections.Counter(), collections.Counter()
    own = folder / name
    own.mkdir(parents=True)
    while time.monotonic() < deadline:
        for k, sample in enumerate(OWN):
            if (runs + k) % 2 == 0:  # each round changes some files and keeps the others
                _variant(SAMPLES / sample, own / f"{name}-{sample}", runs)
        result = subprocess.run(
            [KELISIM, "ingest", str(own), str(shared), "--db", str(db)], capture_output=True, text=True
        )
        runs += 1
        codes[result.returncode] += 1
        for line in (result.stdout + result.stderr).splitlines():
            if "Traceback" in line or line.startswith(("Error", "stopped", "search index update failed")):
                errors[line.replace(str(db), "DB")[:200]] += 1
            if line.strip().startswith("failed "):
                errors[line.strip()[:200]] += 1
    out[name] = {"runs": runs, "codes": dict(codes), "errors": dict(errors)}


def _searcher(db: str, deadline: float, results) -> None:
    from pipeline.store import DatabaseError, api
    from pipeline.store.query import SearchQuery

    done, failed, stale, latencies = 0, collections.Counter(), 0, []
    while time.monotonic() < deadline:
        for q in QUERIES:
            if not Path(db).exists():
                time.sleep(0.1)
                continue
            started = time.perf_counter()
            try:
                r = api.search(db, SearchQuery(limit=20, **q))
                stale += bool(r.warnings)
                done += 1
            except (DatabaseError, api.BackendError, OSError, ValueError) as e:
                failed[f"{type(e).__name__}: {e}"[:200]] += 1
            latencies.append(time.perf_counter() - started)
    latencies.sort()
    p = (lambda f: latencies[int(f * (len(latencies) - 1))] * 1000) if latencies else (lambda f: 0.0)
    results.put(
        {"searches": done, "stale": stale, "failed": dict(failed), "p50_ms": p(0.5), "p95_ms": p(0.95)}
    )


def _final_state(db: Path) -> dict:
    from pipeline.store import embedded

    conn = sqlite3.connect(db)
    state = {
        "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
        "foreign_keys": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
        "sources": conn.execute("SELECT count(*) FROM sources").fetchone()[0],
        "agreements": conn.execute("SELECT count(*) FROM agreements").fetchone()[0],
        "clauses": conn.execute("SELECT count(*) FROM clauses").fetchone()[0],
        "generation": int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]),
        "orphan_clauses": conn.execute(
            "SELECT count(*) FROM clauses WHERE agreement_id NOT IN (SELECT id FROM agreements)"
        ).fetchone()[0],
    }
    conn.close()
    index = embedded.EmbeddedIndex(embedded.index_dir(db))
    state["index_generation"] = index.generation()
    state["indexed_clauses"] = index.index.searcher().num_docs
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ingesters", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kelisim-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    db, shared = work / "soak.db", work / "shared"
    shared.mkdir(exist_ok=True)
    for sample in SHARED:
        shutil.copy(SAMPLES / sample, shared / sample)

    started = time.monotonic()
    deadline = started + args.seconds
    ingest_out: dict = {}
    threads = [
        threading.Thread(target=_ingester, args=(f"i{k}", work, shared, db, deadline, ingest_out))
        for k in range(args.ingesters)
    ]
    for t in threads:
        t.start()
    results = multiprocessing.get_context("spawn").Queue()
    searcher = multiprocessing.get_context("spawn").Process(
        target=_searcher, args=(str(db), deadline, results)
    )
    searcher.start()
    search_out = results.get()
    searcher.join()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    state = _final_state(db)

    problems = []
    print(
        f"soak: {args.ingesters} ingesters and 1 searcher for {args.seconds:g} s (ended after {elapsed:.0f} s) in {work}"
    )
    for name, r in sorted(ingest_out.items()):
        print(f"  {name}: {r['runs']} ingest runs, exit codes {r['codes']}")
        if set(r["codes"]) - {0}:
            problems.append(f"{name} exited {r['codes']}")
        for line, n in r["errors"].items():
            print(f"    {n} x {line}")
            problems.append(f"{name}: {line}")
    print(
        f"  searcher: {search_out['searches']} searches, {sum(search_out['failed'].values())} failed,"
        f" {search_out['stale']} with a stale-index warning; p50 {search_out['p50_ms']:.1f} ms,"
        f" p95 {search_out['p95_ms']:.1f} ms"
    )
    for line, n in search_out["failed"].items():
        print(f"    {n} x {line}")
        problems.append(f"search: {line}")
    print("  database: " + ", ".join(f"{k} {v}" for k, v in state.items()))
    if state["integrity"] != "ok" or state["foreign_keys"] or state["orphan_clauses"]:
        problems.append("the database is not consistent")
    if state["index_generation"] != state["generation"] or state["indexed_clauses"] != state["clauses"]:
        problems.append("the search index does not hold exactly the stored clauses")
    print("result: " + ("ok" if not problems else f"{len(problems)} problems"))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
