"""Findings: every score sorted into strength, challenge or weakness, as formal reports do."""

from __future__ import annotations

from enum import StrEnum

from service.domain.questionnaire import Thresholds


class Finding(StrEnum):
    """Styrke / utfordring / svakhet (nb); styrka / utmaning / svaghet (sv)."""

    STRENGTH = "strength"
    CHALLENGE = "challenge"
    WEAKNESS = "weakness"


def classify(fraction: float, thresholds: Thresholds) -> Finding:
    """A strength at or above the strength threshold, a weakness below the weakness one."""
    if fraction + 1e-9 >= thresholds.strength:
        return Finding.STRENGTH
    if fraction + 1e-9 < thresholds.weakness:
        return Finding.WEAKNESS
    return Finding.CHALLENGE
