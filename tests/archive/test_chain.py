"""Which agreement applies to which: chains resolved from stored metadata (issue 17, item 1)."""

from __future__ import annotations

import json

import pytest
from archive_files import SAMPLES, stored_id
from click.testing import CliRunner

from pipeline.archive.chain import resolve, unresolved_findings
from pipeline.archive.records import Record, records
from pipeline.cli import cli
from pipeline.compliance.references import LABOUR_CODE_ID
from pipeline.store import database


def _stored(db) -> list[Record]:
    conn = database.connect(db, read_only=True)
    try:
        return records(conn)
    finally:
        conn.close()


def _record(id, level, *, sector=None, region=None, start="2024-01-01", end="2026-12-31", language="en", **kw):
    return Record(id=id, title=kw.pop("title", id), level=level, language=language, parties=kw.pop("parties", ()),
                  sector=sector, region=region, valid_from=start, valid_to=end, **kw)  # fmt: skip


def test_chain_of_a_collective_agreement_names_every_level_above_it(samples_db):
    stored = _stored(samples_db)
    by_title = {r.title: r.id for r in stored}
    target = next(r for r in stored if r.id == stored_id(samples_db, "kazmetall-2024.pdf"))
    chain = resolve(target, stored)
    assert [(link.level, link.agreement) for link in chain.links] == [
        ("general", by_title["General Agreement"]),
        ("sectoral", by_title["Sectoral Agreement in the Mining and Metallurgical Industry for 2024-2026"]),
        ("regional", by_title["Regional Agreement of the Karaganda Region for 2024-2026"]),
        ("labour_code", LABOUR_CODE_ID),
    ]
    assert chain.resolved


def test_chain_with_no_agreement_of_a_level_is_unresolved_not_skipped(samples_db):
    stored = _stored(samples_db)
    medcentre = next(r for r in stored if r.id == stored_id(samples_db, "medcentre-2024.pdf"))
    chain = resolve(medcentre, stored)
    (regional,) = [link for link in chain.links if link.level == "regional"]
    assert not regional.resolved and regional.candidates == ()
    assert "no regional agreement of region Almaty" in regional.note
    (finding,) = unresolved_findings(chain, medcentre)
    assert finding.kind == "unresolved" and finding.level == "regional" and finding.reference == "none"


def test_chain_before_any_stored_general_agreement_is_unresolved(samples_db):
    stored = _stored(samples_db)
    old = next(r for r in stored if r.id == stored_id(samples_db, "kazmetall-2021.pdf"))
    general = resolve(old, stored).links[0]
    assert general.level == "general" and not general.resolved
    assert "in force on 2021-01-01" in general.note


def test_two_competing_sectoral_agreements_are_named_and_none_is_picked():
    target = _record("ag_target", "collective", sector="energy", region="Pavlodar", start="2025-01-01", end="2027-12-31")
    old = _record("ag_energy_old", "sectoral", sector="energy", start="2023-01-01", end="2025-12-31")
    new = _record("ag_energy_new", "sectoral", sector="energy", start="2025-07-01", end="2028-06-30")
    other = _record("ag_mining", "sectoral", sector="mining_metallurgy")
    chain = resolve(target, [target, old, new, other])
    (sectoral,) = [link for link in chain.links if link.level == "sectoral"]
    assert sectoral.agreement is None
    assert set(sectoral.candidates) == {"ag_energy_old", "ag_energy_new"}
    findings = unresolved_findings(chain, target)
    (competing,) = [f for f in findings if f.level == "sectoral"]
    assert competing.reference == "ag_energy_old, ag_energy_new" and "2 sectoral agreements" in competing.explanation


def test_missing_metadata_leaves_the_level_unresolved_with_its_candidates():
    mining = _record("ag_mining", "sectoral", sector="mining_metallurgy")
    general = _record("ag_general", "general")
    no_sector = _record("ag_target", "collective", region="Karaganda")
    chain = resolve(no_sector, [general, mining])
    assert chain.links[0].agreement == "ag_general"
    sectoral = chain.links[1]
    assert sectoral.level == "sectoral" and sectoral.candidates == ("ag_mining",)
    assert sectoral.note == "its sector is not known"
    no_dates = _record("ag_target", "collective", sector="mining_metallurgy", start=None, end=None)
    assert [link.note for link in resolve(no_dates, [general, mining]).links[:2]] == [
        "its start date is not known",
        "its term is not known",
    ]
    undated_candidate = _record("ag_mining_undated", "sectoral", sector="mining_metallurgy", start=None, end=None)
    target = _record("ag_target", "collective", sector="mining_metallurgy", region="Karaganda")
    link = resolve(target, [general, mining, undated_candidate]).links[1]
    assert link.agreement is None and set(link.candidates) == {"ag_mining", "ag_mining_undated"}
    unknown_level = resolve(_record("ag_x", None), [general])
    assert [(link.level, link.resolved) for link in unknown_level.links] == [("level", False), ("labour_code", True)]


def test_one_agreement_in_two_languages_is_one_candidate_in_the_targets_language():
    ru = _record("ag_health_ru", "sectoral", sector="healthcare", language="ru")
    kk = _record("ag_health_kk", "sectoral", sector="healthcare", language="kk")
    target = _record("ag_clinic", "collective", sector="healthcare", region="Almaty", language="kk")
    link = resolve(target, [ru, kk]).links[1]
    assert link.agreement == "ag_health_kk" and "also ag_health_ru (ru)" in link.note


def test_a_regional_agreement_has_no_sectoral_level_above_it():
    regional = _record("ag_region", "regional", region="Karaganda")
    chain = resolve(regional, [_record("ag_general", "general"), _record("ag_mining", "sectoral", sector="mining")])
    assert [link.level for link in chain.links] == ["general", "labour_code"]


def test_check_against_chain_names_the_level_of_every_finding(samples_db):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["check", str(SAMPLES / "medcentre-2024.pdf"), "--against", "chain", "--db", str(samples_db),
              "--format", "json", "--all"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # high findings, as for any check
    data = json.loads(result.stdout)
    levels = {f["level"] for f in data["findings"]}
    assert levels == {"general", "sectoral", "regional", "labour_code"}
    unresolved = [f for f in data["findings"] if f["kind"] == "unresolved"]
    assert [f["level"] for f in unresolved] == ["regional"]
    # every guarantee of every level gets its one verdict
    assert data["summary"]["guarantees"] == sum(1 for f in data["findings"] if f["kind"] != "unresolved")
    sectoral = {f["reference"] for f in data["findings"] if f["level"] == "sectoral"}
    assert sectoral == {stored_id(samples_db, "sectoral-healthcare-2024.pdf")}


def test_html_report_of_a_check_against_chain_names_each_findings_level(samples_db, tmp_path):
    """Each finding's card says which level of the chain it comes from, in its badges and on its reference side."""
    import re

    out = tmp_path / "chain.html"
    args = ["check", str(SAMPLES / "medcentre-2024.pdf"), "--against", "chain", "--db", str(samples_db)]
    CliRunner().invoke(cli, [*args, "--format", "html", "-o", str(out)])
    data = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    cards = re.findall(r'<article class="finding.*?</article>', out.read_text(encoding="utf-8"), re.S)
    names = {"general": "General Agreement", "sectoral": "sectoral agreement", "regional": "regional agreement",
             "labour_code": "Labour Code"}  # fmt: skip
    assert len(cards) == len(data["findings"]) and {f["level"] for f in data["findings"]} >= {"general", "sectoral"}
    for card, finding in zip(cards, data["findings"], strict=True):
        name = names[finding["level"]]
        assert f'<span class="badge level">from the {name}</span>' in card
        assert f"Reference ({name}):" in card
    single = tmp_path / "single.html"
    CliRunner().invoke(cli, ["check", str(SAMPLES / "medcentre-2024.pdf"), "--against", "general-agreement",
                             "--format", "html", "-o", str(single)])  # fmt: skip
    assert '<article class="finding' in single.read_text(encoding="utf-8") and 'class="badge level"' not in single.read_text(encoding="utf-8")


def test_chain_command_prints_the_chain_and_check_against_chain_needs_a_database(samples_db, tmp_path):
    runner = CliRunner()
    shown = runner.invoke(cli, ["chain", stored_id(samples_db, "medcentre-2024.pdf"), "--db", str(samples_db)])
    assert shown.exit_code == 0, shown.output
    assert "regional     unresolved: no regional agreement of region Almaty" in shown.output
    assert "sectoral     " + stored_id(samples_db, "sectoral-healthcare-2024.pdf") in shown.output
    missing = runner.invoke(cli, ["check", str(SAMPLES / "kazmetall-2024.pdf"), "--against", "chain",
                                  "--db", str(tmp_path / "none.db")])  # fmt: skip
    assert missing.exit_code == 3 and "no clause database" in missing.output


@pytest.mark.parametrize("name", ["kazmetall-2024.pdf", "kazmetall-2024.docx"])
def test_a_file_whose_text_is_stored_gets_the_stored_agreements_chain(samples_db, name):
    result = CliRunner().invoke(cli, ["chain", str(SAMPLES / name), "--db", str(samples_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["agreement"] == stored_id(samples_db, name)
