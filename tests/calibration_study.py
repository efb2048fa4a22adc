"""The calibration study behind ``docs/calibration.md``: before/after tables and cross-validation.

    uv run python -m tests.calibration_study        # prints the tables of docs/calibration.md

Everything runs through the real scoring code. Method variants are expressed with what the code
already has: the credit per level is ``scoring.LEVEL_CREDIT`` (the linear credit of the old
method is ``(0, .25, .5, .75, 1)``), and "an unknown dimension counts 0" (the old method) is the
same as answering 0 wherever the answers say "don't know" on a dimension.

Cross-validation: the one free parameter, the exponent ``g`` of the credit curve
``(level/top) ** g``, is fitted (grid 0.30–1.00) on the areas of one part of a split and tested
on the held-out areas; the splits are the two halves, odd/even areas and leave-one-area-out.
"""

from __future__ import annotations

import contextlib
import random
import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path

import msgspec

from service.answers_file import load_answers
from service.calibrate import load_official
from service.domain import scoring
from service.domain.answers import AnswerSet, IndicatorAnswer
from service.domain.calibration import Comparison, OfficialResult, compare
from service.domain.questionnaire import Questionnaire
from service.questionnaires import catalog

DATA = Path(__file__).resolve().parent / "data" / "calibration"
SETS = ["roros-2017"]  # calibration sets: <name>.answers.json + <name>.official.json
QUESTIONNAIRE = "kommunekompasset-2.1"
LINEAR = (0.0, 0.25, 0.5, 0.75, 1.0)
GRID = [round(0.30 + 0.05 * i, 2) for i in range(15)]  # 0.30 … 1.00


def load(name: str) -> tuple[Questionnaire, AnswerSet, OfficialResult]:
    """The questionnaire, answers and formal result of one calibration set."""
    q = catalog().get(QUESTIONNAIRE)
    assert q is not None
    answers = load_answers(DATA / f"{name}.answers.json", q)
    return q, answers, load_official(DATA / f"{name}.official.json", q)


def unknown_as_zero(answers: AnswerSet) -> AnswerSet:
    """The answers with every "don't know" on a dimension turned into level 0 (the old rule)."""

    def fill(a: IndicatorAnswer) -> IndicatorAnswer:
        return msgspec.structs.replace(
            a, levels={d: 0 if v is None else v for d, v in a.levels.items()}
        )

    return msgspec.structs.replace(
        answers,
        respondents=[
            msgspec.structs.replace(r, answers=[fill(a) for a in r.answers])
            for r in answers.respondents
        ],
    )


@contextlib.contextmanager
def credit(table: Sequence[float]) -> Iterator[None]:
    """Score with another credit per level for the duration of the block."""
    saved = scoring.LEVEL_CREDIT
    scoring.LEVEL_CREDIT = tuple(table)
    try:
        yield
    finally:
        scoring.LEVEL_CREDIT = saved


def curve(g: float) -> tuple[float, ...]:
    """The credit per level of the curve (level/4) ** g, at levels 0–4."""
    return tuple((i / 4) ** g for i in range(5))


def comparison(
    q: Questionnaire, answers: AnswerSet, official: OfficialResult, table: Sequence[float]
) -> Comparison:
    """Compare the score under ``table`` with the formal result."""
    with credit(table):
        return compare(q, scoring.score(q, answers), official)


def area_fit(c: Comparison, areas: Sequence[str]) -> tuple[float, float, float]:
    """Area MAE, sub-question MAE and summed area difference over ``areas`` only."""
    diffs = [d.difference for d in c.areas if d.id in areas]
    sq = [abs(d.difference) for d in c.subquestions if d.id.split(".")[0] in areas]
    return statistics.fmean(abs(x) for x in diffs), statistics.fmean(sq), sum(diffs)


class Fold(msgspec.Struct, frozen=True):
    """One split: the exponent fitted on ``train`` and the fit on the held-out ``test`` areas."""

    train: list[str]
    test: list[str]
    exponent: float
    area_mae: float
    subquestion_mae: float
    total_difference: float  # summed over the held-out areas


def splits() -> list[tuple[list[str], list[str]]]:
    """Halves, odd/even and leave-one-area-out."""
    areas = [str(a) for a in range(1, 9)]
    halves = [(areas[:4], areas[4:]), (areas[4:], areas[:4])]
    odd_even = [(areas[0::2], areas[1::2]), (areas[1::2], areas[0::2])]
    one_out = [([a for a in areas if a != b], [b]) for b in areas]
    return halves + odd_even + one_out


def cross_validate(name: str) -> list[Fold]:
    """Fit the exponent on each split's training areas and test it on the held-out areas."""
    q, answers, official = load(name)
    by_exponent = {g: comparison(q, answers, official, curve(g)) for g in GRID}
    folds = []
    for train, test in splits():
        best = min(GRID, key=lambda g: area_fit(by_exponent[g], train)[:2])
        mae, sq_mae, total = area_fit(by_exponent[best], test)
        folds.append(Fold(train, test, best, round(mae, 2), round(sq_mae, 2), round(total, 1)))
    return folds


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def before_after(name: str) -> str:
    """Markdown tables: old method, each fix alone, and the calibrated method."""
    q, answers, official = load(name)
    zero = unknown_as_zero(answers)
    variants = [
        ("before: linear credit, unknown = 0", zero, LINEAR),
        ("unknown left out only", answers, LINEAR),
        ("credit curve only", zero, scoring.LEVEL_CREDIT),
        ("after: credit curve, unknown left out", answers, scoring.LEVEL_CREDIT),
    ]
    results = [(label, comparison(q, a, official, t)) for label, a, t in variants]
    with credit(LINEAR):
        old_sum = scoring.score(q, zero).points
    lines = [
        f"Old method's displayed total (sum of known sub-questions): {old_sum:.1f}",
        "",
        "| method | total | Δ total | area MAE | area bias | area ρ | sub-q MAE | sub-q ρ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, c in results:
        total = c.total
        lines.append(
            f"| {label} | {_fmt(total.predicted if total else None)} | "
            f"{_fmt(total.difference if total else None)} | {_fmt(c.area_mae)} | "
            f"{_fmt(c.area_bias)} | {_fmt(c.area_spearman, 2)} | "
            f"{_fmt(c.subquestion_mae)} | {_fmt(c.subquestion_spearman, 2)} |"
        )
    before, after = results[0][1], results[-1][1]
    lines += ["", "| area | formal | before | after | coverage |", "|---|---|---|---|---|"]
    for b, a in zip(before.areas, after.areas, strict=True):
        lines.append(
            f"| {a.id} | {a.official:.0f} | {b.predicted:.1f} ({b.difference:+.1f}) | "
            f"{a.predicted:.1f} ({a.difference:+.1f}) | {a.coverage * 100:.0f} % |"
        )
    lines += ["", "| sub-question | formal | before | after |", "|---|---|---|---|"]
    for b, a in zip(before.subquestions, after.subquestions, strict=True):
        lines.append(
            f"| {a.id} | {a.official:.1f} / {a.max_points:.0f} | {b.predicted:.1f} | "
            f"{a.predicted:.1f} ({a.difference:+.1f}) |"
        )
    return "\n".join(lines)


def coverage_trials(name: str, draws: int = 30) -> str:
    """How far the estimates move when answers are missing (docs/scoring.md, "Enough answers").

    Keeps a random share of the answered indicators (``draws`` times per share) and reports how
    far the total and area estimates land from those of the full set.
    """
    q, answers, _ = load(name)
    full = scoring.score(q, answers)
    assert full.estimate is not None
    indicators = sorted({a.indicator for r in answers.respondents for a in r.answers})
    lines = [
        "| kept | coverage | total: median / max move | area: median move |",
        "|---|---|---|---|",
    ]
    for keep in (0.15, 0.3, 0.5, 0.7):
        total_moves: list[float] = []
        area_moves: list[float] = []
        shares: list[float] = []
        for seed in range(draws):
            kept = set(random.Random(seed).sample(indicators, int(len(indicators) * keep)))
            part = msgspec.structs.replace(
                answers,
                respondents=[
                    msgspec.structs.replace(
                        r, answers=[a for a in r.answers if a.indicator in kept]
                    )
                    for r in answers.respondents
                ],
            )
            s = scoring.score(q, part)
            shares.append(s.coverage.share)
            total_moves.append(abs((s.estimate or 0.0) - full.estimate))
            area_moves += [
                abs(a.estimate - f.estimate)
                for a, f in zip(s.areas, full.areas, strict=True)
                if a.estimate is not None and f.estimate is not None and f.coverage >= 0.5
            ]
        lines.append(
            f"| {keep:.0%} | {statistics.median(shares):.2f} | "
            f"{statistics.median(total_moves):.1f} / {max(total_moves):.1f} | "
            f"{statistics.median(area_moves):.1f} |"
        )
    return "\n".join(lines)


def _misread(answers: AnswerSet, rng: random.Random, share: float) -> AnswerSet:
    """The answers with ``share`` of the known levels one level off (the same for every role)."""
    shift: dict[tuple[str, str], int] = {}

    def level(ind: str, dim: str, value: int | None) -> int | None:
        if value is None:
            return None
        if (ind, dim) not in shift:
            shift[ind, dim] = rng.choice((-1, 1)) if rng.random() < share else 0
        return max(0, min(4, value + shift[ind, dim]))

    def misread(a: IndicatorAnswer) -> IndicatorAnswer:
        levels = {d: level(a.indicator, d.value, v) for d, v in a.levels.items()}
        return msgspec.structs.replace(a, levels=levels)

    return msgspec.structs.replace(
        answers,
        respondents=[
            msgspec.structs.replace(r, answers=[misread(a) for a in r.answers])
            for r in answers.respondents
        ],
    )


def annotation_noise(name: str, draws: int = 30) -> str:
    """How much the fit depends on the exact levels: misread a share of them by one level."""
    q, answers, official = load(name)
    lines = [
        "| levels misread | after: area MAE median / max | after: Δ total median (range) "
        "| before: Δ total median |",
        "|---|---|---|---|",
    ]
    for share in (0.2, 0.4):
        after: list[tuple[float, float]] = []
        before: list[float] = []
        for seed in range(draws):
            noisy = _misread(answers, random.Random(seed), share)
            c = comparison(q, noisy, official, scoring.LEVEL_CREDIT)
            c0 = comparison(q, unknown_as_zero(noisy), official, LINEAR)
            assert c.area_mae is not None
            assert c.total is not None
            assert c0.total is not None
            after.append((c.area_mae, c.total.difference))
            before.append(c0.total.difference)
        maes, totals = [m for m, _ in after], [d for _, d in after]
        lines.append(
            f"| {share:.0%} | {statistics.median(maes):.1f} / {max(maes):.1f} | "
            f"{statistics.median(totals):+.1f} ({min(totals):+.1f} … {max(totals):+.1f}) | "
            f"{statistics.median(before):+.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the tables of docs/calibration.md."""
    for name in SETS:
        print(f"## {name}\n")
        print(before_after(name))
        print("\n| train areas | test areas | fitted g | test area MAE | test sub-q MAE | Δ |")
        print("|---|---|---|---|---|---|")
        for f in cross_validate(name):
            print(
                f"| {','.join(f.train)} | {','.join(f.test)} | {f.exponent:.2f} | "
                f"{f.area_mae:.1f} | {f.subquestion_mae:.1f} | {f.total_difference:+.1f} |"
            )
        print()
        print(coverage_trials(name))
        print()
        print(annotation_noise(name))


if __name__ == "__main__":
    main()
