"""The assistant over HTTP: the card's panel (pages and JSON) and the JSON API.

Thin adapters over ``service.assisting``. The page routes answer a browser without
JavaScript with a small page of their own (``templates/assist/*.html``) and answer
``assist.js`` with JSON when it asks for ``application/json``. Like the card, they are reached
through the respondent's personal link and exempt from CSRF (the link is the credential).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from service import answering, assisting
from service.domain.answers import IndicatorAnswer, Status
from service.domain.assistant import CheckResult, EvidenceCheck, Explanation, Interpretation
from service.domain.questionnaire import Dimension, Indicator
from service.errors import InvalidInput, NotFound
from service.settings import Settings
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.uploads import NO_CSRF

Form = URLEncodedBody[dict[str, str]]
LangIn = Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)?$")]
LevelIn = Annotated[int, msgspec.Meta(ge=0, le=4)]


def card_href(token: str, indicator: str) -> str:
    """The card of an indicator (``service/web/respond.py``), where the proposal is confirmed."""
    return f"/r/{token}/i/{indicator}"


class InterpretIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Free text about the indicator, in the respondent's own words (at most 5000 characters)."""

    text: str
    lang: LangIn = ""  # the respondent's language; empty: the request's


class ExplainIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A question about a term, the indicator, or what counts as evidence (at most 500 characters)."""

    question: str
    lang: LangIn = ""


class CheckIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The card as it is about to be saved; ``null`` level = don't know."""

    status: Status = Status.ANSWERED
    levels: dict[Dimension, LevelIn | None] = msgspec.field(default_factory=dict)
    comment: str = ""
    pending_evidence: Annotated[int, msgspec.Meta(ge=0, le=20)] = 0
    lang: LangIn = ""


class EvidenceCheckIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which language the hints should be in."""

    lang: LangIn = ""


class LlmSwitchIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The coordinator's per-round choice: may the configured language model be used?"""

    llm_allowed: bool


class LlmSwitchOut(msgspec.Struct, frozen=True, kw_only=True):
    """The round's setting, and whether a language model is configured at all."""

    round_id: int
    llm_allowed: bool
    llm_configured: bool


def _lang(request: Request[Any, Any, Any], v: answering.Visit, given: str) -> str:
    return given or request_translator(request, v.round.locale, v.q.locales).locale


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _json(value: msgspec.Struct) -> Response[Any]:
    return Response(content=value, media_type=MediaType.JSON)


def _page_context(token: str, v: answering.Visit, ind: Indicator) -> dict[str, Any]:
    return {
        "token": token,
        "respondent": v.respondent,
        "round": v.round,
        "q": v.q,
        "ind": ind,
        "dims": [d for d in v.q.dimensions if d.id in ind.dimensions],
        "card_href": card_href(token, ind.id),
        "error": None,
    }


def _confirm(result: Interpretation, before: IndicatorAnswer | None, text: str) -> dict[str, Any]:
    """The card's fields as the proposal fills them: proposed levels, else what was saved."""
    chosen: dict[str, str] = {}
    if before is not None and before.status is Status.ANSWERED:
        chosen = {
            d.value: "dont_know" if lv is None else str(lv) for d, lv in before.levels.items()
        }
    if result.status is Status.ANSWERED:
        for d, lv in result.levels.items():
            if lv is not None:
                chosen[d.value] = str(lv)
    else:
        chosen = {}
    comment = before.comment if before is not None and before.comment else text
    return {"chosen": chosen, "comment": comment}


class AssistPages(Controller):
    """The card's assistant panel: its forms post here (JSON for ``assist.js``)."""

    path = "/r/{token:str}/indicators/{indicator:str}"
    include_in_schema = False
    opt = NO_CSRF

    @post("/interpret", sync_to_thread=True, status_code=200)
    def interpret(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: Form,
    ) -> Template | Response[Any]:
        """Propose levels for the respondent's own words; without JS, a page to confirm them."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        _, _, ind = answering.locate(v, indicator)
        text = data.get("text", "")
        lang = _lang(
            request, v, data.get("lang", "") if data.get("lang") in assisting.LANGS else ""
        )
        if _wants_json(request):
            return _json(assisting.interpret(db, catalog, settings, v, ind.id, text, lang))
        context = _page_context(token, v, ind)
        context["text"] = text
        try:
            result = assisting.interpret(db, catalog, settings, v, ind.id, text, lang)
        except InvalidInput as exc:
            context["error"] = request_translator(request, v.round.locale, v.q.locales)(
                exc.message, **exc.params
            )
            context["result"] = None
            return render(
                request, "assist/interpret.html", status_code=400, default_locale=lang, **context
            )
        before = answering.current(db, v).get(ind.id)
        context.update(result=result, **_confirm(result, before, text))
        return render(request, "assist/interpret.html", default_locale=lang, **context)

    @post("/explain", sync_to_thread=True, status_code=200)
    def explain(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: Form,
    ) -> Template | Response[Any]:
        """Answer a question about a term or the indicator, with its sources."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        _, _, ind = answering.locate(v, indicator)
        question = data.get("question", "")
        lang = _lang(
            request, v, data.get("lang", "") if data.get("lang") in assisting.LANGS else ""
        )
        if _wants_json(request):
            return _json(assisting.explain(db, catalog, settings, v, ind.id, question, lang))
        context = _page_context(token, v, ind)
        context["question"] = question
        try:
            context["result"] = assisting.explain(db, catalog, settings, v, ind.id, question, lang)
        except InvalidInput as exc:
            context["error"] = request_translator(request, v.round.locale, v.q.locales)(
                exc.message, **exc.params
            )
            context["result"] = None
            return render(
                request, "assist/explain.html", status_code=400, default_locale=lang, **context
            )
        return render(request, "assist/explain.html", default_locale=lang, **context)


class AssistApi(Controller):
    """The assistant for a personal token: interpret, explain, check, evidence hints."""

    path = "/api/v1/respond/{token:str}"
    tags = ["respondent"]  # noqa: RUF012 - Litestar reads controller settings from class attributes
    opt = NO_CSRF

    @post("/indicators/{indicator:str}/interpret", sync_to_thread=True, status_code=200)
    def interpret(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: JSONBody[InterpretIn],
    ) -> Interpretation:
        """Propose a status and a level per dimension (with reasons) for free text; stored beside the answer."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        lang = _lang(request, v, data.lang)
        return assisting.interpret(db, catalog, settings, v, indicator, data.text, lang)

    @post("/indicators/{indicator:str}/explain", sync_to_thread=True, status_code=200)
    def explain(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: JSONBody[ExplainIn],
    ) -> Explanation:
        """What a term, the question or its evidence means, from the guidance and glossary, cited."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        lang = _lang(request, v, data.lang)
        return assisting.explain(db, catalog, settings, v, indicator, data.question, lang)

    @post("/indicators/{indicator:str}/check", sync_to_thread=True, status_code=200)
    def check(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: JSONBody[CheckIn],
    ) -> CheckResult:
        """Contradictions between comment, levels and evidence, and the "planned" reminder."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        return assisting.check(
            db,
            catalog,
            settings,
            v,
            indicator,
            status=data.status,
            levels=dict(data.levels),
            comment=data.comment,
            lang=_lang(request, v, data.lang),
            pending_evidence=data.pending_evidence,
        )

    @get("/indicators/{indicator:str}/proposal", sync_to_thread=True)
    def proposal(
        self, store: StoreDep, catalog: CatalogDep, token: FromPath[str], indicator: FromPath[str]
    ) -> assisting.AssistedAnswer:
        """The latest proposal (text and what the assistant made of it) beside the saved answer."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        found = assisting.assisted_answer(db, v, indicator)
        if found is None:
            raise NotFound("No proposal yet.")
        return found

    @post("/evidence/{evidence_id:int}/check", sync_to_thread=True, status_code=200)
    def evidence(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        evidence_id: FromPath[int],
        data: JSONBody[EvidenceCheckIn],
    ) -> EvidenceCheck:
        """After an upload: proposed effective date, and hints when unrelated or over four years old."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        lang = _lang(request, v, data.lang)
        return assisting.evidence_hints(db, catalog, settings, v, evidence_id, lang)


class AssistCoordinatorApi(Controller):
    """The coordinator's side of the assistant: evidence hints and the language-model switch."""

    path = "/api/v1/rounds/{round_id:int}"
    tags = ["coordinator"]  # noqa: RUF012
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/evidence/hints", sync_to_thread=True)
    def hints(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> list[assisting.EvidenceHint]:
        """The assistant's hints on the round's uploaded files (unrelated, old, proposed date)."""
        rnd = round_of(store, coordinator, round_id)
        lang = request_translator(request, rnd.locale).locale
        return assisting.round_evidence_hints(store.db(), catalog, rnd, lang, settings)

    @get("/assistant", sync_to_thread=True)
    def llm_setting(
        self, store: StoreDep, settings: SettingsDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> LlmSwitchOut:
        """Whether the round lets the assistant use the configured language model."""
        rnd = round_of(store, coordinator, round_id)
        return _switch_out(rnd.id, assisting.llm_allowed(store.db(), rnd), settings)

    @put("/assistant", sync_to_thread=True, status_code=200)
    def set_llm(
        self,
        store: StoreDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[LlmSwitchIn],
    ) -> LlmSwitchOut:
        """Switch the language model on or off for this round (the offline assistant stays)."""
        rnd = round_of(store, coordinator, round_id)
        allowed = assisting.set_llm_allowed(store.db(), rnd, data.llm_allowed, by=coordinator)
        return _switch_out(rnd.id, allowed, settings)


class AssistRoundPages(Controller):
    """The round page's language-model switch (a form; the API above does the same)."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @post("/assistant", sync_to_thread=True, status_code=303)
    def set_llm(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int], data: Form
    ) -> Redirect:
        """Switch the language model on or off for this round, then show the round again."""
        rnd = round_of(store, coordinator, round_id)
        allowed = data.get("llm_allowed") == "yes"
        assisting.set_llm_allowed(store.db(), rnd, allowed, by=coordinator)
        return Redirect(f"/rounds/{rnd.id}#assistant", status_code=303)


def _switch_out(round_id: int, allowed: bool, settings: Settings) -> LlmSwitchOut:
    return LlmSwitchOut(round_id=round_id, llm_allowed=allowed, llm_configured=settings.llm_enabled)
