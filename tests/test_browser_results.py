"""The results page in real Chromium: its height before anything is expanded, no sideways
scrolling on a phone, headings in order and axe on the results, plan and report status pages.

Uses the demo municipality (`kompass demo` data) on a real server; screenshots go to
test-artifacts/screens/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from service.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import Server, free_port, server_env
from .test_browser import ARTIFACTS, browser, check

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared with test_browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_SCREENS = 8


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[Server]:
    """A real server over the demo municipality, background rendering off (it would compete)."""
    env = server_env(tmp_path, QUESTIONNAIRE_DIR, KOMPASS_PRERENDER_QUIET_S="0")
    settings = Settings(db=env["KOMPASS_DB"], data_dir=env["KOMPASS_DATA_DIR"])
    db = open_database(settings.db_path)
    migrate(db)
    create_demo(db, Catalog(QUESTIONNAIRE_DIR), settings)
    db.close()
    srv = Server(env, free_port())
    yield srv
    srv.stop()


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def heading_order(page: Page) -> list[str]:
    """axe's heading-order findings (any impact): headings must not skip levels."""
    found = Axe().run(page, options={"runOnly": ["heading-order"]}).response["violations"]
    return [n["html"] for v in found for n in v["nodes"]]


def test_results_page_height_width_and_accessibility(browser: Browser, demo_site: Server) -> None:
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    sign_in(page, demo_site.url)
    page.goto(f"{demo_site.url}/rounds/2/results")
    assert page.locator("details[open]").count() == 0  # nothing expanded
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"results page at 1280×900: {height} px = {height / DESKTOP['height']:.1f} screens")
    assert height <= MAX_SCREENS * DESKTOP["height"]
    # The first screen answers "where do we stand".
    first_screen = page.locator("#stand-h").bounding_box()
    assert first_screen is not None
    assert first_screen["y"] < DESKTOP["height"]
    assert page.locator("ol.gains li").count() == 5
    assert page.locator("nav.toc a").count() >= 6
    check(page, "results-desktop")
    assert heading_order(page) == []

    # Everything is one click away and works without JavaScript (<details>).
    page.locator("details.area summary").first.click()
    assert page.locator("details.area").first.get_attribute("open") is not None
    assert heading_order(page) == []

    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site.url}/rounds/2/results")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    phone_height = page.evaluate("document.documentElement.scrollHeight")
    print(f"results page at 390 px: {phone_height} px, scroll width {widths[0]} / {widths[1]}")
    assert widths[0] <= widths[1], "the page scrolls sideways at 390 px"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-phone.png"), full_page=True)

    page.set_viewport_size(DESKTOP)
    page.goto(f"{demo_site.url}/rounds/2/plan")
    check(page, "plan-edit")

    # A fresh round: the PDF is not ready, so the waiting page shows, passes axe (no meta
    # refresh) and its small poll script starts the download once the PDF is made.
    with page.expect_download(timeout=180_000) as download:
        page.goto(f"{demo_site.url}/rounds/2/report?lang=nb")
        assert page.locator("#report-status").count() == 1
        check(page, "report-status")
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()
