"""User-facing names of domain values, marked for translation and translated where shown."""

from __future__ import annotations

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


def finding(t: Translator, value: Finding | None) -> str:
    """A finding's name, or a dash when unknown."""
    return t(FINDING[value]) if value else "–"


def reason(t: Translator, value: Reason) -> str:
    """The one-line reason for a gap."""
    return t(REASON[value])
