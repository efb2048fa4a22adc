"""The respondent's guided conversation, reached through a personal link (/r/{token}).

Only HTTP lives here: forms in, templates and redirects out. What may be answered when is
``service.answering``, which the JSON API calls too.

The link is the credential (a capability URL): there is no ambient cookie authority to
forge, so these routes are exempt from the CSRF middleware. That also keeps the middleware
from reading a whole multipart upload into memory to look for a form token.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from service import answering
from service.domain import dialog
from service.domain.answers import IndicatorAnswer, Status
from service.domain.questionnaire import Area, Indicator, Subquestion
from service.errors import InvalidInput
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.uploads import NO_CSRF, receive_evidence

Form = URLEncodedBody[dict[str, str]]


def step_path(token: str, position: answering.Position) -> str:
    """The page of a position in the conversation, or the end page when it is over."""
    if position.indicator is None or position.step is None:
        return f"/r/{token}/done"
    return f"/r/{token}/i/{position.indicator}/{position.step.value}"


def form_answer(step: dialog.Step, form: dict[str, str]) -> answering.StepAnswer:
    """The typed answer a step's form carries."""
    if step is dialog.Step.COMMENT:
        return answering.Comment(form.get("comment", ""))
    return answering.Choose(step, answering.choice_from_text(form.get("choice", "")))


class RespondPages(Controller):
    """The chat-style conversation, one indicator and one step at a time."""

    path = "/r/{token:str}"
    include_in_schema = False
    opt = NO_CSRF

    @get("/", sync_to_thread=True)
    def resume(self, store: StoreDep, catalog: CatalogDep, token: FromPath[str]) -> Redirect:
        """Continue exactly where the respondent left off."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        return Redirect(step_path(token, answering.resume(db, v)))

    @get("/i/{indicator:str}/{step:str}", sync_to_thread=True)
    def show_step(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
    ) -> Template:
        """One step of the conversation about one indicator."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        area, sq, ind = answering.locate(v, indicator)
        shown = answering.enter_step(db, v, ind, answering.parse_step(step))
        context = step_context(store, settings, token, v, area, sq, ind, shown)
        return render(request, "respond/step.html", default_locale=v.round.locale, **context)

    @post("/i/{indicator:str}/{step:str}", sync_to_thread=True, status_code=303)
    def save_step(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
        data: Form,
    ) -> Redirect | Template:
        """Save the answer to one step (a new version; nothing is overwritten) and move on.

        Invalid input shows the step again (400) with the message and what was typed.
        """
        db = store.db()
        v = answering.visit(db, catalog, token)
        area, sq, ind = answering.locate(v, indicator)
        current_step = answering.parse_step(step)
        try:
            saved = answering.answer(db, v, ind.id, form_answer(current_step, data))
        except InvalidInput as exc:
            t = request_translator(request, v.round.locale)
            context = step_context(store, settings, token, v, area, sq, ind, current_step)
            context["error"] = t(exc.message, **exc.params)
            if current_step is dialog.Step.COMMENT:
                context["submitted_comment"] = dialog.normalize_comment(data.get("comment", ""))
            return render(
                request,
                "respond/step.html",
                status_code=400,
                default_locale=v.round.locale,
                **context,
            )
        return Redirect(step_path(token, saved.next), status_code=303)

    @post("/i/{indicator:str}/evidence", status_code=303, request_max_body_size=None)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> Redirect:
        """Attach a file (streamed to disk) or a link to an indicator."""
        await receive_evidence(request, store, catalog, settings, token, indicator)
        return Redirect(f"/r/{token}/i/{indicator}/comment#evidence", status_code=303)

    @get("/overview", sync_to_thread=True)
    def overview(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
    ) -> Template:
        """All of the respondent's questions by area, with what is answered."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        context = overview_context(token, v, answering.current(db, v))
        return render(request, "respond/overview.html", default_locale=v.round.locale, **context)

    @get("/done", sync_to_thread=True)
    def done(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
    ) -> Template:
        """The end of the conversation (answers stay editable while the round is open)."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        context = overview_context(token, v, answering.current(db, v))
        return render(request, "respond/done.html", default_locale=v.round.locale, **context)


def overview_context(
    token: str, v: answering.Visit, current: dict[str, IndicatorAnswer]
) -> dict[str, Any]:
    """Areas with the respondent's indicators and their completion."""
    role = v.respondent.role
    areas = []
    for area in v.q.areas:
        items = [
            (sq, ind, dialog.is_complete(ind, current.get(ind.id)), current.get(ind.id))
            for sq in area.subquestions
            for ind in sq.indicators
            if role in ind.roles
        ]
        if items:
            areas.append((area, items))
    return {
        "token": token,
        "respondent": v.respondent,
        "round": v.round,
        "q": v.q,
        "areas": areas,
        "progress": dialog.progress(v.q, role, current),
        "next_indicator": dialog.next_indicator(v.q, role, current),
        "role_title": next(
            (v.q.text(r.title, v.round.locale) for r in v.q.roles if r.id == role), role
        ),
    }


def step_context(
    store: StoreDep,
    settings: SettingsDep,
    token: str,
    v: answering.Visit,
    area: Area,
    sq: Subquestion,
    ind: Indicator,
    step: dialog.Step,
) -> dict[str, Any]:
    """What the step template shows: the indicator, the transcript so far, the open question."""
    db = store.db()
    current = answering.current(db, v)
    answer = current.get(ind.id)
    steps = dialog.steps(ind, answer)
    mine = [i.id for i in v.q.indicators_for_role(v.respondent.role)]
    context = overview_context(token, v, current)
    context.update(
        {
            "area": area,
            "sq": sq,
            "ind": ind,
            "step": step,
            "steps": steps,
            "asked": steps[: steps.index(step)] if step in steps else [],
            "answer": answer,
            "dims": {d.id.value: d for d in v.q.dimensions},
            "planned": answer is not None and answer.status is Status.PLANNED,
            "dont_know": answer is not None and answer.status is Status.DONT_KNOW,
            "back": dialog.previous_step(v.q, v.respondent.role, current, ind.id, step),
            "evidence": answering.evidence_for(db, v, ind.id),
            "max_upload_mb": settings.max_upload_mb,
            "error": None,
            "submitted_comment": None,
            "position": mine.index(ind.id) + 1,
            "total": len(mine),
        }
    )
    return context
