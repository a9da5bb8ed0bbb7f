"""The archive on the agreement page (issue 17 in the workspace): the chain above an agreement as
``pipeline.archive.chain`` resolves it, its versions, the files of its text, its last audit."""

from __future__ import annotations

import re
import shutil

import pytest
from web_corpus import REPO, wait_for_task

from pipeline.archive.chain import chain_for


def _id_of(client, title_words: str) -> str:
    listing = client.get("/agreements").text
    return re.search(rf'href="/agreements/(ag_\w+)">[^<]*{title_words}', listing).group(1)


def _chain_rows(page: str) -> dict[str, str]:
    """The chain table of an agreement page: each row's class, level and cell, by level."""
    section = re.search(r'<section class="chain">(.*?)</section>', page, re.S).group(1)
    return {level: (state, cell) for state, level, cell in
            re.findall(r'<tr class="(\w+)" data-level="(\w+)">(.*?)</tr>', section, re.S)}  # fmt: skip


def _links(cell: str) -> list[str]:
    return re.findall(r'href="/agreements/(ag_\w+)"', cell)


def test_the_chain_on_the_page_is_the_archive_chain_level_by_level(client, web_db):
    kazmetall = _id_of(client, "Kazmetall JSC for 2024")
    rows = _chain_rows(client.get(f"/agreements/{kazmetall}", headers={"accept-language": "en"}).text)
    _, chain = chain_for(kazmetall, db=web_db)
    assert list(rows) == [link.level for link in chain.links]
    for link in chain.links:
        state, cell = rows[link.level]
        assert state == ("resolved" if link.resolved else "unresolved")
        if link.level != "labour_code":
            assert _links(cell) == ([link.agreement] if link.resolved else list(link.candidates))


def test_a_missing_level_and_competing_candidates_are_shown_as_such_never_picked(client):
    kazmetall = _id_of(client, "Kazmetall JSC for 2024")
    rows = _chain_rows(client.get(f"/agreements/{kazmetall}", headers={"accept-language": "en"}).text)
    # no General Agreement is stored in the web tests' database
    state, cell = rows["general"]
    assert state == "unresolved" and "no candidate is stored" in cell and not _links(cell)
    # two sectoral agreements of its sector overlap its term: both named, neither chosen
    state, cell = rows["sectoral"]
    sectorals = {_id_of(client, "Sectoral Agreement in the Mining"), _id_of(client, "Association of Ore Miners")}
    assert state == "unresolved" and "2 candidate(s)" in cell and set(_links(cell)) == sectorals
    # the regional agreement of Karaganda is the one candidate: chosen, and linked
    state, cell = rows["regional"]
    assert state == "resolved" and _links(cell) == [_id_of(client, "Regional Agreement of the Karaganda")]
    state, cell = rows["labour_code"]
    assert state == "resolved" and "Labour Code of the Republic of Kazakhstan" in cell


def test_the_chain_is_named_in_russian_too(client):
    kazmetall = _id_of(client, "Kazmetall JSC for 2024")
    page = client.get(f"/agreements/{kazmetall}", headers={"accept-language": "ru"}).text
    rows = _chain_rows(page)
    assert "Цепочка соглашений" in page
    assert "кандидатов: 2" in rows["sectoral"][1] and "нет сохранённых кандидатов" in rows["general"][1]
    assert "Трудовой кодекс" in rows["labour_code"][1]


def test_versions_link_to_the_previous_and_the_next(client):
    old, new = _id_of(client, "Kazmetall JSC for 2021"), _id_of(client, "Kazmetall JSC for 2024")
    old_page = client.get(f"/agreements/{old}", headers={"accept-language": "en"}).text
    new_page = client.get(f"/agreements/{new}", headers={"accept-language": "en"}).text
    assert re.search(rf'rel="next" class="next-version" href="/agreements/{new}"', old_page)
    assert 'rel="prev"' not in old_page
    assert re.search(rf'rel="prev" class="previous-version" href="/agreements/{old}"', new_page)
    assert 'class="next-version"' not in new_page
    medcentre = client.get(f"/agreements/{_id_of(client, 'Городской медицинский центр')}", headers={"accept-language": "en"})
    assert "No other version of this agreement is stored." in medcentre.text


def test_the_pdf_and_the_docx_of_one_text_are_one_agreement_with_both_files(client):
    kazmetall = _id_of(client, "Kazmetall JSC for 2024")
    assert client.get("/agreements").text.count(f'href="/agreements/{kazmetall}"') == 1
    page = client.get(f"/agreements/{kazmetall}").text
    files = re.search(r'<ul class="files">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>([\w.-]+)", files) == ["kazmetall-2024.pdf", "kazmetall-2024.docx"]
    pdf, docx = (client.get(f"/agreements/{kazmetall}/file/{n}") for n in (1, 2))
    assert pdf.content == (REPO / "corpora/samples/kazmetall-2024.pdf").read_bytes()
    assert docx.content == (REPO / "corpora/samples/kazmetall-2024.docx").read_bytes()
    assert 'filename="kazmetall-2024.docx"' in docx.headers["content-disposition"]
    assert client.get(f"/agreements/{kazmetall}/file/3").status_code == 404
    assert client.get(f"/agreements/{kazmetall}/file/0").status_code == 404


@pytest.fixture
def audited(web_db, tmp_path):
    """A copy of the web database whose mining agreements were audited (``kelisim audit --sector``)."""
    from pipeline.archive.audit import audit

    db = tmp_path / "audited.db"
    shutil.copy(web_db, db)
    return db, audit(db, sector="mining_metallurgy")


def test_the_last_audit_is_shown_when_one_was_stored(audited, tmp_path):
    from starlette.testclient import TestClient

    from pipeline.web import Settings, create_app

    db, result = audited
    with TestClient(create_app(Settings(db=db, data_dir=tmp_path / "web"))) as client:
        kazmetall = _id_of(client, "Kazmetall JSC for 2024")
        row = result.rows[kazmetall]
        assert row.status == "high" and row.counts["high"] > 0
        page = client.get(f"/agreements/{kazmetall}", headers={"accept-language": "en"}).text
        audit = re.search(r'<dd class="audit">(.*?)</dd>', page, re.S).group(1)
        assert "highest severity high" in audit and row.audited_at in audit
        assert re.search(rf"high {row.counts['high']}\b", audit)
        russian = client.get(f"/agreements/{kazmetall}", headers={"accept-language": "ru"}).text
        assert "наибольшая важность — высокая" in russian
        # an agreement outside the audit's scope was never audited
        medcentre = client.get(f"/agreements/{_id_of(client, 'Городской медицинский центр')}",
                               headers={"accept-language": "en"}).text  # fmt: skip
        assert "not audited yet" in re.search(r'<dd class="audit">(.*?)</dd>', medcentre, re.S).group(1)


def test_expiring_lists_what_the_renewal_calendar_lists_with_chain_and_audit(audited, tmp_path):
    from datetime import date

    from starlette.testclient import TestClient

    from pipeline.archive.calendar import expiring
    from pipeline.web import Settings, create_app

    db, result = audited
    expected = expiring(db, within=(3, "m"), on=date(2026, 11, 15))
    with TestClient(create_app(Settings(db=db, data_dir=tmp_path / "web"))) as client:
        page = client.get("/expiring", params={"within": "3m", "on": "2026-11-15"}, headers={"accept-language": "en"}).text
        kazmetall = _id_of(client, "Kazmetall JSC for 2024")
        medcentre = _id_of(client, "Городской медицинский центр")
    rows = dict(re.findall(r'<tr data-agreement="(ag_\w+)">(.*?)</tr>', page, re.S))
    assert list(rows) == [item.record.id for item in expected] and kazmetall in rows
    assert medcentre not in rows  # it ends on 2027-02-28
    assert "between 2026-11-15 and 2027-02-15" in page
    assert "highest severity high" in rows[kazmetall] and result.rows[kazmetall].audited_at in rows[kazmetall]
    assert re.search(r"not chosen: general, sectoral", rows[kazmetall])
    regional = _id_of_row(rows, "Regional Agreement of the Karaganda")
    assert "not audited yet" in rows[regional]


def _id_of_row(rows: dict[str, str], title_words: str) -> str:
    return next(agreement for agreement, row in rows.items() if title_words in row)


def test_expiring_as_a_calendar_file(client):
    import icalendar

    response = client.get("/expiring.ics", params={"within": "1y", "on": "2026-06-01"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert 'filename="kelisim-expiring.ics"' in response.headers["content-disposition"]
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    page = client.get("/expiring", params={"within": "1y", "on": "2026-06-01"}).text
    listed = re.findall(r'<tr data-agreement="(ag_\w+)">', page)
    assert listed and [str(e["uid"]).split("-")[0] for e in events] == listed
    # the reminder is as far ahead of the end as the term asked for: 2026-06-01 + 1 year = 365 days
    assert {e.walk("VALARM")[0]["trigger"].dt.days for e in events} == {-365}


@pytest.mark.parametrize("params", [{"within": "soon"}, {"on": "2026-13-01"}, {"within": "99999y"}])
def test_expiring_with_a_term_or_day_that_is_not_one_says_so(client, params):
    for url in ("/expiring", "/expiring.ics"):
        response = client.get(url, params=params, headers={"accept-language": "en"})
        assert response.status_code == 400 and 'class="error"' in response.text




def test_a_stored_agreement_checked_against_its_chain_names_the_competing_candidates(client):
    kazmetall = _id_of(client, "Kazmetall JSC for 2024")
    response = client.post("/check", data={"mode": "check", "against": "chain", "stored": kazmetall},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    page = wait_for_task(client, response.headers["location"])
    assert '<section id="summary">' in page
    findings = client.get(response.headers["location"] + "/findings.json").json()["findings"]
    unresolved = {f["level"]: f for f in findings if f["kind"] == "unresolved"}
    assert set(unresolved) == {"general", "sectoral"}  # none stored; two candidates
    sectorals = {_id_of(client, "Sectoral Agreement in the Mining"), _id_of(client, "Association of Ore Miners")}
    assert set(unresolved["sectoral"]["reference"].split(", ")) == sectorals
    regional = _id_of(client, "Regional Agreement of the Karaganda")
    assert {f["reference"] for f in findings if f["level"] == "regional"} == {regional}
    assert not any(f["reference"] in sectorals for f in findings)  # neither candidate was checked against


def test_uploads_are_not_checked_against_a_chain(client):
    sample = REPO / "corpora/samples/kazmetall-2024.docx"
    response = client.post("/check", data={"mode": "check", "against": "chain"}, headers={"accept-language": "en"},
                           files=[("files", (sample.name, sample.read_bytes()))])  # fmt: skip
    assert response.status_code == 400 and "choose stored agreements" in response.text
