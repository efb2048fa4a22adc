"""The development plan as the results page and the decision report print it."""

from __future__ import annotations

from service.domain.gaps import Gap
from service.domain.plan import AreaView, MeasureStatus
from service.i18n import N_
from service.labels import reason
from service.report.context import Ctx
from service.report.rows import (
    PlanAreaRow,
    PlanGroupRow,
    PlanMeasureRow,
)

STATUS = {
    MeasureStatus.PROPOSED: N_("proposed"),
    MeasureStatus.STARTED: N_("started"),
    MeasureStatus.DONE: N_("done"),
    MeasureStatus.DROPPED: N_("dropped"),
}


def next_step(ctx: Ctx, g: Gap | None) -> str:
    """The concrete next step of a gap in the words of the level descriptors."""
    t, q = ctx.t, ctx.q
    if g is None:
        return ""
    if g.next_step is None or g.next_step_from is None:
        return t("Document it: add the evidence and have it accepted.")
    dim = next((d for d in q.dimensions if d.id is g.next_step), None)
    if dim is None:
        return reason(t, g.reason)
    top = len(q.scale) - 1
    low = min(int(g.next_step_from), top)
    high = min(low + 1, top)
    return t(
        "%(dimension)s: from “%(from)s” to “%(to)s”",
        dimension=q.text(dim.title, ctx.loc),
        **{"from": q.text(dim.descriptors.get(low, {}), ctx.loc)},
        to=q.text(dim.descriptors.get(high, {}), ctx.loc),
    )


def plan_rows(ctx: Ctx, areas: list[AreaView]) -> list[PlanAreaRow]:
    t, q = ctx.t, ctx.q
    sq_titles = {sq.id: q.text(sq.title, ctx.loc) for a in q.areas for sq in a.subquestions}
    area_titles = {a.number: q.text(a.title, ctx.loc) for a in q.areas}
    indicators = {ind.id: ind for _, _, ind in q.indicators()}
    gaps = {g.indicator: g for g in ctx.result.gaps}
    out = []
    for av in areas:
        groups = []
        for gv in av.groups:
            measures = []
            for mv in gv.measures:
                m = mv.measure
                first = indicators.get(m.indicators[0]) if m.indicators else None
                text = m.text.strip() or (
                    q.text(first.measure, ctx.loc) or ctx.questions[first.id] if first else ""
                )
                measures.append(
                    PlanMeasureRow(
                        id=m.id,
                        text=text,
                        indicators=", ".join(m.indicators),
                        step=next_step(ctx, gaps.get(m.indicators[0])) if m.indicators else "",
                        gain=t.signed(mv.gain) if mv.gain else "",
                        owner=m.owner,
                        deadline=t.isodate(m.deadline) if m.deadline else "",
                        status=t(STATUS[m.status]),
                        status_key=m.status.value,
                        delta=t.signed(mv.delta) if mv.delta is not None else "",
                    )
                )
            groups.append(
                PlanGroupRow(
                    subquestion=gv.subquestion,
                    title=sq_titles.get(gv.subquestion, ""),
                    heading=t.ngettext(
                        "%(id)s %(title)s – %(num)s measure, %(gain)s points",
                        "%(id)s %(title)s – %(num)s measures, %(gain)s points",
                        len(measures),
                        id=gv.subquestion,
                        title=sq_titles.get(gv.subquestion, ""),
                        gain=t.signed(gv.gain),
                    ),
                    measures=measures,
                )
            )
        points = next(a.points for a in ctx.result.score.areas if a.number == av.area)
        bench = ctx.result.area_benchmarks.get(av.area)
        out.append(
            PlanAreaRow(
                number=av.area,
                title=area_titles.get(av.area, ""),
                summary=(
                    t(
                        "%(points)s points (benchmark %(benchmark)s); the measures would gain %(gain)s points",
                        points=t.number(points),
                        benchmark=t.number(bench),
                        gain=t.signed(av.gain),
                    )
                    if bench is not None
                    else t(
                        "%(points)s points; the measures would gain %(gain)s points",
                        points=t.number(points),
                        gain=t.signed(av.gain),
                    )
                ),
                groups=groups,
            )
        )
    return out
