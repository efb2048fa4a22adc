"""The JSON API (documented in OpenAPI at /schema): the same domain as the pages, as Structs.

Coordinators authenticate with the session cookie from ``POST /api/v1/session`` and send the
``kompass_csrf`` cookie's value in an ``X-CSRFToken`` header on every change. Respondents
use their personal token in the path, like their link.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody

from service import answering, progress, results, reviewing
from service import rounds as use
from service.domain import dialog
from service.domain.assessment import Assessment
from service.domain.rounds import InvalidRows, check_coverage
from service.invitees import rows_from_text
from service.storage import accounts, evidence, rounds
from service.web.api_records import (
    AreaProgressOut,
    CoordinatorOut,
    CoverageIn,
    EvidenceOut,
    IndicatorAnswerIn,
    IndicatorOut,
    IndicatorSavedOut,
    InviteIn,
    InviteManyError,
    InviteManyIn,
    InviteOut,
    LinkIn,
    LoginIn,
    Next,
    QuestionnaireOut,
    RemindIn,
    RemindOut,
    RespondentOut,
    RespondentSessionOut,
    ReviewIn,
    RoleOut,
    RoundIn,
    RowProblemOut,
    evidence_out,
    invite_out,
    respondent_out,
    round_out,
)
from service.web.auth import (
    SESSION_KEY,
    SignedIn,
    check_sign_in,
    current_coordinator,
    round_of,
)
from service.web.context import request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep, ThrottleDep
from service.web.uploads import NO_CSRF, receive_evidence

# --- coordinator ----------------------------------------------------------------------------


class SessionApi(Controller):
    """Sign in and out."""

    path = "/api/v1/session"
    tags = ["coordinator"]  # noqa: RUF012 - Litestar reads controller settings from class attributes

    @post("/", sync_to_thread=True, status_code=200)
    def sign_in(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        throttle: ThrottleDep,
        data: JSONBody[LoginIn],
    ) -> CoordinatorOut:
        """Start a session for a coordinator."""
        coordinator = check_sign_in(request, store, throttle, data.email, data.password)
        if coordinator is None:
            raise NotAuthorizedException()
        request.clear_session()
        request.set_session({SESSION_KEY: coordinator.id})
        return _coordinator_out(store, coordinator)

    @get("/", sync_to_thread=True)
    def whoami(self, request: Request[Any, Any, Any], store: StoreDep) -> CoordinatorOut:
        """The signed-in coordinator."""
        return _coordinator_out(store, current_coordinator(request, store))

    @delete("/", sync_to_thread=False, status_code=204)
    def sign_out(self, request: Request[Any, Any, Any]) -> None:
        """End the session."""
        request.clear_session()


def _coordinator_out(store: StoreDep, coordinator: SignedIn) -> CoordinatorOut:
    municipality = accounts.get_municipality(store.db(), coordinator.municipality_id)
    return CoordinatorOut(
        id=coordinator.id,
        email=coordinator.email,
        name=coordinator.name,
        municipality_id=municipality.id,
        municipality=municipality.name,
    )


class CoordinatorApi(Controller):
    """Rounds, invitations, evidence review and results, scoped to the coordinator's municipality."""

    path = "/api/v1"
    tags = ["coordinator"]  # noqa: RUF012
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/questionnaires", sync_to_thread=False)
    def questionnaires(
        self, request: Request[Any, Any, Any], catalog: CatalogDep, coordinator: SignedIn
    ) -> list[QuestionnaireOut]:
        """The installed questionnaires."""
        locale = request_translator(request).locale
        return [
            QuestionnaireOut(
                id=q.id,
                version=q.version,
                title=q.text(q.title, locale),
                country=q.country,
                locales=q.locales,
                roles=[RoleOut(r.id, progress.role_title(q, r.id, locale)) for r in q.roles],
                areas=len(q.areas),
                indicators=sum(1 for _ in q.indicators()),
                max_points=q.max_points,
            )
            for q in catalog.all()
        ]

    @get("/rounds", sync_to_thread=True)
    def list_rounds(self, store: StoreDep, coordinator: SignedIn) -> list[dict[str, Any]]:
        """The municipality's rounds, newest first."""
        return [round_out(r) for r in rounds.list_rounds(store.db(), coordinator.municipality_id)]

    @post("/rounds", sync_to_thread=True, status_code=201)
    def create_round(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, data: JSONBody[RoundIn]
    ) -> dict[str, Any]:
        """Create a draft round."""
        rnd = use.create(
            store.db(),
            catalog,
            coordinator.municipality_id,
            by=coordinator,
            name=data.name,
            questionnaire_id=data.questionnaire,
            locale=data.locale,
            deadline=data.deadline,
            coverage=check_coverage(data.min_per_indicator, data.max_per_person, data.min_roles),
        )
        return round_out(rnd)

    @get("/rounds/{round_id:int}/coverage", sync_to_thread=True)
    def get_coverage(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> use.RoundCoverage:
        """The round's coverage settings and how far the assignment meets them, per indicator and area."""
        return use.round_coverage(store.db(), catalog, round_of(store, coordinator, round_id))

    @put("/rounds/{round_id:int}/coverage", sync_to_thread=True, status_code=200)
    def set_coverage(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[CoverageIn],
    ) -> use.RoundCoverage:
        """Change the coverage settings; the work is shared again (answers stay with their authors)."""
        rnd = round_of(store, coordinator, round_id)
        settings = check_coverage(data.min_per_indicator, data.max_per_person, data.min_roles)
        use.set_coverage(store.db(), catalog, rnd, settings, by=coordinator)
        return use.round_coverage(store.db(), catalog, rnd)

    @get("/rounds/{round_id:int}", sync_to_thread=True)
    def get_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """One round."""
        return round_out(round_of(store, coordinator, round_id))

    @post("/rounds/{round_id:int}/open", sync_to_thread=True, status_code=200)
    def open_round(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Open a draft round for answers."""
        return round_out(
            use.open_round(
                store.db(), catalog, round_of(store, coordinator, round_id), by=coordinator
            )
        )

    @post("/rounds/{round_id:int}/close", sync_to_thread=True, status_code=200)
    def close_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Close an open round: read-only from now on."""
        return round_out(
            use.close_round(store.db(), round_of(store, coordinator, round_id), by=coordinator)
        )

    @post("/rounds/{round_id:int}/reopen", sync_to_thread=True, status_code=200)
    def reopen_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Undo closing a round, until its results have been exported (then 409)."""
        return round_out(
            use.reopen_round(store.db(), round_of(store, coordinator, round_id), by=coordinator)
        )

    @get("/rounds/{round_id:int}/respondents", sync_to_thread=True)
    def list_respondents(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> list[RespondentOut]:
        """The round's respondents with their progress."""
        rnd = round_of(store, coordinator, round_id)
        locale = request_translator(request, rnd.locale).locale
        return [
            respondent_out(r)
            for r in progress.respondent_progress(store.db(), catalog, rnd, locale)
        ]

    @post("/rounds/{round_id:int}/respondents", sync_to_thread=True, status_code=201)
    def invite(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[InviteIn],
    ) -> InviteOut:
        """Invite a respondent by role; the token is returned once."""
        rnd = round_of(store, coordinator, round_id)
        invitation = use.invite(
            store.db(),
            catalog,
            settings,
            rnd,
            by=coordinator,
            role=data.role,
            name=data.name,
            email=data.email,
        )
        return invite_out(invitation)

    @post("/rounds/{round_id:int}/respondents/bulk", sync_to_thread=True, status_code=201)
    def invite_many(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[InviteManyIn],
    ) -> list[InviteOut] | Response[InviteManyError]:
        """Invite many at once, all or none; bad rows are each named in a 400 (``rows``)."""
        rnd = round_of(store, coordinator, round_id)
        rows = data.rows if data.rows is not None else rows_from_text(data.text or "")
        try:
            done = use.invite_many(store.db(), catalog, settings, rnd, rows, by=coordinator)
        except InvalidRows as exc:
            t = request_translator(request, rnd.locale)
            return Response(
                InviteManyError(
                    status=400,
                    error="invalid",
                    message=t(exc.message),
                    rows=[RowProblemOut(p.row, t(p.message, **p.params)) for p in exc.problems],
                ),
                status_code=400,
            )
        return [invite_out(i) for i in done]

    @post("/rounds/{round_id:int}/remind", sync_to_thread=True, status_code=200)
    def remind(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[RemindIn],
    ) -> RemindOut:
        """E-mail a reminder to everyone not finished (409 when e-mail is not configured)."""
        rnd = round_of(store, coordinator, round_id)
        done = use.remind(
            store.db(), catalog, settings, rnd, by=coordinator, new_links=data.new_links
        )
        return RemindOut(
            sent=[p.record.id for p in done.sent],
            failed=[p.record.id for p in done.failed],
            no_email=[p.record.id for p in done.no_email],
            links=[invite_out(i) for i in done.links],
        )

    @post(
        "/rounds/{round_id:int}/respondents/{respondent_id:int}/revoke",
        sync_to_thread=True,
        status_code=200,
    )
    def revoke(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> RespondentOut:
        """Withdraw a personal link (answers are kept)."""
        rnd = round_of(store, coordinator, round_id)
        return respondent_out(use.revoke(store.db(), catalog, rnd, respondent_id, by=coordinator))

    @post(
        "/rounds/{round_id:int}/respondents/{respondent_id:int}/reissue",
        sync_to_thread=True,
        status_code=200,
    )
    def reissue(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> InviteOut:
        """A new link for a respondent (e-mailed when SMTP is set); the old one stops working."""
        rnd = round_of(store, coordinator, round_id)
        return invite_out(
            use.reissue(store.db(), catalog, settings, rnd, respondent_id, by=coordinator)
        )

    @get("/rounds/{round_id:int}/evidence", sync_to_thread=True)
    def list_evidence(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> list[EvidenceOut]:
        """The round's evidence with review states."""
        rnd = round_of(store, coordinator, round_id)
        return [evidence_out(e) for e in evidence.list_for_round(store.db(), rnd.id)]

    @post(
        "/rounds/{round_id:int}/evidence/{evidence_id:int}/review",
        sync_to_thread=True,
        status_code=200,
    )
    def review(
        self,
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
        data: JSONBody[ReviewIn],
    ) -> EvidenceOut:
        """Accept or reject evidence; this feeds the documented score."""
        rnd = round_of(store, coordinator, round_id)
        record = reviewing.review_evidence(
            store.db(), rnd, evidence_id, data.decision, data.comment, by=coordinator
        )
        return evidence_out(record)

    @get("/rounds/{round_id:int}/result", sync_to_thread=True)
    def result(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Assessment:
        """The round's provisional result: scores, findings, disagreements, gaps, benchmarks."""
        return results.assessment(store.db(), catalog, round_of(store, coordinator, round_id))


# --- respondent -----------------------------------------------------------------------------


class RespondentApi(Controller):
    """The guided conversation over JSON, for a personal token."""

    path = "/api/v1/respond/{token:str}"
    tags = ["respondent"]  # noqa: RUF012
    opt = NO_CSRF

    @get("/", sync_to_thread=True)
    def session(
        self, store: StoreDep, catalog: CatalogDep, token: FromPath[str]
    ) -> RespondentSessionOut:
        """The respondent's round, role, progress over their assignment and next open indicator."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        return RespondentSessionOut(
            round=v.round.name,
            round_status=v.round.status.value,
            questionnaire=v.q.id,
            locale=v.round.locale,
            role=v.respondent.role,
            progress=[
                AreaProgressOut(p.area, p.complete, p.total) for p in answering.progress(db, v)
            ],
            next=Next(answering.resume_card(db, v)),
        )

    @get("/indicators/{indicator:str}", sync_to_thread=True)
    def indicator(
        self, store: StoreDep, catalog: CatalogDep, token: FromPath[str], indicator: FromPath[str]
    ) -> IndicatorOut:
        """An indicator in the round's language, with the respondent's answer so far."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        area, sq, ind = answering.locate(v, indicator)
        answer = answering.current(db, v).get(ind.id)
        loc = v.round.locale
        return IndicatorOut(
            id=ind.id,
            area=area.number,
            subquestion=sq.id,
            question=v.q.text(ind.question, loc),
            why=v.q.text(ind.why, loc),
            good_practice=v.q.text(ind.good_practice, loc),
            evidence_hint=v.q.text(ind.evidence_hint, loc),
            dimensions=[d.value for d in ind.dimensions],
            applies=[d.value for d in dialog.applies(ind, answer)],
            complete=dialog.is_complete(ind, answer),
            answer=answer,
            evidence=[evidence_out(e) for e in answering.evidence_for(db, v, ind.id)],
        )

    @put("/indicators/{indicator:str}", sync_to_thread=True, status_code=200)
    def save_indicator(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: JSONBody[IndicatorAnswerIn],
    ) -> IndicatorSavedOut:
        """Answer a whole indicator in one request (the card's use case); earlier versions are kept."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        saved = answering.save_card(db, v, indicator, data.card())
        return IndicatorSavedOut(answer=saved.answer, next=Next(saved.next))

    @post("/indicators/{indicator:str}/evidence", status_code=201, request_max_body_size=None)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> EvidenceOut:
        """Upload a file (multipart/form-data: file, title, effective_date) or a link (url)."""
        record = await receive_evidence(request, store, catalog, settings, token, indicator)
        return evidence_out(record)

    @post("/indicators/{indicator:str}/links", sync_to_thread=True, status_code=201)
    def link(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
        indicator: FromPath[str],
        data: JSONBody[LinkIn],
    ) -> EvidenceOut:
        """Add a link to a published document as evidence."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        record = answering.attach_link(
            db, v, indicator, url=data.url, title=data.title, effective_date=data.effective_date
        )
        return evidence_out(record)
