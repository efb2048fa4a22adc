"""PDF rendering off the request path: one worker thread, and which reports are being made."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock
from typing import Any


class ReportRenderer:
    """Renders PDFs one at a time on a worker thread; remembers which are being made."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kompass-pdf")
        self._running: dict[str, Future[object]] = {}
        self._lock = Lock()

    def ensure(self, key: str, job: Any) -> None:
        """Start rendering ``key`` unless it is already being rendered."""
        with self._lock:
            running = self._running.get(key)
            if running is not None and not running.done():
                return
            self._running[key] = self._pool.submit(job)

    def failed(self, key: str) -> bool:
        """Whether the last attempt to render ``key`` raised."""
        with self._lock:
            running = self._running.get(key)
        return running is not None and running.done() and running.exception() is not None

    def shutdown(self) -> None:
        """Stop accepting work and wait for the current render."""
        self._pool.shutdown(wait=True, cancel_futures=True)
