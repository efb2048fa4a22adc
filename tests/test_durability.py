"""Durability settings and a locked database: 503 with Retry-After, nothing lost, never a 500."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import rounds as use
from service.app import create_app
from service.domain.rounds import NewRound
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import accounts, respondents, rounds
from service.storage.db import Store, open_database
from service.storage.migrations import migrate

NEW_ROUND = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)


def test_connections_sync_the_log_on_every_commit(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    db = store.db()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()


def open_round_with_mayor(settings: Settings) -> str:
    """A municipality with an open round on the example questionnaire; the mayor's token.

    Opened through the use case, so the work is shared as in any open round: showing the
    card then writes nothing (a round without a stored share is assigned on first visit).
    """
    db = open_database(settings.db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.create_round(db, municipality.id, NEW_ROUND)
    _, token = respondents.invite(db, rnd.id, "mayor", "Ola", "ola@fjellbygd.no")
    use.open_round(db, Catalog(settings.questionnaire_path), rnd, by="test")
    db.close()
    return token


@pytest.fixture
def busy_client(settings: Settings) -> Iterator[tuple[TestClient[Litestar], str, Path]]:
    """The app with a short busy timeout, and a respondent's token."""
    token = open_round_with_mayor(settings)
    app = create_app(msgspec.structs.replace(settings, db_busy_timeout_ms=200))
    with TestClient(app=app) as client:
        yield client, token, settings.db_path


def answers_stored(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nb", "Kompass er opptatt akkurat nå"),
        ("sv", "Kompass är upptaget just nu"),
        ("en", "Kompass is busy right now"),
    ],
)
def test_a_held_write_lock_gives_503_with_retry_after(
    busy_client: tuple[TestClient[Litestar], str, Path], lang: str, message: str
) -> None:
    client, token, db_path = busy_client
    url = f"/api/v1/respond/{token}/indicators/1.1.1"
    body = {"levels": {"system": 4, "scope": 3, "results": 2, "evaluation": 1}}
    typed = {"level-system": "4", "level-scope": "3", "level-results": "2", "level-evaluation": "1"}
    # The card as a browser sends it: multipart, the (empty) file input last.
    parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in typed.items()]
    parts.append(("comment", (None, "Skrevet før låsen.")))
    parts.append(("file", ("", b"", "application/octet-stream")))
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
    try:
        busy = client.put(url, json=body, headers={"Accept-Language": lang})
        page = client.post(
            f"/r/{token}/i/1.1.1",
            files=parts,
            headers={"Accept-Language": lang, "Accept": "text/html"},
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert busy.json()["error"] == "busy"
    assert message in busy.json()["message"]
    assert page.status_code == 503
    assert page.headers["retry-after"] == "2"
    assert message in page.text
    assert "Traceback" not in page.text
    assert answers_stored(db_path) == 0

    # The card comes back with what was typed, ready to send again (nothing is lost).
    assert f'action="/r/{token}/i/1.1.1"' in page.text
    for field, value in typed.items():
        assert re.search(rf'name="{field}" value="{value}"\s+checked', page.text), field
    assert ">Skrevet før låsen.</textarea>" in page.text

    # Sent again once the lock is gone, the same answer is saved exactly once.
    again = client.put(url, json=body)
    assert again.status_code == 200
    assert answers_stored(db_path) == 1
    resent = client.post(f"/r/{token}/i/1.1.1", files=parts, follow_redirects=False)
    assert resent.status_code == 303
    assert answers_stored(db_path) == 2
