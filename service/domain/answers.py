"""The answers model: what respondents said about each indicator, and the evidence behind it.

This is also the format of answers files (``docs/answers-format.md``;
``kompass answers schema`` prints its JSON Schema).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from service.domain.questionnaire import Dimension, IndicatorId, Questionnaire

Level = Annotated[int, msgspec.Meta(ge=0, le=9)]


class Status(StrEnum):
    """What kind of answer a respondent gave to an indicator as a whole."""

    ANSWERED = "answered"  # levels given per dimension (a dimension may still be "don't know")
    PLANNED = "planned"  # planned but not started: earns nothing yet
    DONT_KNOW = "dont_know"  # the respondent cannot say: counts as no answer


class EvidenceState(StrEnum):
    """Review state of a piece of evidence; only accepted evidence documents a practice."""

    NONE = "none"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class EvidenceRef(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A reference to an uploaded file or link, with its review state."""

    id: str
    state: EvidenceState = EvidenceState.SUBMITTED
    title: str = ""
    effective_date: str = ""  # ISO date the document was adopted or issued


class IndicatorAnswer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One respondent's current answer to one indicator.

    ``levels`` maps each applicable dimension to a level, or to ``null`` for
    "don't know" on that dimension; a dimension left out is also "don't know".
    """

    indicator: IndicatorId
    status: Status = Status.ANSWERED
    levels: dict[Dimension, Level | None] = msgspec.field(default_factory=dict)
    comment: str = ""
    evidence: list[EvidenceRef] = msgspec.field(default_factory=list)

    @property
    def documented(self) -> bool:
        """Whether any evidence attached to this answer has been accepted."""
        return any(e.state is EvidenceState.ACCEPTED for e in self.evidence)


class Respondent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A respondent (identified only by an opaque id) in a role, with their answers."""

    id: str
    role: str
    answers: list[IndicatorAnswer] = msgspec.field(default_factory=list)


class AnswerSet(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Every respondent's answers in one assessment round."""

    questionnaire: str
    respondents: list[Respondent] = msgspec.field(default_factory=list)
    # Evidence for an indicator that is not attached to any respondent's current answer to it
    # (uploaded, then never answered). Evidence documents the practice, whoever uploaded it.
    evidence: dict[IndicatorId, list[EvidenceRef]] = msgspec.field(default_factory=dict)


class AnswerProblem(msgspec.Struct, frozen=True):
    """An answer that breaks the questionnaire's rules, located by JSON path."""

    path: str
    message: str


def check_answers(q: Questionnaire, answers: AnswerSet) -> list[AnswerProblem]:
    """Every way ``answers`` does not fit ``q``: unknown ids, wrong roles, levels off the scale."""
    problems: list[AnswerProblem] = []
    if answers.questionnaire != q.id:
        problems.append(
            AnswerProblem(
                "$.questionnaire",
                f"answers are for '{answers.questionnaire}', not for '{q.id}'",
            )
        )
    roles = {r.id for r in q.roles}
    top = len(q.scale) - 1
    indicators = {ind.id: ind for _, _, ind in q.indicators()}
    seen_respondents: set[str] = set()
    for r, resp in enumerate(answers.respondents):
        rpath = f"$.respondents[{r}]"
        if resp.id in seen_respondents:
            problems.append(AnswerProblem(f"{rpath}.id", f"duplicate respondent '{resp.id}'"))
        seen_respondents.add(resp.id)
        if resp.role not in roles:
            problems.append(AnswerProblem(f"{rpath}.role", f"unknown role '{resp.role}'"))
        seen: set[str] = set()
        for a, ans in enumerate(resp.answers):
            apath = f"{rpath}.answers[{a}]"
            ind = indicators.get(ans.indicator)
            if ind is None:
                problems.append(
                    AnswerProblem(f"{apath}.indicator", f"unknown indicator '{ans.indicator}'")
                )
                continue
            if ans.indicator in seen:
                problems.append(
                    AnswerProblem(
                        f"{apath}.indicator", f"indicator '{ans.indicator}' answered twice"
                    )
                )
            seen.add(ans.indicator)
            if resp.role in roles and resp.role not in ind.roles:
                problems.append(
                    AnswerProblem(
                        f"{apath}.indicator",
                        f"indicator '{ans.indicator}' is not asked of role '{resp.role}'",
                    )
                )
            for dim, level in ans.levels.items():
                if dim not in ind.dimensions:
                    problems.append(
                        AnswerProblem(
                            f"{apath}.levels.{dim.value}",
                            f"dimension '{dim.value}' does not apply to '{ans.indicator}'",
                        )
                    )
                elif level is not None and level > top:
                    problems.append(
                        AnswerProblem(
                            f"{apath}.levels.{dim.value}",
                            f"level {level} is above the scale's top level {top}",
                        )
                    )
            if ans.status is not Status.ANSWERED and any(v for v in ans.levels.values()):
                problems.append(
                    AnswerProblem(
                        f"{apath}.levels", f"a '{ans.status.value}' answer cannot carry levels"
                    )
                )
    problems.extend(
        AnswerProblem(f"$.evidence.{ind_id}", f"unknown indicator '{ind_id}'")
        for ind_id in answers.evidence
        if ind_id not in indicators
    )
    return problems
