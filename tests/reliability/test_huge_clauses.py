"""Issue 15, item 4: a clause over 1,000,000 characters is read in part, with a warning, and kept whole.

Before the fix such a clause (one enormous DOCX paragraph, an unnumbered annex after the last
clause of a long PDF) reached spaCy's 1,000,000-character limit (E088) in the comparison's
reading of clause words, and the norm reader, whose time grows faster than the clause, had
not finished `check` on it after 250 s.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import docx
import pytest

from pipeline.cli import cli

WORDS = "annex posts workers wages grade category tariff rate shift hours bonus allowance".split()


@pytest.fixture(scope="module")
def huge_docx(tmp_path_factory):
    """An agreement whose second clause runs on for 1.2 million characters of posts and numbers:
    varied enough that its ZIP compresses like a real document, not like a zip bomb."""
    rng = random.Random(1)
    annex = " ".join(f"{rng.choice(WORDS)} {rng.randint(1, 99999)}" for _ in range(95_000))
    document = docx.Document()
    document.add_paragraph("Collective Agreement of Huge LLP for 2024-2026")
    document.add_paragraph("Section 1. Remuneration")
    document.add_paragraph("1.1. The Employer shall index wages annually not lower than the official inflation rate.")
    document.add_paragraph("1.2. The Employer shall pay overtime at not less than double the rate. " + annex)
    path = tmp_path_factory.mktemp("huge") / "huge.docx"
    document.save(path)
    return path


def test_show_reads_a_huge_clause_in_bounded_time_and_keeps_its_text(huge_docx):
    # In a process of its own, so a reader that never ends fails the test instead of hanging it.
    result = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "show", str(huge_docx), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    agreement = json.loads(result.stdout)
    clauses = {c["number"]: c for c in agreement["clauses"]}
    assert len(clauses["1.2"]["text"]) > 1_000_000
    assert any(w.startswith("clause 1.2: 1,2") and "first 20,000 only" for w in agreement["warnings"])
    assert {n["parameter"] for n in clauses["1.2"]["norms"]} >= {"premium_pay.overtime"}
    assert clauses["1.1"]["norms"][0]["parameter"] == "wage_indexation.rate"


def test_check_and_ingest_of_a_huge_clause_finish(runner, huge_docx, tmp_path):
    checked = runner.invoke(cli, ["check", str(huge_docx), "--against", "general-agreement", "--fail-on", "never"])
    assert checked.exit_code == 0, checked.output
    db = tmp_path / "k.db"
    stored = runner.invoke(cli, ["ingest", str(huge_docx), "--db", str(db)])
    assert stored.exit_code == 0, stored.output
    import sqlite3

    lengths = sorted(len(t) for (t,) in sqlite3.connect(db).execute("SELECT text FROM clauses"))
    assert lengths[-1] > 1_000_000
