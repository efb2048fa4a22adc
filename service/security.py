"""Passwords and capability tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.domain.messages import N_
from service.errors import TooManyRequests

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
TOKEN_BYTES = 32
HASH_SLOTS = 2
"""Password hashes computed at once. Each takes 64 MiB, so 64 concurrent sign-ins would
otherwise take 4 GiB; two keep the server's memory flat and use the two cores."""
HASH_WAIT = 10.0
"""Seconds a sign-in waits for a free slot before it is told to retry."""
_SLOTS = threading.BoundedSemaphore(HASH_SLOTS)


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Hold one of the :data:`HASH_SLOTS`; raise :class:`TooManyRequests` if none frees up."""
    if not _SLOTS.acquire(timeout=HASH_WAIT):
        raise TooManyRequests(
            N_("Too many sign-ins at the same time. Try again in a few seconds."), retry_after=5
        )
    try:
        yield
    finally:
        _SLOTS.release()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    with hashing_slot():
        return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    with hashing_slot():
        try:
            return _HASHER.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def new_token() -> str:
    """An unguessable URL-safe token (256 bits) for a respondent's personal link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256 suffices, tokens carry 256 bits of entropy."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
