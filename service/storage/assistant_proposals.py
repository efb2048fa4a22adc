"""The assistant's proposals for free text (migration 0012), kept beside the final answers."""

from __future__ import annotations

import msgspec
import sqlite_utils

from service.domain.assistant import Interpretation
from service.storage.clock import now


class StoredProposal(msgspec.Struct, frozen=True, kw_only=True):
    """One proposal: the respondent's text and what the assistant made of it."""

    id: int
    respondent_id: int
    indicator_id: str
    text: str
    proposal: Interpretation
    created_at: str


def save(
    db: sqlite_utils.Database,
    respondent_id: int,
    indicator_id: str,
    text: str,
    proposal: Interpretation,
) -> int:
    """Append a proposal; returns its id."""
    with db.conn:
        cursor = db.execute(
            """
            INSERT INTO assistant_proposals
                (respondent_id, indicator_id, text, proposal, provider, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                respondent_id,
                indicator_id,
                text,
                msgspec.json.encode(proposal).decode(),
                proposal.provider,
                now(),
            ],
        )
    return int(cursor.lastrowid or 0)


def latest(
    db: sqlite_utils.Database, respondent_id: int, indicator_id: str
) -> StoredProposal | None:
    """The most recent proposal for one respondent's indicator, if any."""
    row = db.execute(
        """
        SELECT id, respondent_id, indicator_id, text, proposal, created_at
        FROM assistant_proposals WHERE respondent_id = ? AND indicator_id = ?
        ORDER BY id DESC LIMIT 1
        """,
        [respondent_id, indicator_id],
    ).fetchone()
    if row is None:
        return None
    return StoredProposal(
        id=row[0],
        respondent_id=row[1],
        indicator_id=row[2],
        text=row[3],
        proposal=msgspec.json.decode(row[4], type=Interpretation),
        created_at=row[5],
    )
