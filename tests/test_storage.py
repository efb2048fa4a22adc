"""Storage: pragmas, per-thread connections and forward-only migrations on real files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import msgspec
import pytest

from service.domain.answers import EvidenceRef, EvidenceState, IndicatorAnswer, Status
from service.domain.questionnaire import Dimension
from service.domain.rounds import NewRound
from service.storage import accounts, answers, respondents, rounds
from service.storage.db import Store, open_database
from service.storage.migrations import applied, migrate, migrations, pending


def test_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_migrate_empty_database_applies_all_in_order(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    names = [m.name for m in migrations.pending(db)]
    assert names == sorted(names), "migrations must be numbered in order"
    assert migrate(db) == names
    assert applied(db) == names
    assert pending(db) == []
    assert db["municipalities"].exists()


def test_migrate_already_migrated_database_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    migrate(open_database(path))
    db = open_database(path)
    db["municipalities"].insert(
        {"name": "Røros", "country": "NO", "locale": "nb", "created_at": "2026-01-01T00:00:00Z"}
    )
    before = list(db.query("SELECT * FROM _sqlite_migrations"))
    assert migrate(db) == []
    assert list(db.query("SELECT * FROM _sqlite_migrations")) == before
    assert [r["name"] for r in db.query("SELECT name FROM municipalities")] == ["Røros"]


def test_foreign_keys_and_checks_are_enforced(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    migrate(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO municipalities (name, country, locale, created_at) VALUES (?, ?, ?, ?)",
            ["Oslo", "DK", "nb", "2026-01-01"],
        )


@pytest.mark.parametrize(
    "change",
    ["UPDATE answers SET comment = 'rewritten'", "DELETE FROM answers"],
)
def test_answers_are_append_only(tmp_path: Path, change: str) -> None:
    """An answer, once saved, can be neither changed nor removed: only a new version added."""
    db = open_database(tmp_path / "k.db")
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.create_round(
        db,
        municipality.id,
        NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None),
    )
    record, _ = respondents.invite(db, rnd.id, "mayor")
    answers.save(db, record.id, IndicatorAnswer(indicator="1.1.1", comment="first"), author="t")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(change)
    assert answers.current(db, record.id)["1.1.1"].comment == "first"


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    migrate(store.db())
    seen: list[int] = []

    def work() -> None:
        db = store.db()
        assert db is store.db()
        seen.append(id(db.conn))
        with db.conn:
            db.execute(
                "INSERT INTO municipalities (name, country, locale, created_at) VALUES (?,?,?,?)",
                ["Simrishamn", "SE", "sv", "2026-01-01"],
            )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 4
    assert id(store.db().conn) not in seen
    assert store.db().execute("SELECT count(*) FROM municipalities").fetchone()[0] == 4
    store.close()


def test_db_migrate_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.cli import main

    monkeypatch.setenv("KOMPASS_DB", str(tmp_path / "cli.db"))
    assert main(["db", "migrate"]) == 0
    assert "applied 0001_municipalities" in capsys.readouterr().out
    assert main(["db", "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("people", [0, 1, 7])
def test_answer_set_reads_each_respondents_latest_answers_in_one_query(
    tmp_path: Path, people: int
) -> None:
    """The round's answers read at once equal each respondent's own latest versions."""
    db = open_database(tmp_path / "k.db")
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.create_round(
        db,
        municipality.id,
        NewRound(name="R", questionnaire_id="example-1.0", locale="nb", deadline=None),
    )
    other = rounds.create_round(
        db,
        municipality.id,
        NewRound(name="Other", questionnaire_id="example-1.0", locale="nb", deadline=None),
    )
    stranger, _ = respondents.invite(db, other.id, "mayor")
    answers.save(db, stranger.id, IndicatorAnswer(indicator="1.1.1"), author="t")
    invited = [respondents.invite(db, rnd.id, "mayor")[0] for _ in range(people)]
    for n, person in enumerate(invited):
        # Several versions per indicator, interleaved between respondents: the latest counts.
        for version in range(3):
            for indicator in ("1.1.1", "1.2.1", "2.1.1")[: 1 + n % 3]:
                level = (n + version) % 4
                answer = IndicatorAnswer(
                    indicator=indicator,
                    status=Status.DONT_KNOW if (n, version) == (2, 2) else Status.ANSWERED,
                    levels={Dimension.SYSTEM: level, Dimension.SCOPE: None},
                    comment=f"v{version}",
                )
                answers.save(db, person.id, answer, author="t")
    ref = EvidenceRef(id="e1", state=EvidenceState.ACCEPTED)
    evidence = {(invited[0].id, "1.1.1"): [ref]} if invited else {}
    pairs = [(p.id, p.role) for p in invited]
    result = answers.answer_set(db, "example-1.0", pairs, evidence)
    assert [r.id for r in result.respondents] == [f"r{p.id}" for p in invited]
    for person, got in zip(invited, result.respondents, strict=True):
        expected = sorted(answers.current(db, person.id).values(), key=lambda a: a.indicator)
        assert [msgspec.structs.replace(a, evidence=[]) for a in got.answers] == expected
        assert all(a.comment == "v2" for a in got.answers)
        for a in got.answers:
            assert a.evidence == evidence.get((person.id, a.indicator), [])
    db.close()


@pytest.mark.parametrize("position", [None, ("1.1.2", "card")])
def test_an_answer_and_the_next_position_are_one_commit(
    tmp_path: Path, position: tuple[str, str] | None
) -> None:
    """A saved card is one transaction: the answer, and where the respondent goes next."""
    db = open_database(tmp_path / "k.db")
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.create_round(
        db,
        municipality.id,
        NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None),
    )
    record, _ = respondents.invite(db, rnd.id, "mayor")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    answer = IndicatorAnswer(indicator="1.1.1", levels={Dimension.SYSTEM: 2}, comment="c")
    saved = answers.save(db, record.id, answer, author="t", position=position)
    db.conn.set_trace_callback(None)
    assert [s for s in statements if s.strip().upper() == "COMMIT"] == ["COMMIT"]
    # What save returns is what is stored.
    assert answers.history(db, record.id) == [saved]
    stored = respondents.get(db, rnd.id, record.id)
    expected = position or (None, None)
    assert (stored.position_indicator, stored.position_step) == expected
    assert (stored.last_seen_at is not None) == (position is not None)
