"""Per-request helpers: the locale, its translator, and template rendering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.response import Template

from service.i18n import SUPPORTED, Translator, negotiate, translator
from service.settings import Settings

LANG_COOKIE = "kompass_lang"
LANG_PARAM = "lang"


def settings_of(state: State) -> Settings:
    """The settings the app was created with."""
    settings: Settings = state.settings
    return settings


def request_locale(
    request: Request[Any, Any, Any],
    default: str | None = None,
    within: Sequence[str] | None = None,
) -> str:
    """The locale for this request: explicit choice, then Accept-Language, then the default.

    ``within``: the languages the page's content exists in (a questionnaire's); the browser's
    preference counts only among them (see :func:`service.i18n.negotiate`).
    """
    cached: str | None = request.scope.get("state", {}).get("kompass_locale")
    if cached:
        return cached
    choice = request.query_params.get(LANG_PARAM) or request.cookies.get(LANG_COOKIE)
    fallback = default or settings_of(request.app.state).locale
    locale = negotiate(choice, request.headers.get("accept-language"), fallback, within)
    request.scope.setdefault("state", {})["kompass_locale"] = locale
    return locale


def request_translator(
    request: Request[Any, Any, Any],
    default: str | None = None,
    within: Sequence[str] | None = None,
) -> Translator:
    """The translator for this request's locale."""
    return translator(request_locale(request, default, within))


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    default_locale: str | None = None,
    content_locales: Sequence[str] | None = None,
    **context: Any,
) -> Template:
    """Render ``template`` with the request's translator bound as ``_``/``gettext``."""
    t = request_translator(request, default_locale, content_locales)
    response = Template(
        template_name=template,
        status_code=status_code,
        context={
            "t": t,
            "_": t.gettext,
            "gettext": t.gettext,
            "ngettext": t.ngettext,
            "locale": t.locale,
            "locales": SUPPORTED,
            "request_path": request.url.path,
            **context,
        },
    )
    choice = request.query_params.get(LANG_PARAM)
    if choice and choice == t.locale:
        response.set_cookie(LANG_COOKIE, t.locale, max_age=365 * 24 * 3600, samesite="lax")
    return response
