"""A new personal link shown once after a redirect, without keeping it on the server.

After an invitation the coordinator is redirected to the round page (post/redirect/get,
so a reload invites nobody twice), which shows the link once. The link travels to that
page in a short-lived, signed, HttpOnly cookie scoped to the round's path, never in the
session file: the server holds no plain token beyond the response that shows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie

COOKIE = "kompass_new_link"
MAX_AGE = 300
"""Seconds the link waits for the redirect that shows it."""


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def link_cookie(
    secret: str, secure: bool, coordinator_id: int, round_id: int, respondent_id: int, link: str
) -> Cookie:
    """The cookie carrying ``link`` to the next view of round ``round_id``."""
    payload = base64.urlsafe_b64encode(
        json.dumps({"c": coordinator_id, "r": round_id, "p": respondent_id, "l": link}).encode()
    ).decode()
    return Cookie(
        key=COOKIE,
        value=f"{payload}.{_sign(secret, payload)}",
        path=f"/rounds/{round_id}",
        max_age=MAX_AGE,
        httponly=True,
        secure=secure,
        samesite="strict",
    )


def read_link(
    request: Request[Any, Any, Any], secret: str, coordinator_id: int, round_id: int
) -> tuple[int, str] | None:
    """(respondent id, link) if the request carries a valid link cookie for this round."""
    raw = request.cookies.get(COOKIE, "")
    payload, _, signature = raw.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
        if data["c"] != coordinator_id or data["r"] != round_id:
            return None
        return int(data["p"]), str(data["l"])
    except (ValueError, KeyError, TypeError):
        return None


def expired_cookie(round_id: int) -> Cookie:
    """Removes the link cookie once it has been shown."""
    return Cookie(key=COOKIE, value="", path=f"/rounds/{round_id}", max_age=0, httponly=True)
