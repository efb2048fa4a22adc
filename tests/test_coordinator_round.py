"""The coordinator's side of issue 11 over a real app and real SQLite files, page and API alike:
coverage settings and read-out, invitations in bulk, reminders over real SMTP, closing with
confirmation and reopening until export, role names and languages, the favicon."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import Workbook

from service.domain.answers import IndicatorAnswer, Status
from service.questionnaires import QUESTIONNAIRE_DIR
from service.settings import Settings
from service.storage import answers
from service.storage.db import open_database

from .test_coordinator_web import Inbox, make_client, sign_in, smtp  # noqa: F401 - fixture


class Coordinator:
    """A signed-in coordinator of Fjellbygd acting through pages and the API."""

    def __init__(self, client: TestClient[Litestar], db_path: Path) -> None:
        self.client = client
        self.csrf = sign_in(client, "k@fjellbygd.no")
        self.db_path = db_path

    def api(self, path: str, body: Any = None, method: str = "POST") -> httpx.Response:
        return self.client.request(
            method, path, json=body if body is not None else {}, headers={"X-CSRFToken": self.csrf}
        )

    def page(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        return self.client.post(
            path, data={**(data or {}), "_csrf_token": self.csrf}, follow_redirects=False, **kwargs
        )

    def round(self, *, opened: bool = True, **coverage: int) -> int:
        body = {"name": "Runde", "questionnaire": "example-1.0", **coverage}
        response = self.api("/api/v1/rounds", body)
        assert response.status_code == 201, response.text
        round_id = int(response.json()["id"])
        if opened:
            assert self.api(f"/api/v1/rounds/{round_id}/open").status_code == 200
        return round_id

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def respondents(self) -> int:
        return int(self.rows("SELECT COUNT(*) FROM respondents")[0][0])


@pytest.fixture
def coordinator(settings: Settings) -> Iterator[Coordinator]:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Coordinator(client, settings.db_path)


def _smtp_coordinator(tmp_path: Path, example_dir: Path, port: int) -> tuple[Litestar, Settings]:
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


# --- coverage settings -----------------------------------------------------------------------


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(
    ("people", "limit", "stored"),
    [
        ("", "", None),  # defaults: 3 and 40
        ("2", "5", (2, 2, 5)),
        ("50", "1000", (50, 2, 1000)),
        ("0", "40", "invalid"),
        ("51", "40", "invalid"),
        ("3", "0", "invalid"),
        ("3", "1001", "invalid"),
        ("tre", "40", "invalid"),
        ("2.5", "40", "invalid"),
    ],
)
def test_coverage_settings_on_the_new_round(
    coordinator: Coordinator, via: str, people: str, limit: str, stored: object
) -> None:
    fields = {"name": "Runde", "questionnaire": "example-1.0", "locale": "nb"}
    if via == "page":
        response = coordinator.page(
            "/rounds/",
            {**fields, "min_per_indicator": people, "max_per_person": limit},
            headers={"Accept-Language": "nb"},
        )
        message = response.text
    else:
        body: dict[str, Any] = dict(fields)
        for key, value in (("min_per_indicator", people), ("max_per_person", limit)):
            if value:
                body[key] = int(value) if value.isdigit() else value
        response = coordinator.client.post(
            "/api/v1/rounds",
            json=body,
            headers={"X-CSRFToken": coordinator.csrf, "Accept-Language": "nb"},
        )
        message = response.text
    if stored == "invalid":
        assert response.status_code == 400, response.text
        assert coordinator.rows("SELECT COUNT(*) FROM rounds") == [(0,)]
        if people in {"0", "51"} or (via == "page" and people in {"tre", "2.5"}):
            assert "Personer per indikator må være et helt tall fra 1 til 50." in message
        return
    assert response.status_code in (201, 303), response.text
    expected = (3, 2, 40) if stored is None else stored  # empty fields: the defaults
    coverage = coordinator.rows(
        "SELECT min_per_indicator, min_roles, max_per_person FROM round_coverage"
    )
    assert coverage == [expected]
    round_id = coordinator.rows("SELECT id FROM rounds")[0][0]
    shown = coordinator.client.get(f"/api/v1/rounds/{round_id}/coverage").json()["settings"]
    assert (shown["min_per_indicator"], shown["min_roles"], shown["max_per_person"]) == expected


def test_round_page_shows_what_is_short_and_why(coordinator: Coordinator) -> None:
    # The example asks 6 indicators of 3 roles; one unit leader can cover little.
    round_id = coordinator.round(min_per_indicator=2, max_per_person=2)
    coordinator.api(f"/api/v1/rounds/{round_id}/respondents", {"role": "unit_leader"})
    page = coordinator.client.get(f"/rounds/{round_id}?lang=en").text
    assert "Each indicator should be answered by at least 2 people" in page
    assert "6 indicators have too few people or roles assigned." in page
    assert "nobody in its roles is invited" in page  # 2.1.1 asks the chief executive only
    assert "too few people in its roles are invited" in page
    api = coordinator.client.get(f"/api/v1/rounds/{round_id}/coverage").json()
    by_id = {c["indicator"]: c for c in api["indicators"]}
    assert by_id["2.1.1"]["reasons"] == ["no_one_invited"]
    assert sum(c["assigned"] for c in api["indicators"]) == 2  # the limit holds
    assert [a["indicators"] for a in api["areas"]] == [3, 3]
    # Invite enough people: everything is covered, and the page says so.
    for role in ["chief_executive", "chief_executive", "mayor", "unit_leader", "mayor"]:
        coordinator.api(f"/api/v1/rounds/{round_id}/respondents", {"role": role})
    response = coordinator.api(
        f"/api/v1/rounds/{round_id}/coverage",
        {"min_per_indicator": 2, "max_per_person": 40},
        method="PUT",
    )
    assert response.status_code == 200, response.text
    assert all(
        c["short_by"] == 0 and c["roles_short_by"] == 0 for c in response.json()["indicators"]
    )
    page = coordinator.client.get(f"/rounds/{round_id}?lang=en").text
    assert "Every indicator has enough people assigned." in page


@pytest.mark.parametrize("value", ["0", "abc", "1001"])
def test_changing_coverage_refuses_bad_values_on_the_page(
    coordinator: Coordinator, value: str
) -> None:
    round_id = coordinator.round()
    response = coordinator.page(
        f"/rounds/{round_id}/coverage",
        {"min_per_indicator": "3", "min_roles": "2", "max_per_person": value},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "Indicators per person must be a whole number from 1 to 1000." in response.text
    assert coordinator.rows(
        "SELECT min_per_indicator, min_roles, max_per_person FROM round_coverage"
    ) == [(3, 2, 40)]


# --- invitations in bulk ---------------------------------------------------------------------

PEOPLE = [
    ("Kari Nordmann", "kari@fjellbygd.no", "Enhetsleder"),  # nb name
    ("Ola Nordmann", "ola@fjellbygd.no", "mayor"),  # id
    ("Sven Svensson", "sven@fjellbygd.no", "Kommundirektör"),  # sv name
    ("Anne Smith", "anne@fjellbygd.no", "unit leader"),  # en name, any case
]
ROLES = ["unit_leader", "mayor", "chief_executive", "unit_leader"]


def _xlsx(rows: list[tuple[str, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(rows: list[tuple[str, ...]], sep: str) -> str:
    return "\n".join(sep.join(row) for row in rows)


UPLOADS = {
    "paste-tab": ("paste", _text([("Navn", "E-post", "Rolle"), *PEOPLE], "\t").encode()),
    "paste-semicolon": ("paste", _text(PEOPLE, ";").encode()),
    "csv-comma-bom": ("people.csv", "\ufeff".encode() + _text(PEOPLE, ",").encode()),
    "csv-cp1252": (
        "people.csv",
        _text([("Name", "E-mail", "Role"), *PEOPLE], ";").encode("cp1252"),
    ),
    "xlsx": ("people.xlsx", _xlsx([("Name", "E-mail", "Role"), *PEOPLE])),
}


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_invite_many_from_a_list_shows_every_link_and_a_csv(
    coordinator: Coordinator, kind: str
) -> None:
    round_id = coordinator.round()
    filename, content = UPLOADS[kind]
    if filename == "paste":
        response = coordinator.page(
            f"/rounds/{round_id}/respondents/bulk",
            {"people": content.decode()},
            files={"file": ("", b"")},
        )
    else:
        response = coordinator.page(
            f"/rounds/{round_id}/respondents/bulk", files={"file": (filename, content)}
        )
    assert response.status_code == 303, response.text
    stored = coordinator.rows("SELECT name, email, role FROM respondents ORDER BY id")
    assert stored == [(n, e, r) for (n, e, _), r in zip(PEOPLE, ROLES, strict=True)]
    page = coordinator.client.get(f"/rounds/{round_id}", headers={"Accept-Language": "nb"}).text
    links = re.findall(r'id="link-\d+" readonly value="([^"]+)"', page)
    assert len(links) == 4
    assert len(set(links)) == 4
    assert "de kan ikke vises igjen senere" in page
    assert page.count("data-copy=") == 4
    assert "<script" not in page.split("</head>", 1)[1]  # no inline script in the body
    # Each link works (the respondent's API knows it), and the CSV holds the same links.
    for link in links:
        token = link.rsplit("/r/", 1)[1]
        assert coordinator.client.get(f"/api/v1/respond/{token}").status_code == 200
    download = coordinator.client.get(f"/rounds/{round_id}/new-links.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert table[0] == ["Navn", "E-post", "Rolle", "Personlig lenke"]
    assert [row[3] for row in table[1:]] == links
    assert [row[2] for row in table[1:]] == [
        "Enhetsleder",
        "Ordfører",
        "Kommunedirektør",
        "Enhetsleder",
    ]
    # Once the coordinator is done, the links are gone for good (only hashes are stored).
    assert coordinator.page(f"/rounds/{round_id}/new-links/forget").status_code == 303
    assert coordinator.client.get(f"/rounds/{round_id}/new-links.csv").status_code == 404
    assert links[0] not in coordinator.client.get(f"/rounds/{round_id}").text
    for link in links:
        assert link.rsplit("/r/", 1)[1] not in str(coordinator.rows("SELECT * FROM respondents"))


BAD_LISTS = [
    # (rows, the row numbers named)
    (
        "Kari;kari@fjellbygd.no;Enhetsleder\nOla;ola@fjellbygd.no;vaktmester",
        {2: "Ukjent rolle «vaktmester»."},
    ),
    (
        "Kari;kari@;unit_leader\nOla;ola@fjellbygd.no",
        {1: "Skriv inn en gyldig e-postadresse.", 2: "Forventet tre kolonner"},
    ),
    (
        "Kari;kari@fjellbygd.no;mayor\n\nKari B;KARI@fjellbygd.no;mayor",
        {3: "Samme e-postadresse står allerede i rad 1."},
    ),
    ("Kari;;mayor\nOla;ola@fjellbygd.no", {2: "Forventet tre kolonner"}),
]


@pytest.mark.parametrize(("text", "named"), BAD_LISTS)
def test_bad_rows_are_each_named_and_nothing_is_created(
    coordinator: Coordinator, text: str, named: dict[int, str]
) -> None:
    round_id = coordinator.round()
    response = coordinator.page(
        f"/rounds/{round_id}/respondents/bulk",
        {"people": text},
        files={"file": ("", b"")},
        headers={"Accept-Language": "nb"},
    )
    assert response.status_code == 400
    assert coordinator.respondents() == 0
    assert "Ingenting ble lagret" in response.text
    for row, message in named.items():
        assert re.search(
            rf"<li>Rad {row}: [^<]*{re.escape(message)}", response.text.replace("&#34;", '"')
        ), (
            row,
            response.text,
        )
    # What was pasted is still there to correct.
    textarea = re.search(r'<textarea id="people"[^>]*>([^<]*)</textarea>', response.text)
    assert textarea
    assert textarea.group(1).replace("&#64;", "@") == text
    # The API names the same rows, in the same way, and saves nothing either.
    api = coordinator.client.post(
        f"/api/v1/rounds/{round_id}/respondents/bulk",
        json={"text": text},
        headers={"X-CSRFToken": coordinator.csrf, "Accept-Language": "nb"},
    )
    assert api.status_code == 400
    assert {r["row"] for r in api.json()["rows"]} == set(named)
    assert coordinator.respondents() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("people.xlsx", b"PK\x03\x04 not really a workbook", "The workbook could not be read."),
        ("people.xls", b"\xd0\xcf\x11\xe0\x00\x00old excel", "Upload the list as .xlsx or .csv."),
        ("people.csv", b"", "The list is empty"),
        ("people.csv", b"a;b;c\n" * 3_000_000, "The file is too large"),
    ],
)
def test_unreadable_files_are_refused_plainly(
    coordinator: Coordinator, filename: str, content: bytes, message: str
) -> None:
    round_id = coordinator.round()
    response = coordinator.page(
        f"/rounds/{round_id}/respondents/bulk",
        files={"file": (filename, content)},
        headers={"Accept-Language": "en"},
    )
    assert 400 <= response.status_code < 500
    assert coordinator.respondents() == 0
    if response.status_code == 400:
        assert message in response.text


def test_someone_already_invited_is_not_invited_twice(coordinator: Coordinator) -> None:
    round_id = coordinator.round()
    first = coordinator.api(
        f"/api/v1/rounds/{round_id}/respondents/bulk",
        {"rows": [["Kari", "kari@fjellbygd.no", "unit_leader"]]},
    )
    assert first.status_code == 201, first.text
    assert first.json()[0]["respondent"]["role"] == "unit_leader"
    again = coordinator.client.post(
        f"/api/v1/rounds/{round_id}/respondents/bulk",
        json={
            "rows": [
                ["Ola", "ola@fjellbygd.no", "mayor"],
                ["Kari", "Kari@Fjellbygd.no", "Enhetsleder"],
            ]
        },
        headers={"X-CSRFToken": coordinator.csrf, "Accept-Language": "en"},
    )
    assert again.status_code == 400
    assert again.json()["rows"] == [
        {"row": 2, "message": "This person is already invited to the round."}
    ]
    assert coordinator.respondents() == 1


def test_bulk_invitations_share_the_work(coordinator: Coordinator) -> None:
    round_id = coordinator.round(max_per_person=3)
    rows = [
        [f"P{n}", f"p{n}@fjellbygd.no", role]
        for n, role in enumerate(["mayor", "chief_executive", "unit_leader"] * 2)
    ]
    response = coordinator.api(f"/api/v1/rounds/{round_id}/respondents/bulk", {"rows": rows})
    assert response.status_code == 201, response.text
    totals = [i["respondent"]["total"] for i in response.json()]
    assert all(0 < t <= 3 for t in totals)
    assigned = coordinator.rows("SELECT COUNT(*) FROM assignments")[0][0]
    assert assigned == sum(totals)


# --- reminders -------------------------------------------------------------------------------


def _finish(db_path: Path, respondent_id: int) -> None:
    """Answer every indicator assigned to a respondent (as "planned": complete, earns nothing)."""
    db = open_database(db_path)
    try:
        ids = [
            r[0]
            for r in db.execute(
                "SELECT indicator_id FROM assignments WHERE respondent_id = ?", [respondent_id]
            ).fetchall()
        ]
        for indicator in ids:
            answers.save(
                db,
                respondent_id,
                IndicatorAnswer(indicator=indicator, status=Status.PLANNED),
                author="t",
            )
    finally:
        db.close()


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize("new_links", [False, True])
def test_reminders_go_to_those_not_finished(
    tmp_path: Path,
    example_dir: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture
    via: str,
    new_links: bool,
) -> None:
    inbox, port = smtp
    app, settings = _smtp_coordinator(tmp_path, example_dir, port)
    with TestClient(app=app) as client:
        c = Coordinator(client, settings.db_path)
        round_id = c.round()
        made = c.api(
            f"/api/v1/rounds/{round_id}/respondents/bulk",
            {
                "rows": [
                    ["Kari", "kari@fjellbygd.no", "unit_leader"],  # not started
                    ["Ola", "ola@fjellbygd.no", "mayor"],  # finished
                    ["Per", "per@fjellbygd.no", "chief_executive"],  # link withdrawn
                ]
            },
        ).json()
        c.api(f"/api/v1/rounds/{round_id}/respondents", {"role": "unit_leader", "name": "Uten"})
        kari, ola, per = (m["respondent"]["id"] for m in made)
        old_token = made[0]["token"]
        _finish(settings.db_path, ola)
        c.api(f"/api/v1/rounds/{round_id}/respondents/{per}/revoke")
        invitations = len(inbox.messages)
        assert invitations == 3
        if via == "page":
            response = c.page(
                f"/rounds/{round_id}/remind", {"new_links": "yes"} if new_links else {}
            )
            assert response.status_code == 303
            page = client.get(f"/rounds/{round_id}", headers={"Accept-Language": "nb"}).text
            assert "En påminnelse ble sendt på e-post til 1 person." in page
            assert "Uten e-postadresse (minn dem på selv): Uten." in page
            shown = re.findall(r'id="link-\d+" readonly value="([^"]+)"', page)
            assert len(shown) == (1 if new_links else 0)
        else:
            response = c.api(f"/api/v1/rounds/{round_id}/remind", {"new_links": new_links})
            assert response.status_code == 200, response.text
            out = response.json()
            assert out["sent"] == [kari]
            assert len(out["no_email"]) == 1
            assert len(out["links"]) == (1 if new_links else 0)
        reminders = inbox.messages[invitations:]
        assert [m["To"] for m in reminders] == ["kari@fjellbygd.no"]
        assert str(make_header(decode_header(reminders[0]["Subject"]))) == "Påminnelse: Runde"
        body = reminders[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
        assert "Du har 4 spørsmål igjen." in body
        new = re.search(r"/r/([A-Za-z0-9_-]+)", body)
        old_works = client.get(f"/api/v1/respond/{old_token}").status_code == 200
        if new_links:
            assert new
            assert new.group(1) != old_token
            assert client.get(f"/api/v1/respond/{new.group(1)}").status_code == 200
            assert not old_works
        else:
            assert new is None
            assert "lenken fra invitasjonen" in body
            assert old_works


def test_reminders_need_email(coordinator: Coordinator) -> None:
    round_id = coordinator.round()
    response = coordinator.client.post(
        f"/api/v1/rounds/{round_id}/remind",
        json={},
        headers={"X-CSRFToken": coordinator.csrf, "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response.json()["message"] == "E-mail is not configured: reminders cannot be sent."
    page = coordinator.client.get(f"/rounds/{round_id}?lang=en").text
    assert "Reminders are sent by e-mail, which is not configured." in page


# --- closing, reopening ----------------------------------------------------------------------


def test_closing_asks_first_and_can_be_undone_until_export(coordinator: Coordinator) -> None:
    round_id = coordinator.round()
    ask = coordinator.client.get(f"/rounds/{round_id}/close", headers={"Accept-Language": "nb"})
    assert ask.status_code == 200
    assert "Avslutte runden?" in ask.text
    assert "Du kan åpne runden igjen til du eksporterer resultatene." in ask.text
    unconfirmed = coordinator.page(f"/rounds/{round_id}/close", headers={"Accept-Language": "nb"})
    assert unconfirmed.status_code == 400
    assert "Bekreft at runden skal avsluttes." in unconfirmed.text
    assert coordinator.rows("SELECT status FROM rounds") == [("open",)]
    assert coordinator.page(f"/rounds/{round_id}/close", {"confirm": "yes"}).status_code == 303
    assert coordinator.rows("SELECT status FROM rounds") == [("closed",)]
    page = coordinator.client.get(f"/rounds/{round_id}", headers={"Accept-Language": "nb"}).text
    assert "Åpne runden igjen" in page
    assert coordinator.page(f"/rounds/{round_id}/reopen").status_code == 303
    assert coordinator.rows("SELECT status, closed_at FROM rounds") == [("open", None)]
    # Exporting an open round's provisional results does not make it final.
    assert coordinator.client.get(f"/rounds/{round_id}/export.json").status_code == 200
    assert coordinator.api(f"/api/v1/rounds/{round_id}/close").status_code == 200
    assert coordinator.api(f"/api/v1/rounds/{round_id}/reopen").status_code == 200
    assert coordinator.api(f"/api/v1/rounds/{round_id}/close").status_code == 200
    # The closed round's results leave Kompass: from now on it stays closed.
    assert coordinator.client.get(f"/rounds/{round_id}/export.xlsx").status_code == 200
    refused = coordinator.client.post(
        f"/api/v1/rounds/{round_id}/reopen",
        headers={"X-CSRFToken": coordinator.csrf, "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert "exported" in refused.json()["message"]
    page = coordinator.client.get(f"/rounds/{round_id}", headers={"Accept-Language": "nb"}).text
    assert "Åpne runden igjen" not in page
    assert "kan ikke åpnes igjen" in page
    assert coordinator.page(f"/rounds/{round_id}/reopen").status_code == 409
    assert coordinator.rows("SELECT status FROM rounds") == [("closed",)]


def test_only_a_closed_round_reopens(coordinator: Coordinator) -> None:
    round_id = coordinator.round()
    response = coordinator.api(f"/api/v1/rounds/{round_id}/reopen")
    assert response.status_code == 409


# --- names, languages, favicon ---------------------------------------------------------------


@pytest.fixture
def real_catalog(tmp_path: Path) -> Iterator[Coordinator]:
    settings = Settings(
        db=str(tmp_path / "real.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(QUESTIONNAIRE_DIR),
    )
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Coordinator(client, settings.db_path)


@pytest.mark.parametrize(
    ("lang", "unit_leader", "union_rep"),
    [
        ("nb", "Enhetsleder/virksomhetsleder", "Hovedtillitsvalgt/hovedverneombud"),
        ("sv", "Enhetschef/verksamhetschef", "Facklig företrädare/skyddsombud"),
        ("en", "Unit leader", "Chief union or safety representative"),
    ],
)
def test_role_names_in_every_ui_language(
    real_catalog: Coordinator, lang: str, unit_leader: str, union_rep: str
) -> None:
    # A Norwegian questionnaire names its roles in nb and en only; Swedish comes from the catalog.
    response = real_catalog.api(
        "/api/v1/rounds", {"name": "Runde", "questionnaire": "kommunekompasset-2.1"}
    )
    round_id = response.json()["id"]
    real_catalog.api(f"/api/v1/rounds/{round_id}/respondents", {"role": "unit_leader"})
    page = real_catalog.client.get(f"/rounds/{round_id}?lang={lang}").text
    listed = real_catalog.client.get(
        "/api/v1/questionnaires", headers={"Accept-Language": lang}
    ).json()
    roles = {
        r["id"]: r["title"] for q in listed if q["id"] == "kommunekompasset-2.1" for r in q["roles"]
    }
    assert roles["unit_leader"] == unit_leader
    assert f'<option value="unit_leader">{unit_leader}</option>' in page
    assert f'<option value="union_rep">{union_rep}</option>' in page
    assert (
        f'<td data-label="{ {"nb": "Rolle", "sv": "Roll", "en": "Role"}[lang] }">{unit_leader}</td>'
        in page
    )


def test_new_round_form_offers_the_questionnaires_languages(real_catalog: Coordinator) -> None:
    page = real_catalog.client.get("/rounds/?lang=en").text
    options = dict(
        re.findall(r'<option value="(nb|sv|en)" lang="\1" data-questionnaires="([^"]*)"', page)
    )
    assert set(options["nb"].split()) == {"kommunekompasset-2.1"}
    assert set(options["sv"].split()) == {"kommunkompassen"}
    assert set(options["en"].split()) == {"kommunekompasset-2.1", "kommunkompassen"}
    # Without JavaScript a wrong pair can still be sent: refused with a message, nothing made.
    refused = real_catalog.page(
        "/rounds/",
        {"name": "R", "questionnaire": "kommunekompasset-2.1", "locale": "sv"},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 400
    assert "This questionnaire is not available in the chosen language." in refused.text
    assert real_catalog.rows("SELECT COUNT(*) FROM rounds") == [(0,)]


def test_favicon(coordinator: Coordinator) -> None:
    moved = coordinator.client.get("/favicon.ico", follow_redirects=False)
    assert moved.status_code == 301
    icon = coordinator.client.get(moved.headers["location"])
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    assert 'rel="icon" href="/static/favicon.svg"' in coordinator.client.get("/").text


def test_links_csv_defuses_formulas(coordinator: Coordinator) -> None:
    round_id = coordinator.round()
    response = coordinator.page(
        f"/rounds/{round_id}/respondents/bulk",
        {"people": '=HYPERLINK("http://evil");eva@fjellbygd.no;mayor'},
        files={"file": ("", b"")},
    )
    assert response.status_code == 303, response.text
    download = coordinator.client.get(f"/rounds/{round_id}/new-links.csv").text
    row = list(csv.reader(io.StringIO(download.lstrip("\ufeff"))))[1]
    assert row[0] == '\'=HYPERLINK("http://evil")'
