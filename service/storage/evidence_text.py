"""Extracted evidence text and its FTS5 index (migration 0010): save, read, search."""

from __future__ import annotations

import re

import msgspec
import sqlite_utils

from service.storage.clock import now


class EvidenceText(msgspec.Struct, frozen=True, kw_only=True):
    """The text of one evidence file and what the assistant's check found."""

    evidence_id: int
    round_id: int
    indicator_id: str
    kind: str
    text: str
    truncated: bool = False
    proposed_date: str | None = None
    relevance: float = 0.0
    unrelated: bool = False
    outdated: bool = False


class Hit(msgspec.Struct, frozen=True, kw_only=True):
    """An evidence file matching a search, with a short excerpt around the match."""

    evidence_id: int
    indicator_id: str
    snippet: str
    rank: float


def save(db: sqlite_utils.Database, item: EvidenceText) -> None:
    """Store (or replace) the text of one evidence file; the FTS index follows by trigger."""
    with db.conn:
        db.execute("DELETE FROM evidence_text WHERE evidence_id = ?", [item.evidence_id])
        db.execute(
            """
            INSERT INTO evidence_text (evidence_id, round_id, indicator_id, kind, text, truncated,
                proposed_date, relevance, unrelated, outdated, extracted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                item.evidence_id,
                item.round_id,
                item.indicator_id,
                item.kind,
                item.text,
                int(item.truncated),
                item.proposed_date,
                item.relevance,
                int(item.unrelated),
                int(item.outdated),
                now(),
            ],
        )


def get(db: sqlite_utils.Database, evidence_id: int) -> EvidenceText | None:
    """The stored text of one evidence file, if extracted."""
    row = db.execute(
        """
        SELECT evidence_id, round_id, indicator_id, kind, text, truncated, proposed_date,
               relevance, unrelated, outdated
        FROM evidence_text WHERE evidence_id = ?
        """,
        [evidence_id],
    ).fetchone()
    if row is None:
        return None
    return EvidenceText(
        evidence_id=row[0],
        round_id=row[1],
        indicator_id=row[2],
        kind=row[3],
        text=row[4],
        truncated=bool(row[5]),
        proposed_date=row[6],
        relevance=row[7],
        unrelated=bool(row[8]),
        outdated=bool(row[9]),
    )


_TERM = re.compile(r"\w+")


def fts_query(text: str) -> str:
    """A safe FTS5 query from free text: each word quoted, prefix-matched, OR-ed."""
    words = [w for w in _TERM.findall(text.lower()) if len(w) >= 3]
    return " OR ".join(f'"{w}"*' for w in words[:12])


def search(db: sqlite_utils.Database, round_id: int, text: str, limit: int = 3) -> list[Hit]:
    """Evidence of one round whose text matches ``text`` best (BM25), with excerpts."""
    query = fts_query(text)
    if not query:
        return []
    rows = db.execute(
        """
        SELECT t.evidence_id, t.indicator_id,
               snippet(evidence_text_fts, 0, '', '', ' … ', 24), bm25(evidence_text_fts)
        FROM evidence_text_fts JOIN evidence_text t ON t.evidence_id = evidence_text_fts.rowid
        WHERE evidence_text_fts MATCH ? AND t.round_id = ?
        ORDER BY bm25(evidence_text_fts) LIMIT ?
        """,
        [query, round_id, limit],
    ).fetchall()
    return [Hit(evidence_id=r[0], indicator_id=r[1], snippet=r[2], rank=r[3]) for r in rows]
