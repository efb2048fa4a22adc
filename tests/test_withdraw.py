"""A respondent withdraws their own evidence until it is reviewed; the withdrawal is audited."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.domain.rounds import NewRound, RoundStatus
from service.settings import Settings
from service.storage import accounts, evidence, respondents, rounds
from service.storage.db import open_database
from service.storage.evidence_files import path_for
from service.storage.migrations import migrate

NEW_ROUND = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)


class Setup(msgspec.Struct):
    round_id: int
    coordinator_id: int
    mine: str
    other: str


@pytest.fixture
def setup(settings: Settings) -> Setup:
    db = open_database(settings.db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    coordinator = accounts.create_coordinator(
        db, municipality.id, "k@f.no", "correct horse battery"
    )
    rnd = rounds.set_status(
        db, rounds.create_round(db, municipality.id, NEW_ROUND), RoundStatus.OPEN
    )
    _, mine = respondents.invite(db, rnd.id, "mayor")
    _, other = respondents.invite(db, rnd.id, "mayor")
    db.close()
    return Setup(rnd.id, coordinator.id, mine, other)


@pytest.fixture
def client(settings: Settings, setup: Setup) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


def upload(client: TestClient[Litestar], token: str, content: bytes) -> dict[str, object]:
    response = client.post(
        f"/api/v1/respond/{token}/indicators/1.1.1/evidence",
        files={"file": ("plan.txt", content, "text/plain")},
    )
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def rows(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(settings.db_path) as conn:
        return conn.execute(sql).fetchall()


def test_unreviewed_upload_is_withdrawn_with_its_file(
    client: TestClient[Litestar], settings: Settings, setup: Setup
) -> None:
    item = upload(client, setup.mine, b"Draft plan\n")
    stored = path_for(settings.data_path / "evidence", str(item["sha256"]))
    assert stored.exists()
    page = client.get(f"/r/{setup.mine}/i/1.1.1").text
    assert f'action="/r/{setup.mine}/evidence/{item["id"]}/withdraw"' in page
    # The card's own form cannot hold another: the button names its form by id.
    assert f'form="withdraw-{item["id"]}"' in page
    response = client.delete(f"/api/v1/respond/{setup.mine}/evidence/{item['id']}")
    assert response.status_code == 204
    assert rows(settings, "SELECT count(*) FROM evidence") == [(0,)]
    assert not stored.exists()
    assert rows(settings, "SELECT action, actor, target FROM audit_log") == [
        ("evidence_withdrawn", "respondent:1", f"evidence:{item['id']}")
    ]


def test_a_file_shared_with_other_evidence_stays(
    client: TestClient[Litestar], settings: Settings, setup: Setup
) -> None:
    first = upload(client, setup.mine, b"Same content\n")
    upload(client, setup.other, b"Same content\n")
    response = client.post(
        f"/r/{setup.mine}/evidence/{first['id']}/withdraw", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{setup.mine}/i/1.1.1#evidence"
    assert path_for(settings.data_path / "evidence", str(first["sha256"])).exists()
    assert rows(settings, "SELECT count(*) FROM evidence") == [(1,)]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nb", "Dokumentasjon som er vurdert, kan ikke lenger trekkes tilbake."),
        ("sv", "Underlag som har granskats kan inte längre dras tillbaka."),
        ("en", "Evidence that has been reviewed can no longer be withdrawn."),
    ],
)
def test_reviewed_evidence_stays(
    client: TestClient[Litestar], settings: Settings, setup: Setup, lang: str, message: str
) -> None:
    item = upload(client, setup.mine, b"Adopted plan\n")
    db = open_database(settings.db_path)
    evidence.review(
        db,
        setup.round_id,
        int(str(item["id"])),
        evidence.ReviewState.ACCEPTED,
        "",
        setup.coordinator_id,
    )
    db.close()
    response = client.delete(
        f"/api/v1/respond/{setup.mine}/evidence/{item['id']}", headers={"Accept-Language": lang}
    )
    assert response.status_code == 409
    assert response.json()["message"] == message
    assert rows(settings, "SELECT count(*) FROM evidence") == [(1,)]


def test_someone_elses_evidence_is_not_found(
    client: TestClient[Litestar], settings: Settings, setup: Setup
) -> None:
    item = upload(client, setup.other, b"Theirs\n")
    response = client.delete(f"/api/v1/respond/{setup.mine}/evidence/{item['id']}")
    assert response.status_code == 404
    assert rows(settings, "SELECT count(*) FROM evidence") == [(1,)]
