"""Evidence attached to an indicator: uploaded files (content-addressed) or links, and reviews."""

from __future__ import annotations

import sqlite3

import msgspec
import sqlite_utils

from service.domain.answers import EvidenceRef
from service.domain.errors import NotFound
from service.domain.evidence import EvidenceRecord, ReviewState
from service.storage.clock import now
from service.storage.evidence_files import StoredFile, with_extension

__all__ = ["EvidenceRecord", "ReviewState"]


def _record(row: sqlite3.Row) -> EvidenceRecord:
    return msgspec.convert(dict(row), EvidenceRecord)


def _insert(db: sqlite_utils.Database, values: dict[str, object]) -> EvidenceRecord:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    with db.conn:
        cursor = db.execute(
            f"INSERT INTO evidence ({columns}) VALUES ({marks})",  # noqa: S608 - keys are ours
            list(values.values()),
        )
    row = db.execute("SELECT * FROM evidence WHERE id = ?", [cursor.lastrowid]).fetchone()
    return _record(row)


def add_file(
    db: sqlite_utils.Database,
    round_id: int,
    respondent_id: int,
    indicator_id: str,
    stored: StoredFile,
    filename: str,
    title: str,
    effective_date: str | None,
) -> EvidenceRecord:
    """Record an uploaded file."""
    return _insert(
        db,
        {
            "round_id": round_id,
            "respondent_id": respondent_id,
            "indicator_id": indicator_id,
            "kind": "file",
            "sha256": stored.sha256,
            "size": stored.size,
            "media_type": stored.media_type,
            # Stored (and later served) under the extension of the sniffed type.
            "filename": with_extension(filename, stored.extension),
            "title": title.strip()[:200] or filename,
            "effective_date": effective_date,
            "uploaded_at": now(),
        },
    )


def add_link(
    db: sqlite_utils.Database,
    round_id: int,
    respondent_id: int,
    indicator_id: str,
    url: str,
    title: str,
    effective_date: str | None,
) -> EvidenceRecord:
    """Record a link to a published document or page (checked by ``domain.evidence.check_url``)."""
    return _insert(
        db,
        {
            "round_id": round_id,
            "respondent_id": respondent_id,
            "indicator_id": indicator_id,
            "kind": "link",
            "url": url,
            "title": title.strip()[:200] or url,
            "effective_date": effective_date,
            "uploaded_at": now(),
        },
    )


def get(db: sqlite_utils.Database, round_id: int, evidence_id: int) -> EvidenceRecord:
    """One piece of evidence of this round."""
    row = db.execute(
        "SELECT * FROM evidence WHERE id = ? AND round_id = ?", [evidence_id, round_id]
    ).fetchone()
    if row is None:
        raise NotFound("No such evidence.")
    return _record(row)


def list_for_round(db: sqlite_utils.Database, round_id: int) -> list[EvidenceRecord]:
    """The round's evidence in upload order."""
    rows = db.execute(
        "SELECT * FROM evidence WHERE round_id = ? ORDER BY id", [round_id]
    ).fetchall()
    return [_record(r) for r in rows]


def list_for_answer(
    db: sqlite_utils.Database, respondent_id: int, indicator_id: str
) -> list[EvidenceRecord]:
    """Evidence a respondent attached to one indicator."""
    rows = db.execute(
        "SELECT * FROM evidence WHERE respondent_id = ? AND indicator_id = ? ORDER BY id",
        [respondent_id, indicator_id],
    ).fetchall()
    return [_record(r) for r in rows]


def refs_for_round(
    db: sqlite_utils.Database, round_id: int
) -> dict[tuple[int, str], list[EvidenceRef]]:
    """Evidence references per (respondent, indicator), for scoring."""
    refs: dict[tuple[int, str], list[EvidenceRef]] = {}
    for record in list_for_round(db, round_id):
        refs.setdefault((record.respondent_id, record.indicator_id), []).append(record.ref())
    return refs


def review(
    db: sqlite_utils.Database,
    round_id: int,
    evidence_id: int,
    state: ReviewState,
    comment: str,
    coordinator_id: int,
) -> EvidenceRecord:
    """Record a review (comment checked by ``domain.evidence.check_review_comment``)."""
    get(db, round_id, evidence_id)
    with db.conn:
        db.execute(
            "UPDATE evidence SET state = ?, review_comment = ?, reviewed_at = ?, reviewed_by = ?"
            " WHERE id = ?",
            [state.value, comment, now(), coordinator_id, evidence_id],
        )
    return get(db, round_id, evidence_id)
