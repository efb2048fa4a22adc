"""Assessment rounds in SQL; what a round is and what its status allows is ``domain.rounds``."""

from __future__ import annotations

import msgspec
import sqlite_utils

from service.domain.errors import NotFound
from service.domain.rounds import NewRound, Round, RoundStatus
from service.storage.clock import now

__all__ = [
    "Round",
    "RoundStatus",
    "create_round",
    "get_round",
    "get_round_unscoped",
    "list_rounds",
    "mark_exported",
    "reopen",
    "set_status",
]


def create_round(db: sqlite_utils.Database, municipality_id: int, new: NewRound) -> Round:
    """Store a draft round (checked by ``domain.rounds.new_round``)."""
    with db.conn:
        cursor = db.execute(
            "INSERT INTO rounds (municipality_id, name, questionnaire_id, locale, deadline,"
            " status, created_at) VALUES (?, ?, ?, ?, ?, 'draft', ?)",
            [municipality_id, new.name, new.questionnaire_id, new.locale, new.deadline, now()],
        )
    return get_round(db, municipality_id, int(cursor.lastrowid or 0))


def get_round(db: sqlite_utils.Database, municipality_id: int, round_id: int) -> Round:
    """The round, if it belongs to ``municipality_id``; another municipality's round is not found."""
    row = db.execute(
        "SELECT * FROM rounds WHERE id = ? AND municipality_id = ?", [round_id, municipality_id]
    ).fetchone()
    if row is None:
        raise NotFound("No such assessment round.")
    return msgspec.convert(dict(row), Round)


def get_round_unscoped(db: sqlite_utils.Database, round_id: int) -> Round:
    """The round by id alone, for respondents (whose token already names the round)."""
    row = db.execute("SELECT * FROM rounds WHERE id = ?", [round_id]).fetchone()
    if row is None:
        raise NotFound("No such assessment round.")
    return msgspec.convert(dict(row), Round)


def list_rounds(db: sqlite_utils.Database, municipality_id: int) -> list[Round]:
    """The municipality's rounds, newest first."""
    rows = db.execute(
        "SELECT * FROM rounds WHERE municipality_id = ? ORDER BY created_at DESC, id DESC",
        [municipality_id],
    ).fetchall()
    return [msgspec.convert(dict(r), Round) for r in rows]


# The column that records when a round reached each status.
_STAMP = {RoundStatus.OPEN: "opened_at", RoundStatus.CLOSED: "closed_at"}


def set_status(db: sqlite_utils.Database, rnd: Round, status: RoundStatus) -> Round:
    """Record a status change (allowed by ``domain.rounds.require_transition``) with its time."""
    column = _STAMP[status]
    with db.conn:
        db.execute(
            f"UPDATE rounds SET status = ?, {column} = ? WHERE id = ?",  # noqa: S608 - our column
            [status.value, now(), rnd.id],
        )
    return get_round(db, rnd.municipality_id, rnd.id)


def reopen(db: sqlite_utils.Database, rnd: Round) -> Round:
    """Open a closed round again (allowed by ``domain.rounds.require_reopenable``)."""
    with db.conn:
        db.execute(
            "UPDATE rounds SET status = 'open', closed_at = NULL"
            " WHERE id = ? AND status = 'closed' AND exported_at IS NULL",
            [rnd.id],
        )
    return get_round(db, rnd.municipality_id, rnd.id)


def mark_exported(db: sqlite_utils.Database, rnd: Round) -> Round:
    """Record the first export of a closed round's results (later exports keep the first time)."""
    with db.conn:
        db.execute(
            "UPDATE rounds SET exported_at = COALESCE(exported_at, ?)"
            " WHERE id = ? AND status = 'closed'",
            [now(), rnd.id],
        )
    return get_round(db, rnd.municipality_id, rnd.id)
