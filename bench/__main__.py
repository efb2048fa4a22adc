"""Run every benchmark and report median times against their targets."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from service.questionnaires import QUESTIONNAIRE_DIR, Catalog

ROOT = Path(__file__).resolve().parent.parent


def measure(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_load_questionnaires() -> tuple[str, float, float]:
    """Loading and validating every installed questionnaire (done once at start-up)."""
    return "load all questionnaires", measure(lambda: Catalog(QUESTIONNAIRE_DIR)), 2.0


BENCHMARKS: list[Callable[[], tuple[str, float, float]]] = [bench_load_questionnaires]


def main() -> int:
    """Print one line per benchmark; exit 1 if any misses its target."""
    failed = 0
    print(f"{'benchmark':45} {'median':>10} {'target':>10}")
    for bench in BENCHMARKS:
        name, seconds, target = bench()
        ok = seconds <= target
        failed += not ok
        verdict = "ok" if ok else "SLOW"
        print(f"{name:45} {seconds * 1000:>8.1f}ms {target * 1000:>8.0f}ms {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
