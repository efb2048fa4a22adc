"""Server-side sessions that resist fixation and leave nothing behind for anonymous visitors.

Litestar's stock server-side backend adopts any cookie value as a session id and writes a
session file for every response, even an empty one. This backend differs in four ways:

* an id is used only if the store holds a live session under it; a planted or stale cookie
  value is never adopted, a fresh random id is generated instead;
* the id changes whenever the signed-in coordinator changes (sign-in, sign-out), so an id
  known before sign-in is worthless after it;
* nothing is written for an empty session, so ``/health``, ``/static``, ``/login`` and
  401s create no file;
* a session ends after :data:`ABSOLUTE_LIFETIME` however active it is (besides the idle
  ``max_age``), and expired files are swept every :data:`SWEEP_INTERVAL`;
* an unchanged session is written again only when its last write is :data:`REFRESH_AFTER`
  old (to push its idle expiry on), not on every response.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.utils.dataclass import extract_dataclass_items

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.stores.base import Store
    from litestar.types import Message, ScopeSession

IDLE_LIFETIME = 8 * 3600
"""Seconds without a request after which a session ends."""
ABSOLUTE_LIFETIME = 12 * 3600
"""Seconds after sign-in after which a session ends, however active."""
SWEEP_INTERVAL = 600.0
"""Seconds between sweeps of expired session files."""
STARTED = "_started"
"""Session key holding the time (epoch seconds) the session began."""
WHO = "coordinator_id"
"""Session key naming the signed-in coordinator; a change of it means a new session id."""
STORED = "_stored"
"""Session key holding the time (epoch seconds) the session file was last written."""
REFRESH_AFTER = 60.0
"""Seconds after which an unchanged session is written again, so that its idle expiry
(``max_age``, counted from the last write) follows the coordinator's activity within a
minute. Writing it on every response cost each signed-in request a file write: a third of
a report status poll (docs/performance.md)."""

_LOADED_ID = "kompass_session_id"
_LOADED_WHO = "kompass_session_who"
_LOADED_DATA = "kompass_session_data"


class KompassSessionBackend(ServerSideSessionBackend):
    """The server-side backend with fixation defence, lazy creation and absolute expiry."""

    def __init__(self, config: KompassSessionConfig) -> None:
        super().__init__(config=config)
        self._next_sweep = 0.0

    @staticmethod
    def _state(connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        state: dict[str, Any] = connection.scope.setdefault("state", {})
        return state

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        """The live session named by the cookie, or ``{}``; remembers which id was live."""
        session_id = connection.cookies.get(self.config.key)
        if not session_id or session_id == "null":
            return {}
        store = self.config.get_store_from_app(connection.scope["app"])
        data = await self.get(session_id, store=store)
        if data is None:
            return {}
        session = self.deserialize_data(data)
        started = session.get(STARTED)
        if not isinstance(started, int | float) or time.time() - started > ABSOLUTE_LIFETIME:
            await self.delete(session_id, store=store)
            return {}
        state = self._state(connection)
        state[_LOADED_ID] = session_id
        state[_LOADED_WHO] = session.get(WHO)
        state[_LOADED_DATA] = dict(session)
        return session

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        """The id of the live session loaded for this request, else a new random one.

        Unlike the stock backend, the cookie's value is never taken on trust.
        """
        state = self._state(connection)
        loaded = state.get(_LOADED_ID)
        if isinstance(loaded, str):
            return loaded
        fresh = state.get("kompass_session_new")
        if not isinstance(fresh, str):
            fresh = self.generate_session_id()
            state["kompass_session_new"] = fresh
        return fresh

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        """Write the session (under a new id if the coordinator changed) or drop it."""
        store = self.config.get_store_from_app(connection.scope["app"])
        await self._sweep(store)
        state = self._state(connection)
        loaded = state.get(_LOADED_ID)
        had_cookie = bool(connection.cookies.get(self.config.key))
        headers = MutableScopeHeaders.from_message(message)
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        # Kompass keeps plain dicts in sessions; anything else (Empty, None) means none.
        if not isinstance(scope_session, dict) or not scope_session:
            if isinstance(loaded, str):
                await self.delete(loaded, store=store)
            if had_cookie:
                expired = Cookie(value="null", key=self.config.key, expires=0, **params)
                headers.add("Set-Cookie", expired.to_header(header=""))
            return
        session = dict(scope_session)
        rotate = not isinstance(loaded, str) or session.get(WHO) != state.get(_LOADED_WHO)
        if rotate:
            if isinstance(loaded, str):
                await self.delete(loaded, store=store)
            session_id = self.generate_session_id()
            session[STARTED] = time.time()
        else:
            session_id = str(loaded)
            session.setdefault(STARTED, time.time())
        if rotate or _needs_write(session, state.get(_LOADED_DATA)):
            session[STORED] = time.time()
            await self.set(session_id, self.serialize_data(session), store=store)
        cookie = Cookie(value=session_id, key=self.config.key, **params)
        headers.add("Set-Cookie", cookie.to_header(header=""))

    async def _sweep(self, store: Store) -> None:
        """Delete expired session files now and then (the store only drops them on access)."""
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_INTERVAL
        delete_expired = getattr(store, "delete_expired", None)
        if delete_expired is not None:
            await delete_expired()


def _needs_write(session: dict[str, Any], loaded: object) -> bool:
    """Whether the session differs from what was loaded, or was last written too long ago."""
    if not isinstance(loaded, dict):
        return True
    stored = loaded.get(STORED)
    if not isinstance(stored, int | float) or time.time() - stored >= REFRESH_AFTER:
        return True
    return {k: v for k, v in session.items() if k != STORED} != {
        k: v for k, v in loaded.items() if k != STORED
    }


@dataclass
class KompassSessionConfig(ServerSideSessionConfig):
    """Configuration selecting :class:`KompassSessionBackend`."""

    _backend_class = KompassSessionBackend  # type: ignore[assignment]
    key: str = field(default="kompass_session")
    max_age: int = field(default=IDLE_LIFETIME)
