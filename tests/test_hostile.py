"""Hostile text in every field a person types ends inert in pages, PDF, CSV, XLSX and JSON.

One string carries markup with script, a formula prefix, a right-to-left override and a NUL;
it goes in through the real forms and API as round name, respondent name and e-mail, answer
comment, evidence title and file name, link title and review comment. Oversized text
(10,000 characters) in each field is refused with a 4xx, never a 5xx.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import results
from service.app import create_app
from service.i18n import translator
from service.questionnaires import Catalog
from service.report import pdf
from service.settings import Settings
from service.storage import accounts, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

PASSWORD = "correct horse battery"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(2)>'
# Addresses with spaces are refused at invitation, so the hostile address does without.
HOSTILE_EMAIL = '<script>alert("x")</script><img/src=x/onerror=alert(2)>@x.no'
HOSTILE = f'=HYPERLINK("http://evil.example") {SCRIPT} \u202egnp.exe nul\x00end'
LONG = "x" * 10_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    db = open_database(settings.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, "k@fjellbygd.no", PASSWORD)
    db.close()
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


def api(client: TestClient[Litestar], method: str, path: str, body: Any = None) -> Any:
    response = client.request(
        method, path, json=body or {}, headers={"X-CSRFToken": client.cookies["kompass_csrf"]}
    )
    assert response.status_code < 300, response.text
    return response.json()


def test_hostile_text_is_inert_everywhere(client: TestClient[Litestar], settings: Settings) -> None:
    client.get("/health")
    api(client, "POST", "/api/v1/session", {"email": "k@fjellbygd.no", "password": PASSWORD})
    rnd = api(client, "POST", "/api/v1/rounds", {"name": HOSTILE, "questionnaire": "example-1.0"})
    rid = rnd["id"]
    api(client, "POST", f"/api/v1/rounds/{rid}/open")
    invited = api(
        client,
        "POST",
        f"/api/v1/rounds/{rid}/respondents",
        {"role": "mayor", "name": HOSTILE, "email": HOSTILE_EMAIL},
    )
    token = invited["token"]
    base = f"/api/v1/respond/{token}/indicators/1.1.1"
    levels = dict.fromkeys(["system", "scope", "results", "evaluation"], 2)
    api(client, "PUT", base, {"levels": levels, "comment": HOSTILE})
    upload = client.post(
        f"{base}/evidence",
        data={"title": HOSTILE},
        files={"file": (f"{SCRIPT}\u202e.txt", b"Plan for demokrati\n")},
    )
    assert upload.status_code == 201, upload.text
    assert "\u202e" not in upload.json()["filename"]
    assert upload.json()["filename"].endswith(".txt")
    link = api(
        client,
        "POST",
        f"{base}/links",
        {"url": "https://example.no/plan.pdf", "title": HOSTILE},
    )
    api(
        client,
        "POST",
        f"/api/v1/rounds/{rid}/evidence/{link['id']}/review",
        {"decision": "accepted", "comment": HOSTILE},
    )

    # Pages: the markup shows as text, never as markup.
    for path in [
        f"/rounds/{rid}",
        f"/rounds/{rid}/results",
        "/rounds/",
        f"/r/{token}/i/1.1.1",
        f"/r/{token}/overview",
    ]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "onerror=alert" not in page.text.replace("onerror=alert(2)&gt;", ""), path
        assert "&lt;script&gt;" in page.text, path

    # CSV: no cell a spreadsheet would run as a formula.
    for table in ["answers", "comments", "evidence", "indicators"]:
        response = client.get(f"/rounds/{rid}/export/{table}.csv?names=true")
        assert response.status_code == 200
        cells = [c for row in csv.reader(io.StringIO(response.text.lstrip("\ufeff"))) for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_START)], table
        if table in {"comments", "answers"}:
            assert any(SCRIPT in c for c in cells), table

    # XLSX: every cell is a value, none a formula.
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/rounds/{rid}/export.xlsx?names=true").content)
    )
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)

    # JSON: valid, and the text comes back exactly as typed.
    exported = client.get(f"/rounds/{rid}/export.json")
    assert json.loads(exported.content)
    respondent = client.get(f"/api/v1/respond/{token}/indicators/1.1.1").json()
    assert respondent["answer"]["comment"] == HOSTILE

    # PDF: the HTML WeasyPrint renders holds the text escaped.
    db = open_database(settings.db_path)
    municipality_id = accounts.get_coordinator(db, 1).municipality_id
    round_ = rounds.get_round(db, municipality_id, rid)
    t = translator("nb")
    model = results.report_model(db, Catalog(settings.questionnaire_path), round_, t)
    db.close()
    source = pdf.html(model, t)
    assert "<script>alert" not in source
    assert "&lt;script&gt;" in source


OVERSIZED = [
    ("POST", "/api/v1/rounds", {"name": LONG, "questionnaire": "example-1.0"}),
    ("POST", "/api/v1/rounds/{rid}/respondents", {"role": "mayor", "name": LONG}),
    ("POST", "/api/v1/rounds/{rid}/respondents", {"role": "mayor", "email": LONG + "@x.no"}),
    ("PUT", "{base}", {"levels": {"system": 0}, "comment": LONG}),
    ("POST", "{base}/links", {"url": "https://example.no/" + LONG, "title": "x"}),
]


def test_oversized_text_is_refused_with_a_4xx(client: TestClient[Litestar]) -> None:
    client.get("/health")
    api(client, "POST", "/api/v1/session", {"email": "k@fjellbygd.no", "password": PASSWORD})
    rid = api(client, "POST", "/api/v1/rounds", {"name": "R", "questionnaire": "example-1.0"})["id"]
    api(client, "POST", f"/api/v1/rounds/{rid}/open")
    token = api(client, "POST", f"/api/v1/rounds/{rid}/respondents", {"role": "mayor"})["token"]
    for method, path, body in OVERSIZED:
        url = path.format(rid=rid, base=f"/api/v1/respond/{token}/indicators/1.1.1")
        response = client.request(
            method, url, json=body, headers={"X-CSRFToken": client.cookies["kompass_csrf"]}
        )
        assert 400 <= response.status_code < 500, (url, response.text)
        assert response.json()["error"] == "invalid"
