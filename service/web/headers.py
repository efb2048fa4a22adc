"""Security headers on every response, set in one place (a ``before_send`` hook).

The content security policy allows scripts, styles, fonts and images from Kompass itself
only; the templates carry no inline ``<script>``, ``style=`` or ``on…=`` attribute, so none
is needed. Pages, exports and API answers hold municipal data and personal links, so they
must not be cached (``no-store``); only ``/static`` may be. HSTS is sent only when the
service is reached over HTTPS (by its public address or the request's scheme), since a
browser ignores it over plain HTTP and a wrong one would lock out a test install.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ALWAYS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    # Personal links carry their token in the path: never send it on as a referrer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/static/"


def security_headers(public_url: str) -> Any:
    """A ``before_send`` hook adding the headers; HSTS if ``public_url`` is HTTPS."""
    https_public = public_url.startswith("https://")

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in ALWAYS.items():
            headers[name] = value
        if not str(scope.get("path", "")).startswith(STATIC_PREFIX):
            headers["Cache-Control"] = "no-store"
        if https_public or scope.get("scheme") == "https":
            headers["Strict-Transport-Security"] = HSTS

    return before_send
