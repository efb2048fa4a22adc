"""Summaries by the language model over HTTP: the results page's button and the JSON API.

Thin adapters over ``service.summarising.write_summaries`` (the command line's
``kompass assist summarise`` calls the same). The page posts a form (CSRF) and is redirected
back to the results with what happened in the coordinator's language (POST, redirect, GET);
the API returns the use case's record, or 409 when no model is configured or the round has
switched it off.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import sqlite_utils
from litestar import Controller, Request, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, URLEncodedBody
from litestar.response import Redirect

from service import summarising
from service.domain.errors import Conflict
from service.domain.rounds import Round
from service.i18n import Translator
from service.settings import Settings
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep

Form = URLEncodedBody[dict[str, str]]
FLASH = "summarised"  # session key: what the last request for summaries did, shown once
COUNTS = ("written", "unchanged", "fell_back")


class SummariesIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which language to write the summaries in; the request's language when empty."""

    lang: Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)?$")] = ""


class SummaryPages(Controller):
    """The results page's "Write summaries with the language model" button."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @post("/summaries", sync_to_thread=True, status_code=303)
    def write(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Ask the model for the round's summaries, then show the results page with the outcome."""
        rnd = round_of(store, coordinator, round_id)
        lang = data.get("lang", "")
        if lang not in summarising.LANGS:
            lang = request_translator(request, rnd.locale).locale
        try:
            done = summarising.write_summaries(
                store.db(), catalog, rnd, lang, settings, by=coordinator
            )
            flash: dict[str, Any] = {"round": rnd.id, **msgspec.to_builtins(done)}
        except Conflict as exc:  # the button was stale: the model was switched off meanwhile
            flash = {"round": rnd.id, "error": exc.message}
        request.set_session({**(request.session or {}), FLASH: flash})
        return Redirect(f"/rounds/{rnd.id}/results#areas-h", status_code=303)


class SummaryApi(Controller):
    """``POST /api/v1/rounds/{round_id}/summaries`` for the signed-in coordinator (CSRF)."""

    path = "/api/v1/rounds/{round_id:int}"
    tags = ["coordinator"]  # noqa: RUF012 - Litestar reads controller settings from class attributes
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @post("/summaries", sync_to_thread=True, status_code=200)
    def write(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[SummariesIn],
    ) -> summarising.SummariesWritten:
        """Have the language model summarise each sub-question's comments; store them.

        409 when no language model is configured or the round has switched it off. When the
        model fails, nothing more is stored, ``fell_back`` counts the sub-questions that keep
        the built-in summary and ``notice`` says why.
        """
        rnd = round_of(store, coordinator, round_id)
        lang = data.lang or request_translator(request, rnd.locale).locale
        return summarising.write_summaries(store.db(), catalog, rnd, lang, settings, by=coordinator)


def results_context(
    request: Request[Any, Any, Any],
    db: sqlite_utils.Database,
    settings: Settings,
    rnd: Round,
    t: Translator,
) -> dict[str, Any]:
    """What the results page needs for the button and for the outcome of its last use.

    The button shows only when a model is configured and the round allows it; the outcome is
    read once from the session and translated into the page's language.
    """
    flash = request.session.get(FLASH) if request.session else None
    if flash is not None:
        request.set_session({k: v for k, v in request.session.items() if k != FLASH})
    lines = _outcome(flash, t) if isinstance(flash, dict) and flash.get("round") == rnd.id else []
    return {"summaries_form": summarising.can_write(db, settings, rnd), "summarised": lines}


def _outcome(flash: dict[str, Any], t: Translator) -> list[str]:
    """The outcome as sentences in the page's language (counts, then the model's notice)."""
    if flash.get("error"):
        return [t(str(flash["error"]))]
    if not flash.get("subquestions"):
        return [t("There are no comments to summarise yet.")]
    n = {k: v if isinstance(v := flash.get(k), int) else 0 for k in COUNTS}
    lines = []
    if n["written"]:
        lines.append(
            t.ngettext(
                "The language model wrote %(num)s summary.",
                "The language model wrote %(num)s summaries.",
                n["written"],
            )
        )
    if n["unchanged"]:
        lines.append(
            t.ngettext(
                "%(num)s summary was already written from the current comments.",
                "%(num)s summaries were already written from the current comments.",
                n["unchanged"],
            )
        )
    if n["fell_back"]:
        lines.append(
            t.ngettext(
                "%(num)s sub-question keeps the built-in summary.",
                "%(num)s sub-questions keep the built-in summary.",
                n["fell_back"],
            )
        )
    if flash.get("notice"):
        lines.append(str(flash["notice"]))
    return lines
