"""Files on disk: private from the start (even under a permissive umask), and a per-respondent
quota on evidence uploads."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.domain.rounds import NewRound, RoundStatus
from service.settings import Settings
from service.storage import accounts, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

MB = 1024 * 1024

NEW_ROUND = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make new files world-readable, as on a carelessly set-up host."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def round_with_respondent(db_path: Path) -> str:
    db = open_database(db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.set_status(
        db, rounds.create_round(db, municipality.id, NEW_ROUND), RoundStatus.OPEN
    )
    _, token = respondents.invite(db, rnd.id, "mayor")
    db.close()
    return token


def upload(
    client: TestClient[Litestar], token: str, content: bytes, lang: str = "nb"
) -> httpx.Response:
    return client.post(
        f"/api/v1/respond/{token}/indicators/1.1.1/evidence",
        files={"file": ("notat.txt", content, "text/plain")},
        headers={"Accept-Language": lang},
    )


def test_database_data_folder_and_secret_are_private(
    tmp_path: Path, example_dir: Path, open_umask: None
) -> None:
    settings = Settings(
        db=str(tmp_path / "new" / "kompass.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
    )
    token = round_with_respondent(settings.db_path)
    with TestClient(app=create_app(settings)) as client:
        assert upload(client, token, b"Plan for 2026\n").status_code == 201
        wal = settings.db_path.with_name("kompass.db-wal")
        assert wal.exists()
        assert mode(wal) == 0o600
    assert mode(settings.db_path) == 0o600
    assert mode(settings.db_path.parent) == 0o700
    assert mode(settings.data_path) == 0o700
    assert mode(settings.data_path / "secret_key") == 0o600
    stored = [p for p in (settings.data_path / "evidence").rglob("*") if p.is_file()]
    assert stored
    assert all(mode(p) == 0o600 for p in stored)


def test_an_existing_secret_is_kept_and_not_rewritten(tmp_path: Path, example_dir: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_text("k" * 48, encoding="ascii")
    settings = Settings(
        db=str(tmp_path / "k.db"), data_dir=str(data), questionnaires=str(example_dir)
    )
    create_app(settings)
    assert (data / "secret_key").read_text(encoding="ascii") == "k" * 48


@pytest.fixture
def quota_client(settings: Settings) -> Iterator[tuple[TestClient[Litestar], str]]:
    token = round_with_respondent(settings.db_path)
    app = create_app(msgspec.structs.replace(settings, evidence_quota_mb=1))
    with TestClient(app=app) as client:
        yield client, token


@pytest.mark.parametrize(
    ("lang", "exceeded", "used_up"),
    [
        ("nb", "Filen får ikke plass", "Du har brukt opp lagringsplassen din"),
        ("sv", "Filen får inte plats", "Du har använt hela ditt utrymme"),
        ("en", "This file does not fit", "You have used all your space"),
    ],
)
def test_uploads_stop_at_the_respondents_quota(
    quota_client: tuple[TestClient[Litestar], str], lang: str, exceeded: str, used_up: str
) -> None:
    client, token = quota_client
    first = upload(client, token, b"a" * (600 * 1024), lang)
    assert first.status_code == 201
    second = upload(client, token, b"b" * (600 * 1024), lang)
    assert second.status_code == 413
    assert exceeded in second.json()["message"]
    assert "1 MB" in second.json()["message"]
    fits = upload(client, token, b"c" * (424 * 1024), lang)
    assert fits.status_code == 201
    full = upload(client, token, b"d", lang)
    assert full.status_code == 413
    assert used_up in full.json()["message"]
    link = client.post(
        f"/api/v1/respond/{token}/indicators/1.1.1/links",
        json={"url": "https://fjellbygd.no/plan", "title": "Plan"},
    )
    assert link.status_code == 201  # links do not count
    listed = client.get(f"/api/v1/respond/{token}/indicators/1.1.1").json()["evidence"]
    assert len(listed) == 3
