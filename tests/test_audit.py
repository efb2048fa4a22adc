"""The audit trail: every listed coordinator action leaves an entry, via the pages and the API.

Entries are append-only; the round's trail is shown to its coordinators (and nobody else)
on a page and as CSV, and printed by `kompass audit`.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import rounds as use
from service.app import create_app
from service.cli import main
from service.domain.assignment import CoverageSettings
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import accounts, audit, evidence
from service.storage.db import open_database
from service.storage.migrations import migrate

PASSWORD = "correct horse battery"
EMAIL = "k@fjellbygd.no"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    db = open_database(settings.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    other = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, EMAIL, PASSWORD)
    accounts.create_coordinator(db, other.id, "k@dalbygd.no", PASSWORD)
    db.close()
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


class Pages:
    """Drives the coordinator's HTML forms."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self.client = client

    def sign_in(self, email: str, password: str) -> int:
        self.client.get("/login")
        self.csrf = self.client.cookies["kompass_csrf"]
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "_csrf_token": self.csrf},
            follow_redirects=False,
        ).status_code

    def post(self, path: str, **data: str) -> int:
        response = self.client.post(
            path, data={**data, "_csrf_token": self.csrf}, follow_redirects=False
        )
        assert response.status_code in {303, 401}, response.text
        return int(response.headers.get("location", "/0").split("#")[0].rsplit("/", 1)[1] or 0)

    def create_round(self) -> int:
        return self.post("/rounds/", name="Runde", questionnaire="example-1.0", locale="nb")

    def invite(self, round_id: int) -> int:
        self.post(f"/rounds/{round_id}/respondents", role="mayor", name="Kari", email="k@x.no")
        return int(
            self.client.app.state.store.db()
            .execute("SELECT max(id) FROM respondents")
            .fetchone()[0]
        )

    def review(self, round_id: int, evidence_id: int, decision: str) -> None:
        self.post(f"/rounds/{round_id}/evidence/{evidence_id}/review", decision=decision)


class Api:
    """Drives the JSON API."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self.client = client

    def sign_in(self, email: str, password: str) -> int:
        self.client.get("/health")
        self.csrf = self.client.cookies["kompass_csrf"]
        return self.client.post(
            "/api/v1/session",
            json={"email": email, "password": password},
            headers={"X-CSRFToken": self.csrf},
        ).status_code

    def post(self, path: str, **body: str) -> int:
        response = self.client.post(path, json=body, headers={"X-CSRFToken": self.csrf})
        assert response.status_code in {200, 201}, response.text
        return int(response.json().get("id") or response.json().get("respondent", {}).get("id", 0))

    def create_round(self) -> int:
        return self.post("/api/v1/rounds", name="Runde", questionnaire="example-1.0")

    def invite(self, round_id: int) -> int:
        return self.post(f"/api/v1/rounds/{round_id}/respondents", role="mayor", name="Kari")

    def review(self, round_id: int, evidence_id: int, decision: str) -> None:
        self.post(f"/api/v1/rounds/{round_id}/evidence/{evidence_id}/review", decision=decision)


def trail(settings: Settings) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(settings.db_path) as conn:
        return [
            (r[0], r[1], r[2], r[3])
            for r in conn.execute("SELECT action, actor_name, target, round_id FROM audit_log")
        ]


@pytest.mark.parametrize("channel", [Pages, Api])
def test_every_coordinator_action_is_recorded(
    client: TestClient[Litestar], settings: Settings, channel: type[Pages] | type[Api]
) -> None:
    ui = channel(client)
    assert ui.sign_in(EMAIL, "wrong password!") == 401
    assert ui.sign_in(EMAIL, PASSWORD) in {200, 303}
    round_id = ui.create_round()
    prefix = "/api/v1" if channel is Api else ""
    ui.post(f"{prefix}/rounds/{round_id}/open")
    respondent_id = ui.invite(round_id)
    ui.post(f"{prefix}/rounds/{round_id}/respondents/{respondent_id}/revoke")
    ui.post(f"{prefix}/rounds/{round_id}/respondents/{respondent_id}/reissue")
    db = open_database(settings.db_path)
    link = evidence.add_link(
        db, round_id, respondent_id, "1.1.1", "https://fjellbygd.no/plan", "Plan", None
    )
    ui.review(round_id, link.id, "accepted")
    ui.review(round_id, link.id, "rejected")
    # The review history is kept, not overwritten.
    assert [r.state.value for r in evidence.review_history(db, link.id)] == [
        "accepted",
        "rejected",
    ]
    db.close()
    for path in ("export/answers.csv?names=true", "export.xlsx", "export.json"):
        assert client.get(f"/rounds/{round_id}/{path}").status_code == 200
    if channel is Pages:
        ui.post(f"{prefix}/rounds/{round_id}/close", confirm="yes")
    else:
        ui.post(f"{prefix}/rounds/{round_id}/close")
    ui.post(f"{prefix}/rounds/{round_id}/reopen")
    ui.post(f"{prefix}/rounds/{round_id}/close", confirm="yes")
    # The first export of a closed round makes it final; later exports are just downloads.
    for _ in range(2):
        assert client.get(f"/rounds/{round_id}/export.json").status_code == 200

    r = str(round_id)
    who = f"respondent:{respondent_id}"
    expected = [
        ("sign_in_failed", EMAIL, "", None),
        ("sign_in", EMAIL, "", None),
        ("round_created", EMAIL, "", r),
        ("round_opened", EMAIL, "", r),
        ("invitation_issued", EMAIL, who, r),
        ("invitation_revoked", EMAIL, who, r),
        ("invitation_reissued", EMAIL, who, r),
        ("evidence_accepted", EMAIL, f"evidence:{link.id}", r),
        ("evidence_rejected", EMAIL, f"evidence:{link.id}", r),
        ("export_downloaded", EMAIL, "export:answers.csv", r),
        ("export_downloaded", EMAIL, "export:xlsx", r),
        ("export_downloaded", EMAIL, "export:json", r),
        ("round_closed", EMAIL, "", r),
        ("round_reopened", EMAIL, "", r),
        ("round_closed", EMAIL, "", r),
        ("export_downloaded", EMAIL, "export:json", r),
        ("round_finalised", EMAIL, "", r),
        ("export_downloaded", EMAIL, "export:json", r),
    ]
    assert [(a, n, t, str(i) if i is not None else None) for a, n, t, i in trail(settings)] == (
        expected
    )


def test_the_trail_is_append_only(client: TestClient[Litestar], settings: Settings) -> None:
    Pages(client).sign_in(EMAIL, PASSWORD)
    with sqlite3.connect(settings.db_path) as conn:
        for statement in ("UPDATE audit_log SET actor_name = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    assert len(trail(settings)) == 1


@pytest.mark.parametrize(
    ("lang", "heading", "label"),
    [
        ("nb", "Logg over endringer", "Runden åpnet"),
        ("sv", "Ändringslogg", "Omgången öppnad"),
        ("en", "Audit trail", "Round opened"),
    ],
)
def test_the_round_page_links_to_its_trail_with_csv(
    client: TestClient[Litestar], settings: Settings, lang: str, heading: str, label: str
) -> None:
    ui = Pages(client)
    ui.sign_in(EMAIL, PASSWORD)
    round_id = ui.create_round()
    ui.post(f"/rounds/{round_id}/open")
    headers = {"Accept-Language": lang}
    client.cookies.delete("kompass_lang")
    assert f'href="/rounds/{round_id}/audit"' in client.get(f"/rounds/{round_id}?lang={lang}").text
    page = client.get(f"/rounds/{round_id}/audit?lang={lang}", headers=headers)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert label in page.text
    assert EMAIL in page.text
    exported = client.get(f"/rounds/{round_id}/audit.csv?lang={lang}", headers=headers)
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [row[4] for row in table[1:]] == ["round_created", "round_opened"]
    assert table[2][3] == label
    assert trail(settings)[-1][0] == "audit_exported"


def test_another_municipality_cannot_see_the_trail(
    client: TestClient[Litestar], settings: Settings
) -> None:
    ui = Pages(client)
    ui.sign_in(EMAIL, PASSWORD)
    round_id = ui.create_round()
    client.post("/logout", data={"_csrf_token": ui.csrf})
    ui.sign_in("k@dalbygd.no", PASSWORD)
    assert client.get(f"/rounds/{round_id}/audit").status_code == 404
    assert client.get(f"/rounds/{round_id}/audit.csv").status_code == 404


def test_kompass_audit_prints_the_trail(
    client: TestClient[Litestar],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ui = Pages(client)
    ui.sign_in(EMAIL, PASSWORD)
    first = ui.create_round()
    second = ui.create_round()
    monkeypatch.setenv("KOMPASS_DB", str(settings.db_path))
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(settings.data_path))
    monkeypatch.setenv("KOMPASS_QUESTIONNAIRES", str(settings.questionnaire_path))
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines] == ["sign_in", "round_created", "round_created"]
    assert main(["audit", "--round", str(second), "--json"]) == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["action"], e["round_id"], e["actor_name"]) for e in entries] == [
        ("round_created", second, EMAIL)
    ]
    assert first != second


def test_entries_name_respondents_by_id_only(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    coordinator = accounts.create_coordinator(db, municipality.id, EMAIL, PASSWORD)
    audit.record(
        db, audit.Action.INVITATION_ISSUED, by=coordinator, round_id=1, target="respondent:7"
    )
    (entry,) = audit.entries(db)
    assert (entry.actor, entry.actor_name, entry.municipality_id) == (
        f"coordinator:{coordinator.id}",
        EMAIL,
        municipality.id,
    )
    assert audit.about_actor(db, "respondent:7") == [entry]
    db.close()


def test_the_use_cases_record_who_did_it(settings: Settings) -> None:
    """The round use cases record each action once, naming the actor they are given.

    The command line and the demo pass ``audit.OPERATOR``; pages and API pass the coordinator
    (checked above through both channels).
    """
    db = open_database(settings.db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    catalog = Catalog(settings.questionnaire_path)
    by = audit.OPERATOR
    rnd = use.create(
        db, catalog, municipality.id, by=by, name="Runde", questionnaire_id="example-1.0"
    )
    rnd = use.open_round(db, catalog, rnd, by=by)
    invitation = use.invite(db, catalog, settings, rnd, by=by, role="mayor")
    respondent = invitation.respondent.record.id
    use.reissue(db, catalog, settings, rnd, respondent, by=by)
    use.revoke(db, catalog, rnd, respondent, by=by)
    many = use.invite_many(
        db,
        catalog,
        settings,
        rnd,
        [["Ola", "ola@fjellbygd.no", "mayor"], ["Eva", "", "mayor"]],
        by=by,
    )
    use.set_coverage(
        db, catalog, rnd, CoverageSettings(min_per_indicator=2, max_per_person=10), by=by
    )
    rnd = use.close_round(db, rnd, by=by)
    rnd = use.reopen_round(db, rnd, by=by)
    rnd = use.close_round(db, rnd, by=by)
    rnd = use.results_exported(db, rnd, by=by)
    use.results_exported(db, rnd, by=by)
    trail = [
        (e.actor, e.action.value, e.target, e.municipality_id) for e in audit.for_round(db, rnd.id)
    ]
    who = f"respondent:{respondent}"
    assert trail == [
        (by, "round_created", "", municipality.id),
        (by, "round_opened", "", municipality.id),
        (by, "invitation_issued", who, municipality.id),
        (by, "invitation_reissued", who, municipality.id),
        (by, "invitation_revoked", who, municipality.id),
        *[
            (by, "invitation_issued", f"respondent:{i.respondent.record.id}", municipality.id)
            for i in many
        ],
        (by, "coverage_changed", "", municipality.id),
        (by, "round_closed", "", municipality.id),
        (by, "round_reopened", "", municipality.id),
        (by, "round_closed", "", municipality.id),
        (by, "round_finalised", "", municipality.id),
    ]
