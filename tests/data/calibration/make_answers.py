"""Turn a calibration evidence table into an answers file.

    uv run python tests/data/calibration/make_answers.py roros-2017

reads ``<name>.evidence.md`` (one row per indicator: levels for system, scope, results and
evaluation, and the sentence of the formal report they rest on) and writes ``<name>.answers.json``.
Every role of the questionnaire gets one respondent who gives the table's levels to every
indicator asked of that role, so each median Kompass takes is exactly the table's level.

Cells: a level 0–4; ``?`` = the report does not say (null, "don't know" on that dimension);
``-`` = the dimension does not apply to the indicator; ``P`` in the system column = planned,
not started. A row whose cells do not fit the indicator's dimensions stops the script.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import msgspec

from service.domain.answers import AnswerSet, IndicatorAnswer, Respondent, Status, check_answers
from service.domain.questionnaire import Dimension
from service.questionnaires import catalog

HERE = Path(__file__).resolve().parent
QUESTIONNAIRE = "kommunekompasset-2.1"
COLUMNS = (Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION)
ROW = re.compile(r"^\|\s*(\d+\.\d+\.\d+)\s*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|")


def read_table(path: Path) -> dict[str, tuple[str, ...]]:
    """Indicator id → the four level cells, in table order."""
    rows: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            ind, *cells = match.groups()
            if ind in rows:
                raise SystemExit(f"{path.name}: {ind} appears twice")
            rows[ind] = tuple(c.strip() for c in cells)
    return rows


def main(name: str) -> None:
    q = catalog().get(QUESTIONNAIRE)
    assert q is not None
    rows = read_table(HERE / f"{name}.evidence.md")
    indicators = {ind.id: ind for _, _, ind in q.indicators()}
    answers: dict[str, IndicatorAnswer] = {}
    for ind_id, cells in rows.items():
        ind = indicators.get(ind_id)
        if ind is None:
            raise SystemExit(f"{name}: {ind_id} is not an indicator of {QUESTIONNAIRE}")
        if cells[0] == "P":
            answers[ind_id] = IndicatorAnswer(indicator=ind_id, status=Status.PLANNED)
            continue
        levels: dict[Dimension, int | None] = {}
        for dim, cell in zip(COLUMNS, cells, strict=True):
            if (cell == "-") != (dim not in ind.dimensions):
                raise SystemExit(
                    f"{name}: {ind_id} {dim.value}: '{cell}' does not fit {ind.dimensions}"
                )
            if cell != "-":
                levels[dim] = None if cell == "?" else int(cell)
        answers[ind_id] = IndicatorAnswer(indicator=ind_id, levels=levels)
    respondents = [
        Respondent(
            id=f"{name}-{role.id}",
            role=role.id,
            answers=[answers[i.id] for i in q.indicators_for_role(role.id) if i.id in answers],
        )
        for role in q.roles
    ]
    result = AnswerSet(questionnaire=q.id, respondents=respondents)
    problems = check_answers(q, result)
    if problems:
        raise SystemExit("\n".join(f"{p.path}: {p.message}" for p in problems))
    path = HERE / f"{name}.answers.json"
    path.write_bytes(msgspec.json.format(msgspec.json.encode(result), indent=1) + b"\n")
    print(f"{path}: {len(answers)} indicators answered")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "roros-2017")
