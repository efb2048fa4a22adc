"""Coverage of a stored assignment: per indicator and per area, with the reasons for any shortfall."""

from __future__ import annotations

from collections.abc import Iterable

from service.domain.assignment.model import (
    AreaCoverage,
    CoverageSettings,
    IndicatorCoverage,
    Invitation,
    Pair,
    ShortReason,
)
from service.domain.assignment.model import (
    wanted_roles as roles_wanted,
)
from service.domain.questionnaire import Questionnaire


def _reasons(
    *,
    short_by: int,
    roles_short_by: int,
    people: int,
    need: int,
    roles: int,
    wanted_roles: int,
    spare: int,
    spare_roles: int,
) -> list[ShortReason]:
    """Why an indicator lacks people or roles; ``spare`` counts eligible people with room."""
    if not (short_by or roles_short_by):
        return []
    if people == 0:
        return [ShortReason.NO_ONE_INVITED]
    reasons: list[ShortReason] = []
    if short_by:
        if people < need:
            reasons.append(ShortReason.TOO_FEW_PEOPLE)
        else:
            reasons.append(ShortReason.NOT_ASSIGNED if spare else ShortReason.PEOPLE_AT_LIMIT)
    if roles_short_by:
        if roles < wanted_roles:
            reason = ShortReason.TOO_FEW_ROLES
        else:
            reason = ShortReason.NOT_ASSIGNED if spare_roles else ShortReason.PEOPLE_AT_LIMIT
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def coverage(
    q: Questionnaire,
    invitations: Iterable[Invitation],
    settings: CoverageSettings,
    assigned: Iterable[Pair],
    answered: Iterable[Pair],
) -> list[IndicatorCoverage]:
    """Per-indicator coverage of a stored assignment and the answers given, in questionnaire order."""
    people = {inv.id: inv for inv in invitations}
    role_rank = {r.id: n for n, r in enumerate(q.roles)}
    members: dict[str, set[int]] = {}
    for pair in assigned:
        if pair.invitation in people:
            members.setdefault(pair.indicator, set()).add(pair.invitation)
    answers: dict[str, set[int]] = {}
    for pair in answered:
        if pair.invitation in people:
            answers.setdefault(pair.indicator, set()).add(pair.invitation)
    load: dict[int, int] = dict.fromkeys(people, 0)
    for ids in members.values():
        for p in ids:
            load[p] += 1
    need = settings.min_per_indicator
    result = []
    for area, _, ind in q.indicators():
        mine = members.get(ind.id, set())
        eligible = {p for p, inv in people.items() if inv.active and inv.role in ind.roles}
        everyone = eligible | mine
        roles = sorted({people[p].role for p in mine}, key=lambda r: role_rank.get(r, 99))
        wanted_roles = roles_wanted(settings, len(ind.roles))
        short_by = max(0, need - len(mine))
        roles_short_by = max(0, wanted_roles - len(roles))
        spare = {p for p in eligible - mine if load[p] < settings.max_per_person}
        reasons = _reasons(
            short_by=short_by,
            roles_short_by=roles_short_by,
            people=len(everyone),
            need=need,
            roles=len({people[p].role for p in everyone}),
            wanted_roles=wanted_roles,
            spare=len(spare),
            spare_roles=sum(1 for p in spare if people[p].role not in roles),
        )
        given = {p for p in answers.get(ind.id, set()) if people[p].role in ind.roles}
        result.append(
            IndicatorCoverage(
                indicator=ind.id,
                area=area.number,
                assigned=len(mine),
                answered=len(given),
                needed=need,
                roles=roles,
                roles_needed=wanted_roles,
                short_by=short_by,
                roles_short_by=roles_short_by,
                answers_short_by=max(0, need - len(given)),
                reasons=reasons,
            )
        )
    return result


def area_coverage(q: Questionnaire, indicators: Iterable[IndicatorCoverage]) -> list[AreaCoverage]:
    """Per-area sums of indicator coverage, in questionnaire order (areas with no indicators omitted)."""
    by_area: dict[int, list[IndicatorCoverage]] = {}
    for item in indicators:
        by_area.setdefault(item.area, []).append(item)
    return [
        AreaCoverage(
            area=area.number,
            indicators=len(items),
            assigned=sum(c.assigned for c in items),
            answered=sum(c.answered for c in items),
            needed=sum(c.needed for c in items),
            short=sum(1 for c in items if not c.covered),
            short_by=sum(c.short_by for c in items),
            unanswered=sum(1 for c in items if c.answers_short_by),
        )
        for area in q.areas
        if (items := by_area.get(area.number))
    ]
