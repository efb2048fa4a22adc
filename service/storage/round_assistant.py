"""Per-round assistant options (migration 0011): may the optional language model be used?"""

from __future__ import annotations

import sqlite_utils

from service.storage.clock import now


def llm_allowed(db: sqlite_utils.Database, round_id: int) -> bool:
    """Whether the round lets the assistant use the configured language model (default yes)."""
    row = db.execute(
        "SELECT llm_allowed FROM round_assistant WHERE round_id = ?", [round_id]
    ).fetchone()
    return True if row is None else bool(row[0])


def set_llm_allowed(db: sqlite_utils.Database, round_id: int, allowed: bool) -> None:
    """Switch the language model on or off for one round (the coordinator's choice)."""
    with db.conn:
        db.execute(
            """
            INSERT INTO round_assistant (round_id, llm_allowed, changed_at) VALUES (?, ?, ?)
            ON CONFLICT(round_id) DO UPDATE SET llm_allowed = excluded.llm_allowed,
                changed_at = excluded.changed_at
            """,
            [round_id, int(allowed), now()],
        )
