"""One mapping from errors to responses: JSON for the API, a localized page for browsers.

Nothing unexpected reaches a user as a stack trace: unknown exceptions are logged
with their traceback and answered with a generic, localized 500.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.utils.scope.state import ScopeState

from service.errors import KompassError, TooManyRequests
from service.i18n import N_
from service.storage.db import is_busy
from service.web.context import render, request_translator

log = logging.getLogger("kompass")

STATUS_BY_KIND = {
    "invalid": HTTP_400_BAD_REQUEST,
    "not_found": HTTP_404_NOT_FOUND,
    "forbidden": HTTP_403_FORBIDDEN,
    "conflict": HTTP_409_CONFLICT,
    "too_large": HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_type": HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    "too_many": HTTP_429_TOO_MANY_REQUESTS,
}

GENERIC = {
    HTTP_400_BAD_REQUEST: N_("The request could not be understood."),
    HTTP_401_UNAUTHORIZED: N_("Please sign in to continue."),
    HTTP_403_FORBIDDEN: N_("You do not have access to this page."),
    HTTP_404_NOT_FOUND: N_("The page you asked for does not exist."),
    405: N_("This action is not allowed here."),
    HTTP_409_CONFLICT: N_("This cannot be done in the current state."),
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: N_("The upload is too large."),
    HTTP_415_UNSUPPORTED_MEDIA_TYPE: N_("This type of content is not accepted."),
    HTTP_429_TOO_MANY_REQUESTS: N_("Too many requests. Please wait a moment and try again."),
    HTTP_500_INTERNAL_SERVER_ERROR: N_(
        "Something went wrong on our side. Nothing you saved was lost."
    ),
    HTTP_503_SERVICE_UNAVAILABLE: N_(
        "Kompass is busy right now and did not save this. Please send it again in a moment."
    ),
}

RETRY_AFTER_SECONDS = 2
"""What a busy response asks the client to wait before sending the same request again."""


CSRF_FAILED = N_(
    "The form has expired or was not sent from Kompass. Reload the page and try again."
)
INVALID_FIELD = N_("The request could not be understood: %(field)s is missing or invalid.")


class ApiError(msgspec.Struct):
    """Body of every API error response."""

    status: int
    error: str
    message: str


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def _status_and_message(request: Request[Any, Any, Any], exc: Exception) -> tuple[int, str, str]:
    t = request_translator(request)
    if isinstance(exc, KompassError):
        status = STATUS_BY_KIND[exc.kind]
        return status, exc.kind, t.gettext(exc.message, **exc.params)
    if isinstance(exc, ValidationException):
        fields = [
            str(e.get("key")) for e in (exc.extra or []) if isinstance(e, dict) and e.get("key")
        ]
        if fields:
            return (
                HTTP_400_BAD_REQUEST,
                "invalid",
                t.gettext(INVALID_FIELD, field=", ".join(fields)),
            )
        return HTTP_400_BAD_REQUEST, "invalid", t.gettext(GENERIC[HTTP_400_BAD_REQUEST])
    if isinstance(exc, NotAuthorizedException):
        return HTTP_401_UNAUTHORIZED, "unauthorized", t.gettext(GENERIC[HTTP_401_UNAUTHORIZED])
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        return HTTP_403_FORBIDDEN, "csrf", t.gettext(CSRF_FAILED)
    if isinstance(exc, PermissionDeniedException):
        return HTTP_403_FORBIDDEN, "forbidden", t.gettext(GENERIC[HTTP_403_FORBIDDEN])
    if isinstance(exc, NotFoundException):
        return HTTP_404_NOT_FOUND, "not_found", t.gettext(GENERIC[HTTP_404_NOT_FOUND])
    if is_busy(exc):
        # A lock held past the busy timeout: the transaction was rolled back, nothing is
        # half-saved, and the same request will very likely succeed a moment later.
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        return (
            HTTP_503_SERVICE_UNAVAILABLE,
            "busy",
            t.gettext(GENERIC[HTTP_503_SERVICE_UNAVAILABLE]),
        )
    if isinstance(exc, HTTPException) and exc.status_code < HTTP_500_INTERNAL_SERVER_ERROR:
        status = exc.status_code
        message = GENERIC.get(status, GENERIC[HTTP_400_BAD_REQUEST])
        return status, "invalid", t.gettext(message)
    if isinstance(exc, RecursionError):
        # msgspec refuses JSON nested deeper than the interpreter can follow.
        return HTTP_400_BAD_REQUEST, "invalid", t.gettext(GENERIC[HTTP_400_BAD_REQUEST])
    if isinstance(exc, OverflowError):
        # A number beyond what SQLite stores, in a place the id check cannot see (a body).
        log.warning("number out of range on %s %s: %s", request.method, request.url.path, exc)
        return HTTP_400_BAD_REQUEST, "invalid", t.gettext(GENERIC[HTTP_400_BAD_REQUEST])
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return (
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal",
        t.gettext(GENERIC[HTTP_500_INTERNAL_SERVER_ERROR]),
    )


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Turn any exception into a localized 4xx/5xx response without internals."""
    status, kind, message = _status_and_message(request, exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if status == HTTP_503_SERVICE_UNAVAILABLE:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    if status == HTTP_401_UNAUTHORIZED and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?{urlencode({'next': target})}", status_code=303)
    if _wants_json(request):
        return Response(
            ApiError(status=status, error=kind, message=message),
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    retry = _resend_form(request) if status == HTTP_503_SERVICE_UNAVAILABLE else None
    page: Template = render(
        request,
        "error.html",
        status_code=status,
        status=status,
        message=message,
        retry_action=request.url.path if retry is not None else None,
        retry_fields=retry or [],
    )
    page.headers.update(headers)
    return page


def _resend_form(request: Request[Any, Any, Any]) -> list[tuple[str, str]] | None:
    """The fields of a form POST that was not saved, so the error page can send them again.

    Litestar keeps the body it read for the handler; only URL-encoded forms are offered
    again (a streamed upload is not kept, and must be chosen again).
    """
    if request.method != "POST" or not request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        return None
    body = ScopeState.from_scope(request.scope).body
    if not isinstance(body, bytes):
        return None
    return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
