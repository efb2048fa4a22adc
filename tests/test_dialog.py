"""The guided dialog: steps per indicator, changes of mind, navigation and progress."""

from __future__ import annotations

import msgspec
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
    DONT_KNOW,
    PLANNED,
    AreaProgress,
    Choice,
    DialogError,
    Step,
    apply_choice,
    apply_comment,
    first_open_step,
    is_complete,
    next_indicator,
    next_step,
    previous_step,
    progress,
    steps,
)
from service.domain.questionnaire import Dimension, Indicator, Questionnaire
from service.domain.scoring import score
from service.questionnaires import load_file

from .conftest import EXAMPLE

Q: Questionnaire = load_file(EXAMPLE)
S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION
ALL_STEPS = [Step.SYSTEM, Step.SCOPE, Step.RESULTS, Step.EVALUATION, Step.COMMENT]
SHORT = [Step.SYSTEM, Step.COMMENT]

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


def walk(
    indicator_id: str, *choices: tuple[Step, Choice], answer: IndicatorAnswer | None = None
) -> IndicatorAnswer:
    """Apply the choices in turn, starting from ``answer``."""
    for step, choice in choices:
        answer = apply_choice(Q, ind(indicator_id), answer, step, choice)
    assert answer is not None
    return answer


def complete(indicator_id: str, system: int = 2) -> IndicatorAnswer:
    """An answer with every applicable step at ``system``."""
    indicator = ind(indicator_id)
    return walk(
        indicator_id, *((s, system) for s in steps(indicator, None) if s is not Step.COMMENT)
    )


# --- one indicator ---------------------------------------------------------------------------


def test_full_walk_of_an_indicator_with_all_dimensions() -> None:
    indicator = ind("1.1.1")
    answer: IndicatorAnswer | None = None
    visited: list[Step] = []
    step: Step | None = first_open_step(indicator, answer)
    choices: dict[Step, Choice] = {
        Step.SYSTEM: 3,
        Step.SCOPE: 2,
        Step.RESULTS: DONT_KNOW,
        Step.EVALUATION: 1,
    }
    while step is not None:
        visited.append(step)
        assert not is_complete(indicator, answer) or step is Step.COMMENT
        if step is Step.COMMENT:
            answer = apply_comment(indicator, answer, "  Vedtatt i 2023.\n")
        else:
            answer = apply_choice(Q, indicator, answer, step, choices[step])
        step = next_step(indicator, answer, step)
    assert visited == ALL_STEPS
    assert answer == IndicatorAnswer(
        indicator="1.1.1",
        levels={S: 3, SC: 2, R: None, E: 1},
        comment="Vedtatt i 2023.",
    )
    assert is_complete(indicator, answer)
    assert first_open_step(indicator, answer) is Step.COMMENT


def test_indicator_with_system_and_scope_only() -> None:
    indicator = ind("1.1.2")
    assert steps(indicator, None) == [Step.SYSTEM, Step.SCOPE, Step.COMMENT]
    answer = walk("1.1.2", (Step.SYSTEM, 2))
    assert next_step(indicator, answer, Step.SYSTEM) is Step.SCOPE
    assert not is_complete(indicator, answer)
    answer = walk("1.1.2", (Step.SCOPE, 4), answer=answer)
    assert next_step(indicator, answer, Step.SCOPE) is Step.COMMENT
    assert next_step(indicator, answer, Step.COMMENT) is None
    assert answer.levels == {S: 2, SC: 4}
    assert is_complete(indicator, answer)


def test_three_dimensions_skip_evaluation() -> None:
    indicator = ind("2.2.1")
    answer = walk("2.2.1", (Step.SYSTEM, 1), (Step.SCOPE, 1))
    assert steps(indicator, answer) == [Step.SYSTEM, Step.SCOPE, Step.RESULTS, Step.COMMENT]
    assert next_step(indicator, answer, Step.RESULTS) is Step.COMMENT


def test_system_zero_skips_the_follow_ups() -> None:
    indicator = ind("1.1.1")
    answer = walk("1.1.1", (Step.SYSTEM, 0))
    assert answer.status is Status.ANSWERED
    assert answer.levels == {S: 0}
    assert steps(indicator, answer) == SHORT
    assert next_step(indicator, answer, Step.SYSTEM) is Step.COMMENT
    assert is_complete(indicator, answer)
    assert first_open_step(indicator, answer) is Step.COMMENT


@pytest.mark.parametrize(
    ("choice", "status"), [(PLANNED, Status.PLANNED), (DONT_KNOW, Status.DONT_KNOW)]
)
def test_planned_and_dont_know_skip_to_the_comment(choice: str, status: Status) -> None:
    indicator = ind("1.2.1")
    answer = walk("1.2.1", (Step.SYSTEM, choice))
    assert answer.status is status
    assert answer.levels == {}
    assert steps(indicator, answer) == SHORT
    assert next_step(indicator, answer, Step.SYSTEM) is Step.COMMENT
    assert is_complete(indicator, answer)


def test_before_any_answer_every_step_is_open() -> None:
    indicator = ind("1.1.1")
    assert steps(indicator, None) == ALL_STEPS
    assert first_open_step(indicator, None) is Step.SYSTEM
    assert not is_complete(indicator, None)
    commented = apply_comment(indicator, None, "")
    assert first_open_step(indicator, commented) is Step.SYSTEM


def test_dont_know_on_a_dimension_is_answered_a_missing_one_is_not() -> None:
    indicator = ind("1.1.1")
    answer = walk("1.1.1", (Step.SYSTEM, 2), (Step.SCOPE, DONT_KNOW))
    assert answer.levels == {S: 2, SC: None}
    assert SC in answer.levels
    assert R not in answer.levels
    assert first_open_step(indicator, answer) is Step.RESULTS
    answer = walk("1.1.1", (Step.RESULTS, DONT_KNOW), (Step.EVALUATION, DONT_KNOW), answer=answer)
    assert answer.levels == {S: 2, SC: None, R: None, E: None}
    assert is_complete(indicator, answer)


def test_lowering_the_system_to_zero_drops_follow_ups_and_raising_it_reopens_them() -> None:
    indicator = ind("1.1.1")
    evidence = [EvidenceRef(id="e1")]
    full = msgspec.structs.replace(
        walk("1.1.1", (Step.SYSTEM, 3), (Step.SCOPE, 2), (Step.RESULTS, 4), (Step.EVALUATION, 1)),
        comment="Se planen.",
        evidence=evidence,
    )
    none = walk("1.1.1", (Step.SYSTEM, 0), answer=full)
    assert none.levels == {S: 0}
    assert (none.comment, none.evidence) == ("Se planen.", evidence)
    assert is_complete(indicator, none)

    again = walk("1.1.1", (Step.SYSTEM, 2), answer=none)
    assert again.levels == {S: 2}
    assert (again.comment, again.evidence) == ("Se planen.", evidence)
    assert steps(indicator, again) == ALL_STEPS
    assert first_open_step(indicator, again) is Step.SCOPE
    assert not is_complete(indicator, again)


@pytest.mark.parametrize("choice", [PLANNED, DONT_KNOW])
def test_planned_or_dont_know_drop_follow_ups_until_the_system_is_answered(choice: str) -> None:
    indicator = ind("1.1.1")
    full = complete("1.1.1", 3)
    answer = walk("1.1.1", (Step.SYSTEM, choice), (Step.SYSTEM, 1), answer=full)
    assert answer.status is Status.ANSWERED
    assert answer.levels == {S: 1}
    assert first_open_step(indicator, answer) is Step.SCOPE


def test_changing_the_system_between_levels_above_zero_keeps_follow_ups() -> None:
    answer = walk("1.1.1", (Step.SYSTEM, 1), answer=complete("1.1.1", 3))
    assert answer.levels == {S: 1, SC: 3, R: 3, E: 3}


def test_changing_a_later_step_keeps_the_rest_and_the_comment() -> None:
    full = apply_comment(ind("1.1.1"), complete("1.1.1", 3), "Ny plan fra 2024.")
    changed = walk("1.1.1", (Step.RESULTS, 1), answer=full)
    assert changed.levels == {S: 3, SC: 3, R: 1, E: 3}
    assert changed.comment == "Ny plan fra 2024."
    assert changed.status is Status.ANSWERED
    unknown = walk("1.1.1", (Step.SCOPE, DONT_KNOW), answer=changed)
    assert unknown.levels == {S: 3, SC: None, R: 1, E: 3}


def test_changing_the_comment_keeps_the_levels() -> None:
    full = complete("1.1.2", 2)
    assert apply_comment(ind("1.1.2"), full, "Oppdatert.").levels == full.levels


def test_a_step_no_longer_applying_still_has_neighbours() -> None:
    indicator = ind("1.1.1")
    none = walk("1.1.1", (Step.SYSTEM, 0))
    assert next_step(indicator, none, Step.SCOPE) is Step.COMMENT
    assert previous_step(Q, "mayor", {"1.1.1": none}, "1.1.1", Step.EVALUATION) == (
        "1.1.1",
        Step.SYSTEM,
    )


# --- invalid choices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator_id", "answer", "step", "choice", "message", "params"),
    [
        pytest.param(
            "1.1.2",
            None,
            Step.RESULTS,
            2,
            "This question does not apply to indicator %(indicator)s now.",
            {"indicator": "1.1.2"},
            id="dimension-not-in-indicator",
        ),
        pytest.param(
            "1.1.1",
            IndicatorAnswer(indicator="1.1.1", levels={S: 0}),
            Step.SCOPE,
            2,
            "This question does not apply to indicator %(indicator)s now.",
            {"indicator": "1.1.1"},
            id="scope-after-system-zero",
        ),
        pytest.param(
            "1.1.1",
            IndicatorAnswer(indicator="1.1.1", status=Status.PLANNED),
            Step.EVALUATION,
            DONT_KNOW,
            "This question does not apply to indicator %(indicator)s now.",
            {"indicator": "1.1.1"},
            id="evaluation-when-planned",
        ),
        pytest.param(
            "1.1.1",
            None,
            Step.SYSTEM,
            5,
            "Level %(level)s is outside the scale 0–%(top)s.",
            {"level": 5, "top": 4},
            id="above-top",
        ),
        pytest.param(
            "1.1.1",
            IndicatorAnswer(indicator="1.1.1", levels={S: 2}),
            Step.SCOPE,
            -1,
            "Level %(level)s is outside the scale 0–%(top)s.",
            {"level": -1, "top": 4},
            id="negative",
        ),
        pytest.param(
            "1.1.1",
            IndicatorAnswer(indicator="1.1.1", levels={S: 2}),
            Step.SCOPE,
            PLANNED,
            "“Planned, not started” can only be chosen for the system/process question.",
            {},
            id="planned-on-scope",
        ),
        pytest.param(
            "1.1.1",
            None,
            Step.SYSTEM,
            "maybe",
            "Unknown choice %(choice)s.",
            {"choice": "maybe"},
            id="unknown-string",
        ),
        pytest.param(
            "1.1.1",
            None,
            Step.SYSTEM,
            "3",
            "Unknown choice %(choice)s.",
            {"choice": "3"},
            id="level-as-string",
        ),
        pytest.param(
            "1.1.1",
            None,
            Step.SYSTEM,
            True,
            "Unknown choice %(choice)s.",
            {"choice": True},
            id="bool",
        ),
        pytest.param(
            "1.1.1",
            None,
            Step.COMMENT,
            "text",
            "Unknown choice %(choice)s.",
            {"choice": "text"},
            id="comment-is-not-a-choice",
        ),
    ],
)
def test_invalid_choices_raise(
    indicator_id: str,
    answer: IndicatorAnswer | None,
    step: Step,
    choice: Choice,
    message: str,
    params: dict[str, object],
) -> None:
    with pytest.raises(DialogError) as info:
        apply_choice(Q, ind(indicator_id), answer, step, choice)
    assert info.value.message == message
    assert info.value.params == params
    assert str(info.value) == (message % params if params else message)


def test_error_text_is_filled_in() -> None:
    with pytest.raises(DialogError, match=r"^Level 7 is outside the scale 0–4\.$"):
        apply_choice(Q, ind("1.1.1"), None, Step.SYSTEM, 7)


def test_indicator_not_in_the_questionnaire_raises() -> None:
    stranger = msgspec.structs.replace(ind("1.1.1"), id="9.9.9")
    with pytest.raises(DialogError) as info:
        apply_choice(Q, stranger, None, Step.SYSTEM, 2)
    assert info.value.message == "Unknown indicator %(indicator)s."
    assert info.value.params == {"indicator": "9.9.9"}
    # Same id, other dimensions: an indicator from another version of the questionnaire.
    other_version = msgspec.structs.replace(ind("1.1.1"), dimensions=[S])
    with pytest.raises(DialogError, match=r"Unknown indicator 1\.1\.1"):
        apply_choice(Q, other_version, None, Step.SYSTEM, 2)
    with pytest.raises(DialogError, match=r"Unknown indicator 9\.9\.9"):
        next_indicator(Q, "mayor", {}, after="9.9.9")
    with pytest.raises(DialogError, match=r"Unknown indicator 9\.9\.9"):
        previous_step(Q, "mayor", {}, "9.9.9", Step.SYSTEM)


def test_an_answer_for_another_indicator_is_a_programming_error() -> None:
    other = IndicatorAnswer(indicator="1.1.2")
    with pytest.raises(ValueError, match=r"1\.1\.2"):
        apply_choice(Q, ind("1.1.1"), other, Step.SYSTEM, 2)
    with pytest.raises(ValueError, match=r"1\.1\.2"):
        apply_comment(ind("1.1.1"), other, "")


# --- navigation across indicators ------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), ROLE_INDICATORS.items())
def test_next_indicator_follows_document_order_for_the_role(role: str, expected: list[str]) -> None:
    answers: dict[str, IndicatorAnswer] = {}
    visited: list[str] = []
    current = next_indicator(Q, role, answers)
    while current is not None:
        visited.append(current)
        answers[current] = complete(current)
        current = next_indicator(Q, role, answers, after=current)
    assert visited == expected


def test_next_indicator_skips_complete_ones_and_wraps_round() -> None:
    role = "chief_executive"
    answers = {
        "1.1.1": walk("1.1.1", (Step.SYSTEM, 2)),  # started, not complete
        "1.1.2": complete("1.1.2"),
        "1.2.1": complete("1.2.1"),
        "2.1.1": walk("2.1.1", (Step.SYSTEM, PLANNED)),
        "2.2.1": complete("2.2.1"),
    }
    assert next_indicator(Q, role, answers) == "1.1.1"
    assert next_indicator(Q, role, answers, after="1.2.1") == "1.1.1"
    assert next_indicator(Q, role, answers, after="1.1.1") == "1.1.1"  # itself, last
    # ``after`` may be an indicator the role does not answer (2.2.2 is the unit leader's).
    assert next_indicator(Q, role, answers, after="2.2.2") == "1.1.1"
    answers["1.1.1"] = walk("1.1.1", (Step.SYSTEM, 0), answer=answers["1.1.1"])
    assert next_indicator(Q, role, answers, after="1.1.1") is None


def test_next_indicator_ignores_other_roles_answers() -> None:
    answers = {"1.1.1": complete("1.1.1")}
    assert next_indicator(Q, "unit_leader", answers) == "1.1.2"
    assert next_indicator(Q, "nobody", answers) is None


def test_previous_step_within_and_across_indicators() -> None:
    role = "unit_leader"  # 1.1.2, 1.2.1, 2.2.1, 2.2.2
    answers = {"1.1.2": complete("1.1.2"), "1.2.1": walk("1.2.1", (Step.SYSTEM, 0))}
    assert previous_step(Q, role, answers, "1.1.2", Step.SYSTEM) is None
    assert previous_step(Q, role, answers, "1.1.2", Step.COMMENT) == ("1.1.2", Step.SCOPE)
    assert previous_step(Q, role, answers, "1.1.2", Step.SCOPE) == ("1.1.2", Step.SYSTEM)
    assert previous_step(Q, role, answers, "1.2.1", Step.SYSTEM) == ("1.1.2", Step.COMMENT)
    assert previous_step(Q, role, answers, "1.2.1", Step.COMMENT) == ("1.2.1", Step.SYSTEM)
    # Across an area boundary; 2.1.1 (chief executive only) is skipped.
    assert previous_step(Q, role, answers, "2.2.1", Step.SYSTEM) == ("1.2.1", Step.COMMENT)
    assert previous_step(Q, role, {}, "2.2.1", Step.EVALUATION) == ("2.2.1", Step.RESULTS)
    assert previous_step(Q, "mayor", {}, "1.1.1", Step.SYSTEM) is None


def test_progress_counts_complete_indicators_per_area() -> None:
    answers = {
        "1.1.2": complete("1.1.2"),
        "1.2.1": walk("1.2.1", (Step.SYSTEM, 2)),  # not complete
        "2.2.2": walk("2.2.2", (Step.SYSTEM, DONT_KNOW)),
    }
    assert progress(Q, "unit_leader", answers) == [
        AreaProgress(area=1, total=2, complete=1),
        AreaProgress(area=2, total=2, complete=1),
    ]
    assert progress(Q, "mayor", answers) == [AreaProgress(area=1, total=2, complete=0)]
    assert progress(Q, "nobody", answers) == []


# --- properties ------------------------------------------------------------------------------

ROLES = list(ROLE_INDICATORS)
TOP = len(Q.scale) - 1
LEVEL_CHOICES = [*range(TOP + 1), DONT_KNOW]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dialogs(draw: st.DrawFn) -> tuple[str, dict[str, IndicatorAnswer]]:
    """A role and the answers left by a random sequence of valid steps, changes of mind included."""
    role = draw(st.sampled_from(ROLES))
    mine = Q.indicators_for_role(role)
    answers: dict[str, IndicatorAnswer] = {}
    for _ in range(draw(st.integers(0, 20))):
        indicator = draw(st.sampled_from(mine))
        current = answers.get(indicator.id)
        step = draw(st.sampled_from(steps(indicator, current)))
        if step is Step.COMMENT:
            answers[indicator.id] = apply_comment(indicator, current, draw(st.text(max_size=10)))
            continue
        options = [*LEVEL_CHOICES, PLANNED] if step is Step.SYSTEM else LEVEL_CHOICES
        choice = draw(st.sampled_from(options))
        answers[indicator.id] = apply_choice(Q, indicator, current, step, choice)
    return role, answers


@PROPERTY
@given(dialogs())
def test_valid_dialogs_give_answers_that_check_and_score(
    dialog: tuple[str, dict[str, IndicatorAnswer]],
) -> None:
    role, answers = dialog
    answer_set = AnswerSet(
        questionnaire=Q.id,
        respondents=[Respondent(id="r1", role=role, answers=list(answers.values()))],
    )
    assert check_answers(Q, answer_set) == []
    score(Q, answer_set)
    for indicator_id, answer in answers.items():
        indicator = ind(indicator_id)
        applicable = steps(indicator, answer)
        assert applicable[0] is Step.SYSTEM
        assert applicable[-1] is Step.COMMENT
        # Only the dimensions still asked carry levels (an explicit None included).
        asked = {Dimension(s.value) for s in applicable if s is not Step.COMMENT}
        assert set(answer.levels) <= asked
        if answer.status is not Status.ANSWERED or answer.levels.get(S) == 0:
            assert applicable == SHORT
        assert is_complete(indicator, answer) == (
            first_open_step(indicator, answer) is Step.COMMENT
        )
    complete_count = sum(p.complete for p in progress(Q, role, answers))
    assert complete_count == sum(
        is_complete(i, answers.get(i.id)) for i in Q.indicators_for_role(role)
    )
    assert (next_indicator(Q, role, answers) is None) == (
        complete_count == len(Q.indicators_for_role(role))
    )


@PROPERTY
@given(
    st.sampled_from([i for _, _, i in Q.indicators()]),
    st.sampled_from(list(Step)),
    st.one_of(st.integers(-2, 7), st.sampled_from([DONT_KNOW, PLANNED, "", "x"])),
    st.sampled_from([None, 0, 2]),
)
def test_any_choice_either_applies_or_raises_a_dialog_error(
    indicator: Indicator, step: Step, choice: Choice, system: int | None
) -> None:
    answer = None if system is None else apply_choice(Q, indicator, None, Step.SYSTEM, system)
    outcome: IndicatorAnswer | DialogError
    try:
        outcome = apply_choice(Q, indicator, answer, step, choice)
    except DialogError as exc:
        outcome = exc
    if isinstance(outcome, DialogError):
        assert str(outcome) == (
            outcome.message % outcome.params if outcome.params else outcome.message
        )
    else:
        assert outcome.indicator == indicator.id
        assert step in steps(indicator, answer)
