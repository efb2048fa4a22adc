"""The search that fills an assignment: keep, fill (with augmenting paths), balance, diversify."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from service.domain.assignment.model import CoverageSettings, Invitation, Pair, wanted_roles
from service.domain.questionnaire import Questionnaire

# A node of the flow network in ``Search._augment``: ("i", indicator, ""),
# ("r", indicator, role) or ("p", person, "").
_Node = tuple[str, int, str]


class Search:
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
        return wanted_roles(self.settings, len(self.ind_roles[j]))

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
