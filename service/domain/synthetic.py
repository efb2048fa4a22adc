"""Realistic synthetic answers: for the demo round, calibration and benchmarks.

A profile describes a municipality's actual practice (mean level per dimension); each
simulated respondent perceives it with some noise, leaders a little more favourably
than unit leaders and union representatives, as evaluations commonly observe.
"""

from __future__ import annotations

import random

import msgspec

from service.domain.answers import (
    AnswerSet,
    EvidenceRef,
    EvidenceState,
    IndicatorAnswer,
    Respondent,
    Status,
)
from service.domain.questionnaire import Dimension, Indicator, Questionnaire

LEADERSHIP = frozenset({"mayor", "chief_executive", "department_head", "staff_leader"})


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """How well a simulated municipality works, and how its staff answer."""

    name: str
    means: dict[Dimension, float]
    area_offsets: dict[int, float] = msgspec.field(default_factory=dict)
    spread: float = 0.8  # variation of practice between indicators
    noise: float = 0.6  # variation of perception between respondents
    leadership_bias: float = 0.3
    planned_share: float = 0.3  # of indicators without a system, answered "planned"
    dont_know_share: float = 0.05
    evidence_share: float = 0.5  # of documented-able practices with accepted evidence


# A municipality that works normally well with development (formal band 320–360). The means
# sit below what the Røros 2017 report describes (system ≈ 1.6 over the practices it names),
# because Røros scored 396, in the upper quartile; see docs/calibration.md.
NORMAL = Profile(
    name="normal",
    means={
        Dimension.SYSTEM: 1.3,
        Dimension.SCOPE: 1.4,
        Dimension.RESULTS: 0.9,
        Dimension.EVALUATION: 0.6,
    },
)

WEAK = Profile(
    name="weak",
    means={
        Dimension.SYSTEM: 0.7,
        Dimension.SCOPE: 0.8,
        Dimension.RESULTS: 0.4,
        Dimension.EVALUATION: 0.2,
    },
    planned_share=0.5,
    evidence_share=0.2,
)

STRONG = Profile(
    name="strong",
    means={
        Dimension.SYSTEM: 3.3,
        Dimension.SCOPE: 3.2,
        Dimension.RESULTS: 2.9,
        Dimension.EVALUATION: 2.6,
    },
    evidence_share=0.8,
)


def _clamp(value: float, top: int) -> int:
    return max(0, min(top, round(value)))


def _answer(
    rng: random.Random,
    q: Questionnaire,
    ind: Indicator,
    truth: dict[Dimension, float],
    role: str,
    profile: Profile,
    respondent_no: int,
) -> IndicatorAnswer:
    top = len(q.scale) - 1
    if rng.random() < profile.dont_know_share:
        return IndicatorAnswer(indicator=ind.id, status=Status.DONT_KNOW)
    bias = profile.leadership_bias if role in LEADERSHIP else -profile.leadership_bias / 2
    seen = {d: _clamp(truth[d] + bias + rng.gauss(0, profile.noise), top) for d in ind.dimensions}
    if seen[Dimension.SYSTEM] == 0:
        if rng.random() < profile.planned_share:
            return IndicatorAnswer(indicator=ind.id, status=Status.PLANNED)
        # The conversation skips the follow-ups when there is no system.
        return IndicatorAnswer(indicator=ind.id, levels={Dimension.SYSTEM: 0})
    evidence: list[EvidenceRef] = []
    if seen[Dimension.SYSTEM] >= 3 and rng.random() < profile.evidence_share:
        evidence.append(
            EvidenceRef(id=f"ev-{ind.id}-{respondent_no}", state=EvidenceState.ACCEPTED)
        )
    return IndicatorAnswer(indicator=ind.id, levels=dict(seen), evidence=evidence)


def synthetic_answers(
    q: Questionnaire, profile: Profile, per_role: dict[str, int], seed: int = 1
) -> AnswerSet:
    """Answers from ``per_role[role]`` respondents in each role, reproducible by ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - simulation, not security
    truths: dict[str, dict[Dimension, float]] = {}
    for area, _, ind in q.indicators():
        offset = profile.area_offsets.get(area.number, 0.0) + rng.gauss(0, profile.spread)
        truths[ind.id] = {d: profile.means[d] + offset for d in ind.dimensions}
    respondents: list[Respondent] = []
    number = 0
    for role in [r.id for r in q.roles]:
        for _ in range(per_role.get(role, 0)):
            number += 1
            answers = [
                _answer(rng, q, ind, truths[ind.id], role, profile, number)
                for ind in q.indicators_for_role(role)
            ]
            respondents.append(Respondent(id=f"r{number:03d}", role=role, answers=answers))
    return AnswerSet(questionnaire=q.id, respondents=respondents)
