"""6. Start-up: from process start to the first successful /health, as `kompass serve`."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bench.common import Figure
from bench.server import Server

RUNS = 3


def run() -> list[Figure]:
    """Median start-up on a new database (migrations run) and on an existing one."""
    fresh: list[float] = []
    again: list[float] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="kompass-bench-") as name:
            tmp = Path(name)
            for times in (fresh, again):
                server = Server.kompass_serve(tmp)
                times.append(server.ready_after)
                server.stop()
    print(
        f"  start-up: new database {statistics.median(fresh):.2f} s,"
        f" existing {statistics.median(again):.2f} s"
    )
    return [
        Figure(
            key="startup_seconds",
            label="kompass serve: start to first /health (existing database)",
            value=round(statistics.median(again), 2),
            unit="s",
            target=5,
            goal="max",
        ),
        Figure(
            key="startup_new_database_seconds",
            label="kompass serve: start to first /health (new database)",
            value=round(statistics.median(fresh), 2),
            unit="s",
            target=5,
            goal="max",
        ),
    ]
