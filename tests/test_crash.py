"""A real server killed with SIGKILL mid-burst loses no acknowledged answer and no integrity.

Respondents send answers concurrently over loopback; each answer carries a unique comment,
so every 2xx acknowledgement can be looked up afterwards. The server is killed while the
burst (and an upload that never finishes) is in flight, then restarted on the same files.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from service.domain.rounds import NewRound, RoundStatus
from service.storage import accounts, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import Server, free_port, server_env

RESPONDENTS = 6
PER_RESPONDENT = 60  # bounded: at most 360 answers in the burst
KILL_AFTER_ACKS = 90
BURST_SECONDS = 60  # an upper bound; the kill comes long before
PDF_HEAD = b"%PDF-1.4\n" + b"0" * 200_000

NEW_ROUND = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)


def prepare(db_path: Path) -> list[str]:
    """An open round on the example questionnaire with one token per respondent."""
    db = open_database(db_path)
    migrate(db)
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    rnd = rounds.create_round(db, municipality.id, NEW_ROUND)
    rounds.set_status(db, rnd, RoundStatus.OPEN)
    tokens = [respondents.invite(db, rnd.id, "mayor")[1] for _ in range(RESPONDENTS)]
    db.close()
    return tokens


class Burst:
    """Concurrent answer submissions; remembers which comments were acknowledged."""

    def __init__(self, url: str, tokens: list[str]) -> None:
        self.url = url
        self.tokens = tokens
        self.acked: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.run, args=(t, i)) for i, t in enumerate(tokens)
        ]

    def run(self, token: str, n: int) -> None:
        url = f"{self.url}/api/v1/respond/{token}/indicators/1.1.1"
        levels = {"system": 3, "scope": 3, "results": 2, "evaluation": 1}
        deadline = time.monotonic() + BURST_SECONDS
        with httpx.Client(timeout=10) as http:
            try:
                for i in range(PER_RESPONDENT):
                    if self.stop.is_set() or time.monotonic() > deadline:
                        return
                    comment = f"r{n}-answer{i}"
                    response = http.put(url, json={"levels": levels, "comment": comment})
                    if 200 <= response.status_code < 300:
                        with self.lock:
                            self.acked.append(comment)
            except httpx.HTTPError:
                return  # the server died under us: whatever was not acknowledged may be lost

    def __enter__(self) -> Burst:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def count(self) -> int:
        with self.lock:
            return len(self.acked)


def hanging_upload(url: str, token: str, release: threading.Event) -> None:
    """An upload whose body stops half-way, as if the connection hung until the kill."""
    boundary = "kompassboundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="plan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        yield PDF_HEAD
        release.wait(60)

    with contextlib.suppress(httpx.HTTPError):  # the kill ends it; no answer is expected
        httpx.post(
            f"{url}/api/v1/respond/{token}/indicators/1.1.1/evidence",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            timeout=60,
        )


def stored_comments(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT comment FROM answers")}


def test_sigkill_mid_burst_loses_no_acknowledged_answer(tmp_path: Path, example_dir: Path) -> None:
    env = server_env(tmp_path, example_dir)
    db_path = Path(env["KOMPASS_DB"])
    partials = Path(env["KOMPASS_DATA_DIR"]) / "evidence" / "tmp"
    tokens = prepare(db_path)
    srv = Server(env, free_port())
    release = threading.Event()
    uploader = threading.Thread(target=hanging_upload, args=(srv.url, tokens[0], release))
    try:
        uploader.start()
        with Burst(srv.url, tokens) as burst:
            deadline = time.monotonic() + BURST_SECONDS
            while time.monotonic() < deadline and (
                burst.count() < KILL_AFTER_ACKS or not list(partials.glob("*.part"))
            ):
                time.sleep(0.01)
            srv.process.kill()  # SIGKILL: no shutdown hooks, no flushing
            srv.process.wait(timeout=30)
        acked = list(burst.acked)
    finally:
        release.set()
        uploader.join(timeout=30)
        srv.stop()

    assert len(acked) >= KILL_AFTER_ACKS, "the burst did not get going before the kill"
    assert len(acked) < RESPONDENTS * PER_RESPONDENT, "the kill came after the burst ended"
    assert list(partials.glob("*.part")), "the interrupted upload left no partial file to clean"

    restarted = Server(env, free_port())
    try:
        assert httpx.get(f"{restarted.url}/health", timeout=10).json()["database"] == "ok"
    finally:
        restarted.stop()

    missing = set(acked) - stored_comments(db_path)
    assert not missing, f"{len(missing)} acknowledged answers were lost: {sorted(missing)[:5]}"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
    assert not list(partials.glob("*.part")), "a partial upload survived the restart"
