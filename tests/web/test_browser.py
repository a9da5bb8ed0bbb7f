"""The workspace in a real browser: Debian's chromium driven by Playwright (never its own download).

Skipped, with the reason shown, where chromium or Playwright is absent (``.ci/run`` installs
chromium). Screenshots of the main pages at 1280 and 390 px go to ``out/screenshots/``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
from web_corpus import REPO, SCRIPT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "out" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_db, tmp_path_factory):
    import uvicorn

    from pipeline.web import Settings, create_app

    settings = Settings(db=web_db, data_dir=tmp_path_factory.mktemp("browser-web"))
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=label == "phone")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_search_with_filters(page, server):
    page.goto(server + "/")
    page.fill("input[name=q]", "wage")
    page.click("form.search button")
    total = int(re.search(r"\d+", page.inner_text("p.total")).group(0))
    page.click("a[data-facet=level][data-value=collective]")
    page.wait_for_load_state()
    filtered = int(re.search(r"\d+", page.inner_text("p.total")).group(0))
    assert 0 < filtered < total
    assert "level=collective" in page.url and "q=wage" in page.url
    assert page.locator(".chip").count() == 1
    assert page.locator(".hit mark").count() > 0
    _shoot(page, "search")
    page.click(".chip")
    assert "level=" not in page.url


def test_open_an_agreement_at_its_clause(page, server):
    page.goto(server + "/?q=indexation")
    link = page.locator("a.clause-link").first
    number = link.inner_text().split()[-1]
    link.click()
    page.wait_for_load_state()
    assert "/agreements/ag_" in page.url
    target = page.locator(".clause:target")
    assert target.count() == 1 and number in target.locator(".number").inner_text()
    page.locator("details.evidence summary").first.click()
    assert page.locator("details.evidence[open] li").first.is_visible()
    _shoot(page, "agreement")


def test_upload_a_file_and_read_its_findings(page, server):
    page.goto(server + "/check")
    page.set_input_files("input[name=files]", str(REPO / "corpora/samples/kazmetall-2024.docx"))
    page.locator("form.panel").first.locator("button").click()
    page.wait_for_selector("#summary", timeout=120_000)
    findings = page.locator("article.finding").count()
    assert findings > 0
    page.select_option("select[name=severity]", "high")
    with page.expect_navigation():
        page.click("form.filters button")
    page.wait_for_selector("article.finding")
    high = page.locator("article.finding").count()
    assert 0 < high <= findings and page.locator("article.finding.medium").count() == 0
    _shoot(page, "findings")
    with page.expect_download() as download:
        page.click("text=CSV")
    assert download.value.suggested_filename.endswith(".csv")


def test_switch_language(page, server):
    page.goto(server + "/agreements")
    assert page.locator("h1").inner_text() == "Stored agreements"
    page.click("a[hreflang=ru]")
    assert page.locator("h1").inner_text() == "Сохранённые соглашения"
    assert page.url.endswith("/agreements")
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.click("a[hreflang=en]")
    assert page.locator("html").get_attribute("lang") == "en"


def test_script_in_a_clause_is_text_and_never_runs(page, server):
    page.goto(server + "/?q=alert+kelisim")
    assert SCRIPT in page.inner_text(".hits")
    page.click("a.clause-link")
    page.wait_for_load_state()
    assert SCRIPT in page.inner_text(".clause:target .clause-text")
    assert page.dialogs == []
    assert page.locator("script").count() == 0


def test_an_agreement_in_the_archive_and_the_renewal_calendar(page, server):
    page.goto(server + "/agreements")
    page.click("text=Collective Agreement of Kazmetall JSC for 2024-2026")
    page.wait_for_load_state()
    sectoral = page.locator('.chain tr[data-level="sectoral"]')
    assert "not chosen: 2 candidate(s)" in sectoral.inner_text() and sectoral.locator("li a").count() == 2
    assert page.locator('.chain tr[data-level="regional"].resolved a').count() == 1
    _shoot(page, "agreement-archive")
    page.click("a.previous-version")
    assert page.locator("h1").inner_text() == "Collective Agreement of Kazmetall JSC for 2021-2023"
    page.click("header.top >> text=Expiring")
    page.fill("input[name=within]", "1y")
    page.fill("input[name=on]", "2026-06-01")
    page.click(".expiring-form button")
    page.wait_for_load_state()
    assert "within=1y" in page.url and page.locator("table.expiring tbody tr").count() > 0
    _shoot(page, "expiring")
    with page.expect_download() as download:
        page.click("a.ics")
    assert download.value.suggested_filename == "kelisim-expiring.ics"
