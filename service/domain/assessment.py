"""The whole provisional result of a round: scores, findings, disagreements, gaps, benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from service.domain.answers import AnswerSet
from service.domain.benchmarks import (
    Comparison,
    EarlierRound,
    ReferenceSet,
    compare,
    compare_rounds,
)
from service.domain.gaps import FocusArea, Gap, rank_gaps, suggest_focus_areas
from service.domain.questionnaire import Dimension, Questionnaire
from service.domain.scoring import Score, Spread, score


class Disagreement(msgspec.Struct, kw_only=True, frozen=True):
    """Respondents two levels or more apart on an indicator's dimensions."""

    indicator: str
    area: int
    dimensions: list[Dimension]
    spread: dict[Dimension, Spread]


class RoleGapFinding(msgspec.Struct, kw_only=True, frozen=True):
    """One role rates an indicator's practice far above another role."""

    indicator: str
    area: int
    high_role: str
    high_fraction: float
    low_role: str
    low_fraction: float


class Assessment(msgspec.Struct, kw_only=True):
    """Everything Kompass says about a round's answers."""

    score: Score
    disagreements: list[Disagreement]
    role_gaps: list[RoleGapFinding]
    gaps: list[Gap]
    focus_areas: list[FocusArea]
    benchmarks: list[Comparison]
    history: list[Comparison]
    area_benchmarks: dict[int, float]


def assess(
    q: Questionnaire,
    answers: AnswerSet,
    references: ReferenceSet | None = None,
    earlier: Sequence[EarlierRound] = (),
) -> Assessment:
    """Score ``answers`` and derive findings, ranked gaps, focus areas and comparisons."""
    result = score(q, answers)
    area_numbers = [a.number for a in q.areas]
    area_benchmarks = references.area_benchmarks(area_numbers) if references else {}
    gaps = rank_gaps(q, result, area_benchmarks)
    area_points = {a.number: a.points for a in result.areas}
    return Assessment(
        score=result,
        disagreements=[
            Disagreement(
                indicator=r.id,
                area=r.area,
                dimensions=r.disagreements,
                spread={d: r.spread[d] for d in r.disagreements},
            )
            for r in result.indicators
            if r.disagreements
        ],
        role_gaps=[
            RoleGapFinding(
                indicator=r.id,
                area=r.area,
                high_role=r.role_gap.high_role,
                high_fraction=round(r.role_gap.high_fraction, 3),
                low_role=r.role_gap.low_role,
                low_fraction=round(r.role_gap.low_fraction, 3),
            )
            for r in result.indicators
            if r.role_gap is not None
        ],
        gaps=gaps,
        focus_areas=suggest_focus_areas(result, gaps, area_benchmarks),
        benchmarks=[
            compare(result.points, area_points, fig)
            for fig in (references.figures if references else [])
        ],
        history=[compare_rounds(result.points, area_points, e) for e in earlier],
        area_benchmarks={n: round(v, 2) for n, v in area_benchmarks.items()},
    )
