"""Marking user-facing messages in the domain without importing the i18n layer."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name extraction looks for
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message
