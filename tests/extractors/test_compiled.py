"""The extractors compiled by mypyc (setup.py) against their plain sources.

Compiled or not, a clause gets the same topics, modality, norms and evidence;
a source edited after the build runs as written, never an older compiled copy.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import extractors
from extractors import compiled

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]

# What a clause gets, as one digest per file: read in this process and in a child process.
_DIGEST = """
import hashlib, json, sys
from pipeline.ingest import parse
from pipeline.segment import segment
from extractors import annotate
import extractors.compiled
rows = []
for path in sys.argv[1:]:
    for c in annotate(segment(parse(path))).clauses:
        rows.append([c.number, list(c.topics), c.modality, [n.model_dump() for n in c.norms],
                     [e.model_dump() for e in c.evidence]])
print(json.dumps({"compiled": extractors.compiled.in_use(),
                  "digest": hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest(),
                  "clauses": len(rows)}))
"""
FILES = [
    "corpora/samples/kazmetall-2024.pdf",
    "corpora/samples/medcentre-2024.docx",
    "corpora/samples/sectoral-healthcare-2024.pdf",
    "corpora/general-agreement/general-agreement-2024-2026.docx",
]


def _annotations(pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    if pure:
        env[compiled.PURE_ENV] = "1"
    out = subprocess.run(
        [sys.executable, "-c", _DIGEST, *FILES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not extractors.COMPILED, reason="the extractors are not compiled in this install")
def test_compiled_and_plain_extractors_annotate_the_corpus_alike():
    pure, native = _annotations(pure=True), _annotations(pure=False)
    assert pure["compiled"] is False and native["compiled"] is True
    assert native["clauses"] == pure["clauses"] > 100
    assert native["digest"] == pure["digest"]


def test_the_plain_sources_run_when_asked():
    out = subprocess.run(
        [sys.executable, "-c", "import extractors.norms as n, extractors; print(n.__file__, extractors.COMPILED)"],
        cwd=ROOT,
        env={**os.environ, compiled.PURE_ENV: "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    path, flag = out.stdout.split()
    assert path.endswith("norms.py") and flag == "False"
    assert "RuntimeWarning" not in out.stderr  # asked for: no warning


def _package(tmp_path: Path, *, build: bool = True) -> Path:
    """A folder with the listed sources, compiled stand-ins and the build's record."""
    for name in compiled.MODULES:
        (tmp_path / f"{name}.py").write_text(f"NAME = {name!r}\n", encoding="utf-8")
        if build:
            (tmp_path / f"{name}{SUFFIX}").write_bytes(b"\x7fELF stand-in")
    if build:
        (tmp_path / compiled.RECORD).write_text(json.dumps(compiled.source_digests(tmp_path)), encoding="utf-8")
    return tmp_path


def test_compiled_files_match_their_sources_as_built(tmp_path):
    folder = _package(tmp_path)
    assert compiled.why_source(folder, environ={}) is None
    assert set(compiled.compiled_files(folder)) == set(compiled.MODULES)


def test_no_compiled_files_is_a_plain_install(tmp_path):
    assert compiled.why_source(_package(tmp_path, build=False), environ={}) is None


def test_an_edited_source_is_not_shadowed_by_its_compiled_copy(tmp_path):
    folder = _package(tmp_path)
    with open(folder / "norms.py", "a", encoding="utf-8") as f:
        f.write("# edited\n")
    assert compiled.why_source(folder, environ={}) == "norms.py changed since the build"


def test_the_plain_sources_run_when_the_build_is_incomplete(tmp_path):
    folder = _package(tmp_path)
    (folder / compiled.RECORD).unlink()
    assert compiled.RECORD in compiled.why_source(folder, environ={})
    folder = _package(tmp_path)
    (folder / f"units{SUFFIX}").unlink()
    assert compiled.why_source(folder, environ={}) == "no compiled units"


def test_the_switch_wins_over_a_good_build(tmp_path):
    folder = _package(tmp_path)
    assert compiled.why_source(folder, environ={compiled.PURE_ENV: "1"}) == f"{compiled.PURE_ENV} is set"


def test_the_record_covers_every_compiled_module():
    digests = compiled.source_digests()
    assert set(digests) == set(compiled.MODULES)
    norms = (ROOT / "extractors" / "norms.py").read_bytes()
    assert digests["norms"] == hashlib.sha256(norms).hexdigest()


@pytest.mark.skipif(not extractors.COMPILED, reason="the extractors are not compiled in this install")
def test_a_source_edited_after_the_build_runs_as_written(tmp_path):
    """A copy of the built package with norms.py edited: all compiled modules give way to their sources."""
    import shutil

    for package in ("extractors", "schemas"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "extractors" / "norms.py", "a", encoding="utf-8") as f:
        f.write("\nEDITED = True\n")
    probe = (
        "import extractors, extractors.norms as n, extractors.patterns as p;"
        "print(extractors.COMPILED, n.EDITED, n.__file__.endswith('.py'), p.__file__.endswith('.py'))"
    )
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    env["PYTHONPATH"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "True", "True"]
    assert "norms.py changed since the build" in out.stderr and "make install" in out.stderr
