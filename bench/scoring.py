"""3. Scoring the full questionnaire for 1 to 1,000 respondents, plus loading and the CLI."""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path

import msgspec

from bench.common import QUESTIONNAIRE, Figure, catalog, measure, per_role
from service.answers_file import load_answers_bytes
from service.domain.assessment import assess
from service.domain.synthetic import NORMAL, synthetic_answers
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog

SIZES = (1, 10, 100, 1000)
# The spread of the original benchmark, kept so its figure stays comparable across versions.
HUNDRED = {
    "mayor": 8,
    "chief_executive": 1,
    "department_head": 10,
    "staff_leader": 12,
    "unit_leader": 60,
    "union_rep": 9,
}


def run() -> list[Figure]:
    """Time per ``assess`` call for each size, how it grows, loading, and the CLI process."""
    cat = catalog()
    q = cat.get(QUESTIONNAIRE)
    assert q is not None
    refs = cat.references(q.id)
    figures = []
    seconds: dict[int, float] = {}
    for size in SIZES:
        answers = synthetic_answers(q, NORMAL, per_role(size), seed=size)
        assert len(answers.respondents) == size
        seconds[size] = measure(
            lambda a=answers: assess(q, a, refs), repeat=7 if size < 1000 else 3, best=True
        )
        figures.append(
            Figure(
                key=f"score_{size}_respondents",
                label=f"assess, full questionnaire, {size} respondents (best)",
                value=round(seconds[size] * 1000, 2),
                unit="ms",
                target=100 if size == 100 else None,
                goal="max" if size == 100 else None,
            )
        )
    # Growth exponent between 100 and 1,000 respondents: 1 is linear, 2 quadratic.
    exponent = math.log(seconds[1000] / seconds[100]) / math.log(10)
    figures.append(
        Figure(
            key="score_growth_exponent",
            label="scoring growth exponent, 100 -> 1,000 respondents (1 = linear)",
            value=round(exponent, 2),
            unit="exponent",
            target=1.15,
            goal="max",
        )
    )
    raw = msgspec.json.encode(synthetic_answers(q, NORMAL, HUNDRED, seed=7))

    def decode_and_score() -> None:
        answers = load_answers_bytes(raw, "bench.json", q)
        msgspec.json.encode(assess(q, answers, refs))

    figures.append(
        Figure(
            key="score_100_decode_check_assess",
            label="score 100 respondents (decode, check, assess)",
            value=round(measure(decode_and_score) * 1000, 1),
            unit="ms",
            target=1000,
            goal="max",
        )
    )
    figures.append(
        Figure(
            key="load_questionnaires",
            label="load + validate all questionnaires",
            value=round(measure(lambda: Catalog(QUESTIONNAIRE_DIR)) * 1000, 1),
            unit="ms",
            target=2000,
            goal="max",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_bytes(raw)
        command = [sys.executable, "-m", "service.cli", "score", q.id, str(path)]
        command += ["--format", "json"]
        cli = measure(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))
    figures.append(
        Figure(
            key="score_cli_100_respondents",
            label="kompass score CLI, 100 respondents (process)",
            value=round(cli * 1000, 1),
            unit="ms",
            target=1000,
            goal="max",
        )
    )
    return figures
