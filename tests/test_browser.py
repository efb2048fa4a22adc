"""The journey through the web UI in real Chromium, with an accessibility check on every page.

The coordinator signs in, creates and opens a round and invites respondents; a respondent
answers with the keyboard only (including don't know, planned, a change of mind, evidence and
resuming from the link); the coordinator reviews the evidence. Every page is checked with
axe-core (pinned via axe-playwright-python) for serious or critical WCAG violations, and
screenshots are saved under test-artifacts/screens/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import ROOT, Server, free_port, server_env

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screens"
PASSWORD = "correct horse battery"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    assert shutil.which(CHROMIUM), (
        "Chromium is missing: `just test` installs it (apt-get install chromium)"
    )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(tmp_path: Path, example_dir: Path) -> Iterator[Server]:
    """A real server with one municipality and its coordinator."""
    env = server_env(tmp_path, example_dir)
    db = open_database(Path(env["KOMPASS_DB"]))
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, municipality.id, "koordinator@fjellbygd.no", PASSWORD)
    db.close()
    srv = Server(env, free_port())
    yield srv
    srv.stop()


def check(page: Page, name: str) -> None:
    """Save a screenshot and fail on serious or critical accessibility violations."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad
    )


def press(page: Page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def choose(page: Page, level_presses: int) -> None:
    """Keyboard only: the first choice has focus; arrow down to the answer, tab to Next, Enter."""
    # Autofocus lands at the next rendering opportunity: wait for it rather than race it.
    expect(page.locator("input[name=choice]").first).to_be_focused()
    press(page, *(["ArrowDown"] * level_presses))
    if level_presses == 0:
        press(page, "Space")
    press(page, "Tab")
    with page.expect_navigation():
        press(page, "Enter")


def test_browser_journey(browser: Browser, site: Server) -> None:
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()

    page.goto(site.url)
    check(page, "01-home")
    page.get_by_role("link", name="Innlogging for koordinatorer").click()
    check(page, "02-login")
    page.get_by_label("E-postadresse").fill("koordinator@fjellbygd.no")
    page.get_by_label("Passord").fill("wrong password")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_contain_text("feil")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(r"/rounds/?$"))
    check(page, "03-rounds")

    page.get_by_label("Navn på runden").fill("Egenvurdering 2026")
    page.get_by_role("button", name="Opprett runde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Egenvurdering 2026")
    page.get_by_role("button", name="Åpne runden for svar").click()
    page.get_by_label("Rolle", exact=True).select_option("unit_leader")
    page.get_by_label("Navn (valgfritt)").fill("Kari Enhetsleder")
    page.get_by_role("button", name="Inviter").click()
    link = page.locator("#new-link").input_value()
    assert "/r/" in link
    check(page, "04-round-overview")

    # The respondent, keyboard only.
    respondent = context.new_page()
    respondent.goto(link)
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("1.1.2")
    check(respondent, "05-chat-system")
    choose(respondent, 3)  # system: 3 ("I stor grad")
    expect(respondent.locator("legend")).to_contain_text("Hvor stor del av kommunen")
    check(respondent, "06-chat-scope")
    choose(respondent, 2)  # scope: 2
    expect(respondent.get_by_label("Vil du legge til noe?", exact=False)).to_be_focused()
    respondent.keyboard.type("Brukes i alle enheter vi kjenner til.")
    press(respondent, "Tab")
    with respondent.expect_navigation():
        press(respondent, "Enter")  # "Lagre og fortsett"
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("1.2.1")
    # Planned, not started: arrow up from the first choice wraps to the last ("planned").
    expect(respondent.locator("input[name=choice]").first).to_be_focused()
    press(respondent, "ArrowUp", "Tab")
    with respondent.expect_navigation():
        press(respondent, "Enter")
    expect(respondent.locator(".bubble.kind")).to_contain_text(
        "Planlagte tiltak gir ikke poeng ennå"
    )
    check(respondent, "07-chat-planned")
    # Change of mind: back to the system question, choose 2 instead.
    respondent.get_by_role("link", name=re.compile("Endre")).first.focus()
    with respondent.expect_navigation():
        press(respondent, "Enter")
    expect(respondent).to_have_url(re.compile(r"/i/1\.2\.1/system$"))
    choose(respondent, 2)
    expect(respondent.locator("legend")).to_contain_text("Hvor stor del av kommunen")
    # Leave and come back through the link: the same question is waiting.
    respondent.goto(site.url)
    respondent.goto(link)
    expect(respondent.locator("legend")).to_contain_text("Hvor stor del av kommunen")
    choose(respondent, 1)  # scope 1
    # Don't know on results: it is the sixth choice (levels 0–4, then "Vet ikke").
    choose(respondent, 5)
    choose(respondent, 1)  # evaluation 1
    # The comment step has the evidence form: attach a file by keyboard focus + file chooser.
    respondent.get_by_label("Last opp en fil", exact=False).set_input_files(
        files=[
            {
                "name": "medarbeidersamtale.txt",
                "mimeType": "text/plain",
                "buffer": b"Mal for medarbeidersamtale, vedtatt.",
            }
        ]
    )
    respondent.get_by_label("Tittel").focus()
    respondent.keyboard.type("Mal for medarbeidersamtale")
    respondent.get_by_label("Dato da dokumentet ble vedtatt", exact=False).fill("2024-01-10")
    respondent.get_by_role("button", name="Legg til dokumentasjon").focus()
    with respondent.expect_navigation():
        press(respondent, "Enter")
    expect(respondent.locator("#evidence")).to_contain_text("Mal for medarbeidersamtale")
    check(respondent, "08-chat-comment-evidence")
    token_url = link.rstrip("/")
    respondent.goto(f"{token_url}/overview")
    check(respondent, "08b-respondent-overview")
    respondent.goto(f"{token_url}/done")
    check(respondent, "08c-respondent-done")
    respondent.goto(f"{site.url}/no/such/page")
    check(respondent, "08d-not-found")

    # On a phone.
    phone = browser.new_context(
        locale="nb-NO", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    mobile = phone.new_page()
    mobile.goto(link)
    check(mobile, "09-chat-phone")
    phone.close()

    # Coordinator reviews the evidence; the documented score counts it.
    page.reload()
    page.get_by_label("Godkjenn").first.check()
    page.get_by_role("button", name="Lagre vurdering").first.click()
    expect(page.locator("#evidence")).to_contain_text("godkjent")
    check(page, "10-round-reviewed")

    # Results: the page passes the same check; the PDF (prepared off the request path) and the
    # XLSX download.
    page.locator('a[href$="/results"]').first.click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    check(page, "11-results")
    with page.expect_download(timeout=120_000) as pdf_download:
        page.locator('a[href*="/report?lang="]').click()
    assert pdf_download.value.path().read_bytes().startswith(b"%PDF-")
    page.goto(page.url.rsplit("/report", 1)[0] + "/results")
    with page.expect_download() as xlsx_download:
        page.locator('a[href$="/export.xlsx"]').click()
    assert xlsx_download.value.path().read_bytes().startswith(b"PK")
    context.close()


@pytest.mark.parametrize(
    ("locale", "heading"),
    [("sv-SE", "Var står din kommun?"), ("en-GB", "Where does your municipality stand?")],
)
def test_pages_in_other_languages(
    browser: Browser, site: Server, locale: str, heading: str
) -> None:
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(site.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check(page, f"home-{locale}")
    page.goto(f"{site.url}/login")
    check(page, f"login-{locale}")
    context.close()
