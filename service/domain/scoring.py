"""Provisional scores: one respondent's indicator score, aggregation across respondents, roll-up.

The method is explained for coordinators in ``docs/scoring.md``; every rule here has a
paragraph there. In short:

* An indicator's **fraction** (0–1) is the weighted mean of its applicable dimensions'
  levels divided by the top level, where scope, results and evaluation are each capped
  at the system/process level: what no system supports cannot earn points.
* Across respondents, each dimension's level is the **median** of the levels given by the
  roles meant to answer the indicator; the fraction is computed from those medians.
* A sub-question's points are its maximum × the weighted mean fraction of its answered
  indicators; areas and the total are sums, kept in tenths of a point so that they add up.
* **Documented** scores count an indicator only when accepted evidence backs it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping

import msgspec

from service.domain.answers import AnswerSet, EvidenceRef, EvidenceState, IndicatorAnswer, Status
from service.domain.findings import Finding, classify
from service.domain.questionnaire import Dimension, Indicator, Questionnaire, Subquestion

DISAGREEMENT_LEVELS = 2  # respondents this many levels apart disagree
# Below this share of its points answered, an area's (or the total's) points are "not enough
# answers yet": every newly answered sub-question adds its points, so a sum over half the
# questionnaire still jumps with each answer. Coverage weighs each indicator by its points.
COVERAGE_THRESHOLD = 0.5
# Two roles whose median fractions differ by at least a quarter of the indicator (one level on
# the 0–4 scale, before the credit curve of LEVEL_CREDIT) see the practice differently enough
# to report it.
ROLE_GAP_LEVELS = 1.0


def to_tenths(points: float) -> int:
    """Points rounded half up to one decimal, as an integer count of tenths."""
    return math.floor(points * 10 + 0.5 + 1e-9)


def from_tenths(tenths: int) -> float:
    """Tenths back to points with one decimal."""
    return tenths / 10


def answer_levels(answer: IndicatorAnswer, indicator: Indicator) -> dict[Dimension, int | None]:
    """The levels an answer gives each applicable dimension (planned: all zero)."""
    if answer.status is Status.PLANNED:
        return dict.fromkeys(indicator.dimensions, 0)
    return {d: answer.levels.get(d) for d in indicator.dimensions}


# What a dimension earns at each step of the level scale, as a share of its weight: the scale's
# bottom, its quarter points and its top (levels 0–4 on a five-step scale). Calibrated against
# the formal Røros 2017 evaluation (docs/calibration.md): formal evaluators credit a practice
# that is partly in place with about two-thirds of its points, not half, so the credit rises
# steeply at first and flattens towards the top. It is a rounding of (level/top) ** 0.65, the
# curve that cross-validation chose on every split of the areas. Levels between steps (a median
# of 2.5) are interpolated linearly.
LEVEL_CREDIT = (0.0, 0.4, 0.65, 0.85, 1.0)


def level_credit(level: float, top: int) -> float:
    """The share (0–1) of a dimension's weight that a level earns on a scale of 0..top."""
    position = max(0.0, min(level / top, 1.0)) * (len(LEVEL_CREDIT) - 1)
    step = min(int(position), len(LEVEL_CREDIT) - 2)
    low, high = LEVEL_CREDIT[step], LEVEL_CREDIT[step + 1]
    return low + (high - low) * (position - step)


def effective_levels(
    indicator: Indicator, levels: Mapping[Dimension, float | None]
) -> dict[Dimension, float]:
    """The known levels after the system cap, as they count in the score.

    This is the one place the cap lives: scope, results and evaluation count at most the
    system/process level, because what no system supports cannot earn points. A dimension
    nobody knew (missing or ``None``) is left out, as if it did not apply; an unknown system
    level counts 0.
    """
    system = levels.get(Dimension.SYSTEM) or 0.0
    effective: dict[Dimension, float] = {}
    for dim in indicator.dimensions:
        level = levels.get(dim)
        if dim is Dimension.SYSTEM:
            effective[dim] = system
        elif level is not None:
            effective[dim] = min(level, system)
    return effective


def indicator_fraction(
    q: Questionnaire, indicator: Indicator, levels: Mapping[Dimension, float | None]
) -> float:
    """The share (0–1) of an indicator's weight earned by these dimension levels.

    Each known dimension earns its weight × ``level_credit`` of its level after the system cap
    (``effective_levels``); the fraction is that sum over the known dimensions' weights.
    """
    top = len(q.scale) - 1
    weights = {d.id: d.weight for d in q.dimensions}
    effective = effective_levels(indicator, levels)
    total_weight = sum(weights[d] for d in effective)
    earned = sum(weights[d] * level_credit(level, top) for d, level in effective.items())
    return earned / total_weight


class Spread(msgspec.Struct, frozen=True):
    """Lowest and highest level given on one dimension."""

    low: int
    high: int


class RoleGap(msgspec.Struct, frozen=True):
    """One role rates a practice far above another."""

    high_role: str
    high_fraction: float
    low_role: str
    low_fraction: float


class IndicatorResult(msgspec.Struct, kw_only=True):
    """An indicator's combined result across the respondents meant to answer it."""

    id: str
    subquestion: str
    area: int
    max_points: float
    respondents: int
    dont_know: int
    planned: int
    levels: dict[Dimension, float]
    unknown_dimensions: list[Dimension]
    spread: dict[Dimension, Spread]
    fraction: float | None
    documented: bool
    documented_fraction: float | None
    # max_points × fraction, unrounded: what the indicator earns when all of its
    # sub-question's indicators are known. Gaps, exports and the report read these
    # instead of recomputing them; they round for display.
    points: float | None
    documented_points: float | None
    disagreements: list[Dimension]
    role_gap: RoleGap | None
    finding: Finding | None
    comments: list[str]

    @property
    def known(self) -> bool:
        """Whether enough was answered to score the indicator."""
        return self.fraction is not None


class SubquestionResult(msgspec.Struct, kw_only=True):
    """Points for a sub-question: claimed and documented, with coverage."""

    id: str
    area: int
    max_points: int
    points: float | None
    documented_points: float | None
    indicators: int
    indicators_known: int
    finding: Finding | None
    coverage: float  # share of the sub-question's indicator weight that has answers


class AreaResult(msgspec.Struct, kw_only=True):
    """Points for a focus area (at most 100)."""

    number: int
    max_points: int
    points: float
    documented_points: float
    known_max_points: int
    subquestions: int
    subquestions_known: int
    finding: Finding | None
    coverage: float  # share of the area's points whose indicators have answers (by weight)
    # The area's points extrapolated from its known sub-questions to its maximum: what the
    # known practice predicts for the whole area (None when nothing is known).
    estimate: float | None
    enough: bool  # coverage reaches COVERAGE_THRESHOLD: the figures can be shown as a result


class Coverage(msgspec.Struct, kw_only=True):
    """How much of the questionnaire the answers cover."""

    respondents: int
    respondents_by_role: dict[str, int]
    indicators: int
    indicators_known: int
    subquestions: int
    subquestions_known: int
    answers: int
    dont_know: int
    share: float  # share of the questionnaire's points whose indicators have answers


class Score(msgspec.Struct, kw_only=True):
    """The full roll-up: total, areas, sub-questions and indicators."""

    questionnaire: str
    max_points: int
    points: float
    documented_points: float
    areas: list[AreaResult]
    subquestions: list[SubquestionResult]
    indicators: list[IndicatorResult]
    coverage: Coverage
    # Sum of the area estimates (an area with nothing known at the mean of the known areas):
    # the provisional total to compare with a formal evaluation. None when nothing is known.
    estimate: float | None
    enough: bool  # coverage.share reaches COVERAGE_THRESHOLD


def _role_gap(per_role: Mapping[str, list[float]], top: int) -> RoleGap | None:
    medians = {role: statistics.median(values) for role, values in per_role.items() if values}
    if len(medians) < 2:
        return None
    # Sorting by (fraction, role) makes the pick independent of respondent order.
    ordered = sorted(medians.items(), key=lambda item: (item[1], item[0]))
    (low_role, low), (high_role, high) = ordered[0], ordered[-1]
    if high - low + 1e-9 < ROLE_GAP_LEVELS / top:
        return None
    return RoleGap(high_role=high_role, high_fraction=high, low_role=low_role, low_fraction=low)


def score_indicator(
    q: Questionnaire,
    indicator: Indicator,
    area: int,
    subquestion_id: str,
    subquestion_max: int,
    answers: Iterable[tuple[str, IndicatorAnswer]],
    unattached_evidence: Iterable[EvidenceRef] = (),
) -> IndicatorResult:
    """Combine the answers of eligible respondents, given as ``(role, answer)`` pairs.

    Accepted evidence documents the practice whoever uploaded it: on any answer to the
    indicator (also "don't know" or another role's) or not attached to an answer at all.
    """
    top = len(q.scale) - 1
    by_dimension: dict[Dimension, list[int]] = {d: [] for d in indicator.dimensions}
    per_role: dict[str, list[float]] = {}
    respondents = dont_know = planned = 0
    documented = any(e.state is EvidenceState.ACCEPTED for e in unattached_evidence)
    comments: list[str] = []
    # Respondents give the same few level combinations: work out each one's fraction once.
    fractions: dict[tuple[int | None, ...], float] = {}
    for role, answer in answers:
        documented = documented or answer.documented
        if role not in indicator.roles:
            continue
        if answer.comment.strip():
            comments.append(answer.comment.strip())
        levels = answer_levels(answer, indicator)
        if answer.status is Status.DONT_KNOW or levels.get(Dimension.SYSTEM) is None:
            dont_know += 1
            continue
        respondents += 1
        planned += answer.status is Status.PLANNED
        for dim, level in levels.items():
            if level is not None:
                by_dimension[dim].append(level)
        key = tuple(levels.values())  # ordered by indicator.dimensions
        fraction_here = fractions.get(key)
        if fraction_here is None:
            fraction_here = fractions[key] = indicator_fraction(q, indicator, levels)
        per_role.setdefault(role, []).append(fraction_here)

    levels_median = {d: float(statistics.median(v)) for d, v in by_dimension.items() if v}
    unknown = [d for d, v in by_dimension.items() if not v]
    fraction = indicator_fraction(q, indicator, levels_median) if respondents else None
    spread = {d: Spread(min(v), max(v)) for d, v in by_dimension.items() if v}
    disagreements = [d for d, s in spread.items() if s.high - s.low >= DISAGREEMENT_LEVELS]
    documented_fraction = None if fraction is None else (fraction if documented else 0.0)
    max_points = subquestion_max * indicator.weight / 100
    return IndicatorResult(
        id=indicator.id,
        subquestion=subquestion_id,
        area=area,
        max_points=max_points,
        respondents=respondents,
        dont_know=dont_know,
        planned=planned,
        levels={d: levels_median.get(d, 0.0) for d in indicator.dimensions},
        unknown_dimensions=unknown if respondents else [],
        spread=spread,
        fraction=fraction,
        documented=documented,
        documented_fraction=documented_fraction,
        points=None if fraction is None else max_points * fraction,
        documented_points=None if documented_fraction is None else max_points * documented_fraction,
        disagreements=disagreements,
        role_gap=_role_gap(per_role, top),
        finding=None if fraction is None else classify(fraction, q.thresholds),
        comments=sorted(comments),  # independent of respondent order
    )


def _weighted_points(
    q_max: int, weighted: list[tuple[int, float | None]]
) -> tuple[float | None, int]:
    known = [(w, f) for w, f in weighted if f is not None]
    if not known:
        return None, 0
    total_weight = sum(w for w, _ in known)
    value = q_max * sum(w * f for w, f in known if f is not None) / total_weight
    return value, len(known)


def _score_subquestion(
    q: Questionnaire,
    area_number: int,
    sq: Subquestion,
    by_indicator: Mapping[str, list[tuple[str, IndicatorAnswer]]],
    evidence: Mapping[str, list[EvidenceRef]],
) -> tuple[SubquestionResult, list[IndicatorResult]]:
    """A sub-question's points (claimed and documented) and coverage, with its indicators."""
    results = [
        score_indicator(
            q,
            ind,
            area_number,
            sq.id,
            sq.max_points,
            by_indicator.get(ind.id, []),
            evidence.get(ind.id, ()),
        )
        for ind in sq.indicators
    ]
    weights = [ind.weight for ind in sq.indicators]
    claimed, known = _weighted_points(
        sq.max_points, list(zip(weights, [r.fraction for r in results], strict=True))
    )
    documented, _ = _weighted_points(
        sq.max_points, list(zip(weights, [r.documented_fraction for r in results], strict=True))
    )
    covered = sum(w for w, r in zip(weights, results, strict=True) if r.known)
    result = SubquestionResult(
        id=sq.id,
        area=area_number,
        max_points=sq.max_points,
        points=None if claimed is None else from_tenths(to_tenths(claimed)),
        documented_points=None if documented is None else from_tenths(to_tenths(documented)),
        indicators=len(sq.indicators),
        indicators_known=known,
        finding=None if claimed is None else classify(claimed / sq.max_points, q.thresholds),
        coverage=covered / sum(weights),
    )
    return result, results


def _area_result(q: Questionnaire, number: int, subs: list[SubquestionResult]) -> AreaResult:
    """An area's sums over its known sub-questions, its coverage and its estimate."""
    known = [s for s in subs if s.points is not None]
    tenths = sum(to_tenths(s.points or 0.0) for s in known)
    documented_tenths = sum(to_tenths(s.documented_points or 0.0) for s in known)
    known_max = sum(s.max_points for s in known)
    area_max = sum(s.max_points for s in subs)
    coverage = sum(s.max_points * s.coverage for s in subs) / area_max
    return AreaResult(
        number=number,
        max_points=area_max,
        points=from_tenths(tenths),
        documented_points=from_tenths(documented_tenths),
        known_max_points=known_max,
        subquestions=len(subs),
        subquestions_known=len(known),
        finding=classify(tenths / 10 / known_max, q.thresholds) if known_max else None,
        coverage=coverage,
        estimate=from_tenths(to_tenths(tenths / 10 / known_max * area_max)) if known_max else None,
        enough=coverage + 1e-9 >= COVERAGE_THRESHOLD,
    )


def score(q: Questionnaire, answers: AnswerSet) -> Score:
    """Score a round: every indicator, sub-question, area and the total, claimed and documented."""
    by_indicator: dict[str, list[tuple[str, IndicatorAnswer]]] = {}
    respondents_by_role: dict[str, int] = {}
    answer_count = dont_know_count = 0
    for respondent in answers.respondents:
        respondents_by_role[respondent.role] = respondents_by_role.get(respondent.role, 0) + 1
        for answer in respondent.answers:
            by_indicator.setdefault(answer.indicator, []).append((respondent.role, answer))
            answer_count += 1
            dont_know_count += answer.status is Status.DONT_KNOW

    indicators: list[IndicatorResult] = []
    subquestions: list[SubquestionResult] = []
    areas: list[AreaResult] = []
    for area in q.areas:
        in_area: list[SubquestionResult] = []
        for sq in area.subquestions:
            sq_result, results = _score_subquestion(
                q, area.number, sq, by_indicator, answers.evidence
            )
            in_area.append(sq_result)
            indicators.extend(results)
        subquestions.extend(in_area)
        areas.append(_area_result(q, area.number, in_area))
    share = sum(a.coverage * a.max_points for a in areas) / q.max_points
    return Score(
        questionnaire=q.id,
        max_points=q.max_points,
        points=from_tenths(sum(to_tenths(a.points) for a in areas)),
        documented_points=from_tenths(sum(to_tenths(a.documented_points) for a in areas)),
        areas=areas,
        subquestions=subquestions,
        indicators=indicators,
        coverage=Coverage(
            respondents=len(answers.respondents),
            respondents_by_role=dict(sorted(respondents_by_role.items())),
            indicators=len(indicators),
            indicators_known=sum(1 for r in indicators if r.known),
            subquestions=len(subquestions),
            subquestions_known=sum(1 for s in subquestions if s.points is not None),
            answers=answer_count,
            dont_know=dont_know_count,
            share=share,
        ),
        estimate=_total_estimate(areas),
        enough=share + 1e-9 >= COVERAGE_THRESHOLD,
    )


def _total_estimate(areas: list[AreaResult]) -> float | None:
    known_points = sum(a.points for a in areas if a.known_max_points)
    known_max = sum(a.known_max_points for a in areas)
    if not known_max:
        return None
    mean_fraction = known_points / known_max
    tenths = sum(
        to_tenths(a.estimate) if a.estimate is not None else to_tenths(mean_fraction * a.max_points)
        for a in areas
    )
    return from_tenths(tenths)
