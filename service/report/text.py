"""The assessment as plain text, for `kompass score --format text`."""

from __future__ import annotations

from service.domain.assessment import Assessment
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import Score
from service.i18n import Translator
from service.labels import POSITION, finding, reason

TOP_GAPS = 15


def _points(t: Translator, value: float | None) -> str:
    return t.number(value) if value is not None else t("unknown")


def _estimate_line(s: Score, t: Translator) -> str:
    share = t.number(s.coverage.share * 100, 0)
    if not s.enough:
        return (
            t("Not enough answers yet")
            + " – "
            + t(
                "only %(share)s %% of the points have answers so far; the figures will move as "
                "more answers come in.",
                share=share,
            )
        )
    return t(
        "Estimate for all areas: %(points)s points, with %(share)s %% of the points answered.",
        points=t.number(s.estimate or 0.0),
        share=share,
    )


def render_text(q: Questionnaire, result: Assessment, t: Translator) -> str:
    """Total, areas and sub-questions (claimed and documented), coverage, findings, gaps."""
    s = result.score
    loc = t.locale
    lines: list[str] = [
        q.text(q.title, loc),
        t(
            "Total: %(points)s of %(max)s points (documented: %(documented)s)",
            points=t.number(s.points),
            max=s.max_points,
            documented=t.number(s.documented_points),
        ),
        t(
            "Coverage: %(known)s of %(total)s indicators answered by %(respondents)s respondents",
            known=s.coverage.indicators_known,
            total=s.coverage.indicators,
            respondents=s.coverage.respondents,
        ),
        _estimate_line(s, t),
        "",
    ]
    for comparison in result.benchmarks:
        label = comparison.label.get(loc) or comparison.label.get("en", comparison.id)
        if comparison.band:
            lines.append(
                f"  {label}: {t.number(comparison.band[0], 0)}–{t.number(comparison.band[1], 0)}"
                f" ({t(POSITION[comparison.position])})"
            )
        elif comparison.total:
            lines.append(
                f"  {label}: {t.number(comparison.total.other)}"
                f" ({t.signed(comparison.total.delta)})"
            )
    subquestions = {sq.id: sq for sq in s.subquestions}
    documented = t("documented")
    for area, result_area in zip(q.areas, s.areas, strict=True):
        lines += [
            "",
            f"{area.number}. {q.text(area.title, loc)}: {t.number(result_area.points)} / "
            f"{result_area.max_points} ({documented}: "
            f"{t.number(result_area.documented_points)}) – {finding(t, result_area.finding)}",
        ]
        for sq in area.subquestions:
            r = subquestions[sq.id]
            lines.append(
                f"  {sq.id} {q.text(sq.title, loc)}  {_points(t, r.points)} / "
                f"{t.number(sq.max_points)}  ({_points(t, r.documented_points)})"
                f"  {finding(t, r.finding)}"
            )
    if result.disagreements:
        lines += ["", t("Disagreements (two levels or more apart):")]
        for d in result.disagreements:
            dims = ", ".join(
                f"{dim.value} {spread.low}–{spread.high}" for dim, spread in d.spread.items()
            )
            lines.append(f"  {d.indicator}: {dims}")
    if result.role_gaps:
        lines += ["", t("Role gaps:")]
        roles = {r.id: q.text(r.title, loc) for r in q.roles}
        for g in result.role_gaps:
            lines.append(
                f"  {g.indicator}: {roles[g.high_role]} {t.number(g.high_fraction * 100, 0)} % > "
                f"{roles[g.low_role]} {t.number(g.low_fraction * 100, 0)} %"
            )
    lines += ["", t("Gaps ranked by the points the next step would gain:")]
    full = t("full potential")
    for gap in result.gaps[:TOP_GAPS]:
        lines.append(
            f"  {gap.rank:>3}. {gap.indicator}  +{t.number(gap.next_step_gain)}"
            f"  ({full} {t.number(gap.full_gain)})  {reason(t, gap.reason)}"
        )
    lines += ["", t("Suggested focus areas for a development strategy:")]
    titles = {a.number: q.text(a.title, loc) for a in q.areas}
    for focus in result.focus_areas:
        lines.append(f"  {focus.area}. {titles[focus.area]}: {t.number(focus.points)}")
    return "\n".join(lines) + "\n"
