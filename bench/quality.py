"""Figures that are not timings alone: the assistant's agreement and speed, the shared work."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import msgspec

from bench import assignment
from bench.assistant import (
    BATCH_100_SECONDS,
    BLIND,
    FINAL,
    HELDOUT,
    LABELLED,
    STATUS_RECALL,
    SYSTEM_EXACT,
    SYSTEM_WITHIN_ONE,
    agreement,
    interpret_all,
    load_labelled,
)
from bench.common import Figure, measure


def agreement_figures() -> list[Figure]:
    """Offline assistant against careful assessors, per labelled set (docs/assistant.md)."""
    figures: list[Figure] = []
    for name, path in (
        ("labelled", LABELLED),
        ("heldout", HELDOUT),
        ("blind", BLIND),
        ("final", FINAL),
    ):
        rows = load_labelled(path)
        proposals, _ = interpret_all(rows)
        result = agreement(rows, proposals)
        figures += [
            Figure(
                key=f"assistant_{name}_system_exact",
                label=f"assistant {name}: System exact",
                value=result.system_exact,
                unit="share",
                target=SYSTEM_EXACT,
                goal="min",
            ),
            Figure(
                key=f"assistant_{name}_system_within_one",
                label=f"assistant {name}: System within one",
                value=result.system_within_one,
                unit="share",
                target=SYSTEM_WITHIN_ONE,
                goal="min",
            ),
            Figure(
                key=f"assistant_{name}_status_recall",
                label=f"assistant {name}: planned/don't know",
                value=result.status_recall,
                unit="share",
                target=STATUS_RECALL,
                goal="min",
            ),
        ]
    return figures


def batch_figure() -> Figure:
    """`kompass assist interpret --batch` on 100 answers, as a new process."""
    rows = [r for r in load_labelled(LABELLED) if r.q == "kommunekompasset-2.1"]
    lines = [
        msgspec.json.encode({"indicator": r.indicator, "lang": r.lang, "text": r.text}).decode()
        for r in rows
    ]
    batch = (lines * 2)[:100]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("\n".join(batch) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "service.cli", "assist", "interpret"]
        command += ["kommunekompasset-2.1", "--batch", str(path)]
        seconds = measure(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), repeat=3
        )
    return Figure(
        key="assistant_batch_100_seconds",
        label="assist interpret --batch, 100 answers",
        value=seconds,
        unit="s",
        target=BATCH_100_SECONDS,
        goal="max",
    )


def assignment_figures() -> list[Figure]:
    """Indicators per person and coverage under the default settings (docs/assignment.md)."""
    figures: list[Figure] = []
    for label, value in assignment.figures().items():
        key = "assignment_" + "".join(c if c.isalnum() else "_" for c in label.lower()).strip("_")
        target: float | None = None
        goal = None
        if label.endswith("max indicators per person") and "answers kept" not in label:
            target, goal = 40.0, "max"
        elif (
            label.endswith("every indicator covered")
            and "answers kept" not in label
            and "- 1" not in label
        ):
            target, goal = 1.0, "min"
        figures.append(
            Figure(key=key, label=label, value=float(value), unit="", target=target, goal=goal)
        )
    return figures


def run() -> list[Figure]:
    """Every quality figure."""
    return [*agreement_figures(), batch_figure(), *assignment_figures()]
