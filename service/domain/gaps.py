"""Gaps ranked by improvement potential, and focus areas suggested for a development strategy."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from service.domain.questionnaire import Dimension, Questionnaire
from service.domain.scoring import (
    AreaResult,
    IndicatorResult,
    Score,
    effective_levels,
    indicator_fraction,
)

DIMENSION_ORDER = (Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION)
MIN_FOCUS_AREAS = 2
MAX_FOCUS_AREAS = 4
GAPS_PER_FOCUS_AREA = 5
_EPS = 1e-6


class Reason(StrEnum):
    """Why an indicator falls short, in one line (translated at the edge)."""

    PLANNED_ONLY = "planned_only"
    NO_SYSTEM = "no_system"
    WEAK_SYSTEM = "weak_system"
    FEW_UNITS = "few_units"
    NOT_ANALYSED = "not_analysed"
    NOT_EVALUATED = "not_evaluated"
    NOT_DOCUMENTED = "not_documented"


_REASON_BY_DIMENSION = {
    Dimension.SCOPE: Reason.FEW_UNITS,
    Dimension.RESULTS: Reason.NOT_ANALYSED,
    Dimension.EVALUATION: Reason.NOT_EVALUATED,
}


class Gap(msgspec.Struct, kw_only=True):
    """What an indicator could still earn, and what the next step would gain."""

    rank: int
    indicator: str
    subquestion: str
    area: int
    max_points: float
    points: float
    documented_points: float
    full_gain: float
    next_step: Dimension | None
    next_step_from: float | None
    next_step_to: float | None
    next_step_gain: float
    documentation_gain: float
    area_below_benchmark: float
    reason: Reason


class FocusArea(msgspec.Struct, kw_only=True):
    """A focus area suggested for the development strategy, with its top gaps."""

    area: int
    points: float
    max_points: int
    benchmark: float | None
    potential: float
    gaps: list[Gap]


def next_step(
    q: Questionnaire, result: IndicatorResult
) -> tuple[Dimension | None, float | None, float | None, float]:
    """Raise the weakest dimension (after the system cap) by one level: which, from, to, new fraction.

    Ties go to the earlier dimension in System → Scope → Results → Evaluation order, because
    raising the system also lifts what its cap held down.
    """
    ind = q.indicator(result.id)
    if ind is None or result.fraction is None:
        return None, None, None, 0.0
    top = len(q.scale) - 1
    # Only dimensions someone knew can be raised; an unknown one does not count in the score.
    known = {d: v for d, v in result.levels.items() if d not in result.unknown_dimensions}
    effective = effective_levels(ind, known)
    candidates = [d for d in DIMENSION_ORDER if d in effective and effective[d] < top - _EPS]
    if not candidates:
        return None, None, None, result.fraction
    weakest = min(candidates, key=lambda d: (effective[d], DIMENSION_ORDER.index(d)))
    raised = dict(known)
    raised[weakest] = min(float(top), known[weakest] + 1)
    return weakest, known[weakest], raised[weakest], indicator_fraction(q, ind, raised)


def _reason(result: IndicatorResult, step: Dimension | None) -> Reason:
    if step is None:
        return Reason.NOT_DOCUMENTED
    if step is Dimension.SYSTEM:
        if result.levels.get(Dimension.SYSTEM, 0.0) < _EPS:
            return Reason.PLANNED_ONLY if result.planned else Reason.NO_SYSTEM
        return Reason.WEAK_SYSTEM
    return _REASON_BY_DIMENSION[step]


def rank_gaps(
    q: Questionnaire, score: Score, area_benchmarks: dict[int, float] | None = None
) -> list[Gap]:
    """Every known indicator with something left to gain, best next step first.

    Order: next-step gain, then full gain, then how far the area lies below its
    benchmark (all descending), then questionnaire order.
    """
    benchmarks = area_benchmarks or {}
    area_points = {a.number: a.points for a in score.areas}
    order = {r.id: i for i, r in enumerate(score.indicators)}
    gaps: list[Gap] = []
    for result in score.indicators:
        if result.fraction is None or result.points is None:
            continue
        points = result.points
        documented = result.documented_points or 0.0
        step, step_from, step_to, new_fraction = next_step(q, result)
        full_gain = result.max_points - points
        documentation_gain = points - documented
        if full_gain < _EPS and documentation_gain < _EPS:
            continue
        step_gain = (
            result.max_points * (new_fraction - result.fraction) if step else documentation_gain
        )
        below = max(0.0, benchmarks.get(result.area, 0.0) - area_points.get(result.area, 0.0))
        gaps.append(
            Gap(
                rank=0,
                indicator=result.id,
                subquestion=result.subquestion,
                area=result.area,
                max_points=round(result.max_points, 2),
                points=round(points, 2),
                documented_points=round(documented, 2),
                full_gain=round(full_gain, 2),
                next_step=step,
                next_step_from=step_from,
                next_step_to=step_to,
                next_step_gain=round(step_gain, 2),
                documentation_gain=round(documentation_gain, 2),
                area_below_benchmark=round(below, 1),
                reason=_reason(result, step),
            )
        )
    gaps.sort(
        key=lambda g: (-g.next_step_gain, -g.full_gain, -g.area_below_benchmark, order[g.indicator])
    )
    for i, gap in enumerate(gaps, start=1):
        gap.rank = i
    return gaps


def suggest_focus_areas(
    score: Score, gaps: list[Gap], area_benchmarks: dict[int, float] | None = None
) -> list[FocusArea]:
    """The 2–4 weakest areas, as a municipality picks them after an evaluation.

    Areas are ordered by their share of the points they could be scored on (weakest
    first; ties by improvement potential). The two weakest are always suggested; a
    third and fourth only while they also lie below their benchmark.
    """
    benchmarks = area_benchmarks or {}
    potential: dict[int, float] = {}
    for gap in gaps:
        potential[gap.area] = potential.get(gap.area, 0.0) + gap.next_step_gain
    known = [a for a in score.areas if a.known_max_points > 0]
    known.sort(
        key=lambda a: (a.points / a.known_max_points, -potential.get(a.number, 0.0), a.number)
    )
    chosen: list[AreaResult] = []
    for area in known:
        if len(chosen) >= MAX_FOCUS_AREAS:
            break
        benchmark = benchmarks.get(area.number)
        below = benchmark is not None and area.points < benchmark
        if len(chosen) < MIN_FOCUS_AREAS or below:
            chosen.append(area)
        else:
            break
    return [
        FocusArea(
            area=a.number,
            points=a.points,
            max_points=a.max_points,
            benchmark=None if benchmarks.get(a.number) is None else round(benchmarks[a.number], 1),
            potential=round(potential.get(a.number, 0.0), 2),
            gaps=[g for g in gaps if g.area == a.number][:GAPS_PER_FOCUS_AREA],
        )
        for a in chosen
    ]
