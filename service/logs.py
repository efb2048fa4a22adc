"""Log output: plain text for a terminal, or JSON lines for a municipality's log system.

``KOMPASS_LOG_FORMAT=json`` writes one JSON object per line (time in UTC, level, logger,
message, and the traceback as one string), for the service's own logs and uvicorn's.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec
from uvicorn.config import LOGGING_CONFIG

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry).decode()


def configure(level: str, fmt: str) -> None:
    """Set up the root logger for ``fmt`` (``text`` or ``json``) at ``level``."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def uvicorn_config(level: str, fmt: str) -> dict[str, Any]:
    """A ``log_config`` for uvicorn: its own for text, the same JSON lines for ``json``."""
    if fmt != "json":
        return dict(LOGGING_CONFIG)
    handler = {"class": "logging.StreamHandler", "formatter": "json"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": handler},
        "loggers": {
            name: {"handlers": ["default"], "level": level, "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
