"""Coordinator pages: rounds, invitations by role, evidence review, live provisional result."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromPath, URLEncodedBody
from litestar.response import File, Redirect, Template

from service import mailer, results
from service.domain import dialog
from service.domain.answers import AnswerSet
from service.domain.questionnaire import Questionnaire
from service.errors import InvalidInput, KompassError, NotFound
from service.i18n import translator
from service.questionnaires import Catalog
from service.storage import accounts, evidence, respondents, rounds
from service.storage.db import Store
from service.storage.evidence_files import MEDIA_TYPES, path_for, with_extension
from service.web import oneshot
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator, settings_of

log = logging.getLogger("kompass")

Form = URLEncodedBody[dict[str, str]]


class RespondentRow(msgspec.Struct, kw_only=True):
    """A respondent as the overview lists them."""

    record: respondents.RespondentRecord
    role_title: str
    complete: int
    total: int


class RoleProgress(msgspec.Struct, kw_only=True):
    """Response progress of one role."""

    role: str
    title: str
    invited: int
    started: int
    complete: int
    total: int


def respondent_rows(
    store: Store, q: Questionnaire, rnd: rounds.Round, answer_set: AnswerSet, locale: str
) -> list[RespondentRow]:
    """Each respondent with how many of their indicators are complete, from the round's answers."""
    titles = {r.id: q.text(r.title, locale) for r in q.roles}
    current = {p.id: {a.indicator: a for a in p.answers} for p in answer_set.respondents}
    rows = []
    for record in respondents.list_for_round(store.db(), rnd.id):
        mine = q.indicators_for_role(record.role)
        given = current.get(f"r{record.id}", {})
        done = sum(1 for ind in mine if dialog.is_complete(ind, given.get(ind.id)))
        rows.append(
            RespondentRow(
                record=record,
                role_title=titles.get(record.role, record.role),
                complete=done,
                total=len(mine),
            )
        )
    return rows


def role_progress(q: Questionnaire, rows: list[RespondentRow], locale: str) -> list[RoleProgress]:
    """Progress summed per role, in the questionnaire's role order."""
    summary = []
    for role in q.roles:
        mine = [r for r in rows if r.record.role == role.id]
        summary.append(
            RoleProgress(
                role=role.id,
                title=q.text(role.title, locale),
                invited=len(mine),
                started=sum(1 for r in mine if r.complete > 0),
                complete=sum(r.complete for r in mine),
                total=sum(r.total for r in mine),
            )
        )
    return summary


class CoordinatorPages(Controller):
    """Server-rendered pages for the signed-in coordinator."""

    path = "/rounds"
    include_in_schema = False
    # Litestar reads controller settings from class attributes.
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    def _context(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        rnd: rounds.Round,
    ) -> dict[str, Any]:
        store: Store = state.store
        catalog: Catalog = state.catalog
        db = store.db()
        q, answers_now, result = results.scored(db, catalog, rnd)
        locale = request_translator(request, rnd.locale).locale
        rows = respondent_rows(store, q, rnd, answers_now, locale)
        return {
            "round": rnd,
            "q": q,
            "municipality": accounts.get_municipality(db, coordinator.municipality_id),
            "coordinator": coordinator,
            "rows": rows,
            "progress": role_progress(q, rows, locale),
            "evidence": evidence.list_for_round(db, rnd.id),
            "assessment": result,
            "smtp": mailer.smtp_configured(settings_of(state)),
            "new_link": None,
            "error": None,
        }

    def _page(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        rnd: rounds.Round,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        context = self._context(request, state, coordinator, rnd)
        context.update(extra)
        return render(
            request,
            "coordinator/round.html",
            status_code=status_code,
            default_locale=rnd.locale,
            **context,
        )

    @get("/", sync_to_thread=True)
    def list_rounds(
        self, request: Request[Any, Any, Any], state: State, coordinator: SignedIn
    ) -> Template:
        """The municipality's rounds and a form to start a new one."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        db = store.db()
        municipality = accounts.get_municipality(db, coordinator.municipality_id)
        return render(
            request,
            "coordinator/rounds.html",
            default_locale=municipality.locale,
            municipality=municipality,
            coordinator=coordinator,
            rounds=rounds.list_rounds(db, coordinator.municipality_id),
            questionnaires=catalog.all(),
            titles={
                q.id: q.text(q.title, request_translator(request).locale) for q in catalog.all()
            },
            error=None,
            form={},
        )

    @post("/", sync_to_thread=True, status_code=303)
    def create_round(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        data: Form,
    ) -> Redirect | Template:
        """Create a draft round."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        db = store.db()
        try:
            q = catalog.get(data.get("questionnaire", ""))
            if q is None:
                raise InvalidInput("Choose one of the questionnaires.")
            locale = data.get("locale", q.default_locale)
            if locale not in q.locales:
                raise InvalidInput("This questionnaire is not available in the chosen language.")
            rnd = rounds.create_round(
                db,
                coordinator.municipality_id,
                data.get("name", ""),
                q.id,
                locale,
                data.get("deadline") or None,
            )
        except KompassError as exc:
            t = request_translator(request)
            municipality = accounts.get_municipality(db, coordinator.municipality_id)
            return render(
                request,
                "coordinator/rounds.html",
                status_code=400,
                municipality=municipality,
                coordinator=coordinator,
                rounds=rounds.list_rounds(db, coordinator.municipality_id),
                questionnaires=catalog.all(),
                titles={x.id: x.text(x.title, t.locale) for x in catalog.all()},
                error=t(exc.message, **exc.params),
                form=data,
            )
        return Redirect(f"/rounds/{rnd.id}", status_code=303)

    @get("/{round_id:int}", sync_to_thread=True)
    def show_round(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """The round overview: progress, invitations, evidence to review, provisional result."""
        rnd = round_of(state, coordinator, round_id)
        shown = oneshot.read_link(request, settings_of(state).secret_key, coordinator.id, rnd.id)
        new_link = None
        if shown is not None:
            store: Store = state.store
            new_link = (respondents.get(store.db(), rnd.id, shown[0]), shown[1])
        page = self._page(request, state, coordinator, rnd, new_link=new_link)
        if oneshot.COOKIE in request.cookies:
            page.set_cookie(oneshot.expired_cookie(rnd.id))
        return page

    @post("/{round_id:int}/open", sync_to_thread=True, status_code=303)
    def open_round(self, state: State, coordinator: SignedIn, round_id: FromPath[int]) -> Redirect:
        """Open the round for answers."""
        store: Store = state.store
        rounds.open_round(store.db(), round_of(state, coordinator, round_id))
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @post("/{round_id:int}/close", sync_to_thread=True, status_code=303)
    def close_round(self, state: State, coordinator: SignedIn, round_id: FromPath[int]) -> Redirect:
        """Close the round; it stays readable with its results."""
        store: Store = state.store
        rounds.close_round(store.db(), round_of(state, coordinator, round_id))
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @post("/{round_id:int}/respondents", sync_to_thread=True, status_code=303)
    def invite(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Invite a respondent by role; show the personal link once (and e-mail it if configured)."""
        rnd = round_of(state, coordinator, round_id)
        try:
            record, token = invite_respondent(
                state,
                coordinator,
                rnd,
                data.get("role", ""),
                data.get("name", ""),
                data.get("email", ""),
            )
        except KompassError as exc:
            t = request_translator(request, rnd.locale)
            return self._page(
                request,
                state,
                coordinator,
                rnd,
                status_code=400,
                error=t(exc.message, **exc.params),
            )
        return show_link_once(request, rnd, record, link_for(state, token))

    @post(
        "/{round_id:int}/respondents/{respondent_id:int}/revoke",
        sync_to_thread=True,
        status_code=303,
    )
    def revoke(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Redirect:
        """Withdraw a personal link."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        respondents.revoke(store.db(), rnd.id, respondent_id)
        return Redirect(f"/rounds/{round_id}#respondents", status_code=303)

    @post(
        "/{round_id:int}/respondents/{respondent_id:int}/reissue",
        sync_to_thread=True,
        status_code=303,
    )
    def reissue(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Redirect:
        """Give a respondent a new link; the old one stops working."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        record, token = respondents.reissue(store.db(), rnd.id, respondent_id)
        email_link(state, coordinator, rnd, record, token)
        return show_link_once(request, rnd, record, link_for(state, token))

    @post("/{round_id:int}/evidence/{evidence_id:int}/review", sync_to_thread=True, status_code=303)
    def review(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Accept or reject a piece of evidence."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        try:
            decision = evidence.ReviewState(data.get("decision", ""))
        except ValueError:
            raise InvalidInput("Choose accept or reject.") from None
        evidence.review(
            store.db(), rnd.id, evidence_id, decision, data.get("comment", ""), coordinator.id
        )
        return Redirect(f"/rounds/{round_id}#evidence", status_code=303)

    @get("/{round_id:int}/evidence/{evidence_id:int}/file", sync_to_thread=True)
    def evidence_file(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
    ) -> File:
        """Download an uploaded evidence file under its original (sanitised) name."""
        store: Store = state.store
        record = evidence.get(store.db(), round_of(state, coordinator, round_id).id, evidence_id)
        if record.kind != "file" or not record.sha256:
            raise NotFound("No such evidence.")
        # Litestar adds "; charset=utf-8" to text types itself; the extension follows the
        # sniffed type whatever the uploader called the file (older records included).
        media_type = record.media_type or "application/octet-stream"
        return File(
            path=path_for(settings_of(state).data_path / "evidence", record.sha256),
            filename=with_extension(
                record.filename or f"evidence-{record.id}", MEDIA_TYPES.get(media_type, "bin")
            ),
            media_type=media_type,
            content_disposition_type="attachment",
            headers={"X-Content-Type-Options": "nosniff"},
        )


def show_link_once(
    request: Request[Any, Any, Any],
    rnd: rounds.Round,
    record: respondents.RespondentRecord,
    link: str,
) -> Redirect:
    """Carry the new link to one view of the round page (post/redirect/get).

    The link travels in a signed, short-lived cookie (``service.web.oneshot``): neither the
    database nor the session file ever holds it; a reload must not invite anyone twice.
    """
    settings = settings_of(request.app.state)
    coordinator_id = int((request.session or {}).get("coordinator_id", 0))
    redirect = Redirect(f"/rounds/{rnd.id}#new-link", status_code=303)
    redirect.set_cookie(
        oneshot.link_cookie(
            settings.secret_key,
            settings.public_url.startswith("https://"),
            coordinator_id,
            rnd.id,
            record.id,
            link,
        )
    )
    return redirect


def link_for(state: State, token: str) -> str:
    """A respondent's personal link."""
    return f"{settings_of(state).public_url}/r/{token}"


def invite_respondent(
    state: State,
    coordinator: SignedIn,
    rnd: rounds.Round,
    role: str,
    name: str,
    email: str,
) -> tuple[respondents.RespondentRecord, str]:
    """Validate the role, store the invitation, e-mail the link when SMTP is configured."""
    catalog: Catalog = state.catalog
    store: Store = state.store
    rounds.require_writable(rnd)
    q = results.questionnaire_of(catalog, rnd)
    if role not in {r.id for r in q.roles}:
        raise InvalidInput("Choose one of the questionnaire's roles.")
    record, token = respondents.invite(store.db(), rnd.id, role, name, email)
    email_link(state, coordinator, rnd, record, token)
    return record, token


def email_link(
    state: State,
    coordinator: SignedIn,
    rnd: rounds.Round,
    record: respondents.RespondentRecord,
    token: FromPath[str],
) -> bool:
    """E-mail the link if SMTP is configured and the respondent has an address; never fail the invite."""
    settings = settings_of(state)
    if not (mailer.smtp_configured(settings) and record.email):
        return False
    catalog: Catalog = state.catalog
    store: Store = state.store
    q = results.questionnaire_of(catalog, rnd)
    role = next((q.text(r.title, rnd.locale) for r in q.roles if r.id == record.role), record.role)
    municipality = accounts.get_municipality(store.db(), coordinator.municipality_id)
    message = mailer.invitation(
        translator(rnd.locale),
        to=record.email,
        municipality=municipality.name,
        round_name=rnd.name,
        role=role,
        link=link_for(state, token),
        sender=settings.smtp_sender,
    )
    try:
        mailer.send(settings, message)
    except (OSError, smtplib.SMTPException):
        log.warning("could not e-mail the invitation for respondent %s", record.id, exc_info=True)
        return False
    respondents.mark_emailed(store.db(), record.id)
    return True
