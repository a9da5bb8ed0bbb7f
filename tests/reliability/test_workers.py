"""Worker processes of ``--jobs N`` end with their parent, even one killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
KELISIM = str(Path(sys.executable).parent / "kelisim")


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The fields after the command name, which may hold spaces and parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _kill_parent_and_watch(proc: subprocess.Popen, workers: int) -> set[int]:
    """SIGKILL ``proc`` once it has ``workers`` children; the children still alive 10 s later."""
    children: set[int] = set()
    try:
        assert _wait_for(lambda: len(_children(proc.pid)) >= workers, 60), "the workers never started"
        children = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _wait_for(lambda: not any(_alive(c) for c in children), 10)
        return {c for c in children if _alive(c)}
    finally:
        proc.kill()
        for child in children | _children(proc.pid):
            if _alive(child):
                os.kill(child, signal.SIGKILL)  # no orphans left behind by a failing test


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ingest_workers_die_when_the_ingest_is_killed(tmp_path):
    """Bug: after `kill -9` of `kelisim ingest --jobs 2` the workers lived on as 150 MB orphans."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(6):  # more files than workers, so both are busy when the parent dies
        for sample in ("kazmetall-2024.pdf", "medcentre-2024.docx"):
            shutil.copy(SAMPLES / sample, folder / f"{i}-{sample}")
    proc = subprocess.Popen(
        [KELISIM, "ingest", str(folder), "--jobs", "2", "--db", str(tmp_path / "k.db")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert _kill_parent_and_watch(proc, workers=2) == set()


_POOL = textwrap.dedent(
    """
    import sys, time
    import pipeline.workers as workers
    if sys.argv[1] == "watcher":
        workers._parent_death_signal = lambda: False  # as on a system without prctl
    pool = workers.process_pool(2)
    tasks = [pool.submit(time.sleep, 120) for _ in range(2)]
    time.sleep(120)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("mechanism", ["prctl", "watcher"])
def test_pool_workers_die_with_their_parent(mechanism):
    proc = subprocess.Popen([sys.executable, "-c", _POOL, mechanism], cwd=ROOT)
    assert _kill_parent_and_watch(proc, workers=2) == set()


_PREPARED = textwrap.dedent(
    """
    import sys
    import pipeline.analyze as analyze
    from extractors.nlp import get_nlp
    from pipeline.workers import process_pool

    def built():  # in a worker: what it has without building it
        return get_nlp.cache_info().currsize, analyze.bundled_general_agreement.cache_info().currsize

    if __name__ == "__main__":
        if sys.argv[1] == "no-fork":
            analyze.forks = lambda: False  # as where workers are spawned
        analyze.prepare_forked_workers()
        with process_pool(2) as pool:
            print(*pool.submit(built).result(), built()[0])
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers are Linux's")
@pytest.mark.parametrize(("mode", "expected"), [("fork", "3 1 3"), ("no-fork", "0 0 0")])
def test_forked_workers_start_with_the_parents_pipelines(tmp_path, mode, expected):
    """Forked workers have the three pipelines and the General Agreement the parent built; where
    workers are not forked the parent builds nothing (each worker builds what it reads)."""
    script = tmp_path / "prepared.py"
    script.write_text(_PREPARED)
    done = subprocess.run([sys.executable, str(script), mode], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == expected.split()
