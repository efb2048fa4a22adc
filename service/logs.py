"""Log output: plain text or JSON lines, and never a respondent's personal token.

``KOMPASS_LOG_FORMAT=json`` writes one JSON object per line (time in UTC, level, logger,
message, and the traceback as one string), for the service's own logs and uvicorn's.

Personal links (``/r/<token>``, ``/api/v1/respond/<token>``) are credentials. A filter on
every handler rewrites each record, in its message and in its arguments (uvicorn's access
log keeps the path in the arguments), before any formatter sees it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import msgspec
from uvicorn.config import LOGGING_CONFIG

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
TOKEN_IN_PATH = re.compile(r"(/r/|/respond/)[A-Za-z0-9_\-]{8,}")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    """``text`` with every personal token in a path replaced by ``[token]``."""
    return TOKEN_IN_PATH.sub(REDACTED, text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """A handler filter that redacts tokens; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; always keep it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


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
            entry["exception"] = redact(self.formatException(record.exc_info))
        return msgspec.json.encode(entry).decode()


def configure(level: str, fmt: str) -> None:
    """Set up the root logger for ``fmt`` (``text`` or ``json``) at ``level``, tokens redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def redact_handlers(*loggers: logging.Logger) -> None:
    """Attach :class:`RedactTokens` to every handler of ``loggers`` (the root by default)."""
    for logger in loggers or (logging.getLogger(),):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())


def uvicorn_config(level: str, fmt: str) -> dict[str, Any]:
    """A ``log_config`` for uvicorn: its own for text, JSON lines for ``json``; tokens redacted."""
    filters = {"redact": {"()": RedactTokens}}
    if fmt != "json":
        return {
            **LOGGING_CONFIG,
            "filters": filters,
            "handlers": {
                name: {**handler, "filters": ["redact"]}
                for name, handler in LOGGING_CONFIG["handlers"].items()
            },
        }
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": filters,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": handler},
        "loggers": {
            name: {"handlers": ["default"], "level": level, "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
