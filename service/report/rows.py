"""The rows of the report model: what the results page and the PDF render, localized."""

from __future__ import annotations

import msgspec


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
    # What respondents described, summarised by the assistant (the comments kept beside it).
    summary: str = ""
    # Who wrote the summary when a language model did ("… from 4 comments"); empty when it is
    # the offline extractive one, which quotes the comments itself.
    summary_note: str = ""
    # The comments a language model's summary was written from, shown beside it on the page.
    summary_sources: list[CommentRow] = msgspec.field(default_factory=list)


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


def comment_order(row: CommentRow) -> tuple[list[int], str, str]:
    """Comments in indicator order (1.2.10 after 1.2.9), then by role and text."""
    return [int(p) for p in row.indicator.split(".") if p.isdigit()], row.role, row.text


class SummaryRow(msgspec.Struct, kw_only=True):
    """A sub-question's summary as shown: its text, who wrote it, and its source comments."""

    text: str
    note: str = ""
    sources: list[CommentRow] = msgspec.field(default_factory=list)


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


class PlanMeasureRow(msgspec.Struct, kw_only=True):
    """A measure of the development plan as a council reads it."""

    id: str
    text: str
    indicators: str
    step: str  # the concrete next step, from the level descriptors
    gain: str
    owner: str
    deadline: str
    status: str
    status_key: str
    delta: str  # change of its indicators' points since the plan's round; "" when not carried


class PlanGroupRow(msgspec.Struct, kw_only=True):
    """The measures of one sub-question, headed by the gain of the whole group."""

    subquestion: str
    title: str
    heading: str  # "1.4 Innbyggerdialog: 3 tiltak, +6,4 poeng"
    measures: list[PlanMeasureRow]


class PlanAreaRow(msgspec.Struct, kw_only=True):
    """A focus area of the development plan."""

    number: int
    title: str
    summary: str
    groups: list[PlanGroupRow]


class DisagreementGroup(msgspec.Struct, kw_only=True):
    """The largest disagreements of one area."""

    title: str
    rows: list[DisagreementRow]


class AreaBrief(msgspec.Struct, kw_only=True):
    """An area in one line of the council summary."""

    number: int
    title: str
    points: str
    max_points: int


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
    top_gains: list[GapRow]
    all_gaps: list[GapRow]
    strongest: list[AreaBrief]
    weakest: list[AreaBrief]
    disagreement_summary: list[DisagreementGroup]
    disagreement_count: int
    plan: list[PlanAreaRow]
    plan_note: str
    band: str  # the normal range of the total, "" when none is published
    # Coverage beside the total (issue 13): the estimate over all areas, the share of the
    # points that have answers, and whether that is enough to show the figures as a result.
    estimate: str = ""
    coverage_share: str = ""
    enough: bool = True
