"""Consistency checks on a card before it is saved: ask once, kindly; never block.

The comment is read with the same rules as free-text interpretation; a level that differs
from what the comment describes by two steps or more, a planned text with levels given,
strong results in a single unit, and high levels with nothing attached are worth a
question. Planned answers get a reminder that they earn no points yet.
"""

from __future__ import annotations

import msgspec

from service.domain.answers import Status
from service.domain.assistant import FindingKind, Note
from service.domain.assistant.interpret import RuleResult, interpret_rules
from service.domain.messages import N_
from service.domain.questionnaire import Dimension

# Levels from which an answer claims an adopted, working practice that documents should show.
HIGH_LEVEL = 3
# Results analysed at least "to some extent": worth asking about when scope is one unit.
ANALYSED = 2
# How far the chosen level may sit from what the comment describes before we ask.
GAP = 2
# The comment must be this clear about a dimension before we contradict the respondent.
CLEAR = 0.6


class RawFinding(msgspec.Struct, frozen=True):
    """A finding before translation."""

    kind: FindingKind
    dimension: Dimension | None
    note: Note


def _against_comment(
    reading: RuleResult, dimensions: list[Dimension], levels: dict[Dimension, int | None]
) -> list[RawFinding]:
    """Levels two or more steps from what a clear comment describes, either way."""
    findings: list[RawFinding] = []
    for dim in dimensions:
        chosen = levels.get(dim)
        proposal = reading.proposals.get(dim)
        if chosen is None or proposal is None or proposal.level is None:
            continue
        if proposal.confidence < CLEAR:
            continue
        params = {
            "chosen": str(chosen),
            "described": str(proposal.level),
            "dimension": dim.value,
        }
        if chosen - proposal.level >= GAP:
            findings.append(
                RawFinding(
                    FindingKind.COMMENT_LOWER,
                    dim,
                    Note(
                        message=N_(
                            "You chose level %(chosen)s, but your comment describes something closer to level %(described)s. Is the level right?"
                        ),
                        params=params,
                    ),
                )
            )
        elif proposal.level - chosen >= GAP:
            findings.append(
                RawFinding(
                    FindingKind.COMMENT_HIGHER,
                    dim,
                    Note(
                        message=N_(
                            "Your comment describes more than level %(chosen)s – perhaps level %(described)s. Do you want to raise it?"
                        ),
                        params=params,
                    ),
                )
            )
    return findings


def check_card(
    dimensions: list[Dimension],
    lang: str,
    status: Status,
    levels: dict[Dimension, int | None],
    comment: str,
    evidence_count: int,
) -> list[RawFinding]:
    """Every finding for one card, at most one per kind and dimension."""
    findings: list[RawFinding] = []
    if status is Status.PLANNED:
        findings.append(
            RawFinding(
                FindingKind.PLANNED_NO_POINTS,
                None,
                Note(
                    message=N_(
                        "Good to know it is planned. Planned measures earn no points until they are in use; the answer counts as level 0 for now."
                    )
                ),
            )
        )
        return findings
    if status is not Status.ANSWERED:
        return findings
    reading = interpret_rules(comment, lang, dimensions) if comment.strip() else None
    if reading is not None and reading.status is Status.PLANNED:
        if any((levels.get(d) or 0) >= GAP for d in dimensions):
            findings.append(
                RawFinding(
                    FindingKind.PLANNED_BUT_LEVELS,
                    None,
                    Note(
                        message=N_(
                            "Your comment sounds as if this is planned or not started yet, but the levels say it is in place. Would “planned, not started” fit better?"
                        )
                    ),
                )
            )
    elif reading is not None and reading.status is Status.ANSWERED:
        findings.extend(_against_comment(reading, dimensions, levels))
    scope = levels.get(Dimension.SCOPE)
    results = levels.get(Dimension.RESULTS)
    if reading is not None and reading.status is Status.ANSWERED:
        # "Analysed every quarter" in the comment counts as much as a chosen results level.
        described = reading.proposals.get(Dimension.RESULTS)
        if described is not None and described.level is not None and described.confidence >= CLEAR:
            results = max(results or 0, described.level)
    analysed = results is not None and results >= ANALYSED
    if scope is not None and scope <= 1 and analysed:
        findings.append(
            RawFinding(
                FindingKind.SCOPE_CONFLICT,
                Dimension.SCOPE,
                Note(
                    message=N_(
                        "Results are analysed and reported, but the scope is one unit or less. Is the practice really limited to one unit, or are the results from more of the municipality?"
                    )
                ),
            )
        )
    system = levels.get(Dimension.SYSTEM)
    if system is not None and system >= HIGH_LEVEL and evidence_count == 0:
        findings.append(
            RawFinding(
                FindingKind.NO_EVIDENCE,
                Dimension.SYSTEM,
                Note(
                    message=N_(
                        "A high level is most convincing with a document behind it. Could you attach one, such as the adopted plan or the minutes of the decision?"
                    )
                ),
            )
        )
    return findings
