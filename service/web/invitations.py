"""Coordinator pages for inviting people: one or many, new links, revoking, reminders, coverage."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from service import rounds as use
from service.domain.rounds import InvalidRows, check_coverage
from service.errors import KompassError
from service.invitees import MAX_BYTES, rows_from_file, rows_from_text
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.round_page import (
    BATCH_USED,
    REMINDED,
    claim,
    claimable,
    links_shown,
    round_page,
    show_link_once,
)

Form = URLEncodedBody[dict[str, str]]


class InvitationPages(Controller):
    """Who answers a round: invitations, links, reminders and the coverage they must reach."""

    path = "/rounds"
    include_in_schema = False
    # Litestar reads controller settings from class attributes.
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

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
            return round_page(
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

    @post(
        "/{round_id:int}/respondents/bulk",
        sync_to_thread=True,
        status_code=200,
        request_max_body_size=MAX_BYTES + 64 * 1024,
    )
    def invite_many(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        """Invite everyone on a pasted or uploaded list; all new links are shown together.

        The links appear in this response only (with their CSV), never stored on the server;
        the form's one-time ``batch`` id keeps a reload from inviting the list twice.
        """
        rnd = round_of(store, coordinator, round_id)
        pasted = data.get("people")
        upload = data.get("file")
        t = request_translator(request, rnd.locale)

        def refused(status_code: int, message: str, problems: list[Any]) -> Template:
            return round_page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                status_code=status_code,
                bulk_error=message,
                row_problems=[(p.row, t(p.message, **p.params)) for p in problems],
                form={"people": pasted if isinstance(pasted, str) else ""},
            )

        batch = data.get("batch")
        if not claimable(request, batch):
            return refused(409, t(BATCH_USED), [])
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                rows = rows_from_file(upload.filename, upload.file.read(MAX_BYTES + 1))
            else:
                rows = rows_from_text(pasted if isinstance(pasted, str) else "")
            invitations = use.invite_many(store.db(), catalog, settings, rnd, rows, by=coordinator)
        except KompassError as exc:
            problems = exc.problems if isinstance(exc, InvalidRows) else []
            return refused(400, t(exc.message, **exc.params), problems)
        claim(request, str(batch))
        return round_page(
            request,
            store,
            catalog,
            settings,
            coordinator,
            rnd,
            new_links=links_shown(t, rnd, invitations),
        )

    @post("/{round_id:int}/remind", sync_to_thread=True, status_code=303)
    def remind(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect | Template:
        """E-mail a reminder to everyone not finished (optionally with new links).

        New links are shown in this response only, like a bulk invitation's.
        """
        rnd = round_of(store, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        batch = data.get("batch")
        if not claimable(request, batch):
            return round_page(
                request, store, catalog, settings, coordinator, rnd, 409, error=t(BATCH_USED)
            )
        done = use.remind(
            store.db(),
            catalog,
            settings,
            rnd,
            by=coordinator,
            new_links=data.get("new_links") == "yes",
        )
        claim(request, str(batch))
        summary = {
            "round": rnd.id,
            "sent": len(done.sent),
            "failed": len(done.failed),
            "no_email": [p.record.name or f"#{p.record.id}" for p in done.no_email],
        }
        if done.links:
            return round_page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                reminded=summary,
                new_links=links_shown(t, rnd, done.links),
            )
        request.set_session({**(request.session or {}), REMINDED: summary})
        return Redirect(f"/rounds/{round_id}#reminders", status_code=303)

    @post("/{round_id:int}/coverage", sync_to_thread=True, status_code=303)
    def set_coverage(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect | Template:
        """Change the round's coverage settings; the work is shared again."""
        rnd = round_of(store, coordinator, round_id)
        try:
            coverage = check_coverage(
                data.get("min_per_indicator"), data.get("max_per_person"), data.get("min_roles")
            )
            use.set_coverage(store.db(), catalog, rnd, coverage, by=coordinator)
        except KompassError as exc:
            t = request_translator(request, rnd.locale)
            return round_page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                status_code=400,
                coverage_error=t(exc.message, **exc.params),
            )
        return Redirect(f"/rounds/{round_id}#coverage", status_code=303)
