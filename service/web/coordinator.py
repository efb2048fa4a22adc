"""Coordinator pages: rounds, invitations by role, evidence review, live provisional result.

Only HTTP lives here: forms in, templates and redirects out. The use cases are
``service.rounds``, which the JSON API calls too.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, URLEncodedBody
from litestar.response import File, Redirect, Template

from service import labels, results
from service import rounds as use
from service.domain.assignment import CoverageSettings
from service.domain.evidence import ReviewState
from service.domain.rounds import InvalidRows, check_coverage
from service.errors import InvalidInput, KompassError, NotFound
from service.invitees import MAX_BYTES, rows_from_file, rows_from_text
from service.mailer import smtp_configured
from service.report import exports
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
        t = request_translator(request, rnd.locale)
        batch = request.session.get(NEW_LINKS) if request.session else None
        reminded = request.session.get(REMINDED) if request.session else None
        if isinstance(reminded, dict) and reminded.get("round") == rnd.id:
            request.set_session({k: v for k, v in request.session.items() if k != REMINDED})
        else:
            reminded = None
        context: dict[str, Any] = {
            "round": rnd,
            "q": q,
            "municipality": accounts.get_municipality(db, coordinator.municipality_id),
            "coordinator": coordinator,
            "rows": rows,
            "progress": use.role_progress(q, rows, locale),
            "roles": use.role_titles(q, locale),
            "coverage": use.round_coverage(db, catalog, rnd),
            "indicator_titles": {
                ind.id: q.text(ind.question, locale) for _, _, ind in q.indicators()
            },
            "area_titles": {a.number: q.text(a.title, locale) for a in q.areas},
            "short_reason": lambda reason: labels.short_reason(t, reason),
            "new_links": batch
            if isinstance(batch, dict) and batch.get("round") == rnd.id
            else None,
            "reminded": reminded,
            "not_finished": sum(1 for r in rows if not r.record.revoked and r.complete < r.total),
            "form": {},
            "row_problems": [],
            "evidence": evidence.list_for_round(db, rnd.id),
            "assessment": result,
            "smtp": smtp_configured(settings),
            "new_link": None,
            "error": None,
            "confirm_close": False,
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
        page = self._page(request, store, catalog, settings, coordinator, rnd, new_link=new_link)
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
        return self._page(request, store, catalog, settings, coordinator, rnd, confirm_close=True)

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
            return self._page(
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

    @post(
        "/{round_id:int}/respondents/bulk",
        sync_to_thread=True,
        status_code=303,
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
    ) -> Template | Redirect:
        """Invite everyone on a pasted or uploaded list; all new links are shown together."""
        rnd = round_of(store, coordinator, round_id)
        pasted = data.get("people")
        upload = data.get("file")
        t = request_translator(request, rnd.locale)
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                rows = rows_from_file(upload.filename, upload.file.read(MAX_BYTES + 1))
            else:
                rows = rows_from_text(pasted if isinstance(pasted, str) else "")
            invitations = use.invite_many(store.db(), catalog, settings, rnd, rows, by=coordinator)
        except KompassError as exc:
            problems = exc.problems if isinstance(exc, InvalidRows) else []
            return self._page(
                request,
                store,
                catalog,
                settings,
                coordinator,
                rnd,
                status_code=400,
                bulk_error=t(exc.message, **exc.params),
                row_problems=[(p.row, t(p.message, **p.params)) for p in problems],
                form={"people": pasted if isinstance(pasted, str) else ""},
            )
        return show_links(request, rnd, invitations)

    @get("/{round_id:int}/new-links.csv", sync_to_thread=True)
    def new_links_csv(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Response[str]:
        """The links of the latest batch as CSV for a mail merge (from this session only)."""
        rnd = round_of(store, coordinator, round_id)
        batch = request.session.get(NEW_LINKS) if request.session else None
        if not (isinstance(batch, dict) and batch.get("round") == rnd.id):
            raise NotFound("These links are no longer available. Give the people a new link.")
        t = request_translator(request, rnd.locale)
        table = exports.Table(
            name="links",
            title=t("Personal link"),
            headers=[t("Name"), t("E-mail"), t("Role"), t("Personal link")],
            rows=[[e["name"], e["email"], e["role"], e["link"]] for e in batch["links"]],
        )
        return Response(
            # The same CSV as the result exports: a byte-order mark for spreadsheet programs,
            # and names that look like formulas are defused.
            "\ufeff" + exports.to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="kompass-links-round-{rnd.id}.csv"',
                "Cache-Control": "no-store",
            },
        )

    @post("/{round_id:int}/new-links/forget", sync_to_thread=True, status_code=303)
    def forget_links(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Redirect:
        """Drop the shown links from the session once the coordinator has sent or saved them."""
        round_of(store, coordinator, round_id)
        if request.session:
            request.set_session({k: v for k, v in request.session.items() if k != NEW_LINKS})
        return Redirect(f"/rounds/{round_id}#respondents", status_code=303)

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
    ) -> Redirect:
        """E-mail a reminder to everyone not finished (optionally with new links)."""
        rnd = round_of(store, coordinator, round_id)
        done = use.remind(
            store.db(),
            catalog,
            settings,
            rnd,
            by=coordinator,
            new_links=data.get("new_links") == "yes",
        )
        summary = {
            "round": rnd.id,
            "sent": len(done.sent),
            "failed": len(done.failed),
            "no_email": [p.record.name or f"#{p.record.id}" for p in done.no_email],
        }
        request.set_session({**(request.session or {}), REMINDED: summary})
        if done.links:
            return show_links(request, rnd, done.links)
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
            return self._page(
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


NEW_LINKS = "new_links"
REMINDED = "reminded"
LANG_ORDER = ["nb", "sv", "en"]


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


def show_links(
    request: Request[Any, Any, Any], rnd: rounds.Round, invitations: list[use.Invitation]
) -> Redirect:
    """Keep a batch of new links in this session (server-side) for the page and the CSV.

    They stay until the coordinator says they are done or a new batch replaces them; the
    database keeps only each link's hash, so after that only "new link" helps.
    """
    entry = {
        "round": rnd.id,
        "links": [
            {
                "respondent": i.respondent.record.id,
                "name": i.respondent.record.name,
                "email": i.respondent.record.email,
                "role": i.respondent.role_title,
                "link": i.link,
                "emailed": i.emailed,
            }
            for i in invitations
        ],
    }
    request.set_session({**(request.session or {}), NEW_LINKS: entry})
    return Redirect(f"/rounds/{rnd.id}#new-links", status_code=303)
