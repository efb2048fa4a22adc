"""Server-side sessions that are written only when there is something to keep.

Litestar's server-side backend stores the session of every response, and a request without
a session cookie has an empty one: so every respondent request, health probe and static
file wrote a new file to ``data/sessions`` (kept for the session's 8 hours, never read
again) and sent a new session cookie. Only coordinators who sign in need a session.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession


class LazySessionBackend(ServerSideSessionBackend):
    """Skips storing an empty session for a client that never had one."""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        """Store the session as Litestar does, unless it is empty and the client had none."""
        # Litestar ends a session with the cookie value "null" (which the browser keeps), and
        # treats that value as no session at all; so do we.
        if not scope_session and connection.cookies.get(self.config.key, "null") == "null":
            return  # nothing to keep, and no session to clear
        await super().store_in_message(scope_session, message, connection)


class LazySessionConfig(ServerSideSessionConfig):
    """:class:`ServerSideSessionConfig` with :class:`LazySessionBackend`."""

    _backend_class = LazySessionBackend
