"""Scoring, aggregation, findings and gaps: worked examples by hand, and properties."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.answers import (
    AnswerSet,
    EvidenceRef,
    EvidenceState,
    IndicatorAnswer,
    Respondent,
    Status,
    check_answers,
)
from service.domain.assessment import assess
from service.domain.findings import Finding
from service.domain.gaps import Reason
from service.domain.questionnaire import Dimension, Questionnaire
from service.domain.scoring import Score, indicator_fraction, level_credit, score, to_tenths
from service.questionnaires import load_file

from .conftest import EXAMPLE

Q: Questionnaire = load_file(EXAMPLE)
S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION
ACCEPTED = [EvidenceRef(id="e1", state=EvidenceState.ACCEPTED)]


def levels(
    system: int | None,
    scope: int | None = None,
    results: int | None = None,
    evaluation: int | None = None,
) -> dict[Dimension, int | None]:
    given_levels = {S: system, SC: scope, R: results, E: evaluation}
    return {d: v for d, v in given_levels.items() if v is not None}


def by_id(result: Score, kind: str, key: str) -> object:
    items = {"sq": result.subquestions, "ind": result.indicators}[kind]
    return next(x for x in items if x.id == key)


# --- one respondent, computed by hand ------------------------------------------------------
#
# Example questionnaire: dimension weights system 40, scope 20, results 20, evaluation 20;
# levels 0–4 earn credit 0, 0.40, 0.65, 0.85, 1.00 (LEVEL_CREDIT). Fraction = Σ weight ×
# credit(effective level) / Σ weight of the known applicable dimensions, with
# scope/results/evaluation capped at the system level.
#
# 1.1.1 (weight 60 of 1.1, max 40): system 3, scope 2, results 4→capped 3, evaluation 1
#       = (40·0.85 + 20·0.65 + 20·0.85 + 20·0.40) / 100 = 72/100 = 0.72
# 1.1.2 (weight 40, system+scope): system 2, scope 4→capped 2 = (40·0.65 + 20·0.65)/60 = 0.65
#       1.1 = 40 × (60·0.72 + 40·0.65)/100 = 40 × 0.692 = 27.68 → 27.7
# 1.2.1 (max 60): planned → 0.0            1.2 = 0.0           area 1 = 27.7
# 2.1.1 (max 50): system 0 → everything 0  2.1 = 0.0
# 2.2.1: don't know; 2.2.2 is not asked of the chief executive → 2.2 unknown; area 2 = 0.0
# Total 27.7. Documented: only 1.1.1 has accepted evidence → 1.1 = 40 × 43.2/100 = 17.3.
SINGLE = AnswerSet(
    questionnaire="example-1.0",
    respondents=[
        Respondent(
            id="ce",
            role="chief_executive",
            answers=[
                IndicatorAnswer(indicator="1.1.1", levels=levels(3, 2, 4, 1), evidence=ACCEPTED),
                IndicatorAnswer(indicator="1.1.2", levels=levels(2, 4)),
                IndicatorAnswer(indicator="1.2.1", status=Status.PLANNED),
                IndicatorAnswer(indicator="2.1.1", levels=levels(0, 3, 1, 0)),
                IndicatorAnswer(indicator="2.2.1", status=Status.DONT_KNOW),
            ],
        )
    ],
)


def test_single_respondent_by_hand() -> None:
    result = score(Q, SINGLE)
    assert by_id(result, "ind", "1.1.1").fraction == pytest.approx(0.72)  # type: ignore[attr-defined]
    assert by_id(result, "ind", "1.1.2").fraction == pytest.approx(0.65)  # type: ignore[attr-defined]
    # Indicator points: 1.1.1 max 24 × 0.72 = 17.28 (documented), 1.1.2 max 16 × 0.65 = 10.4
    # (undocumented); together the 27.68 of 1.1. Unknown indicators have no points.
    assert [
        (r.id, r.points, r.documented_points) for r in result.indicators if r.points is not None
    ] == [
        ("1.1.1", pytest.approx(17.28), pytest.approx(17.28)),
        ("1.1.2", pytest.approx(10.4), 0.0),
        ("1.2.1", 0.0, 0.0),
        ("2.1.1", 0.0, 0.0),
    ]
    assert [(s.id, s.points, s.documented_points) for s in result.subquestions] == [
        ("1.1", 27.7, 17.3),
        ("1.2", 0.0, 0.0),
        ("2.1", 0.0, 0.0),
        ("2.2", None, None),
    ]
    assert [
        (a.number, a.points, a.documented_points, a.known_max_points) for a in result.areas
    ] == [
        (1, 27.7, 17.3, 100),
        (2, 0.0, 0.0, 50),
    ]
    assert (result.points, result.documented_points, result.max_points) == (27.7, 17.3, 200)
    assert result.coverage.indicators_known == 4
    assert result.coverage.subquestions_known == 3
    assert result.coverage.dont_know == 1


def test_single_respondent_findings() -> None:
    result = score(Q, SINGLE)
    assert by_id(result, "ind", "1.1.1").finding is Finding.STRENGTH  # type: ignore[attr-defined]
    assert by_id(result, "ind", "1.2.1").finding is Finding.WEAKNESS  # type: ignore[attr-defined]
    assert by_id(result, "sq", "1.1").finding is Finding.CHALLENGE  # type: ignore[attr-defined]  # 0.692
    assert by_id(result, "sq", "2.2").finding is None  # type: ignore[attr-defined]
    assert result.areas[0].finding is Finding.WEAKNESS  # 27.7 of 100


def test_single_respondent_gaps_by_hand() -> None:
    # Next step = raise the weakest effective dimension one level (ties: system first).
    # 2.1.1: max 50, system 0 → 1 lifts capped scope and results to 1: (40+20+20)·0.40/100
    #        = 0.32 → +16.0, reason "no system in place"
    # 1.2.1: max 60, planned → system 1: 40·0.40/100 = 0.16 → +9.6, "planned, not started"
    # 1.1.2: max 16, system 2 = scope 2 → system 3 lifts scope to 3: 0.85 → +16·0.20 = 3.2
    # 1.1.1: max 24, evaluation 1 is weakest → 2: 77/100 = 0.77 → +1.2, "not evaluated"
    result = assess(Q, SINGLE)
    assert [
        (g.rank, g.indicator, g.next_step_gain, g.full_gain, g.reason) for g in result.gaps
    ] == [
        (1, "2.1.1", 16.0, 50.0, Reason.NO_SYSTEM),
        (2, "1.2.1", 9.6, 60.0, Reason.PLANNED_ONLY),
        (3, "1.1.2", 3.2, 5.6, Reason.WEAK_SYSTEM),
        (4, "1.1.1", 1.2, 6.72, Reason.NOT_EVALUATED),
    ]
    assert result.gaps[2].next_step is S
    assert (result.gaps[3].next_step_from, result.gaps[3].next_step_to) == (1.0, 2.0)
    # Area 2 (0 of 50 known points) is weaker than area 1 (27.7 of 100); both are suggested.
    assert [f.area for f in result.focus_areas] == [2, 1]
    assert [g.indicator for g in result.focus_areas[1].gaps] == ["1.2.1", "1.1.2", "1.1.1"]


# --- a mixed group with a disagreement --------------------------------------------------------
#
# 1.2.1 (mayor, chief executive, unit leader; all four dimensions; max 60):
#   mayor 4/4/4/4, chief executive 3/3/2/2, unit leader 1/1/0/0
#   medians: system 3, scope 3, results 2, evaluation 2 → (34+17+13+13)/100 = 0.77 → 46.2
#   every dimension is 3–4 levels apart → disagreement on all four;
#   mayor 1.00 vs unit leader (40+20)·0.40/100 = 0.24 → role gap.
# 1.1.2 (chief executive, unit leader; system+scope): system 2 and 3 → median 2.5, credit
#   halfway between 0.65 and 0.85 = 0.75; scope 2 and 2 → (40·0.75 + 20·0.65)/60 = 43/60;
#   the mayor's answer is not asked of the mayor and is ignored.
GROUP = AnswerSet(
    questionnaire="example-1.0",
    respondents=[
        Respondent(
            id="m",
            role="mayor",
            answers=[IndicatorAnswer(indicator="1.2.1", levels=levels(4, 4, 4, 4))],
        ),
        Respondent(
            id="c",
            role="chief_executive",
            answers=[
                IndicatorAnswer(indicator="1.2.1", levels=levels(3, 3, 2, 2)),
                IndicatorAnswer(indicator="1.1.2", levels=levels(2, 2)),
            ],
        ),
        Respondent(
            id="u",
            role="unit_leader",
            answers=[
                IndicatorAnswer(
                    indicator="1.2.1", levels=levels(1, 1, 0, 0), comment="Lite brukt hos oss."
                ),
                IndicatorAnswer(indicator="1.1.2", levels=levels(3, 2)),
            ],
        ),
    ],
)


def test_group_by_hand() -> None:
    result = assess(Q, GROUP)
    ind = by_id(result.score, "ind", "1.2.1")
    assert ind.levels == {S: 3.0, SC: 3.0, R: 2.0, E: 2.0}  # type: ignore[attr-defined]
    assert ind.fraction == pytest.approx(0.77)  # type: ignore[attr-defined]
    assert ind.comments == ["Lite brukt hos oss."]  # type: ignore[attr-defined]
    assert by_id(result.score, "sq", "1.2").points == 46.2  # type: ignore[attr-defined]
    assert by_id(result.score, "ind", "1.1.2").fraction == pytest.approx(43 / 60)  # type: ignore[attr-defined]
    assert [(d.indicator, d.dimensions) for d in result.disagreements] == [("1.2.1", [S, SC, R, E])]
    assert result.disagreements[0].spread[R].low == 0
    assert result.disagreements[0].spread[R].high == 4
    assert [(g.indicator, g.high_role, g.low_role, g.low_fraction) for g in result.role_gaps] == [
        ("1.2.1", "mayor", "unit_leader", pytest.approx(0.24))
    ]


def test_one_outlier_does_not_swing_the_median() -> None:
    calm = [levels(2, 2, 2, 2), levels(2, 2, 2, 2), levels(2, 2, 2, 2)]
    for outlier in (levels(4, 4, 4, 4), levels(0)):
        answers = AnswerSet(
            questionnaire="example-1.0",
            respondents=[
                Respondent(
                    id=str(i),
                    role="unit_leader",
                    answers=[IndicatorAnswer(indicator="1.2.1", levels=lv)],
                )
                for i, lv in enumerate([*calm, outlier])
            ],
        )
        assert by_id(score(Q, answers), "ind", "1.2.1").fraction == pytest.approx(0.65)  # type: ignore[attr-defined]


def test_roles_not_meant_for_an_indicator_are_ignored() -> None:
    answers = AnswerSet(
        questionnaire="example-1.0",
        respondents=[
            Respondent(
                id="m",
                role="mayor",
                answers=[IndicatorAnswer(indicator="2.2.2", levels=levels(4, 4))],
            )
        ],
    )
    assert by_id(score(Q, answers), "ind", "2.2.2").fraction is None  # type: ignore[attr-defined]


def test_no_system_means_nothing_else_counts() -> None:
    ind = Q.indicator("1.2.1")
    assert ind is not None
    assert indicator_fraction(Q, ind, {S: 0, SC: 4, R: 4, E: 4}) == 0.0
    assert indicator_fraction(Q, ind, {S: 1, SC: 4, R: 4, E: 4}) == pytest.approx(0.40)


def test_fully_achieved_but_undocumented_is_a_documentation_gap() -> None:
    answers = AnswerSet(
        questionnaire="example-1.0",
        respondents=[
            Respondent(
                id="c",
                role="chief_executive",
                answers=[IndicatorAnswer(indicator="2.1.1", levels=levels(4, 4, 4, 4))],
            )
        ],
    )
    [gap] = assess(Q, answers).gaps
    assert (gap.reason, gap.next_step, gap.next_step_gain, gap.full_gain) == (
        Reason.NOT_DOCUMENTED,
        None,
        50.0,
        0.0,
    )


def test_rounding_keeps_areas_and_total_in_step() -> None:
    assert to_tenths(0.05) == 1
    assert to_tenths(22.449999) == 224
    assert to_tenths(0.25) == 3


# --- properties -----------------------------------------------------------------------------

LEVEL = st.one_of(st.none(), st.integers(0, 4))


@st.composite
def answer_sets(draw: st.DrawFn) -> AnswerSet:
    respondents = []
    roles = [r.id for r in Q.roles]
    for n in range(draw(st.integers(0, 6))):
        role = draw(st.sampled_from(roles))
        answers = []
        for ind in Q.indicators_for_role(role):
            kind = draw(
                st.sampled_from(
                    [Status.ANSWERED, Status.ANSWERED, Status.PLANNED, Status.DONT_KNOW, None]
                )
            )
            if kind is None:
                continue
            lv = {d: draw(LEVEL) for d in ind.dimensions} if kind is Status.ANSWERED else {}
            state = draw(st.sampled_from(list(EvidenceState)))
            evidence = (
                [EvidenceRef(id=f"e{n}{ind.id}", state=state)]
                if state is not EvidenceState.NONE
                else []
            )
            answers.append(
                IndicatorAnswer(indicator=ind.id, status=kind, levels=lv, evidence=evidence)
            )
        respondents.append(Respondent(id=f"r{n}", role=role, answers=answers))
    return AnswerSet(questionnaire=Q.id, respondents=respondents)


def all_points(result: Score) -> list[float]:
    return [
        result.points,
        result.documented_points,
        *[a.points for a in result.areas],
        *[a.documented_points for a in result.areas],
        *[s.points or 0.0 for s in result.subquestions],
        *[s.documented_points or 0.0 for s in result.subquestions],
    ]


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(answer_sets())
def test_scores_stay_within_bounds_and_add_up(answers: AnswerSet) -> None:
    result = score(Q, answers)
    assert 0 <= result.documented_points <= result.points <= result.max_points
    for sq in result.subquestions:
        if sq.points is not None:
            assert sq.documented_points is not None
            assert 0 <= sq.documented_points <= sq.points <= sq.max_points
    for area in result.areas:
        assert 0 <= area.documented_points <= area.points <= area.max_points <= 100
        in_area = [
            s.points for s in result.subquestions if s.area == area.number and s.points is not None
        ]
        assert to_tenths(area.points) == sum(to_tenths(p) for p in in_area)
    assert to_tenths(result.points) == sum(to_tenths(a.points) for a in result.areas)
    assert to_tenths(result.documented_points) == sum(
        to_tenths(a.documented_points) for a in result.areas
    )
    for ind in result.indicators:
        if ind.fraction is not None:
            assert 0 <= ind.fraction <= 1
            assert ind.points is not None
            assert ind.documented_points is not None
            assert 0 <= ind.documented_points <= ind.points <= ind.max_points + 1e-9
        else:
            assert ind.points is None
            assert ind.documented_points is None
    for sq in result.subquestions:
        in_sq = [r for r in result.indicators if r.subquestion == sq.id]
        if all(r.points is not None for r in in_sq):
            # With every indicator known, the indicators' points are the sub-question's.
            assert to_tenths(sum(r.points or 0.0 for r in in_sq)) == to_tenths(sq.points or 0.0)


@PROPERTY
@given(answer_sets(), st.randoms(use_true_random=False))
def test_permuting_respondents_changes_nothing(answers: AnswerSet, rnd: object) -> None:
    shuffled = list(answers.respondents)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    permuted = msgspec.structs.replace(answers, respondents=shuffled)
    assert msgspec.json.encode(assess(Q, answers)) == msgspec.json.encode(assess(Q, permuted))


def _answered_slots(answers: AnswerSet) -> list[tuple[int, int, Dimension]]:
    return [
        (r, a, d)
        for r, resp in enumerate(answers.respondents)
        for a, ans in enumerate(resp.answers)
        for d, level in ans.levels.items()
        if ans.status is Status.ANSWERED and level is not None and level < 4
    ]


@PROPERTY
@given(answer_sets(), st.data())
def test_raising_a_level_never_lowers_any_score(answers: AnswerSet, data: st.DataObject) -> None:
    slots = _answered_slots(answers)
    if not slots:
        return
    r, a, d = data.draw(st.sampled_from(slots))
    resp = answers.respondents[r]
    ans = resp.answers[a]
    raised_answer = msgspec.structs.replace(ans, levels={**ans.levels, d: (ans.levels[d] or 0) + 1})
    raised_resp = msgspec.structs.replace(
        resp, answers=[*resp.answers[:a], raised_answer, *resp.answers[a + 1 :]]
    )
    raised = msgspec.structs.replace(
        answers, respondents=[*answers.respondents[:r], raised_resp, *answers.respondents[r + 1 :]]
    )
    for before, after in zip(
        all_points(score(Q, answers)), all_points(score(Q, raised)), strict=True
    ):
        assert after >= before


@PROPERTY
@given(answer_sets(), st.data())
def test_adding_evidence_never_lowers_the_documented_score(
    answers: AnswerSet, data: st.DataObject
) -> None:
    slots = [(r, a) for r, resp in enumerate(answers.respondents) for a in range(len(resp.answers))]
    if not slots:
        return
    r, a = data.draw(st.sampled_from(slots))
    resp = answers.respondents[r]
    ans = resp.answers[a]
    more = msgspec.structs.replace(
        ans, evidence=[*ans.evidence, EvidenceRef(id="new", state=EvidenceState.ACCEPTED)]
    )
    new_resp = msgspec.structs.replace(
        resp, answers=[*resp.answers[:a], more, *resp.answers[a + 1 :]]
    )
    documented = msgspec.structs.replace(
        answers, respondents=[*answers.respondents[:r], new_resp, *answers.respondents[r + 1 :]]
    )
    before, after = score(Q, answers), score(Q, documented)
    assert after.documented_points >= before.documented_points
    for x, y in zip(before.areas, after.areas, strict=True):
        assert y.documented_points >= x.documented_points
    for x, y in zip(before.subquestions, after.subquestions, strict=True):
        assert (y.documented_points or 0) >= (x.documented_points or 0)
    assert after.points == before.points


# --- calibrated method: credit per level, unknown dimensions, coverage, evidence ---------------


@pytest.mark.parametrize(
    ("level", "top", "credit"),
    [
        (0, 4, 0.0),
        (1, 4, 0.40),
        (2, 4, 0.65),
        (2.5, 4, 0.75),
        (3, 4, 0.85),
        (4, 4, 1.0),
        (1, 2, 0.65),
    ],
)
def test_level_credit(level: float, top: int, credit: float) -> None:
    assert level_credit(level, top) == pytest.approx(credit)


@pytest.mark.parametrize(
    ("given", "fraction"),
    [
        # Nobody knew results or evaluation: they are left out, the known ones decide.
        ({S: 3, SC: 2, R: None, E: None}, (40 * 0.85 + 20 * 0.65) / 60),
        ({S: 3}, 0.85),
        # Known at 0, they pull the fraction down: knowing is not penalised, not-doing is.
        ({S: 3, SC: 2, R: 0, E: 0}, (40 * 0.85 + 20 * 0.65) / 100),
    ],
)
def test_unknown_dimensions_are_left_out(
    given: dict[Dimension, int | None], fraction: float
) -> None:
    ind = Q.indicator("1.2.1")
    assert ind is not None
    assert indicator_fraction(Q, ind, given) == pytest.approx(fraction)


def test_coverage_and_estimate_by_hand() -> None:
    # GROUP answers 1.1.2 (weight 40 of 1.1) and 1.2.1 (all of 1.2); nothing in area 2.
    # Area 1 coverage = (40 × 0.4 + 60 × 1.0) / 100 = 0.76; area 2 = 0; total 76/200 = 0.38.
    # Area 1 = 1.1 (40 × 43/60 = 28.7) + 1.2 (46.2) = 74.9, all its sub-questions known, so the
    # estimate is 74.9; area 2 has nothing known and counts at area 1's share: 74.9.
    result = score(Q, GROUP)
    assert [(a.coverage, a.estimate, a.enough) for a in result.areas] == [
        (pytest.approx(0.76), 74.9, True),
        (0.0, None, False),
    ]
    assert by_id(result, "sq", "1.1").coverage == pytest.approx(0.4)  # type: ignore[attr-defined]
    assert result.coverage.share == pytest.approx(0.38)
    assert (result.points, result.estimate, result.enough) == (74.9, 149.8, False)


def test_estimate_extrapolates_an_area_from_its_known_subquestions() -> None:
    # Only 2.1.1 (2.1, max 50) is answered in area 2: 4/4/4/4 → 50 of the 50 known points,
    # so area 2 is estimated at 100 while its points are 50 and its coverage 0.5.
    answers = AnswerSet(
        questionnaire="example-1.0",
        respondents=[
            Respondent(
                id="c",
                role="chief_executive",
                answers=[IndicatorAnswer(indicator="2.1.1", levels=levels(4, 4, 4, 4))],
            )
        ],
    )
    area2 = score(Q, answers).areas[1]
    assert (area2.points, area2.estimate, area2.coverage, area2.enough) == (50.0, 100.0, 0.5, True)


ANSWERED_4 = IndicatorAnswer(indicator="2.1.1", levels=levels(4, 4, 4, 4))


@pytest.mark.parametrize(
    "answers",
    [
        # A second chief executive who said "don't know" uploaded the accepted document.
        AnswerSet(
            questionnaire="example-1.0",
            respondents=[
                Respondent(id="a", role="chief_executive", answers=[ANSWERED_4]),
                Respondent(
                    id="b",
                    role="chief_executive",
                    answers=[
                        IndicatorAnswer(
                            indicator="2.1.1", status=Status.DONT_KNOW, evidence=ACCEPTED
                        )
                    ],
                ),
            ],
        ),
        # Someone uploaded it and never answered: the evidence is not on any answer.
        AnswerSet(
            questionnaire="example-1.0",
            respondents=[Respondent(id="a", role="chief_executive", answers=[ANSWERED_4])],
            evidence={"2.1.1": ACCEPTED},
        ),
    ],
)
def test_evidence_documents_the_practice_whoever_uploaded_it(answers: AnswerSet) -> None:
    result = score(Q, answers)
    assert by_id(result, "sq", "2.1").documented_points == 50.0  # type: ignore[attr-defined]


def test_evidence_for_an_unknown_indicator_is_a_problem() -> None:
    answers = AnswerSet(questionnaire="example-1.0", evidence={"9.9.9": ACCEPTED})
    assert [p.path for p in check_answers(Q, answers)] == ["$.evidence.9.9.9"]
