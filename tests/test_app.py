"""The app over a real SQLite file: health, pages in every locale, localized errors, OpenAPI."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import Server


def test_health(client: TestClient[Litestar]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "pending_migrations": 0,
        "questionnaires": 1,
    }


@pytest.mark.parametrize(
    ("params", "headers", "lang", "heading"),
    [
        ({}, {}, "nb", "Hvor står kommunen din?"),
        ({}, {"Accept-Language": "sv-SE,sv;q=0.9"}, "sv", "Var står din kommun?"),
        ({}, {"Accept-Language": "en-GB"}, "en", "Where does your municipality stand?"),
        ({"lang": "sv"}, {"Accept-Language": "en"}, "sv", "Var står din kommun?"),
    ],
)
def test_home_page_language(
    client: TestClient[Litestar],
    params: dict[str, str],
    headers: dict[str, str],
    lang: str,
    heading: str,
) -> None:
    response = client.get("/", params=params, headers=headers)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert f"<h1>{heading}</h1>" in response.text


def test_language_choice_is_remembered(client: TestClient[Litestar]) -> None:
    client.get("/", params={"lang": "sv"})
    response = client.get("/", headers={"Accept-Language": "en"})
    assert "<h1>Var står din kommun?</h1>" in response.text


def test_home_lists_the_questionnaire_in_the_users_language(client: TestClient[Litestar]) -> None:
    assert "Exempelkompassen" in client.get("/", params={"lang": "sv"}).text
    assert "2 huvudområden" in client.get("/", params={"lang": "sv"}).text
    assert "Eksempelkompasset" in client.get("/", params={"lang": "nb"}).text


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nb", "Siden du ba om, finnes ikke."),
        ("sv", "Sidan du efterfrågade finns inte."),
        ("en", "The page you asked for does not exist."),
    ],
)
def test_not_found_is_localized(client: TestClient[Litestar], lang: str, message: str) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert page.status_code == 404
    assert message in page.text
    api = client.get("/api/no/such/thing", headers={"Accept-Language": lang})
    assert api.status_code == 404
    assert api.json() == {"status": 404, "error": "not_found", "message": message}


def test_method_not_allowed_is_a_clean_4xx(client: TestClient[Litestar]) -> None:
    response = client.post(
        "/health", headers={"Accept": "application/json", "Accept-Language": "sv"}
    )
    assert response.status_code == 405
    assert response.json()["message"] == "Den här åtgärden är inte tillåten här."


def test_openapi_is_served(client: TestClient[Litestar]) -> None:
    spec = client.get("/schema/openapi.json").json()
    assert spec["info"]["title"] == "Kompass API"
    assert "/health" in spec["paths"]


def test_static_stylesheet(client: TestClient[Litestar]) -> None:
    response = client.get("/static/kompass.css")
    assert response.status_code == 200
    assert "--accent" in response.text


def test_real_server_over_http(server: Server) -> None:
    health = httpx.get(f"{server.url}/health", timeout=10)
    assert health.json()["status"] == "ok"
    page = httpx.get(server.url, headers={"Accept-Language": "sv"}, timeout=10)
    assert "Var står din kommun?" in page.text
