"""One assessment round as tables, for download as CSV files or one XLSX workbook.

:func:`build_tables` turns a round into six tables, from the roll-up down to the raw material:

* ``areas``, ``subquestions`` and ``indicators``: the scores exactly as the assessment
  computed them (nothing is recomputed here; an indicator's points are its max × fraction,
  rounded like every other score);
* ``answers``: one row per respondent and answered indicator, with the levels as given;
* ``comments``: the respondents' non-empty comments, grouped by indicator;
* ``evidence``: every uploaded file or link with its date, upload time and review state.

Respondents are anonymised by default: each is shown as their role and a number counted
per role in the order of the answer set ("Enhetsleder 2"). A coordinator may choose to show
names (or e-mail addresses where no name was given) instead.

Headers and values are localized through the :class:`~service.i18n.Translator`; texts of the
questionnaire (titles, questions, roles, dimensions) come in the translator's locale.
Numbers stay numbers: points are floats with one decimal, counts and levels as given.

The files themselves (CSV in the reader's locale, XLSX) are written by
:mod:`service.report.spreadsheets`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from service.domain.answers import AnswerSet, EvidenceState, Status
from service.domain.assessment import Assessment
from service.domain.evidence import EvidenceRecord
from service.domain.questionnaire import Area, Dimension, Indicator, Questionnaire, Subquestion
from service.domain.scoring import IndicatorResult, from_tenths, to_tenths
from service.i18n import Translator
from service.labels import finding
from service.report.spreadsheets import Cell, Table, to_csv, to_xlsx

__all__ = ["Cell", "RespondentInfo", "Table", "build_tables", "to_csv", "to_xlsx"]


class RespondentInfo(msgspec.Struct):
    """Who a respondent of the answer set is; only shown when not anonymised."""

    id: str  # the id used in the AnswerSet, e.g. "r12"
    role: str
    name: str = ""
    email: str = ""


def _points(value: float | None) -> float | None:
    """Points with one decimal, rounded half up like the scores themselves."""
    return None if value is None else from_tenths(to_tenths(value))


class _Context:
    """Lookups shared by the tables: texts in one locale, respondent labels."""

    def __init__(
        self,
        q: Questionnaire,
        answers: AnswerSet,
        respondents: Sequence[RespondentInfo],
        t: Translator,
        anonymise: bool,
    ) -> None:
        self.q = q
        self.t = t
        self.locale = t.locale
        self.role_titles = {r.id: q.text(r.title, self.locale) for r in q.roles}
        self.dimensions = [d.id for d in q.dimensions]
        self.dimension_titles = {d.id: q.text(d.title, self.locale) for d in q.dimensions}
        self.places: dict[str, tuple[Area, Subquestion, Indicator]] = {
            ind.id: (area, sq, ind) for area, sq, ind in q.indicators()
        }
        self.order = {ind_id: n for n, ind_id in enumerate(self.places)}
        self.labels = self._labels(answers, respondents, anonymise)

    def role_title(self, role: str) -> str:
        return self.role_titles.get(role, role)

    def indicator_order(self, indicator_id: str) -> int:
        """Position in the questionnaire; unknown indicators come last."""
        return self.order.get(indicator_id, len(self.order))

    def _labels(
        self, answers: AnswerSet, respondents: Sequence[RespondentInfo], anonymise: bool
    ) -> dict[str, str]:
        info = {r.id: r for r in respondents}
        # Respondents of the answer set first, in its order; then any others we were told of
        # (they may have uploaded evidence without answering).
        people = [(r.id, r.role) for r in answers.respondents]
        known = {rid for rid, _ in people}
        people += [(r.id, r.role) for r in respondents if r.id not in known]
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for rid, role in people:
            counts[role] = counts.get(role, 0) + 1
            label = f"{self.role_title(role)} {counts[role]}"
            person = info.get(rid)
            if not anonymise and person is not None:
                label = person.name.strip() or person.email.strip() or label
            labels[rid] = label
        return labels


def _areas(ctx: _Context, result: Assessment) -> Table:
    t = ctx.t
    by_number = {a.number: a for a in result.score.areas}
    rows: list[list[Cell]] = []
    for area in ctx.q.areas:
        r = by_number.get(area.number)
        if r is None:
            continue
        rows.append(
            [
                area.number,
                ctx.q.text(area.title, ctx.locale),
                _points(r.points),
                _points(r.documented_points),
                float(r.max_points),
                finding(t, r.finding),
                r.subquestions_known,
                r.subquestions,
            ]
        )
    return Table(
        name="areas",
        title=t("Focus areas"),
        headers=[
            t("Focus area"),
            t("Title"),
            t("Claimed points"),
            t("Documented points"),
            t("Max points"),
            t("Finding"),
            t("Sub-questions answered"),
            t("Sub-questions"),
        ],
        rows=rows,
    )


def _subquestions(ctx: _Context, result: Assessment) -> Table:
    t = ctx.t
    titles = {sq.id: ctx.q.text(sq.title, ctx.locale) for _, sq in ctx.q.subquestions()}
    rows: list[list[Cell]] = [
        [
            r.id,
            r.area,
            titles.get(r.id, ""),
            _points(r.points),
            _points(r.documented_points),
            float(r.max_points),
            finding(t, r.finding),
            r.indicators_known,
            r.indicators,
        ]
        for r in result.score.subquestions
    ]
    return Table(
        name="subquestions",
        title=t("Sub-questions"),
        headers=[
            t("Sub-question"),
            t("Focus area"),
            t("Title"),
            t("Claimed points"),
            t("Documented points"),
            t("Max points"),
            t("Finding"),
            t("Indicators answered"),
            t("Indicators"),
        ],
        rows=rows,
    )


def _median_levels(ctx: _Context, r: IndicatorResult) -> list[Cell]:
    """Median level per dimension; empty where it does not apply or nobody knew."""
    cells: list[Cell] = []
    for dim in ctx.dimensions:
        known = r.respondents > 0 and dim in r.levels and dim not in r.unknown_dimensions
        cells.append(float(r.levels[dim]) if known else None)
    return cells


def _indicators(ctx: _Context, result: Assessment) -> Table:
    t = ctx.t
    rows: list[list[Cell]] = []
    for r in result.score.indicators:
        place = ctx.places.get(r.id)
        question = ctx.q.text(place[2].question, ctx.locale) if place else ""
        role_gap = (
            f"{ctx.role_title(r.role_gap.high_role)} > {ctx.role_title(r.role_gap.low_role)}"
            if r.role_gap
            else None
        )
        disagreement = ", ".join(ctx.dimension_titles.get(d, d.value) for d in r.disagreements)
        rows.append(
            [
                r.id,
                r.subquestion,
                question,
                r.respondents,
                r.dont_know,
                r.planned,
                *_median_levels(ctx, r),
                _points(r.points),
                _points(r.documented_points),
                _points(r.max_points),
                t("Yes") if r.documented else t("No"),
                finding(t, r.finding),
                disagreement or None,
                role_gap,
            ]
        )
    return Table(
        name="indicators",
        title=t("Indicators"),
        headers=[
            t("Indicator"),
            t("Sub-question"),
            t("Question"),
            t("Respondents"),
            t("Don't know"),
            t("Planned"),
            *(ctx.dimension_titles[d] for d in ctx.dimensions),
            t("Claimed points"),
            t("Documented points"),
            t("Max points"),
            t("Documented"),
            t("Finding"),
            t("Disagreement"),
            t("Role gap"),
        ],
        rows=rows,
    )


def _status(t: Translator, status: Status) -> str:
    if status is Status.PLANNED:
        return t("Planned, not started")
    if status is Status.DONT_KNOW:
        return t("Don't know")
    return t("Answered")


def _answers(ctx: _Context, answers: AnswerSet) -> Table:
    t = ctx.t
    rows: list[list[Cell]] = []
    for respondent in answers.respondents:
        ordered = sorted(respondent.answers, key=lambda a: ctx.indicator_order(a.indicator))
        for answer in ordered:
            place = ctx.places.get(answer.indicator)
            applicable: Iterable[Dimension] = place[2].dimensions if place else answer.levels
            rows.append(
                [
                    ctx.labels[respondent.id],
                    ctx.role_title(respondent.role),
                    answer.indicator,
                    _status(t, answer.status),
                    *(answer.levels.get(d) if d in applicable else None for d in ctx.dimensions),
                    answer.comment.strip() or None,
                ]
            )
    return Table(
        name="answers",
        title=t("Answers"),
        headers=[
            t("Respondent"),
            t("Role"),
            t("Indicator"),
            t("Status"),
            *(ctx.dimension_titles[d] for d in ctx.dimensions),
            t("Comment"),
        ],
        rows=rows,
    )


def _comments(ctx: _Context, answers: AnswerSet) -> Table:
    t = ctx.t
    found: list[tuple[int, int, list[Cell]]] = []
    for n, respondent in enumerate(answers.respondents):
        for answer in respondent.answers:
            comment = answer.comment.strip()
            if not comment:
                continue
            place = ctx.places.get(answer.indicator)
            found.append(
                (
                    ctx.indicator_order(answer.indicator),
                    n,
                    [
                        ctx.labels[respondent.id],
                        ctx.role_title(respondent.role),
                        place[0].number if place else None,
                        answer.indicator,
                        comment,
                    ],
                )
            )
    found.sort(key=lambda item: (item[0], item[1]))
    return Table(
        name="comments",
        title=t("Comments"),
        headers=[t("Respondent"), t("Role"), t("Focus area"), t("Indicator"), t("Comment")],
        rows=[row for _, _, row in found],
    )


def _review_state(t: Translator, state: EvidenceState) -> str:
    if state is EvidenceState.ACCEPTED:
        return t("accepted")
    if state is EvidenceState.REJECTED:
        return t("rejected")
    if state is EvidenceState.SUBMITTED:
        return t("awaiting review")
    return "–"


def _evidence(ctx: _Context, evidence: Sequence[EvidenceRecord]) -> Table:
    t = ctx.t
    rows: list[list[Cell]] = []
    for e in sorted(evidence, key=lambda e: (ctx.indicator_order(e.indicator_id), e.id)):
        is_link = e.kind == "link"
        rows.append(
            [
                e.id,
                e.indicator_id,
                e.title,
                t("Link") if is_link else t("File"),
                (e.url or "") if is_link else e.filename,
                e.effective_date or None,
                e.uploaded_at,
                _review_state(t, e.state),
                e.review_comment.strip() or None,
                ctx.labels.get(f"r{e.respondent_id}"),
            ]
        )
    return Table(
        name="evidence",
        title=t("Evidence"),
        headers=[
            t("ID"),
            t("Indicator"),
            t("Title"),
            t("Kind"),
            t("File name or web address"),
            t("Dated"),
            t("Uploaded"),
            t("Review"),
            t("Review comment"),
            t("Respondent"),
        ],
        rows=rows,
    )


def build_tables(
    q: Questionnaire,
    answers: AnswerSet,
    result: Assessment,
    evidence: list[EvidenceRecord],
    respondents: list[RespondentInfo],
    t: Translator,
    *,
    anonymise: bool = True,
) -> list[Table]:
    """The round as tables: areas, sub-questions, indicators, answers, comments, evidence.

    Scores are taken from ``result`` as they are; ``respondents`` supplies names and e-mail
    addresses, which appear only when ``anonymise`` is false.
    """
    ctx = _Context(q, answers, respondents, t, anonymise)
    return [
        _areas(ctx, result),
        _subquestions(ctx, result),
        _indicators(ctx, result),
        _answers(ctx, answers),
        _comments(ctx, answers),
        _evidence(ctx, evidence),
    ]
