"""2. 200 respondents answering at once for 30 s, and 5. the server's memory then and on upload."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import (
    QUESTIONNAIRE,
    Figure,
    catalog,
    fresh_database,
    invite,
    municipality,
    open_round,
    per_role,
    percentile,
)
from bench.load import HttpRequest, answer_request
from bench.server import Server

RESPONDENTS = 200
SECONDS = 30
UPLOAD_BYTES = 25 * 1000 * 1000  # 25 MB, just under the default 25 MiB limit
MB = 1024 * 1024


class Tally:
    """What the simulated respondents saw."""

    def __init__(self) -> None:
        self.saved = 0
        self.failed = 0
        self.retried = 0
        self.latencies: list[float] = []
        self.failures: list[str] = []


async def respondent(
    http: httpx.AsyncClient, requests: list[HttpRequest], stop_at: float, tally: Tally
) -> None:
    """Answer one question after another (no pause: the harshest case) until ``stop_at``."""
    n = 0
    while time.monotonic() < stop_at:
        r = requests[n % len(requests)]
        n += 1
        start = time.perf_counter()
        response = None
        for attempt in range(2):
            try:
                response = await http.request(
                    r.method,
                    r.path,
                    content=r.body,
                    headers={"Content-Type": r.content_type} if r.content_type else {},
                )
                break
            except httpx.TransportError as exc:
                # A kept-alive connection the server closed (uvicorn: after 5 s idle) just as
                # the request went out; browsers retry once on a new connection, and so do we.
                # Had the first attempt been saved after all, the database would hold more
                # answers than were acknowledged, which is counted below.
                if attempt == 0:
                    tally.retried += 1
                    continue
                tally.failed += 1
                tally.failures.append(f"{type(exc).__name__}: {exc}")
        if response is None:
            continue
        tally.latencies.append(time.perf_counter() - start)
        if response.status_code in r.ok:
            tally.saved += 1
        else:
            tally.failed += 1
            tally.failures.append(f"{response.status_code}: {response.text[:200]}")


async def answer_for(url: str, people: list[list[HttpRequest]], seconds: float) -> Tally:
    """Every simulated respondent at once, on its own keep-alive connection."""
    tally = Tally()
    limits = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(respondent(http, reqs, stop_at, tally) for reqs in people))
    return tally


def upload_body(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes, padded by an attached file.

    The upload sniffs the type from the content and opens PDFs with pypdf, so the file must
    be a real PDF to be accepted (a header followed by padding was refused with 415 and then
    measured the refusal, not an upload).
    """
    import pypdf  # noqa: PLC0415 - only this benchmark writes PDFs

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("padding.bin", b"0" * max(0, size - 1000))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def chunks(data: bytes, size: int = 256 * 1024):  # type: ignore[no-untyped-def]
    """``data`` as a stream, as a browser sends a large file."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def upload_peak(server: Server, token: str, indicator: str) -> tuple[int, int, int]:
    """RSS before a 25 MB upload, its peak during it, and the response status."""
    before = server.rss()
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server.rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    kernel_peak = server.reset_peak()
    sampler.start()
    boundary = "kompassbenchboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nStort dokument\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stor.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + upload_body(UPLOAD_BYTES)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    try:
        response = httpx.post(
            f"{server.url}/api/v1/respond/{token}/indicators/{indicator}/evidence",
            content=chunks(body),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            timeout=120,
        )
    finally:
        done.set()
        sampler.join()
    if kernel_peak:
        peak = max(peak, server.status("VmHWM"))
    return before, peak, response.status_code


def run() -> list[Figure]:
    """Answers saved versus acknowledged, lock errors, RSS after the run and during an upload."""
    with tempfile.TemporaryDirectory(prefix="kompass-bench-") as name:
        tmp = Path(name)
        db = fresh_database(tmp / "kompass.db")
        rnd = open_round(db, municipality(db, "Bench kommune", "bench@kommune.no"), "Bench")
        roles = [role for role, n in per_role(RESPONDENTS).items() for _ in range(n)]
        people = invite(db, rnd.id, roles)
        db.close()
        q = catalog().get(QUESTIONNAIRE)
        assert q is not None
        plans = [
            [
                answer_request(token, ind, (k + n) % 4)
                for n, ind in enumerate(q.indicators_for_role(role))
            ]
            for k, (role, token) in enumerate(people)
        ]
        server = Server.bench_app(tmp)
        try:
            rss_start = server.rss()
            started = time.perf_counter()
            tally = asyncio.run(answer_for(server.url, plans, SECONDS))
            elapsed = time.perf_counter() - started
            rss_after = server.rss()
            before, peak, status = upload_peak(server, people[0][1], plans[0][0].path.split("/")[6])
            log = server.output()
        finally:
            server.stop()
        with sqlite3.connect(tmp / "kompass.db") as conn:
            stored = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    locked = log.lower().count("database is locked")
    errors_logged = log.count("Traceback") + log.count(" 500 ")
    print(
        f"  {RESPONDENTS} respondents, {elapsed:.1f} s: {tally.saved} saved, {tally.failed} failed,"
        f" {stored} in the database, {tally.saved / elapsed:.0f} answers/s,"
        f" p99 {percentile(tally.latencies, 99) * 1000:.0f} ms, {tally.retried} retried"
    )
    for failure in tally.failures[:5]:
        print(f"    failure: {failure}")
    print(
        f"  RSS: start {rss_start / MB:.1f} MB, after run {rss_after / MB:.1f} MB,"
        f" upload (status {status}) {before / MB:.1f} -> peak {peak / MB:.1f} MB"
    )
    if status != 201:
        print(f"  upload was refused with status {status}")
    return [
        Figure(
            key="concurrent_failed",
            label=f"{RESPONDENTS} respondents {SECONDS} s: failed requests",
            value=tally.failed,
            unit="requests",
            target=0,
            goal="max",
        ),
        Figure(
            key="concurrent_retried",
            label="requests retried once after a closed keep-alive connection",
            value=tally.retried,
            unit="requests",
        ),
        Figure(
            key="concurrent_lost",
            label="acknowledged answers missing from the database",
            value=max(0, tally.saved - stored),
            unit="answers",
            target=0,
            goal="max",
        ),
        Figure(
            key="concurrent_unacknowledged_extra",
            label="answers stored but not acknowledged",
            value=max(0, stored - tally.saved),
            unit="answers",
            target=0,
            goal="max",
        ),
        Figure(
            key="concurrent_database_locked",
            label="'database is locked' / server errors in the log",
            value=locked + errors_logged,
            unit="lines",
            target=0,
            goal="max",
        ),
        Figure(
            key="concurrent_answers_per_second",
            label=f"answers/s with {RESPONDENTS} respondents",
            value=round(tally.saved / elapsed, 1),
            unit="answers/s",
        ),
        Figure(
            key="concurrent_p99",
            label=f"answer p99 with {RESPONDENTS} respondents",
            value=round(percentile(tally.latencies, 99) * 1000, 1),
            unit="ms",
        ),
        Figure(
            key="rss_after_concurrent",
            label="server RSS after the concurrent run",
            value=round(rss_after / MB, 1),
            unit="MB",
        ),
        Figure(
            key="rss_growth_concurrent",
            label="server RSS growth over the concurrent run",
            value=round((rss_after - rss_start) / MB, 1),
            unit="MB",
            target=50,
            goal="max",
        ),
        Figure(
            key="rss_upload_25mb",
            label="server RSS above its level during a 25 MB upload"
            + ("" if status == 201 else f" (refused {status})"),
            value=round((peak - before) / MB, 1),
            unit="MB",
            target=5,
            goal="max",
        ),
    ]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for figure in run():
        print(figure.key, figure.value, figure.unit, figure.met)
