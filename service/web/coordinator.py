"""Coordinator pages: rounds, their life cycle, evidence review, the live provisional result.

Only HTTP lives here: forms in, templates and redirects out. The use cases are
``service.rounds``, which the JSON API calls too. Invitations are in ``web.invitations``.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import FromPath, URLEncodedBody
from litestar.response import File, Redirect, Template

from service import reviewing
from service import rounds as use
from service.domain.assignment import CoverageSettings
from service.domain.evidence import ReviewState
from service.domain.rounds import check_coverage
from service.errors import InvalidInput, KompassError, NotFound
from service.storage import accounts, evidence, respondents, rounds
from service.storage.evidence_files import MEDIA_TYPES, path_for, with_extension
from service.web import oneshot
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.round_page import (
    LANG_ORDER,
    round_page,
)

Form = URLEncodedBody[dict[str, str]]


class CoordinatorPages(Controller):
    """Server-rendered pages for the signed-in coordinator."""

    path = "/rounds"
    include_in_schema = False
    # Litestar reads controller settings from class attributes.
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

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
        languages = {q.id: q.locales for q in catalog.all()}
        return render(
            request,
            "coordinator/rounds.html",
            languages=languages,
            all_languages=sorted(
                {c for q in catalog.all() for c in q.locales}, key=LANG_ORDER.index
            ),
            coverage_defaults=CoverageSettings(),
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
                coverage=check_coverage(
                    data.get("min_per_indicator"),
                    data.get("max_per_person"),
                    data.get("min_roles"),
                ),
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
        page = round_page(request, store, catalog, settings, coordinator, rnd, new_link=new_link)
        if oneshot.COOKIE in request.cookies:
            page.set_cookie(oneshot.expired_cookie(rnd.id))
        return page

    @post("/{round_id:int}/open", sync_to_thread=True, status_code=303)
    def open_round(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Redirect:
        """Open the round for answers."""
        use.open_round(store.db(), catalog, round_of(store, coordinator, round_id), by=coordinator)
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @get("/{round_id:int}/close", sync_to_thread=True)
    def confirm_close(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """Ask before closing: what closing means and that it can be undone until export."""
        rnd = round_of(store, coordinator, round_id)
        return round_page(request, store, catalog, settings, coordinator, rnd, confirm_close=True)

    @post("/{round_id:int}/close", sync_to_thread=True, status_code=303)
    def close_round(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect | Template:
        """Close the round once the coordinator has confirmed; it stays readable with its results."""
        rnd = round_of(store, coordinator, round_id)
        if data.get("confirm") != "yes":
            t = request_translator(request, rnd.locale)
            return round_page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                status_code=400,
                confirm_close=True,
                error=t("Confirm that the round should be closed."),
            )
        use.close_round(store.db(), rnd, by=coordinator)
        return Redirect(f"/rounds/{round_id}", status_code=303)

    @post("/{round_id:int}/reopen", sync_to_thread=True, status_code=303)
    def reopen_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Redirect:
        """Undo closing, as long as the results have not been exported."""
        use.reopen_round(store.db(), round_of(store, coordinator, round_id), by=coordinator)
        return Redirect(f"/rounds/{round_id}", status_code=303)

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
        reviewing.review_evidence(
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
