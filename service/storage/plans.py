"""Development plans in SQL: one edited plan per round, stored as the plan's JSON."""

from __future__ import annotations

import msgspec
import sqlite_utils

from service.domain.plan import Plan
from service.storage.clock import now

__all__ = ["delete_plan", "get_plan", "save_plan"]


def get_plan(db: sqlite_utils.Database, round_id: int) -> Plan | None:
    """The round's edited plan, or None while the suggestion stands."""
    row = db.execute("SELECT body FROM plans WHERE round_id = ?", [round_id]).fetchone()
    return None if row is None else msgspec.json.decode(row[0], type=Plan)


def save_plan(db: sqlite_utils.Database, round_id: int, plan: Plan, author: int | None) -> None:
    """Store (or replace) the round's plan."""
    with db.conn:
        db.execute(
            "INSERT INTO plans (round_id, body, updated_at, updated_by) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(round_id) DO UPDATE SET body = excluded.body,"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            [round_id, msgspec.json.encode(plan).decode(), now(), author],
        )


def delete_plan(db: sqlite_utils.Database, round_id: int) -> None:
    """Go back to the suggestion."""
    with db.conn:
        db.execute("DELETE FROM plans WHERE round_id = ?", [round_id])
