"""``kelisim audit``: every stored agreement against its chain and its previous version, incrementally
(issue 17, item 3)."""

from __future__ import annotations

import json
import sqlite3

from archive_files import GENERAL, SAMPLES, stored_id
from click.testing import CliRunner

from pipeline.analyze import read_agreement
from pipeline.archive.audit import audit
from pipeline.archive.chain import check_chain, higher, resolve
from pipeline.archive.records import records
from pipeline.cli import cli
from pipeline.store import database, load_agreement
from pipeline.store.load import ingest_paths


def _findings(result) -> list[tuple]:
    return sorted((f.agreement, f.kind, f.level, f.reference, f.reference_clause or "", f.clause or "", f.parameter or "")
                  for f in result.report.findings)  # fmt: skip


def test_audit_checks_every_agreement_and_the_next_audit_redoes_nothing(writable_db):
    first = audit(writable_db)
    assert len(first.scope) == 12 and len(first.redone) == 12
    kazmetall = stored_id(writable_db, "kazmetall-2024.pdf")
    mine = [f for f in first.report.findings if f.agreement == kazmetall]
    # against every level of its chain, and against its previous version (2021)
    assert {f.level for f in mine} == {"general", "sectoral", "regional", "previous_version"}
    # the Labour Code's floors are met (ok verdicts are counted, not stored)
    assert first.rows[kazmetall].chain["links"][-1]["level"] == "labour_code"
    assert first.rows[kazmetall].counts["ok"] > 0
    assert {f.reference for f in mine if f.level == "previous_version"} == {stored_id(writable_db, "kazmetall-2021.pdf")}
    second = audit(writable_db)
    assert second.redone == [] and second.up_to_date == 12
    assert _findings(second) == _findings(first)
    conn = sqlite3.connect(writable_db)
    assert conn.execute("SELECT count(*), count(DISTINCT status) > 1 FROM audits").fetchone() == (12, 1)


def test_an_agreement_stored_later_redoes_only_the_agreements_it_concerns(tmp_path):
    db = tmp_path / "k.db"
    first_batch = [p for p in SAMPLES.glob("*.pdf") if not p.name.startswith("sectoral-mining")]
    ingest_paths([*first_batch, GENERAL], db, update_index=False)
    before = audit(db)
    kazmetall = stored_id(db, "kazmetall-2024.pdf")
    (sectoral,) = [f for f in before.report.findings if f.agreement == kazmetall and f.level == "sectoral"]
    assert sectoral.kind == "unresolved"
    ingest_paths([SAMPLES / "sectoral-mining-2024.pdf"], db, update_index=False)
    after = audit(db)
    mining = stored_id(db, "sectoral-mining-2024.pdf")
    assert sorted(after.redone) == sorted([mining, kazmetall])  # the new one, and the one whose chain it joined
    now = {f.kind for f in after.report.findings if f.agreement == kazmetall and f.level == "sectoral"}
    assert "unresolved" not in now and now


def test_the_audit_of_a_kkru_agreement_finds_what_checking_its_file_finds(writable_db):
    """The audit reads the agreement back from the database: a kk+ru one is compared by its Russian text,
    its Kazakh twins beside, and the two texts' disagreement on annual leave (30 and 28 days) is found."""
    energo = stored_id(writable_db, "energoservice-2025-kkru-table.pdf")
    result = audit(writable_db)
    conn = database.connect(writable_db, read_only=True)
    try:
        stored = records(conn)
    finally:
        conn.close()
    (record,) = [r for r in stored if r.id == energo]
    from_file = read_agreement(record.files[0])  # the file its text was read from
    assert from_file.id == energo
    expected = check_chain(from_file, resolve(record, higher(stored)), lambda i: load_agreement(writable_db, i))
    kept = [f for f in expected.findings if f.kind != "ok"]
    assert {f.kind for f in kept} >= {"inconsistent", "lowered"} and any(f.parallel_text for f in kept)
    assert [f for f in result.report.findings if f.agreement == energo] == kept


def test_audit_in_parallel_gives_the_findings_of_one_worker(writable_db, tmp_path):
    import shutil

    other = tmp_path / "other.db"
    shutil.copy(writable_db, other)
    assert _findings(audit(writable_db, jobs=2)) == _findings(audit(other, jobs=1))


def test_audit_command_exit_status_scope_and_reports(writable_db, tmp_path):
    runner = CliRunner()
    text = runner.invoke(cli, ["audit", "--db", str(writable_db)])
    assert text.exit_code == 1, text.output  # high findings, as for check
    lines = text.output.splitlines()
    assert "Audit of 12 agreements (most high findings first)" in lines[0]
    assert "Audited again: 12; up to date since the last audit: 0" in text.output
    quiet = runner.invoke(cli, ["audit", "--db", str(writable_db), "--fail-on", "never", "--format", "json"])
    assert quiet.exit_code == 0
    data = json.loads(quiet.stdout)
    assert data["summary"]["audit"] == {"agreements": 12, "redone": 0, "up_to_date": 12}
    assert all(f["level"] for f in data["findings"]) and "ok" not in {f["kind"] for f in data["findings"]}
    healthcare = runner.invoke(cli, ["audit", "--db", str(writable_db), "--sector", "healthcare", "--format", "json",
                                     "--fail-on", "never"])  # fmt: skip
    # the sectoral and the clinic in ru, kk and kk+ru
    assert len(json.loads(healthcare.stdout)["summary"]["by_agreement"]) == 4
    html = tmp_path / "audit.html"
    runner.invoke(cli, ["audit", "--db", str(writable_db), "--format", "html", "-o", str(html)])
    assert "<html" in html.read_text(encoding="utf-8") and "Kazmetall" in html.read_text(encoding="utf-8")
    missing = runner.invoke(cli, ["audit", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 3 and "no clause database" in missing.output


def test_audit_since_takes_the_agreements_stored_on_or_after_the_date(writable_db):
    from datetime import date, timedelta

    today = date.today()
    assert len(audit(writable_db, since=today).scope) == 12  # stored by the session's fixture today
    later = audit(writable_db, since=today + timedelta(days=1))
    assert later.scope == [] and later.report.findings == ()
    assert [r.region for r in audit(writable_db, region="karaganda").scope] == ["Karaganda"] * 3  # Kazmetall 2021, 2024, the region


def test_stored_audits_are_read_for_the_agreements_asked_only(writable_db):
    """One page (an agreement's, the renewal calendar's) reads the audits of its own agreements,
    not those of the whole archive."""
    result = audit(writable_db)
    ids = sorted(result.rows)
    conn = database.connect(writable_db, read_only=True)
    try:
        every = database.load_audits(conn)
        some = database.load_audits(conn, [ids[0], ids[3], "not-stored"])
        none = database.load_audits(conn, [])
    finally:
        conn.close()
    assert sorted(every) == ids
    assert some == {ids[0]: every[ids[0]], ids[3]: every[ids[3]]}
    assert none == {}
