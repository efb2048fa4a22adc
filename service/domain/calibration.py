"""Compare a provisional score with a formal evaluation's published result.

A municipality that answered Kompass before its formal Kommunekompass evaluation can see,
afterwards, where its staff judged differently from the evaluators; the project uses the same
comparison to calibrate the scoring method (``docs/calibration.md``).

The formal result may give the total, the areas and any sub-questions (all optional). Areas and
the total are compared through Kompass' *estimates* (each area extrapolated from its known
sub-questions), so that an area the answers cover only in part is not compared as if its missing
sub-questions had earned nothing; the coverage is reported beside each difference. Where the
formal report was scored on an edition with other sub-question maxima, ``maxima`` gives the
report's, and its points are scaled to the questionnaire's maximum before they are compared.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import msgspec

from service.domain.findings import Finding, classify
from service.domain.questionnaire import Questionnaire, Thresholds
from service.domain.scoring import Score


class OfficialResult(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A formal evaluation's published points: total, per area, per sub-question."""

    total: float | None = None
    areas: dict[str, float] = msgspec.field(default_factory=dict)  # "1" … "8"
    subquestions: dict[str, float] = msgspec.field(default_factory=dict)  # "1.1" …
    maxima: dict[str, float] = msgspec.field(default_factory=dict)  # the report's, where different
    source: str = ""
    notes: list[str] = msgspec.field(default_factory=list)


class OfficialProblem(msgspec.Struct, frozen=True):
    """A figure in a formal result that does not fit the questionnaire, located by JSON path."""

    path: str
    message: str


class Difference(msgspec.Struct, kw_only=True, frozen=True):
    """One figure: Kompass' prediction, the formal result and the difference (prediction − formal)."""

    id: str
    max_points: float
    predicted: float
    official: float
    difference: float
    coverage: float  # share of the figure's points whose indicators have answers


class Comparison(msgspec.Struct, kw_only=True, frozen=True):
    """Every figure both sides have, with the mean absolute error and rank correlations."""

    questionnaire: str
    total: Difference | None
    areas: list[Difference]
    subquestions: list[Difference]
    area_mae: float | None
    area_bias: float | None  # mean signed difference: > 0 means Kompass predicts too high
    area_spearman: float | None
    subquestion_mae: float | None
    subquestion_bias: float | None
    subquestion_spearman: float | None
    # Share of compared sub-questions that land in the same finding (strength / challenge /
    # weakness) as the formal points would, and how many land in the opposite one.
    findings_agree: float | None = None
    findings_opposite: int = 0
    not_compared: list[str] = msgspec.field(default_factory=list)


def check_official(q: Questionnaire, official: OfficialResult) -> list[OfficialProblem]:
    """Every figure that names no area or sub-question of ``q`` or lies outside 0..maximum."""
    problems: list[OfficialProblem] = []
    areas = {str(a.number): a for a in q.areas}
    maxima = {sq.id: float(sq.max_points) for a in q.areas for sq in a.subquestions}

    def check(path: str, value: float, top: float) -> None:
        if not 0 <= value <= top:
            problems.append(OfficialProblem(path, f"{value} is outside 0–{top:g}"))

    if official.total is not None:
        check("$.total", official.total, float(q.max_points))
    for key, value in official.areas.items():
        area = areas.get(key)
        if area is None:
            problems.append(OfficialProblem(f"$.areas.{key}", f"unknown area '{key}'"))
        else:
            check(f"$.areas.{key}", value, float(sum(s.max_points for s in area.subquestions)))
    for key, top in official.maxima.items():
        if key not in maxima:
            problems.append(OfficialProblem(f"$.maxima.{key}", f"unknown sub-question '{key}'"))
        elif top <= 0:
            problems.append(OfficialProblem(f"$.maxima.{key}", f"maximum {top} is not positive"))
    for key, value in official.subquestions.items():
        if key not in maxima:
            problems.append(
                OfficialProblem(f"$.subquestions.{key}", f"unknown sub-question '{key}'")
            )
        else:
            check(f"$.subquestions.{key}", value, official.maxima.get(key, maxima[key]))
    return problems


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):  # ties share their mean rank
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (ties at mean rank); None for fewer than 3 pairs or no spread."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mx) ** 2 for a in rx)
    var_y = sum((b - my) ** 2 for b in ry)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def _summary(diffs: Sequence[Difference]) -> tuple[float | None, float | None, float | None]:
    if not diffs:
        return None, None, None
    mae = statistics.fmean(abs(d.difference) for d in diffs)
    bias = statistics.fmean(d.difference for d in diffs)
    rho = spearman(
        [d.predicted / d.max_points for d in diffs], [d.official / d.max_points for d in diffs]
    )
    return mae, bias, rho


def _findings(diffs: Sequence[Difference], thresholds: Thresholds) -> tuple[float | None, int]:
    if not diffs:
        return None, 0
    pairs = [
        (
            classify(d.predicted / d.max_points, thresholds),
            classify(d.official / d.max_points, thresholds),
        )
        for d in diffs
    ]
    opposite = {Finding.STRENGTH, Finding.WEAKNESS}
    same = sum(1 for ours, theirs in pairs if ours is theirs)
    flipped = sum(1 for ours, theirs in pairs if ours is not theirs and {ours, theirs} == opposite)
    return same / len(pairs), flipped


def compare(q: Questionnaire, score: Score, official: OfficialResult) -> Comparison:
    """Compare ``score`` (of answers to ``q``) with a formal result, figure by figure.

    Sub-questions compare points (the formal points scaled to ``q``'s maximum where the report's
    differs); areas and the total compare Kompass' estimates. A figure the answers do not cover
    at all is listed in ``not_compared``. Rank correlations are over shares of the maximum.
    """
    not_compared: list[str] = []
    subquestions: list[Difference] = []
    for sq in score.subquestions:
        if sq.id not in official.subquestions:
            continue
        if sq.points is None:
            not_compared.append(sq.id)
            continue
        scale = sq.max_points / official.maxima.get(sq.id, sq.max_points)
        formal = official.subquestions[sq.id] * scale
        subquestions.append(
            Difference(
                id=sq.id,
                max_points=sq.max_points,
                predicted=sq.points,
                official=round(formal, 2),
                difference=round(sq.points - formal, 2),
                coverage=round(sq.coverage, 3),
            )
        )
    areas: list[Difference] = []
    for area in score.areas:
        key = str(area.number)
        if key not in official.areas:
            continue
        if area.estimate is None:
            not_compared.append(f"area {key}")
            continue
        areas.append(
            Difference(
                id=key,
                max_points=area.max_points,
                predicted=area.estimate,
                official=official.areas[key],
                difference=round(area.estimate - official.areas[key], 2),
                coverage=round(area.coverage, 3),
            )
        )
    total = None
    if official.total is not None and score.estimate is not None:
        total = Difference(
            id="total",
            max_points=score.max_points,
            predicted=score.estimate,
            official=official.total,
            difference=round(score.estimate - official.total, 2),
            coverage=round(score.coverage.share, 3),
        )
    elif official.total is not None:
        not_compared.append("total")
    area_mae, area_bias, area_rho = _summary(areas)
    sq_mae, sq_bias, sq_rho = _summary(subquestions)
    agree, flipped = _findings(subquestions, q.thresholds)
    return Comparison(
        questionnaire=q.id,
        total=total,
        areas=areas,
        subquestions=subquestions,
        area_mae=area_mae,
        area_bias=area_bias,
        area_spearman=area_rho,
        subquestion_mae=sq_mae,
        subquestion_bias=sq_bias,
        subquestion_spearman=sq_rho,
        findings_agree=agree,
        findings_opposite=flipped,
        not_compared=not_compared,
    )
