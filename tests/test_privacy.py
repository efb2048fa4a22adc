"""Data-protection duties: remove personal data (answers stay and still count), export a person,
delete a round with its files, anonymise old rounds — from the coordinator's pages and the CLI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.backup import verify
from service.cli import main
from service.domain.answers import IndicatorAnswer, Status
from service.domain.assignment import CoverageSettings, Pair
from service.domain.questionnaire import Dimension
from service.domain.rounds import NewRound, RoundStatus
from service.questionnaires import Catalog
from service.results import assessment
from service.settings import Settings
from service.storage import (
    accounts,
    answers,
    assignments,
    audit,
    evidence,
    evidence_text,
    respondents,
    round_assistant,
    rounds,
)
from service.storage.db import open_database
from service.storage.evidence_files import EvidenceSink, path_for
from service.storage.migrations import migrate

PASSWORD = "correct horse battery"
EMAIL = "k@fjellbygd.no"
KARI = "kari@fjellbygd.no"

NEW_ROUND = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)


class World(msgspec.Struct):
    """Two rounds of Fjellbygd (Kari invited to both) and one of Dalbygd (Kari there too)."""

    first: int
    second: int
    other: int
    kari: int
    ola: int
    shared_file: str
    own_file: str


def upload(settings: Settings, content: bytes) -> EvidenceSink:
    sink = EvidenceSink(settings.data_path / "evidence", 1024 * 1024)
    sink.write(content)
    return sink


def build(settings: Settings) -> World:
    db = open_database(settings.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    away = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, EMAIL, PASSWORD)
    accounts.create_coordinator(db, away.id, "k@dalbygd.no", PASSWORD)
    made = []
    for municipality in (home.id, home.id, away.id):
        rnd = rounds.create_round(db, municipality, NEW_ROUND)
        made.append(rounds.set_status(db, rnd, RoundStatus.OPEN).id)
    first, second, other = made
    kari, _ = respondents.invite(db, first, "mayor", "Kari Nordmann", KARI)
    ola, _ = respondents.invite(db, first, "mayor", "Ola", "ola@fjellbygd.no")
    kari_again, _ = respondents.invite(db, second, "mayor", "Kari Nordmann", KARI)
    respondents.invite(db, other, "mayor", "Kari Nordmann", KARI)
    for who, level in ((kari.id, 4), (kari.id, 3), (ola.id, 2), (kari_again.id, 1)):
        answer = IndicatorAnswer(
            indicator="1.1.1", status=Status.ANSWERED, levels={Dimension.SYSTEM: level}
        )
        answers.save(db, who, answer, author=f"respondent:{who}")
    shared = upload(settings, b"Plan shared by two rounds\n").finish()
    own = upload(settings, b"Kari's own document\n").finish()
    evidence.add_file(db, first, kari.id, "1.1.1", shared, "plan.txt", "Plan", None)
    evidence.add_file(db, second, kari_again.id, "1.1.1", shared, "plan.txt", "Plan", None)
    record = evidence.add_file(db, first, kari.id, "1.1.1", own, "own.txt", "Own", None)
    coordinator_id = accounts.authenticate(db, EMAIL, PASSWORD)
    assert coordinator_id is not None
    for state in (evidence.ReviewState.REJECTED, evidence.ReviewState.ACCEPTED):
        evidence.review(db, first, record.id, state, "", coordinator_id.id)
    # What the assistant and the assignment keep about the first round, each referring to it.
    evidence_text.save(
        db,
        evidence_text.EvidenceText(
            evidence_id=record.id, round_id=first, indicator_id="1.1.1", kind="file", text="Own"
        ),
    )
    with db.conn:
        db.execute(
            "INSERT INTO assistant_proposals (respondent_id, indicator_id, text, proposal,"
            " provider, created_at) VALUES (?, '1.1.1', 'Vi har en plan', '{}', 'offline', '')",
            [kari.id],
        )
    round_assistant.set_llm_allowed(db, first, False)
    assignments.replace(db, first, [Pair(invitation=kari.id, indicator="1.1.1")])
    assignments.set_settings(db, first, CoverageSettings())
    db.close()
    return World(first, second, other, kari.id, ola.id, shared.sha256, own.sha256)


@pytest.fixture
def world(settings: Settings) -> World:
    return build(settings)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


def sign_in(client: TestClient[Litestar], who: str = EMAIL) -> str:
    client.get("/login")
    csrf = client.cookies["kompass_csrf"]
    response = client.post(
        "/login",
        data={"email": who, "password": PASSWORD, "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return csrf


def query(settings: Settings, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(settings.db_path) as conn:
        return conn.execute(sql, params).fetchall()


def result_of(settings: Settings, round_id: int) -> bytes:
    db = open_database(settings.db_path)
    try:
        rnd = rounds.get_round_unscoped(db, round_id)
        return msgspec.json.encode(assessment(db, Catalog(settings.questionnaire_path), rnd))
    finally:
        db.close()


def test_removing_personal_data_keeps_the_answers_and_the_result(
    client: TestClient[Litestar], settings: Settings, world: World
) -> None:
    csrf = sign_in(client)
    before = result_of(settings, world.first)
    assert "Kari Nordmann" in client.get(f"/rounds/{world.first}").text
    response = client.post(
        f"/rounds/{world.first}/respondents/{world.kari}/forget",
        data={"_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert query(settings, "SELECT name, email FROM respondents WHERE id = ?", world.kari) == [
        ("", "")
    ]
    assert query(settings, "SELECT count(*) FROM answers WHERE respondent_id = ?", world.kari) == [
        (2,)
    ]
    assert result_of(settings, world.first) == before
    page = client.get(f"/rounds/{world.first}").text
    assert KARI not in page
    assert "Ola" in page  # only Kari's data went
    assert query(
        settings, "SELECT action, target FROM audit_log WHERE action LIKE 'personal%'"
    ) == [("personal_data_removed", f"respondent:{world.kari}")]


def test_export_holds_everything_about_the_person_in_the_municipality(
    client: TestClient[Litestar], settings: Settings, world: World
) -> None:
    sign_in(client)
    response = client.get(f"/rounds/{world.first}/respondents/{world.kari}/personal-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["email"] == KARI
    assert [p["round"]["id"] for p in data["respondents"]] == [world.first, world.second]
    first = data["respondents"][0]
    assert first["respondent"]["name"] == "Kari Nordmann"
    assert "token_hash" not in first["respondent"]
    assert [a["levels"]["system"] for a in first["answers"]] == [4, 3]  # every version
    reviews = next(e for e in first["evidence"] if e["title"] == "Own")["reviews"]
    assert [r["state"] for r in reviews] == ["rejected", "accepted"]
    assert data["coordinator"] is None
    assert data["sign_in_attempts"] == []  # not the municipality's data
    assert query(settings, "SELECT action FROM audit_log")[-1] == ("personal_data_exported",)


def test_deleting_a_round_removes_its_rows_and_files_but_not_shared_ones(
    client: TestClient[Litestar], settings: Settings, world: World
) -> None:
    csrf = sign_in(client)
    wrong = client.post(
        f"/rounds/{world.first}/delete",
        data={"_csrf_token": csrf, "confirm": "something else"},
        headers={"Accept-Language": "sv"},
    )
    assert wrong.status_code == 400
    assert "Skriv omgångens namn" in wrong.text
    response = client.post(
        f"/rounds/{world.first}/delete",
        data={"_csrf_token": csrf, "confirm": "Runde"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/rounds"
    assert client.get(f"/rounds/{world.first}").status_code == 404
    for table in ("respondents", "evidence", "evidence_text", "round_assistant", "assignments"):
        assert query(settings, f"SELECT count(*) FROM {table} WHERE round_id = ?", world.first) == [
            (0,)
        ]
    for table in ("answers", "assistant_proposals"):
        assert query(
            settings,
            f"SELECT count(*) FROM {table} WHERE respondent_id IN (?, ?)",
            world.kari,
            world.ola,
        ) == [(0,)]
    assert query(
        settings, "SELECT count(*) FROM round_coverage WHERE round_id = ?", world.first
    ) == [(0,)]
    root = settings.data_path / "evidence"
    assert not path_for(root, world.own_file).exists()
    assert path_for(root, world.shared_file).exists()  # the second round still uses it
    assert verify(settings.db_path, settings.data_path).problems == []
    (_, details) = query(
        settings, "SELECT action, details FROM audit_log WHERE action = 'round_deleted'"
    )[0]
    assert json.loads(str(details))["answers"] == 3
    # Everywhere else answers are still append-only.
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        query(settings, "DELETE FROM answers")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/rounds/{round}/respondents/{kari}/forget"),
        ("get", "/rounds/{round}/respondents/{kari}/personal-data.json"),
        ("post", "/rounds/{round}/delete"),
    ],
)
def test_another_municipality_cannot_touch_the_round(
    client: TestClient[Litestar], settings: Settings, world: World, method: str, path: str
) -> None:
    csrf = sign_in(client, "k@dalbygd.no")
    url = path.format(round=world.first, kari=world.kari)
    if method == "post":
        response = client.post(url, data={"_csrf_token": csrf, "confirm": "Runde"})
    else:
        response = client.get(url)
    assert response.status_code == 404
    assert query(settings, "SELECT name FROM respondents WHERE id = ?", world.kari) == [
        ("Kari Nordmann",)
    ]


@pytest.fixture
def cli_env(settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("KOMPASS_DB", str(settings.db_path))
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(settings.data_path))
    monkeypatch.setenv("KOMPASS_QUESTIONNAIRES", str(settings.questionnaire_path))
    return world


def test_cli_export_forget_and_delete(
    cli_env: World, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = cli_env
    out = tmp_path / "kari.json"
    assert main(["privacy", "export", "--email", KARI.upper(), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    # The operator sees every municipality.
    assert [p["round"]["id"] for p in data["respondents"]] == [
        world.first,
        world.second,
        world.other,
    ]
    assert "3 invitation(s)" in capsys.readouterr().out
    db = open_database(settings.db_path)
    audit.sign_in(db, EMAIL.upper(), None, "192.0.2.7")
    db.close()
    assert main(["privacy", "export", "--email", EMAIL]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["coordinator"]["account"]["email"] == EMAIL
    assert [a["details"]["client"] for a in exported["sign_in_attempts"]] == ["192.0.2.7"]
    assert main(["privacy", "export"]) == 2
    assert main(["privacy", "forget", "--round", str(world.first), "--respondent", "999"]) == 2
    assert "respondent 999" in capsys.readouterr().err
    assert (
        main(["privacy", "forget", "--round", str(world.first), "--respondent", str(world.ola)])
        == 0
    )
    assert query(settings, "SELECT name FROM respondents WHERE id = ?", world.ola) == [("",)]
    assert main(["privacy", "delete-round", str(world.second)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["privacy", "delete-round", str(world.second), "--yes"]) == 0
    assert query(settings, "SELECT count(*) FROM rounds WHERE id = ?", world.second) == [(0,)]
    actors = {
        a
        for (a,) in query(
            settings, "SELECT DISTINCT actor FROM audit_log WHERE action != 'sign_in_failed'"
        )
    }
    assert actors == {"operator"}


def test_retention_anonymises_rounds_older_than_the_setting(
    cli_env: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = cli_env
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute(
            "UPDATE rounds SET status = 'closed', closed_at = '2019-06-01T10:00:00+00:00'"
            " WHERE id = ?",
            [world.first],
        )
    before = result_of(settings, world.first)
    assert main(["privacy", "retention", "--dry-run"]) == 0
    assert f"would anonymise round {world.first}" in capsys.readouterr().out
    assert query(settings, "SELECT name FROM respondents WHERE id = ?", world.kari) == [
        ("Kari Nordmann",)
    ]
    monkeypatch.setenv("KOMPASS_RETENTION_YEARS", "10")
    assert main(["privacy", "retention"]) == 0
    assert "0 round(s) older than 10 years" in capsys.readouterr().out
    monkeypatch.setenv("KOMPASS_RETENTION_YEARS", "5")
    assert main(["privacy", "retention"]) == 0
    assert f"anonymised round {world.first}: Runde (2 respondents)" in capsys.readouterr().out
    assert query(
        settings, "SELECT name, email FROM respondents WHERE round_id = ?", world.first
    ) == [("", ""), ("", "")]
    assert query(settings, "SELECT count(*) FROM respondents WHERE name != ''") == [(2,)]
    assert result_of(settings, world.first) == before
    assert main(["privacy", "retention"]) == 0
    assert "0 round(s)" in capsys.readouterr().out
    monkeypatch.setenv("KOMPASS_RETENTION_YEARS", "0")
    assert main(["privacy", "retention"]) == 0
    assert "Retention is off" in capsys.readouterr().out
