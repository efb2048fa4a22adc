"""Use cases of a coordinator's round: create, open, close, invite, revoke, reissue, review.

Pages, the JSON API, the CLI and the demo call these; each takes the database, the catalog and
the settings it needs (never a web framework's state), accepts typed values and returns Structs.
The rules of what is allowed when are ``domain.rounds``; they are checked here, once. Each
change is recorded in the audit trail here too, with ``by`` (the signed-in coordinator, or
``audit.OPERATOR`` on the command line), so pages and API cannot differ in what is recorded.
"""

from __future__ import annotations

import logging
import smtplib

import msgspec
import sqlite_utils

from service import mailer
from service.domain import dialog
from service.domain import rounds as rules
from service.domain.answers import AnswerSet, IndicatorAnswer
from service.domain.errors import InvalidInput
from service.domain.evidence import EvidenceRecord, ReviewState, check_review_comment
from service.domain.questionnaire import Questionnaire
from service.domain.rounds import Round, RoundStatus
from service.i18n import translator
from service.questionnaires import Catalog
from service.results import answer_set, questionnaire_of
from service.settings import Settings
from service.storage import accounts, answers, audit, evidence, respondents
from service.storage import rounds as stored
from service.storage.accounts import Coordinator
from service.storage.audit import Actor
from service.storage.respondents import RespondentRecord

log = logging.getLogger("kompass")


class RespondentProgress(msgspec.Struct, frozen=True, kw_only=True):
    """An invited respondent with how many of their indicators are complete."""

    record: RespondentRecord
    role_title: str
    complete: int
    total: int


class RoleProgress(msgspec.Struct, frozen=True, kw_only=True):
    """Response progress of one role."""

    role: str
    title: str
    invited: int
    started: int
    complete: int
    total: int


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    """A new personal link: shown once (only its hash is stored), and whether it was e-mailed."""

    respondent: RespondentProgress
    link: str
    token: str
    emailed: bool


def create(
    db: sqlite_utils.Database,
    catalog: Catalog,
    municipality_id: int,
    *,
    by: Actor,
    name: str,
    questionnaire_id: str,
    locale: str | None = None,
    deadline: str | None = None,
) -> Round:
    """Create a draft round; ``locale`` defaults to the questionnaire's own."""
    q = catalog.get(questionnaire_id)
    if q is None:
        raise InvalidInput("Choose one of the questionnaires.")
    new = rules.new_round(name, q.id, locale or q.default_locale, q.locales, deadline)
    rnd = stored.create_round(db, municipality_id, new)
    _audit(db, audit.Action.ROUND_CREATED, rnd, by)
    return rnd


def _audit(
    db: sqlite_utils.Database,
    action: audit.Action,
    rnd: Round,
    by: Actor,
    target: str = "",
    details: dict[str, str] | None = None,
) -> None:
    audit.record(
        db,
        action,
        by=by,
        round_id=rnd.id,
        municipality_id=rnd.municipality_id,
        target=target,
        details=details,
    )


def open_round(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> Round:
    """Open a draft round for answers."""
    rules.require_transition(rnd, RoundStatus.OPEN)
    opened = stored.set_status(db, rnd, RoundStatus.OPEN)
    _audit(db, audit.Action.ROUND_OPENED, opened, by)
    return opened


def close_round(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> Round:
    """Close an open round: it becomes read-only and keeps its results."""
    rules.require_transition(rnd, RoundStatus.CLOSED)
    closed = stored.set_status(db, rnd, RoundStatus.CLOSED)
    _audit(db, audit.Action.ROUND_CLOSED, closed, by)
    return closed


def link_for(settings: Settings, token: str) -> str:
    """A respondent's personal link."""
    return f"{settings.public_url}/r/{token}"


def _progress(
    q: Questionnaire, record: RespondentRecord, given: dict[str, IndicatorAnswer], locale: str
) -> RespondentProgress:
    mine = q.indicators_for_role(record.role)
    title = next((q.text(r.title, locale) for r in q.roles if r.id == record.role), record.role)
    return RespondentProgress(
        record=record,
        role_title=title,
        complete=sum(1 for ind in mine if dialog.is_complete(ind, given.get(ind.id))),
        total=len(mine),
    )


def respondent_progress(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: Round,
    locale: str,
    answers_now: AnswerSet | None = None,
) -> list[RespondentProgress]:
    """Each respondent with their progress; pass the round's answers if already read."""
    q = questionnaire_of(catalog, rnd)
    given_set = answers_now if answers_now is not None else answer_set(db, rnd)
    current = {p.id: {a.indicator: a for a in p.answers} for p in given_set.respondents}
    return [
        _progress(q, record, current.get(f"r{record.id}", {}), locale)
        for record in respondents.list_for_round(db, rnd.id)
    ]


def role_progress(
    q: Questionnaire, rows: list[RespondentProgress], locale: str
) -> list[RoleProgress]:
    """Progress summed per role, in the questionnaire's role order."""
    summary = []
    for role in q.roles:
        mine = [r for r in rows if r.record.role == role.id]
        summary.append(
            RoleProgress(
                role=role.id,
                title=q.text(role.title, locale),
                invited=len(mine),
                started=sum(1 for r in mine if r.complete > 0),
                complete=sum(r.complete for r in mine),
                total=sum(r.total for r in mine),
            )
        )
    return summary


def _one_progress(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, record: RespondentRecord
) -> RespondentProgress:
    q = questionnaire_of(catalog, rnd)
    return _progress(q, record, answers.current(db, record.id), rnd.locale)


def invite(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    *,
    by: Actor,
    role: str,
    name: str = "",
    email: str = "",
) -> Invitation:
    """Invite a respondent by role; e-mail the link when SMTP is configured."""
    rules.require_writable(rnd)
    q = questionnaire_of(catalog, rnd)
    name, email = rules.check_invitation(role, [r.id for r in q.roles], name, email)
    record, token = respondents.invite(db, rnd.id, role, name, email)
    _audit(
        db,
        audit.Action.INVITATION_ISSUED,
        rnd,
        by,
        target=f"respondent:{record.id}",
        details={"role": role},
    )
    return _handed_out(db, catalog, settings, rnd, record, token)


def revoke(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, respondent_id: int, *, by: Actor
) -> RespondentProgress:
    """Withdraw a personal link; the answers already given are kept."""
    rules.require_writable(rnd)
    record = respondents.revoke(db, rnd.id, respondent_id)
    _audit(db, audit.Action.INVITATION_REVOKED, rnd, by, target=f"respondent:{record.id}")
    return _one_progress(db, catalog, rnd, record)


def reissue(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    respondent_id: int,
    *,
    by: Actor,
) -> Invitation:
    """A new link for a respondent (e-mailed when SMTP is configured); the old one stops working."""
    rules.require_writable(rnd)
    record, token = respondents.reissue(db, rnd.id, respondent_id)
    _audit(db, audit.Action.INVITATION_REISSUED, rnd, by, target=f"respondent:{record.id}")
    return _handed_out(db, catalog, settings, rnd, record, token)


def _handed_out(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    record: RespondentRecord,
    token: str,
) -> Invitation:
    emailed = email_link(db, catalog, settings, rnd, record, token)
    if emailed:
        record = respondents.get(db, rnd.id, record.id)
    return Invitation(
        respondent=_one_progress(db, catalog, rnd, record),
        link=link_for(settings, token),
        token=token,
        emailed=emailed,
    )


def email_link(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    record: RespondentRecord,
    token: str,
) -> bool:
    """E-mail the link if SMTP is configured and the respondent has an address; never fail."""
    if not (mailer.smtp_configured(settings) and record.email):
        return False
    q = questionnaire_of(catalog, rnd)
    role = next((q.text(r.title, rnd.locale) for r in q.roles if r.id == record.role), record.role)
    municipality = accounts.get_municipality(db, rnd.municipality_id)
    message = mailer.invitation(
        translator(rnd.locale),
        to=record.email,
        municipality=municipality.name,
        round_name=rnd.name,
        role=role,
        link=link_for(settings, token),
        sender=settings.smtp_sender,
    )
    try:
        mailer.send(settings, message)
    except (OSError, smtplib.SMTPException):
        log.warning("could not e-mail the invitation for respondent %s", record.id, exc_info=True)
        return False
    respondents.mark_emailed(db, record.id)
    return True


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
    _audit(db, audit.REVIEW_ACTIONS[decision], rnd, by, target=f"evidence:{record.id}")
    return record
