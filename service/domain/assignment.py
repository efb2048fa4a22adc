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

from collections import deque
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import msgspec

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
    return _wanted_roles(settings, len(ind.roles)) if ind is not None else 0


def _wanted_roles(settings: CoverageSettings, asked: int) -> int:
    """``min_roles``, but no more than the roles asked or the people needed."""
    return min(settings.min_roles, settings.min_per_indicator, asked)


def in_questionnaire_order(q: Questionnaire, indicators: Iterable[str]) -> list[str]:
    """Indicator ids (say, a respondent's stored assignment) in questionnaire order; unknown ids are left out."""
    wanted = set(indicators)
    return [ind.id for _, _, ind in q.indicators() if ind.id in wanted]


def answer_more(q: Questionnaire, role: str, assigned: Iterable[str]) -> list[str]:
    """The indicators of ``role`` not in a respondent's assignment, in questionnaire order."""
    have = set(assigned)
    return [ind.id for ind in q.indicators_for_role(role) if ind.id not in have]


# A node of the flow network in ``_Round._augment``: ("i", indicator, ""),
# ("r", indicator, role) or ("p", person, "").
_Node = tuple[str, int, str]


class _Round:
    """The working state of one assignment: members per indicator and load per person."""

    def __init__(
        self, q: Questionnaire, invitations: Iterable[Invitation], settings: CoverageSettings
    ) -> None:
        self.settings = settings
        self.need = settings.min_per_indicator
        self.limit = settings.max_per_person
        # First invitation per id wins; ids order the people (creation order).
        people: dict[int, Invitation] = {}
        for inv in sorted(invitations, key=lambda i: i.id):
            people.setdefault(inv.id, inv)
        self.people = people
        self.role_rank = {r.id: n for n, r in enumerate(q.roles)}
        self.indicators = [ind for _, _, ind in q.indicators()]
        self.index = {ind.id: n for n, ind in enumerate(self.indicators)}
        self.ind_roles = [set(ind.roles) for ind in self.indicators]
        self.eligible = [
            [p.id for p in people.values() if p.active and p.role in roles]
            for roles in self.ind_roles
        ]
        self.members: list[set[int]] = [set() for _ in self.indicators]
        self.load = dict.fromkeys(people, 0)
        self.fixed: set[tuple[int, int]] = set()  # (person, indicator index) answered
        self.earlier: set[tuple[int, int]] = set()  # (person, indicator index) assigned before
        self.cap = [self._role_cap(j) for j in range(len(self.indicators))]
        # Nodes a failed search found no way out of; valid until the assignment changes.
        # Without this, a round with too few people repeats the same hopeless searches.
        self.dead: set[_Node] = set()

    def _role_cap(self, j: int) -> int:
        """At most this many of one role per indicator, so that a full indicator has two roles.

        With N slots and at most N-1 from a role, a covered indicator has at least two
        roles; more than two roles are sought by preference in ``_pick``, not by the cap.
        """
        available = {self.people[p].role for p in self.eligible[j]}
        target = min(self.settings.min_roles, len(available))
        return self.need - 1 if target >= 2 and self.need > 1 else self.need

    def _wanted(self, j: int) -> int:
        """How many distinct roles indicator ``j`` should have."""
        return _wanted_roles(self.settings, len(self.ind_roles[j]))

    def role_count(self, j: int, role: str) -> int:
        """People of ``role`` assigned to indicator ``j``."""
        return sum(1 for p in self.members[j] if self.people[p].role == role)

    def roles_of(self, j: int) -> set[str]:
        """Distinct roles assigned to indicator ``j``."""
        return {self.people[p].role for p in self.members[j]}

    def add(self, p: int, j: int) -> None:
        """Assign indicator ``j`` to person ``p``."""
        self.members[j].add(p)
        self.load[p] += 1
        self.dead.clear()

    def remove(self, p: int, j: int) -> None:
        """Take indicator ``j`` away from person ``p``."""
        self.members[j].discard(p)
        self.load[p] -= 1
        self.dead.clear()

    # 1. Keep -----------------------------------------------------------------------

    def keep(self, answered: Iterable[Pair], previous: Iterable[Pair]) -> None:
        """Keep answered indicators always, and an earlier assignment where still valid."""
        for p, j in self._valid(answered, active_only=False):
            self.add(p, j)
            self.fixed.add((p, j))
        for p, j in self._valid(previous, active_only=True):
            self.earlier.add((p, j))
            if p not in self.members[j]:
                self.add(p, j)
        # Counts first, then limits: dropping extras from the busiest people first
        # often brings them under a lowered limit without dropping anything else.
        for j in range(len(self.indicators)):
            self._trim(j)
        for p in sorted(self.people):
            self._enforce_limit(p)

    def _enforce_limit(self, p: int) -> None:
        """Drop unanswered indicators from someone above the limit, the least needed first."""
        while self.load[p] > self.limit:
            role = self.people[p].role
            movable = [
                j
                for j in range(len(self.indicators))
                if p in self.members[j] and (p, j) not in self.fixed
            ]
            if not movable:
                return
            self.remove(
                p,
                max(movable, key=lambda j: (len(self.members[j]), self.role_count(j, role) > 1, j)),
            )

    def _valid(self, pairs: Iterable[Pair], *, active_only: bool) -> list[tuple[int, int]]:
        """Pairs naming a known person of an eligible role and an existing indicator, in order."""
        found = set()
        for pair in pairs:
            person = self.people.get(pair.invitation)
            j = self.index.get(pair.indicator)
            if person is None or j is None or person.role not in self.ind_roles[j]:
                continue
            if active_only and not person.active:
                continue
            found.add((pair.invitation, j))
        return sorted(found)

    def _trim(self, j: int) -> None:
        """Drop unanswered extras above the needed count, from the busiest people first.

        A role over its share is left alone here: whether someone of a missing role can
        take over is only known after the fill, so ``diversify`` decides that.
        """
        while len(self.members[j]) > self.need:
            # Never drop a role's only person while that would lose a needed role
            # (``diversify`` may have added them on top of answered ones).
            spare_roles = len(self.roles_of(j)) > self._wanted(j)
            candidates = [
                p
                for p in self.members[j]
                if (p, j) not in self.fixed
                and (spare_roles or self.role_count(j, self.people[p].role) > 1)
            ]
            if not candidates:
                return
            self.remove(max(candidates, key=lambda p: (self.load[p], p)), j)

    # 2. Fill -----------------------------------------------------------------------

    def fill(self) -> None:
        """Fill every indicator up to its count: scarce ones first, one slot per pass."""
        order = sorted(range(len(self.indicators)), key=lambda j: (len(self.eligible[j]), j))
        for relaxed in (False, True):
            # An indicator that finds no augmenting path will not find one later in the
            # same pass (augmenting elsewhere never opens a path to it), so skip it.
            stuck: set[int] = set()
            for level in range(1, self.need + 1):
                for j in order:
                    stuck_or_full = j in stuck or len(self.members[j]) >= level
                    if not stuck_or_full and not self._fill_one(j, relaxed=relaxed):
                        stuck.add(j)

    def _fill_one(self, j: int, *, relaxed: bool) -> bool:
        picked = self._pick(j, relaxed=relaxed)
        if picked is not None:
            self.add(picked, j)
            return True
        return self._augment(j, relaxed=relaxed)

    def _cap_for(self, j: int, start: int, *, relaxed: bool) -> int:
        return self.need if relaxed and j == start else self.cap[j]

    def _pick(self, j: int, *, relaxed: bool) -> int | None:
        """The eligible person with room: a role new to the indicator first, then least loaded."""
        present = self.roles_of(j)
        cap = self._cap_for(j, j, relaxed=relaxed)
        candidates = [
            p
            for p in self.eligible[j]
            if p not in self.members[j]
            and self.load[p] < self.limit
            and self.role_count(j, self.people[p].role) < cap
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda p: (self.people[p].role in present, self.load[p], p))

    def _augment(self, start: int, *, relaxed: bool) -> bool:
        """Find one more slot for ``start`` by moving earlier choices (breadth-first search).

        The flow network is source → indicator → (indicator, role) → person → sink, with
        the role cap on the middle edges, 1 on person edges and the limit on the sink
        edges; nodes are ("i", j), ("r", j, role) and ("p", person). Answered pairs are
        fixed and never move.
        """
        origin: _Node = ("i", start, "")
        parent: dict[_Node, _Node] = {}
        seen = {origin}
        queue = deque([origin])
        while queue:
            node = queue.popleft()
            for nxt in self._residual(node, start, relaxed=relaxed):
                if nxt in seen or nxt in self.dead:
                    continue
                seen.add(nxt)
                parent[nxt] = node
                if nxt[0] == "p" and self.load[nxt[1]] < self.limit:
                    self._apply(nxt, parent)
                    return True
                queue.append(nxt)
        self.dead |= seen
        return False

    def _residual(self, node: _Node, start: int, *, relaxed: bool) -> list[_Node]:
        kind, key, role = node
        if kind == "i":
            cap = self._cap_for(key, start, relaxed=relaxed)
            roles = sorted(self.ind_roles[key], key=lambda r: self.role_rank.get(r, 99))
            return [("r", key, r) for r in roles if self.role_count(key, r) < cap]
        if kind == "r":
            out: list[_Node] = []
            if self.role_count(key, role) > 0:
                out.append(("i", key, ""))
            out.extend(
                ("p", p, "")
                for p in self.eligible[key]
                if self.people[p].role == role and p not in self.members[key]
            )
            return out
        person_role = self.people[key].role
        return [
            ("r", j, person_role)
            for j in range(len(self.indicators))
            if key in self.members[j] and (key, j) not in self.fixed
        ]

    def _apply(self, end: _Node, parent: dict[_Node, _Node]) -> None:
        node = end
        while node in parent:
            prev = parent[node]
            if prev[0] == "r" and node[0] == "p":
                self.add(node[1], prev[1])
            elif prev[0] == "p" and node[0] == "r":
                self.remove(prev[1], node[1])
            node = prev

    # 3. Balance --------------------------------------------------------------------

    def balance(self) -> None:
        """Move unanswered indicators from heavier to lighter people (gap ≥ 2) until none can move."""
        while self._move_one():
            pass

    def _move_one(self) -> bool:
        heaviest = sorted(self.load, key=lambda p: (-self.load[p], p))
        for p in heaviest:
            # Newly chosen indicators move before ones the person had already been given.
            own = sorted(
                (j for j in range(len(self.indicators)) if p in self.members[j]),
                key=lambda j: ((p, j) in self.earlier, j),
            )
            for j in own:
                if (p, j) in self.fixed:
                    continue
                target = self._lighter(p, j)
                if target is not None:
                    self.remove(p, j)
                    self.add(target, j)
                    return True
        return False

    def _lighter(self, p: int, j: int) -> int | None:
        role = self.people[p].role
        distinct = len(self.roles_of(j))
        for q in sorted(self.eligible[j], key=lambda x: (self.load[x], x)):
            if self.load[p] - self.load[q] < 2:
                return None
            if q in self.members[j]:
                continue
            other = self.people[q].role
            if other != role:
                if self.role_count(j, other) + 1 > self.cap[j]:
                    continue
                loses_role = self.role_count(j, role) == 1 and other in self.roles_of(j)
                if loses_role and distinct <= self.settings.min_roles:
                    continue
            return q
        return None

    def diversify(self) -> bool:
        """Bring in a person of a missing role who has room, instead of a repeated role.

        Balancing can free people after the fill gave an indicator all its people from
        one role; this uses them. When the indicator's count is already met by people
        who answered it (or are their role's only one), the newcomer comes on top:
        coverage asks for *at least* N people. Returns whether anything changed.
        """
        changed = False
        for j in range(len(self.indicators)):
            while len(self.roles_of(j)) < self._wanted(j):
                present = self.roles_of(j)
                newcomers = [
                    p
                    for p in self.eligible[j]
                    if self.people[p].role not in present and self.load[p] < self.limit
                ]
                repeated = [
                    p
                    for p in self.members[j]
                    if (p, j) not in self.fixed and self.role_count(j, self.people[p].role) > 1
                ]
                if not newcomers:
                    break
                if len(self.members[j]) >= self.need and repeated:
                    self.remove(max(repeated, key=lambda p: (self.load[p], p)), j)
                self.add(min(newcomers, key=lambda p: (self.load[p], p)), j)
                changed = True
        return changed

    def slots(self) -> int:
        """How many (person, indicator) pairs are assigned."""
        return sum(len(m) for m in self.members)

    def pairs(self) -> list[Pair]:
        """The assignment, by invitation then questionnaire order."""
        found = sorted((p, j) for j in range(len(self.indicators)) for p in self.members[j])
        return [Pair(invitation=p, indicator=self.indicators[j].id) for p, j in found]


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
    state = _Round(q, invitations, settings)
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
        wanted_roles = _wanted_roles(settings, len(ind.roles))
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
