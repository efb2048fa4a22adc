"""Regenerate the calibration answers files: `uv run python tests/data/make_calibration.py`.

normal: a municipality that works normally well with development (expected 320–360 points);
weak: a municipality with almost no shared practice (expected far below).
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from service.domain.synthetic import NORMAL, WEAK, synthetic_answers
from service.questionnaires import catalog

HERE = Path(__file__).resolve().parent
PER_ROLE = {
    "mayor": 2,
    "chief_executive": 1,
    "department_head": 3,
    "staff_leader": 3,
    "unit_leader": 8,
    "union_rep": 2,
}
SEED = 6


def main() -> None:
    q = catalog().get("kommunekompasset-2.1")
    assert q is not None
    for profile in (NORMAL, WEAK):
        answers = synthetic_answers(q, profile, PER_ROLE, seed=SEED)
        path = HERE / f"calibration-{profile.name}.json"
        path.write_bytes(msgspec.json.format(msgspec.json.encode(answers), indent=1) + b"\n")
        print(path)


if __name__ == "__main__":
    main()
