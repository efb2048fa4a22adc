"""Use cases of a respondent's conversation: visit, answer a step, attach evidence, resume.

The personal link's token names the respondent and their round. Pages and the JSON API both
call these with typed values (a ``dialog.Choice`` or a comment, never a form dict) and get
Structs back; the rules of what is allowed when (``domain.rounds``, ``domain.dialog``) are
checked here once.
"""

from __future__ import annotations

import msgspec
import sqlite_utils

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


class Position(msgspec.Struct, frozen=True):
    """Where a respondent's conversation stands: an indicator and step, or finished (None)."""

    indicator: str | None
    step: dialog.Step | None

    @classmethod
    def of(cls, position: dialog.Position | None) -> Position:
        """From the dialog's (indicator, step) pair; None means the conversation is over."""
        return cls(*position) if position else cls(None, None)


class Choose(msgspec.Struct, frozen=True, tag="choose"):
    """An answer to a dimension step: a level, DONT_KNOW or PLANNED."""

    step: dialog.Step
    choice: dialog.Choice


class Comment(msgspec.Struct, frozen=True, tag="comment"):
    """The free-text comment that ends an indicator's conversation."""

    text: str


StepAnswer = Choose | Comment


class Saved(msgspec.Struct, frozen=True, kw_only=True):
    """The answer after a step, and where the conversation goes next."""

    answer: IndicatorAnswer
    next: Position


def visit(db: sqlite_utils.Database, catalog: Catalog, token: str) -> Visit:
    """Resolve a personal link; unknown or withdrawn links are refused."""
    record = respondents.by_token(db, token)
    rnd = stored.get_round_unscoped(db, record.round_id)
    return Visit(respondent=record, round=rnd, q=questionnaire_of(catalog, rnd))


def locate(v: Visit, indicator_id: str) -> tuple[Area, Subquestion, Indicator]:
    """The indicator, if it exists and is meant for this respondent's role."""
    for area, sq, ind in v.q.indicators():
        if ind.id == indicator_id:
            rules.require_role(v.respondent.role, ind.roles)
            return area, sq, ind
    raise NotFound("No such question.")


def parse_step(value: str) -> dialog.Step:
    """A step named in a path; an unknown name is no such question (404, page and API alike)."""
    try:
        return dialog.Step(value)
    except ValueError:
        raise NotFound("No such question.") from None


def choice_from_text(value: str) -> dialog.Choice:
    """A choice as a form sends it; refused as InvalidInput when it is no answer at all."""
    try:
        return dialog.choice_from_text(value)
    except dialog.DialogError as exc:
        raise InvalidInput(exc.message, **exc.params) from None


def current(db: sqlite_utils.Database, v: Visit) -> dict[str, IndicatorAnswer]:
    """The respondent's current answers by indicator."""
    return answers.current(db, v.respondent.id)


def resume(db: sqlite_utils.Database, v: Visit) -> Position:
    """Where a returning respondent continues (``Position(None, None)`` when all is answered)."""
    r = v.respondent
    return Position.of(
        dialog.resume_position(v.q, r.role, current(db, v), r.position_indicator, r.position_step)
    )


def enter_step(
    db: sqlite_utils.Database, v: Visit, ind: Indicator, asked: dialog.Step
) -> dialog.Step:
    """The step to show for ``asked``, remembered as where the respondent is (while not closed)."""
    step = dialog.shown_step(ind, current(db, v).get(ind.id), asked)
    if not v.round.closed:
        respondents.save_position(db, v.respondent.id, ind.id, step.value)
    return step


def _apply(
    v: Visit, ind: Indicator, before: IndicatorAnswer | None, given: StepAnswer
) -> IndicatorAnswer:
    try:
        if isinstance(given, Comment):
            return dialog.apply_comment(ind, before, given.text)
        return dialog.apply_choice(v.q, ind, before, given.step, given.choice)
    except dialog.DialogError as exc:
        raise InvalidInput(exc.message, **exc.params) from None


def answer(db: sqlite_utils.Database, v: Visit, indicator_id: str, given: StepAnswer) -> Saved:
    """Store one answered step as a new version of the answer; return it and what comes next."""
    _, _, ind = locate(v, indicator_id)
    rules.require_answerable(v.round)
    now = current(db, v)
    updated = _apply(v, ind, now.get(ind.id), given)
    answers.save(db, v.respondent.id, updated, author=f"respondent:{v.respondent.id}")
    now[ind.id] = updated
    step = dialog.Step.COMMENT if isinstance(given, Comment) else given.step
    position = dialog.next_position(v.q, v.respondent.role, now, ind, step)
    at, at_step = position if position else (ind.id, dialog.Step.COMMENT)
    respondents.save_position(db, v.respondent.id, at, at_step.value)
    return Saved(answer=updated, next=Position.of(position))


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
