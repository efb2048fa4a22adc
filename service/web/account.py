"""The signed-in coordinator's own account: change the password.

A changed password ends every other session of the account (``credentials_changed_at``);
the session that changed it continues, re-stamped as begun now.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import URLEncodedBody
from litestar.response import Template

from service import account
from service.errors import KompassError
from service.web.auth import SignedIn, current_coordinator
from service.web.context import render, request_translator
from service.web.deps import StoreDep
from service.web.sessions import STARTED


class AccountPages(Controller):
    """``/account``: the password form."""

    path = "/account"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/", sync_to_thread=False)
    def page(self, request: Request[Any, Any, Any], coordinator: SignedIn) -> Template:
        """The form to change one's password."""
        return render(request, "account.html", coordinator=coordinator, error=None, done=False)

    @post("/password", sync_to_thread=True, status_code=200)
    def change_password(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        coordinator: SignedIn,
        data: URLEncodedBody[dict[str, str]],
    ) -> Template:
        """Check the current password, store the new one, end the account's other sessions."""
        t = request_translator(request)
        try:
            account.change_password(
                store.db(),
                coordinator.id,
                data.get("current", ""),
                data.get("new", ""),
                data.get("confirm", ""),
            )
        except KompassError as exc:
            return render(
                request,
                "account.html",
                status_code=400,
                coordinator=coordinator,
                error=t(exc.message, **exc.params),
                done=False,
            )
        # This session goes on as if begun now; sessions begun earlier end.
        request.set_session({k: v for k, v in request.session.items() if k != STARTED})
        return render(request, "account.html", coordinator=coordinator, error=None, done=True)
