"""The JSON API (documented in OpenAPI at /schema): the same domain as the pages, as Structs.

Coordinators authenticate with the session cookie from ``POST /api/v1/session`` and send the
``kompass_csrf`` cookie's value in an ``X-CSRFToken`` header on every change. Respondents
use their personal token in the path, like their link.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody

from service import answering, results
from service import rounds as use
from service.domain import dialog
from service.domain.answers import IndicatorAnswer
from service.domain.assessment import Assessment
from service.domain.evidence import EvidenceRecord, ReviewState
from service.storage import accounts, evidence, rounds
from service.web.auth import SESSION_KEY, SignedIn, current_coordinator, round_of
from service.web.context import request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.uploads import NO_CSRF, receive_evidence

# --- records --------------------------------------------------------------------------------


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    """Coordinator credentials."""

    email: str
    password: str


class CoordinatorOut(msgspec.Struct):
    """The signed-in coordinator."""

    id: int
    email: str
    name: str
    municipality_id: int
    municipality: str


class RoleOut(msgspec.Struct):
    """A respondent role."""

    id: str
    title: str


class QuestionnaireOut(msgspec.Struct):
    """An installed questionnaire."""

    id: str
    version: str
    title: str
    country: str
    locales: list[str]
    roles: list[RoleOut]
    areas: int
    indicators: int
    max_points: int


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new round."""

    name: str
    questionnaire: str
    locale: str | None = None
    deadline: str | None = None


class RespondentOut(msgspec.Struct):
    """An invited respondent and their progress."""

    id: int
    role: str
    name: str
    email: str
    revoked: bool
    emailed: bool
    complete: int
    total: int
    last_seen_at: str | None


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    """An invitation by role."""

    role: str
    name: str = ""
    email: str = ""


class InviteOut(msgspec.Struct):
    """A new personal link: shown once, only its hash is stored."""

    respondent: RespondentOut
    link: str
    token: FromPath[str]


class EvidenceOut(msgspec.Struct):
    """A piece of evidence and its review."""

    id: int
    indicator: FromPath[str]
    respondent_id: FromPath[int]
    kind: str
    title: str
    filename: str
    url: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    effective_date: str | None
    uploaded_at: str
    state: str
    review_comment: str


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """A coordinator's decision on evidence."""

    decision: ReviewState
    comment: str = ""


class Position(msgspec.Struct):
    """Where a respondent's conversation stands: an indicator and step, or finished."""

    indicator: FromPath[str] | None
    step: FromPath[str] | None


class AreaProgressOut(msgspec.Struct):
    """Answered indicators of one area."""

    area: int
    complete: int
    total: int


class RespondentSessionOut(msgspec.Struct):
    """What a respondent's link opens."""

    round: str
    round_status: str
    questionnaire: str
    locale: str
    role: str
    progress: list[AreaProgressOut]
    next: Position


class IndicatorOut(msgspec.Struct):
    """One indicator as the conversation presents it, with the answer so far."""

    id: str
    area: int
    subquestion: str
    question: str
    why: str
    good_practice: str
    evidence_hint: str
    dimensions: list[str]
    steps: list[str]
    complete: bool
    answer: IndicatorAnswer | None
    evidence: list[EvidenceOut]


class StepIn(msgspec.Struct, forbid_unknown_fields=True):
    """One answered step: a level, "dont_know" or "planned"; or the comment."""

    choice: int | str | None = None
    comment: str | None = None


class StepOut(msgspec.Struct):
    """The answer after the step, and what to ask next."""

    answer: IndicatorAnswer
    next: Position


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    """Evidence given as a link."""

    url: str
    title: str = ""
    effective_date: str = ""


def round_out(rnd: rounds.Round) -> dict[str, Any]:
    """A round as JSON."""
    return msgspec.to_builtins(rnd)  # type: ignore[no-any-return]


def evidence_out(record: EvidenceRecord) -> EvidenceOut:
    """Evidence as the API shows it."""
    return EvidenceOut(
        id=record.id,
        indicator=record.indicator_id,
        respondent_id=record.respondent_id,
        kind=record.kind,
        title=record.title,
        filename=record.filename,
        url=record.url,
        media_type=record.media_type,
        size=record.size,
        sha256=record.sha256,
        effective_date=record.effective_date,
        uploaded_at=record.uploaded_at,
        state=record.state.value,
        review_comment=record.review_comment,
    )


def position_out(position: answering.Position) -> Position:
    """A position as JSON."""
    return Position(
        indicator=position.indicator, step=position.step.value if position.step else None
    )


def step_answer(step: dialog.Step, data: StepIn) -> answering.StepAnswer:
    """The typed answer a step's JSON carries: a level as a number (or text), or the comment."""
    if step is dialog.Step.COMMENT:
        return answering.Comment(data.comment or "")
    if isinstance(data.choice, int):
        return answering.Choose(step, data.choice)
    return answering.Choose(step, answering.choice_from_text(data.choice or ""))


# --- coordinator ----------------------------------------------------------------------------


class SessionApi(Controller):
    """Sign in and out."""

    path = "/api/v1/session"
    tags = ["coordinator"]  # noqa: RUF012 - Litestar reads controller settings from class attributes

    @post("/", sync_to_thread=True, status_code=200)
    def sign_in(
        self, request: Request[Any, Any, Any], store: StoreDep, data: JSONBody[LoginIn]
    ) -> CoordinatorOut:
        """Start a session for a coordinator."""
        coordinator = accounts.authenticate(store.db(), data.email, data.password)
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
                roles=[RoleOut(r.id, q.text(r.title, locale)) for r in q.roles],
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
            name=data.name,
            questionnaire_id=data.questionnaire,
            locale=data.locale,
            deadline=data.deadline,
        )
        return round_out(rnd)

    @get("/rounds/{round_id:int}", sync_to_thread=True)
    def get_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """One round."""
        return round_out(round_of(store, coordinator, round_id))

    @post("/rounds/{round_id:int}/open", sync_to_thread=True, status_code=200)
    def open_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Open a draft round for answers."""
        return round_out(use.open_round(store.db(), round_of(store, coordinator, round_id)))

    @post("/rounds/{round_id:int}/close", sync_to_thread=True, status_code=200)
    def close_round(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Close an open round: read-only from now on."""
        return round_out(use.close_round(store.db(), round_of(store, coordinator, round_id)))

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
            _respondent_out(r) for r in use.respondent_progress(store.db(), catalog, rnd, locale)
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
            store.db(), catalog, settings, rnd, role=data.role, name=data.name, email=data.email
        )
        return _invite_out(invitation)

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
        return _respondent_out(use.revoke(store.db(), catalog, rnd, respondent_id))

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
        return _invite_out(use.reissue(store.db(), catalog, settings, rnd, respondent_id))

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
        record = use.review_evidence(
            store.db(), rnd, evidence_id, data.decision, data.comment, coordinator.id
        )
        return evidence_out(record)

    @get("/rounds/{round_id:int}/result", sync_to_thread=True)
    def result(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Assessment:
        """The round's provisional result: scores, findings, disagreements, gaps, benchmarks."""
        return results.assessment(store.db(), catalog, round_of(store, coordinator, round_id))


def _respondent_out(row: use.RespondentProgress) -> RespondentOut:
    record = row.record
    return RespondentOut(
        id=record.id,
        role=record.role,
        name=record.name,
        email=record.email,
        revoked=record.revoked,
        emailed=record.emailed_at is not None,
        complete=row.complete,
        total=row.total,
        last_seen_at=record.last_seen_at,
    )


def _invite_out(invitation: use.Invitation) -> InviteOut:
    return InviteOut(
        respondent=_respondent_out(invitation.respondent),
        link=invitation.link,
        token=invitation.token,
    )


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
        """The respondent's round, role, progress and next step."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        current = answering.current(db, v)
        return RespondentSessionOut(
            round=v.round.name,
            round_status=v.round.status.value,
            questionnaire=v.q.id,
            locale=v.round.locale,
            role=v.respondent.role,
            progress=[
                AreaProgressOut(p.area, p.complete, p.total)
                for p in dialog.progress(v.q, v.respondent.role, current)
            ],
            next=position_out(answering.resume(db, v)),
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
            steps=[s.value for s in dialog.steps(ind, answer)],
            complete=dialog.is_complete(ind, answer),
            answer=answer,
            evidence=[evidence_out(e) for e in answering.evidence_for(db, v, ind.id)],
        )

    @post("/indicators/{indicator:str}/steps/{step:str}", sync_to_thread=True, status_code=200)
    def step(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
        data: JSONBody[StepIn],
    ) -> StepOut:
        """Answer one step; the previous version of the answer is kept in its history."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        answering.locate(v, indicator)
        saved = answering.answer(db, v, indicator, step_answer(answering.parse_step(step), data))
        return StepOut(answer=saved.answer, next=position_out(saved.next))

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
