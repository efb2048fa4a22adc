"""Sharing the work: which invitations answer which indicators in a round.

A round sets its coverage (``CoverageSettings``): every indicator answered by at least
``min_per_indicator`` people, from at least ``min_roles`` of the roles the questionnaire
asks for it, and nobody given more than ``max_per_person`` indicators. ``assign``
computes an assignment that meets it as far as the invited people allow, and says
per indicator what is missing and why (``IndicatorCoverage``) instead of failing.

How (``docs/assignment.md`` explains it for coordinators):

1. *Keep*: every indicator a person has answered stays theirs; an earlier assignment is
   kept where it is still valid (the person is still invited, the role fits); extras
   above the count and then above a lowered limit are dropped, busiest people first.
2. *Fill*: indicators with the fewest eligible people first, one slot per indicator per
   pass, each slot to an eligible person of a role the indicator does not have yet, else
   to the least loaded one. When everyone eligible is full, an augmenting path moves
   earlier choices along (a maximum flow), so coverage is never lost to a greedy choice.
   A first pass allows at most N-1 people of one role (so a full indicator has two
   roles); a second pass drops that cap for indicators still short.
3. *Balance*: move one unanswered indicator at a time from a person to an eligible one
   with at least two fewer, until no such move is left; within a role that leaves
   loads differing by at most one.
4. *Diversify*: where an indicator still lacks a role, bring in someone of that role
   who has room, in place of a repeated role (or on top of people who answered).
   Steps 2–4 repeat until nothing changes.

Everything is ordered by invitation id and questionnaire order, never by set or dict
order, so the same input gives the same output.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.domain.assignment.coverage import area_coverage, coverage
from service.domain.assignment.model import (
    DEFAULT_MAX_PER_PERSON,
    DEFAULT_MIN_PER_INDICATOR,
    DEFAULT_MIN_ROLES,
    AreaCoverage,
    Assignment,
    CoverageSettings,
    IndicatorCoverage,
    Invitation,
    Pair,
    ShortReason,
    answer_more,
    in_questionnaire_order,
    roles_needed,
)
from service.domain.assignment.search import Search
from service.domain.questionnaire import Questionnaire

__all__ = [
    "DEFAULT_MAX_PER_PERSON",
    "DEFAULT_MIN_PER_INDICATOR",
    "DEFAULT_MIN_ROLES",
    "AreaCoverage",
    "Assignment",
    "CoverageSettings",
    "IndicatorCoverage",
    "Invitation",
    "Pair",
    "ShortReason",
    "answer_more",
    "area_coverage",
    "assign",
    "coverage",
    "in_questionnaire_order",
    "roles_needed",
]


def assign(
    q: Questionnaire,
    invitations: Iterable[Invitation],
    settings: CoverageSettings | None = None,
    *,
    previous: Iterable[Pair] = (),
    answered: Iterable[Pair] = (),
) -> Assignment:
    """Assign the questionnaire's indicators to a round's invitations to meet its coverage.

    ``previous`` is the assignment stored so far (rebalancing keeps what it can);
    ``answered`` lists the indicators each invitation has answered, which always stay
    theirs, also for withdrawn invitations, whose answers still count. The result's
    coverage counts those same pairs as answered; for answer counts that leave out
    "don't know", call ``coverage`` with the informative answers.
    """
    settings = settings or CoverageSettings()
    answered = list(answered)
    state = Search(q, invitations, settings)
    state.keep(answered, previous)
    # Balancing frees room a later fill can use, and a swap for a missing role can
    # unbalance again; repeat until a round changes nothing. Slots only grow and
    # swaps only add roles, so this ends.
    while True:
        before = state.slots()
        state.fill()
        state.balance()
        swapped = state.diversify()
        if not swapped and state.slots() == before:
            break
    pairs = state.pairs()
    return Assignment(
        pairs=pairs,
        coverage=coverage(q, state.people.values(), settings, pairs, answered),
    )
