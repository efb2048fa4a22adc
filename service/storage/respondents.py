"""Respondents invited to a round by role, each with a personal link (only its hash is stored)."""

from __future__ import annotations

import sqlite3

import msgspec
import sqlite_utils

from service.domain.errors import Forbidden, NotFound
from service.security import hash_token, new_token
from service.storage.clock import now
from service.storage.db import write_turn


class RespondentRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An invited respondent."""

    id: int
    round_id: int
    role: str
    name: str
    email: str
    created_at: str
    revoked_at: str | None
    emailed_at: str | None
    last_seen_at: str | None
    position_indicator: str | None
    position_step: str | None

    @property
    def revoked(self) -> bool:
        """Whether the personal link has been withdrawn."""
        return self.revoked_at is not None


_COLUMNS = (
    "id, round_id, role, name, email, created_at, revoked_at, emailed_at, last_seen_at,"
    " position_indicator, position_step"
)


def _record(row: sqlite3.Row) -> RespondentRecord:
    return msgspec.convert(dict(row), RespondentRecord)


def invite(
    db: sqlite_utils.Database, round_id: int, role: str, name: str = "", email: str = ""
) -> tuple[RespondentRecord, str]:
    """Store an invitation (checked by ``domain.rounds.check_invitation``); return the record
    and the token (shown once, never stored)."""
    token = new_token()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO respondents (round_id, role, name, email, token_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [round_id, role, name, email, hash_token(token), now()],
        )
    return get(db, round_id, int(cursor.lastrowid or 0)), token


def invite_many(
    db: sqlite_utils.Database, round_id: int, people: list[tuple[str, str, str]]
) -> list[tuple[RespondentRecord, str]]:
    """Store many invitations (role, name, e-mail; checked before) in one transaction: all or
    none. Return each record with its token (shown once, never stored)."""
    created: list[tuple[int, str]] = []
    stamp = now()
    with db.conn:
        for role, name, email in people:
            token = new_token()
            cursor = db.execute(
                "INSERT INTO respondents (round_id, role, name, email, token_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [round_id, role, name, email, hash_token(token), stamp],
            )
            created.append((int(cursor.lastrowid or 0), token))
    return [(get(db, round_id, rid), token) for rid, token in created]


def get(db: sqlite_utils.Database, round_id: int, respondent_id: int) -> RespondentRecord:
    """A respondent of this round."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM respondents WHERE id = ? AND round_id = ?",  # noqa: S608 - constant columns
        [respondent_id, round_id],
    ).fetchone()
    if row is None:
        raise NotFound("No such respondent.")
    return _record(row)


def get_unscoped(db: sqlite_utils.Database, respondent_id: int) -> RespondentRecord:
    """A respondent by id alone (for use cases that start from an invitation, not a round)."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM respondents WHERE id = ?",  # noqa: S608 - constant columns
        [respondent_id],
    ).fetchone()
    if row is None:
        raise NotFound("No such respondent.")
    return _record(row)


def list_for_round(db: sqlite_utils.Database, round_id: int) -> list[RespondentRecord]:
    """The round's respondents in invitation order."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM respondents WHERE round_id = ? ORDER BY id",  # noqa: S608
        [round_id],
    ).fetchall()
    return [_record(r) for r in rows]


def by_token(db: sqlite_utils.Database, token: str) -> RespondentRecord:
    """The respondent a personal link belongs to; unknown and withdrawn links are refused."""
    if not token or len(token) > 100:
        raise NotFound("This link is not valid. Ask your coordinator for a new one.")
    row = db.execute(
        f"SELECT {_COLUMNS} FROM respondents WHERE token_hash = ?",  # noqa: S608
        [hash_token(token)],
    ).fetchone()
    if row is None:
        raise NotFound("This link is not valid. Ask your coordinator for a new one.")
    record = _record(row)
    if record.revoked:
        raise Forbidden("This link has been withdrawn. Ask your coordinator for a new one.")
    return record


def revoke(db: sqlite_utils.Database, round_id: int, respondent_id: int) -> RespondentRecord:
    """Withdraw a personal link; answers already given are kept."""
    get(db, round_id, respondent_id)
    with db.conn:
        db.execute(
            "UPDATE respondents SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
            [now(), respondent_id],
        )
    return get(db, round_id, respondent_id)


def reissue(
    db: sqlite_utils.Database, round_id: int, respondent_id: int
) -> tuple[RespondentRecord, str]:
    """Give a respondent a new link: the old one stops working, answers are kept."""
    get(db, round_id, respondent_id)
    token = new_token()
    with db.conn:
        db.execute(
            "UPDATE respondents SET token_hash = ?, revoked_at = NULL, emailed_at = NULL WHERE id = ?",
            [hash_token(token), respondent_id],
        )
    return get(db, round_id, respondent_id), token


# Parameters: indicator, step, time, respondent id (``answers.save`` runs it in its transaction).
SAVE_POSITION = (
    "UPDATE respondents SET position_indicator = ?, position_step = ?, last_seen_at = ?"
    " WHERE id = ?"
)


def save_position(db: sqlite_utils.Database, respondent_id: int, indicator: str, step: str) -> None:
    """Remember where the respondent is, so a later visit resumes there."""
    with write_turn(db), db.conn:
        db.conn.execute(SAVE_POSITION, [indicator, step, now(), respondent_id])


def mark_emailed(db: sqlite_utils.Database, respondent_id: int) -> None:
    """Record that the link was e-mailed."""
    with db.conn:
        db.execute("UPDATE respondents SET emailed_at = ? WHERE id = ?", [now(), respondent_id])
