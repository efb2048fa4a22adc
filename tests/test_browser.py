"""The journey through the web UI in real Chromium, with an accessibility check on every page.

The coordinator signs in, creates and opens a round and invites respondents; a respondent
answers with the keyboard only (including don't know, planned, a change of mind, evidence and
resuming from the link); the coordinator reviews the evidence. Every page is checked with
axe-core (pinned via axe-playwright-python) for serious or critical WCAG violations, and
screenshots are saved under test-artifacts/screens/.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import ROOT, Server, free_port, server_env

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screens"
TIMING = ROOT / "test-artifacts" / "card-timing.json"
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


NEXT = re.compile("^(Neste|Next|Nästa)$")
CARD_POST = re.compile(r"/r/[^/]+/i/[^/]+$")


class Checks:
    """The assistant's consistency checks a page asks, and the card saves it posts.

    The check's answer is read on its way to the page, so the test knows whether the page
    is about to show findings (and wait for the second press) or save at once.
    """

    def __init__(self, page: Page) -> None:
        self.findings = False
        self.asked_again = 0
        self.saves = 0
        page.route(re.compile(r"/indicators/[^/]+/check$"), self._route)
        page.on("request", self._request)

    def _route(self, route: Route) -> None:
        response = route.fetch()
        self.findings = bool(response.json().get("findings"))
        route.fulfill(response=response)

    def _request(self, request: Request) -> None:
        if request.method == "POST" and CARD_POST.search(request.url):
            self.saves += 1


def press_next(page: Page, checks: Checks) -> None:
    """Enter on the focused Next. The assistant checks the card once first: when it has
    findings they appear above the button and take focus; Tab back to Next and Enter saves
    the card as it is (the check does not ask twice)."""
    with page.expect_navigation():
        with page.expect_request_finished(lambda r: r.url.endswith("/check")):
            press(page, "Enter")
        if checks.findings:
            checks.asked_again += 1
            expect(page.locator(".assist-findings")).to_be_focused()
            press(page, "Tab")
            expect(page.get_by_role("button", name=NEXT)).to_be_focused()
            press(page, "Enter")


def answer_card(page: Page, checks: Checks, presses: list[int], comment: str = "") -> None:
    """Keyboard only: on each open row arrow down to the level (Space for the first), Tab on.

    ``presses`` gives the arrow presses per row that is open when it is reached (a row greyed
    out by the system's answer is skipped by Tab). After the rows: Tab past "the indicator as
    a whole", type the comment, Tab to "Next", Enter (see :func:`press_next`).
    """
    expect(page.locator("input[name=level-system]").first).to_be_focused()
    for n in presses:
        press(page, *(["ArrowDown"] * n))
        if n == 0:
            press(page, "Space")
        press(page, "Tab")
    expect(page.locator("input[name=status]:checked")).to_be_focused()
    press(page, "Tab")
    expect(page.locator("#comment")).to_be_focused()
    if comment:
        page.keyboard.type(comment)
    press(page, "Tab")
    expect(page.get_by_role("button", name=NEXT)).to_be_focused()
    press_next(page, checks)


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

    # The respondent, keyboard only: the link opens a welcome, then the cards.
    respondent = context.new_page()
    checks = Checks(respondent)
    respondent.goto(link)
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Velkommen til egenvurderingen")
    expect(respondent.locator("main")).to_contain_text("Du har 4 spørsmål.")
    check(respondent, "05-welcome")
    respondent.get_by_role("link", name="Start").focus()
    with respondent.expect_navigation():
        press(respondent, "Enter")
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("1.1.2")
    check(respondent, "06-card")
    # Nothing chosen on the scope row: the card comes back with the message next to it,
    # and the comment typed is still there.
    expect(respondent.locator("input[name=level-system]").first).to_be_focused()
    press(respondent, "ArrowDown", "ArrowDown", "ArrowDown", "Tab", "Tab")
    expect(respondent.locator("input[name=status]:checked")).to_be_focused()
    press(respondent, "Tab")
    respondent.keyboard.type("Brukes i alle enheter vi kjenner til.")
    press(respondent, "Tab")
    press_next(respondent, checks)
    expect(respondent.locator("#error-scope")).to_contain_text("Velg et svar her")
    expect(respondent.locator("#comment")).to_have_value("Brukes i alle enheter vi kjenner til.")
    expect(respondent.locator("input[name=level-system][value='3']")).to_be_checked()
    check(respondent, "07-card-error")
    respondent.locator("input[name=level-scope][value='2']").focus()
    press(respondent, "Space")
    respondent.get_by_role("button", name="Neste").focus()
    press_next(respondent, checks)
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("1.2.1")
    # System 0 greys out the follow-ups at once: Tab goes straight past them.
    answer_card(respondent, checks, [0])
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("2.2.1")
    # Change of mind on 1.2.1 later; first "planned, not started" for the whole of 2.2.1.
    respondent.locator("input[name=status][value=planned]").focus()
    press(respondent, "Space")
    expect(respondent.locator("input[name=level-system]").first).to_be_disabled()
    check(respondent, "08-card-planned")
    respondent.get_by_role("button", name="Neste").focus()
    press_next(respondent, checks)
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("2.2.2")
    # Evidence on the card: typed answers and comment survive the upload.
    press(respondent, "ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "Tab", "ArrowDown")
    respondent.locator("#comment").focus()
    respondent.keyboard.type("Malen er vedtatt.")
    respondent.locator("details.add-evidence summary").focus()
    press(respondent, "Enter")
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
    expect(respondent.locator("#comment")).to_have_value("Malen er vedtatt.")
    expect(respondent.locator("input[name=level-system][value='4']")).to_be_checked()
    expect(respondent.locator("input[name=level-scope][value='1']")).to_be_checked()
    check(respondent, "09-card-evidence")
    respondent.get_by_role("button", name="Neste").focus()
    press_next(respondent, checks)
    expect(respondent).to_have_url(re.compile(r"/done$"))
    check(respondent, "10-done")
    token_url = link.rstrip("/")
    respondent.goto(f"{token_url}/overview")
    check(respondent, "10b-respondent-overview")
    # Leave and come back through the link: the answers are there to change.
    respondent.goto(f"{token_url}/i/1.2.1")
    expect(respondent.locator("input[name=level-system][value='0']")).to_be_checked()
    expect(respondent.locator("input[name=level-scope]").first).to_be_disabled()
    respondent.goto(f"{site.url}/no/such/page")
    check(respondent, "10c-not-found")

    # On a phone.
    phone = browser.new_context(
        locale="nb-NO", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    mobile = phone.new_page()
    mobile.goto(f"{link.rstrip('/')}/i/1.1.2")
    question_first(mobile)
    check(mobile, "11-card-phone")
    phone.close()

    # Coordinator reviews the evidence; the documented score counts it.
    page.reload()
    page.get_by_label("Godkjenn").first.check()
    page.get_by_role("button", name="Lagre vurdering").first.click()
    expect(page.locator("#evidence")).to_contain_text("godkjent")
    check(page, "12-round-reviewed")

    # Results: the page passes the same check; the PDF (prepared off the request path) and the
    # XLSX download.
    page.locator('a[href$="/results"]').first.click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    check(page, "13-results")
    with page.expect_download(timeout=120_000) as pdf_download:
        page.locator('a[href*="/report?lang="]').click()
    assert pdf_download.value.path().read_bytes().startswith(b"%PDF-")
    page.goto(page.url.rsplit("/report", 1)[0] + "/results")
    with page.expect_download() as xlsx_download:
        page.locator('a[href$="/export.xlsx"]').click()
    assert xlsx_download.value.path().read_bytes().startswith(b"PK")
    context.close()


def question_first(page: Page) -> None:
    """On a phone the question comes before the progress, and nothing scrolls sideways."""
    heading = page.get_by_role("heading", level=1).bounding_box()
    progress = page.locator("nav.progress").bounding_box()
    assert heading
    assert progress
    assert heading["y"] < progress["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def kommunekompasset(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """A real server with the installed questionnaires and an open round; a unit leader's link."""
    env = server_env(tmp_path, ROOT / "questionnaires")
    db = open_database(Path(env["KOMPASS_DB"]))
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, municipality.id, "koordinator@fjellbygd.no", PASSWORD)
    db.close()
    srv = Server(env, free_port())
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            http.get("/health")
            headers = {"X-CSRFToken": http.cookies["kompass_csrf"]}
            login = {"email": "koordinator@fjellbygd.no", "password": PASSWORD}
            assert http.post("/api/v1/session", json=login, headers=headers).status_code == 200
            rnd = http.post(
                "/api/v1/rounds",
                json={"name": "Egenvurdering 2026", "questionnaire": "kommunekompasset-2.1"},
                headers=headers,
            ).json()
            http.post(f"/api/v1/rounds/{rnd['id']}/open", headers=headers)
            invited = http.post(
                f"/api/v1/rounds/{rnd['id']}/respondents",
                json={"role": "unit_leader", "name": "Kari"},
                headers=headers,
            ).json()
        yield srv, str(invited["link"])
    finally:
        srv.stop()


TEN = 10
# Arrow presses per open row, cycled over the cards: varied levels, a "0" now and then.
PATTERN = [3, 2, 4, 1, 0, 2, 3, 1, 4, 2, 5, 3]


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_ten_cards_keyboard_only(
    browser: Browser,
    kommunekompasset: tuple[Server, str],
    device: str,
    viewport: dict[str, int],
) -> None:
    """Ten indicators of the real questionnaire, one submission each, keyboard only; timed."""
    srv, link = kommunekompasset
    mobile = device == "phone"
    context = browser.new_context(
        locale="nb-NO", viewport=viewport, is_mobile=mobile, has_touch=mobile
    )
    page = context.new_page()
    checks = Checks(page)
    page.goto(link)
    check(page, f"ten-{device}-welcome")
    page.get_by_role("link", name="Start").focus()
    with page.expect_navigation():
        press(page, "Enter")
    check(page, f"ten-{device}-card")
    if mobile:
        question_first(page)
    seen: list[str] = []
    start = time.perf_counter()
    for n in range(TEN):
        heading = page.get_by_role("heading", level=1).inner_text()
        seen.append(heading.split()[1] if heading.startswith("Indikator") else heading.split()[0])
        rows = page.locator("fieldset.dimension").count()
        presses: list[int] = []
        for k in range(rows):
            level = PATTERN[(n + k) % len(PATTERN)]
            presses.append(level)
            if k == 0 and level in (0, 5):
                break  # system 0 or "don't know": the other rows are greyed out and skipped
        answer_card(page, checks, presses)
    seconds = time.perf_counter() - start
    assert len(set(seen)) == TEN  # ten different indicators, one submission each
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        token = link.rstrip("/").rsplit("/", 1)[1]
        session = http.get(f"/api/v1/respond/{token}").json()
    assert sum(p["complete"] for p in session["progress"]) == TEN
    assert checks.saves == TEN  # one card submission each, the check's second Next included
    check(page, f"ten-{device}-after")
    context.close()
    TIMING.parent.mkdir(parents=True, exist_ok=True)
    timing = json.loads(TIMING.read_text(encoding="utf-8")) if TIMING.exists() else {}
    timing[f"{device}: ten cards, keyboard only (seconds)"] = round(seconds, 2)
    timing[f"{device}: submissions per indicator"] = checks.saves / TEN
    timing[f"{device}: cards where the assistant's check asked to look again"] = float(
        checks.asked_again
    )
    TIMING.write_text(json.dumps(timing, indent=2, sort_keys=True) + "\n", encoding="utf-8")


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


def test_too_large_upload_keeps_the_card(
    browser: Browser, tmp_path: Path, example_dir: Path
) -> None:
    """A browser still sending a file over the limit gets the card back, not a broken page."""
    env = server_env(tmp_path, example_dir, KOMPASS_MAX_UPLOAD_MB="1")
    db = open_database(Path(env["KOMPASS_DB"]))
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, municipality.id, "koordinator@fjellbygd.no", PASSWORD)
    db.close()
    srv = Server(env, free_port())
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            http.get("/health")
            headers = {"X-CSRFToken": http.cookies["kompass_csrf"]}
            login = {"email": "koordinator@fjellbygd.no", "password": PASSWORD}
            http.post("/api/v1/session", json=login, headers=headers)
            rnd = http.post(
                "/api/v1/rounds",
                json={"name": "R", "questionnaire": "example-1.0"},
                headers=headers,
            ).json()
            http.post(f"/api/v1/rounds/{rnd['id']}/open", headers=headers)
            link = http.post(
                f"/api/v1/rounds/{rnd['id']}/respondents",
                json={"role": "unit_leader"},
                headers=headers,
            ).json()["link"]
        context = browser.new_context(locale="nb-NO")
        page = context.new_page()
        page.goto(f"{link.rstrip('/')}/i/1.1.2")
        page.locator("input[name=level-system][value='3']").check()
        page.locator("#comment").fill("Skrevet før opplastingen.")
        page.locator("details.add-evidence summary").click()
        page.get_by_label("Last opp en fil", exact=False).set_input_files(
            files=[
                {
                    "name": "stor.pdf",
                    "mimeType": "application/pdf",
                    "buffer": b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024),
                }
            ]
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Legg til dokumentasjon").click()
        expect(page.locator("#error-file")).to_contain_text("1 MB")
        expect(page.locator("#comment")).to_have_value("Skrevet før opplastingen.")
        expect(page.locator("input[name=level-system][value='3']")).to_be_checked()
        check(page, "card-upload-too-large")
        context.close()
    finally:
        srv.stop()
