"""Limits on sign-in attempts per account and per client address (sliding windows, in memory).

An attempt is counted *before* the password is checked, so a burst of concurrent guesses
is limited as well as a slow series; a successful sign-in takes its attempt back and
clears the account's count. The state lives in the process: a restart forgives, which
is acceptable for a single-process service (see docs/security.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from service.domain.messages import N_
from service.errors import TooManyRequests

TOO_MANY_ATTEMPTS = N_("Too many sign-in attempts. Try again in %(minutes)s minutes.")

WINDOW = 15 * 60
"""Seconds an attempt is remembered."""
ACCOUNT_LIMIT = 5
"""Attempts per e-mail address within :data:`WINDOW`."""
ADDRESS_LIMIT = 20
"""Attempts per client address within :data:`WINDOW` (offices share one address)."""
MAX_KEYS = 100_000
"""Keys remembered at most, so rotating e-mail addresses cannot grow memory without bound."""


class Throttle:
    """Thread-safe sliding-window counters keyed by account and by client address."""

    def __init__(
        self,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window: float = WINDOW,
    ) -> None:
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def attempt(self, account: str, address: str) -> None:
        """Count a sign-in attempt; raise :class:`TooManyRequests` (not counted) over a limit."""
        keys = [
            (f"account:{account.strip().lower()}", self.account_limit),
            (f"address:{address}", self.address_limit),
        ]
        now = time.monotonic()
        with self._lock:
            wait = 0.0
            for key, limit in keys:
                seen = self._recent(key, now)
                if len(seen) >= limit:
                    wait = max(wait, seen[0] + self.window - now)
            if wait > 0:
                raise TooManyRequests(
                    TOO_MANY_ATTEMPTS,
                    retry_after=math.ceil(wait),
                    minutes=max(1, math.ceil(wait / 60)),
                )
            if len(self._attempts) >= MAX_KEYS:
                self._forget_expired(now)
            for key, _ in keys:
                self._attempts.setdefault(key, deque()).append(now)

    def succeeded(self, account: str, address: str) -> None:
        """A correct password: clear the account's attempts and take back the address's one."""
        with self._lock:
            self._attempts.pop(f"account:{account.strip().lower()}", None)
            seen = self._attempts.get(f"address:{address}")
            if seen:
                seen.pop()

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._attempts.get(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def _forget_expired(self, now: float) -> None:
        for key in list(self._attempts):
            if not self._recent(key, now):
                del self._attempts[key]
        # Still full of live keys: forget the oldest half rather than grow.
        if len(self._attempts) >= MAX_KEYS:
            oldest = sorted(self._attempts, key=lambda k: self._attempts[k][-1])
            for key in oldest[: MAX_KEYS // 2]:
                del self._attempts[key]
