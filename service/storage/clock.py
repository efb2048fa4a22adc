"""Timestamps as stored: UTC, ISO 8601, seconds."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """The current UTC time as stored in the database."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
