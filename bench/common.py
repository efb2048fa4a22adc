"""What every benchmark shares: figures with targets, timing, and the seeded SQLite file."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import msgspec
import sqlite_utils

from service.domain.rounds import NewRound
from service.domain.synthetic import NORMAL, Profile, synthetic_answers
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.storage import accounts, answers, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

QUESTIONNAIRE = "kommunekompasset-2.1"
PASSWORD = "bench-password-2026"


class Figure(msgspec.Struct, kw_only=True):
    """One measured figure, with its target when it has one (``goal``: which side is good)."""

    key: str
    label: str
    value: float
    unit: str
    target: float | None = None
    goal: Literal["max", "min"] | None = None  # "max": value <= target; "min": value >= target

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None for a figure reported without a target."""
        if self.target is None or self.goal is None:
            return None
        return self.value <= self.target if self.goal == "max" else self.value >= self.target

    def target_text(self) -> str:
        """The target as people read it, e.g. ``<= 100``."""
        if self.target is None or self.goal is None:
            return ""
        return f"{'<=' if self.goal == 'max' else '>='} {self.target:g}"


def measure(fn: Callable[[], object], repeat: int = 5, *, best: bool = False) -> float:
    """Median (or, with ``best``, the shortest) wall time of ``fn`` in seconds.

    The shortest suits pure computations on a shared machine: other processes only ever
    add time, so the minimum is the closest to the code's own cost.
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if best else statistics.median(times)


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values`` by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def catalog() -> Catalog:
    """The installed questionnaires, as the service loads them."""
    return Catalog(QUESTIONNAIRE_DIR)


def fresh_database(path: Path) -> sqlite_utils.Database:
    """A migrated SQLite file at ``path``."""
    db = open_database(path)
    migrate(db)
    return db


def municipality(db: sqlite_utils.Database, name: str, email: str) -> int:
    """A municipality with one coordinator (password :data:`PASSWORD`); its id."""
    record = accounts.create_municipality(db, name, "NO", "nb")
    accounts.create_coordinator(db, record.id, email, PASSWORD)
    return record.id


def open_round(db: sqlite_utils.Database, municipality_id: int, name: str) -> rounds.Round:
    """An open round on the full Kommunekompasset questionnaire."""
    new = NewRound(name=name, questionnaire_id=QUESTIONNAIRE, locale="nb", deadline=None)
    rnd = rounds.create_round(db, municipality_id, new)
    return rounds.set_status(db, rnd, rounds.RoundStatus.OPEN)


def invite(db: sqlite_utils.Database, round_id: int, roles: list[str]) -> list[tuple[str, str]]:
    """Invite one respondent per entry of ``roles``; their (role, token) pairs."""
    return [(role, respondents.invite(db, round_id, role)[1]) for role in roles]


def answered_round(
    db: sqlite_utils.Database,
    cat: Catalog,
    municipality_id: int,
    name: str,
    per_role: dict[str, int],
    *,
    seed: int,
    close: bool,
    profile: Profile = NORMAL,
) -> rounds.Round:
    """A round whose respondents have answered every question (synthetic, reproducible)."""
    q = cat.get(QUESTIONNAIRE)
    assert q is not None
    rnd = open_round(db, municipality_id, name)
    for person in synthetic_answers(q, profile, per_role, seed=seed).respondents:
        record, _ = respondents.invite(db, rnd.id, person.role)
        for answer in person.answers:
            answers.save(
                db, record.id, msgspec.structs.replace(answer, evidence=[]), author="bench"
            )
    return rounds.set_status(db, rnd, rounds.RoundStatus.CLOSED) if close else rnd


def per_role(total: int) -> dict[str, int]:
    """``total`` respondents spread over the roles the way a municipality's invitations are."""
    shares = {
        "mayor": 0.08,
        "chief_executive": 0.01,
        "department_head": 0.10,
        "staff_leader": 0.12,
        "union_rep": 0.09,
    }
    counts = {role: int(total * share) for role, share in shares.items()}
    counts["unit_leader"] = total - sum(counts.values())
    return {role: n for role, n in counts.items() if n > 0}
