"""Pages and the JSON API over the same use cases: each scenario runs through both, same outcome.

These were the cases where the two had drifted apart (issue 9); each runs once through the
server-rendered pages and once through the API, over a real app and a real SQLite file.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.settings import Settings

from .test_coordinator_web import Inbox, make_client, sign_in, smtp  # noqa: F401 - fixture

KINDS = {200: "ok", 201: "ok", 303: "ok", 400: "invalid", 404: "not_found", 409: "conflict"}


class Both:
    """One signed-in coordinator who can act through the pages and through the API."""

    def __init__(self, client: TestClient[Litestar], db_path: Path) -> None:
        self.client = client
        self.csrf = sign_in(client, "k@fjellbygd.no")
        self.db_path = db_path

    def api(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(path, json=body or {}, headers={"X-CSRFToken": self.csrf})

    def page(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        return self.client.post(
            path, data={**(data or {}), "_csrf_token": self.csrf}, follow_redirects=False
        )

    def round(self, *, opened: bool = True) -> int:
        response = self.api("/api/v1/rounds", {"name": "Runde", "questionnaire": "example-1.0"})
        assert response.status_code == 201, response.text
        round_id = int(response.json()["id"])
        if opened:
            assert self.api(f"/api/v1/rounds/{round_id}/open").status_code == 200
        return round_id

    def invite(self, round_id: int, role: str = "unit_leader", email: str = "") -> tuple[int, str]:
        response = self.api(
            f"/api/v1/rounds/{round_id}/respondents", {"role": role, "email": email}
        )
        assert response.status_code == 201, response.text
        return int(response.json()["respondent"]["id"]), str(response.json()["token"])

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def both(settings: Settings) -> Iterator[Both]:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Both(client, settings.db_path)


def _smtp_both(tmp_path: Path, example_dir: Path, port: int) -> tuple[Litestar, Settings]:
    settings = Settings(
        db=str(tmp_path / "k.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_sender="kompass@fjellbygd.no",
    )
    app, _, _ = make_client(settings)
    return app, settings


@pytest.mark.parametrize("via", ["page", "api"])
def test_reissue_emails_the_new_link(
    tmp_path: Path,
    example_dir: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture
    via: str,
) -> None:
    inbox, port = smtp
    app, settings = _smtp_both(tmp_path, example_dir, port)
    with TestClient(app=app) as client:
        b = Both(client, settings.db_path)
        round_id = b.round()
        rid, old = b.invite(round_id, email="kari@fjellbygd.no")
        assert len(inbox.messages) == 1
        path = f"/rounds/{round_id}/respondents/{rid}/reissue"
        response = b.page(path) if via == "page" else b.api(f"/api/v1{path}")
        assert KINDS[response.status_code] == "ok", response.text
        assert client.get(f"/api/v1/respond/{old}/").status_code == 404
    assert len(inbox.messages) == 2
    body = inbox.messages[1].get_payload(decode=True).decode()  # type: ignore[union-attr]
    new = re.search(r"/r/([A-Za-z0-9_-]+)", body)
    assert new
    assert new.group(1) != old
    assert b.rows("SELECT emailed_at IS NOT NULL FROM respondents WHERE id = ?", rid) == [(1,)]


@pytest.mark.parametrize("via", ["page", "api"])
def test_link_evidence_is_refused_on_a_draft_round(both: Both, via: str) -> None:
    round_id = both.round(opened=False)
    _, token = both.invite(round_id)
    link = {"url": "https://fjellbygd.no/plan.pdf", "title": "Plan"}
    if via == "page":
        response = both.client.post(
            f"/r/{token}/i/1.2.1/evidence", files={"url": (None, link["url"])}, data=link
        )
    else:
        response = both.client.post(f"/api/v1/respond/{token}/indicators/1.2.1/links", json=link)
    assert KINDS[response.status_code] == "conflict", response.text
    assert both.rows("SELECT COUNT(*) FROM evidence") == [(0,)]


@pytest.mark.parametrize("via", ["page", "api"])
def test_unknown_indicator_is_not_found(both: Both, via: str) -> None:
    _, token = both.invite(both.round())
    if via == "page":
        response = both.client.post(f"/r/{token}/i/9.9.9", data={"level-system": "2"})
    else:
        response = both.client.put(
            f"/api/v1/respond/{token}/indicators/9.9.9", json={"levels": {"system": 2}}
        )
    assert KINDS[response.status_code] == "not_found"
    assert both.rows("SELECT COUNT(*) FROM answers") == [(0,)]


@pytest.mark.parametrize("via", ["page", "api"])
def test_level_below_the_scale_gets_the_precise_message(both: Both, via: str) -> None:
    _, token = both.invite(both.round())
    if via == "page":
        response = both.client.post(
            f"/r/{token}/i/1.2.1", data={"level-system": "-1"}, headers={"accept-language": "en"}
        )
        text = response.text
    else:
        response = both.client.put(
            f"/api/v1/respond/{token}/indicators/1.2.1",
            json={"levels": {"system": -1}},
            headers={"accept-language": "en"},
        )
        text = response.json()["message"]
    assert response.status_code == 400
    assert "outside the scale 0–4" in text
    assert both.rows("SELECT COUNT(*) FROM answers") == [(0,)]


@pytest.mark.parametrize("via", ["page", "api"])
def test_revoke_and_reissue_report_true_progress(both: Both, via: str) -> None:
    round_id = both.round()
    rid, token = both.invite(round_id)
    response = both.client.put(
        f"/api/v1/respond/{token}/indicators/1.2.1", json={"levels": {"system": 0}}
    )
    assert response.status_code == 200, response.text
    for action in ["revoke", "reissue"]:
        path = f"/rounds/{round_id}/respondents/{rid}/{action}"
        response = both.page(path) if via == "page" else both.api(f"/api/v1{path}")
        assert KINDS[response.status_code] == "ok", response.text
        if via == "api":
            out = response.json()
            row = out["respondent"] if action == "reissue" else out
            # Progress counts the assignment: someone who left keeps only what they answered;
            # back with a new link, they take up their share (here all four) again.
            assert (row["complete"], row["total"]) == ((1, 1) if action == "revoke" else (1, 4))
    listed = both.client.get(f"/api/v1/rounds/{round_id}/respondents").json()
    assert [(r["complete"], r["total"], r["revoked"]) for r in listed] == [(1, 4, False)]


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"name": "", "questionnaire": "example-1.0"}, "invalid"),
        ({"name": "x" * 201, "questionnaire": "example-1.0"}, "invalid"),
        ({"name": "Runde", "questionnaire": "nope"}, "invalid"),
        ({"name": "Runde", "questionnaire": "example-1.0", "locale": "de"}, "invalid"),
        ({"name": "Runde", "questionnaire": "example-1.0", "deadline": "31.12.2026"}, "invalid"),
        ({"name": "Runde", "questionnaire": "example-1.0", "deadline": "2026-12-31"}, "ok"),
    ],
)
def test_round_creation_is_validated_once(
    both: Both, via: str, fields: dict[str, str], kind: str
) -> None:
    response = (
        both.page("/rounds/", fields) if via == "page" else both.api("/api/v1/rounds", fields)
    )
    assert KINDS[response.status_code] == kind, response.text
    assert both.rows("SELECT COUNT(*) FROM rounds") == [(1 if kind == "ok" else 0,)]


@pytest.mark.parametrize(("lines", "ok"), [(2500, True), (2501, False)])
def test_comment_line_breaks_count_once(both: Both, lines: int, ok: bool) -> None:
    """A browser sends CRLF; the textarea counted each line break as one character."""
    _, token = both.invite(both.round())
    comment = "\r\n".join(["x"] * lines)  # 2*lines - 1 characters as the textarea counts
    response = both.client.post(
        f"/r/{token}/i/1.2.1",
        data={"level-system": "0", "comment": comment},
        follow_redirects=False,
    )
    assert response.status_code == (303 if ok else 400)
    stored = both.rows("SELECT comment FROM answers")
    assert stored == ([("\n".join(["x"] * lines),)] if ok else [])


# The API operations before issue 9 moved the handlers onto the use cases; none may be lost
# but the step endpoint, which the whole-indicator PUT (issue 11) replaced.
OPERATIONS = [
    "DELETE /api/v1/session",
    "GET /api/v1/questionnaires",
    "GET /api/v1/respond/{token}",
    "GET /api/v1/respond/{token}/indicators/{indicator}",
    "GET /api/v1/rounds",
    "GET /api/v1/rounds/{round_id}",
    "GET /api/v1/rounds/{round_id}/evidence",
    "GET /api/v1/rounds/{round_id}/respondents",
    "GET /api/v1/rounds/{round_id}/result",
    "GET /api/v1/session",
    "GET /health",
    "POST /api/v1/respond/{token}/indicators/{indicator}/evidence",
    "POST /api/v1/respond/{token}/indicators/{indicator}/links",
    "POST /api/v1/rounds",
    "POST /api/v1/rounds/{round_id}/close",
    "POST /api/v1/rounds/{round_id}/evidence/{evidence_id}/review",
    "POST /api/v1/rounds/{round_id}/open",
    "POST /api/v1/rounds/{round_id}/respondents",
    "POST /api/v1/rounds/{round_id}/respondents/{respondent_id}/reissue",
    "POST /api/v1/rounds/{round_id}/respondents/{respondent_id}/revoke",
    "POST /api/v1/session",
    "PUT /api/v1/respond/{token}/indicators/{indicator}",
]


def test_openapi_keeps_every_operation(both: Both) -> None:
    doc = both.client.get("/schema/openapi.json").json()
    methods = {"get", "post", "put", "patch", "delete"}
    found = {f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item if m in methods}
    assert set(OPERATIONS) <= found
