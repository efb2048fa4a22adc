"""Log redaction: a respondent's personal token never reaches a log line.

Personal links (``/r/<token>``, ``/api/v1/respond/<token>``) are credentials. The filter
rewrites every record passing through a handler it is attached to, in its message and in
its arguments (uvicorn's access log keeps the path in the arguments).
"""

from __future__ import annotations

import logging
import re
from typing import Any

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


def redact_handlers(*loggers: logging.Logger) -> None:
    """Attach :class:`RedactTokens` to every handler of ``loggers`` (the root by default)."""
    for logger in loggers or (logging.getLogger(),):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with the redaction filter on its handlers."""
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415 - only the server needs uvicorn

    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": RedactTokens}},
        "handlers": {
            name: {**handler, "filters": ["redact"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
    }
    return config
