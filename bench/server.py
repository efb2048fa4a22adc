"""A uvicorn process on loopback for the web benchmarks, with its resident memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(tmp: Path, **extra: str) -> dict[str, str]:
    """``KOMPASS_*`` settings for a served instance in ``tmp``."""
    return {
        "KOMPASS_DB": str(tmp / "kompass.db"),
        "KOMPASS_DATA_DIR": str(tmp / "data"),
        "KOMPASS_SECRET_KEY": "bench-" + "x" * 40,
        **extra,
    }


class Server:
    """``command`` (listening on ``port``) started in ``tmp``; its output goes to ``log``."""

    def __init__(self, env: dict[str, str], command: list[str], port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._out = log.open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=self._out, stderr=subprocess.STDOUT
        )
        self.ready_after = self._wait_healthy()

    @classmethod
    def bench_app(cls, tmp: Path, **extra: str) -> Server:
        """The production app plus the reference endpoints (``bench/app.py``)."""
        port = free_port()
        command = [sys.executable, "-m", "bench.app", str(port)]
        return cls(environment(tmp, **extra), command, port, tmp / "server.log")

    @classmethod
    def kompass_serve(cls, tmp: Path) -> Server:
        """Exactly ``kompass serve``, as an operator starts it."""
        port = free_port()
        command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
        return cls(environment(tmp), command, port, tmp / "serve.log")

    def _wait_healthy(self) -> float:
        """Seconds from process start to the first 200 from /health."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.HTTPError:
                time.sleep(0.01)
        self.stop()
        raise RuntimeError("server did not become healthy in 60 s")

    def status(self, field: str) -> int:
        """A field of /proc/PID/status in bytes (``VmRSS``, ``VmHWM``)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(field)

    def rss(self) -> int:
        """Resident memory now, in bytes."""
        return self.status("VmRSS")

    def reset_peak(self) -> bool:
        """Reset the kernel's peak-RSS mark (VmHWM) so the next peak is this phase's own."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def output(self) -> str:
        """What the server printed so far."""
        self._out.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
