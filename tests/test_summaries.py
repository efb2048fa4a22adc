"""Summaries by the language model: written on request, stored, shown while their comments hold.

Against the real local chat-completions server of ``test_assistant_llm`` and a real app over a
temporary SQLite file: the API and the results page's button start a background job (202 and a
status to poll; the page shows its progress, then what happened, once) and
``kompass assist summarise`` writes them directly (one use case); the results page and the PDF
show the model's text with its label (and, on the page, the comments it came from); a failing
model stores nothing and the extractive summary stays; a new comment makes a stored summary
stale; a round that switched the model off, or a service without one, is refused with 409 in
the coordinator's language before any job starts.
"""

from __future__ import annotations

import html
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from playwright.sync_api import Browser
from pypdf import PdfReader

from service import summarising
from service.cli import main
from service.i18n import translator
from service.settings import Settings
from service.storage import privacy
from service.storage.db import open_database

from .conftest import Server, free_port
from .test_assist_web import Round
from .test_assistant_llm import ChatServer, running_chat_server
from .test_browser import browser, check
from .test_coordinator_web import PASSWORD, make_client, sign_in
from .test_report import wait_for_report

__all__ = ["browser"]  # the module-scoped Chromium fixture of test_browser

# What the test server answers to every "Summarise" request.
SUMMARY = "De fleste beskriver en vedtatt strategi som følges opp."
COMMENTS = {  # (role, indicator) → comment; sub-question 1.1 gets three, 2.1 one
    ("chief_executive", "1.1.1"): "Strategien er vedtatt av kommunestyret. Den følges opp årlig.",
    ("chief_executive", "1.1.2"): "Vi har en plan for opplæring av alle ledere i kommunen.",
    ("mayor", "1.1.1"): "Kommunestyret får en rapport om strategien hvert år i desember.",
    ("chief_executive", "2.1.1"): "Brukerundersøkelser gjøres hvert annet år i alle tjenester.",
}
LABEL = (
    "Written by a language model from %(num)s comment.",
    "Written by a language model from %(num)s comments.",
)
REPRESENTATIVE = ("%(num)s comment. Representative:", "%(num)s comments. Representative:")


@pytest.fixture(scope="module")
def chat() -> Iterator[str]:
    """The chat-completions test server of test_assistant_llm, on loopback."""
    with running_chat_server() as url:
        yield url


def llm_settings(tmp_path: Path, example_dir: Path, chat: str, model: str = "valid") -> Settings:
    return Settings(
        db=str(tmp_path / "k.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        llm_url=chat if model else "",
        llm_model=model,
        llm_timeout=5.0,
    )


class World(Round):
    """An open round with two respondents who commented on four indicators."""

    def __init__(self, client: TestClient[Litestar], db_path: Path) -> None:
        super().__init__(client, db_path)
        self.stopped = False
        self.tokens = {
            "chief_executive": self.token,
            "mayor": self.invite("mayor")[1],
            "unit_leader": self.invite("unit_leader")[1],
        }
        for (role, indicator), comment in COMMENTS.items():
            self.answer(role, indicator, comment)

    def answer(self, role: str, indicator: str, comment: str) -> None:
        response = self.client.put(
            f"/api/v1/respond/{self.tokens[role]}/indicators/{indicator}",
            json={
                "levels": {"system": 0},  # follow-ups do not apply: one level is enough
                "comment": comment,
            },
        )
        assert response.status_code == 200, response.text

    def start(self, lang: str = "nb", **headers: str) -> Any:
        """POST: start the background job (the response, 202 with its status)."""
        return self.client.post(
            f"/api/v1/rounds/{self.id}/summaries",
            json={"lang": lang},
            headers={"X-CSRFToken": self.csrf, **headers},
        )

    def status(self, lang: str = "nb") -> dict[str, Any]:
        response = self.client.get(f"/api/v1/rounds/{self.id}/summaries?lang={lang}")
        assert response.status_code == 200, response.text
        got: dict[str, Any] = response.json()
        return got

    def wait(self, lang: str = "nb", until: Any = None, limit_s: float = 30.0) -> dict[str, Any]:
        """Poll the status until ``until(status)`` (by default: the job is over)."""
        until = until or (lambda s: s["state"] != "running")
        deadline = time.monotonic() + limit_s
        while not until(status := self.status(lang)):
            assert time.monotonic() < deadline, status
            time.sleep(0.02)
        return status

    def summarise(self, lang: str = "nb") -> dict[str, Any]:
        """Start the job, wait for it, and return what it wrote (``SummariesWritten``)."""
        started = self.start(lang)
        assert started.status_code == 202, started.text
        status = self.wait(lang)
        assert status["state"] == "done", status
        result: dict[str, Any] = status["result"]
        return result

    def press(self, lang: str) -> Any:
        """The results page's button (the form's POST)."""
        return self.client.post(
            f"/rounds/{self.id}/summaries",
            data={"lang": lang, "_csrf_token": self.csrf},
            follow_redirects=False,
        )

    def stop(self) -> None:
        """Shut the service down (as at exit)."""
        self.client.__exit__(None, None, None)
        self.stopped = True

    def page(self, lang: str = "nb") -> str:
        response = self.client.get(f"/rounds/{self.id}/results?lang={lang}")
        assert response.status_code == 200, response.text
        return html.unescape(response.text)


@pytest.fixture
def world_for(tmp_path: Path, example_dir: Path, chat: str) -> Iterator[Any]:
    """``world_for(model)``: a signed-in coordinator's round on a service using ``model``."""
    worlds: list[World] = []

    def make(model: str = "valid") -> World:
        settings = llm_settings(tmp_path, example_dir, chat, model)
        app, _, _ = make_client(settings)
        client = TestClient(app=app)
        client.__enter__()
        world = World(client, settings.db_path)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        if not world.stopped:
            world.client.__exit__(None, None, None)


def label(lang: str, n: int) -> str:
    return translator(lang).ngettext(*LABEL, n)


def text_of_pdf(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_written_summaries_are_stored_audited_and_shown_with_their_sources(
    world_for: Any, lang: str
) -> None:
    world: World = world_for()
    before = len(ChatServer.received)
    assert world.status(lang) == {
        "round_id": world.id,
        "lang": lang,
        "state": "idle",
        "done": 0,
        "total": 0,
        "result": None,
        "message": "",
    }
    written = world.summarise(lang)
    assert written == {
        "round_id": world.id,
        "lang": lang,
        "subquestions": 2,
        "written": 2,
        "unchanged": 0,
        "fell_back": 0,
        "notice": "",
    }
    status = world.status(lang)
    assert (status["state"], status["done"], status["total"]) == ("done", 2, 2)
    sent = ChatServer.received[before:]
    assert len(sent) == 2
    asked = [m["messages"][1]["content"] for m in sent]
    assert all(c in asked[0] for (_, ind), c in COMMENTS.items() if ind.startswith("1.1"))
    assert COMMENTS[("chief_executive", "2.1.1")] in asked[1]
    coordinator = world.rows("SELECT id FROM coordinators WHERE email = 'k@fjellbygd.no'")[0][0]
    assert world.rows(
        "SELECT subquestion_id, lang, text, provider, model, comment_count, written_by"
        " FROM round_summaries WHERE round_id = ? ORDER BY subquestion_id",
        world.id,
    ) == [
        ("1.1", lang, SUMMARY, "llm", "valid", 3, coordinator),
        ("2.1", lang, SUMMARY, "llm", "valid", 1, coordinator),
    ]
    trail = world.rows(
        "SELECT actor, target, details FROM audit_log WHERE action = 'summaries_written'"
    )
    assert [(a, t, json.loads(d)) for a, t, d in trail] == [
        (
            f"coordinator:{coordinator}",
            f"summaries:{world.id}",
            {"lang": lang, "written": 2, "unchanged": 0, "fell_back": 0},
        )
    ]

    page = world.page(lang)
    assert page.count(SUMMARY) == 2
    assert label(lang, 3) in page
    assert label(lang, 1) in page
    # The sources are kept beside the model's text: every comment, quoted, with its role.
    for comment in COMMENTS.values():
        assert f"<q>{comment}</q>" in page
    # Another language has no stored summaries: the extractive ones are shown there.
    other = "en" if lang != "en" else "nb"
    elsewhere = world.page(other)
    assert SUMMARY not in elsewhere
    assert translator(other).ngettext(*REPRESENTATIVE, 3) in elsewhere

    # Asking again sends nothing: both summaries were written from exactly these comments.
    again = world.summarise(lang)
    assert (again["written"], again["unchanged"], again["fell_back"]) == (0, 2, 0)
    assert len(ChatServer.received) == before + 2


def test_the_pdf_shows_the_models_summary_and_label_once_written(world_for: Any) -> None:
    world: World = world_for()
    url = f"/rounds/{world.id}/report?lang=nb"
    location, _ = wait_for_report(world.client, url)
    extractive = text_of_pdf(world.client.get(location).content)
    assert SUMMARY not in extractive
    assert translator("nb").ngettext(*REPRESENTATIVE, 3) in extractive

    assert world.summarise("nb")["written"] == 2
    new_location, _ = wait_for_report(world.client, url)
    assert new_location != location  # stored summaries are part of the report's content
    written = text_of_pdf(world.client.get(new_location).content)
    assert written.count(SUMMARY) == 2
    assert label("nb", 3) in written
    assert label("nb", 1) in written
    # The source comments stay beside it, in the comments appendix.
    assert all(" ".join(c.split()) in written for c in COMMENTS.values())


@pytest.mark.parametrize("model", ["fail", "invalid-json"])
def test_a_failing_model_stores_nothing_and_the_extractive_summary_stays(
    world_for: Any, model: str
) -> None:
    world: World = world_for(model)
    before = len(ChatServer.received)
    got = world.summarise("nb")  # the job ends "done" all the same
    assert (got["written"], got["unchanged"], got["fell_back"]) == (0, 0, 2)
    why = (
        "it could not be reached or returned an error"
        if model == "fail"
        else "its reply was not usable"
    )
    t = translator("nb")
    assert got["notice"] == t(
        "The language model could not be used (%(why)s), so the built-in assistant answered.",
        why=t(why),
    )
    # After the first failure the model is not asked again in the same request.
    assert len(ChatServer.received) == before + 1
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]
    page = world.page("nb")
    assert SUMMARY not in page
    assert label("nb", 3) not in page
    assert t.ngettext(*REPRESENTATIVE, 3) in page
    assert t.ngettext(*REPRESENTATIVE, 1) in page


def test_a_new_or_changed_comment_makes_a_stored_summary_stale(world_for: Any) -> None:
    world: World = world_for()
    assert world.summarise("nb")["written"] == 2
    t = translator("nb")
    assert label("nb", 3) in world.page("nb")

    world.answer("unit_leader", "1.1.2", "Ledere får opplæring, men ikke alle har fått den ennå.")
    page = world.page("nb")
    # 1.1 now has four comments: its stored summary was written from three, so it is stale.
    assert page.count(SUMMARY) == 1
    assert label("nb", 3) not in page
    assert t.ngettext(*REPRESENTATIVE, 4) in page
    assert label("nb", 1) in page  # 2.1 did not change

    # A changed comment (same count) is stale too.
    again = world.summarise("nb")
    assert (again["written"], again["unchanged"]) == (1, 1)
    assert label("nb", 4) in world.page("nb")
    world.answer("chief_executive", "2.1.1", "Brukerundersøkelser gjøres bare i helse og omsorg.")
    page = world.page("nb")
    assert page.count(SUMMARY) == 1
    assert label("nb", 1) not in page


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
@pytest.mark.parametrize("why", ["not-configured", "switched-off"])
def test_without_a_model_or_with_the_round_switched_off_it_is_refused(
    world_for: Any, lang: str, why: str
) -> None:
    world: World = world_for("" if why == "not-configured" else "valid")
    if why == "switched-off":
        switched = world.api(f"/api/v1/rounds/{world.id}/assistant", {"llm_allowed": False}, "PUT")
        assert switched.status_code == 200, switched.text
    before = len(ChatServer.received)
    response = world.start(lang, **{"Accept-Language": lang})
    assert response.status_code == 409
    message = summarising.NO_MODEL if why == "not-configured" else summarising.NOT_ALLOWED
    assert response.json()["message"] == translator(lang).gettext(message)
    assert len(ChatServer.received) == before
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]
    assert world.status(lang)["state"] == "idle"  # no job was started
    assert f'action="/rounds/{world.id}/summaries"' not in world.page(lang)


WROTE = ("The language model wrote %(num)s summary.", "The language model wrote %(num)s summaries.")
PROGRESS = "The language model is writing summaries: %(done)s of %(total)s sub-questions."


def test_the_results_page_button_starts_them_and_says_what_happened_once(world_for: Any) -> None:
    world: World = world_for()
    page = world.page("sv")
    assert f'action="/rounds/{world.id}/summaries"' in page
    assert '<input type="hidden" name="lang" value="sv">' in page
    # A form without the CSRF token changes nothing.
    refused = world.client.post(f"/rounds/{world.id}/summaries", data={"lang": "sv"})
    assert refused.status_code == 403
    assert world.status("sv")["state"] == "idle"
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]

    done = world.press("sv")
    assert done.status_code == 303
    assert done.headers["location"] == f"/rounds/{world.id}/results#areas-h"
    assert world.wait("sv")["state"] == "done"
    shown = world.page("sv")
    t = translator("sv")
    assert f'<p class="notice" role="status">{t.ngettext(*WROTE, 2)}</p>' in shown
    assert shown.count(SUMMARY) == 2
    assert label("sv", 3) in shown
    again = world.page("sv")
    assert t.ngettext(*WROTE, 2) not in again  # shown once
    assert f'action="/rounds/{world.id}/summaries"' in again  # and the button is back
    assert world.rows("SELECT lang FROM round_summaries") == [("sv",), ("sv",)]


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_a_slow_model_shows_its_progress_and_a_second_press_starts_nothing(
    world_for: Any, lang: str
) -> None:
    world: World = world_for("slow")  # the chat server takes 2 s per request
    t = translator(lang)
    before = len(ChatServer.received)
    assert world.press(lang).status_code == 303
    # While the first sub-question is being written: the API and the page say how far it got.
    first = world.wait(lang, until=lambda s: s["total"] == 2)
    assert (first["state"], first["done"], first["result"]) == ("running", 0, None)
    page = world.page(lang)
    assert t(PROGRESS, done=0, total=2) in page
    assert 'id="summaries-status"' in page
    assert '<script src="/static/summaries-status.js" defer></script>' in page
    assert f'href="/rounds/{world.id}/results?lang={lang}#areas-h">{t("Check again")}</a>' in page
    assert "http-equiv" not in page  # no <meta refresh>
    assert f'action="/rounds/{world.id}/summaries"' not in page  # the button waits
    # Pressing again (the page's form, or the API) joins the running job.
    assert world.press(lang).status_code == 303
    joined = world.start(lang)
    assert joined.status_code == 202
    assert joined.json()["state"] == "running"

    half = world.wait(lang, until=lambda s: s["done"] >= 1)
    assert (half["state"], half["done"], half["total"]) == ("running", 1, 2)
    assert t(PROGRESS, done=1, total=2) in world.page(lang)

    over = world.wait(lang)
    assert (over["state"], over["done"], over["total"]) == ("done", 2, 2)
    assert over["result"]["written"] == 2
    assert len(ChatServer.received) == before + 2  # one job: one request per sub-question
    shown = world.page(lang)
    assert t.ngettext(*WROTE, 2) in shown
    assert 'id="summaries-status"' not in shown
    assert f'action="/rounds/{world.id}/summaries"' in shown
    assert t.ngettext(*WROTE, 2) not in world.page(lang)


def test_a_job_that_cannot_run_ends_failed_with_the_reason(world_for: Any) -> None:
    world: World = world_for("slow")
    assert world.start("nb").status_code == 202
    world.wait("nb", until=lambda s: s["total"] == 2)
    # One worker: the Swedish job waits behind the Norwegian one.
    queued = world.start("sv")
    assert queued.status_code == 202
    assert (queued.json()["state"], queued.json()["total"]) == ("running", 0)
    assert world.press("en").status_code == 303
    waiting = world.page("en")
    assert translator("en")("The language model is about to write summaries.") in waiting
    # Meanwhile the round switches the model off: the waiting jobs are refused when they start.
    switched = world.api(f"/api/v1/rounds/{world.id}/assistant", {"llm_allowed": False}, "PUT")
    assert switched.status_code == 200, switched.text
    failed = world.wait("sv")
    assert failed["state"] == "failed"
    assert failed["result"] is None
    assert failed["message"] == translator("sv").gettext(summarising.NOT_ALLOWED)
    assert world.wait("nb")["state"] == "done"  # the running one had its model already
    assert world.wait("en")["state"] == "failed"
    expected = translator("en").gettext(summarising.NOT_ALLOWED)
    assert f'<p class="notice" role="status">{expected}</p>' in world.page("en")
    assert world.rows("SELECT DISTINCT lang FROM round_summaries") == [("nb",)]


def test_shutting_down_stops_after_the_current_request_and_keeps_what_was_written(
    world_for: Any,
) -> None:
    world: World = world_for("slow")
    before = len(ChatServer.received)
    assert world.start("nb").status_code == 202
    world.wait("nb", until=lambda s: s["total"] == 2)  # the first request is under way
    world.stop()
    assert len(ChatServer.received) == before + 1  # the second sub-question was not asked
    assert world.rows("SELECT subquestion_id FROM round_summaries") == [("1.1",)]
    trail = world.rows("SELECT details FROM audit_log WHERE action = 'summaries_written'")
    assert [json.loads(d) for (d,) in trail] == [
        {"lang": "nb", "written": 1, "unchanged": 0, "fell_back": 1}
    ]


def test_another_municipality_and_a_missing_token_are_the_usual_refusals(
    world_for: Any,
) -> None:
    world: World = world_for()
    assert world.client.post(f"/api/v1/rounds/{world.id}/summaries", json={}).status_code == 403
    unknown = world.client.get(f"/api/v1/rounds/{world.id}/summaries?lang=de")
    assert unknown.status_code == 400
    # An unsupported ?lang= cannot choose the reply's language either: the round's (nb) does.
    assert unknown.json()["message"] == translator("nb").gettext(summarising.UNKNOWN_LANGUAGE)
    assert (
        world.client.post(
            f"/api/v1/rounds/{world.id}/summaries",
            json={"lang": "de"},
            headers={"X-CSRFToken": world.csrf},
        ).status_code
        == 400
    )
    # The same browser signed in as another municipality's coordinator.
    csrf = sign_in(world.client, "k@dalbygd.no")
    response = world.client.post(
        f"/api/v1/rounds/{world.id}/summaries", json={}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 404
    assert world.client.get(f"/api/v1/rounds/{world.id}/summaries").status_code == 404
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]


def run(argv: list[str]) -> int:
    """The command's exit status, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("KOMPASS_DB", settings.db)
    monkeypatch.setenv("KOMPASS_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("KOMPASS_QUESTIONNAIRES", settings.questionnaires)
    monkeypatch.setenv("KOMPASS_LLM_URL", settings.llm_url)
    monkeypatch.setenv("KOMPASS_LLM_MODEL", settings.llm_model)


def test_the_command_line_writes_them_like_the_page(
    world_for: Any,
    tmp_path: Path,
    example_dir: Path,
    chat: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world: World = world_for()
    cli_env(monkeypatch, llm_settings(tmp_path, example_dir, chat))
    assert run(["assist", "summarise", str(world.id), "--lang", "nb"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["round_id"], out["written"], out["fell_back"]) == (world.id, 2, 0)
    assert world.rows("SELECT written_by FROM round_summaries") == [(None,), (None,)]
    assert world.rows("SELECT actor FROM audit_log WHERE action = 'summaries_written'") == [
        ("operator",)
    ]
    assert label("nb", 3) in world.page("nb")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["999"], "round 999: No such assessment round."),
        (["0"], "round 0: a round id is a positive whole number"),
        (["abc"], "invalid int value: 'abc'"),
        (["1", "--lang", "de"], "invalid choice: 'de'"),
    ],
    ids=["unknown", "zero", "not-a-number", "language"],
)
def test_the_command_line_refuses_a_bad_round_or_language_with_exit_2(
    world_for: Any,
    tmp_path: Path,
    example_dir: Path,
    chat: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    world_for()
    cli_env(monkeypatch, llm_settings(tmp_path, example_dir, chat))
    assert run(["assist", "summarise", *args]) == 2
    captured = capsys.readouterr()
    assert says in captured.err
    assert captured.out == ""


def test_the_command_line_without_a_model_exits_2(
    world_for: Any,
    tmp_path: Path,
    example_dir: Path,
    chat: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world: World = world_for("")
    cli_env(monkeypatch, llm_settings(tmp_path, example_dir, chat, ""))
    assert run(["assist", "summarise", str(world.id)]) == 2
    assert translator("en").gettext(summarising.NO_MODEL) in capsys.readouterr().err


def test_deleting_the_round_deletes_its_summaries(world_for: Any, tmp_path: Path) -> None:
    world: World = world_for()
    assert world.summarise("nb")["written"] == 2
    db = open_database(world.db_path)
    try:
        privacy.delete_round(db, world.id, tmp_path / "data", by="operator")
    finally:
        db.close()
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]


@pytest.mark.parametrize("case", ["switched-off-meanwhile", "no-comments"])
def test_the_button_says_why_when_nothing_could_be_written(world_for: Any, case: str) -> None:
    world: World = world_for()
    if case == "switched-off-meanwhile":  # the page still showed the button
        world.api(f"/api/v1/rounds/{world.id}/assistant", {"llm_allowed": False}, "PUT")
        expected = translator("en").gettext(summarising.NOT_ALLOWED)
    else:
        world.answer("chief_executive", "1.1.1", "")
        world.answer("chief_executive", "1.1.2", "")
        world.answer("chief_executive", "2.1.1", "")
        world.answer("mayor", "1.1.1", "")
        expected = translator("en").gettext("There are no comments to summarise yet.")
    before = len(ChatServer.received)
    done = world.press("en")
    assert done.status_code == 303
    world.wait("en")
    assert f'<p class="notice" role="status">{expected}</p>' in world.page("en")
    assert len(ChatServer.received) == before
    assert world.rows("SELECT count(*) FROM round_summaries") == [(0,)]


def test_openapi_documents_the_job_and_its_status(world_for: Any) -> None:
    world: World = world_for()
    doc = world.client.get("/schema/openapi.json").json()
    item = doc["paths"]["/api/v1/rounds/{round_id}/summaries"]
    assert set(item) >= {"get", "post"}
    assert "202" in item["post"]["responses"]
    assert "200" in item["get"]["responses"]
    schemas = doc["components"]["schemas"]
    status = next(v for k, v in schemas.items() if k.endswith("SummariesStatus"))
    assert status["properties"]["state"]["enum"] == ["idle", "running", "done", "failed"]
    assert {"done", "total", "result", "message"} <= set(status["properties"])
    assert any(k.endswith("SummariesWritten") for k in schemas)


def test_in_a_browser_the_page_follows_the_job_then_shows_what_happened(
    world_for: Any, browser: Browser, tmp_path: Path, example_dir: Path, chat: str
) -> None:
    world: World = world_for("slow")
    world.stop()  # the round is made; a real server takes over the same database
    env = {
        "KOMPASS_DB": str(tmp_path / "k.db"),
        "KOMPASS_DATA_DIR": str(tmp_path / "data"),
        "KOMPASS_QUESTIONNAIRES": str(example_dir),
        "KOMPASS_LLM_URL": chat,
        "KOMPASS_LLM_MODEL": "slow",
        "KOMPASS_LLM_TIMEOUT": "5",
        "KOMPASS_PRERENDER_QUIET_S": "0",
    }
    srv = Server(env, free_port())
    try:
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.goto(f"{srv.url}/login")
        page.fill("input[name=email]", "k@fjellbygd.no")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{srv.url}/rounds/{world.id}/results?lang=en")
        with page.expect_navigation():
            page.click("form.summaries-form button[type=submit]")
        assert page.locator("#summaries-status").count() == 1
        assert page.locator("form.summaries-form").count() == 0
        check(page, "summaries-running")  # axe: no meta refresh, the status is announced
        # The script updates the line as the job goes on, without reloading the page...
        progress = translator("en")(PROGRESS, done=1, total=2)
        page.wait_for_selector(f"#summaries-status p:has-text('{progress}')", timeout=15_000)
        # ...and reloads it once the job is over, which then says what was written.
        wrote = translator("en").ngettext(*WROTE, 2)
        page.wait_for_selector(f"p.notice:has-text('{wrote}')", timeout=20_000)
        assert page.locator("#summaries-status").count() == 0
        assert page.locator("form.summaries-form").count() == 1
        assert page.locator(f"text={SUMMARY}").count() == 2
        context.close()
    finally:
        srv.stop()


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_the_round_page_switches_the_model_off_and_on_and_audits_it(
    world_for: Any, lang: str
) -> None:
    """The coordinator's page has the switch the API has; each change is in the audit trail."""
    world: World = world_for("valid")
    t = translator(lang)
    page = world.client.get(f"/rounds/{world.id}?lang={lang}").text
    assert html.unescape(t.gettext("Use the language model in this round")) in html.unescape(page)
    assert 'name="llm_allowed" value="yes" checked' in page
    off = world.client.post(
        f"/rounds/{world.id}/assistant",
        data={"_csrf_token": world.csrf},
        headers={"X-CSRFToken": world.csrf},
        follow_redirects=False,
    )
    assert off.status_code == 303, off.text
    assert (
        world.api(f"/api/v1/rounds/{world.id}/assistant", method="GET").json()["llm_allowed"]
        is False
    )
    assert (
        'name="llm_allowed" value="yes" checked' not in world.client.get(f"/rounds/{world.id}").text
    )
    assert world.start(lang).status_code == 409  # nothing is sent while it is off
    on = world.client.post(
        f"/rounds/{world.id}/assistant",
        data={"llm_allowed": "yes"},
        headers={"X-CSRFToken": world.csrf},
        follow_redirects=False,
    )
    assert on.status_code == 303, on.text
    assert world.rows(
        "SELECT details FROM audit_log WHERE action = 'language_model_switched' ORDER BY id"
    ) == [('{"allowed":false}',), ('{"allowed":true}',)]
    # Without CSRF nothing changes.
    refused = world.client.post(f"/rounds/{world.id}/assistant", data={}, follow_redirects=False)
    assert refused.status_code == 403


def test_without_a_model_the_round_page_has_no_switch(world_for: Any) -> None:
    world: World = world_for("")
    page = world.client.get(f"/rounds/{world.id}").text
    assert f'action="/rounds/{world.id}/assistant"' not in page
