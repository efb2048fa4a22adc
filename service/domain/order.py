"""Where each indicator stands in its questionnaire, worked out once per questionnaire.

Saving a card asks several times in which order indicators come and which of them a role
answers ("next", progress, the respondent's share); walking all ~200 indicators for each
question was a measurable part of every saved answer (docs/performance.md). The index is
kept per questionnaire object: questionnaires are not changed once loaded.
"""

from __future__ import annotations

import msgspec

from service.domain.questionnaire import Indicator, Questionnaire

_KEPT = 16  # questionnaire objects indexed at once (a catalog holds a handful)


class QuestionnaireIndex(msgspec.Struct, frozen=True, kw_only=True):
    """Document position of every indicator id, and each role's indicators in document order."""

    position: dict[str, int]
    by_role: dict[str, tuple[Indicator, ...]]


# By id(q), holding q itself so that the id cannot be reused by another object meanwhile.
_INDEXES: dict[int, tuple[Questionnaire, QuestionnaireIndex]] = {}


def index(q: Questionnaire) -> QuestionnaireIndex:
    """The index of ``q`` (built on first use)."""
    hit = _INDEXES.get(id(q))
    if hit is not None and hit[0] is q:
        return hit[1]
    position: dict[str, int] = {}
    by_role: dict[str, list[Indicator]] = {}
    for n, (_, _, ind) in enumerate(q.indicators()):
        position.setdefault(ind.id, n)
        for role in dict.fromkeys(ind.roles):
            by_role.setdefault(role, []).append(ind)
    built = QuestionnaireIndex(
        position=position, by_role={role: tuple(inds) for role, inds in by_role.items()}
    )
    if len(_INDEXES) >= _KEPT:
        _INDEXES.clear()
    _INDEXES[id(q)] = (q, built)
    return built


def role_indicators(q: Questionnaire, role: str) -> tuple[Indicator, ...]:
    """The indicators a respondent in ``role`` answers, in document order
    (``Questionnaire.indicators_for_role``, without walking the questionnaire)."""
    return index(q).by_role.get(role, ())
