"""The dialog's rules about one indicator: what applies, what is complete, choices as text."""

from __future__ import annotations

import msgspec
import pytest

from service.domain.answers import IndicatorAnswer, Status
from service.domain.dialog import (
    CHOOSE_ONE,
    DONT_KNOW,
    PLANNED,
    Card,
    CardError,
    Choice,
    DialogError,
    applies,
    apply_card,
    choice_from_text,
    is_complete,
    next_open,
    normalize_comment,
    progress_over,
)
from service.domain.questionnaire import Dimension, Indicator, Questionnaire
from service.questionnaires import load_file

from .conftest import EXAMPLE

Q: Questionnaire = load_file(EXAMPLE)
S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION

# Example questionnaire (scale 0–4):
#   1.1.1 mayor, chief_executive              system, scope, results, evaluation   area 1
#   1.1.2 chief_executive, unit_leader        system, scope                         area 1
#   1.2.1 mayor, chief_executive, unit_leader system, scope, results, evaluation   area 1
#   2.1.1 chief_executive                     system, scope, results, evaluation   area 2
#   2.2.1 chief_executive, unit_leader        system, scope, results               area 2
#   2.2.2 unit_leader                         system, scope                         area 2
ROLE_INDICATORS = {
    "mayor": ["1.1.1", "1.2.1"],
    "chief_executive": ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.2.1"],
    "unit_leader": ["1.1.2", "1.2.1", "2.2.1", "2.2.2"],
}


def ind(indicator_id: str) -> Indicator:
    found = Q.indicator(indicator_id)
    assert found is not None
    return found


def answer(indicator_id: str, **levels: int | None) -> IndicatorAnswer:
    return IndicatorAnswer(
        indicator=indicator_id, levels={Dimension(k): v for k, v in levels.items()}
    )


@pytest.mark.parametrize(
    ("indicator_id", "given", "asked", "complete"),
    [
        ("1.1.1", None, [S, SC, R, E], False),
        ("1.1.2", None, [S, SC], False),
        ("2.2.1", None, [S, SC, R], False),
        ("1.1.1", answer("1.1.1", system=2), [S, SC, R, E], False),
        ("1.1.1", answer("1.1.1", system=2, scope=None, results=1), [S, SC, R, E], False),
        (
            "1.1.1",
            answer("1.1.1", system=2, scope=None, results=1, evaluation=None),
            [S, SC, R, E],
            True,
        ),
        ("1.1.2", answer("1.1.2", system=0), [S], True),
        # "Don't know" on the system (possible in an answers file) is treated like level 0.
        ("1.1.2", answer("1.1.2", system=None), [S], True),
        ("1.1.2", answer("1.1.2", scope=2), [S, SC], False),  # no system: not complete
        ("1.2.1", IndicatorAnswer(indicator="1.2.1", status=Status.PLANNED), [S], True),
        ("1.2.1", IndicatorAnswer(indicator="1.2.1", status=Status.DONT_KNOW), [S], True),
        (
            "1.2.1",
            IndicatorAnswer(indicator="1.2.1", comment="Bare en kommentar"),
            [S, SC, R, E],
            False,
        ),
    ],
)
def test_what_applies_and_what_is_complete(
    indicator_id: str,
    given: IndicatorAnswer | None,
    asked: list[Dimension],
    complete: bool,
) -> None:
    assert applies(ind(indicator_id), given) == asked
    assert is_complete(ind(indicator_id), given) is complete


@pytest.mark.parametrize(
    ("text", "choice"),
    [("0", 0), (" 4 ", 4), ("-1", -1), ("7", 7), (DONT_KNOW, DONT_KNOW), (PLANNED, PLANNED)],
)
def test_choices_as_text(text: str, choice: Choice) -> None:
    assert choice_from_text(text) == choice


@pytest.mark.parametrize("text", ["", "abc", "²", "1.5", "1234", "--1"])
def test_text_that_is_no_choice(text: str) -> None:
    with pytest.raises(DialogError) as info:
        choice_from_text(text)
    assert info.value.message == CHOOSE_ONE


def test_comment_line_breaks_count_once() -> None:
    assert normalize_comment("a\r\nb\rc\n") == "a\nb\nc\n"


def test_indicator_not_in_the_questionnaire_raises() -> None:
    stranger = msgspec.structs.replace(ind("1.1.1"), id="9.9.9")
    with pytest.raises(DialogError) as info:
        apply_card(Q, stranger, None, Card(levels={"system": 2}))
    assert info.value.message == "Unknown indicator %(indicator)s."
    assert info.value.params == {"indicator": "9.9.9"}
    # Same id, other dimensions: an indicator from another version of the questionnaire.
    other_version = msgspec.structs.replace(ind("1.1.1"), dimensions=[S])
    with pytest.raises(DialogError, match=r"Unknown indicator 1\.1\.1"):
        apply_card(Q, other_version, None, Card(levels={"system": 2}))
    with pytest.raises(DialogError, match=r"Unknown indicator 9\.9\.9"):
        next_open(Q, [ind("1.1.1")], {}, after="9.9.9")


def test_an_answer_for_another_indicator_is_a_programming_error() -> None:
    other = IndicatorAnswer(indicator="1.1.2")
    with pytest.raises(ValueError, match=r"1\.1\.2") as info:
        apply_card(Q, ind("1.1.1"), other, Card(levels={"system": 2}))
    assert not isinstance(info.value, CardError)


@pytest.mark.parametrize(("role", "expected"), ROLE_INDICATORS.items())
def test_next_open_follows_document_order_for_a_role(role: str, expected: list[str]) -> None:
    mine = Q.indicators_for_role(role)
    answers: dict[str, IndicatorAnswer] = {}
    visited: list[str] = []
    current = next_open(Q, mine, answers)
    while current is not None:
        visited.append(current)
        answers[current] = IndicatorAnswer(indicator=current, status=Status.PLANNED)
        current = next_open(Q, mine, answers, after=current)
    assert visited == expected


def test_next_open_skips_complete_ones_and_wraps_round() -> None:
    mine = Q.indicators_for_role("chief_executive")
    answers = {
        "1.1.1": answer("1.1.1", system=2),  # started, not complete
        "1.1.2": answer("1.1.2", system=1, scope=1),
        "1.2.1": answer("1.2.1", system=0),
        "2.1.1": IndicatorAnswer(indicator="2.1.1", status=Status.PLANNED),
        "2.2.1": answer("2.2.1", system=3, scope=None, results=2),
    }
    assert next_open(Q, mine, answers) == "1.1.1"
    assert next_open(Q, mine, answers, after="1.2.1") == "1.1.1"
    assert next_open(Q, mine, answers, after="1.1.1") == "1.1.1"  # itself, last
    # ``after`` may be an indicator outside the list (2.2.2 is the unit leader's).
    assert next_open(Q, mine, answers, after="2.2.2") == "1.1.1"
    answers["1.1.1"] = answer("1.1.1", system=0)
    assert next_open(Q, mine, answers, after="1.1.1") is None


def test_progress_counts_complete_indicators_per_area() -> None:
    answers = {
        "1.1.2": answer("1.1.2", system=2, scope=2),
        "1.2.1": answer("1.2.1", system=2),  # not complete
        "2.2.2": IndicatorAnswer(indicator="2.2.2", status=Status.DONT_KNOW),
    }
    progress = progress_over(Q, Q.indicators_for_role("unit_leader"), answers)
    assert [(p.area, p.total, p.complete) for p in progress] == [(1, 2, 1), (2, 2, 1)]
    mayor = progress_over(Q, Q.indicators_for_role("mayor"), answers)
    assert [(p.area, p.total, p.complete) for p in mayor] == [(1, 2, 0)]
    assert progress_over(Q, [], answers) == []
