"""The workspace's pages through Starlette's test client: search, agreements, checks, language, safety."""

from __future__ import annotations

import base64
import html
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from markupsafe import escape
from web_corpus import REPO, SCRIPT, wait_for_task

from pipeline.store.query import FACETS
from pipeline.web import Settings, create_app, i18n, library


def _hits(page: str) -> list[str]:
    return re.findall(r'class="clause-link" href="([^"]+)"', page)


def _total(page: str) -> int:
    return int(re.search(r'<p class="total">\D*(\d+)', page).group(1))


def test_search_shows_highlighted_hits_with_links_to_the_clause(client):
    page = client.get("/", params={"q": "wage indexation"}).text
    links = _hits(page)
    assert links and all(re.fullmatch(r"/agreements/ag_\w+#c-[\w.~¶-]+", link) for link in links)
    assert "<mark>" in page


def test_search_filters_combine_and_facet_counts_match_the_results(client):
    everything = client.get("/", params={"q": "wage"}).text
    level_counts = dict(re.findall(r'data-facet="level" data-value="(\w+)">[^<]*</a> <span class="count">(\d+)', everything))
    assert int(level_counts["collective"]) < _total(everything)
    only_collective = client.get("/", params={"q": "wage", "level": "collective"}).text
    assert _total(only_collective) == int(level_counts["collective"])
    years = dict(re.findall(r'data-facet="year" data-value="(\d+)">[^<]*</a> <span class="count">(\d+)', only_collective))
    year, count = next(iter(years.items()))
    both = client.get("/", params={"q": "wage", "level": "collective", "year": year}).text
    assert _total(both) == int(count)
    # the facet link keeps the query and the other filter: the URL is the whole state
    link = re.search(rf'href="([^"]+)" data-facet="year" data-value="{year}"', only_collective).group(1)
    state = parse_qs(urlparse(html.unescape(link)).query)
    assert state == {"q": ["wage"], "level": ["collective"], "year": [year]}


def test_search_pages_do_not_repeat_hits(client):
    first = client.get("/", params={"level": "collective"}).text
    second = client.get("/", params={"level": "collective", "page": 2}).text
    assert _total(first) > 20
    assert _hits(first) and _hits(second) and not set(_hits(first)) & set(_hits(second))
    assert 'rel="next"' in first and 'rel="prev"' in second


@pytest.mark.parametrize("text", ['text:x AND (', '"unbalanced', "((((", "NEAR(wage, 3)", "*", "\\"])
def test_a_query_is_never_backend_syntax(client, text):
    response = client.get("/", params={"q": text})
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.text


def test_a_bad_filter_is_one_line_on_the_page(client):
    response = client.get("/", params={"q": "wage", "topic": "no_such_topic"})
    assert response.status_code == 400
    assert "is not one of" in response.text


def test_script_in_a_clause_is_shown_as_text(client):
    page = client.get("/", params={"q": "alert kelisim"}).text
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page  # the hit is there, its tag as text
    agreement = _agreement_id(client, "Scriptor")
    body = client.get(f"/agreements/{agreement}").text
    assert SCRIPT not in body
    assert str(escape(SCRIPT)) in body
    assert "script-src" not in body  # no script of ours either: the CSP header forbids all
    assert "default-src 'none'" in client.get("/").headers["content-security-policy"]


def _agreement_id(client, title_word: str) -> str:
    listing = client.get("/agreements").text
    return re.search(rf'href="/agreements/(ag_\w+)">[^<]*{title_word}', listing).group(1)


def test_agreement_page_has_metadata_sections_clauses_and_the_original_file(client, web_db):
    agreement = _agreement_id(client, "Kazmetall JSC for 2024")
    page = client.get(f"/agreements/{agreement}").text
    assert 'id="c-' in page and 'class="section-heading"' in page and 'class="norms"' in page
    assert "<details class=\"evidence\">" in page
    download = client.get(f"/agreements/{agreement}/file")
    assert download.status_code == 200
    assert download.content == (REPO / "corpora/samples/kazmetall-2024.pdf").read_bytes()
    assert f'name="agreement" value="{agreement}"' in page  # its own search box
    within = client.get("/", params={"q": "wages", "agreement": agreement}).text
    assert _hits(within) and all(link.startswith(f"/agreements/{agreement}#") for link in _hits(within))


def test_unknown_agreement_is_404_and_no_file_outside_the_database_is_served(client):
    assert client.get("/agreements/ag_000000000000").status_code == 404
    assert client.get("/agreements/..%2F..%2Fetc%2Fpasswd/file").status_code == 404
    assert client.get("/static/..%2Fapp.py").status_code == 404




def test_upload_is_checked_and_stored_and_its_findings_filter_and_export(client, settings):
    sample = REPO / "corpora/samples/medcentre-2024.docx"
    response = client.post(
        "/check", data={"mode": "check", "against": "general-agreement"},
        files=[("files", ("../../../evil name.docx", sample.read_bytes(), "application/pdf"))],
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    location = response.headers["location"]
    page = wait_for_task(client, location)
    assert page.count('<article class="finding') > 0
    # the report's own template: the same summary section as kelisim check --format html
    assert '<section id="summary">' in page and 'class="sides"' in page
    high = client.get(location, params={"severity": "high"}).text
    assert 0 < high.count('<article class="finding') <= page.count('<article class="finding')
    assert 'class="finding high"' in high and 'class="finding medium"' not in high
    rows = client.get(f"{location}/findings.csv", params={"severity": "high"}).text.strip().splitlines()
    assert rows[0].startswith("kind,severity") and len(rows) - 1 == high.count('<article class="finding')
    data = client.get(f"{location}/findings.json").json()
    assert len(data["findings"]) == page.count('<article class="finding')
    saved = list((settings.data_dir / "uploads").rglob("*.docx"))
    assert [p.name for p in saved] == ["evil_name.docx"]
    assert all(p.resolve().is_relative_to(settings.data_dir.resolve()) for p in saved)
    conn = sqlite3.connect(settings.db)
    try:
        paths = [r[0] for r in conn.execute("SELECT path FROM sources")]
    finally:
        conn.close()
    assert str(saved[0].resolve()) in paths


def test_diff_of_two_stored_versions(client):
    old, new = _agreement_id(client, "Kazmetall JSC for 2021"), _agreement_id(client, "Kazmetall JSC for 2024")
    response = client.post("/check", data={"mode": "diff", "old": old, "new": new}, follow_redirects=False)
    page = wait_for_task(client, response.headers["location"])
    assert "Old version" in page and page.count('<article class="finding') > 0


def test_diff_of_two_uploaded_versions(client):
    old, new = (REPO / "corpora/samples/kazmetall-2021.docx"), (REPO / "corpora/samples/kazmetall-2024.docx")
    response = client.post("/check", data={"mode": "diff"}, follow_redirects=False,
                           files=[("old_file", (old.name, old.read_bytes())), ("new_file", (new.name, new.read_bytes()))])  # fmt: skip
    page = wait_for_task(client, response.headers["location"])
    assert "Old version" in page and 'class="finding high"' in page


@pytest.mark.parametrize(
    "content, reason",
    [(b"just some text, not a document", "unsupported format"), (b"x" * (2 * 1024 * 1024), "larger than 1 MB")],
)
def test_uploads_refused_by_content_or_size(web_db, tmp_path, content, reason):
    from starlette.testclient import TestClient

    settings = Settings(db=web_db, data_dir=tmp_path / "web", max_upload_bytes=1024 * 1024)
    with TestClient(create_app(settings)) as client:
        response = client.post("/check", data={"mode": "check", "against": "general-agreement"},
                               files=[("files", ("agreement.pdf", content, "application/pdf"))])  # fmt: skip
    assert response.status_code == 400 and reason in response.text
    assert not list((tmp_path / "web").rglob("*.pdf"))


def test_read_only_workspace_checks_uploads_without_storing_them(web_db, tmp_path):
    from starlette.testclient import TestClient

    before = (web_db.stat().st_mtime_ns, _count(web_db))
    settings = Settings(db=web_db, data_dir=tmp_path / "web", read_only=True)
    with TestClient(create_app(settings)) as client:
        assert "read-only" in client.get("/check", headers={"accept-language": "en"}).text
        response = client.post("/check", data={"mode": "check", "against": "labour-code"},
                               files=[("files", ("a.docx", (REPO / "corpora/samples/kazmetall-2021.docx").read_bytes()))],
                               follow_redirects=False)  # fmt: skip
        page = wait_for_task(client, response.headers["location"])
    assert '<section id="summary">' in page
    assert (web_db.stat().st_mtime_ns, _count(web_db)) == before
    assert not (tmp_path / "web" / "uploads").exists()


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM agreements").fetchone()[0]
    finally:
        conn.close()


def test_language_from_accept_language_and_the_switch(client):
    assert "Найти" in client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"}).text
    english = client.get("/", headers={"accept-language": "en-GB,en;q=0.9,ru;q=0.5"}).text
    assert "Search" in english and 'lang="en"' in english
    kazakh = client.get("/", headers={"accept-language": "kk-KZ"}).text
    assert "Қош келдіңіз" in kazakh and 'lang="ru"' in kazakh
    switched = client.get("/lang/en", params={"next": "/agreements"}, headers={"accept-language": "ru"})
    assert switched.url.path == "/agreements" and "Stored agreements" in switched.text
    assert client.get("/lang/ru", params={"next": "//evil.example/"}, follow_redirects=False).headers["location"] == "/"


def test_every_message_exists_in_both_languages_and_names_every_topic_and_sector():
    from schemas.taxonomy import taxonomy

    messages = i18n.messages()
    assert set(messages["en"]) == set(messages["ru"])
    for language in ("en", "ru"):
        assert set(messages[language]["levels"]) == set(taxonomy().levels)
        assert set(messages[language]["modalities"]) == set(taxonomy().modalities)
        assert set(messages[language]["languages"]) == set(taxonomy().languages)
        assert set(messages[language]["topics"]) == set(taxonomy().topics)
        assert set(messages[language]["sectors"]) == set(taxonomy().sectors)


def test_every_facet_has_a_name_and_languages_are_named_as_stored():
    for language in ("en", "ru"):
        t = i18n.Translator(language)
        assert all(t("facet_" + name) for name in (*FACETS, "language"))
    assert i18n.Translator("en").facet_value("language", "kk+ru") == "Kazakh + Russian"
    assert i18n.Translator("ru").facet_value("language", "kk") == "казахский"
    assert i18n.Translator("en").facet_value("region", "Karaganda") == "Karaganda"


def test_search_json_is_the_search_page_as_data(client):
    params = {"q": "wage", "level": "collective", "page": 2}
    data = client.get("/search.json", params=params).json()
    page = client.get("/", params=params).text
    assert data["total"] == _total(page) > 20 and data["page"] == 2 and data["pages"] == -(-data["total"] // 20)
    anchors = [f"/agreements/{h['agreement']}#c-" + "_".join(h["number"].split()) for h in data["hits"]]
    assert anchors == [html.unescape(link) for link in _hits(page)]
    assert set(data["facets"]) == set(FACETS)
    shown = dict(re.findall(r'data-facet="level" data-value="(\w+)">[^<]*</a> <span class="count">(\d+)', page))
    assert {k: str(v) for k, v in data["facets"]["level"].items()} == shown
    bad = client.get("/search.json", params={"q": "wage", "topic": "no_such_topic"})
    assert bad.status_code == 400 and "is not one of" in bad.json()["error"]
    assert client.get("/search.json").status_code == 400  # nothing asked


def test_search_by_the_language_of_the_agreement(client, web_db):
    conn = library.connect(web_db)
    try:
        language = {a.id: a.language for a in library.list_agreements(conn)}
    finally:
        conn.close()
    listing = {"level": "collective"}  # every collective agreement's clauses: in English, Russian, both
    everything = client.get("/search.json", params=listing).json()
    counts = everything["facets"]["language"]
    assert set(counts) == {"en", "ru", "kk+ru"} and sum(counts.values()) == everything["total"]
    for value, count in counts.items():
        data = client.get("/search.json", params={**listing, "language": value}).json()
        assert data["total"] == count
        assert {language[h["agreement"]] for h in data["hits"]} == {value}
    page = client.get("/", params=listing, headers={"accept-language": "en"}).text
    assert re.search(r'data-facet="language" data-value="kk\+ru">Kazakh \+ Russian</a>', page)
    bad = client.get("/search.json", params={**listing, "language": "de"})
    assert bad.status_code == 400


def test_a_password_is_required_when_set(web_db, tmp_path):
    from starlette.testclient import TestClient

    settings = Settings(db=web_db, data_dir=tmp_path / "web", password="s3cret")
    with TestClient(create_app(settings)) as client:
        assert client.get("/").status_code == 401
        wrong = base64.b64encode(b"lawyer:guess").decode()
        assert client.get("/", headers={"authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode(b"lawyer:s3cret").decode()
        assert client.get("/", headers={"authorization": f"Basic {right}"}).status_code == 200
        assert client.get("/", headers={"authorization": "Bearer s3cret"}).status_code == 200


def test_a_check_with_nothing_to_check_says_so(client, settings):
    response = client.post("/check", data={"mode": "diff", "old": "ag_000000000000", "new": ""},
                           headers={"accept-language": "en"})  # fmt: skip
    assert response.status_code == 400 and "both versions" in response.text
    response = client.post("/check", data={"mode": "check", "against": "labour-code"}, headers={"accept-language": "en"})
    assert response.status_code == 400 and "Upload a file" in response.text
    assert not (settings.data_dir / "uploads").exists() or not any((settings.data_dir / "uploads").iterdir())


def test_a_form_posted_from_another_site_is_refused(client):
    response = client.post("/check", data={"mode": "check", "against": "labour-code"},
                           headers={"origin": "https://elsewhere.example"})  # fmt: skip
    assert response.status_code == 403


def test_serve_refuses_a_public_address_without_a_password(web_db, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    monkeypatch.delenv("KELISIM_WEB_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(web_db), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "KELISIM_WEB_PASSWORD" in result.output


def test_a_running_check_shows_progress_and_does_not_hold_up_searches(client):
    files = [("files", (p.name, p.read_bytes())) for p in sorted((REPO / "corpora/samples").glob("*-2024.docx"))]
    response = client.post("/check", data={"mode": "check", "against": "general-agreement"}, files=files,
                           follow_redirects=False)  # fmt: skip
    location = response.headers["location"]
    task = client.app.state.runner.tasks[location.rsplit("/", 1)[1]]
    deadline = time.monotonic() + 60
    while task.state == "waiting" and time.monotonic() < deadline:
        time.sleep(0.05)
    progress = client.get(location, headers={"accept-language": "en"}).text
    searched = client.get("/", params={"q": "wage"})
    still_running = task.state == "running"
    assert searched.status_code == 200 and _hits(searched.text)
    assert still_running, "the search waited for the whole check"
    assert 'http-equiv="refresh"' in progress and "Working" in progress
    assert '<section id="summary">' in wait_for_task(client, location)
