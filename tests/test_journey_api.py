"""The whole assessment journey over the JSON API, against a real server and SQLite file.

Coordinator creates and opens a round, invites three roles; each respondent answers through
one whole indicator per request (PUT; including don't know, planned, a change of mind,
evidence and resuming);
the coordinator reviews evidence; the API's result equals the scoring module's for the same
answers. Then every kind of bad input gets a clear, localized 4xx and changes nothing.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pypdf
import pytest

from service.domain.answers import (
    AnswerSet,
    EvidenceRef,
    EvidenceState,
    IndicatorAnswer,
    Respondent,
    Status,
)
from service.domain.assessment import assess
from service.domain.questionnaire import Dimension
from service.questionnaires import load_file
from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import EXAMPLE, Server, free_port, server_env

S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION


def blank_pdf() -> bytes:
    """A real one-page PDF: the service checks a PDF's structure, not only its first bytes."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = blank_pdf()
PASSWORD = "correct horse battery"


CLIENTS: list[httpx.Client] = []


def client(base: str, lang: str = "nb") -> httpx.Client:
    """An HTTP client closed after the test."""
    http = httpx.Client(base_url=base, headers={"Accept-Language": lang}, timeout=30)
    CLIENTS.append(http)
    return http


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while CLIENTS:
        CLIENTS.pop().close()


class Coordinator:
    """An API client signed in as a coordinator, sending the CSRF header on changes."""

    def __init__(self, base: str, email: str, lang: str = "nb") -> None:
        self.http = client(base, lang)
        self.http.get("/health")
        self.csrf = self.http.cookies["kompass_csrf"]
        response = self.post("/api/v1/session", {"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(path, json=body or {}, headers={"X-CSRFToken": self.csrf})

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)


@pytest.fixture
def served(tmp_path: Path, example_dir: Path) -> Iterator[tuple[Server, Path, Path]]:
    """A server with two municipalities and a coordinator each; uploads limited to 1 MB."""
    env = server_env(tmp_path, example_dir, KOMPASS_MAX_UPLOAD_MB="1")
    db_path = Path(env["KOMPASS_DB"])
    db = open_database(db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    other = accounts.create_municipality(db, "Annen kommune", "NO", "nb")
    accounts.create_coordinator(db, home.id, "koordinator@fjellbygd.no", PASSWORD)
    accounts.create_coordinator(db, other.id, "koordinator@annen.no", PASSWORD)
    db.close()
    srv = Server(env, free_port())
    yield srv, db_path, Path(env["KOMPASS_DATA_DIR"])
    srv.stop()


def put(http: httpx.Client, token: str, indicator: str, **body: Any) -> dict[str, Any]:
    """Answer a whole indicator in one request (the card's submission)."""
    response = http.put(f"/api/v1/respond/{token}/indicators/{indicator}", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_journey(served: tuple[Server, Path, Path]) -> None:
    srv, db_path, data_dir = served
    coord = Coordinator(srv.url, "koordinator@fjellbygd.no")
    rnd = coord.post(
        "/api/v1/rounds", {"name": "Egenvurdering 2026", "questionnaire": "example-1.0"}
    ).json()
    assert rnd["status"] == "draft"
    assert coord.post(f"/api/v1/rounds/{rnd['id']}/open").json()["status"] == "open"
    rid = rnd["id"]

    invites = {
        role: coord.post(f"/api/v1/rounds/{rid}/respondents", {"role": role, "name": role}).json()
        for role in ("mayor", "chief_executive", "unit_leader")
    }
    tokens = {role: inv["token"] for role, inv in invites.items()}
    assert all(inv["link"].endswith(inv["token"]) for inv in invites.values())
    resp = client(srv.url)

    # The mayor: a full answer, then a planned measure: one request per indicator.
    start = resp.get(f"/api/v1/respond/{tokens['mayor']}").json()
    assert start["next"] == {"indicator": "1.1.1"}
    assert [(p["complete"], p["total"]) for p in start["progress"]] == [(0, 2)]
    full = put(
        resp,
        tokens["mayor"],
        "1.1.1",
        levels={"system": 4, "scope": 4, "results": 4, "evaluation": 4},
        comment="Vedtatt i kommunestyret.",
    )
    assert full["next"] == {"indicator": "1.2.1"}
    # Levels sent with "planned" do not apply and are ignored.
    planned = put(resp, tokens["mayor"], "1.2.1", status="planned", levels={"scope": 3})
    assert planned["next"] == {"indicator": None}  # everything answered
    assert (planned["answer"]["status"], planned["answer"]["levels"]) == ("planned", {})
    finished = resp.get(f"/api/v1/respond/{tokens['mayor']}").json()
    assert finished["next"] == {"indicator": None}
    assert [(p["complete"], p["total"]) for p in finished["progress"]] == [(2, 2)]

    # The chief executive: don't know, a change of mind, evidence; leaves and resumes.
    ce = tokens["chief_executive"]
    put(resp, ce, "1.1.1", status="dont_know")
    put(resp, ce, "1.1.2", levels={"system": 1, "scope": 1})
    put(resp, ce, "1.1.2", levels={"system": 3, "scope": 2})  # changed their mind
    resumed = resp.get(f"/api/v1/respond/{ce}").json()
    assert resumed["next"] == {"indicator": "1.2.1"}  # the first open one
    put(resp, ce, "1.2.1", levels={"system": 3, "scope": 2, "results": 2, "evaluation": 1})
    indicator = resp.get(f"/api/v1/respond/{ce}/indicators/1.2.1").json()
    assert indicator["answer"]["levels"] == {
        "system": 3,
        "scope": 2,
        "results": 2,
        "evaluation": 1,
    }
    assert indicator["complete"] is True
    put(resp, ce, "2.1.1", levels={"system": 2, "scope": 2, "results": 1, "evaluation": 0})
    upload = resp.post(
        f"/api/v1/respond/{ce}/indicators/2.1.1/evidence",
        files={"file": ("arbeidsgiverstrategi.pdf", PDF, "application/pdf")},
        data={"title": "Arbeidsgiverstrategi", "effective_date": "2025-06-20"},
    )
    assert upload.status_code == 201, upload.text
    pdf_evidence = upload.json()
    assert pdf_evidence["media_type"] == "application/pdf"
    assert pdf_evidence["effective_date"] == "2025-06-20"

    # The unit leader: system 0 makes the follow-ups not apply (sent, but ignored);
    # "don't know" on one dimension; a link as evidence.
    ul = tokens["unit_leader"]
    zero = put(resp, ul, "1.1.2", levels={"system": 0, "scope": 4})
    assert (zero["answer"]["levels"], zero["next"]) == ({"system": 0}, {"indicator": "1.2.1"})
    put(resp, ul, "1.2.1", levels={"system": 2, "scope": 1, "results": 1, "evaluation": 1})
    put(resp, ul, "2.2.1", levels={"system": 2, "scope": None, "results": 2})
    put(resp, ul, "2.2.2", levels={"system": 4, "scope": 3})
    link = resp.post(
        f"/api/v1/respond/{ul}/indicators/2.2.2/links",
        json={
            "url": "https://fjellbygd.kommune.no/medarbeidersamtale",
            "title": "Mal",
            "effective_date": "2024-01-10",
        },
    )
    assert link.status_code == 201, link.text

    # The coordinator reviews: the PDF is accepted, the link rejected.
    listed = coord.get(f"/api/v1/rounds/{rid}/evidence").json()
    assert [e["state"] for e in listed] == ["submitted", "submitted"]
    accepted = coord.post(
        f"/api/v1/rounds/{rid}/evidence/{pdf_evidence['id']}/review", {"decision": "accepted"}
    )
    assert accepted.json()["state"] == "accepted"
    rejected = coord.post(
        f"/api/v1/rounds/{rid}/evidence/{link.json()['id']}/review",
        {"decision": "rejected", "comment": "Lenken viser ikke en vedtatt mal."},
    )
    assert rejected.json()["review_comment"] == "Lenken viser ikke en vedtatt mal."

    # The API's result equals the scoring module's for the same answers, written out here.
    expected = AnswerSet(
        questionnaire="example-1.0",
        respondents=[
            Respondent(
                id="m",
                role="mayor",
                answers=[
                    IndicatorAnswer(
                        indicator="1.1.1",
                        levels={S: 4, SC: 4, R: 4, E: 4},
                        comment="Vedtatt i kommunestyret.",
                    ),
                    IndicatorAnswer(indicator="1.2.1", status=Status.PLANNED),
                ],
            ),
            Respondent(
                id="c",
                role="chief_executive",
                answers=[
                    IndicatorAnswer(indicator="1.1.1", status=Status.DONT_KNOW),
                    IndicatorAnswer(indicator="1.1.2", levels={S: 3, SC: 2}),
                    IndicatorAnswer(indicator="1.2.1", levels={S: 3, SC: 2, R: 2, E: 1}),
                    IndicatorAnswer(
                        indicator="2.1.1",
                        levels={S: 2, SC: 2, R: 1, E: 0},
                        evidence=[EvidenceRef(id="pdf", state=EvidenceState.ACCEPTED)],
                    ),
                ],
            ),
            Respondent(
                id="u",
                role="unit_leader",
                answers=[
                    IndicatorAnswer(indicator="1.1.2", levels={S: 0}),
                    IndicatorAnswer(indicator="1.2.1", levels={S: 2, SC: 1, R: 1, E: 1}),
                    IndicatorAnswer(indicator="2.2.1", levels={S: 2, SC: None, R: 2}),
                    IndicatorAnswer(
                        indicator="2.2.2",
                        levels={S: 4, SC: 3},
                        evidence=[EvidenceRef(id="link", state=EvidenceState.REJECTED)],
                    ),
                ],
            ),
        ],
    )
    want = assess(load_file(EXAMPLE), expected).score
    got = coord.get(f"/api/v1/rounds/{rid}/result").json()["score"]
    assert got["points"] == want.points
    assert got["documented_points"] == want.documented_points
    assert [a["points"] for a in got["areas"]] == [a.points for a in want.areas]
    assert [s["points"] for s in got["subquestions"]] == [s.points for s in want.subquestions]
    assert [s["documented_points"] for s in got["subquestions"]] == [
        s.documented_points for s in want.subquestions
    ]
    assert want.documented_points > 0  # the accepted PDF counts

    # Answer history: the change of mind is kept, the latest version counts.
    with sqlite3.connect(db_path) as conn:
        versions = conn.execute(
            "SELECT levels FROM answers a JOIN respondents r ON r.id = a.respondent_id"
            " WHERE r.role = 'chief_executive' AND a.indicator_id = '1.1.2' ORDER BY a.id"
        ).fetchall()
    assert [msgspec.json.decode(v[0]) for v in versions] == [
        {"system": 1, "scope": 1},
        {"system": 3, "scope": 2},
    ]

    bad_inputs(srv, coord, resp, rid, tokens, db_path, data_dir)


def bad_inputs(
    srv: Server,
    coord: Coordinator,
    resp: httpx.Client,
    rid: int,
    tokens: dict[str, str],
    db_path: Path,
    data_dir: Path,
) -> None:
    """Every bad input is a localized 4xx and leaves what is saved unchanged."""
    before = (
        count(db_path, "answers"),
        count(db_path, "evidence"),
        sorted(p.name for p in (data_dir / "evidence").rglob("*")),
    )
    ce = tokens["chief_executive"]

    def expect(response: httpx.Response, status: int, message: str) -> None:
        assert response.status_code == status, response.text
        assert response.json()["message"] == message

    expect(
        resp.get("/api/v1/respond/not-a-real-token"),
        404,
        "Denne lenken er ikke gyldig. Be koordinatoren din om en ny.",
    )
    indicator = f"/api/v1/respond/{ce}/indicators/1.2.1"
    expect(
        resp.put(indicator, json={"levels": {"system": 7}}), 400, "Nivå 7 er utenfor skalaen 0–4."
    )
    expect(
        resp.put(f"/api/v1/respond/{ce}/indicators/2.2.2", json={"levels": {"system": 2}}),
        403,
        "Dette spørsmålet er ikke ment for rollen din.",
    )
    expect(
        resp.put(indicator, json={"levels": {"system": 3, "scope": 2}}),
        400,
        "Velg et svar her, eller «Vet ikke».",
    )
    expect(
        resp.put(indicator, json={"levels": {"system": 3, "speed": 2}}),
        400,
        "Indikator 1.2.1 har ikke spørsmålet «speed».",
    )
    expect(
        resp.put(indicator, json={"status": "maybe"}),
        400,
        "Forespørselen kunne ikke tolkes: feltet status mangler eller er ugyldig.",
    )
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    expect(
        resp.post(
            f"/api/v1/respond/{ce}/indicators/2.1.1/evidence",
            files={"file": ("big.pdf", big, "application/pdf")},
        ),
        413,
        "Filen er større enn grensen på 1 MB.",
    )
    expect(
        resp.post(
            f"/api/v1/respond/{ce}/indicators/2.1.1/evidence",
            files={"file": ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")},
        ),
        415,
        "Filer av denne typen godtas ikke: last opp en PDF-fil, en Office- eller OpenDocument-fil, et bilde eller ren tekst.",
    )
    sv = client(srv.url, "sv")
    assert sv.put(indicator, json={"levels": {"system": 7}}).json()["message"] == (
        "Nivå 7 ligger utanför skalan 0–4."
    )
    other = Coordinator(srv.url, "koordinator@annen.no")
    expect(other.get(f"/api/v1/rounds/{rid}/result"), 404, "Vurderingsrunden finnes ikke.")
    expect(other.post(f"/api/v1/rounds/{rid}/close"), 404, "Vurderingsrunden finnes ikke.")
    no_csrf = coord.http.post(f"/api/v1/rounds/{rid}/close")
    assert no_csrf.status_code == 403
    after = (
        count(db_path, "answers"),
        count(db_path, "evidence"),
        sorted(p.name for p in (data_dir / "evidence").rglob("*")),
    )
    assert after == before

    # A file name like ../../etc/passwd is kept only as a harmless display name.
    sneaky = resp.post(
        f"/api/v1/respond/{ce}/indicators/2.1.1/evidence",
        files={"file": ("../../etc/passwd", b"root:x:0:0\n", "text/plain")},
    )
    assert sneaky.status_code == 201
    assert "/" not in sneaky.json()["filename"]
    assert all(data_dir in p.resolve().parents for p in data_dir.rglob("*"))

    # A withdrawn link is refused; the respondent's answers stay.
    revoked_id = next(
        r["id"]
        for r in coord.get(f"/api/v1/rounds/{rid}/respondents").json()
        if r["role"] == "unit_leader"
    )
    coord.post(f"/api/v1/rounds/{rid}/respondents/{revoked_id}/revoke")
    expect(
        resp.get(f"/api/v1/respond/{tokens['unit_leader']}"),
        403,
        "Denne lenken er trukket tilbake. Be koordinatoren din om en ny.",
    )
    new = coord.post(f"/api/v1/rounds/{rid}/respondents/{revoked_id}/reissue").json()
    assert resp.get(f"/api/v1/respond/{new['token']}").json()["progress"][1]["complete"] == 2

    # A closed round keeps its result and refuses changes.
    result_before = coord.get(f"/api/v1/rounds/{rid}/result").json()["score"]
    assert coord.post(f"/api/v1/rounds/{rid}/close").json()["status"] == "closed"
    expect(
        resp.put(indicator, json={"levels": {"system": 4}}),
        409,
        "Denne vurderingsrunden er avsluttet, og svarene kan ikke lenger endres.",
    )
    assert coord.get(f"/api/v1/rounds/{rid}/result").json()["score"] == result_before
