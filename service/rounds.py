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
from service.domain import assignment as sharing
from service.domain import rounds as rules
from service.domain.errors import Conflict, InvalidInput
from service.domain.questionnaire import Questionnaire
from service.domain.rounds import Round, RoundStatus
from service.i18n import translator
from service.progress import (
    RespondentProgress,
    one_progress,
    respondent_progress,
    role_spellings,
    role_title,
)
from service.questionnaires import Catalog
from service.results import questionnaire_of
from service.settings import Settings
from service.storage import accounts, assignments, audit, respondents
from service.storage import rounds as stored
from service.storage.audit import Actor
from service.storage.respondents import RespondentRecord

log = logging.getLogger("kompass")


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
    coverage: sharing.CoverageSettings | None = None,
) -> Round:
    """Create a draft round; ``locale`` defaults to the questionnaire's own, ``coverage`` to
    the default sharing (3 people per indicator, at most 40 indicators per person)."""
    q = catalog.get(questionnaire_id)
    if q is None:
        raise InvalidInput("Choose one of the questionnaires.")
    new = rules.new_round(name, q.id, locale or q.default_locale, q.locales, deadline)
    rnd = stored.create_round(db, municipality_id, new)
    if coverage is not None:
        assignments.set_settings(db, rnd.id, coverage)
    _audit(db, audit.Action.ROUND_CREATED, rnd, by)
    return rnd


def coverage_settings(db: sqlite_utils.Database, rnd: Round) -> sharing.CoverageSettings:
    """The round's coverage settings (the defaults until the coordinator changes them)."""
    return assignments.get_settings(db, rnd.id)


def set_coverage(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: Round,
    coverage: sharing.CoverageSettings,
    *,
    by: Actor,
) -> sharing.Assignment:
    """Change the round's coverage and share the work again (answers stay with their authors)."""
    rules.require_writable(rnd)
    assignments.set_settings(db, rnd.id, coverage)
    shared = rebalance(db, catalog, rnd)
    _audit(
        db,
        audit.Action.COVERAGE_CHANGED,
        rnd,
        by,
        details={f: str(getattr(coverage, f)) for f in coverage.__struct_fields__},
    )
    return shared


class RoundCoverage(msgspec.Struct, frozen=True, kw_only=True):
    """What the round page shows of the shared work: settings, per indicator, per area."""

    settings: sharing.CoverageSettings
    indicators: list[sharing.IndicatorCoverage]
    areas: list[sharing.AreaCoverage]

    @property
    def short(self) -> list[sharing.IndicatorCoverage]:
        """Indicators whose assignment lacks people or roles."""
        return [c for c in self.indicators if c.short_by or c.roles_short_by]


def round_coverage(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> RoundCoverage:
    """Coverage of the stored assignment; answers count unless they are "don't know"."""
    q = questionnaire_of(catalog, rnd)
    settings = assignments.get_settings(db, rnd.id)
    per_indicator = sharing.coverage(
        q,
        assignments.invitations(db, rnd.id),
        settings,
        assignments.for_round(db, rnd.id),
        assignments.answered(db, rnd.id, informative=True),
    )
    return RoundCoverage(
        settings=settings,
        indicators=per_indicator,
        areas=sharing.area_coverage(q, per_indicator),
    )


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


def open_round(db: sqlite_utils.Database, catalog: Catalog, rnd: Round, *, by: Actor) -> Round:
    """Open a draft round for answers, with the work shared among those invited."""
    rules.require_transition(rnd, RoundStatus.OPEN)
    opened = stored.set_status(db, rnd, RoundStatus.OPEN)
    _audit(db, audit.Action.ROUND_OPENED, opened, by)
    rebalance(db, catalog, opened)
    return opened


def close_round(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> Round:
    """Close an open round: it becomes read-only and keeps its results."""
    rules.require_transition(rnd, RoundStatus.CLOSED)
    closed = stored.set_status(db, rnd, RoundStatus.CLOSED)
    _audit(db, audit.Action.ROUND_CLOSED, closed, by)
    return closed


def rebalance(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> sharing.Assignment:
    """Recompute and store the round's assignment from what is stored (see docs/assignment.md).

    Called when the round opens, when people are invited or leave, and when the coverage
    settings change. Answered indicators stay with their authors; an unchanged round
    changes nothing.
    """
    q = questionnaire_of(catalog, rnd)
    result = sharing.assign(
        q,
        assignments.invitations(db, rnd.id),
        assignments.get_settings(db, rnd.id),
        previous=assignments.for_round(db, rnd.id),
        answered=assignments.answered(db, rnd.id),
    )
    assignments.replace(db, rnd.id, result.pairs)
    return result


def assigned_indicators(
    db: sqlite_utils.Database, catalog: Catalog, invitation_id: int
) -> list[str]:
    """The indicators an invitation (respondent) is asked to answer, in questionnaire order.

    A round with invitations but no stored assignment yet (created before assignments
    existed) is assigned here once, so nobody is handed their role's whole questionnaire.
    """
    record = respondents.get_unscoped(db, invitation_id)
    rnd = stored.get_round_unscoped(db, record.round_id)
    return share_of(db, catalog, rnd, questionnaire_of(catalog, rnd), record.id) or []


def share_of(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, q: Questionnaire, respondent_id: int
) -> list[str] | None:
    """What the respondent's card and progress read: their share of ``rnd``, in order.

    An open (or draft) round without a stored assignment is assigned here once. None means
    a closed round that never had one: the respondent's role's whole set, as the
    coordinator's progress (:func:`respondent_progress`) counts it too.
    """
    mine = assignments.for_respondent(db, rnd.id, respondent_id)
    if not mine and not assignments.for_round(db, rnd.id):
        if rnd.closed:
            return None
        rebalance(db, catalog, rnd)
        mine = assignments.for_respondent(db, rnd.id, respondent_id)
    return sharing.in_questionnaire_order(q, mine)


def reopen_round(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> Round:
    """Undo closing: the round takes answers again, until its results have been exported."""
    rules.require_reopenable(rnd)
    reopened = stored.reopen(db, rnd)
    _audit(db, audit.Action.ROUND_REOPENED, reopened, by)
    return reopened


def results_exported(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> Round:
    """Note that results left Kompass; a closed round is final from then on (no reopening).

    Exports of an open round are provisional and change nothing.
    """
    if not rnd.closed or rnd.exported_at is not None:
        return rnd
    final = stored.mark_exported(db, rnd)
    _audit(db, audit.Action.ROUND_FINALISED, final, by)
    return final


def link_for(settings: Settings, token: str) -> str:
    """A respondent's personal link."""
    return f"{settings.public_url}/r/{token}"


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
    rebalance(db, catalog, rnd)
    return _handed_out(db, catalog, settings, rnd, record, token)


def invite_many(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    rows: list[list[str]],
    *,
    by: Actor,
) -> list[Invitation]:
    """Invite everyone on a list of (name, e-mail, role) rows, all or none.

    Every bad row is named at once (``InvalidRows``) and then nothing is saved. The roles may
    be written by id or by name in any UI language. Links are e-mailed when SMTP is set.
    """
    rules.require_writable(rnd)
    q = questionnaire_of(catalog, rnd)
    invited = {
        r.email.casefold()
        for r in respondents.list_for_round(db, rnd.id)
        if r.email and not r.revoked
    }
    people = rules.check_invitees(rows, role_spellings(q), invited)
    created = respondents.invite_many(db, rnd.id, [(p.role, p.name, p.email) for p in people])
    for record, _token in created:
        _audit(
            db,
            audit.Action.INVITATION_ISSUED,
            rnd,
            by,
            target=f"respondent:{record.id}",
            details={"role": record.role, "bulk": "yes"},
        )
    rebalance(db, catalog, rnd)
    emailed = {
        record.id
        for record, token in created
        if email_link(db, catalog, settings, rnd, record, token)
    }
    progress = {p.record.id: p for p in respondent_progress(db, catalog, rnd, rnd.locale)}
    return [
        Invitation(
            respondent=progress[record.id],
            link=link_for(settings, token),
            token=token,
            emailed=record.id in emailed,
        )
        for record, token in created
    ]


class Reminded(msgspec.Struct, frozen=True, kw_only=True):
    """What a round of reminders did: who was e-mailed, who could not be, and any new links."""

    sent: list[RespondentProgress]
    no_email: list[RespondentProgress]
    failed: list[RespondentProgress]
    links: list[Invitation]


def not_finished(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, locale: str
) -> list[RespondentProgress]:
    """Invited people with a working link who have not answered all of their indicators."""
    return [
        p
        for p in respondent_progress(db, catalog, rnd, locale)
        if not p.record.revoked and p.complete < p.total
    ]


def remind(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    rnd: Round,
    *,
    by: Actor,
    new_links: bool = False,
) -> Reminded:
    """E-mail a reminder to everyone not finished, when the coordinator asks.

    Only a link's hash is stored, so a reminder can carry a link only by issuing a new one
    (``new_links``: the old link stops working); otherwise it points to the invitation.
    """
    rules.require_answerable(rnd)
    if not mailer.smtp_configured(settings):
        raise Conflict("E-mail is not configured: reminders cannot be sent.")
    q = questionnaire_of(catalog, rnd)
    municipality = accounts.get_municipality(db, rnd.municipality_id)
    t = translator(rnd.locale)
    sent: list[RespondentProgress] = []
    no_email: list[RespondentProgress] = []
    failed: list[RespondentProgress] = []
    links: list[Invitation] = []
    for person in not_finished(db, catalog, rnd, rnd.locale):
        record = person.record
        if not record.email:
            no_email.append(person)
            continue
        link = None
        if new_links:
            record, token = respondents.reissue(db, rnd.id, record.id)
            # The old link stopped working here, whether or not the e-mail gets through.
            _audit(db, audit.Action.INVITATION_REISSUED, rnd, by, target=f"respondent:{record.id}")
            link = link_for(settings, token)
            links.append(Invitation(respondent=person, link=link, token=token, emailed=False))
        message = mailer.reminder(
            t,
            to=record.email,
            municipality=municipality.name,
            round_name=rnd.name,
            role=role_title(q, record.role, rnd.locale),
            link=link,
            deadline=t.isodate(rnd.deadline) if rnd.deadline else None,
            left=person.total - person.complete,
            sender=settings.smtp_sender,
        )
        try:
            mailer.send(settings, message)
        except (OSError, smtplib.SMTPException):
            log.warning("could not e-mail a reminder to respondent %s", record.id, exc_info=True)
            failed.append(person)
            continue
        if link is not None:
            respondents.mark_emailed(db, record.id)
            links[-1] = msgspec.structs.replace(links[-1], emailed=True)
        sent.append(person)
    for person in sent:
        # Who was reminded, by id only like every respondent in the trail.
        _audit(db, audit.Action.REMINDER_SENT, rnd, by, target=f"respondent:{person.record.id}")
    return Reminded(sent=sent, no_email=no_email, failed=failed, links=links)


def revoke(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, respondent_id: int, *, by: Actor
) -> RespondentProgress:
    """Withdraw a personal link; the answers already given are kept."""
    rules.require_writable(rnd)
    record = respondents.revoke(db, rnd.id, respondent_id)
    _audit(db, audit.Action.INVITATION_REVOKED, rnd, by, target=f"respondent:{record.id}")
    rebalance(db, catalog, rnd)
    return one_progress(db, catalog, rnd, record)


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
    was_active = not respondents.get(db, rnd.id, respondent_id).revoked
    record, token = respondents.reissue(db, rnd.id, respondent_id)
    _audit(db, audit.Action.INVITATION_REISSUED, rnd, by, target=f"respondent:{record.id}")
    if not was_active:
        # A withdrawn person is back: they take up a share of the work again.
        rebalance(db, catalog, rnd)
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
        respondent=one_progress(db, catalog, rnd, record),
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
    role = role_title(q, record.role, rnd.locale)
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
