"""The coverage a round asks for, who is invited, and what an assignment holds."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import msgspec

from service.domain.order import index, role_indicators
from service.domain.questionnaire import Questionnaire

DEFAULT_MIN_PER_INDICATOR = 3
DEFAULT_MIN_ROLES = 2
DEFAULT_MAX_PER_PERSON = 40


class CoverageSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A round's coverage: how many people per indicator, from how many roles, and each person's limit."""

    min_per_indicator: Annotated[int, msgspec.Meta(ge=1, le=50)] = DEFAULT_MIN_PER_INDICATOR
    min_roles: Annotated[int, msgspec.Meta(ge=1, le=10)] = DEFAULT_MIN_ROLES
    max_per_person: Annotated[int, msgspec.Meta(ge=1, le=1000)] = DEFAULT_MAX_PER_PERSON


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    """An invited respondent; ids grow in order of creation. A withdrawn link is not ``active``."""

    id: int
    role: str
    active: bool = True


class Pair(msgspec.Struct, frozen=True, kw_only=True):
    """One invitation's responsibility for one indicator (or, as input, an answer given)."""

    invitation: int
    indicator: str


class ShortReason(StrEnum):
    """Why an indicator lacks people or roles (translated at the edge)."""

    NO_ONE_INVITED = "no_one_invited"  # nobody in any of its roles is invited
    TOO_FEW_PEOPLE = "too_few_people"  # fewer people in its roles than it needs
    TOO_FEW_ROLES = "too_few_roles"  # fewer of its roles are invited than it needs
    PEOPLE_AT_LIMIT = "people_at_limit"  # enough people, but they have their maximum
    NOT_ASSIGNED = "not_assigned"  # someone could take it: the assignment needs rebalancing


class IndicatorCoverage(msgspec.Struct, frozen=True, kw_only=True):
    """How well one indicator is covered: people assigned and answered against what it needs."""

    indicator: str
    area: int
    assigned: int
    answered: int
    needed: int
    roles: list[str]  # roles of the people assigned, in questionnaire order
    roles_needed: int
    short_by: int  # people missing from the assignment
    roles_short_by: int  # roles missing from the assignment
    answers_short_by: int  # answers still missing for the indicator to be covered
    reasons: list[ShortReason]

    @property
    def covered(self) -> bool:
        """Whether the assignment gives the indicator enough people from enough roles."""
        return self.short_by == 0 and self.roles_short_by == 0


class AreaCoverage(msgspec.Struct, frozen=True, kw_only=True):
    """Coverage summed over one focus area's indicators."""

    area: int
    indicators: int
    assigned: int
    answered: int
    needed: int
    short: int  # indicators whose assignment lacks people or roles
    short_by: int  # people missing over all its indicators
    unanswered: int  # indicators that still have fewer answers than needed


class Assignment(msgspec.Struct, frozen=True, kw_only=True):
    """Who answers what, ordered by invitation then questionnaire order, with its coverage."""

    pairs: list[Pair]
    coverage: list[IndicatorCoverage]

    def indicators_for(self, invitation: int) -> list[str]:
        """The indicators assigned to one invitation, in questionnaire order."""
        return [p.indicator for p in self.pairs if p.invitation == invitation]

    def loads(self) -> dict[int, int]:
        """How many indicators each invitation with any has."""
        counts: dict[int, int] = {}
        for pair in self.pairs:
            counts[pair.invitation] = counts.get(pair.invitation, 0) + 1
        return counts

    @property
    def covered(self) -> bool:
        """Whether every indicator reaches its coverage."""
        return all(c.covered for c in self.coverage)

    @property
    def short(self) -> list[IndicatorCoverage]:
        """The indicators that do not reach their coverage."""
        return [c for c in self.coverage if not c.covered]


def roles_needed(q: Questionnaire, indicator: str, settings: CoverageSettings) -> int:
    """How many distinct roles an indicator should be answered by: ``min_roles``, at most its roles."""
    ind = q.indicator(indicator)
    return wanted_roles(settings, len(ind.roles)) if ind is not None else 0


def wanted_roles(settings: CoverageSettings, asked: int) -> int:
    """``min_roles``, but no more than the roles asked or the people needed."""
    return min(settings.min_roles, settings.min_per_indicator, asked)


def in_questionnaire_order(q: Questionnaire, indicators: Iterable[str]) -> list[str]:
    """Indicator ids (say, a respondent's stored assignment) in questionnaire order; unknown ids are left out."""
    position = index(q).position
    return sorted({i for i in indicators if i in position}, key=position.__getitem__)


def answer_more(q: Questionnaire, role: str, assigned: Iterable[str]) -> list[str]:
    """The indicators of ``role`` not in a respondent's assignment, in questionnaire order."""
    have = set(assigned)
    return [ind.id for ind in role_indicators(q, role) if ind.id not in have]
