"""Evidence attached to an indicator: uploaded files (content-addressed) or links, and reviews."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec
import sqlite_utils

from service.domain.answers import EvidenceRef, EvidenceState
from service.domain.errors import NotFound
from service.domain.evidence import EvidenceRecord, ReviewState
from service.storage.clock import now
from service.storage.evidence_files import StoredFile, path_for, with_extension

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


def quota_left(db: sqlite_utils.Database, respondent_id: int, quota_bytes: int) -> int:
    """Bytes a respondent may still upload (0 when the quota is used up).

    Each upload counts, even when the same content is stored only once on disk: the
    quota limits what one respondent can make the municipality keep. Links do not count.
    """
    used = db.execute(
        "SELECT coalesce(sum(size), 0) FROM evidence WHERE respondent_id = ? AND kind = 'file'",
        [respondent_id],
    ).fetchone()[0]
    return max(0, quota_bytes - int(used))


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
    """Record a review (comment checked by ``domain.evidence.check_review_comment``).

    The evidence row holds the latest review; every review is also appended to
    ``evidence_reviews`` in the same transaction, so earlier decisions are never lost.
    """
    get(db, round_id, evidence_id)
    at = now()
    with db.conn:
        db.execute(
            "UPDATE evidence SET state = ?, review_comment = ?, reviewed_at = ?, reviewed_by = ?"
            " WHERE id = ?",
            [state.value, comment, at, coordinator_id, evidence_id],
        )
        db.execute(
            "INSERT INTO evidence_reviews (evidence_id, state, comment, reviewed_at, reviewed_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [evidence_id, state.value, comment, at, coordinator_id],
        )
    return get(db, round_id, evidence_id)


class ReviewRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One review decision on a piece of evidence."""

    id: int
    evidence_id: int
    state: ReviewState
    comment: str
    reviewed_at: str
    reviewed_by: int | None


def review_history(db: sqlite_utils.Database, evidence_id: int) -> list[ReviewRecord]:
    """Every review of a piece of evidence, oldest first."""
    rows = db.execute(
        "SELECT * FROM evidence_reviews WHERE evidence_id = ? ORDER BY id", [evidence_id]
    ).fetchall()
    return [msgspec.convert(dict(r), ReviewRecord) for r in rows]


def withdraw(db: sqlite_utils.Database, record: EvidenceRecord) -> None:
    """Delete a piece of evidence nobody has reviewed (``domain.evidence.check_withdrawable``).

    The state is checked again in the statement, so a review that lands in between wins.
    The caller deletes the file when no other evidence refers to it
    (:func:`delete_file_if_unused`).
    """
    with db.conn:
        # Text the assistant extracted from it is derived data and goes with it.
        db.execute(
            "DELETE FROM evidence_text WHERE evidence_id = ? AND evidence_id IN"
            " (SELECT id FROM evidence WHERE id = ? AND state = ?)",
            [record.id, record.id, EvidenceState.SUBMITTED.value],
        )
        db.execute(
            "DELETE FROM evidence WHERE id = ? AND state = ?",
            [record.id, EvidenceState.SUBMITTED.value],
        )


def delete_file_if_unused(db: sqlite_utils.Database, root: Path, sha256: str | None) -> bool:
    """Delete the stored file with this digest unless some evidence still refers to it."""
    if not sha256:
        return False
    if db.execute("SELECT 1 FROM evidence WHERE sha256 = ? LIMIT 1", [sha256]).fetchone():
        return False
    path = path_for(root, sha256)
    if not path.exists():
        return False
    path.unlink()
    return True
