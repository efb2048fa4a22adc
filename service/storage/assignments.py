"""Stored assignments (which respondent answers which indicator) and a round's coverage settings.

SQL only: the rules that compute an assignment are in ``service/domain/assignment.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
import sqlite_utils

from service.domain.assignment import CoverageSettings, Invitation, Pair
from service.storage.clock import now


class AssignmentRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One stored assignment row; ``assigned_at`` is when the pair was first assigned."""

    round_id: int
    respondent_id: int
    indicator_id: str
    assigned_at: str

    def to_pair(self) -> Pair:
        """The domain pair this row stores."""
        return Pair(invitation=self.respondent_id, indicator=self.indicator_id)


def replace(db: sqlite_utils.Database, round_id: int, pairs: Iterable[Pair]) -> None:
    """Make ``pairs`` the round's whole assignment, in one transaction.

    Rows that stay keep their ``assigned_at``; only the difference is written. A row
    whose indicator the respondent has answered is never deleted, so an answer saved
    while a new assignment was being computed stays assigned to its author.
    """
    wanted = {(p.invitation, p.indicator) for p in pairs}
    stamp = now()
    with db.conn:
        if not db.conn.in_transaction:
            # The write lock before reading what is stored: respondents opening their links
            # at once each share out a round that has no assignment yet, and a deferred
            # transaction let them all read "nothing stored" and then insert the same rows
            # (a UNIQUE failure, a 500). Now the later ones see the first one's rows.
            db.conn.execute("BEGIN IMMEDIATE")
        current = {
            (int(row[0]), str(row[1]))
            for row in db.execute(
                "SELECT respondent_id, indicator_id FROM assignments WHERE round_id = ?",
                [round_id],
            ).fetchall()
        }
        db.conn.executemany(
            "DELETE FROM assignments WHERE round_id = ? AND respondent_id = ? AND indicator_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.respondent_id = assignments.respondent_id"
            " AND a.indicator_id = assignments.indicator_id)",
            [(round_id, person, indicator) for person, indicator in sorted(current - wanted)],
        )
        db.conn.executemany(
            "INSERT INTO assignments (round_id, respondent_id, indicator_id, assigned_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (round_id, person, indicator, stamp)
                for person, indicator in sorted(wanted - current)
            ],
        )


def records_for_round(db: sqlite_utils.Database, round_id: int) -> list[AssignmentRecord]:
    """The round's stored assignment rows, by respondent then order of assignment."""
    rows = db.execute(
        "SELECT round_id, respondent_id, indicator_id, assigned_at FROM assignments"
        " WHERE round_id = ? ORDER BY respondent_id, assigned_at, indicator_id",
        [round_id],
    ).fetchall()
    return [msgspec.convert(dict(row), AssignmentRecord) for row in rows]


def for_round(db: sqlite_utils.Database, round_id: int) -> list[Pair]:
    """The round's stored assignment as domain pairs."""
    return [record.to_pair() for record in records_for_round(db, round_id)]


def for_respondent(db: sqlite_utils.Database, round_id: int, respondent_id: int) -> list[str]:
    """The indicator ids assigned to one respondent of the round (put them in questionnaire order)."""
    rows = db.execute(
        "SELECT indicator_id FROM assignments WHERE round_id = ? AND respondent_id = ?"
        " ORDER BY assigned_at, indicator_id",
        [round_id, respondent_id],
    ).fetchall()
    return [str(row[0]) for row in rows]


def invitations(db: sqlite_utils.Database, round_id: int) -> list[Invitation]:
    """The round's respondents as the assignment sees them: id, role, and whether the link works."""
    rows = db.execute(
        "SELECT id, role, revoked_at IS NULL AS active FROM respondents"
        " WHERE round_id = ? ORDER BY id",
        [round_id],
    ).fetchall()
    return [Invitation(id=int(r[0]), role=str(r[1]), active=bool(r[2])) for r in rows]


def answered(db: sqlite_utils.Database, round_id: int, *, informative: bool = False) -> list[Pair]:
    """Every (respondent, indicator) of the round with a stored answer.

    By default any answer counts, "don't know" included: that is what an assignment must
    keep. With ``informative``, only pairs whose current answer is not "don't know" —
    the answers that count towards an indicator's coverage on the round page.
    """
    rows = db.execute(
        "SELECT a.respondent_id, a.indicator_id FROM answers a"
        " JOIN respondents r ON r.id = a.respondent_id"
        " WHERE r.round_id = ? AND a.id = (SELECT MAX(b.id) FROM answers b"
        "  WHERE b.respondent_id = a.respondent_id AND b.indicator_id = a.indicator_id)"
        " AND (? = 0 OR a.status != 'dont_know')"
        " ORDER BY a.respondent_id, a.indicator_id",
        [round_id, int(informative)],
    ).fetchall()
    return [Pair(invitation=int(r[0]), indicator=str(r[1])) for r in rows]


def get_settings(db: sqlite_utils.Database, round_id: int) -> CoverageSettings:
    """The round's coverage settings; the defaults until the coordinator changes them."""
    row = db.execute(
        "SELECT min_per_indicator, min_roles, max_per_person FROM round_coverage"
        " WHERE round_id = ?",
        [round_id],
    ).fetchone()
    if row is None:
        return CoverageSettings()
    return msgspec.convert(dict(row), CoverageSettings)


def set_settings(db: sqlite_utils.Database, round_id: int, settings: CoverageSettings) -> None:
    """Store the round's coverage settings (validated by ``CoverageSettings`` before this)."""
    with db.conn:
        db.execute(
            "INSERT INTO round_coverage"
            " (round_id, min_per_indicator, min_roles, max_per_person, updated_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (round_id) DO UPDATE SET min_per_indicator = excluded.min_per_indicator,"
            " min_roles = excluded.min_roles, max_per_person = excluded.max_per_person,"
            " updated_at = excluded.updated_at",
            [
                round_id,
                settings.min_per_indicator,
                settings.min_roles,
                settings.max_per_person,
                now(),
            ],
        )
