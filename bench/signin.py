"""Memory under a burst of concurrent sign-ins: `uv run python -m bench.signin`.

Starts `kompass serve` on loopback with a temporary database, sends 64 concurrent wrong
sign-ins (bounded to 60 s) and reports how much the server's peak resident memory grew.
Before issue 10 this was about 400 MB (argon2 takes 64 MiB per hash, all at once); with
the throttle and at most two hashes at a time the target is under 200 MB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

CONCURRENT = 64
TARGET_MB = 200.0


def peak_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    """Run the burst; exit 1 if the peak grew more than the target."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        db = open_database(db_path)
        migrate(db)
        home = accounts.create_municipality(db, "Bench", "NO", "nb")
        accounts.create_coordinator(db, home.id, "k@bench.no", "correct horse battery")
        db.close()
        port = 8765
        env = {
            **os.environ,
            "KOMPASS_DB": str(db_path),
            "KOMPASS_DATA_DIR": str(Path(tmp) / "data"),
            "KOMPASS_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            before = peak_mb(server.pid)

            def attempt(n: int) -> int:
                with httpx.Client(base_url=base, timeout=60) as http:
                    http.get("/health")
                    response = http.post(
                        "/api/v1/session",
                        json={"email": f"k{n}@bench.no", "password": f"wrong {n}"},
                        headers={"X-CSRFToken": http.cookies["kompass_csrf"]},
                    )
                    return response.status_code

            start = time.monotonic()
            with ThreadPoolExecutor(CONCURRENT) as pool:
                statuses = list(pool.map(attempt, range(CONCURRENT)))
            seconds = time.monotonic() - start
            grown = peak_mb(server.pid) - before
        finally:
            server.terminate()
            server.wait(timeout=15)
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    verdict = "ok" if grown <= TARGET_MB else "TOO MUCH"
    print(
        f"{CONCURRENT} concurrent sign-ins in {seconds:.1f}s, answers {counts}: "
        f"peak memory +{grown:.0f} MB (target {TARGET_MB:.0f} MB) {verdict}"
    )
    return 0 if grown <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
