"""Use cases of a respondent's cards: visit, save a whole indicator, attach evidence, resume.

The personal link's token names the respondent and their round. Pages and the JSON API both
call these with typed values (a ``dialog.Card``, never a form dict) and get
Structs back; the rules of what is allowed when (``domain.rounds``, ``domain.dialog``) are
checked here once.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
import sqlite_utils

from service import rounds as use
from service.domain import dialog
from service.domain import rounds as rules
from service.domain.answers import IndicatorAnswer
from service.domain.errors import InvalidInput, NotFound, TooLarge
from service.domain.evidence import (
    EvidenceRecord,
    check_effective_date,
    check_url,
    check_withdrawable,
    quota_error,
)
from service.domain.order import role_indicators
from service.domain.questionnaire import Area, Indicator, Questionnaire, Subquestion
from service.domain.rounds import Round
from service.questionnaires import Catalog
from service.results import questionnaire_of
from service.settings import Settings
from service.storage import answers, audit, evidence, respondents
from service.storage import rounds as stored
from service.storage.evidence_files import StoredFile, megabytes
from service.storage.respondents import RespondentRecord


class Visit(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a respondent request needs: who, which round, which questionnaire."""

    respondent: RespondentRecord
    round: Round
    q: Questionnaire
    catalog: Catalog  # where the round's share of the work is decided (service.rounds)


def visit(db: sqlite_utils.Database, catalog: Catalog, token: str) -> Visit:
    """Resolve a personal link; unknown or withdrawn links are refused."""
    record = respondents.by_token(db, token)
    rnd = stored.get_round_unscoped(db, record.round_id)
    return Visit(respondent=record, round=rnd, q=questionnaire_of(catalog, rnd), catalog=catalog)


def locate(v: Visit, indicator_id: str) -> tuple[Area, Subquestion, Indicator]:
    """The indicator, if it exists and is meant for this respondent's role."""
    for area, sq, ind in v.q.indicators():
        if ind.id == indicator_id:
            rules.require_role(v.respondent.role, ind.roles)
            return area, sq, ind
    raise NotFound("No such question.")


def current(db: sqlite_utils.Database, v: Visit) -> dict[str, IndicatorAnswer]:
    """The respondent's current answers by indicator (those of their role: the only ones a
    respondent can save, see :func:`locate`)."""
    mine = role_indicators(v.q, v.respondent.role)
    return answers.current_of(db, v.respondent.id, [ind.id for ind in mine])


def require_attachable(v: Visit, indicator_id: str) -> None:
    """Evidence, files and links alike, is attached only to one's own questions in an open round."""
    locate(v, indicator_id)
    rules.require_answerable(v.round)


class UploadLimit(msgspec.Struct, frozen=True, kw_only=True):
    """How much the respondent's next upload may hold: the per-file limit or what is left
    of their quota (``KOMPASS_EVIDENCE_QUOTA_MB``), whichever is smaller."""

    file_bytes: int
    quota_bytes: int
    left: int

    @property
    def max_bytes(self) -> int:
        """The most the upload may hold."""
        return min(self.file_bytes, self.left)

    def refusal(self, exc: TooLarge) -> TooLarge:
        """The error to show when an upload was stopped at ``max_bytes``."""
        if self.left < self.file_bytes:  # the quota, not the per-file limit, stopped it
            return quota_error(self.left, megabytes(self.quota_bytes))
        return exc


def upload_limit(db: sqlite_utils.Database, settings: Settings, v: Visit) -> UploadLimit:
    """The size limit for the respondent's next upload (links do not count against it)."""
    quota = settings.evidence_quota_mb * 1024 * 1024
    return UploadLimit(
        file_bytes=settings.max_upload_mb * 1024 * 1024,
        quota_bytes=quota,
        left=evidence.quota_left(db, v.respondent.id, quota),
    )


def attach_file(
    db: sqlite_utils.Database,
    v: Visit,
    indicator_id: str,
    stored_file: StoredFile,
    *,
    filename: str,
    title: str = "",
    effective_date: str = "",
) -> EvidenceRecord:
    """Record an uploaded (already stored and type-checked) file as evidence."""
    require_attachable(v, indicator_id)
    effective = check_effective_date(effective_date)
    return evidence.add_file(
        db, v.round.id, v.respondent.id, indicator_id, stored_file, filename, title, effective
    )


def attach_link(
    db: sqlite_utils.Database,
    v: Visit,
    indicator_id: str,
    *,
    url: str,
    title: str = "",
    effective_date: str = "",
) -> EvidenceRecord:
    """Record a link to a published document as evidence."""
    require_attachable(v, indicator_id)
    effective = check_effective_date(effective_date)
    return evidence.add_link(
        db, v.round.id, v.respondent.id, indicator_id, check_url(url), title, effective
    )


def evidence_for(db: sqlite_utils.Database, v: Visit, indicator_id: str) -> list[EvidenceRecord]:
    """The respondent's evidence for one indicator."""
    return evidence.list_for_answer(db, v.respondent.id, indicator_id)


# --- the card: one indicator, one submission -------------------------------------------------


class CardInvalid(InvalidInput):
    """A card that cannot be saved: the first problem as the message, all of them in ``fields``."""

    def __init__(self, fields: list[dialog.FieldError]) -> None:
        first = fields[0]
        super().__init__(first.message, **first.params)
        self.fields = fields


class CardSaved(msgspec.Struct, frozen=True, kw_only=True):
    """The stored answer of a card and the next open indicator (None when all are answered)."""

    answer: IndicatorAnswer
    next: str | None


class Work(msgspec.Struct, frozen=True, kw_only=True):
    """A respondent's share of the round: their assignment and the rest of their role's indicators.

    ``assigned`` is their share as ``service.rounds`` decides it (the one source the
    coordinator's coverage and progress read too), in questionnaire order; ``more`` the
    role's other indicators ("answer more").
    """

    assigned: list[Indicator]
    more: list[Indicator]


def work(db: sqlite_utils.Database, v: Visit) -> Work:
    """The respondent's assignment (or all of their role's indicators) and what they may add."""
    role = role_indicators(v.q, v.respondent.role)
    mine = use.share_of(db, v.catalog, v.round, v.q, v.respondent.id)
    if mine is None:
        return Work(assigned=list(role), more=[])
    chosen = set(mine)
    return Work(
        assigned=[ind for ind in role if ind.id in chosen],
        more=[ind for ind in role if ind.id not in chosen],
    )


def progress(db: sqlite_utils.Database, v: Visit) -> list[dialog.AreaProgress]:
    """Progress per focus area over the respondent's assignment."""
    return dialog.progress_over(v.q, work(db, v).assigned, current(db, v))


def next_card(db: sqlite_utils.Database, v: Visit, after: str | None = None) -> str | None:
    """The next open indicator of the assignment; after an "answer more" card, the next extra one."""
    return next_in(v, work(db, v), current(db, v), after)


def next_in(
    v: Visit, share: Work, now: Mapping[str, IndicatorAnswer], after: str | None = None
) -> str | None:
    """:func:`next_card` over a share and answers already read."""
    nxt = dialog.next_open(v.q, share.assigned, now, after)
    if nxt is None and after is not None and any(ind.id == after for ind in share.more):
        nxt = dialog.next_open(v.q, share.more, now, after)
    return nxt


def answer_more(db: sqlite_utils.Database, v: Visit) -> str | None:
    """The first open indicator of the role beyond the assignment, for "answer more"."""
    return dialog.next_open(v.q, work(db, v).more, current(db, v))


def welcomed(v: Visit) -> bool:
    """Whether the respondent has been past the welcome page (opened a card or answered)."""
    return v.respondent.position_indicator is not None


def resume_card(db: sqlite_utils.Database, v: Visit) -> str | None:
    """Where a returning respondent continues: the open card they were on, else the next open one."""
    at = v.respondent.position_indicator
    now = current(db, v)
    ind = v.q.indicator(at or "")
    if (
        ind is not None
        and v.respondent.role in ind.roles
        and not dialog.is_complete(ind, now.get(ind.id))
    ):
        return ind.id
    return dialog.next_open(v.q, work(db, v).assigned, now)


def open_card(db: sqlite_utils.Database, v: Visit, ind: Indicator) -> None:
    """Remember the card the respondent is on (while the round is not closed).

    Only when that changes: looking at the same card again writes nothing, so a page view
    neither waits for SQLite's write lock nor changes the round's content digest (which
    the results caches and the background report renderer watch).
    """
    if v.round.closed:
        return
    if (v.respondent.position_indicator, v.respondent.position_step) == (ind.id, dialog.CARD):
        return
    respondents.save_position(db, v.respondent.id, ind.id, dialog.CARD)


def save_card(
    db: sqlite_utils.Database, v: Visit, indicator_id: str, card: dialog.Card
) -> CardSaved:
    """Store a whole indicator answer as a new version; return it and the next open indicator.

    The answers are read once: the next card is worked out from them with the new answer
    in place, and the answer and the respondent's new position are written in one commit.
    """
    _, _, ind = locate(v, indicator_id)
    rules.require_answerable(v.round)
    now = current(db, v)
    try:
        updated = dialog.apply_card(v.q, ind, now.get(ind.id), card)
    except dialog.CardError as exc:
        raise CardInvalid(exc.fields) from None
    share = work(db, v)
    now[ind.id] = updated
    nxt = next_in(v, share, now, after=ind.id)
    answers.save(
        db,
        v.respondent.id,
        updated,
        author=f"respondent:{v.respondent.id}",
        position=(nxt or ind.id, dialog.CARD),
    )
    return CardSaved(answer=updated, next=nxt)


def withdraw_evidence(
    db: sqlite_utils.Database, settings: Settings, v: Visit, evidence_id: int
) -> EvidenceRecord:
    """The respondent withdraws their own evidence while nobody has reviewed it (audited).

    The stored file goes too when no other evidence refers to it (files are shared by content).
    Returns what was withdrawn.
    """
    rules.require_answerable(v.round)
    record = evidence.get(db, v.round.id, evidence_id)
    check_withdrawable(record, v.respondent.id)
    evidence.withdraw(db, record)
    evidence.delete_file_if_unused(db, settings.data_path / "evidence", record.sha256)
    audit.record(
        db,
        audit.Action.EVIDENCE_WITHDRAWN,
        by=f"respondent:{v.respondent.id}",
        round_id=v.round.id,
        municipality_id=v.round.municipality_id,
        target=f"evidence:{record.id}",
    )
    return record
