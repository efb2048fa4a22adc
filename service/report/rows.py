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
