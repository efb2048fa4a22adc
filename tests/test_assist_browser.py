"""assist.js in a real browser against a real server: describe, see the proposal, adjust, save.

The card page belongs to the respondent pages; this test puts the assistant's real panel
(``templates/assist/panel.html``) under a card form with the card's field names
(``level-<dimension>``, ``status``, ``comment``, the Next button) on the server's origin, so
the panel's requests go to the real service and SQLite file. The card's own save is caught
in the browser, where the posted fields are read back.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from jinja2 import Environment, FileSystemLoader
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from service.i18n import translator
from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import ROOT, Server, free_port, server_env

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DIMENSIONS = {"system": "System/prosess", "scope": "Omfang", "results": "Resultat/analyse"}


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


def card_page(token: str, lang: str, evidence: list[dict[str, object]] | None = None) -> str:
    """A card form with the card's field names, and the real panel included after it."""
    t = translator(lang)
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    env.add_extension("jinja2.ext.i18n")
    panel = env.get_template("assist/panel.html").render(
        token=token,
        ind={"id": "1.1.1"},
        round={"closed": False},
        locale=lang,
        evidence=evidence or [],
        _=t.gettext,
    )
    rows = []
    for dim, title in DIMENSIONS.items():
        choices = "".join(
            f'<label><input type="radio" name="level-{dim}" value="{v}"> {v}</label>'
            for v in ["0", "1", "2", "3", "4", "dont_know"]
        )
        rows.append(
            f'<fieldset class="dimension" data-dimension="{dim}"><legend>{title} '
            f'<span class="dim-title">({title})</span></legend>{choices}</fieldset>'
        )
    statuses = "".join(
        f'<label><input type="radio" name="status" value="{s}"> {s}</label>'
        for s in ["answered", "planned", "dont_know"]
    )
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Kort</title>
<link rel="stylesheet" href="/static/kompass.css"></head><body><main>
<h1>1.1.1</h1>
<form method="post" action="/r/{token}/i/1.1.1" class="card" id="card">
{"".join(rows)}
<fieldset class="whole"><legend>Helhet</legend>{statuses}</fieldset>
<label for="comment">Kommentar</label><textarea id="comment" name="comment"></textarea>
<div class="card-actions"><button type="submit" name="action" value="next">Neste</button></div>
</form>
{panel}
</main></body></html>"""


def no_serious_violations(page: Page) -> None:
    """axe-core on the assistant's panel: no serious or critical WCAG violations."""
    results = Axe().run(
        page,
        context="#assist",
        options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    )
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, "; ".join(f"{v['id']}: {v['help']}" for v in bad)


def test_describe_see_proposal_adjust_and_save(
    browser: Browser, site: tuple[Server, str, Path]
) -> None:
    server, token, _ = site
    context = browser.new_context(locale="nb-NO")
    page: Page = context.new_page()
    posted: list[dict[str, list[str]]] = []

    def serve_card(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=card_page(token, "nb"))

    def catch_save(route: Route, request: Request) -> None:
        if request.method == "POST":
            posted.append(parse_qs(request.post_data or ""))
            route.fulfill(status=200, content_type="text/html", body="<p>lagret</p>")
        else:
            route.continue_()

    page.route(f"{server.url}/card-under-test", serve_card)
    page.route(f"{server.url}/r/{token}/i/1.1.1", catch_save)
    page.goto(f"{server.url}/card-under-test")

    text = "Strategien er vedtatt av kommunestyret og revideres hvert år etter evaluering."
    page.get_by_label("Beskriv det med egne ord").fill(text)
    page.get_by_role("button", name="Foreslå nivåer").click()
    proposal = page.locator("#assist-proposal")
    expect(proposal).to_contain_text("System/prosess")
    expect(proposal).to_contain_text("sikkerhet")

    # The proposal filled the card: status, levels, and the comment with the text.
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

    # The respondent adjusts one level, then presses Next: the check asks once (no evidence).
    page.locator('input[name="level-scope"][value="2"]').check()
    page.get_by_role("button", name="Neste").click()
    findings = page.locator(".assist-findings")
    expect(findings).to_be_visible()
    expect(findings).to_be_focused()
    assert not posted
    page.get_by_role("button", name="Neste").click()
    page.wait_for_url(re.compile(r".*/i/1\.1\.1$"))
    assert posted, "the card was not saved"
    saved = posted[0]
    assert saved["level-scope"] == ["2"]
    assert saved["level-system"] == [proposed_system]
    assert saved["status"] == ["answered"]
    assert saved["action"] == ["next"]
    assert saved["comment"] == [text]
    context.close()


def test_ask_about_a_term_shows_cited_sources(
    browser: Browser, site: tuple[Server, str, Path]
) -> None:
    server, token, _ = site
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.route(
        f"{server.url}/card-under-test",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=card_page(token, "sv")
        ),
    )
    page.goto(f"{server.url}/card-under-test")
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
    files = [{"id": uploaded.json()["id"], "kind": "file", "title": "", "filename": "strategi.txt"}]
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.route(
        f"{server.url}/card-under-test",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=card_page(token, "nb", files)
        ),
    )
    page.goto(f"{server.url}/card-under-test")
    box = page.locator("#assist-evidence")
    expect(box).to_be_visible()
    expect(box).to_contain_text("strategi.txt")
    expect(box).to_contain_text("12. mars 2015")
    expect(box).to_contain_text("2015-03-12")  # the four-year hint names the date it found
    context.close()
