"""The cost of durable commits: one answer saved per transaction, FULL against NORMAL.

Every acknowledged answer is its own transaction (``storage.answers.save``), so the
time per commit is what ``synchronous = FULL`` adds to each respondent's click.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from service.domain.answers import IndicatorAnswer, Status
from service.domain.questionnaire import Dimension
from service.storage import accounts, answers, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

Result = tuple[str, float, float]
COMMITS = 200


def _seconds_per_answer(synchronous: str) -> float:
    """Median seconds to save one answer in its own transaction, over ``COMMITS`` saves."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.db", synchronous=synchronous)
        migrate(db)
        municipality = accounts.create_municipality(db, "Bench", "NO", "nb")
        rnd = rounds.create_round(db, municipality.id, "Bench", "bench", "nb", None)
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


def bench_answer_commit_full() -> Result:
    """One answer saved durably (WAL, synchronous=FULL): the service's setting."""
    return "save one answer, synchronous=FULL (service)", _seconds_per_answer("FULL"), 0.02


def bench_answer_commit_normal() -> Result:
    """The same with synchronous=NORMAL, for comparison only (not used: loses commits on power cut)."""
    return "save one answer, synchronous=NORMAL (comparison)", _seconds_per_answer("NORMAL"), 0.02
