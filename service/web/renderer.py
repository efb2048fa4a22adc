"""PDF rendering off the request path: one worker thread, and which reports are being made."""

from __future__ import annotations

from service.web.jobs import Worker


class ReportRenderer(Worker):
    """Renders PDFs one at a time on a worker thread; remembers which are being made.

    ``ensure(key, job)`` starts a render unless ``key`` is already being rendered;
    ``failed(key)`` says whether its last attempt raised (``jobs.Worker``).
    """

    def __init__(self) -> None:
        super().__init__("kompass-pdf")
