"""Versions of one agreement, and one text in two files (issue 17, item 2)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from archive_files import REPO, SAMPLES, stored_id
from click.testing import CliRunner

from pipeline.analyze import read_agreement
from pipeline.archive.records import Record, records
from pipeline.archive.versions import (
    agreement_fingerprint,
    clause_keys,
    fingerprint,
    near_same,
    version_chains,
)
from pipeline.cli import cli
from pipeline.store import database
from pipeline.store.load import ingest_paths

SOURCES = REPO / "corpora" / "src"


def _files(db, agreement_id):
    conn = database.connect(db, read_only=True)
    try:
        (record,) = records(conn, [agreement_id])
        return sorted(p.rsplit("/", 1)[-1] for p in record.files)
    finally:
        conn.close()


def test_the_pdf_and_the_docx_of_one_text_are_one_agreement_with_both_files(samples_db):
    conn = sqlite3.connect(samples_db)
    files = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    agreements = conn.execute("SELECT count(*) FROM agreements").fetchone()[0]
    # 12 samples and the General Agreement, each as PDF and DOCX; Energoservice's kk+ru text printed in
    # two columns and in a table is one agreement with four files
    assert (files, agreements) == (26, 12)
    kazmetall = stored_id(samples_db, "kazmetall-2024.pdf")
    assert kazmetall == stored_id(samples_db, "kazmetall-2024.docx")
    assert _files(samples_db, kazmetall) == ["kazmetall-2024.docx", "kazmetall-2024.pdf"]


def test_a_running_header_left_in_a_pdf_clause_is_still_the_same_text(samples_db):
    """The Kazakh medcentre PDF keeps its running header «Ұжымдық шарт 2024-2027» at the end of
    clause 4.2: the fingerprints differ, the near-same comparison joins the two files."""
    pdf = read_agreement(SAMPLES / "medcentre-2024-kk.pdf")
    docx = read_agreement(SAMPLES / "medcentre-2024-kk.docx")
    assert agreement_fingerprint(pdf) != agreement_fingerprint(docx)
    assert near_same(clause_keys(pdf), clause_keys(docx))
    assert stored_id(samples_db, "medcentre-2024-kk.pdf") == stored_id(samples_db, "medcentre-2024-kk.docx")


def test_the_printings_of_one_kkru_text_are_one_agreement_whichever_version_comes_first(samples_db, tmp_path):
    """Two columns, a table, or one text after the other with the Russian text first: one kk+ru text,
    stored as one agreement; the Kazakh version is read first whatever the printing's order."""
    energo = stored_id(samples_db, "energoservice-2025-kkru-table.pdf")
    assert _files(samples_db, energo) == sorted(f"energoservice-2025-kkru-{layout}.{suffix}"
                                                for layout in ("columns", "table") for suffix in ("docx", "pdf"))  # fmt: skip
    assert stored_id(samples_db, "medcentre-2024-kkru.pdf") == stored_id(samples_db, "medcentre-2024-kkru.docx")
    assert len({energo, stored_id(samples_db, "energoservice-2025.pdf"), stored_id(samples_db, "energoservice-2025-kk.pdf")}) == 3
    sequential = _russian_first_printing(tmp_path)
    read = read_agreement(sequential)
    assert read.language == "kk+ru" and read.clauses[0].language == "ru"
    table = read_agreement(SAMPLES / "energoservice-2025-kkru-table.pdf")
    assert agreement_fingerprint(read) == agreement_fingerprint(table) and near_same(clause_keys(read), clause_keys(table))
    db = tmp_path / "k.db"
    ingest_paths([SAMPLES / "energoservice-2025-kkru-table.pdf", sequential], db, update_index=False)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sources WHERE copy_of IS NOT NULL").fetchone()[0] == 1
    conn.close()


def _russian_first_printing(tmp_path) -> Path:
    """Energoservice's kk+ru text printed one version after the other, the Russian one first, built
    from the corpus sources as the bundled printings are."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("energoservice-2025", "energoservice-2025-kk"):
        (src / f"{name}.yaml").write_bytes((SOURCES / f"{name}.yaml").read_bytes())
    table = (SOURCES / "energoservice-2025-kkru-table.yaml").read_text(encoding="utf-8")
    sequential = (table.replace("doc_id: energoservice-2025-kkru-table", "doc_id: energoservice-2025-kkru-sequential")
                  .replace("  layout: table", "  layout: sequential")
                  .replace("[energoservice-2025-kk, energoservice-2025]", "[energoservice-2025, energoservice-2025-kk]"))  # fmt: skip
    assert sequential.count("sequential") == 2 and "[energoservice-2025, energoservice-2025-kk]" in sequential
    (src / "energoservice-2025-kkru-sequential.yaml").write_text(sequential, encoding="utf-8")
    out = tmp_path / "built"
    subprocess.run([sys.executable, str(REPO / "corpora" / "build.py"), "--src", str(src), "--out", str(out)],
                   check=True, capture_output=True)  # fmt: skip
    return out / "samples" / "energoservice-2025-kkru-sequential.pdf"


def test_a_version_that_changed_one_figure_is_not_the_same_text():
    docx = read_agreement(SAMPLES / "kazmetall-2024.docx")
    clauses = list(docx.clauses)
    index = next(i for i, c in enumerate(clauses) if c.norms)
    norm = clauses[index].norms[0]
    changed = clauses[index].model_copy(update={"norms": (norm.model_copy(update={"value": norm.value + 1}),)})
    clauses[index] = changed
    assert not near_same(clause_keys(docx), clause_keys(docx.model_copy(update={"clauses": tuple(clauses)})))


def test_texts_without_words_have_no_fingerprint():
    assert fingerprint([]) is None and fingerprint(["", " . "]) is None
    assert fingerprint(["Wages are paid twice a month."]) == fingerprint(["WAGES are paid\ntwice a month"])
    # the same words for another term are another agreement (a prolongation word for word)
    assert fingerprint(["Wages."], ("Agreement", "2021-01-01")) != fingerprint(["Wages."], ("Agreement", "2024-01-01"))


def test_a_changed_text_is_stored_as_an_agreement_of_its_own(tmp_path):
    db = tmp_path / "k.db"
    ingest_paths([SAMPLES / "kazmetall-2021.pdf", SAMPLES / "kazmetall-2024.docx"], db, update_index=False)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 2
    # ingesting the same files again stores nothing new; the PDF of 2024 joins its DOCX
    again = ingest_paths([SAMPLES / "kazmetall-2024.docx", SAMPLES / "kazmetall-2024.pdf"], db, update_index=False)
    assert [p.rsplit("/", 1)[-1] for p in again.ingested] == ["kazmetall-2024.pdf"]
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM sources WHERE copy_of IS NOT NULL").fetchone()[0] == 1


def test_successive_versions_are_linked_oldest_first(samples_db):
    old, new = stored_id(samples_db, "kazmetall-2021.pdf"), stored_id(samples_db, "kazmetall-2024.pdf")
    result = CliRunner().invoke(cli, ["versions", new, "--db", str(samples_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    chain = json.loads(result.stdout)
    assert [v["id"] for v in chain["versions"]] == [old, new]
    assert sorted(f.rsplit("/", 1)[-1] for f in chain["versions"][0]["files"]) == ["kazmetall-2021.docx", "kazmetall-2021.pdf"]
    text = CliRunner().invoke(cli, ["versions", new, "--db", str(samples_db)])
    assert text.output.splitlines()[0].startswith(f" 1. {old}  2021-01-01 .. 2023-12-31")
    unknown = CliRunner().invoke(cli, ["versions", "ag_000000000000", "--db", str(samples_db)])
    assert unknown.exit_code == 2


def _record(id, start, end, *, parties=("Kazmetall JSC", "Union"), title="Collective agreement", language="en"):
    return Record(id=id, title=title, level="collective", language=language, parties=parties,
                  sector="mining_metallurgy", region="Karaganda", valid_from=start, valid_to=end)  # fmt: skip


def test_versions_need_the_same_parties_language_and_following_terms():
    a = _record("a", "2018-01-01", "2020-12-31")
    b = _record("b", "2021-06-01", "2023-12-31")  # five months after a's end: bargaining ran late
    c = _record("c", "2026-01-01", "2028-12-31")  # two years after b's end: a new agreement
    other = _record("d", "2021-01-01", "2023-12-31", parties=("Other LLP", "Union"))
    kazakh = _record("e", "2021-01-01", "2023-12-31", language="kk")
    undated = _record("f", None, None)
    chains = {tuple(r.id for r in ch.versions): tuple(r.id for r in ch.undated) for ch in version_chains([c, b, a, other, kazakh, undated])}
    assert chains == {("a", "b"): (), ("c",): ("f",), ("d",): (), ("e",): ()}
    untitled_parties = [_record("g", "2018-01-01", "2020-12-31", parties=(), title="Agreement of X for 2018-2020"),
                        _record("h", "2021-01-01", "2023-12-31", parties=(), title="Agreement of X for 2021-2023")]  # fmt: skip
    assert [tuple(r.id for r in ch.versions) for ch in version_chains(untitled_parties)] == [("g", "h")]


def test_a_database_of_schema_2_gets_its_fingerprints_on_migration(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for script in database._MIGRATIONS[:2]:
        for statement in database._statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO sources (id, path, given_path, sha256, format, ingested_at) VALUES (1, 'k', 'k.pdf', 'x', 'pdf', '2026')")
    conn.execute("INSERT INTO agreements (id, source_id, clause_count) VALUES ('ag_old', 1, 1)")
    conn.execute("INSERT INTO clauses (id, agreement_id, position, number, text) VALUES ('ag_old:1', 'ag_old', 0, '1', 'Wages are paid twice a month.')")
    conn.close()
    migrated = database.connect(db)
    expected = fingerprint(["Wages are paid twice a month."], (None,) * 6 + ("title", None))  # no parties: the title
    assert migrated.execute("SELECT fingerprint FROM agreements").fetchone()[0] == expected
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    migrated.close()


def test_a_model_text_adopted_by_two_employers_is_two_agreements(tmp_path):
    kazmetall = read_agreement(SAMPLES / "kazmetall-2024.docx")
    other = kazmetall.model_copy(update={
        "id": "ag_0ther0employer", "parties": ("Other Steel LLP", "Trade union of Other Steel LLP"),
        "source": kazmetall.source.model_copy(update={"path": "other-steel.docx", "sha256": "0" * 64}),
    })  # fmt: skip
    conn = database.connect(tmp_path / "k.db")
    assert database.store_agreement(conn, kazmetall).copy_of is None
    assert database.store_agreement(conn, other).copy_of is None
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 2
    conn.close()


def test_without_parties_the_title_tells_two_agreements_of_one_model_text_apart(tmp_path):
    """Bug found by bench/archive.py: Kazakh agreements (no parties read) of two enterprises, whose
    clauses do not name the employer, were stored as one agreement with two files."""
    medcentre = read_agreement(SAMPLES / "medcentre-2024-kk.docx")
    assert medcentre.parties == ()
    other = medcentre.model_copy(update={
        "id": "ag_0ther0clinic", "title": medcentre.title.replace("Қалалық", "Облыстық"),
        "source": medcentre.source.model_copy(update={"path": "other-clinic.docx", "sha256": "1" * 64}),
    })  # fmt: skip
    conn = database.connect(tmp_path / "k.db")
    database.store_agreement(conn, medcentre)
    assert database.store_agreement(conn, other).copy_of is None
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 2
    conn.close()
