"""What the results page and the gap-analysis PDF show, computed once from the assessment.

Both templates render this model, and the charts in it are SVG strings drawn once, so the
page, the PDF and the API can never disagree: every number here is taken from
:class:`~service.domain.assessment.Assessment`, never recomputed.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.answers import AnswerSet
from service.domain.assessment import Assessment
from service.domain.benchmarks import FigureKind
from service.domain.findings import Finding
from service.domain.gaps import Gap
from service.domain.questionnaire import Questionnaire
from service.i18n import Translator
from service.labels import POSITION, finding, reason
from service.report import charts
from service.storage.evidence import EvidenceRecord

TOP_GAPS = 20
GAPS_PER_AREA = 5


class Figure(msgspec.Struct, kw_only=True):
    """A reference figure or earlier round as shown next to the total."""

    label: str
    value: str
    delta: str
    position: str
    source: str
    note: str


class SubquestionRow(msgspec.Struct, kw_only=True):
    """A sub-question as the formal reports list it: SUM / Maks."""

    id: str
    title: str
    points: str
    documented: str
    max_points: str
    finding: str
    finding_key: str
    coverage: str


class FindingItem(msgspec.Struct, kw_only=True):
    """An indicator under strengths, challenges or weaknesses."""

    indicator: str
    text: str


class GapRow(msgspec.Struct, kw_only=True):
    """A gap with the points its next step would gain."""

    rank: int
    indicator: str
    area: int
    question: str
    gain: str
    full: str
    documentation: str
    reason: str


class CommentRow(msgspec.Struct, kw_only=True):
    """A respondent's comment, labelled by role only."""

    indicator: str
    role: str
    text: str


class AreaSection(msgspec.Struct, kw_only=True):
    """Everything about one focus area."""

    number: int
    title: str
    intro: str
    points: str
    documented: str
    max_points: int
    benchmark: str
    finding: str
    finding_key: str
    known: bool
    subquestions: list[SubquestionRow]
    findings: dict[str, list[FindingItem]]
    gaps: list[GapRow]
    comments: list[CommentRow]
    chart: str
    # Coverage beside the area (issue 13): share of its points answered, and whether enough.
    coverage_share: str = ""
    enough: bool = True


class DisagreementRow(msgspec.Struct, kw_only=True):
    """Respondents far apart on an indicator."""

    indicator: str
    question: str
    detail: str


class FocusRow(msgspec.Struct, kw_only=True):
    """A focus area suggested for the development strategy."""

    number: int
    title: str
    points: str
    benchmark: str
    potential: str
    gaps: list[GapRow]


class EvidenceRow(msgspec.Struct, kw_only=True):
    """Evidence listed per indicator in the appendix."""

    indicator: str
    title: str
    kind: str
    effective: str
    state: str
    stale: bool


class ReportModel(msgspec.Struct, kw_only=True):
    """The results of one round, localized and ready to render."""

    locale: str
    municipality: str
    round_name: str
    questionnaire: str
    generated: str
    total: str
    documented: str
    max_points: int
    coverage: str
    coverage_known: int
    coverage_total: int
    unknown_subquestions: list[str]
    figures: list[Figure]
    history: list[Figure]
    areas: list[AreaSection]
    gaps: list[GapRow]
    disagreements: list[DisagreementRow]
    role_gaps: list[DisagreementRow]
    focus: list[FocusRow]
    evidence: list[EvidenceRow]
    gauge: str
    radar: str
    bars: str
    area_table: list[tuple[str, str, str, str]]
    # Coverage beside the total (issue 13): the estimate over all areas, the share of the
    # points that have answers, and whether that is enough to show the figures as a result.
    estimate: str = ""
    coverage_share: str = ""
    enough: bool = True


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
        rows.sort(key=lambda r: ([int(p) for p in r.indicator.split(".")], r.role, r.text))
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
) -> ReportModel:
    """Localize an assessment for the results page and the PDF."""
    loc = t.locale
    s = result.score
    today = today or dt.datetime.now(dt.UTC).date()
    questions = {ind.id: q.text(ind.question, loc) for _, _, ind in q.indicators()}

    def num(value: float | None) -> str:
        return t("unknown") if value is None else t.number(value)

    def gap_row(g: Gap) -> GapRow:
        return GapRow(
            rank=g.rank,
            indicator=g.indicator,
            area=g.area,
            question=questions[g.indicator],
            gain=t.number(g.next_step_gain),
            full=t.number(g.full_gain),
            documentation=t.number(g.documentation_gain),
            reason=reason(t, g.reason),
        )

    figures, history = _figures(result, t)

    benchmarks = result.area_benchmarks
    comments = _comments(q, answers, t)
    sq_results = {r.id: r for r in s.subquestions}
    ind_results = {r.id: r for r in s.indicators}
    areas: list[AreaSection] = []
    for area, res in zip(q.areas, s.areas, strict=True):
        rows = []
        for sq in area.subquestions:
            r = sq_results[sq.id]
            rows.append(
                SubquestionRow(
                    id=sq.id,
                    title=q.text(sq.title, loc),
                    points=num(r.points),
                    documented=num(r.documented_points),
                    max_points=t.number(sq.max_points),
                    finding=finding(t, r.finding),
                    finding_key=r.finding.value if r.finding else "unknown",
                    coverage=t(
                        "%(known)s of %(total)s", known=r.indicators_known, total=r.indicators
                    ),
                )
            )
        grouped: dict[str, list[FindingItem]] = {f.value: [] for f in Finding}
        for sq in area.subquestions:
            for ind in sq.indicators:
                ir = ind_results[ind.id]
                if ir.finding is not None:
                    grouped[ir.finding.value].append(
                        FindingItem(indicator=ind.id, text=questions[ind.id])
                    )
        bench = benchmarks.get(area.number)
        chart = charts.bar_chart(
            [
                charts.BarRow(
                    label=f"{sq.id} {q.text(sq.title, loc)}",
                    claimed=sq_results[sq.id].points,
                    documented=sq_results[sq.id].documented_points,
                    benchmark=None,
                )
                for sq in area.subquestions
            ],
            title=t("Points per sub-question, area %(n)s", n=area.number),
            description=t(
                "Claimed and documented points of each sub-question in %(area)s.",
                area=q.text(area.title, loc),
            ),
            max_value=float(max(sq.max_points for sq in area.subquestions)),
            fmt=t.number,
            claimed_label=t("Claimed"),
            documented_label=t("Documented"),
            benchmark_label=t("Benchmark"),
        )
        areas.append(
            AreaSection(
                number=area.number,
                title=q.text(area.title, loc),
                intro=q.text(area.intro, loc),
                points=t.number(res.points),
                documented=t.number(res.documented_points),
                max_points=res.max_points,
                benchmark=t.number(bench) if bench is not None else "–",
                finding=finding(t, res.finding),
                finding_key=res.finding.value if res.finding else "unknown",
                known=res.subquestions_known > 0,
                coverage_share=t.number(res.coverage * 100, 0),
                enough=res.enough,
                subquestions=rows,
                findings=grouped,
                gaps=[gap_row(g) for g in result.gaps if g.area == area.number][:GAPS_PER_AREA],
                comments=comments.get(str(area.number), []),
                chart=chart,
            )
        )

    area_titles = [f"{a.number} {q.text(a.title, loc)}" for a in q.areas]
    series = [
        charts.Series(label=t("Claimed"), values=[a.points for a in s.areas], kind="claimed"),
        charts.Series(
            label=t("Documented"), values=[a.documented_points for a in s.areas], kind="documented"
        ),
    ]
    for c in result.history:
        series.append(
            charts.Series(
                label=c.label.get(loc) or c.id,
                values=[
                    c.areas[n].other if n in c.areas else None for n in range(1, len(q.areas) + 1)
                ],
                kind="earlier",
            )
        )
    for c in result.benchmarks:
        if c.areas:
            label = c.label.get(loc) or c.id
            series.append(
                charts.Series(
                    label=label,
                    values=[
                        c.areas[n].other if n in c.areas else None
                        for n in range(1, len(q.areas) + 1)
                    ],
                    kind="reference",
                )
            )
    # A radar needs three axes; a questionnaire with fewer areas shows the bars and table only.
    radar = ""
    if len(q.areas) >= MIN_RADAR_AXES:
        radar = charts.radar_chart(
            area_titles,
            series,
            title=t("Points per focus area"),
            description=t(
                "Radar chart of the eight focus areas, 0–100 points each; the same figures are in the table below."
            ),
            fmt=t.number,
        )
    bars = charts.bar_chart(
        [
            charts.BarRow(
                label=title,
                claimed=a.points,
                documented=a.documented_points,
                benchmark=benchmarks.get(a.number),
            )
            for title, a in zip(area_titles, s.areas, strict=True)
        ],
        title=t("Claimed and documented points per focus area"),
        description=t(
            "Bars per focus area, 0–100 points; the same figures are in the table below."
        ),
        fmt=t.number,
        claimed_label=t("Claimed"),
        documented_label=t("Documented"),
        benchmark_label=t("Benchmark"),
    )
    band = next((c.band for c in result.benchmarks if c.band), None)
    markers = [
        (c.label.get(loc) or c.id, c.total.other)
        for c in result.benchmarks
        if c.total is not None and c.kind is FigureKind.AVERAGE
    ] + [(c.label.get(loc) or c.id, c.total.other) for c in result.history if c.total is not None]
    gauge = charts.gauge_chart(
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
    roles = {r.id: q.text(r.title, loc) for r in q.roles}
    dims = {d.id: q.text(d.title, loc) for d in q.dimensions}
    evidence_rows = _evidence_rows(evidence, t, today)
    return ReportModel(
        locale=loc,
        municipality=municipality,
        round_name=round_name,
        questionnaire=q.text(q.title, loc),
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
        areas=areas,
        gaps=[gap_row(g) for g in result.gaps[:TOP_GAPS]],
        disagreements=[
            DisagreementRow(
                indicator=d.indicator,
                question=questions[d.indicator],
                detail=", ".join(f"{dims[dim]} {sp.low}–{sp.high}" for dim, sp in d.spread.items()),
            )
            for d in result.disagreements
        ],
        role_gaps=[
            DisagreementRow(
                indicator=g.indicator,
                question=questions[g.indicator],
                detail=t(
                    "%(high)s %(high_pct)s %% – %(low)s %(low_pct)s %%",
                    high=roles.get(g.high_role, g.high_role),
                    high_pct=t.number(g.high_fraction * 100, 0),
                    low=roles.get(g.low_role, g.low_role),
                    low_pct=t.number(g.low_fraction * 100, 0),
                ),
            )
            for g in result.role_gaps
        ],
        focus=[
            FocusRow(
                number=f.area,
                title=q.text(q.areas[f.area - 1].title, loc),
                points=t.number(f.points),
                benchmark=t.number(f.benchmark) if f.benchmark is not None else "–",
                potential=t.number(f.potential),
                gaps=[gap_row(g) for g in f.gaps],
            )
            for f in result.focus_areas
        ],
        evidence=evidence_rows,
        gauge=gauge,
        radar=radar,
        bars=bars,
        area_table=[
            (title, t.number(a.points), t.number(a.documented_points), str(a.max_points))
            for title, a in zip(area_titles, s.areas, strict=True)
        ],
    )
