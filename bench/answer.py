"""1. Answer submission under 32 concurrent clients, against reference endpoints in one process."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bench.common import QUESTIONNAIRE, Figure, catalog, fresh_database, invite, municipality
from bench.common import open_round as make_open_round
from bench.load import (
    WrkResult,
    answer_request,
    card_page_request,
    commit_request,
    json_request,
    wrk,
)
from bench.server import Server

CONNECTIONS = 32
SECONDS = 4
ROUNDS = 3
WARM_UP = 2
ROLE = "unit_leader"


def combine(results: list[WrkResult]) -> WrkResult:
    """Several runs of one workload as one: total rate, median of the percentiles."""
    seconds = sum(r.seconds for r in results)
    requests = sum(r.requests for r in results)
    return WrkResult(
        requests=requests,
        seconds=seconds,
        per_second=requests / seconds,
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        errors=sum(r.errors for r in results),
    )


def run() -> list[Figure]:
    """Throughput and latency of the answer request, the bare commit+template and trivial JSON."""
    with tempfile.TemporaryDirectory(prefix="kompass-bench-") as name:
        tmp = Path(name)
        db = fresh_database(tmp / "kompass.db")
        rnd = make_open_round(db, municipality(db, "Bench kommune", "bench@kommune.no"), "Bench")
        tokens = [token for _, token in invite(db, rnd.id, [ROLE] * CONNECTIONS)]
        db.close()
        q = catalog().get(QUESTIONNAIRE)
        assert q is not None
        indicators = q.indicators_for_role(ROLE)
        # Every client answers its own questions, cycling through the role's indicators.
        answering = [
            answer_request(token, indicator, (n + k) % 4)
            for n, indicator in enumerate(indicators)
            for k, token in enumerate(tokens)
        ]
        rendering = [card_page_request(token, ind.id) for ind in indicators for token in tokens]
        server = Server.bench_app(tmp)
        workloads = {
            "answer": answering,
            "commit": [commit_request(n % 4) for n in range(64)],
            "json": [json_request()],
            "page": rendering,
        }
        runs: dict[str, list[WrkResult]] = {label: [] for label in workloads}
        try:
            for requests in workloads.values():
                wrk(server.url, requests, connections=CONNECTIONS, seconds=WARM_UP)
            # Interleaved short runs: load from other processes on a shared machine drifts, and
            # a ratio is only fair when both sides saw the same drift.
            for _ in range(ROUNDS):
                for label, requests in workloads.items():
                    runs[label].append(
                        wrk(server.url, requests, connections=CONNECTIONS, seconds=SECONDS)
                    )
        finally:
            server.stop()
    measured = {label: combine(results) for label, results in runs.items()}
    answer, commit, trivial, page = (measured[k] for k in ("answer", "commit", "json", "page"))
    for label, result in measured.items():
        print(
            f"  wrk {label:7} {result.per_second:8.1f} req/s  p50 {result.p50_ms:6.1f} ms"
            f"  p99 {result.p99_ms:6.1f} ms  errors {result.errors}"
        )
    return [
        Figure(
            key="answer_throughput_ratio_to_commit",
            label="answer req/s ÷ bare commit+template (32 clients)",
            value=round(answer.per_second / commit.per_second, 3),
            unit="ratio",
            target=0.5,
            goal="min",
        ),
        Figure(
            key="answer_throughput_ratio_to_json",
            label="answer req/s ÷ trivial JSON endpoint",
            value=round(answer.per_second / trivial.per_second, 3),
            unit="ratio",
        ),
        Figure(
            key="answer_throughput",
            label="answer requests per second (32 clients)",
            value=round(answer.per_second, 1),
            unit="req/s",
        ),
        Figure(
            key="answer_p99",
            label="answer request p99 latency (32 clients)",
            value=round(answer.p99_ms, 1),
            unit="ms",
            target=100,
            goal="max",
        ),
        Figure(
            key="answer_errors",
            label="answer requests failed (non-2xx, socket errors)",
            value=answer.errors,
            unit="requests",
            target=0,
            goal="max",
        ),
        Figure(
            key="commit_throughput",
            label="bare commit+template per second",
            value=round(commit.per_second, 1),
            unit="req/s",
        ),
        Figure(
            key="json_throughput",
            label="trivial JSON per second",
            value=round(trivial.per_second, 1),
            unit="req/s",
        ),
        Figure(
            key="page_step_render_p99",
            label="respondent card page render p99 (32 clients)",
            value=round(page.p99_ms, 1),
            unit="ms",
        ),
        Figure(
            key="page_step_render_ratio_to_commit",
            label="card page req/s ÷ bare commit+template",
            value=round(page.per_second / commit.per_second, 3),
            unit="ratio",
        ),
    ]
