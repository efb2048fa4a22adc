"""Assessment rounds: a municipality's run of one questionnaire."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import msgspec
import sqlite_utils

from service.errors import Conflict, InvalidInput, NotFound
from service.storage.clock import now


class RoundStatus(StrEnum):
    """A round is prepared as a draft, opened for answers, and closed for good."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Round(msgspec.Struct, frozen=True, kw_only=True):
    """An assessment round."""

    id: int
    municipality_id: int
    name: str
    questionnaire_id: str
    locale: str
    deadline: str | None
    status: RoundStatus
    created_at: str
    opened_at: str | None
    closed_at: str | None

    @property
    def closed(self) -> bool:
        """A closed round is read-only."""
        return self.status is RoundStatus.CLOSED


def create_round(
    db: sqlite_utils.Database,
    municipality_id: int,
    name: str,
    questionnaire_id: str,
    locale: str,
    deadline: str | None,
) -> Round:
    """Create a draft round (questionnaire and locale are checked by the caller)."""
    if not name.strip():
        raise InvalidInput("Give the round a name.")
    if len(name) > 200:
        raise InvalidInput("The name is too long.")
    if deadline:
        try:
            dt.date.fromisoformat(deadline)
        except ValueError:
            raise InvalidInput("The deadline must be a date (YYYY-MM-DD).") from None
    with db.conn:
        cursor = db.execute(
            "INSERT INTO rounds (municipality_id, name, questionnaire_id, locale, deadline,"
            " status, created_at) VALUES (?, ?, ?, ?, ?, 'draft', ?)",
            [municipality_id, name.strip(), questionnaire_id, locale, deadline or None, now()],
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


def open_round(db: sqlite_utils.Database, rnd: Round) -> Round:
    """Open a draft round for answers."""
    if rnd.status is not RoundStatus.DRAFT:
        raise Conflict("Only a draft round can be opened.")
    with db.conn:
        db.execute("UPDATE rounds SET status = 'open', opened_at = ? WHERE id = ?", [now(), rnd.id])
    return get_round(db, rnd.municipality_id, rnd.id)


def close_round(db: sqlite_utils.Database, rnd: Round) -> Round:
    """Close an open round: it becomes read-only and keeps its results."""
    if rnd.status is not RoundStatus.OPEN:
        raise Conflict("Only an open round can be closed.")
    with db.conn:
        db.execute(
            "UPDATE rounds SET status = 'closed', closed_at = ? WHERE id = ?", [now(), rnd.id]
        )
    return get_round(db, rnd.municipality_id, rnd.id)


def require_writable(rnd: Round) -> None:
    """Refuse changes to a closed round."""
    if rnd.closed:
        raise Conflict("This assessment round is closed; its answers can no longer change.")
