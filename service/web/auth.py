"""Coordinator sign-in with server-side sessions; every coordinator page depends on it."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from service.errors import NotFound, TooManyRequests
from service.storage import accounts, audit, rounds
from service.storage.db import Store
from service.throttle import Throttle
from service.web.context import render, request_translator
from service.web.deps import StoreDep, ThrottleDep
from service.web.sessions import STARTED

SESSION_KEY = "coordinator_id"
# Handlers take the signed-in coordinator as this explicitly named dependency.
SignedIn = NamedDependency[accounts.Coordinator]


def current_coordinator(request: Request[Any, Any, Any], store: StoreDep) -> accounts.Coordinator:
    """The signed-in coordinator; 401 (a redirect to sign-in for browsers) otherwise."""
    coordinator_id = request.session.get(SESSION_KEY) if request.session else None
    if not isinstance(coordinator_id, int):
        raise NotAuthorizedException()
    try:
        coordinator = accounts.get_coordinator(store.db(), coordinator_id)
    except NotFound:
        request.clear_session()
        raise NotAuthorizedException() from None
    started = request.session.get(STARTED)
    began = started if isinstance(started, int | float) else 0.0
    if coordinator.disabled_at or began < coordinator.credentials_changed_at:
        # Disabled, or the password changed since this session began.
        request.clear_session()
        raise NotAuthorizedException()
    return coordinator


def round_of(store: StoreDep, coordinator: accounts.Coordinator, round_id: int) -> rounds.Round:
    """A round of the coordinator's municipality; any other municipality's round is not found."""
    return rounds.get_round(store.db(), coordinator.municipality_id, round_id)


def check_sign_in(
    request: Request[Any, Any, Any], store: Store, throttle: Throttle, email: str, password: str
) -> accounts.Coordinator | None:
    """The coordinator if the credentials match, else None; throttled and audited.

    The sign-in page and the API's session endpoint both sign in through here, so every
    attempt is throttled per account and client address (:class:`TooManyRequests`, 429 with
    ``Retry-After``, past either limit) and recorded once in the audit trail.
    """
    address = request.client.host if request.client else "unknown"
    throttle.attempt(email, address)
    coordinator = accounts.authenticate(store.db(), email, password)
    audit.sign_in(store.db(), email, coordinator, address)
    if coordinator is not None:
        throttle.succeeded(email, address)
    return coordinator


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if not target:
        return "/rounds"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/rounds"
    return target


@get("/login", sync_to_thread=False, include_in_schema=False)
def login_page(
    request: Request[Any, Any, Any],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Template:
    """The sign-in form."""
    return render(request, "login.html", next=_safe_next(next_path), error=None, email="")


@post("/login", sync_to_thread=True, include_in_schema=False, status_code=303)
def login(
    request: Request[Any, Any, Any],
    store: StoreDep,
    throttle: ThrottleDep,
    data: URLEncodedBody[dict[str, str]],
) -> Redirect | Template:
    """Check the credentials; start a session on success."""
    email = data.get("email", "")
    t = request_translator(request)
    try:
        coordinator = check_sign_in(request, store, throttle, email, data.get("password", ""))
    except TooManyRequests as exc:
        page = render(
            request,
            "login.html",
            status_code=429,
            next=_safe_next(data.get("next")),
            error=t(exc.message, **exc.params),
            email=email,
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if coordinator is None:
        return render(
            request,
            "login.html",
            status_code=401,
            next=_safe_next(data.get("next")),
            error=t("The e-mail address or password is wrong."),
            email=email,
        )
    request.clear_session()
    request.set_session({SESSION_KEY: coordinator.id})
    return Redirect(_safe_next(data.get("next")), status_code=303)


@post("/logout", sync_to_thread=False, include_in_schema=False, status_code=303)
def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session."""
    request.clear_session()
    return Redirect("/", status_code=303)
