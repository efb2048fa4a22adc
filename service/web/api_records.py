"""The JSON API's records (documented in OpenAPI) and their conversions from the use cases' Structs."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.params import FromPath

from service import progress
from service import rounds as rounds_uc
from service.domain import dialog
from service.domain.answers import IndicatorAnswer, Status
from service.domain.evidence import EvidenceRecord, ReviewState
from service.storage import rounds

# --- records --------------------------------------------------------------------------------


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    """Coordinator credentials."""

    email: str
    password: str


class CoordinatorOut(msgspec.Struct):
    """The signed-in coordinator."""

    id: int
    email: str
    name: str
    municipality_id: int
    municipality: str


class RoleOut(msgspec.Struct):
    """A respondent role."""

    id: str
    title: str


class QuestionnaireOut(msgspec.Struct):
    """An installed questionnaire."""

    id: str
    version: str
    title: str
    country: str
    locales: list[str]
    roles: list[RoleOut]
    areas: int
    indicators: int
    max_points: int


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new round."""

    name: str
    questionnaire: str
    locale: str | None = None
    deadline: str | None = None
    # Coverage: people per indicator (1–50), indicators per person (1–1000), roles per
    # indicator (1–10); left out means the default (3, 40, 2).
    min_per_indicator: int | None = None
    max_per_person: int | None = None
    min_roles: int | None = None


class CoverageIn(msgspec.Struct, forbid_unknown_fields=True):
    """A round's coverage settings; a field left out keeps the default."""

    min_per_indicator: int | None = None
    max_per_person: int | None = None
    min_roles: int | None = None


class RespondentOut(msgspec.Struct):
    """An invited respondent and their progress."""

    id: int
    role: str
    name: str
    email: str
    revoked: bool
    emailed: bool
    complete: int
    total: int
    last_seen_at: str | None
    late: int = 0  # answer versions saved after the round's deadline (accepted, marked)


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    """An invitation by role."""

    role: str
    name: str = ""
    email: str = ""


class InviteManyIn(msgspec.Struct, forbid_unknown_fields=True):
    """Many invitations at once: ``rows`` of [name, e-mail, role], or ``text`` as pasted
    (one person per line, cells split by tab, semicolon or comma). Role by id or name."""

    rows: list[list[str]] | None = None
    text: str | None = None


class RowProblemOut(msgspec.Struct):
    """One bad row of a list of invitees (1-based, header row included)."""

    row: int
    message: str


class InviteManyError(msgspec.Struct):
    """A list with bad rows: nothing was saved."""

    status: int
    error: str
    message: str
    rows: list[RowProblemOut]


class RemindIn(msgspec.Struct, forbid_unknown_fields=True):
    """Reminders to everyone not finished; ``new_links`` puts a new link in each (old ones stop)."""

    new_links: bool = False


class RemindOut(msgspec.Struct):
    """Who was reminded; respondent ids."""

    sent: list[int]
    failed: list[int]
    no_email: list[int]
    links: list[InviteOut]


class InviteOut(msgspec.Struct):
    """A new personal link: shown once, only its hash is stored."""

    respondent: RespondentOut
    link: str
    token: FromPath[str]


class EvidenceOut(msgspec.Struct):
    """A piece of evidence and its review."""

    id: int
    indicator: FromPath[str]
    respondent_id: FromPath[int]
    kind: str
    title: str
    filename: str
    url: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    effective_date: str | None
    uploaded_at: str
    state: str
    review_comment: str


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """A coordinator's decision on evidence."""

    decision: ReviewState
    comment: str = ""


class Next(msgspec.Struct):
    """The next open indicator of the respondent's assignment; null when all are answered."""

    indicator: str | None


class AreaProgressOut(msgspec.Struct):
    """Answered indicators of one area."""

    area: int
    complete: int
    total: int


class RespondentSessionOut(msgspec.Struct):
    """What a respondent's link opens."""

    round: str
    round_status: str
    questionnaire: str
    locale: str
    role: str
    progress: list[AreaProgressOut]
    next: Next


class IndicatorOut(msgspec.Struct):
    """One indicator as the conversation presents it, with the answer so far."""

    id: str
    area: int
    subquestion: str
    question: str
    why: str
    good_practice: str
    evidence_hint: str
    dimensions: list[str]
    applies: list[
        str
    ]  # the dimensions asked now: system 0, planned or don't know leave only the system
    complete: bool
    answer: IndicatorAnswer | None
    evidence: list[EvidenceOut]


class IndicatorAnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    """A whole indicator answer, as one card submits it.

    ``status`` is "answered", "planned" or "dont_know" (the whole indicator); ``levels`` maps
    each applicable dimension to a level or null ("don't know"). Follow-ups that do not apply
    (system 0 or null, planned, dont_know) are ignored.
    """

    status: Status = Status.ANSWERED
    levels: dict[str, int | None] = msgspec.field(default_factory=dict)
    comment: str = ""

    def card(self) -> dialog.Card:
        """The domain's card for this answer."""
        return dialog.Card(status=self.status, levels=dict(self.levels), comment=self.comment)


class IndicatorSavedOut(msgspec.Struct):
    """The stored answer and the next open indicator."""

    answer: IndicatorAnswer
    next: Next


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    """Evidence given as a link."""

    url: str
    title: str = ""
    effective_date: str = ""


def round_out(rnd: rounds.Round) -> dict[str, Any]:
    """A round as JSON."""
    return msgspec.to_builtins(rnd)  # type: ignore[no-any-return]


def evidence_out(record: EvidenceRecord) -> EvidenceOut:
    """Evidence as the API shows it."""
    return EvidenceOut(
        id=record.id,
        indicator=record.indicator_id,
        respondent_id=record.respondent_id,
        kind=record.kind,
        title=record.title,
        filename=record.filename,
        url=record.url,
        media_type=record.media_type,
        size=record.size,
        sha256=record.sha256,
        effective_date=record.effective_date,
        uploaded_at=record.uploaded_at,
        state=record.state.value,
        review_comment=record.review_comment,
    )


def respondent_out(row: progress.RespondentProgress) -> RespondentOut:
    """A respondent with their progress, as the API shows them."""
    record = row.record
    return RespondentOut(
        id=record.id,
        role=record.role,
        name=record.name,
        email=record.email,
        revoked=record.revoked,
        emailed=record.emailed_at is not None,
        complete=row.complete,
        total=row.total,
        last_seen_at=record.last_seen_at,
        late=row.late,
    )


def invite_out(invitation: rounds_uc.Invitation) -> InviteOut:
    """A new invitation with its link, shown once."""
    return InviteOut(
        respondent=respondent_out(invitation.respondent),
        link=invitation.link,
        token=invitation.token,
    )
