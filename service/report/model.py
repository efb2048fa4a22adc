"""What the results page and the gap-analysis PDF show, computed once from the assessment.

Both templates render this model, and the charts in it are SVG strings drawn once, so the
page, the PDF and the API can never disagree: every number here is taken from
:class:`~service.domain.assessment.Assessment`, never recomputed.
"""

from __future__ import annotations

import datetime as dt

from service.domain.answers import AnswerSet
from service.domain.assessment import Assessment
from service.domain.benchmarks import FigureKind
from service.domain.evidence import EvidenceRecord
from service.domain.findings import Finding
from service.domain.plan import AreaView, suggest, view
from service.domain.questionnaire import Area, Questionnaire
from service.domain.scoring import AreaResult
from service.i18n import Translator
from service.labels import POSITION, finding
from service.report import charts
from service.report.context import Ctx
from service.report.plan_rows import plan_rows
from service.report.rows import (
    AreaBrief,
    AreaSection,
    CommentRow,
    DisagreementGroup,
    DisagreementRow,
    EvidenceRow,
    Figure,
    FindingItem,
    FocusRow,
    ReportModel,
    SubquestionRow,
    SummaryRow,
    comment_order,
)

TOP_GAPS = 20
TOP_GAINS = 5  # the first screen's "largest gains"
GAPS_PER_AREA = 5
TOP_DISAGREEMENTS = 10  # summarised on the page and in the report; the full list on request
STRONGEST = 3


MIN_RADAR_AXES = 3
STALE_YEARS = 4  # documents older than an election period are flagged for review


def _comments(q: Questionnaire, answers: AnswerSet, t: Translator) -> dict[str, list[CommentRow]]:
    roles = {r.id: q.text(r.title, t.locale) for r in q.roles}
    by_area: dict[str, list[CommentRow]] = {}
    for respondent in answers.respondents:
        for answer in respondent.answers:
            if answer.comment.strip():
                area = answer.indicator.split(".")[0]
                by_area.setdefault(area, []).append(
                    CommentRow(
                        indicator=answer.indicator,
                        role=roles.get(respondent.role, respondent.role),
                        text=answer.comment.strip(),
                    )
                )
    for rows in by_area.values():
        rows.sort(key=comment_order)
    return by_area


def _figures(result: Assessment, t: Translator) -> tuple[list[Figure], list[Figure]]:
    """Reference figures and earlier rounds beside the total."""
    loc = t.locale
    figures: list[Figure] = []
    for c in result.benchmarks:
        label = c.label.get(loc) or c.label.get("en") or c.id
        if c.kind is FigureKind.BAND and c.band:
            value = f"{t.number(c.band[0], 0)}–{t.number(c.band[1], 0)}"
            delta = ""
        else:
            value = t.number(c.total.other if c.total else 0, 0)
            delta = t.signed(c.total.delta) if c.total else ""
        figures.append(
            Figure(
                label=label,
                value=value,
                delta=delta,
                position=t(POSITION[c.position]),
                source=c.source,
                note="",
            )
        )
    history = [
        Figure(
            label=c.label.get(loc) or c.id,
            value=t.number(c.total.other) if c.total else "",
            delta=t.signed(c.total.delta) if c.total else "",
            position=t(POSITION[c.position]),
            source=t.isodate(c.source),
            note="",
        )
        for c in result.history
    ]

    return figures, history


def _evidence_rows(
    evidence: list[EvidenceRecord], t: Translator, today: dt.date
) -> list[EvidenceRow]:
    """Evidence per indicator for the appendix, flagging documents older than an election period."""
    evidence_rows: list[EvidenceRow] = []
    cutoff = today - dt.timedelta(days=round(365.25 * STALE_YEARS))  # leap-day safe
    states = {
        "submitted": t("awaiting review"),
        "accepted": t("accepted"),
        "rejected": t("rejected"),
        "none": "–",
    }
    for e in sorted(evidence, key=lambda e: ([int(p) for p in e.indicator_id.split(".")], e.id)):
        effective = e.effective_date
        evidence_rows.append(
            EvidenceRow(
                indicator=e.indicator_id,
                title=e.title,
                kind=t("file") if e.kind == "file" else t("link"),
                effective=t.isodate(effective),
                state=states[e.state.value],
                stale=bool(effective) and dt.date.fromisoformat(effective or "1900-01-01") < cutoff,
            )
        )
    return evidence_rows


def _subquestion_rows(ctx: Ctx, area: Area) -> list[SubquestionRow]:
    t, q = ctx.t, ctx.q
    by_id = {r.id: r for r in ctx.result.score.subquestions}
    rows = []
    for sq in area.subquestions:
        r = by_id[sq.id]
        said = ctx.summaries.get(sq.id) or SummaryRow(text="")
        rows.append(
            SubquestionRow(
                id=sq.id,
                title=q.text(sq.title, ctx.loc),
                points=ctx.num(r.points),
                documented=ctx.num(r.documented_points),
                max_points=t.number(sq.max_points),
                finding=finding(t, r.finding),
                finding_key=r.finding.value if r.finding else "unknown",
                coverage=t("%(known)s of %(total)s", known=r.indicators_known, total=r.indicators),
                summary=said.text,
                summary_note=said.note,
                summary_sources=said.sources,
            )
        )
    return rows


def _area_findings(ctx: Ctx, area: Area) -> dict[str, list[FindingItem]]:
    by_id = {r.id: r for r in ctx.result.score.indicators}
    grouped: dict[str, list[FindingItem]] = {f.value: [] for f in Finding}
    for sq in area.subquestions:
        for ind in sq.indicators:
            ir = by_id[ind.id]
            if ir.finding is not None:
                grouped[ir.finding.value].append(
                    FindingItem(indicator=ind.id, text=ctx.questions[ind.id])
                )
    return grouped


def _area_chart(ctx: Ctx, area: Area) -> str:
    t, q = ctx.t, ctx.q
    by_id = {r.id: r for r in ctx.result.score.subquestions}
    return charts.bar_chart(
        [
            charts.BarRow(
                label=f"{sq.id} {q.text(sq.title, ctx.loc)}",
                claimed=by_id[sq.id].points,
                documented=by_id[sq.id].documented_points,
                benchmark=None,
            )
            for sq in area.subquestions
        ],
        title=t("Points per sub-question, area %(n)s", n=area.number),
        description=t(
            "Claimed and documented points of each sub-question in %(area)s.",
            area=q.text(area.title, ctx.loc),
        ),
        max_value=float(max(sq.max_points for sq in area.subquestions)),
        fmt=t.number,
        claimed_label=t("Claimed"),
        documented_label=t("Documented"),
        benchmark_label=t("Benchmark"),
    )


def _area_sections(ctx: Ctx, answers: AnswerSet) -> list[AreaSection]:
    t, q, result = ctx.t, ctx.q, ctx.result
    comments = _comments(q, answers, t)
    sections = []
    for area, res in zip(q.areas, result.score.areas, strict=True):
        bench = result.area_benchmarks.get(area.number)
        sections.append(
            AreaSection(
                number=area.number,
                title=q.text(area.title, ctx.loc),
                intro=q.text(area.intro, ctx.loc),
                points=t.number(res.points),
                documented=t.number(res.documented_points),
                max_points=res.max_points,
                benchmark=t.number(bench) if bench is not None else "–",
                finding=finding(t, res.finding),
                finding_key=res.finding.value if res.finding else "unknown",
                known=res.subquestions_known > 0,
                coverage_share=t.number(res.coverage * 100, 0),
                enough=res.enough,
                subquestions=_subquestion_rows(ctx, area),
                findings=_area_findings(ctx, area),
                gaps=[ctx.gap_row(g) for g in result.gaps if g.area == area.number][:GAPS_PER_AREA],
                comments=comments.get(str(area.number), []),
                chart=_area_chart(ctx, area),
            )
        )
    return sections


def _area_series(ctx: Ctx) -> list[charts.Series]:
    """Claimed and documented points per area, then earlier rounds and reference figures."""
    t, s, result = ctx.t, ctx.result.score, ctx.result
    series = [
        charts.Series(label=t("Claimed"), values=[a.points for a in s.areas], kind="claimed"),
        charts.Series(
            label=t("Documented"), values=[a.documented_points for a in s.areas], kind="documented"
        ),
    ]
    for kind, comparisons in (("earlier", result.history), ("reference", result.benchmarks)):
        for c in comparisons:
            if kind == "reference" and not c.areas:
                continue
            values = [c.areas[n].other if n in c.areas else None for n in ctx.area_numbers]
            series.append(
                charts.Series(label=c.label.get(ctx.loc) or c.id, values=values, kind=kind)
            )
    return series


def _area_charts(ctx: Ctx) -> tuple[str, str]:
    """The radar (with three areas or more) and the bars of all focus areas."""
    t, s = ctx.t, ctx.result.score
    top = t.number(max((a.max_points for a in s.areas), default=0), 0)
    radar = ""
    # A radar needs three axes; a questionnaire with fewer areas shows the bars and table only.
    if len(ctx.q.areas) >= MIN_RADAR_AXES:
        radar = charts.radar_chart(
            ctx.area_titles,
            _area_series(ctx),
            title=t("Points per focus area"),
            description=t(
                "Radar chart of the %(n)s focus areas, 0–%(max)s points each; the same figures are in the table below.",
                n=len(ctx.q.areas),
                max=top,
            ),
            fmt=t.number,
        )
    bars = charts.bar_chart(
        [
            charts.BarRow(
                label=title,
                claimed=a.points,
                documented=a.documented_points,
                benchmark=ctx.result.area_benchmarks.get(a.number),
            )
            for title, a in zip(ctx.area_titles, s.areas, strict=True)
        ],
        title=t("Claimed and documented points per focus area"),
        description=t(
            "Bars per focus area, 0–%(max)s points; the same figures are in the table below.",
            max=top,
        ),
        fmt=t.number,
        claimed_label=t("Claimed"),
        documented_label=t("Documented"),
        benchmark_label=t("Benchmark"),
    )
    return radar, bars


def _gauge(ctx: Ctx) -> str:
    t, s, result, loc = ctx.t, ctx.result.score, ctx.result, ctx.loc
    band = next((c.band for c in result.benchmarks if c.band), None)
    markers = [
        (c.label.get(loc) or c.id, c.total.other)
        for c in result.benchmarks
        if c.total is not None and c.kind is FigureKind.AVERAGE
    ] + [(c.label.get(loc) or c.id, c.total.other) for c in result.history if c.total is not None]
    return charts.gauge_chart(
        s.points,
        s.documented_points,
        maximum=float(s.max_points),
        band=band,
        markers=markers,
        title=t("Total score"),
        description=t(
            "Total of %(points)s claimed and %(documented)s documented points out of %(max)s, with reference figures.",
            points=t.number(s.points),
            documented=t.number(s.documented_points),
            max=s.max_points,
        ),
        fmt=t.number,
        claimed_label=t("Claimed"),
        documented_label=t("Documented"),
        band_label=t("Normal range"),
    )


def _disagreements(ctx: Ctx) -> tuple[list[DisagreementRow], list[DisagreementRow]]:
    """Respondents far apart on an indicator, and roles far apart."""
    t, q, result = ctx.t, ctx.q, ctx.result
    roles = {r.id: q.text(r.title, ctx.loc) for r in q.roles}
    dims = {d.id: q.text(d.title, ctx.loc) for d in q.dimensions}
    spread = [
        DisagreementRow(
            indicator=d.indicator,
            question=ctx.questions[d.indicator],
            detail=", ".join(f"{dims[dim]} {sp.low}–{sp.high}" for dim, sp in d.spread.items()),
        )
        for d in result.disagreements
    ]
    by_role = [
        DisagreementRow(
            indicator=g.indicator,
            question=ctx.questions[g.indicator],
            detail=t(
                "%(high)s %(high_pct)s %% – %(low)s %(low_pct)s %%",
                high=roles.get(g.high_role, g.high_role),
                high_pct=t.number(g.high_fraction * 100, 0),
                low=roles.get(g.low_role, g.low_role),
                low_pct=t.number(g.low_fraction * 100, 0),
            ),
        )
        for g in result.role_gaps
    ]
    return spread, by_role


def _focus(ctx: Ctx) -> list[FocusRow]:
    t = ctx.t
    titles = {a.number: ctx.q.text(a.title, ctx.loc) for a in ctx.q.areas}
    return [
        FocusRow(
            number=f.area,
            title=titles[f.area],
            points=t.number(f.points),
            benchmark=t.number(f.benchmark) if f.benchmark is not None else "–",
            potential=t.number(f.potential),
            gaps=[ctx.gap_row(g) for g in f.gaps],
        )
        for f in ctx.result.focus_areas
    ]


def _disagreement_summary(
    ctx: Ctx, spread: list[DisagreementRow], by_role: list[DisagreementRow]
) -> list[DisagreementGroup]:
    """The largest disagreements (levels apart or roles apart), grouped by area."""
    result = ctx.result
    sized: list[tuple[float, int, int, DisagreementRow]] = []
    for i, (d, row) in enumerate(zip(result.disagreements, spread, strict=True)):
        size = max((sp.high - sp.low) / 4 for sp in d.spread.values()) if d.spread else 0.0
        sized.append((size, d.area, i, row))
    for i, (g, row) in enumerate(zip(result.role_gaps, by_role, strict=True)):
        sized.append((g.high_fraction - g.low_fraction, g.area, len(spread) + i, row))
    top = sorted(sized, key=lambda x: (-x[0], x[2]))[:TOP_DISAGREEMENTS]
    titles = {a.number: f"{a.number}. {ctx.q.text(a.title, ctx.loc)}" for a in ctx.q.areas}
    groups: list[DisagreementGroup] = []
    for number in ctx.area_numbers:
        rows = [row for _, area, _, row in sorted(top, key=lambda x: x[2]) if area == number]
        if rows:
            groups.append(DisagreementGroup(title=titles[number], rows=rows))
    return groups


def _briefs(ctx: Ctx) -> tuple[list[AreaBrief], list[AreaBrief]]:
    """The three strongest and three weakest areas, by share of the points they were scored on."""
    known = [a for a in ctx.result.score.areas if a.known_max_points > 0]
    titles = {a.number: ctx.q.text(a.title, ctx.loc) for a in ctx.q.areas}
    ordered = sorted(known, key=lambda a: (-a.points / a.known_max_points, a.number))

    def brief(a: AreaResult) -> AreaBrief:
        return AreaBrief(
            number=a.number,
            title=titles[a.number],
            points=ctx.t.number(a.points),
            max_points=a.max_points,
        )

    return [brief(a) for a in ordered[:STRONGEST]], [
        brief(a) for a in reversed(ordered[-STRONGEST:])
    ]


def build(
    q: Questionnaire,
    result: Assessment,
    answers: AnswerSet,
    evidence: list[EvidenceRecord],
    t: Translator,
    *,
    municipality: str,
    round_name: str,
    today: dt.date | None = None,
    plan: list[AreaView] | None = None,
    plan_note: str = "",
    summaries: dict[str, SummaryRow] | None = None,
) -> ReportModel:
    """Localize an assessment for the results page and the PDF, one named step per part.

    ``plan`` is the round's development plan as grouped by ``domain.plan.view``; without one,
    Kompass's suggestion is shown.
    """
    ctx = Ctx(q, result, t)
    ctx.summaries = summaries or {}
    if plan is None:
        plan = view(q, suggest(q, result), result.gaps, result.score)
    s = result.score
    today = today or dt.datetime.now(dt.UTC).date()
    figures, history = _figures(result, t)
    radar, bars = _area_charts(ctx)
    disagreements, role_gaps = _disagreements(ctx)
    strongest, weakest = _briefs(ctx)
    band_values = next((c.band for c in result.benchmarks if c.band), None)
    band = f"{t.number(band_values[0], 0)}–{t.number(band_values[1], 0)}" if band_values else ""
    return ReportModel(
        locale=ctx.loc,
        municipality=municipality,
        round_name=round_name,
        questionnaire=q.text(q.title, ctx.loc),
        generated=t.date(today),
        total=t.number(s.points),
        documented=t.number(s.documented_points),
        max_points=s.max_points,
        coverage=t(
            "%(known)s of %(total)s indicators answered by %(respondents)s respondents",
            known=s.coverage.indicators_known,
            total=s.coverage.indicators,
            respondents=s.coverage.respondents,
        ),
        coverage_known=s.coverage.indicators_known,
        coverage_total=s.coverage.indicators,
        estimate="" if s.estimate is None else t.number(s.estimate),
        coverage_share=t.number(s.coverage.share * 100, 0),
        enough=s.enough,
        unknown_subquestions=[sq.id for sq in s.subquestions if sq.points is None],
        figures=figures,
        history=history,
        areas=_area_sections(ctx, answers),
        gaps=[ctx.gap_row(g) for g in result.gaps[:TOP_GAPS]],
        disagreements=disagreements,
        role_gaps=role_gaps,
        focus=_focus(ctx),
        evidence=_evidence_rows(evidence, t, today),
        gauge=_gauge(ctx),
        radar=radar,
        bars=bars,
        area_table=[
            (title, t.number(a.points), t.number(a.documented_points), str(a.max_points))
            for title, a in zip(ctx.area_titles, s.areas, strict=True)
        ],
        top_gains=[ctx.gap_row(g) for g in result.gaps[:TOP_GAINS]],
        all_gaps=[ctx.gap_row(g) for g in result.gaps[TOP_GAPS:]],
        strongest=strongest,
        weakest=weakest,
        disagreement_summary=_disagreement_summary(ctx, disagreements, role_gaps),
        disagreement_count=len(disagreements) + len(role_gaps),
        plan=plan_rows(ctx, plan),
        plan_note=plan_note
        or t("Suggested by Kompass from the largest gaps; the coordinator can edit it."),
        band=band,
    )
