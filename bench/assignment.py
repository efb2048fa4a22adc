"""Sharing the work: indicators per person under the default coverage (issue 11, "Measured").

For the demo municipality's open rounds (created by ``service.demo`` in a temporary
database) and for a round of 19 respondents, on both editions: the most and the median
indicators one person is given, and whether every indicator reaches its coverage.
Targets: at most 40 per person, every indicator covered. Run alone with
``uv run python -m bench.assignment``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from service.demo import DEMO_EMAIL, create_demo
from service.domain.assignment import Assignment, CoverageSettings, Invitation, Pair, assign
from service.domain.questionnaire import Questionnaire
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage import assignments, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

EDITIONS = ("kommunekompasset-2.1", "kommunkompassen")
# The round: 2 politicians, the chief executive, 3 heads of department,
# 3 staff leaders, 8 unit leaders, 2 union representatives.
NINETEEN = {
    "mayor": 2,
    "chief_executive": 1,
    "department_head": 3,
    "staff_leader": 3,
    "unit_leader": 8,
    "union_rep": 2,
}
DEMO_MIN_RESPONDENTS = 15
MAX_PER_PERSON_TARGET = CoverageSettings().max_per_person

Figures = dict[str, float | bool]


def _loads(result: Assignment, invitations: list[Invitation]) -> list[int]:
    loads = result.loads()
    return [loads.get(inv.id, 0) for inv in invitations if inv.active]


def _measure(
    figures: Figures,
    label: str,
    q: Questionnaire,
    invitations: list[Invitation],
    answered: list[Pair] | None = None,
) -> None:
    start = time.perf_counter()
    result = assign(q, invitations, CoverageSettings(), answered=answered or [])
    seconds = time.perf_counter() - start
    loads = _loads(result, invitations)
    figures[f"{label}: respondents"] = float(len(loads))
    figures[f"{label}: max indicators per person"] = float(max(loads, default=0))
    figures[f"{label}: median indicators per person"] = float(statistics.median(loads or [0]))
    figures[f"{label}: every indicator covered"] = result.covered
    figures[f"{label}: indicators short"] = float(len(result.short))
    figures[f"{label}: assign seconds"] = round(seconds, 3)


def _rebalancing(
    figures: Figures, label: str, q: Questionnaire, invitations: list[Invitation]
) -> None:
    """How much moves when someone is added, and when someone leaves (nothing answered yet)."""
    first = assign(q, invitations)
    before = {(p.invitation, p.indicator) for p in first.pairs}
    newcomer = Invitation(id=max(inv.id for inv in invitations) + 1, role="unit_leader")
    added = assign(q, [*invitations, newcomer], previous=first.pairs)
    after = {(p.invitation, p.indicator) for p in added.pairs}
    figures[f"{label} + 1 unit leader: indicators moved"] = float(len(after - before))
    leaver = next(inv.id for inv in invitations if inv.role == "unit_leader")
    left = [Invitation(id=inv.id, role=inv.role, active=inv.id != leaver) for inv in invitations]
    rebalanced = assign(q, left, previous=first.pairs)
    after = {(p.invitation, p.indicator) for p in rebalanced.pairs}
    others = {pair for pair in before - after if pair[0] != leaver}
    figures[f"{label} - 1 unit leader: others' indicators moved"] = float(len(others))
    figures[f"{label} - 1 unit leader: every indicator covered"] = rebalanced.covered


def _demo_rounds(catalog: Catalog) -> dict[str, tuple[list[Invitation], list[Pair]]]:
    """Invitations and answers of the demo's open round per edition, from a fresh demo."""
    found: dict[str, tuple[list[Invitation], list[Pair]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "demo.db"), data_dir=str(Path(tmp) / "data"))
        db = open_database(settings.db_path)
        try:
            migrate(db)
            create_demo(db, catalog, settings)
            municipality_id = db.execute(
                "SELECT municipality_id FROM coordinators WHERE email = ?", [DEMO_EMAIL]
            ).fetchone()[0]
            for rnd in rounds.list_rounds(db, municipality_id):  # newest first
                if not rnd.closed and rnd.questionnaire_id not in found:
                    found[rnd.questionnaire_id] = (
                        assignments.invitations(db, rnd.id),
                        assignments.answered(db, rnd.id),
                    )
        finally:
            db.close()
    return found


def figures() -> Figures:
    """The measured figures, keyed "<edition> <round>: <figure>"."""
    catalog = Catalog(QUESTIONNAIRE_DIR)
    demo = _demo_rounds(catalog)
    out: Figures = {}
    roles = [role for role, count in NINETEEN.items() for _ in range(count)]
    nineteen = [Invitation(id=n, role=role) for n, role in enumerate(roles, start=1)]
    for edition in EDITIONS:
        q = catalog.get(edition)
        if q is None:
            continue
        _measure(out, f"{edition} 19 respondents", q, nineteen)
        _rebalancing(out, f"{edition} 19 respondents", q, nineteen)
        if edition in demo:
            invitations, answered = demo[edition]
            roles = Counter(inv.role for inv in invitations)
            out[f"{edition} demo: at least {DEMO_MIN_RESPONDENTS} respondents"] = len(
                invitations
            ) >= DEMO_MIN_RESPONDENTS and len(roles) == len(q.roles)
            _measure(out, f"{edition} demo", q, invitations)
            # The demo's synthetic respondents answer only what the round assigned them, so
            # keeping their answers must still hold the limit and the coverage.
            _measure(
                out, f"{edition} demo with its answers kept", q, invitations, answered=answered
            )
    return out


def _verdict(name: str, value: float | bool) -> str:
    """Judge the issue's targets (the 19-person round and the demo under default coverage)."""
    label, _, figure = name.partition(": ")
    if not label.endswith((" 19 respondents", " demo")):
        return ""
    if figure == "max indicators per person":
        return "ok" if value <= MAX_PER_PERSON_TARGET else "MISSED"
    if figure == "every indicator covered":
        return "ok" if value is True else "MISSED"
    if figure.startswith("at least"):
        return "ok" if value else "NOTE: the demo invites too few"
    return ""


def main() -> int:
    """Print the figures; exit 1 if a target (≤ 40 per person, all covered) is missed."""
    missed = 0
    for name, value in figures().items():
        verdict = _verdict(name, value)
        missed += verdict == "MISSED"
        shown = value if isinstance(value, bool) else f"{value:g}"
        print(f"{name:80} {shown!s:>8} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
