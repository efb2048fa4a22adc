"""The development plan: focus areas and measures a council adopts, suggested from the gaps.

A municipality picks two to four focus areas after an evaluation and adopts *measures* for
them, not questions. Kompass suggests a plan from the assessment (the suggested focus areas,
each indicator's questionnaire ``measure`` as one measure, grouped by sub-question); the
coordinator may edit it (areas, texts, owners, deadlines, status, new measures). The stored
plan belongs to a round and is carried into the next round of the same municipality, where
each measure shows how its indicators' scores changed since.

Everything here is pure: texts are resolved at the edge (an empty ``text`` means "the
questionnaire's measure for the indicator"), numbers are plain floats.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import msgspec

from service.domain.assessment import Assessment
from service.domain.errors import InvalidInput
from service.domain.gaps import MAX_FOCUS_AREAS, MIN_FOCUS_AREAS, Gap
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import Score

MEASURES_PER_AREA = 8  # enough for a sub-strategy, few enough to be adopted and followed up
MAX_MEASURES = 60
MAX_TEXT = 500
MAX_OWNER = 120


class MeasureStatus(StrEnum):
    """Where a measure stands."""

    PROPOSED = "proposed"
    STARTED = "started"
    DONE = "done"
    DROPPED = "dropped"


class PlanMeasure(msgspec.Struct, kw_only=True):
    """One measure of the plan, under one sub-question of a focus area."""

    id: str  # stable within the plan: the indicator id for suggested measures, "n1"… for new ones
    subquestion: str
    indicators: list[str] = []
    text: str = ""  # empty: the questionnaire's measure text of its (first) indicator
    owner: str = ""
    deadline: str = ""  # ISO date or empty
    status: MeasureStatus = MeasureStatus.PROPOSED


class PlanArea(msgspec.Struct, kw_only=True):
    """A chosen focus area and its measures."""

    area: int
    measures: list[PlanMeasure] = []


class Plan(msgspec.Struct, kw_only=True):
    """A round's development plan (suggested, edited or carried from an earlier round)."""

    areas: list[PlanArea]
    carried_from: int | None = None  # the round the plan was first made for, when carried


class MeasureView(msgspec.Struct, kw_only=True):
    """A measure with what its next steps would gain now and how it moved since the plan."""

    measure: PlanMeasure
    gain: float  # next-step gain of its indicators in the current result
    delta: float | None  # change of its indicators' points since the plan's round; None: unknown


class GroupView(msgspec.Struct, kw_only=True):
    """The measures of one sub-question, with the gain of the whole group."""

    subquestion: str
    measures: list[MeasureView]
    gain: float


class AreaView(msgspec.Struct, kw_only=True):
    """A focus area of the plan, its groups in questionnaire order."""

    area: int
    groups: list[GroupView]
    gain: float


def suggest_area(q: Questionnaire, result: Assessment, number: int) -> PlanArea:
    """An area's suggested measures: its best next steps, in questionnaire order."""
    gaps = [g for g in result.gaps if g.area == number and g.next_step_gain > 0]
    chosen = {g.indicator for g in gaps[:MEASURES_PER_AREA]}
    measures = [
        PlanMeasure(id=ind.id, subquestion=sq.id, indicators=[ind.id])
        for area in q.areas
        if area.number == number
        for sq in area.subquestions
        for ind in sq.indicators
        if ind.id in chosen
    ]
    return PlanArea(area=number, measures=measures)


def suggest(q: Questionnaire, result: Assessment) -> Plan:
    """The default plan: the suggested focus areas, their best next steps as measures."""
    return Plan(areas=[suggest_area(q, result, f.area) for f in result.focus_areas])


def edit(
    q: Questionnaire,
    result: Assessment,
    current: Plan,
    areas: list[int],
    measures: list[PlanMeasure],
) -> Plan:
    """The plan after an edit: the chosen areas in questionnaire order, each with its edited
    measures; an area newly chosen starts from its suggested measures."""
    kept = {pa.area for pa in current.areas}
    by_area: dict[int, list[PlanMeasure]] = {}
    area_of = {sq.id: a.number for a in q.areas for sq in a.subquestions}
    for m in measures:
        by_area.setdefault(area_of.get(m.subquestion, -1), []).append(m)
    chosen = [a.number for a in q.areas if a.number in set(areas)]
    unknown = set(areas) - set(chosen)
    out = [
        PlanArea(area=n, measures=by_area.get(n, [])) if n in kept else suggest_area(q, result, n)
        for n in chosen
    ]
    plan = Plan(areas=out, carried_from=current.carried_from)
    if unknown:
        raise InvalidInput("Choose each focus area of the questionnaire at most once.")
    if -1 in by_area:  # measures of areas no longer chosen are dropped; unknown ones refused
        raise InvalidInput("A measure names an indicator outside its sub-question.")
    return check(q, plan)


def _indicator_points(score: Score) -> dict[str, float]:
    return {r.id: r.points for r in score.indicators if r.points is not None}


def view(
    q: Questionnaire, plan: Plan, gaps: list[Gap], now: Score, then: Score | None = None
) -> list[AreaView]:
    """The plan grouped by sub-question with group gains, and per-measure deltas since ``then``."""
    gain_of = {g.indicator: g.next_step_gain for g in gaps}
    points_now = _indicator_points(now)
    points_then = _indicator_points(then) if then is not None else {}
    order = {
        sq.id: i for i, (_, sq) in enumerate((a, sq) for a in q.areas for sq in a.subquestions)
    }
    out = []
    for pa in plan.areas:
        groups: dict[str, list[MeasureView]] = {}
        for m in pa.measures:
            delta = None
            known = [i for i in m.indicators if i in points_now and i in points_then]
            if then is not None and known:
                delta = round(sum(points_now[i] - points_then[i] for i in known), 2)
            groups.setdefault(m.subquestion, []).append(
                MeasureView(
                    measure=m,
                    gain=round(sum(gain_of.get(i, 0.0) for i in m.indicators), 2),
                    delta=delta,
                )
            )
        views = [
            GroupView(
                subquestion=sq,
                measures=ms,
                gain=round(
                    sum(x.gain for x in ms if x.measure.status is not MeasureStatus.DONE), 2
                ),
            )
            for sq, ms in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
        ]
        out.append(AreaView(area=pa.area, groups=views, gain=round(sum(g.gain for g in views), 2)))
    return out


def check(q: Questionnaire, plan: Plan) -> Plan:
    """Refuse a plan that breaks the rules: 2–4 known areas, measures in their area, valid fields."""
    areas = {a.number: a for a in q.areas}
    numbers = [pa.area for pa in plan.areas]
    if not MIN_FOCUS_AREAS <= len(numbers) <= MAX_FOCUS_AREAS:
        raise InvalidInput(
            "Choose between %(min)s and %(max)s focus areas.",
            min=MIN_FOCUS_AREAS,
            max=MAX_FOCUS_AREAS,
        )
    if len(set(numbers)) != len(numbers) or any(n not in areas for n in numbers):
        raise InvalidInput("Choose each focus area of the questionnaire at most once.")
    if sum(len(pa.measures) for pa in plan.areas) > MAX_MEASURES:
        raise InvalidInput("A plan can have at most %(max)s measures.", max=MAX_MEASURES)
    for pa in plan.areas:
        subquestions = {sq.id: {i.id for i in sq.indicators} for sq in areas[pa.area].subquestions}
        for m in pa.measures:
            if m.subquestion not in subquestions:
                raise InvalidInput(
                    "Sub-question %(id)s is not in focus area %(area)s.",
                    id=m.subquestion,
                    area=pa.area,
                )
            if any(i not in subquestions[m.subquestion] for i in m.indicators):
                raise InvalidInput("A measure names an indicator outside its sub-question.")
            if not m.indicators and not m.text.strip():
                raise InvalidInput("A new measure needs a text.")
            if len(m.text) > MAX_TEXT or len(m.owner) > MAX_OWNER:
                raise InvalidInput(
                    "A measure's text is at most %(text)s characters and its owner at most %(owner)s.",
                    text=MAX_TEXT,
                    owner=MAX_OWNER,
                )
            if m.deadline:
                try:
                    dt.date.fromisoformat(m.deadline)
                except ValueError:
                    raise InvalidInput(
                        "The deadline %(value)s is not a date (YYYY-MM-DD).", value=m.deadline
                    ) from None
    return plan
