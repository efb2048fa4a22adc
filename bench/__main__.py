"""Run every benchmark, print figure / value / target / met, write bench/results.json.

`just bench` (or `python -m bench [NAME ...]` for some: answer, concurrent, scoring,
report, documents, startup, journey, ...). Exit status 1 when any target is missed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from bench import (
    answer,
    concurrent,
    documents,
    durability,
    fidelity,
    journey,
    quality,
    report_pages,
    scoring,
    startup,
)
from bench.common import Figure

RESULTS = Path(__file__).resolve().parent / "results.json"

# Cheapest first, so a broken set-up fails fast; the long concurrent run comes last.
BENCHMARKS: dict[str, Callable[[], list[Figure]]] = {
    "startup": startup.run,
    "quality": quality.run,
    "fidelity": fidelity.run,
    "scoring": scoring.run,
    "documents": documents.run,
    "report": report_pages.run,
    "durability": durability.run,
    "journey": journey.run,
    "answer": answer.run,
    "concurrent": concurrent.run,
}


class Entry(msgspec.Struct):
    """One figure as ``bench/results.json`` stores it."""

    value: float
    unit: str
    target: str | None
    met: bool | None


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default); print the table; write the results file."""
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown[0]} (known: {', '.join(BENCHMARKS)})", file=sys.stderr)
        return 2
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in names:
        print(f"[{name}]", flush=True)
        start = time.perf_counter()
        figures += BENCHMARKS[name]()
        print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    print()
    print(f"{'figure':66} {'value':>10} {'unit':10} {'target':>9}  met")
    for f in figures:
        met = {True: "yes", False: "MISSED", None: ""}[f.met]
        print(f"{f.label:66} {f.value:>10g} {f.unit:10} {f.target_text():>9}  {met}")
    results: dict[str, Entry] = {}
    if RESULTS.exists() and argv:
        # A partial run updates its own figures and keeps the others.
        results = msgspec.json.decode(RESULTS.read_bytes(), type=dict[str, Entry])
    for f in figures:
        results[f.key] = Entry(f.value, f.unit, f.target_text() or None, f.met)
    RESULTS.write_bytes(msgspec.json.format(msgspec.json.encode(results), indent=2) + b"\n")
    missed = [f.key for f in figures if f.met is False]
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s; wrote {RESULTS}")
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
