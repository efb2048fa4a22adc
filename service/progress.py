"""Who has answered how much of a round: per respondent (over their assignment) and per role."""

from __future__ import annotations

import msgspec
import sqlite_utils

from service import labels
from service.domain import dialog
from service.domain.answers import AnswerSet, IndicatorAnswer
from service.domain.questionnaire import Questionnaire
from service.domain.rounds import Round
from service.i18n import SUPPORTED, translator
from service.questionnaires import Catalog
from service.results import answer_set, questionnaire_of
from service.storage import answers, assignments, respondents
from service.storage.respondents import RespondentRecord


class RespondentProgress(msgspec.Struct, frozen=True, kw_only=True):
    """An invited respondent with how many of their indicators are complete."""

    record: RespondentRecord
    role_title: str
    complete: int
    total: int
    # Answer versions saved after the round's deadline: accepted (a self-assessment gains
    # from them), but the coordinator sees which came late.
    late: int = 0


class RoleProgress(msgspec.Struct, frozen=True, kw_only=True):
    """Response progress of one role."""

    role: str
    title: str
    invited: int
    started: int
    complete: int
    total: int


def _progress(
    q: Questionnaire,
    record: RespondentRecord,
    given: dict[str, IndicatorAnswer],
    locale: str,
    assigned: list[str] | None,
) -> RespondentProgress:
    """Progress over the respondent's assignment plus anything more they chose to answer.

    ``assigned`` is None for a round that has no stored assignment (one made before
    assignments existed, and never opened since): then it is the role's indicators.
    """
    role_indicators = q.indicators_for_role(record.role)
    if assigned is None:
        mine = role_indicators
    else:
        wanted = set(assigned) | {i for i, a in given.items() if a is not None}
        mine = [ind for ind in role_indicators if ind.id in wanted]
    return RespondentProgress(
        record=record,
        role_title=role_title(q, record.role, locale),
        complete=sum(1 for ind in mine if dialog.is_complete(ind, given.get(ind.id))),
        total=len(mine),
    )


def role_title(q: Questionnaire, role: str, locale: str) -> str:
    """A role's name in ``locale``: the questionnaire's own words where it has that language,
    else the catalog's name for the role (so a Norwegian questionnaire still reads in Swedish)."""
    title = next((r.title for r in q.roles if r.id == role), None)
    if title is None:
        return role
    if locale not in q.locales and role in labels.ROLE:
        return translator(locale)(labels.ROLE[role])
    return q.text(title, locale)


def role_titles(q: Questionnaire, locale: str) -> dict[str, str]:
    """Every role of the questionnaire by id, named in ``locale`` (see ``role_title``)."""
    return {r.id: role_title(q, r.id, locale) for r in q.roles}


def role_spellings(q: Questionnaire) -> dict[str, str]:
    """Every accepted way to write a role in a list of invitees, case-folded, to its id.

    Its id, its titles in the questionnaire's languages and in every UI language, and each
    part of a title such as "Ordfører/formannskap".
    """
    out: dict[str, str] = {}
    for r in q.roles:
        names = [r.id, *r.title.values()]
        names += [translator(code)(labels.ROLE[r.id]) for code in SUPPORTED if r.id in labels.ROLE]
        for name in names:
            for variant in [name, *name.split("/")]:
                out.setdefault(variant.strip().casefold(), r.id)
    return out


def _assigned_by_person(db: sqlite_utils.Database, round_id: int) -> dict[int, list[str]] | None:
    pairs = assignments.for_round(db, round_id)
    if not pairs:
        return None
    out: dict[int, list[str]] = {}
    for pair in pairs:
        out.setdefault(pair.invitation, []).append(pair.indicator)
    return out


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
    assigned = _assigned_by_person(db, rnd.id)
    late = answers.saved_after(db, rnd.id, rnd.deadline) if rnd.deadline else {}
    return [
        msgspec.structs.replace(
            _progress(
                q,
                record,
                current.get(f"r{record.id}", {}),
                locale,
                None if assigned is None else assigned.get(record.id, []),
            ),
            late=late.get(record.id, 0),
        )
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
                title=role_title(q, role.id, locale),
                invited=len(mine),
                started=sum(1 for r in mine if r.complete > 0),
                complete=sum(r.complete for r in mine),
                total=sum(r.total for r in mine),
            )
        )
    return summary


def one_progress(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, record: RespondentRecord
) -> RespondentProgress:
    q = questionnaire_of(catalog, rnd)
    assigned = _assigned_by_person(db, rnd.id)
    return _progress(
        q,
        record,
        answers.current(db, record.id),
        rnd.locale,
        None if assigned is None else assigned.get(record.id, []),
    )
