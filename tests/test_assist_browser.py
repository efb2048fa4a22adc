"""The assistant on the real card, in Debian's Chromium against a real server and SQLite file.

A respondent opens their link's card (``/r/<token>/i/<indicator>``), describes the practice in
their own words, sees the proposal fill the card, adjusts one level and saves with Next; the
stored answer and the stored proposal are then read back from the service. Explaining a term
and the hints on an uploaded file are driven on the same real card.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from service.i18n import translator
from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import Server, free_port, server_env

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    assert shutil.which(CHROMIUM), "Chromium is missing: `just test` installs it"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(tmp_path: Path, example_dir: Path) -> Iterator[tuple[Server, str, Path]]:
    """A real server with an open round and one respondent's token."""
    env = server_env(tmp_path, example_dir)
    db_path = Path(env["KOMPASS_DB"])
    db = open_database(db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, municipality.id, "k@fjellbygd.no", PASSWORD)
    db.close()
    srv = Server(env, free_port())
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        http.get("/health")
        csrf = {"X-CSRFToken": http.cookies["kompass_csrf"]}
        http.post(
            "/api/v1/session", json={"email": "k@fjellbygd.no", "password": PASSWORD}, headers=csrf
        )
        rid = http.post(
            "/api/v1/rounds", json={"name": "Runde", "questionnaire": "example-1.0"}, headers=csrf
        ).json()["id"]
        http.post(f"/api/v1/rounds/{rid}/open", headers=csrf)
        token = http.post(
            f"/api/v1/rounds/{rid}/respondents", json={"role": "chief_executive"}, headers=csrf
        ).json()["token"]
    yield srv, token, db_path
    srv.stop()


def no_serious_violations(page: Page) -> None:
    """axe-core on the assistant's panel: no serious or critical WCAG violations."""
    results = Axe().run(
        page,
        context="#assist",
        options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    )
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, "; ".join(f"{v['id']}: {v['help']}" for v in bad)


def card_url(server: Server, token: str, indicator: str = "1.1.1") -> str:
    """The respondent's real card for an indicator of their share."""
    return f"{server.url}/r/{token}/i/{indicator}"


def test_describe_see_proposal_adjust_and_save(
    browser: Browser, site: tuple[Server, str, Path]
) -> None:
    server, token, _ = site
    context = browser.new_context(locale="nb-NO")
    page: Page = context.new_page()
    page.goto(card_url(server, token))
    expect(page.locator("form#card")).to_be_visible()
    expect(page.locator("#assist")).to_be_visible()

    text = "Strategien er vedtatt av kommunestyret og revideres hvert år etter evaluering."
    page.get_by_label("Beskriv det med egne ord").fill(text)
    page.get_by_role("button", name="Foreslå nivåer").click()
    proposal = page.locator("#assist-proposal")
    expect(proposal).to_contain_text("System/prosess")
    expect(proposal).to_contain_text("sikkerhet")

    # The proposal filled the real card: status, levels, and the comment with the text.
    expect(page.locator('input[name="status"][value="answered"]')).to_be_checked()
    system = page.locator('input[name="level-system"]:checked')
    expect(system).to_have_count(1)
    proposed_system = system.get_attribute("value")
    assert proposed_system in {"3", "4"}
    expect(page.locator("#comment")).to_have_value(text)
    expect(page.locator('fieldset[data-dimension="system"] .assist-note')).to_contain_text(
        "Foreslått"
    )
    no_serious_violations(page)

    # A row the text does not speak to is left empty and says so; the respondent fills it.
    left: dict[str, str] = {}
    for row in page.locator("fieldset.dimension").all():
        dim = row.get_attribute("data-dimension") or ""
        if dim != "scope" and row.locator("input:checked").count() == 0:
            expect(row.locator(".assist-note")).to_contain_text("velg nivå her selv")
            row.locator('input[value="1"]').check()
            left[dim] = "1"

    # The respondent adjusts one level away from what was proposed (or left unset).
    scope = page.locator('input[name="level-scope"]:checked')
    proposed_scope = scope.get_attribute("value") if scope.count() else None
    adjusted = "1" if proposed_scope == "2" else "2"
    page.locator(f'input[name="level-scope"][value="{adjusted}"]').check()

    assert left, "the example text should leave a row for the respondent"

    # Next: the consistency check asks once (high System, no evidence), a second Next saves.
    next_button = page.get_by_role("button", name="Neste", exact=True)
    next_button.click()
    findings = page.locator(".assist-findings")
    expect(findings).to_be_visible()
    expect(findings).to_be_focused()
    expect(page).to_have_url(card_url(server, token))
    with page.expect_navigation():
        next_button.click()
    assert not page.url.endswith("/i/1.1.1"), page.locator(".error").all_inner_texts()

    # What the service kept: the text, the proposal, and the final (adjusted) levels.
    kept = httpx.get(
        f"{server.url}/api/v1/respond/{token}/indicators/1.1.1/proposal", timeout=30
    ).json()
    assert kept["text"] == text
    assert kept["proposal"]["status"] == "answered"
    assert str(kept["proposal"]["levels"]["system"]) == proposed_system
    answer = kept["answer"]
    assert answer["status"] == "answered"
    assert answer["comment"] == text
    assert str(answer["levels"]["system"]) == proposed_system
    assert str(answer["levels"]["scope"]) == adjusted
    if proposed_scope is not None:
        assert str(kept["proposal"]["levels"]["scope"]) == proposed_scope
    for dim, level in left.items():
        assert kept["proposal"]["levels"][dim] is None
        assert str(answer["levels"][dim]) == level

    # Back on the card, the saved answer is what the respondent confirmed.
    page.goto(card_url(server, token))
    expect(page.locator(f'input[name="level-scope"][value="{adjusted}"]')).to_be_checked()
    expect(page.locator(f'input[name="level-system"][value="{proposed_system}"]')).to_be_checked()
    context.close()


def test_ask_about_a_term_shows_cited_sources(
    browser: Browser, site: tuple[Server, str, Path]
) -> None:
    server, token, _ = site
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(card_url(server, token) + "?lang=sv")
    page.get_by_label("Fråga om ett begrepp eller om frågan").fill("Vad är intern kontroll?")
    page.get_by_role("button", name="Fråga", exact=True).click()
    answer = page.locator("#assist-answer")
    expect(answer).to_contain_text("Källor")
    expect(answer.locator("ol.assist-sources li")).not_to_have_count(0)
    no_serious_violations(page)
    # An empty description gets the service's own message, not a broken page.
    page.get_by_role("button", name="Föreslå nivåer").click()
    expect(page.locator("#assist-proposal .error")).to_contain_text(
        translator("sv").gettext("Write a few words about how this is done first.")
    )
    context.close()


def test_hints_on_an_uploaded_file_appear_beside_the_card(
    browser: Browser, site: tuple[Server, str, Path]
) -> None:
    server, token, _ = site
    old = (
        "Strategi for lokaldemokrati. Vedtatt av kommunestyret 12.03.2015. Strategien gjør "
        "demokratiarbeidet planmessig og følges opp hvert år i årsrapporten. "
    ) * 3
    uploaded = httpx.post(
        f"{server.url}/api/v1/respond/{token}/indicators/1.1.1/evidence",
        files={"file": ("strategi.txt", old.encode(), "text/plain")},
        timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(card_url(server, token))
    box = page.locator("#assist-evidence")
    expect(box).to_be_visible()
    expect(box).to_contain_text("strategi.txt")
    expect(box).to_contain_text("12. mars 2015")
    expect(box).to_contain_text("2015-03-12")  # the four-year hint names the date it found
    context.close()
