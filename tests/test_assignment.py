"""Sharing the work: assignment rules (domain) and stored assignments (real SQLite files)."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import msgspec
import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.answers import IndicatorAnswer, Status
from service.domain.assignment import (
    Assignment,
    CoverageSettings,
    Invitation,
    Pair,
    ShortReason,
    answer_more,
    area_coverage,
    assign,
    coverage,
    in_questionnaire_order,
)
from service.domain.questionnaire import (
    Area,
    Dimension,
    Indicator,
    Questionnaire,
    Subquestion,
)
from service.domain.rounds import NewRound
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog, load_file
from service.storage import accounts, answers, assignments, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import EXAMPLE

EDITIONS = ["kommunekompasset-2.1", "kommunkompassen"]
ROLES = ["mayor", "chief_executive", "department_head", "staff_leader", "unit_leader", "union_rep"]
NINETEEN = {
    "mayor": 2,
    "chief_executive": 1,
    "department_head": 3,
    "staff_leader": 3,
    "unit_leader": 8,
    "union_rep": 2,
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(QUESTIONNAIRE_DIR)


def invite(per_role: dict[str, int], start: int = 1) -> list[Invitation]:
    """Invitations in creation order, role by role."""
    out: list[Invitation] = []
    for role, count in per_role.items():
        for _ in range(count):
            out.append(Invitation(id=start + len(out), role=role))
    return out


def pairs_of(result: Assignment) -> set[tuple[int, str]]:
    return {(p.invitation, p.indicator) for p in result.pairs}


def check_rules(
    q: Questionnaire,
    invitations: list[Invitation],
    cov: CoverageSettings,
    result: Assignment,
    answered: Sequence[Pair] = (),
) -> None:
    """The invariants every assignment keeps, whatever the input."""
    people = {inv.id: inv for inv in invitations}
    given_pairs = {
        (p.invitation, p.indicator)
        for p in answered
        if p.invitation in people
        and (ind := q.indicator(p.indicator)) is not None
        and people[p.invitation].role in ind.roles
    }
    got = pairs_of(result)
    # Answered indicators always stay with the person who answered them.
    assert given_pairs <= got
    fixed_per_person = Counter(p for p, _ in given_pairs)
    fixed_per_indicator = Counter(i for _, i in given_pairs)
    for person, indicator in got:
        ind = q.indicator(indicator)
        assert ind is not None
        # Roles respected; someone who left keeps only what they answered.
        assert people[person].role in ind.roles
        assert people[person].active or (person, indicator) in given_pairs
    for person, load in result.loads().items():
        assert load <= max(cov.max_per_person, fixed_per_person[person])
    per_indicator = Counter(i for _, i in got)
    for c in result.coverage:
        assert c.assigned == per_indicator[c.indicator]
        # More than needed only to add a missing role to those who answered.
        most = max(cov.min_per_indicator, fixed_per_indicator[c.indicator] + c.roles_needed - 1)
        assert c.assigned <= most
        assert c.covered == (c.short_by == 0 and c.roles_short_by == 0)
        # A shortfall is always explained, and never by work left unassigned.
        assert bool(c.reasons) == (not c.covered)
        assert ShortReason.NOT_ASSIGNED not in c.reasons


def check_balanced(invitations: list[Invitation], result: Assignment) -> None:
    loads = result.loads()
    by_role: dict[str, list[int]] = {}
    for inv in invitations:
        by_role.setdefault(inv.role, []).append(loads.get(inv.id, 0))
    for role, values in by_role.items():
        assert max(values) - min(values) <= 1, (role, values)


# --- The real questionnaires --------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize(
    ("per_role", "covered"),
    [
        (NINETEEN, True),
        (
            {
                "mayor": 2,
                "chief_executive": 1,
                "department_head": 4,
                "staff_leader": 3,
                "unit_leader": 8,
                "union_rep": 2,
            },
            True,
        ),
        ({"mayor": 1, "unit_leader": 2}, False),
    ],
)
def test_real_questionnaires_default_coverage(
    catalog: Catalog, edition: str, per_role: dict[str, int], covered: bool
) -> None:
    q = catalog.get(edition)
    assert q is not None
    invitations = invite(per_role)
    cov = CoverageSettings()
    result = assign(q, invitations, cov)
    check_rules(q, invitations, cov, result)
    check_balanced(invitations, result)
    assert result.covered is covered
    assert max(result.loads().values()) <= cov.max_per_person
    if covered:
        assert all(len(c.roles) >= 2 for c in result.coverage)


def test_default_settings_match_the_issue() -> None:
    assert CoverageSettings() == CoverageSettings(
        min_per_indicator=3, min_roles=2, max_per_person=40
    )


@pytest.mark.parametrize(
    ("per_role", "reason"),
    [
        ({}, ShortReason.NO_ONE_INVITED),
        ({"unit_leader": 2}, ShortReason.TOO_FEW_PEOPLE),
        ({"unit_leader": 5}, ShortReason.TOO_FEW_ROLES),
    ],
)
def test_shortfall_says_why(catalog: Catalog, per_role: dict[str, int], reason: str) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    # No limit in the way: the shortfall comes from who is invited.
    result = assign(q, invite(per_role), CoverageSettings(max_per_person=1000))
    # 4.6.2 is asked of department heads and unit leaders.
    item = next(c for c in result.coverage if c.indicator == "4.6.2")
    assert not item.covered
    assert reason in item.reasons
    assert item.needed == 3
    assert item.roles_needed == 2
    assert item.short_by == max(0, 3 - sum(per_role.values()))
    assert item.roles_short_by == (2 if not per_role else 1)


def test_people_at_their_limit_are_reported(catalog: Catalog) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    invitations = invite(NINETEEN)
    cov = CoverageSettings(max_per_person=10)
    result = assign(q, invitations, cov)
    check_rules(q, invitations, cov, result)
    assert max(result.loads().values()) == 10
    assert result.short
    assert all(ShortReason.PEOPLE_AT_LIMIT in c.reasons for c in result.short)
    # Capacity is used in full before anything is reported short.
    assert sum(result.loads().values()) == 19 * 10


@pytest.mark.parametrize("edition", EDITIONS)
def test_deterministic_whatever_the_input_order(catalog: Catalog, edition: str) -> None:
    q = catalog.get(edition)
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    answered = first.pairs[::7]
    again = assign(q, invitations, previous=first.pairs, answered=answered)
    for seed in range(3):
        rng = random.Random(seed)
        shuffled = invitations[:]
        rng.shuffle(shuffled)
        previous = first.pairs[:]
        rng.shuffle(previous)
        given_ = answered[:]
        rng.shuffle(given_)
        assert assign(q, shuffled) == first
        assert assign(q, shuffled, previous=previous, answered=given_) == again


@pytest.mark.parametrize("edition", EDITIONS)
def test_rebalancing_an_unchanged_round_moves_nothing(catalog: Catalog, edition: str) -> None:
    q = catalog.get(edition)
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    assert assign(q, invitations, previous=first.pairs) == first


@pytest.mark.parametrize("edition", EDITIONS)
def test_someone_added_takes_a_share_and_nothing_else_moves(catalog: Catalog, edition: str) -> None:
    q = catalog.get(edition)
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    answered = [p for p in first.pairs if p.invitation in (10, 11)][:20]
    newcomer = Invitation(id=100, role="unit_leader")
    after = assign(q, [*invitations, newcomer], previous=first.pairs, answered=answered)
    check_rules(q, [*invitations, newcomer], CoverageSettings(), after, answered)
    check_balanced([*invitations, newcomer], after)
    assert after.covered
    before, now = pairs_of(first), pairs_of(after)
    # Only what the newcomer takes over moves: nobody else gains work.
    assert {p for p, _ in now - before} == {100}
    assert len(before - now) == len(now - before)
    assert {(p.invitation, p.indicator) for p in answered} <= now


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("leaver", [3, 12])  # the only chief executive; a unit leader
def test_someone_leaving_keeps_their_answers_and_others_keep_theirs(
    catalog: Catalog, edition: str, leaver: int
) -> None:
    q = catalog.get(edition)
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    answered = [p for p in first.pairs if p.invitation == leaver][:5]
    left = [Invitation(id=inv.id, role=inv.role, active=inv.id != leaver) for inv in invitations]
    after = assign(q, left, previous=first.pairs, answered=answered)
    check_rules(q, left, CoverageSettings(), after, answered)
    now = pairs_of(after)
    # The leaver keeps exactly what they answered (those answers still count) ...
    assert {i for p, i in now if p == leaver} == {p.indicator for p in answered}
    # ... and everyone else keeps everything they had.
    kept = {(p.invitation, p.indicator) for p in first.pairs if p.invitation != leaver}
    moved = kept - now
    assert len(moved) <= len(kept) // 20, len(moved)


def test_answered_beyond_the_limit_stays_and_frees_others(catalog: Catalog) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    keen = 10  # a unit leader who answers every unit-leader indicator ("answer more")
    answered = [Pair(invitation=keen, indicator=i.id) for i in q.indicators_for_role("unit_leader")]
    after = assign(q, invitations, previous=first.pairs, answered=answered)
    check_rules(q, invitations, CoverageSettings(), after, answered)
    assert after.loads()[keen] == len(answered) > 40
    assert after.covered
    assert sum(after.loads().values()) == 3 * len(after.coverage)


def test_settings_changed_take_effect_on_rebalance(catalog: Catalog) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    invitations = invite(NINETEEN)
    first = assign(q, invitations)
    cov = CoverageSettings(min_per_indicator=2, max_per_person=30)
    after = assign(q, invitations, cov, previous=first.pairs)
    check_rules(q, invitations, cov, after)
    assert after.covered
    assert all(c.assigned == 2 for c in after.coverage)
    # Fewer people per indicator: mostly dropping; a few moves even out the loads.
    added = pairs_of(after) - pairs_of(first)
    assert len(added) <= len(after.pairs) // 20, len(added)
    check_balanced(invitations, after)


@pytest.mark.parametrize("role", ["unit_leader", "mayor"])
def test_answer_more_lists_the_rest_of_the_role_in_order(catalog: Catalog, role: str) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    invitations = invite(NINETEEN)
    result = assign(q, invitations)
    person = next(inv.id for inv in invitations if inv.role == role)
    mine = result.indicators_for(person)
    more = answer_more(q, role, mine)
    everything = [ind.id for ind in q.indicators_for_role(role)]
    assert set(more).isdisjoint(mine)
    assert sorted([*more, *mine], key=everything.index) == everything
    assert more == [i for i in everything if i in set(more)]


def test_coverage_of_a_stored_assignment_counts_answers(catalog: Catalog) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    invitations = invite(NINETEEN)
    cov = CoverageSettings()
    result = assign(q, invitations, cov)
    answered = [p for p in result.pairs if p.indicator.startswith("1.")][::2]
    figures = coverage(q, invitations, cov, result.pairs, answered)
    by_id = {c.indicator: c for c in figures}
    per_indicator = Counter(p.indicator for p in answered)
    for c in figures:
        assert c.answered == per_indicator[c.indicator]
        assert c.answers_short_by == max(0, 3 - c.answered)
    areas = area_coverage(q, figures)
    assert [a.area for a in areas] == [area.number for area in q.areas]
    for a in areas:
        mine = [c for c in by_id.values() if c.area == a.area]
        assert a.indicators == len(mine)
        assert a.assigned == sum(c.assigned for c in mine)
        assert a.answered == sum(c.answered for c in mine)
        assert a.needed == 3 * len(mine)
        assert a.short == 0
        assert a.unanswered == sum(1 for c in mine if c.answered < 3)
    # Someone new, not yet rebalanced: coverage says the work is waiting to be assigned.
    fewer = [p for p in result.pairs if p.invitation != 12]
    stale = coverage(q, [*invitations, Invitation(id=99, role="unit_leader")], cov, fewer, [])
    assert any(ShortReason.NOT_ASSIGNED in c.reasons for c in stale)


# --- Properties over small generated questionnaires ------------------------------------

SMALL_ROLES = ["mayor", "chief_executive", "unit_leader"]


def small_questionnaire(base: Questionnaire, role_sets: list[list[str]]) -> Questionnaire:
    """One area whose indicators are asked of the given roles."""
    indicators = [
        Indicator(
            id=f"1.{n // 9 + 1}.{n % 9 + 1}",
            question={},
            why={},
            good_practice={},
            evidence_hint={},
            roles=roles,
            dimensions=[Dimension.SYSTEM],
            weight=100,
        )
        for n, roles in enumerate(role_sets)
    ]
    subquestions = [
        Subquestion(
            id=f"1.{s + 1}",
            title={},
            max_points=1,
            indicators=indicators[s * 9 : s * 9 + 9],
        )
        for s in range((len(indicators) + 8) // 9)
    ]
    return msgspec.structs.replace(
        base, areas=[Area(number=1, title={}, intro={}, subquestions=subquestions)]
    )


EXAMPLE_Q = load_file(EXAMPLE)


def max_flow(q: Questionnaire, invitations: list[Invitation], cov: CoverageSettings) -> int:
    """Most (person, indicator) slots possible: source → indicator (N) → person (1) → sink (M).

    An independent check, by plain depth-first augmenting paths over a capacity table.
    """
    indicators = [ind for _, _, ind in q.indicators()]
    nodes = 2 + len(indicators) + len(invitations)
    source, sink = 0, nodes - 1
    cap = [[0] * nodes for _ in range(nodes)]
    for j, ind in enumerate(indicators, start=1):
        cap[source][j] = cov.min_per_indicator
        for n, inv in enumerate(invitations):
            if inv.role in ind.roles:
                cap[j][1 + len(indicators) + n] = 1
    for n in range(len(invitations)):
        cap[1 + len(indicators) + n][sink] = cov.max_per_person

    def push(node: int, seen: set[int]) -> bool:
        if node == sink:
            return True
        seen.add(node)
        for nxt in range(nodes):
            if cap[node][nxt] > 0 and nxt not in seen and push(nxt, seen):
                cap[node][nxt] -= 1
                cap[nxt][node] += 1
                return True
        return False

    flow = 0
    while push(source, set()):
        flow += 1
    return flow


def test_moves_earlier_choices_along_rather_than_lose_coverage() -> None:
    """A round where filling greedily (and rebalancing) leaves a slot empty that a chain of moves fills."""
    role_sets = [
        ["mayor"],
        ["mayor"],
        ["mayor", "unit_leader"],
        ["chief_executive", "unit_leader"],
        ["mayor", "chief_executive", "unit_leader"],
        ["mayor", "chief_executive", "unit_leader"],
    ]
    q = small_questionnaire(EXAMPLE_Q, role_sets)
    cov = CoverageSettings(min_per_indicator=3, min_roles=1, max_per_person=3)
    people = ["mayor", "unit_leader", "unit_leader", "unit_leader", "unit_leader"]
    invitations = [Invitation(id=n, role=r) for n, r in enumerate(people, start=1)]
    result = assign(q, invitations, cov)
    check_rules(q, invitations, cov, result)
    assert len(result.pairs) == max_flow(q, invitations, cov) == 14


role_set = st.lists(st.sampled_from(SMALL_ROLES), min_size=1, max_size=3, unique=True)
scenario = st.fixed_dictionaries(
    {
        "role_sets": st.lists(role_set, min_size=1, max_size=30),
        "people": st.lists(st.sampled_from(SMALL_ROLES), max_size=10),
        "added": st.lists(st.sampled_from(SMALL_ROLES), max_size=3),
        "leaving": st.lists(st.integers(0, 9), max_size=3),
        "answer_seed": st.integers(0, 1000),
        "need": st.integers(1, 4),
        "min_roles": st.integers(1, 3),
        "limit": st.integers(1, 15),
    }
)


@settings(max_examples=150, deadline=None)
@given(scenario)
def test_properties(case: dict[str, object]) -> None:
    role_sets = case["role_sets"]
    people = case["people"]
    added = case["added"]
    leaving = case["leaving"]
    assert isinstance(role_sets, list)
    assert isinstance(people, list)
    assert isinstance(added, list)
    assert isinstance(leaving, list)
    q = small_questionnaire(EXAMPLE_Q, role_sets)
    cov = CoverageSettings(
        min_per_indicator=int(str(case["need"])),
        min_roles=int(str(case["min_roles"])),
        max_per_person=int(str(case["limit"])),
    )
    invitations = [Invitation(id=n + 1, role=r) for n, r in enumerate(people)]
    first = assign(q, invitations, cov)
    check_rules(q, invitations, cov, first)
    # Fresh assignment: balanced within each role.
    check_balanced(invitations, first)
    # Two roles where possible: a role is missing only if its people are all full.
    for c in first.coverage:
        if c.roles_short_by:
            explained = {ShortReason.TOO_FEW_ROLES, ShortReason.NO_ONE_INVITED}
            assert explained & set(c.reasons) or ShortReason.PEOPLE_AT_LIMIT in c.reasons
    assert assign(q, list(reversed(invitations)), cov) == first
    if cov.min_roles == 1:
        # Without the role rule, coverage is a plain maximum flow: nothing is lost.
        assert len(first.pairs) == max_flow(q, invitations, cov)
    assert assign(q, invitations, cov, previous=first.pairs) == first

    rng = random.Random(int(str(case["answer_seed"])))
    answered = [p for p in first.pairs if rng.random() < 0.3]
    gone = {n + 1 for n in leaving}
    later = [
        Invitation(id=inv.id, role=inv.role, active=inv.id not in gone) for inv in invitations
    ] + [Invitation(id=100 + n, role=r) for n, r in enumerate(added)]
    after = assign(q, later, cov, previous=first.pairs, answered=answered)
    check_rules(q, later, cov, after, answered)
    shuffled = first.pairs[:]
    rng.shuffle(shuffled)
    assert assign(q, later[::-1], cov, previous=shuffled, answered=answered[::-1]) == after
    # A rebalanced round, rebalanced again with nothing changed, moves nothing.
    assert assign(q, later, cov, previous=after.pairs, answered=answered) == after


# --- Storage -------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "kompass.db")
    migrate(database)
    yield database
    database.close()


def new_round(db: sqlite_utils.Database, name: str = "Runde") -> rounds.Round:
    municipality = accounts.create_municipality(db, f"Kommune {name}", "NO", "nb")
    new = NewRound(name=name, questionnaire_id="kommunekompasset-2.1", locale="nb", deadline=None)
    return rounds.create_round(db, municipality.id, new)


def test_storage_round_trip(db: sqlite_utils.Database, catalog: Catalog) -> None:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    rnd = new_round(db)
    for role, count in NINETEEN.items():
        for _ in range(count):
            respondents.invite(db, rnd.id, role)
    invitations = assignments.invitations(db, rnd.id)
    assert [inv.role for inv in invitations] == [r for r, n in NINETEEN.items() for _ in range(n)]
    assert all(inv.active for inv in invitations)
    result = assign(q, invitations, assignments.get_settings(db, rnd.id))
    assignments.replace(db, rnd.id, result.pairs)
    stored = assignments.for_round(db, rnd.id)
    assert sorted(stored, key=lambda p: (p.invitation, p.indicator)) == sorted(
        result.pairs, key=lambda p: (p.invitation, p.indicator)
    )
    first = invitations[0].id
    stored_ids = assignments.for_respondent(db, rnd.id, first)
    assert in_questionnaire_order(q, [*stored_ids, "9.9.9"]) == result.indicators_for(first)
    # Replacing writes only the difference: rows that stay keep when they were assigned.
    records = {
        (r.respondent_id, r.indicator_id): r for r in assignments.records_for_round(db, rnd.id)
    }
    db.execute("UPDATE assignments SET assigned_at = '2020-01-01T00:00:00+00:00'")
    db.conn.commit()
    smaller = result.pairs[1:]
    assignments.replace(db, rnd.id, smaller)
    again = assignments.records_for_round(db, rnd.id)
    assert len(again) == len(records) - 1
    assert {r.assigned_at for r in again} == {"2020-01-01T00:00:00+00:00"}
    # An answer saved meanwhile keeps its pair, even if the new assignment leaves it out.
    kept = smaller[0]
    answers.save(db, kept.invitation, IndicatorAnswer(indicator=kept.indicator), author="t")
    assignments.replace(db, rnd.id, [])
    assert assignments.for_round(db, rnd.id) == [kept]


def test_storage_withdrawn_and_answered(db: sqlite_utils.Database) -> None:
    rnd = new_round(db)
    a, _ = respondents.invite(db, rnd.id, "unit_leader")
    b, _ = respondents.invite(db, rnd.id, "mayor")
    respondents.revoke(db, rnd.id, b.id)
    answers.save(db, a.id, IndicatorAnswer(indicator="1.1.1", status=Status.DONT_KNOW), author="t")
    answers.save(db, a.id, IndicatorAnswer(indicator="1.1.1", status=Status.PLANNED), author="t")
    answers.save(db, b.id, IndicatorAnswer(indicator="2.1.1", status=Status.PLANNED), author="t")
    assert assignments.invitations(db, rnd.id) == [
        Invitation(id=a.id, role="unit_leader", active=True),
        Invitation(id=b.id, role="mayor", active=False),
    ]
    answers.save(db, a.id, IndicatorAnswer(indicator="1.2.1", status=Status.PLANNED), author="t")
    answers.save(db, a.id, IndicatorAnswer(indicator="1.2.1", status=Status.DONT_KNOW), author="t")
    assert assignments.answered(db, rnd.id) == [
        Pair(invitation=a.id, indicator="1.1.1"),
        Pair(invitation=a.id, indicator="1.2.1"),
        Pair(invitation=b.id, indicator="2.1.1"),
    ]
    # For coverage, a current "don't know" is no answer.
    assert assignments.answered(db, rnd.id, informative=True) == [
        Pair(invitation=a.id, indicator="1.1.1"),
        Pair(invitation=b.id, indicator="2.1.1"),
    ]


def test_storage_keeps_rounds_apart(db: sqlite_utils.Database) -> None:
    one, other = new_round(db, "En"), new_round(db, "To")
    a, _ = respondents.invite(db, one.id, "unit_leader")
    b, _ = respondents.invite(db, other.id, "unit_leader")
    assignments.replace(db, one.id, [Pair(invitation=a.id, indicator="1.1.1")])
    assignments.replace(db, other.id, [Pair(invitation=b.id, indicator="1.1.2")])
    assert assignments.for_round(db, one.id) == [Pair(invitation=a.id, indicator="1.1.1")]
    assert assignments.for_respondent(db, other.id, a.id) == []
    with pytest.raises(sqlite3.IntegrityError, match="not in this round"):
        assignments.replace(db, one.id, [Pair(invitation=b.id, indicator="1.1.1")])
    # The failed replace changed nothing.
    assert assignments.for_round(db, one.id) == [Pair(invitation=a.id, indicator="1.1.1")]


@pytest.mark.parametrize(
    "chosen",
    [
        CoverageSettings(),
        CoverageSettings(min_per_indicator=2, min_roles=1, max_per_person=25),
        CoverageSettings(min_per_indicator=5, min_roles=3, max_per_person=80),
    ],
)
def test_storage_coverage_settings(db: sqlite_utils.Database, chosen: CoverageSettings) -> None:
    rnd, other = new_round(db, "En"), new_round(db, "To")
    assert assignments.get_settings(db, rnd.id) == CoverageSettings()
    assignments.set_settings(db, rnd.id, CoverageSettings(min_per_indicator=4))
    assignments.set_settings(db, rnd.id, chosen)
    assert assignments.get_settings(db, rnd.id) == chosen
    assert assignments.get_settings(db, other.id) == CoverageSettings()


@pytest.mark.parametrize(
    "raw",
    [
        {"min_per_indicator": 0},
        {"min_roles": 0},
        {"max_per_person": 0},
        {"max_per_person": "40"},
        {"per_person": 40},
    ],
)
def test_coverage_settings_refuse_bad_values(raw: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(raw, CoverageSettings)
