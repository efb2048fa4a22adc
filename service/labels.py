"""User-facing names of domain values, marked for translation and translated where shown."""

from __future__ import annotations

from service.domain.assignment import ShortReason
from service.domain.findings import Finding
from service.domain.gaps import Reason
from service.i18n import N_, Translator

FINDING = {
    Finding.STRENGTH: N_("Strength"),
    Finding.CHALLENGE: N_("Challenge"),
    Finding.WEAKNESS: N_("Weakness"),
}

FINDING_PLURAL = {
    Finding.STRENGTH: N_("Strengths"),
    Finding.CHALLENGE: N_("Challenges"),
    Finding.WEAKNESS: N_("Weaknesses"),
}

REASON = {
    Reason.PLANNED_ONLY: N_("planned, not started"),
    Reason.NO_SYSTEM: N_("no system in place"),
    Reason.WEAK_SYSTEM: N_("system only partly in place"),
    Reason.FEW_UNITS: N_("used in few units"),
    Reason.NOT_ANALYSED: N_("results not analysed"),
    Reason.NOT_EVALUATED: N_("not evaluated"),
    Reason.NOT_DOCUMENTED: N_("not documented"),
}

POSITION = {
    "above": N_("above"),
    "below": N_("below"),
    "within": N_("within"),
    "equal": N_("equal to"),
}

# The roles both questionnaires share, named in every UI language: a questionnaire only names
# its roles in its own languages (a Norwegian one has no Swedish titles).
ROLE = {
    "mayor": N_("Mayor or chair (elected leadership)"),
    "chief_executive": N_("Chief executive"),
    "department_head": N_("Head of department"),
    "staff_leader": N_("Head of staff function"),
    "unit_leader": N_("Unit leader"),
    "union_rep": N_("Union or safety representative"),
}

SHORT_REASON = {
    ShortReason.NO_ONE_INVITED: N_("nobody in its roles is invited"),
    ShortReason.TOO_FEW_PEOPLE: N_("too few people in its roles are invited"),
    ShortReason.TOO_FEW_ROLES: N_("too few of its roles are invited"),
    ShortReason.PEOPLE_AT_LIMIT: N_("everyone who could answer it has their maximum"),
    ShortReason.NOT_ASSIGNED: N_("the work needs sharing again"),
}


def finding(t: Translator, value: Finding | None) -> str:
    """A finding's name, or a dash when unknown."""
    return t(FINDING[value]) if value else "–"


def reason(t: Translator, value: Reason) -> str:
    """The one-line reason for a gap."""
    return t(REASON[value])


def short_reason(t: Translator, value: ShortReason) -> str:
    """Why an indicator has too few people or roles, for the round page."""
    return t(SHORT_REASON[value])
