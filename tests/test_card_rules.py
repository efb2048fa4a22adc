"""The card's rules in the domain (``dialog.apply_card``): one indicator, one submission."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.answers import (
    AnswerSet,
    EvidenceRef,
    IndicatorAnswer,
    Respondent,
    Status,
    check_answers,
)
from service.domain.dialog import (
    ANSWER_EACH,
    COMMENT_TOO_LONG,
    DONT_KNOW,
    LEVEL_OFF_SCALE,
    UNKNOWN_CHOICE,
    UNKNOWN_DIMENSION,
    Card,
    CardError,
    Choice,
    apply_card,
    card_of,
    estimated_minutes,
    follow_ups_apply,
    is_complete,
    next_open,
    progress_over,
)
from service.domain.questionnaire import Dimension, Indicator, Questionnaire
from service.domain.scoring import score
from service.questionnaires import load_file

from .conftest import EXAMPLE

Q: Questionnaire = load_file(EXAMPLE)
S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION


def ind(indicator_id: str) -> Indicator:
    found = Q.indicator(indicator_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("card", "status", "levels"),
    [
        (
            Card(levels={"system": 3, "scope": 2, "results": None, "evaluation": DONT_KNOW}),
            Status.ANSWERED,
            {S: 3, SC: 2, R: None, E: None},
        ),
        # System 0: nothing in place, so the follow-ups sent along are ignored.
        (Card(levels={"system": 0, "scope": 4, "results": 4}), Status.ANSWERED, {S: 0}),
        # System "don't know" is "don't know" for the whole indicator.
        (Card(levels={"system": None, "scope": 4}), Status.DONT_KNOW, {}),
        (Card(status=Status.PLANNED, levels={"system": 3, "scope": 9}), Status.PLANNED, {}),
        (Card(status=Status.DONT_KNOW, levels={"system": "x"}), Status.DONT_KNOW, {}),
    ],
)
def test_a_card_gives_a_whole_answer(
    card: Card, status: Status, levels: dict[Dimension, int | None]
) -> None:
    answer = apply_card(Q, ind("1.2.1"), None, card)
    assert (answer.status, answer.levels) == (status, levels)
    assert is_complete(ind("1.2.1"), answer)


@pytest.mark.parametrize(
    ("levels", "comment", "problems"),
    [
        ({}, "", [("system", ANSWER_EACH)]),
        ({"system": 2, "scope": 1}, "", [("results", ANSWER_EACH), ("evaluation", ANSWER_EACH)]),
        ({"system": 5}, "", [("system", LEVEL_OFF_SCALE)]),
        ({"system": True}, "", [("system", UNKNOWN_CHOICE)]),
        (
            {"system": 2, "scope": "abc", "results": -1, "evaluation": 1},
            "",
            [("scope", UNKNOWN_CHOICE), ("results", LEVEL_OFF_SCALE)],
        ),
        (
            {"system": 1, "scope": 1, "results": 1, "evaluation": 1, "speed": 2},
            "x" * 5001,
            [("speed", UNKNOWN_DIMENSION), ("comment", COMMENT_TOO_LONG)],
        ),
    ],
)
def test_every_problem_is_named_by_its_field(
    levels: dict[str, Choice | None], comment: str, problems: list[tuple[str, str]]
) -> None:
    with pytest.raises(CardError) as caught:
        apply_card(Q, ind("1.2.1"), None, Card(levels=levels, comment=comment))
    assert [(f.field, f.message) for f in caught.value.fields] == problems
    assert caught.value.message == problems[0][1]


def test_a_card_keeps_evidence_and_replaces_the_rest() -> None:
    before = IndicatorAnswer(
        indicator="1.1.2",
        levels={S: 4, SC: 4},
        comment="Gammel",
        evidence=[EvidenceRef(id="e1")],
    )
    after = apply_card(Q, ind("1.1.2"), before, Card(levels={"system": 0}, comment="  Ny \r\n"))
    assert after == IndicatorAnswer(
        indicator="1.1.2", levels={S: 0}, comment="Ny", evidence=[EvidenceRef(id="e1")]
    )
    assert card_of(after) == Card(levels={"system": 0}, comment="Ny")
    assert apply_card(Q, ind("1.1.2"), None, card_of(after)) == after.__class__(
        indicator="1.1.2", levels={S: 0}, comment="Ny"
    )


@pytest.mark.parametrize(
    ("card", "applies"),
    [
        (Card(levels={"system": 2}), True),
        (Card(levels={"system": "2"}), True),
        (Card(), True),  # nothing chosen yet: nothing rules the follow-ups out
        (Card(levels={"system": 0}), False),
        (Card(levels={"system": "0"}), False),
        (Card(levels={"system": DONT_KNOW}), False),
        (Card(status=Status.PLANNED, levels={"system": 2}), False),
        (Card(status=Status.DONT_KNOW), False),
    ],
)
def test_follow_ups_apply_as_the_page_greys_them(card: Card, applies: bool) -> None:
    assert follow_ups_apply(card) is applies


def test_next_open_follows_the_list_after_the_current_and_wraps() -> None:
    mine = [ind("2.2.2"), ind("1.1.2"), ind("2.2.1")]  # any order in; questionnaire order out
    assert next_open(Q, mine, {}) == "1.1.2"
    assert next_open(Q, mine, {}, after="1.2.1") == "2.2.1"  # after may be outside the list
    done = {"2.2.1": IndicatorAnswer(indicator="2.2.1", status=Status.PLANNED)}
    assert next_open(Q, mine, done, after="1.2.1") == "2.2.2"
    assert next_open(Q, mine, done, after="2.2.2") == "1.1.2"
    everything = {i.id: IndicatorAnswer(indicator=i.id, status=Status.DONT_KNOW) for i in mine}
    assert next_open(Q, mine, everything) is None
    progress = progress_over(Q, mine, done)
    assert [(p.area, p.complete, p.total) for p in progress] == [(1, 0, 1), (2, 1, 2)]
    assert sum(p.total for p in progress) == len(mine)


@pytest.mark.parametrize(("count", "minutes"), [(0, 5), (1, 5), (7, 10), (40, 30), (122, 95)])
def test_estimated_minutes(count: int, minutes: int) -> None:
    assert estimated_minutes(count) == minutes


LEVEL = st.one_of(st.none(), st.integers(-1, 5), st.sampled_from([DONT_KNOW, "", "x"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([i for _, _, i in Q.indicators()]),
    st.sampled_from(list(Status)),
    st.dictionaries(st.sampled_from([d.value for d in Dimension]), LEVEL),
    st.text(max_size=20),
)
def test_any_card_is_a_valid_complete_answer_or_named_problems(
    indicator: Indicator,
    status: Status,
    levels: dict[str, Choice | None],
    comment: str,
) -> None:
    card = Card(status=status, levels=levels, comment=comment)
    outcome: IndicatorAnswer | CardError
    try:
        outcome = apply_card(Q, indicator, None, card)
    except CardError as exc:
        outcome = exc
    if isinstance(outcome, CardError):
        assert outcome.fields
        return
    answer = outcome
    assert is_complete(indicator, answer)
    assert set(answer.levels) <= set(indicator.dimensions)
    role = indicator.roles[0]
    answers = AnswerSet(
        questionnaire=Q.id, respondents=[Respondent(id="r", role=role, answers=[answer])]
    )
    assert check_answers(Q, answers) == []
    score(Q, answers)
