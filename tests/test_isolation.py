"""Tenant isolation, driven by the app's own route table.

Every route with a path parameter or an id in its query is requested as a coordinator of
municipality A (and, for personal-link routes, as a respondent of A) with ids and keys that
belong to municipality B or to another respondent. Each must be 404 and show nothing of
B's or the other respondent's data. A new route with a parameter and no case here fails
:func:`test_every_route_with_a_parameter_has_a_case`, so the table cannot fall behind.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdf
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.testing import TestClient

from service import rounds as use
from service.app import create_app
from service.domain.answers import IndicatorAnswer
from service.domain.plan import Plan, PlanArea, PlanMeasure
from service.domain.questionnaire import Dimension
from service.domain.rounds import NewRound
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import accounts, answers, evidence, plans, respondents, rounds
from service.storage.db import open_database
from service.storage.evidence_files import EvidenceSink
from service.storage.migrations import migrate

PASSWORD = "correct horse battery"
B_KEY = "b" * 32
SECRETS = [
    "B-SECRET-ROUND",
    "B-SECRET-NAME",
    "b-secret@dalbygd.no",
    "B-SECRET-COMMENT",
    "B-SECRET-DOC",
    "B-SECRET-PDF",
    "A2-SECRET-NAME",
    "A2-SECRET-COMMENT",
    "B-SECRET-MEASURE",
    "B-SECRET-OWNER",
    "Dalbygd",
]
"""Text that only B's data (or A's other respondent) holds."""


B_PLAN = Plan(
    areas=[
        PlanArea(
            area=1,
            measures=[
                PlanMeasure(
                    id="n1",
                    subquestion="1.1",
                    indicators=["1.1.1"],
                    text="B-SECRET-MEASURE",
                    owner="B-SECRET-OWNER",
                )
            ],
        )
    ]
)
"""B's edited development plan: an edit or reset aimed at B's round must leave it as it is."""


@dataclass
class World:
    """Ids of both municipalities' data."""

    round_a: int
    round_b: int
    respondent_a2: int
    respondent_b: int
    evidence_a: int
    evidence_b: int
    token_a1: str
    token_a2: str
    token_revoked: str
    token_b: str


def _pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _file(settings: Settings, data: bytes) -> Any:
    sink = EvidenceSink(settings.data_path / "evidence", 10**7)
    sink.write(data)
    return sink.finish()


def build(settings: Settings) -> World:
    db = open_database(settings.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    other = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, "k@fjellbygd.no", PASSWORD)
    accounts.create_coordinator(db, other.id, "k@dalbygd.no", PASSWORD)
    catalog = Catalog(settings.questionnaire_path)
    made = {}
    for key, municipality, name in [("a", home, "Runde A"), ("b", other, "B-SECRET-ROUND")]:
        new = NewRound(name=name, questionnaire_id="example-1.0", locale="nb", deadline=None)
        made[key] = use.open_round(
            db, catalog, rounds.create_round(db, municipality.id, new), by="test"
        )
    ra, rb = made["a"], made["b"]
    a1, token_a1 = respondents.invite(db, ra.id, "mayor", "A1", "")
    a2, token_a2 = respondents.invite(db, ra.id, "mayor", "A2-SECRET-NAME", "")
    gone, token_revoked = respondents.invite(db, ra.id, "mayor", "Borte", "")
    respondents.revoke(db, ra.id, gone.id)
    b1, token_b = respondents.invite(db, rb.id, "mayor", "B-SECRET-NAME", "b-secret@dalbygd.no")
    level = dict.fromkeys(Dimension, 2)
    for who, comment in [(a2.id, "A2-SECRET-COMMENT"), (b1.id, "B-SECRET-COMMENT")]:
        answer = IndicatorAnswer(indicator="1.1.1", levels=level, comment=comment)
        answers.save(db, who, answer, author="test")
    pdf = _file(settings, _pdf())
    text = _file(settings, b"B-SECRET-DOC innhold\n")
    ea = evidence.add_file(db, ra.id, a1.id, "1.1.1", pdf, "a.pdf", "Plan A", None)
    eb = evidence.add_file(db, rb.id, b1.id, "1.1.1", text, "b.txt", "B-SECRET-DOC", None)
    evidence.add_file(db, ra.id, a2.id, "1.1.1", text, "a2.txt", "A2-SECRET-COMMENT doc", None)
    plans.save_plan(db, rb.id, B_PLAN, None)
    db.close()
    # A rendered report of B's round, as the cache would hold it.
    # Both where the round's own cache keeps it and in the shared folder earlier versions
    # used, so a lookup by key alone would find it.
    folder = settings.data_path / "reports" / str(rb.id)
    folder.mkdir(parents=True)
    for place in [folder, folder.parent]:
        (place / f"{B_KEY}.pdf").write_bytes(b"%PDF-1.4 B-SECRET-PDF")
    return World(
        round_a=ra.id,
        round_b=rb.id,
        respondent_a2=a2.id,
        respondent_b=b1.id,
        evidence_a=ea.id,
        evidence_b=eb.id,
        token_a1=token_a1,
        token_a2=token_a2,
        token_revoked=token_revoked,
        token_b=token_b,
    )


@pytest.fixture
def world(settings: Settings) -> World:
    return build(settings)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


# --- the route table --------------------------------------------------------------------

IGNORED_QUERY = {"lang", "names", "next_path", "full"}
"""Query parameters that are choices, not ids."""
CONTEXT = {"self", "request", "state", "data", "coordinator", "args", "kwargs"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as Litestar spells it, e.g. /rounds/{round_id:int}
    params: tuple[str, ...]
    query: tuple[str, ...]


def routes(app: Litestar) -> list[Route]:
    """Every method of every route, with its path parameters and its query ids."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            params = tuple(route.path_parameters)
            # Injected dependencies (store, catalog, settings, the signed-in coordinator, ...)
            # are not ids a client sends.
            injected = set(handler.resolve_dependencies())
            query = tuple(
                name
                for name in handler.parsed_fn_signature.parameters
                if name not in CONTEXT | injected
                and name not in params
                and name not in IGNORED_QUERY
            )
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                found.append(Route(method, route.path, params, query))
    return found


def with_params(path: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        for kind in ["int", "str", "path"]:
            path = path.replace(f"{{{name}:{kind}}}", str(value))
    assert "{" not in path, path
    return path


def near_miss(token: str) -> str:
    """A token one character away from a real one."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def foreign_requests(route: Route, w: World) -> list[str]:
    """URLs of this route aimed at B's data (or another respondent's) from A's side."""
    path, params = route.path, set(route.params)
    if path.startswith("/static"):
        return ["/static/%2e%2e/%2e%2e/app.py", "/static/../settings.py"]
    if path.startswith("/schema"):
        return ["/schema/redoc", "/schema/swagger"]
    if "token" in params:
        others = {"indicator": "1.1.1", "evidence_id": w.evidence_b}
        urls = [
            with_params(path, {"token": token, **others})
            for token in [w.token_revoked, "x" * 43, near_miss(w.token_b)]
        ]
        if "evidence_id" in params:
            # A valid link of A's round aimed at B's evidence (and at another respondent's).
            urls.append(with_params(path, {"token": w.token_a1, **others}))
        return urls
    filename = f"{B_KEY}.pdf" if "reports" in path else "answers.csv"
    b_ids = {
        "round_id": w.round_b,
        "respondent_id": w.respondent_b,
        "evidence_id": w.evidence_b,
        "filename": filename,
    }
    query = f"?other={w.round_a}" if "other" in route.query else ""
    urls = [with_params(path, {k: v for k, v in b_ids.items() if k in params}) + query]
    if params - {"round_id", "filename"} or "reports" in path:
        # A's own round with B's sub-ids (and a report key of B's round).
        urls.append(with_params(path, {**b_ids, "round_id": w.round_a}))
    if "other" in route.query:
        urls.append(with_params(path, {"round_id": w.round_a}) + f"?other={w.round_b}")
    return urls


KNOWN_PARAMS = {
    "round_id",
    "respondent_id",
    "evidence_id",
    "filename",
    "token",
    "indicator",
    "file_path",
    "path",
}
KNOWN_QUERY = {"other"}


def test_every_route_with_a_parameter_has_a_case(settings: Settings, world: World) -> None:
    table = routes(create_app(settings))
    assert len(table) > 40
    unknown = {
        (r.method, r.path, name)
        for r in table
        for name in (*r.params, *r.query)
        if name not in KNOWN_PARAMS | KNOWN_QUERY
    }
    assert unknown == set(), "add a case for these parameters to foreign_requests()"
    with_ids = [r for r in table if r.params or r.query]
    assert all(foreign_requests(r, world) for r in with_ids)


BODIES = {
    "/respondents": {"role": "mayor", "name": "x"},
    "/review": {"decision": "accepted", "comment": ""},
    "/indicators/1.1.1": {"levels": {"system": 1}},  # the card's PUT
    "/i/1.1.1": {"level-system": "1"},  # the card's form
    "/links": {"url": "https://example.no/plan.pdf", "title": "x"},
    "/interpret": {"text": "Vi har en plan."},
    "/explain": {"question": "Hva er internkontroll?"},
    "/assistant": {"llm_allowed": False},
    # A whole plan form: area 1 chosen, one measure with an owner (as the plan page posts it).
    "/plan": {
        "area_1": "on",
        "m0_sq": "1.1",
        "m0_ind": "1.1.1",
        "m0_text": "A's measure",
        "m0_owner": "A",
        "m0_status": "started",
    },
}


def body_for(url: str) -> dict[str, Any]:
    return next((b for end, b in BODIES.items() if url.endswith(end)), {})


def test_foreign_ids_are_not_found_and_show_nothing(
    client: TestClient[Litestar], settings: Settings, world: World
) -> None:
    client.get("/login")
    csrf = client.cookies["kompass_csrf"]
    signed = client.post(
        "/login",
        data={"email": "k@fjellbygd.no", "password": PASSWORD, "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    checked = 0
    for route in routes(client.app):
        if not (route.params or route.query):
            continue
        for url in foreign_requests(route, world):
            body = body_for(url)
            if route.method == "GET":
                response = client.get(url, follow_redirects=False)
            elif url.startswith("/api/"):
                response = client.request(
                    route.method, url, json=body, headers={"X-CSRFToken": csrf}
                )
            elif url.endswith("/evidence"):
                response = client.post(url, files={"file": ("x.txt", b"hei\n")})
            else:
                response = client.request(
                    route.method, url, data={**body, "_csrf_token": csrf}, follow_redirects=False
                )
            # A withdrawn link says so to its holder (403); it leaks nothing: only they have it.
            expected = 403 if world.token_revoked in url else 404
            assert response.status_code == expected, (route, url, response.status_code)
            leaked = [s for s in SECRETS if s in response.text]
            assert leaked == [], (url, leaked)
            checked += 1
    assert checked > 40
    # Nothing of B's changed.
    db = open_database(settings.db_path)
    assert rounds.get_round_unscoped(db, world.round_b).status is rounds.RoundStatus.OPEN
    assert not respondents.get(db, world.round_b, world.respondent_b).revoked
    assert evidence.get(db, world.round_b, world.evidence_b).state.value == "submitted"
    assert len(respondents.list_for_round(db, world.round_b)) == 1
    assert plans.get_plan(db, world.round_b) == B_PLAN  # neither edited nor reset
    db.close()


def test_a_respondent_sees_only_their_own_answers(
    client: TestClient[Litestar], world: World
) -> None:
    token = world.token_a1
    for url in [
        f"/r/{token}/welcome",
        f"/r/{token}/i/1.1.1",
        f"/r/{token}/overview",
        f"/r/{token}/done",
        f"/api/v1/respond/{token}",
        f"/api/v1/respond/{token}/indicators/1.1.1",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        leaked = [s for s in SECRETS if s in response.text]
        assert leaked == [], (url, leaked)
