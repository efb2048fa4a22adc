"""A coordinator's review of evidence: accepted evidence documents the practice it was given for."""

from __future__ import annotations

import sqlite_utils

from service.domain import rounds as rules
from service.domain.evidence import EvidenceRecord, ReviewState, check_review_comment
from service.domain.rounds import Round
from service.storage import audit, evidence
from service.storage.accounts import Coordinator


def review_evidence(
    db: sqlite_utils.Database,
    rnd: Round,
    evidence_id: int,
    decision: ReviewState,
    comment: str,
    *,
    by: Coordinator,
) -> EvidenceRecord:
    """Accept or reject a piece of evidence; the decision feeds the documented score.

    Every decision is kept (``evidence_reviews``) and recorded in the audit trail.
    """
    rules.require_writable(rnd)
    comment = check_review_comment(comment)
    record = evidence.review(db, rnd.id, evidence_id, decision, comment, by.id)
    audit.record(
        db,
        audit.REVIEW_ACTIONS[decision],
        by=by,
        round_id=rnd.id,
        municipality_id=rnd.municipality_id,
        target=f"evidence:{record.id}",
    )
    return record
