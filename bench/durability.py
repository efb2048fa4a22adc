"""The cost of durable commits: one answer saved per transaction, FULL against NORMAL.

Every acknowledged answer is its own transaction (``storage.answers.save``), so the
time per commit is what ``synchronous = FULL`` adds to each respondent's click.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Figure
from service.domain.answers import IndicatorAnswer, Status
from service.domain.questionnaire import Dimension
from service.domain.rounds import NewRound
from service.storage import accounts, answers, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

COMMITS = 200
TARGET_MS = 20.0


def _seconds_per_answer(synchronous: str) -> float:
    """Median seconds to save one answer in its own transaction, over ``COMMITS`` saves."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.db", synchronous=synchronous)
        migrate(db)
        municipality = accounts.create_municipality(db, "Bench", "NO", "nb")
        new = NewRound(name="Bench", questionnaire_id="bench", locale="nb", deadline=None)
        rnd = rounds.create_round(db, municipality.id, new)
        record, _ = respondents.invite(db, rnd.id, "mayor")
        times = []
        for i in range(COMMITS):
            answer = IndicatorAnswer(
                indicator=f"1.1.{i % 9 + 1}",
                status=Status.ANSWERED,
                levels={Dimension.SYSTEM: i % 5},
            )
            start = time.perf_counter()
            answers.save(db, record.id, answer, author="bench")
            times.append(time.perf_counter() - start)
        db.close()
    times.sort()
    return times[len(times) // 2]


def run() -> list[Figure]:
    """One answer saved durably (WAL, synchronous=FULL, the service's setting), and the same
    with synchronous=NORMAL for comparison only (not used: it can lose commits on a power cut)."""
    return [
        Figure(
            key=f"durability.commit_{mode.lower()}_ms",
            label=label,
            value=round(_seconds_per_answer(mode) * 1000, 2),
            unit="ms",
            target=TARGET_MS,
            goal="max",
        )
        for mode, label in (
            ("FULL", "save one answer, synchronous=FULL (service)"),
            ("NORMAL", "save one answer, synchronous=NORMAL (comparison)"),
        )
    ]
