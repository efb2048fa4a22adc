"""Coordinator pages: rounds, invitations by role, evidence review, live provisional result.

Only HTTP lives here: forms in, templates and redirects out. The use cases are
``service.rounds``, which the JSON API calls too.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import FromPath, URLEncodedBody
from litestar.response import File, Redirect, Template

from service import results
from service import rounds as use
from service.domain.evidence import ReviewState
from service.errors import InvalidInput, KompassError, NotFound
from service.mailer import smtp_configured
from service.settings import Settings
from service.storage import accounts, evidence, respondents, rounds
from service.storage.evidence_files import MEDIA_TYPES, path_for, with_extension
from service.web import oneshot
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep

Form = URLEncodedBody[dict[str, str]]


class CoordinatorPages(Controller):
    """Server-rendered pages for the signed-in coordinator."""

    path = "/rounds"
    include_in_schema = False
    # Litestar reads controller settings from class attributes.
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    def _page(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        rnd: rounds.Round,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        db = store.db()
        q, answers_now, result = results.scored(db, catalog, rnd)
        locale = request_translator(request, rnd.locale).locale
        rows = use.respondent_progress(db, catalog, rnd, locale, answers_now)
        context: dict[str, Any] = {
            "round": rnd,
            "q": q,
            "municipality": accounts.get_municipality(db, coordinator.municipality_id),
            "coordinator": coordinator,
            "rows": rows,
            "progress": use.role_progress(q, rows, locale),
            "evidence": evidence.list_for_round(db, rnd.id),
            "assessment": result,
            "smtp": smtp_configured(settings),
            "new_link": None,
            "error": None,
        }
        context.update(extra)
        return render(
            request,
            "coordinator/round.html",
            status_code=status_code,
            default_locale=rnd.locale,
            **context,
        )

    def _rounds_page(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        status_code: int = 200,
        error: str | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        db = store.db()
        municipality = accounts.get_municipality(db, coordinator.municipality_id)
        locale = request_translator(request).locale
        return render(
            request,
            "coordinator/rounds.html",
            status_code=status_code,
            default_locale=municipality.locale,
            municipality=municipality,
            coordinator=coordinator,
            rounds=rounds.list_rounds(db, coordinator.municipality_id),
            questionnaires=catalog.all(),
            titles={q.id: q.text(q.title, locale) for q in catalog.all()},
            error=error,
            form=form or {},
        )

    @get("/", sync_to_thread=True)
    def list_rounds(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
    ) -> Template:
        """The municipality's rounds and a form to start a new one."""
        return self._rounds_page(request, store, catalog, coordinator)

    @post("/", sync_to_thread=True, status_code=303)
    def create_round(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        data: Form,
    ) -> Redirect | Template:
        """Create a draft round."""
        try:
            rnd = use.create(
                store.db(),
                catalog,
                coordinator.municipality_id,
                by=coordinator,
                name=data.get("name", ""),
                questionnaire_id=data.get("questionnaire", ""),
                locale=data.get("locale") or None,
                deadline=data.get("deadline") or None,
            )
        except KompassError as exc:
            t = request_translator(request)
            return self._rounds_page(
                request,
                store,
                catalog,
                coordinator,
                status_code=400,
                error=t(exc.message, **exc.params),
                form=data,
            )
        return Redirect(f"/rounds/{rnd.id}", status_code=303)

    @get("/{round_id:int}", sync_to_thread=True)
    def show_round(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """The round overview: progress, invitations, evidence to review, provisional result."""
        rnd = round_of(store, coordinator, round_id)
        shown = oneshot.read_link(request, settings.secret_key, coordinator.id, rnd.id)
        new_link = None
        if shown is not None:
            new_link = (respondents.get(store.db(), rnd.id, shown[0]), shown[1])
        page = self._page(request, store, catalog, settings, coordinator, rnd, new_link=new_link)
        if oneshot.COOKIE in request.cookies:
            page.set_cookie(oneshot.expired_cookie(rnd.id))
        return page

    @post("/{round_id:int}/open", sync_to_thread=True, status_code=303)
    def open_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Redirect:
        """Open the round for answers."""
        use.open_round(store.db(), round_of(store, coordinator, round_id), by=coordinator)
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @post("/{round_id:int}/close", sync_to_thread=True, status_code=303)
    def close_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Redirect:
        """Close the round; it stays readable with its results."""
        use.close_round(store.db(), round_of(store, coordinator, round_id), by=coordinator)
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @post("/{round_id:int}/respondents", sync_to_thread=True, status_code=303)
    def invite(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Invite a respondent by role; show the personal link once (and e-mail it if configured)."""
        rnd = round_of(store, coordinator, round_id)
        try:
            invitation = use.invite(
                store.db(),
                catalog,
                settings,
                rnd,
                by=coordinator,
                role=data.get("role", ""),
                name=data.get("name", ""),
                email=data.get("email", ""),
            )
        except KompassError as exc:
            t = request_translator(request, rnd.locale)
            return self._page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                status_code=400,
                error=t(exc.message, **exc.params),
            )
        return show_link_once(settings, coordinator, rnd, invitation)

    @post(
        "/{round_id:int}/respondents/{respondent_id:int}/revoke",
        sync_to_thread=True,
        status_code=303,
    )
    def revoke(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Redirect:
        """Withdraw a personal link."""
        use.revoke(
            store.db(),
            catalog,
            round_of(store, coordinator, round_id),
            respondent_id,
            by=coordinator,
        )
        return Redirect(f"/rounds/{round_id}#respondents", status_code=303)

    @post(
        "/{round_id:int}/respondents/{respondent_id:int}/reissue",
        sync_to_thread=True,
        status_code=303,
    )
    def reissue(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Redirect:
        """Give a respondent a new link; the old one stops working."""
        rnd = round_of(store, coordinator, round_id)
        invitation = use.reissue(store.db(), catalog, settings, rnd, respondent_id, by=coordinator)
        return show_link_once(settings, coordinator, rnd, invitation)

    @post("/{round_id:int}/evidence/{evidence_id:int}/review", sync_to_thread=True, status_code=303)
    def review(
        self,
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Accept or reject a piece of evidence."""
        rnd = round_of(store, coordinator, round_id)
        try:
            decision = ReviewState(data.get("decision", ""))
        except ValueError:
            raise InvalidInput("Choose accept or reject.") from None
        use.review_evidence(
            store.db(), rnd, evidence_id, decision, data.get("comment", ""), by=coordinator
        )
        return Redirect(f"/rounds/{round_id}#evidence", status_code=303)

    @get("/{round_id:int}/evidence/{evidence_id:int}/file", sync_to_thread=True)
    def evidence_file(
        self,
        store: StoreDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
    ) -> File:
        """Download an uploaded evidence file under its original (sanitised) name."""
        record = evidence.get(store.db(), round_of(store, coordinator, round_id).id, evidence_id)
        if record.kind != "file" or not record.sha256:
            raise NotFound("No such evidence.")
        # Litestar adds "; charset=utf-8" to text types itself; the extension follows the
        # sniffed type whatever the uploader called the file (older records included).
        media_type = record.media_type or "application/octet-stream"
        return File(
            path=path_for(settings.data_path / "evidence", record.sha256),
            filename=with_extension(
                record.filename or f"evidence-{record.id}", MEDIA_TYPES.get(media_type, "bin")
            ),
            media_type=media_type,
            content_disposition_type="attachment",
            headers={"X-Content-Type-Options": "nosniff"},
        )


def show_link_once(
    settings: Settings,
    coordinator: accounts.Coordinator,
    rnd: rounds.Round,
    invitation: use.Invitation,
) -> Redirect:
    """Carry the new link to one view of the round page (post/redirect/get).

    The link travels in a signed, short-lived cookie (``service.web.oneshot``): neither the
    database nor the session file ever holds it; a reload must not invite anyone twice.
    """
    redirect = Redirect(f"/rounds/{rnd.id}#new-link", status_code=303)
    redirect.set_cookie(
        oneshot.link_cookie(
            settings.secret_key,
            settings.public_url.startswith("https://"),
            coordinator.id,
            rnd.id,
            invitation.respondent.record.id,
            invitation.link,
        )
    )
    return redirect
