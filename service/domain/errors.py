"""Errors the service raises on purpose, each with a user-facing message.

They know nothing of HTTP: ``service.web.errors`` maps each kind to a status code. They live in
the domain so that its rules (round life cycle, dialog) can refuse with the same kinds the rest of
the service uses; ``service.errors`` re-exports them.
Messages are marked for extraction here and translated when rendered.
"""

from __future__ import annotations

from typing import Any


class KompassError(Exception):
    """Base: a message id (English source text) and the values for its placeholders."""

    kind = "invalid"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class InvalidInput(KompassError):
    """The request or file is malformed or breaks a rule."""

    kind = "invalid"


class NotFound(KompassError):
    """The thing asked for does not exist, or is not visible to the caller."""

    kind = "not_found"


class Forbidden(KompassError):
    """The caller may not do this."""

    kind = "forbidden"


class Conflict(KompassError):
    """The request clashes with the current state (e.g. a closed round)."""

    kind = "conflict"


class TooLarge(KompassError):
    """An upload exceeds the size limit."""

    kind = "too_large"


class UnsupportedType(KompassError):
    """An upload's content is of a type Kompass does not accept."""

    kind = "unsupported_type"


class TooManyRequests(KompassError):
    """Too many attempts, or too many at once: the caller should retry after a while.

    ``retry_after`` is in seconds (the web layer sends it as ``Retry-After``).
    """

    kind = "too_many"

    def __init__(self, message: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after
