"""The JSON API (documented in OpenAPI at /schema): the same domain as the pages, as Structs.

Coordinators authenticate with the session cookie from ``POST /api/v1/session`` and send the
``kompass_csrf`` cookie's value in an ``X-CSRFToken`` header on every change. Respondents
use their personal token in the path, like their link.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody

from service import results
from service.domain import dialog
from service.domain.answers import IndicatorAnswer
from service.domain.assessment import Assessment
from service.errors import InvalidInput
from service.questionnaires import Catalog
from service.storage import accounts, answers, evidence, respondents, rounds
from service.storage.db import Store
from service.web.auth import (
    SESSION_KEY,
    SignedIn,
    check_sign_in,
    current_coordinator,
    round_of,
)
from service.web.context import request_translator
from service.web.coordinator import invite_respondent, link_for, respondent_rows
from service.web.respond import NO_CSRF, locate, receive_evidence, resume_position, save_step, visit

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

    decision: evidence.ReviewState
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


def evidence_out(record: evidence.EvidenceRecord) -> EvidenceOut:
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


def position_out(position: tuple[str, dialog.Step] | None) -> Position:
    """A position as JSON."""
    return (
        Position(indicator=position[0], step=position[1].value)
        if position
        else Position(None, None)
    )


# --- coordinator ----------------------------------------------------------------------------


class SessionApi(Controller):
    """Sign in and out."""

    path = "/api/v1/session"
    tags = ["coordinator"]  # noqa: RUF012 - Litestar reads controller settings from class attributes

    @post("/", sync_to_thread=True, status_code=200)
    def sign_in(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[LoginIn]
    ) -> CoordinatorOut:
        """Start a session for a coordinator."""
        store: Store = state.store
        coordinator = check_sign_in(request, state, data.email, data.password)
        if coordinator is None:
            raise NotAuthorizedException()
        request.clear_session()
        request.set_session({SESSION_KEY: coordinator.id})
        return _coordinator_out(store, coordinator)

    @get("/", sync_to_thread=True)
    def whoami(self, request: Request[Any, Any, Any], state: State) -> CoordinatorOut:
        """The signed-in coordinator."""
        store: Store = state.store
        return _coordinator_out(store, current_coordinator(request, state))

    @delete("/", sync_to_thread=False, status_code=204)
    def sign_out(self, request: Request[Any, Any, Any]) -> None:
        """End the session."""
        request.clear_session()


def _coordinator_out(store: Store, coordinator: SignedIn) -> CoordinatorOut:
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
        self, request: Request[Any, Any, Any], state: State, coordinator: SignedIn
    ) -> list[QuestionnaireOut]:
        """The installed questionnaires."""
        catalog: Catalog = state.catalog
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
    def list_rounds(self, state: State, coordinator: SignedIn) -> list[dict[str, Any]]:
        """The municipality's rounds, newest first."""
        store: Store = state.store
        return [round_out(r) for r in rounds.list_rounds(store.db(), coordinator.municipality_id)]

    @post("/rounds", sync_to_thread=True, status_code=201)
    def create_round(
        self, state: State, coordinator: SignedIn, data: JSONBody[RoundIn]
    ) -> dict[str, Any]:
        """Create a draft round."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        q = catalog.get(data.questionnaire)
        if q is None:
            raise InvalidInput("Choose one of the questionnaires.")
        locale = data.locale or q.default_locale
        if locale not in q.locales:
            raise InvalidInput("This questionnaire is not available in the chosen language.")
        rnd = rounds.create_round(
            store.db(), coordinator.municipality_id, data.name, q.id, locale, data.deadline
        )
        return round_out(rnd)

    @get("/rounds/{round_id:int}", sync_to_thread=True)
    def get_round(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """One round."""
        return round_out(round_of(state, coordinator, round_id))

    @post("/rounds/{round_id:int}/open", sync_to_thread=True, status_code=200)
    def open_round(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Open a draft round for answers."""
        store: Store = state.store
        return round_out(rounds.open_round(store.db(), round_of(state, coordinator, round_id)))

    @post("/rounds/{round_id:int}/close", sync_to_thread=True, status_code=200)
    def close_round(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int]
    ) -> dict[str, Any]:
        """Close an open round: read-only from now on."""
        store: Store = state.store
        return round_out(rounds.close_round(store.db(), round_of(state, coordinator, round_id)))

    @get("/rounds/{round_id:int}/respondents", sync_to_thread=True)
    def list_respondents(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> list[RespondentOut]:
        """The round's respondents with their progress."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        rnd = round_of(state, coordinator, round_id)
        q = results.questionnaire_of(catalog, rnd)
        locale = request_translator(request, rnd.locale).locale
        rows = respondent_rows(store, q, rnd, results.answer_set(store.db(), rnd), locale)
        return [_respondent_out(r.record, r.complete, r.total) for r in rows]

    @post("/rounds/{round_id:int}/respondents", sync_to_thread=True, status_code=201)
    def invite(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int], data: JSONBody[InviteIn]
    ) -> InviteOut:
        """Invite a respondent by role; the token is returned once."""
        catalog: Catalog = state.catalog
        rnd = round_of(state, coordinator, round_id)
        record, token = invite_respondent(state, coordinator, rnd, data.role, data.name, data.email)
        total = len(results.questionnaire_of(catalog, rnd).indicators_for_role(record.role))
        return InviteOut(
            respondent=_respondent_out(record, 0, total), link=link_for(state, token), token=token
        )

    @post(
        "/rounds/{round_id:int}/respondents/{respondent_id:int}/revoke",
        sync_to_thread=True,
        status_code=200,
    )
    def revoke(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> RespondentOut:
        """Withdraw a personal link (answers are kept)."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        return _respondent_out(respondents.revoke(store.db(), rnd.id, respondent_id), 0, 0)

    @post(
        "/rounds/{round_id:int}/respondents/{respondent_id:int}/reissue",
        sync_to_thread=True,
        status_code=200,
    )
    def reissue(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> InviteOut:
        """A new link for a respondent; the old one stops working."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        record, token = respondents.reissue(store.db(), rnd.id, respondent_id)
        return InviteOut(
            respondent=_respondent_out(record, 0, 0), link=link_for(state, token), token=token
        )

    @get("/rounds/{round_id:int}/evidence", sync_to_thread=True)
    def list_evidence(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int]
    ) -> list[EvidenceOut]:
        """The round's evidence with review states."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        return [evidence_out(e) for e in evidence.list_for_round(store.db(), rnd.id)]

    @post(
        "/rounds/{round_id:int}/evidence/{evidence_id:int}/review",
        sync_to_thread=True,
        status_code=200,
    )
    def review(
        self,
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        evidence_id: FromPath[int],
        data: JSONBody[ReviewIn],
    ) -> EvidenceOut:
        """Accept or reject evidence; this feeds the documented score."""
        store: Store = state.store
        rnd = round_of(state, coordinator, round_id)
        rounds.require_writable(rnd)
        record = evidence.review(
            store.db(), rnd.id, evidence_id, data.decision, data.comment, coordinator.id
        )
        return evidence_out(record)

    @get("/rounds/{round_id:int}/result", sync_to_thread=True)
    def result(self, state: State, coordinator: SignedIn, round_id: FromPath[int]) -> Assessment:
        """The round's provisional result: scores, findings, disagreements, gaps, benchmarks."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        return results.assessment(store.db(), catalog, round_of(state, coordinator, round_id))


def _respondent_out(
    record: respondents.RespondentRecord, complete: int, total: int
) -> RespondentOut:
    return RespondentOut(
        id=record.id,
        role=record.role,
        name=record.name,
        email=record.email,
        revoked=record.revoked,
        emailed=record.emailed_at is not None,
        complete=complete,
        total=total,
        last_seen_at=record.last_seen_at,
    )


# --- respondent -----------------------------------------------------------------------------


class RespondentApi(Controller):
    """The guided conversation over JSON, for a personal token."""

    path = "/api/v1/respond/{token:str}"
    tags = ["respondent"]  # noqa: RUF012
    opt = NO_CSRF

    @get("/", sync_to_thread=True)
    def session(self, state: State, token: FromPath[str]) -> RespondentSessionOut:
        """The respondent's round, role, progress and next step."""
        v = visit(state, token)
        store: Store = state.store
        current = answers.current(store.db(), v.respondent.id)
        position = resume_position(v, current)
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
            next=position_out(position),
        )

    @get("/indicators/{indicator:str}", sync_to_thread=True)
    def indicator(
        self, state: State, token: FromPath[str], indicator: FromPath[str]
    ) -> IndicatorOut:
        """An indicator in the round's language, with the respondent's answer so far."""
        v = visit(state, token)
        area, sq, ind = locate(v, indicator)
        store: Store = state.store
        db = store.db()
        answer = answers.current(db, v.respondent.id).get(ind.id)
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
            evidence=[
                evidence_out(e) for e in evidence.list_for_answer(db, v.respondent.id, ind.id)
            ],
        )

    @post("/indicators/{indicator:str}/steps/{step:str}", sync_to_thread=True, status_code=200)
    def step(
        self,
        state: State,
        token: FromPath[str],
        indicator: FromPath[str],
        step: FromPath[str],
        data: JSONBody[StepIn],
    ) -> StepOut:
        """Answer one step; the previous version of the answer is kept in its history."""
        v = visit(state, token)
        _, _, ind = locate(v, indicator)
        try:
            current_step = dialog.Step(step)
        except ValueError:
            raise InvalidInput("Unknown choice %(choice)s.", choice=step) from None
        if current_step is dialog.Step.COMMENT:
            form = {"comment": data.comment or ""}
        else:
            form = {"choice": "" if data.choice is None else str(data.choice)}
        answer, position = save_step(state, v, ind, current_step, form)
        return StepOut(answer=answer, next=position_out(position))

    @post("/indicators/{indicator:str}/evidence", status_code=201, request_max_body_size=None)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: FromPath[str],
        indicator: FromPath[str],
    ) -> EvidenceOut:
        """Upload a file (multipart/form-data: file, title, effective_date) or a link (url)."""
        return evidence_out(await receive_evidence(request, state, token, indicator))

    @post("/indicators/{indicator:str}/links", sync_to_thread=True, status_code=201)
    def link(
        self, state: State, token: FromPath[str], indicator: FromPath[str], data: JSONBody[LinkIn]
    ) -> EvidenceOut:
        """Add a link to a published document as evidence."""
        v = visit(state, token)
        locate(v, indicator)
        rounds.require_writable(v.round)
        store: Store = state.store
        effective = evidence.check_effective_date(data.effective_date)
        record = evidence.add_link(
            store.db(), v.round.id, v.respondent.id, indicator, data.url, data.title, effective
        )
        return evidence_out(record)
