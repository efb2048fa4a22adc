"""Published reference figures and earlier rounds, compared with a result.

Reference data lives beside the questionnaires (``questionnaires/references/<id>.yaml``),
each figure with its source, so that every benchmark shown can be traced to a publication.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from service.domain.locales import LOCALES
from service.domain.questionnaire import LocalizedText, Questionnaire
from service.domain.scoring import Score

Points = Annotated[float, msgspec.Meta(ge=0, le=800)]


class FigureKind(StrEnum):
    """What a reference figure stands for."""

    AVERAGE = "average"  # an average over evaluated municipalities
    BAND = "band"  # a range, such as the "normal" score band
    MUNICIPALITY = "municipality"  # one municipality's published result


class ReferenceFigure(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One published figure with its source."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9\-]*$")]
    kind: FigureKind
    label: LocalizedText
    source: str
    total: Points | None = None
    low: Points | None = None
    high: Points | None = None
    year: int | None = None
    areas: dict[int, Annotated[float, msgspec.Meta(ge=0, le=100)]] = msgspec.field(
        default_factory=dict
    )
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind is FigureKind.BAND:
            if self.low is None or self.high is None or self.low > self.high:
                raise ValueError("a band needs low <= high")
        elif self.total is None:
            raise ValueError("an average or a municipality's result needs a total")
        if self.areas and self.total is not None and abs(sum(self.areas.values()) - self.total) > 1:
            raise ValueError("area scores do not add up to the total")


class ReferenceSet(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """The reference figures for one questionnaire."""

    questionnaire: str
    figures: list[ReferenceFigure] = msgspec.field(default_factory=list)
    area_benchmark: str = ""  # id of the average whose per-area (or total/areas) is the benchmark

    def figure(self, figure_id: str) -> ReferenceFigure | None:
        """The figure with this id, if recorded."""
        return next((f for f in self.figures if f.id == figure_id), None)

    def area_benchmarks(self, area_numbers: list[int]) -> dict[int, float]:
        """Benchmark points per area: the chosen average's area profile, else its total spread evenly.

        The sources publish national averages for the total only; spreading it evenly is
        the honest default until an operator records a per-area profile.
        """
        fig = self.figure(self.area_benchmark) if self.area_benchmark else None
        if fig is None or fig.total is None:
            return {}
        if fig.areas:
            return {n: fig.areas[n] for n in area_numbers if n in fig.areas}
        return dict.fromkeys(area_numbers, fig.total / len(area_numbers)) if area_numbers else {}


class Delta(msgspec.Struct, kw_only=True, frozen=True):
    """A figure now, the figure compared with, and the difference."""

    current: float
    other: float
    delta: float


class Comparison(msgspec.Struct, kw_only=True, frozen=True):
    """A result compared with one reference figure or earlier round."""

    id: str
    label: LocalizedText
    source: str
    kind: FigureKind
    total: Delta | None
    band: tuple[float, float] | None
    position: str  # "above", "within", "below" for bands; "above", "equal", "below" otherwise
    areas: dict[int, Delta]


def _delta(current: float, other: float) -> Delta:
    return Delta(current=current, other=other, delta=round(current - other, 1))


# Round-to-round deltas of every kind are computed here and nowhere else.


def compare(total: float, areas: dict[int, float], figure: ReferenceFigure) -> Comparison:
    """Compare a total and per-area points with one reference figure."""
    if figure.kind is FigureKind.BAND and figure.low is not None and figure.high is not None:
        position = "below" if total < figure.low else "above" if total > figure.high else "within"
        return Comparison(
            id=figure.id,
            label=figure.label,
            source=figure.source,
            kind=figure.kind,
            total=None,
            band=(figure.low, figure.high),
            position=position,
            areas={},
        )
    other = figure.total or 0.0
    position = "above" if total > other else "below" if total < other else "equal"
    return Comparison(
        id=figure.id,
        label=figure.label,
        source=figure.source,
        kind=figure.kind,
        total=_delta(total, other),
        band=None,
        position=position,
        areas={n: _delta(areas[n], v) for n, v in sorted(figure.areas.items()) if n in areas},
    )


class EarlierRound(msgspec.Struct, kw_only=True, frozen=True):
    """A finished earlier round of the same municipality, as far as history needs it."""

    id: str
    name: str
    date: str
    total: float
    areas: dict[int, float]


def compare_rounds(total: float, areas: dict[int, float], earlier: EarlierRound) -> Comparison:
    """Compare the current result with an earlier round, per area and in total."""
    return Comparison(
        id=earlier.id,
        label=dict.fromkeys(LOCALES, earlier.name),
        source=earlier.date,
        kind=FigureKind.MUNICIPALITY,
        total=_delta(total, earlier.total),
        band=None,
        position="above"
        if total > earlier.total
        else "below"
        if total < earlier.total
        else "equal",
        areas={n: _delta(areas[n], v) for n, v in sorted(earlier.areas.items()) if n in areas},
    )


class ComparisonRow(msgspec.Struct, kw_only=True):
    """An area, sub-question or the total in two rounds."""

    id: str
    title: dict[str, str]
    now: float | None
    then: float | None
    delta: float | None
    max_points: int
    level: str  # "total", "area" or "subquestion"


def point_delta(current: float | None, other: float | None) -> float | None:
    """Points gained since ``other``, to one decimal; unknown when either side is unknown."""
    return None if current is None or other is None else round(current - other, 1)


def compare_scores(q: Questionnaire, now: Score, then: Score) -> list[ComparisonRow]:
    """Every area and its sub-questions, then the total, with deltas (unknown stays unknown)."""
    delta = point_delta
    rows: list[ComparisonRow] = []
    sq_now = {s.id: s for s in now.subquestions}
    sq_then = {s.id: s for s in then.subquestions}
    for area, a_now, a_then in zip(q.areas, now.areas, then.areas, strict=True):
        rows.append(
            ComparisonRow(
                id=str(area.number),
                title=area.title,
                now=a_now.points,
                then=a_then.points,
                delta=delta(a_now.points, a_then.points),
                max_points=a_now.max_points,
                level="area",
            )
        )
        for sq in area.subquestions:
            x, y = sq_now[sq.id].points, sq_then[sq.id].points
            rows.append(
                ComparisonRow(
                    id=sq.id,
                    title=sq.title,
                    now=x,
                    then=y,
                    delta=delta(x, y),
                    max_points=sq.max_points,
                    level="subquestion",
                )
            )
    rows.append(
        ComparisonRow(
            id="",
            title={},
            now=now.points,
            then=then.points,
            delta=delta(now.points, then.points),
            max_points=now.max_points,
            level="total",
        )
    )
    return rows
