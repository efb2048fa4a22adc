"""Summaries written by the language model (migration 0031), one per round × sub-question × language.

Written only when a coordinator asks (``service.summarising``); the report reads them and never
calls the model itself. A later write for the same sub-question and language replaces the row.
"""

from __future__ import annotations

import msgspec
import sqlite_utils

from service.storage.clock import now

__all__ = ["NewSummary", "StoredSummary", "for_round", "save"]


class NewSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A summary to store: its text and the digest of the comments it was written from."""

    subquestion: str
    text: str
    provider: str
    model: str
    source_digest: str
    comment_count: int


class StoredSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A stored summary with when and by whom (a coordinator's id; None from the command line)."""

    round_id: int
    subquestion: str
    lang: str
    text: str
    provider: str
    model: str
    source_digest: str
    comment_count: int
    written_at: str
    written_by: int | None


def save(
    db: sqlite_utils.Database,
    round_id: int,
    lang: str,
    summaries: list[NewSummary],
    author: int | None,
) -> None:
    """Store (or replace) the round's summaries in ``lang``, all in one transaction."""
    at = now()
    with db.conn:
        for s in summaries:
            db.execute(
                "INSERT INTO round_summaries (round_id, subquestion_id, lang, text, provider,"
                " model, source_digest, comment_count, written_at, written_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(round_id, subquestion_id, lang) DO UPDATE SET text = excluded.text,"
                " provider = excluded.provider, model = excluded.model,"
                " source_digest = excluded.source_digest,"
                " comment_count = excluded.comment_count, written_at = excluded.written_at,"
                " written_by = excluded.written_by",
                [
                    round_id,
                    s.subquestion,
                    lang,
                    s.text,
                    s.provider,
                    s.model,
                    s.source_digest,
                    s.comment_count,
                    at,
                    author,
                ],
            )


def for_round(db: sqlite_utils.Database, round_id: int, lang: str) -> dict[str, StoredSummary]:
    """The round's stored summaries in ``lang``, keyed by sub-question id."""
    rows = db.execute(
        "SELECT round_id, subquestion_id AS subquestion, lang, text, provider, model,"
        " source_digest, comment_count, written_at, written_by"
        " FROM round_summaries WHERE round_id = ? AND lang = ?",
        [round_id, lang],
    ).fetchall()
    found = [msgspec.convert(dict(r), StoredSummary) for r in rows]
    return {s.subquestion: s for s in found}
