"""Coordinator pages in-process: sign-in, CSRF, tenant scoping, invitations by e-mail, demo data."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.cli import main
from service.settings import Settings
from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import free_port

PASSWORD = "correct horse battery"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def make_client(settings: Settings) -> tuple[Litestar, int, int]:
    db = open_database(settings.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    other = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, "k@fjellbygd.no", PASSWORD)
    accounts.create_coordinator(db, other.id, "k@dalbygd.no", PASSWORD)
    db.close()
    return create_app(settings), home.id, other.id


def sign_in(client: TestClient[Litestar], who: str) -> str:
    client.get("/login")
    csrf = client.cookies["kompass_csrf"]
    response = client.post(
        "/login",
        data={"email": who, "password": PASSWORD, "next": "/rounds", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf


def new_round(client: TestClient[Litestar], csrf: str) -> int:
    response = client.post(
        "/rounds/",
        data={"name": "Runde", "questionnaire": "example-1.0", "locale": "nb", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    round_id = int(response.headers["location"].rsplit("/", 1)[1])
    client.post(f"/rounds/{round_id}/open", data={"_csrf_token": csrf})
    return round_id


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as test_client:
        yield test_client


def test_pages_need_sign_in(client: TestClient[Litestar]) -> None:
    response = client.get("/rounds/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Frounds"
    api = client.get("/api/v1/rounds", headers={"Accept-Language": "sv"})
    assert api.status_code == 401
    assert api.json()["message"] == "Logga in för att fortsätta."


def test_wrong_password_is_a_localized_401(client: TestClient[Litestar]) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "k@fjellbygd.no",
            "password": "nope",
            "_csrf_token": client.cookies["kompass_csrf"],
        },
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 401
    assert "E-postadressen eller lösenordet är fel." in response.text


def test_forms_without_csrf_token_are_refused(client: TestClient[Litestar]) -> None:
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    response = client.post(f"/rounds/{round_id}/close", data={}, headers={"Accept-Language": "nb"})
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.text or "Last inn siden på nytt" in response.text
    assert "Åpen" in client.get(f"/rounds/{round_id}").text  # still open


def test_another_municipalitys_round_is_not_found(client: TestClient[Litestar]) -> None:
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    client.post("/logout", data={"_csrf_token": csrf})
    csrf = sign_in(client, "k@dalbygd.no")
    assert client.get(f"/rounds/{round_id}").status_code == 404
    refused = client.post(
        f"/rounds/{round_id}/respondents", data={"role": "mayor", "_csrf_token": csrf}
    )
    assert refused.status_code == 404
    assert "Vurderingsrunden finnes ikke." in refused.text


def test_invitation_link_shown_once_and_not_resent_on_reload(client: TestClient[Litestar]) -> None:
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    page = client.post(
        f"/rounds/{round_id}/respondents",
        data={"role": "unit_leader", "name": "Kari", "_csrf_token": csrf},
    )
    link = re.search(r'id="new-link" readonly value="([^"]+)"', page.text)
    assert link
    assert "/r/" in link.group(1)
    again = client.get(f"/rounds/{round_id}")
    assert 'id="new-link"' not in again.text
    assert again.text.count("<td>Kari") == 1


@pytest.mark.parametrize("bad_role", ["janitor", ""])
def test_invite_unknown_role(client: TestClient[Litestar], bad_role: str) -> None:
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    page = client.post(
        f"/rounds/{round_id}/respondents", data={"role": bad_role, "_csrf_token": csrf}
    )
    assert page.status_code == 400
    assert "Velg en av rollene i spørreskjemaet." in page.text


def test_invitation_is_emailed_over_real_smtp(
    tmp_path: Path, example_dir: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = Settings(
        db=str(tmp_path / "k.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_sender="kompass@fjellbygd.no",
        base_url="https://kompass.fjellbygd.no",
    )
    app, _, _ = make_client(settings)
    # Secure cookies (the public address is https) travel only over https.
    with TestClient(app=app, base_url="https://kompass.fjellbygd.no") as client:
        csrf = sign_in(client, "k@fjellbygd.no")
        round_id = new_round(client, csrf)
        page = client.post(
            f"/rounds/{round_id}/respondents",
            data={"role": "mayor", "name": "Ola", "email": "ola@fjellbygd.no", "_csrf_token": csrf},
        )
        shown = re.search(r'id="new-link" readonly value="([^"]+)"', page.text)
        assert shown
        assert "ola@fjellbygd.no" in page.text
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "ola@fjellbygd.no"
    assert message["Subject"] == "Invitasjon: Runde"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert shown.group(1) in body
    assert shown.group(1).startswith("https://kompass.fjellbygd.no/r/")
    assert "Fjellbygd" in body


def test_demo_command_creates_data_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KOMPASS_DB", str(tmp_path / "demo.db"))
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "data"))
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "Demo data created" in first
    assert "demo@kompass.example" in first
    assert main(["demo"]) == 0
    again = capsys.readouterr().out
    assert "already present" in again
    db = open_database(tmp_path / "demo.db")
    rounds = db.execute("SELECT name, status, questionnaire_id FROM rounds ORDER BY id").fetchall()
    assert [tuple(r) for r in rounds] == [
        ("Egenvurdering 2024", "closed", "kommunekompasset-2.1"),
        ("Egenvurdering 2026", "open", "kommunekompasset-2.1"),
        ("Kommunkompassen 2026", "open", "kommunkompassen"),
    ]
    assert db.execute("SELECT count(*) FROM evidence WHERE state = 'accepted'").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] > 1000
    assert len(re.findall(r"/r/(\S+)", first)) == 2
    links = re.findall(r"/r/(\S+)", again)  # a later run hands out fresh links
    assert len(links) == 2
    db.close()
    # Each printed link opens a share of unanswered cards, not "nothing assigned to you".
    settings = Settings(db=str(tmp_path / "demo.db"), data_dir=str(tmp_path / "data"))
    with TestClient(app=create_app(settings)) as client:
        for token in links:
            welcome = client.get(f"/r/{token}/welcome?lang=en")
            assert welcome.status_code == 200
            assert "No questions are assigned to you yet" not in welcome.text
            share = client.get(f"/api/v1/respond/{token}")
            assert share.status_code == 200, share.text
            # A browser asking for a language the round's questionnaire lacks gets the
            # questionnaire's own language throughout, not buttons in one and questions in another.
            swedish = token in again.split("Kommunkompassen 2026")[1].split("\n")[0]
            other = "nb" if swedish else "sv"
            client.cookies.clear()  # ?lang=en above chose English for this browser
            page = client.get(f"/r/{token}/welcome", headers={"Accept-Language": other})
            assert f'<html lang="{"sv" if swedish else "nb"}"' in page.text
            chosen = client.get(f"/r/{token}/welcome?lang={other}")
            assert f'<html lang="{other}"' in chosen.text  # the language switch still rules
            client.cookies.clear()
            progress = share.json()["progress"]
            assigned = sum(area["total"] for area in progress)
            assert 20 <= assigned <= 40, progress
            assert sum(area["complete"] for area in progress) == 0, progress


def test_admin_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setenv("KOMPASS_DB", str(tmp_path / "admin.db"))
    assert (
        main(["admin", "create-municipality", "Simrishamn", "--country", "SE", "--locale", "sv"])
        == 0
    )
    assert "Created municipality 1: Simrishamn" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert (
        main(
            [
                "admin",
                "create-coordinator",
                "--municipality",
                "1",
                "--email",
                "k@simrishamn.se",
                "--password-stdin",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert (
        main(
            [
                "admin",
                "create-coordinator",
                "--municipality",
                "1",
                "--email",
                "x@simrishamn.se",
                "--password-stdin",
            ]
        )
        == 2
    )
    assert "at least 10 characters" in capsys.readouterr().err
    db = open_database(tmp_path / "admin.db")
    assert accounts.authenticate(db, "k@simrishamn.se", "a long enough password") is not None
    assert accounts.authenticate(db, "k@simrishamn.se", "wrong") is None
    stored = db.execute("SELECT password_hash FROM coordinators").fetchone()[0]
    assert stored.startswith("$argon2id$")
    db.close()


def test_respondent_text_is_escaped_on_coordinator_pages(client: TestClient[Litestar]) -> None:
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    page = client.post(
        f"/rounds/{round_id}/respondents", data={"role": "unit_leader", "_csrf_token": csrf}
    )
    link = re.search(r'id="new-link" readonly value="[^"]*(/r/[^"]+)"', page.text)
    assert link
    token_path = link.group(1)
    saved = client.post(
        f"{token_path}/i/1.1.2",
        data={"level-system": "3", "level-scope": "2", "comment": "<script>alert('x')</script>"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    results = client.get(f"/rounds/{round_id}/results")
    assert results.status_code == 200
    assert "<script>alert" not in results.text
    assert "&lt;script&gt;alert" in results.text


@pytest.mark.parametrize("path", ["/health", "/", "/login", "/static/kompass.css", "/r/nope/"])
def test_visits_without_a_session_store_none(
    client: TestClient[Litestar], settings: Settings, path: str
) -> None:
    """A request without a session (respondents, probes, static files) writes no session file
    and gets no session cookie; signing in still keeps a session, and signing out ends it."""
    sessions = settings.data_path / "sessions"
    for _ in range(3):
        response = client.get(path, follow_redirects=False)
        assert "kompass_session" not in response.headers.get("set-cookie", "")
    assert not list(sessions.glob("*"))
    sign_in(client, "k@fjellbygd.no")
    assert len(list(sessions.glob("*"))) == 1
    assert client.get("/rounds/", follow_redirects=False).status_code == 200
    client.get(path, follow_redirects=False)
    assert client.get("/rounds/", follow_redirects=False).status_code == 200
    csrf = client.cookies["kompass_csrf"]
    client.post("/logout", data={"_csrf_token": csrf}, follow_redirects=False)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303
    assert not list(sessions.glob("*"))


def test_results_say_not_enough_answers_yet_below_the_coverage_threshold(
    client: TestClient[Litestar],
) -> None:
    # One answered indicator is far below half the points: no bare total that jumps.
    csrf = sign_in(client, "k@fjellbygd.no")
    round_id = new_round(client, csrf)
    page = client.post(
        f"/rounds/{round_id}/respondents", data={"role": "unit_leader", "_csrf_token": csrf}
    )
    link = re.search(r'id="new-link" readonly value="[^"]*(/r/[^"]+)"', page.text)
    assert link
    card = client.post(
        f"{link.group(1)}/i/1.1.2",
        data={"level-system": "3", "level-scope": "3"},
        follow_redirects=False,
    )
    assert card.status_code == 303
    results = client.get(f"/rounds/{round_id}/results")
    assert results.status_code == 200
    assert "For få svar ennå" in results.text
    # In the example questionnaire 1.1.2 carries 16 of the 200 points: 8 %.
    assert "bare 8 % av poengene har svar så langt" in results.text
    # Area 1 too: 16 of its 100 points have answers; area 2 has none and says so already.
    assert "bare 16 % av poengene har svar så langt" in results.text
