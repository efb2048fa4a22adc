"""4. The coordinator's results page, the report status poll and the cached PDF download."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import PASSWORD, Figure, answered_round, catalog, fresh_database, municipality
from bench.common import per_role as roles_for
from bench.server import Server
from service.domain.synthetic import WEAK

RESPONDENTS = 50
VIEWS = 7
PDF_WAIT = 180  # seconds the PDF may take to render on a loaded machine


def signed_in(url: str, email: str) -> httpx.Client:
    """A client with a coordinator's session (CSRF header on the sign-in, as the API wants)."""
    http = httpx.Client(base_url=url, timeout=60)
    http.get("/health")
    response = http.post(
        "/api/v1/session",
        json={"email": email, "password": PASSWORD},
        headers={"X-CSRFToken": http.cookies["kompass_csrf"]},
    )
    response.raise_for_status()
    return http


def timed(http: httpx.Client, path: str, expect: int) -> float:
    """Seconds for one GET of ``path``, which must answer ``expect``."""
    start = time.perf_counter()
    response = http.get(path)
    seconds = time.perf_counter() - start
    if response.status_code != expect:
        raise RuntimeError(f"GET {path}: {response.status_code} (expected {expect})")
    return seconds


def median_view(http: httpx.Client, path: str, expect: int = 200) -> float:
    """Median seconds over :data:`VIEWS` GETs after one warm-up."""
    timed(http, path, expect)
    return statistics.median(timed(http, path, expect) for _ in range(VIEWS))


def run() -> list[Figure]:
    """Results page with 0 and 2 earlier rounds, report polls, and the cached PDF."""
    cat = catalog()
    people = roles_for(RESPONDENTS)
    with tempfile.TemporaryDirectory(prefix="kompass-bench-") as name:
        tmp = Path(name)
        db = fresh_database(tmp / "kompass.db")
        # The same current round in two municipalities: one with no history, one with two
        # closed earlier rounds, so any difference is what the history costs.
        alone = municipality(db, "Ny kommune", "ny@kommune.no")
        first = answered_round(db, cat, alone, "Runde 2026", people, seed=11, close=False)
        history = municipality(db, "Erfaren kommune", "erfaren@kommune.no")
        for year, seed in ((2022, 21), (2024, 22)):
            answered_round(
                db, cat, history, f"Runde {year}", people, seed=seed, close=True, profile=WEAK
            )
        third = answered_round(db, cat, history, "Runde 2026", people, seed=11, close=False)
        db.close()
        server = Server.bench_app(tmp)
        try:
            new = signed_in(server.url, "ny@kommune.no")
            old = signed_in(server.url, "erfaren@kommune.no")
            page_alone = median_view(new, f"/rounds/{first.id}/results")
            page_history = median_view(old, f"/rounds/{third.id}/results")
            report = f"/rounds/{third.id}/report?lang=nb"
            # The first request starts the render; every later one is a poll until it is done.
            started = time.perf_counter()
            polls: list[float] = []
            while True:
                start = time.perf_counter()
                response = old.get(report)
                polls.append(time.perf_counter() - start)
                if response.status_code == 303:
                    break
                if response.status_code != 202 or time.perf_counter() - started > PDF_WAIT:
                    raise RuntimeError(f"report: {response.status_code} after {len(polls)} polls")
                time.sleep(0.5)
            ready = time.perf_counter() - started
            location = response.headers["location"]
            # Polls once the PDF exists: the same work a poll does, without a render beside it.
            poll_idle = median_view(old, report, expect=303)
            download = statistics.median(
                timed(old, report, 303) + timed(old, location, 200) for _ in range(VIEWS)
            )
            new.close()
            old.close()
        finally:
            server.stop()
    print(
        f"  results page: {page_alone * 1000:.0f} ms alone, {page_history * 1000:.0f} ms with"
        f" 2 earlier rounds; report ready after {ready:.1f} s and {len(polls)} polls"
        f" (median poll {statistics.median(polls) * 1000:.0f} ms while rendering,"
        f" {poll_idle * 1000:.0f} ms idle); cached download {download * 1000:.0f} ms"
    )
    return [
        Figure(
            key="results_page_ms",
            label=f"results page, {RESPONDENTS} respondents, 2 earlier rounds",
            value=round(page_history * 1000, 1),
            unit="ms",
            target=150,
            goal="max",
        ),
        Figure(
            key="results_page_history_ratio",
            label="results page with 2 earlier rounds ÷ with none",
            value=round(page_history / page_alone, 2),
            unit="ratio",
            target=1.2,
            goal="max",
        ),
        Figure(
            key="report_poll_ratio_to_page",
            label="report status poll ÷ results page (1 = rebuilds the model)",
            value=round(poll_idle / page_history, 2),
            unit="ratio",
            target=0.25,
            goal="max",
        ),
        Figure(
            key="report_poll_ms",
            label="report status poll (PDF ready, no render running)",
            value=round(poll_idle * 1000, 1),
            unit="ms",
        ),
        Figure(
            key="report_poll_while_rendering_ms",
            label="report status poll while the PDF renders (median)",
            value=round(statistics.median(polls) * 1000, 1),
            unit="ms",
        ),
        Figure(
            key="report_ready_seconds",
            label="PDF ready after first request (web, worker thread)",
            value=round(ready, 2),
            unit="s",
        ),
        Figure(
            key="pdf_cached_download_seconds",
            label="cached PDF: report request + download",
            value=round(download, 3),
            unit="s",
            target=0.2,
            goal="max",
        ),
    ]


if __name__ == "__main__":
    for figure in run():
        print(figure.key, figure.value, figure.unit, figure.met)
