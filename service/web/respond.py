"""The respondent's cards, reached through a personal link (/r/{token}).

Only HTTP lives here: forms in, templates and redirects out. What may be answered when is
``service.answering``, which the JSON API calls too.

One indicator is one card and one submission: every applicable dimension, "don't know",
"planned, not started", the comment and evidence travel in one multipart form. Its "Next"
button saves the answer; its "Add documentation" button attaches the evidence and shows the
card again with everything typed kept. Any refusal (an invalid answer, an upload that is too
large or of the wrong type, a bad date, a closed round) shows the card again with the message
next to the field and the typed values in place — never an error page.

The link is the credential (a capability URL): there is no ambient cookie authority to
forge, so these routes are exempt from the CSRF middleware. That also keeps the middleware
from reading a whole multipart upload into memory to look for a form token.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from service import answering
from service.domain import dialog
from service.domain.answers import IndicatorAnswer, Status
from service.domain.evidence import check_effective_date, check_url
from service.domain.questionnaire import Area, Indicator, Subquestion
from service.errors import Conflict, InvalidInput, KompassError, TooLarge
from service.i18n import N_
from service.storage.db import is_busy
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.errors import GENERIC, RETRY_AFTER_SECONDS, STATUS_BY_KIND
from service.web.multipart import UploadForm, parse_upload
from service.web.uploads import NO_CSRF, receive_evidence

CHOOSE_FILE_OR_LINK = N_("Choose a file or enter a link.")
EVIDENCE_ADDED = N_("The documentation was added. Your answers on this card are not saved yet.")
NOT_SAVED = N_("Nothing was saved: correct what is marked and try again.")

ACTION_EVIDENCE = "evidence"
EVIDENCE_FIELDS = ("url", "title", "effective_date")


def card_path(token: str, indicator: str | None) -> str:
    """The card of an indicator, or the end page when none is open."""
    return f"/r/{token}/i/{indicator}" if indicator else f"/r/{token}/done"


def level_field(dimension: str) -> str:
    """The form field of one dimension's row."""
    return f"level-{dimension}"


def card_from_form(ind: Indicator, fields: Mapping[str, str]) -> dialog.Card:
    """The typed card a form carries; what is not a choice at all is left for the dialog to refuse."""
    try:
        status = Status(fields.get("status", "") or Status.ANSWERED)
    except ValueError:
        status = Status.ANSWERED  # no such radio on the page: read the levels instead
    levels: dict[str, dialog.Choice | None] = {}
    for d in ind.dimensions:
        raw = fields.get(level_field(d.value), "").strip()
        if not raw:
            continue
        try:
            levels[d.value] = dialog.choice_from_text(raw)
        except dialog.DialogError:
            levels[d.value] = raw  # refused by apply_card, next to this row
    return dialog.Card(status=status, levels=levels, comment=fields.get("comment", ""))


class CardForm(msgspec.Struct, kw_only=True):
    """A posted card: its fields, the uploaded file if any, and what went wrong reading it."""

    fields: dict[str, str]
    upload: UploadForm | None = None
    error: KompassError | None = None


async def read_card_form(
    request: Request[Any, Any, Any], settings: SettingsDep, limit: answering.UploadLimit
) -> CardForm:
    """The card's fields (URL-encoded or multipart, the file streamed to the store).

    The file may hold up to ``limit`` (the per-file limit or what is left of the respondent's
    quota). An upload error keeps the fields read before it: the file input is last on the card.
    """
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        return CardForm(fields={k: str(v) for k, v in form.items()})
    fields: dict[str, str] = {}
    try:
        upload = await parse_upload(
            request,
            settings.data_path / "evidence",
            limit.max_bytes,
            fields_out=fields,
            refuse_early=False,
        )
    except TooLarge as exc:
        return CardForm(fields=fields, error=limit.refusal(exc))
    except KompassError as exc:
        return CardForm(fields=fields, error=exc)
    return CardForm(fields=upload.fields, upload=upload)


class CardErrors(msgspec.Struct, kw_only=True):
    """Refusals for the card, by field (translated), and the HTTP status to send them with."""

    fields: dict[str, str] = msgspec.field(default_factory=dict)
    status: int = 200


class RespondPages(Controller):
    """The welcome, one card per indicator, and the end page."""

    path = "/r/{token:str}"
    include_in_schema = False
    opt = NO_CSRF

    @get("/", sync_to_thread=True)
    def resume(self, store: StoreDep, catalog: CatalogDep, token: FromPath[str]) -> Redirect:
        """The welcome on the first visit; later, the card the respondent was on."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        if not answering.welcomed(v) and not answering.current(db, v):
            return Redirect(f"/r/{token}/welcome")
        return Redirect(card_path(token, answering.resume_card(db, v)))

    @get("/welcome", sync_to_thread=True)
    def welcome(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
    ) -> Template:
        """What this is, who sees the answers, how long it takes and how the scale works."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        share = answering.work(db, v)
        context = overview_context(db, token, v, share=share)
        context.update(
            {
                "count": len(share.assigned),
                "minutes": dialog.estimated_minutes(len(share.assigned)),
                "start": answering.resume_card(db, v),
                "example_dim": v.q.dimensions[0] if v.q.dimensions else None,
            }
        )
        return render(
            request,
            "respond/welcome.html",
            default_locale=v.round.locale,
            content_locales=v.q.locales,
            **context,
        )

    @get("/i/{indicator:str}", sync_to_thread=True)
    def show_card(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> Template:
        """One indicator's card with the respondent's answer so far."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        area, sq, ind = answering.locate(v, indicator)
        answering.open_card(db, v, ind)
        current = answering.current(db, v)
        card = dialog.card_of(current.get(ind.id))
        context = card_context(store, settings, token, v, area, sq, ind, card, current)
        return render(
            request,
            "respond/card.html",
            default_locale=v.round.locale,
            content_locales=v.q.locales,
            **context,
        )

    @post("/i/{indicator:str}", status_code=303, request_max_body_size=None)
    async def save_card(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> Redirect | Template:
        """Save the whole card ("Next") or attach its evidence ("Add documentation").

        Evidence given with "Next" is attached too. Whatever is refused shows the card again
        (400, 409, 413, 415) with the message next to its field and everything typed kept.
        """

        def locate() -> tuple[answering.Visit, Area, Subquestion, Indicator, answering.UploadLimit]:
            db = store.db()
            v = answering.visit(db, catalog, token)
            return (v, *answering.locate(v, indicator), answering.upload_limit(db, settings, v))

        v, area, sq, ind, limit = await anyio.to_thread.run_sync(locate)
        form = await read_card_form(request, settings, limit)

        def handle() -> Redirect | Template:
            t = request_translator(request, v.round.locale, v.q.locales)
            db = store.db()
            card = card_from_form(ind, form.fields)
            errors = CardErrors()
            added = False

            def refuse(field: str, exc: KompassError) -> None:
                errors.fields.setdefault(field, t(exc.message, **exc.params))
                errors.status = max(errors.status, STATUS_BY_KIND[exc.kind])

            evidence_wanted = form.fields.get("action") == ACTION_EVIDENCE
            try:
                added = attach_evidence(db, v, ind, form, refuse, required=evidence_wanted)
                if not errors.fields and not evidence_wanted:
                    try:
                        saved = answering.save_card(db, v, ind.id, card)
                    except answering.CardInvalid as exc:
                        for problem in exc.fields:
                            refuse(problem.field, InvalidInput(problem.message, **problem.params))
                    except KompassError as exc:  # a closed round, most likely
                        refuse("card", exc)
                    else:
                        return Redirect(card_path(token, saved.next), status_code=303)
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                # Locked past the busy timeout: nothing of this step was written. The card
                # comes back with what was typed, ready to send again (as the error page
                # would offer a plain form back; a streamed upload cannot be kept there).
                errors.fields["card"] = t(GENERIC[HTTP_503_SERVICE_UNAVAILABLE])
                errors.status = HTTP_503_SERVICE_UNAVAILABLE
            context = card_context(store, settings, token, v, area, sq, ind, card)
            context["errors"] = errors.fields
            # Evidence already attached is listed on the card; its fields are not offered again.
            keep = not added
            context["typed"] = {k: form.fields.get(k, "") if keep else "" for k in EVIDENCE_FIELDS}
            if added and (not errors.fields or errors.status == HTTP_503_SERVICE_UNAVAILABLE):
                context["notice"] = t(EVIDENCE_ADDED)
            elif errors.fields and "card" not in errors.fields:
                context["summary"] = t(NOT_SAVED)
            page = render(
                request,
                "respond/card.html",
                status_code=errors.status,
                default_locale=v.round.locale,
                content_locales=v.q.locales,
                **context,
            )
            if errors.status == HTTP_503_SERVICE_UNAVAILABLE:
                page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page

        return await anyio.to_thread.run_sync(handle)

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
        """Attach a file or link on its own (the card's form posts to the card instead)."""
        await receive_evidence(request, store, catalog, settings, token, indicator)
        return Redirect(f"/r/{token}/i/{indicator}#evidence", status_code=303)

    @get("/overview", sync_to_thread=True)
    def overview(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
    ) -> Template:
        """The respondent's assignment by area, with what is answered, and what more they may answer."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        context = overview_context(db, token, v)
        return render(
            request,
            "respond/overview.html",
            default_locale=v.round.locale,
            content_locales=v.q.locales,
            **context,
        )

    @get("/done", sync_to_thread=True)
    def done(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
    ) -> Template:
        """The end of the assignment, with "answer more" (answers stay editable while open)."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        context = overview_context(db, token, v)
        return render(
            request,
            "respond/done.html",
            default_locale=v.round.locale,
            content_locales=v.q.locales,
            **context,
        )


def attach_evidence(
    db: Any,
    v: answering.Visit,
    ind: Indicator,
    form: CardForm,
    refuse: Any,
    *,
    required: bool,
) -> bool:
    """Attach the card's file or link, if one was given; report refusals by field."""
    if form.error is not None:
        refuse("file", form.error)
        return False
    file = form.upload.file if form.upload else None
    url = form.fields.get("url", "").strip()
    if file is None and not url:
        if required:
            refuse("file", InvalidInput(CHOOSE_FILE_OR_LINK))
        return False
    title = form.fields.get("title", "")
    effective = form.fields.get("effective_date", "")
    ok = True
    for field, check in (("effective_date", check_effective_date), ("url", check_url)):
        value = effective if field == "effective_date" else url
        if value:
            try:
                check(value)
            except InvalidInput as exc:
                refuse(field, exc)
                ok = False
    if not ok:
        return False
    try:
        if file is not None:
            assert form.upload is not None
            answering.attach_file(
                db,
                v,
                ind.id,
                file,
                filename=form.upload.filename,
                title=title,
                effective_date=effective,
            )
        else:
            answering.attach_link(db, v, ind.id, url=url, title=title, effective_date=effective)
    except Conflict as exc:
        refuse("card", exc)
        return False
    except KompassError as exc:
        refuse("file", exc)
        return False
    return True


def role_title(v: answering.Visit) -> str:
    """The respondent's role in the round's language."""
    role = v.respondent.role
    return next((v.q.text(r.title, v.round.locale) for r in v.q.roles if r.id == role), role)


def overview_context(
    db: Any,
    token: str,
    v: answering.Visit,
    current: dict[str, IndicatorAnswer] | None = None,
    share: answering.Work | None = None,
) -> dict[str, Any]:
    """The assignment by area with completion, progress, and the next open and extra indicators.

    Pass the respondent's answers and share when the caller has read them already.
    """
    if current is None:
        current = answering.current(db, v)
    if share is None:
        share = answering.work(db, v)
    mine = {ind.id for ind in share.assigned}
    areas = []
    for area in v.q.areas:
        items = [
            (sq, ind, dialog.is_complete(ind, current.get(ind.id)), current.get(ind.id))
            for sq in area.subquestions
            for ind in sq.indicators
            if ind.id in mine
        ]
        if items:
            areas.append((area, items))
    return {
        "token": token,
        "respondent": v.respondent,
        "round": v.round,
        "q": v.q,
        "areas": areas,
        "progress": dialog.progress_over(v.q, share.assigned, current),
        "next_indicator": dialog.next_open(v.q, share.assigned, current),
        "more": dialog.next_open(v.q, share.more, current),
        "more_count": sum(not dialog.is_complete(ind, current.get(ind.id)) for ind in share.more),
        "role_title": role_title(v),
    }


def card_context(
    store: StoreDep,
    settings: SettingsDep,
    token: str,
    v: answering.Visit,
    area: Area,
    sq: Subquestion,
    ind: Indicator,
    card: dialog.Card,
    current: dict[str, IndicatorAnswer] | None = None,
) -> dict[str, Any]:
    """What the card shows: the indicator, its dimension rows with ``card``'s values, evidence.

    ``current`` is the respondent's answers when the caller has read them already.
    """
    db = store.db()
    # Read once for the whole card: the overview, the position and "saved" all use them.
    if current is None:
        current = answering.current(db, v)
    share = answering.work(db, v)
    context = overview_context(db, token, v, current, share)
    order = [i.id for i in share.assigned]
    stored: IndicatorAnswer | None = current.get(ind.id)
    defs = {d.id: d for d in v.q.dimensions}
    context.update(
        {
            "area": area,
            "sq": sq,
            "ind": ind,
            "card": card,
            "chosen": {
                d: ("dont_know" if value is None or value == dialog.DONT_KNOW else str(value))
                for d, value in card.levels.items()
            },
            "dims": [defs[d] for d in ind.dimensions if d in defs],
            "level_field": level_field,
            "follow_ups_apply": dialog.follow_ups_apply(card),
            "saved": stored is not None,
            "evidence": answering.evidence_for(db, v, ind.id),
            "max_upload_mb": settings.max_upload_mb,
            "errors": {},
            "typed": {},
            "notice": None,
            "summary": None,
            "position": order.index(ind.id) + 1 if ind.id in order else None,
            "total": len(order),
            "extra": ind.id not in order,
        }
    )
    return context
