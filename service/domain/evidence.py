"""Evidence: a document or link given for an indicator, its review, and the rules for its fields."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from urllib.parse import urlsplit

import msgspec

from service.domain.answers import EvidenceRef, EvidenceState
from service.domain.errors import Conflict, InvalidInput, NotFound, TooLarge
from service.domain.messages import N_

MAX_REVIEW_COMMENT = 2000


class ReviewState(StrEnum):
    """States a coordinator may set."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class EvidenceRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A piece of evidence with its review state."""

    id: int
    round_id: int
    respondent_id: int
    indicator_id: str
    kind: str
    sha256: str | None
    size: int | None
    media_type: str | None
    filename: str
    url: str | None
    title: str
    effective_date: str | None
    uploaded_at: str
    state: EvidenceState
    review_comment: str
    reviewed_at: str | None
    reviewed_by: int | None

    def ref(self) -> EvidenceRef:
        """The reference the scoring module needs."""
        return EvidenceRef(
            id=f"e{self.id}",
            state=self.state,
            title=self.title,
            effective_date=self.effective_date or "",
        )


def check_effective_date(value: str) -> str | None:
    """An ISO date not in the future, or None when left empty."""
    value = value.strip()
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("The date must be written as YYYY-MM-DD.") from None
    if date > dt.datetime.now(dt.UTC).date():
        raise InvalidInput("The document's date cannot be in the future.")
    return date.isoformat()


def check_url(value: str) -> str:
    """An http(s) link."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(value) > 2000:
        raise InvalidInput("Enter a web address starting with http:// or https://.")
    return value


def check_review_comment(comment: str) -> str:
    """A reviewer's comment, trimmed; refused when too long."""
    if len(comment) > MAX_REVIEW_COMMENT:
        raise InvalidInput("The comment is too long.")
    return comment.strip()


QUOTA_USED_UP = N_(
    "You have used all your space for uploaded files (%(limit)s MB). Add a link instead,"
    " or ask your coordinator."
)
QUOTA_EXCEEDED = N_(
    "This file does not fit in your remaining space for uploads (%(limit)s MB per person)."
)


def quota_error(left: int, limit: str) -> TooLarge:
    """The refusal of a file that does not fit in the ``left`` bytes of a respondent's quota.

    ``limit`` is the whole quota as shown (in MB); only it is shown, since a remaining
    amount with decimals would not follow the reader's locale.
    """
    return TooLarge(QUOTA_USED_UP if left <= 0 else QUOTA_EXCEEDED, limit=limit)


def check_withdrawable(record: EvidenceRecord, respondent_id: int) -> None:
    """Only the respondent who gave a piece of evidence may withdraw it, and only unreviewed.

    Once reviewed, evidence is part of the round's record and stays; someone else's
    evidence is not found (its existence is not revealed).
    """
    if record.respondent_id != respondent_id:
        raise NotFound("No such evidence.")
    if record.state is not EvidenceState.SUBMITTED:
        raise Conflict("Evidence that has been reviewed can no longer be withdrawn.")
