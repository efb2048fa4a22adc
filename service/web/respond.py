"""The respondent's guided conversation, reached through a personal link (/r/{token}).

The link is the credential (a capability URL): there is no ambient cookie authority to
forge, so these routes are exempt from the CSRF middleware. That also keeps the middleware
from reading a whole multipart upload into memory to look for a form token.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from service import results
from service.domain import dialog
from service.domain.answers import IndicatorAnswer, Status
from service.domain.questionnaire import Area, Indicator, Questionnaire, Subquestion
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.questionnaires import Catalog
from service.storage import answers, evidence, respondents, rounds
from service.storage.db import Store
from service.web.context import render, request_translator, settings_of
from service.web.multipart import parse_upload

Form = URLEncodedBody[dict[str, str]]
NO_CSRF = {"exclude_from_csrf": True}


class Visit(msgspec.Struct, kw_only=True):
    """Everything a respondent request needs: who, which round, which questionnaire."""

    respondent: respondents.RespondentRecord
    round: rounds.Round
    q: Questionnaire


def visit(state: State, token: FromPath[str]) -> Visit:
    """Resolve a personal link; unknown or withdrawn links are refused."""
    store: Store = state.store
    catalog: Catalog = state.catalog
    db = store.db()
    record = respondents.by_token(db, token)
    rnd = rounds.get_round_unscoped(db, record.round_id)
    return Visit(respondent=record, round=rnd, q=results.questionnaire_of(catalog, rnd))


def locate(v: Visit, indicator_id: str) -> tuple[Area, Subquestion, Indicator]:
    """The indicator, if it exists and is meant for this respondent's role."""
    for area, sq, ind in v.q.indicators():
        if ind.id == indicator_id:
            if v.respondent.role not in ind.roles:
                raise Forbidden("This question is not meant for your role.")
            return area, sq, ind
    raise NotFound("No such question.")


def require_answerable(v: Visit) -> None:
    """Answers can change only while the round is open."""
    if v.round.status is rounds.RoundStatus.DRAFT:
        raise Conflict("This assessment round has not opened yet.")
    rounds.require_writable(v.round)


def parse_step(value: str) -> dialog.Step:
    """A step from the URL."""
    try:
        return dialog.Step(value)
    except ValueError:
        raise NotFound("No such question.") from None


def parse_choice(value: str) -> dialog.Choice:
    """A form value: a level number, "dont_know" or "planned"."""
    value = value.strip()
    # isdigit() alone accepts "²" and other digits int() refuses.
    if value.isascii() and value.isdigit() and len(value) < 3:
        return int(value)
    if value in {dialog.DONT_KNOW, dialog.PLANNED}:
        return value
    raise InvalidInput("Choose one of the answers.")


def apply(
    q: Questionnaire,
    ind: Indicator,
    answer: IndicatorAnswer | None,
    step: dialog.Step,
    form: dict[str, str],
) -> IndicatorAnswer:
    """Apply one submitted step to the answer so far; dialog errors become 400s."""
    try:
        if step is dialog.Step.COMMENT:
            comment = form.get("comment", "")
            if len(comment) > 5000:
                raise InvalidInput("The comment is too long (at most 5000 characters).")
            return dialog.apply_comment(ind, answer, comment)
        return dialog.apply_choice(q, ind, answer, step, parse_choice(form.get("choice", "")))
    except dialog.DialogError as exc:
        raise InvalidInput(exc.message, **exc.params) from None


def next_position(
    v: Visit, current: dict[str, IndicatorAnswer], ind: Indicator, step: dialog.Step
) -> tuple[str, dialog.Step] | None:
    """Where the conversation goes after a saved step; None when every question is answered."""
    following = dialog.next_step(ind, current.get(ind.id), step)
    if following is not None:
        return ind.id, following
    nxt = dialog.next_indicator(v.q, v.respondent.role, current, after=ind.id)
    if nxt is None:
        return None
    return nxt, open_step(v.q, nxt, current)


def save_step(
    state: State, v: Visit, ind: Indicator, step: dialog.Step, form: dict[str, str]
) -> tuple[IndicatorAnswer, tuple[str, dialog.Step] | None]:
    """Apply and store one step (a new version of the answer); return it and what comes next."""
    require_answerable(v)
    store: Store = state.store
    db = store.db()
    current = answers.current(db, v.respondent.id)
    updated = apply(v.q, ind, current.get(ind.id), step, form)
    answers.save(db, v.respondent.id, updated, author=f"respondent:{v.respondent.id}")
    current[ind.id] = updated
    position = next_position(v, current, ind, step)
    at, at_step = position if position else (ind.id, dialog.Step.COMMENT)
    respondents.save_position(db, v.respondent.id, at, at_step.value)
    return updated, position


async def receive_evidence(
    request: Request[Any, Any, Any], state: State, token: FromPath[str], indicator: FromPath[str]
) -> evidence.EvidenceRecord:
    """Stream an upload (file or link) to disk and record it against the indicator."""
    v = await anyio.to_thread.run_sync(visit, state, token)
    locate(v, indicator)
    require_answerable(v)
    settings = settings_of(state)
    form = await parse_upload(
        request, settings.data_path / "evidence", settings.max_upload_mb * 1024 * 1024
    )
    store: Store = state.store

    def record() -> evidence.EvidenceRecord:
        db = store.db()
        effective = evidence.check_effective_date(form.fields.get("effective_date", ""))
        title = form.fields.get("title", "")
        if form.file is not None:
            return evidence.add_file(
                db,
                v.round.id,
                v.respondent.id,
                indicator,
                form.file,
                form.filename,
                title,
                effective,
            )
        if form.fields.get("url", "").strip():
            return evidence.add_link(
                db, v.round.id, v.respondent.id, indicator, form.fields["url"], title, effective
            )
        raise InvalidInput("Choose a file or enter a link.")

    return await anyio.to_thread.run_sync(record)


def resume_position(
    v: Visit, current: dict[str, IndicatorAnswer]
) -> tuple[str, dialog.Step] | None:
    """Where a returning respondent continues: the step they were on, else the first open one.

    None when every question is answered (the conversation is over).
    """
    nxt = dialog.next_indicator(v.q, v.respondent.role, current)
    if nxt is None:
        return None
    at = v.q.indicator(v.respondent.position_indicator or "")
    if at is not None and v.respondent.role in at.roles and v.respondent.position_step:
        try:
            return at.id, dialog.Step(v.respondent.position_step)
        except ValueError:
            pass
    return nxt, open_step(v.q, nxt, current)


def open_step(
    q: Questionnaire, indicator_id: str, current: dict[str, IndicatorAnswer]
) -> dialog.Step:
    """Where an indicator's conversation should continue."""
    ind = q.indicator(indicator_id)
    if ind is None:
        raise NotFound("No such question.")
    return dialog.first_open_step(ind, current.get(indicator_id))


class RespondPages(Controller):
    """The chat-style conversation, one indicator and one step at a time."""

    path = "/r/{token:str}"
    include_in_schema = False
    opt = NO_CSRF

    @get("/", sync_to_thread=True)
    def resume(self, state: State, token: FromPath[str]) -> Redirect:
        """Continue exactly where the respondent left off."""
        v = visit(state, token)
        store: Store = state.store
        current = answers.current(store.db(), v.respondent.id)
        position = resume_position(v, current)
        if position is None:
            return Redirect(f"/r/{token}/done")
        return Redirect(f"/r/{token}/i/{position[0]}/{position[1].value}")

    @get("/i/{indicator:str}/{step:str}", sync_to_thread=True)
    def show_step(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
    ) -> Template:
        """One step of the conversation about one indicator."""
        v = visit(state, token)
        area, sq, ind = locate(v, indicator)
        current_step = parse_step(step)
        store: Store = state.store
        db = store.db()
        current = answers.current(db, v.respondent.id)
        answer = current.get(ind.id)
        if current_step not in dialog.steps(ind, answer):
            current_step = dialog.first_open_step(ind, answer)
        if not v.round.closed:
            respondents.save_position(db, v.respondent.id, ind.id, current_step.value)
        return render(
            request,
            "respond/step.html",
            default_locale=v.round.locale,
            **step_context(state, token, v, current, area, sq, ind, current_step),
        )

    @post("/i/{indicator:str}/{step:str}", sync_to_thread=True, status_code=303)
    def save_step(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
        data: Form,
    ) -> Redirect | Template:
        """Save the answer to one step (a new version; nothing is overwritten) and move on."""
        v = visit(state, token)
        area, sq, ind = locate(v, indicator)
        current_step = parse_step(step)
        try:
            _, position = save_step(state, v, ind, current_step, data)
        except InvalidInput as exc:
            store: Store = state.store
            current = answers.current(store.db(), v.respondent.id)
            t = request_translator(request, v.round.locale)
            return render(
                request,
                "respond/step.html",
                status_code=400,
                default_locale=v.round.locale,
                error=t(exc.message, **exc.params),
                **step_context(state, token, v, current, area, sq, ind, current_step),
            )
        if position is None:
            return Redirect(f"/r/{token}/done", status_code=303)
        return Redirect(f"/r/{token}/i/{position[0]}/{position[1].value}", status_code=303)

    @post("/i/{indicator:str}/evidence", status_code=303, request_max_body_size=None)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> Redirect:
        """Attach a file (streamed to disk) or a link to an indicator."""
        await receive_evidence(request, state, token, indicator)
        return Redirect(f"/r/{token}/i/{indicator}/comment#evidence", status_code=303)

    @get("/overview", sync_to_thread=True)
    def overview(
        self, request: Request[Any, Any, Any], state: State, token: FromPath[str]
    ) -> Template:
        """All of the respondent's questions by area, with what is answered."""
        v = visit(state, token)
        store: Store = state.store
        current = answers.current(store.db(), v.respondent.id)
        return render(
            request,
            "respond/overview.html",
            default_locale=v.round.locale,
            **overview_context(token, v, current),
        )

    @get("/done", sync_to_thread=True)
    def done(self, request: Request[Any, Any, Any], state: State, token: FromPath[str]) -> Template:
        """The end of the conversation (answers stay editable while the round is open)."""
        v = visit(state, token)
        store: Store = state.store
        current = answers.current(store.db(), v.respondent.id)
        return render(
            request,
            "respond/done.html",
            default_locale=v.round.locale,
            **overview_context(token, v, current),
        )


def overview_context(
    token: FromPath[str], v: Visit, current: dict[str, IndicatorAnswer]
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
    state: State,
    token: FromPath[str],
    v: Visit,
    current: dict[str, IndicatorAnswer],
    area: Area,
    sq: Subquestion,
    ind: Indicator,
    step: dialog.Step,
) -> dict[str, Any]:
    """What the step template shows: the indicator, the transcript so far, the open question."""
    store: Store = state.store
    answer = current.get(ind.id)
    steps = dialog.steps(ind, answer)
    asked = steps[: steps.index(step)] if step in steps else []
    dims = {d.id.value: d for d in v.q.dimensions}
    back = dialog.previous_step(v.q, v.respondent.role, current, ind.id, step)
    context = overview_context(token, v, current)
    context.update(
        {
            "area": area,
            "sq": sq,
            "ind": ind,
            "step": step,
            "steps": steps,
            "asked": asked,
            "answer": answer,
            "dims": dims,
            "planned": answer is not None and answer.status is Status.PLANNED,
            "dont_know": answer is not None and answer.status is Status.DONT_KNOW,
            "back": back,
            "evidence": evidence.list_for_answer(store.db(), v.respondent.id, ind.id),
            "max_upload_mb": settings_of(state).max_upload_mb,
            "error": None,
            "position": [i.id for i in v.q.indicators_for_role(v.respondent.role)].index(ind.id)
            + 1,
            "total": len(v.q.indicators_for_role(v.respondent.role)),
        }
    )
    return context
