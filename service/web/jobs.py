"""Work off the request path: one worker thread per kind of job, at most one run per key.

The PDF renderer (``renderer.ReportRenderer``) and the language model's summaries
(``summaries.SummaryJobs``) each own a ``Worker``: a slow model must never hold up a report,
and the model (often one local process) is asked for one round at a time anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock


class Worker:
    """Runs jobs one at a time on its own thread; remembers each key's last run."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._runs: dict[str, Future[object]] = {}
        self._lock = Lock()

    def ensure(self, key: str, job: Callable[..., object]) -> bool:
        """Start ``job`` for ``key`` unless one is queued or running; whether it was started.

        ``job`` is called without arguments (``...`` because callers bind values as lambda
        defaults, which mypy cannot match against ``Callable[[], object]``).
        """
        with self._lock:
            running = self._runs.get(key)
            if running is not None and not running.done():
                return False
            self._runs[key] = self._pool.submit(job)
            return True

    def last(self, key: str) -> Future[object] | None:
        """The latest run for ``key`` (queued, running or finished); None if there was none."""
        with self._lock:
            return self._runs.get(key)

    def running(self, key: str) -> bool:
        """Whether a run for ``key`` is queued or running."""
        run = self.last(key)
        return run is not None and not run.done()

    def failed(self, key: str) -> bool:
        """Whether the last run for ``key`` raised."""
        run = self.last(key)
        return (
            run is not None and run.done() and not run.cancelled() and run.exception() is not None
        )

    def shutdown(self) -> None:
        """Drop queued jobs, stop accepting work and wait for the current one."""
        self._pool.shutdown(wait=True, cancel_futures=True)
