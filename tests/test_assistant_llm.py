"""The optional language-model provider against a real local chat-completions server."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from service.assist.llm import LLMAssistant, LLMConfig, make_assistant
from service.assist.offline import OfflineAssistant
from service.domain.answers import Status
from service.domain.assistant import Comment, ExplainRequest, SummaryRequest
from service.domain.questionnaire import Dimension
from service.domain.rounds import NewRound
from service.questionnaires import catalog
from service.settings import Settings
from service.storage import accounts, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate
from service.storage.round_assistant import llm_allowed, set_llm_allowed

from .conftest import free_port

KK = "kommunekompasset-2.1"


class ChatServer(BaseHTTPRequestHandler):
    """Speaks /v1/chat/completions; the requested model name picks how it behaves."""

    received: ClassVar[list[dict[str, Any]]] = []
    headers_seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *args: object) -> None:
        return

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if self.path != "/v1/chat/completions":
            self._reply(404, b'{"error": "not found"}')
            return
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatServer.received.append(request)
        ChatServer.headers_seen.append(dict(self.headers))
        mode = request["model"]
        system = request["messages"][0]["content"]
        if "propose a level" in system:
            content: Any = {
                "status": "answered",
                "levels": {"system": 3, "results": 2},
                "confidence": 0.8,
                "reason": "Vedtatt og fulgt opp.",
            }
            if mode == "bad-schema":
                content["levels"] = {"system": 7}
            if mode == "foreign-dimension":
                content["levels"] = {"system": 3, "scope": 2}
        elif "Summarise" in system:
            content = {"summary": "De fleste beskriver en vedtatt strategi som følges opp."}
        else:
            content = {
                "answer": "Formannskapet forbereder saker for kommunestyret.",
                "sources": [1],
            }
            if mode == "cites-nothing":
                content["sources"] = [99]
        text = json.dumps(content) if mode != "invalid-json" else "Sure! Here is my answer: level 3"
        if mode == "slow":
            time.sleep(2.0)
        if mode == "fail":
            self._reply(500, b'{"error": "model crashed"}')
            return
        envelope = {
            "id": "x",
            "object": "chat.completion",
            "model": mode,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
        }
        self._reply(200, json.dumps(envelope).encode())


class QuietServer(ThreadingHTTPServer):
    """Ignores clients that hang up early (the timeout test does exactly that)."""

    def handle_error(self, request: object, client_address: object) -> None:
        return


@contextlib.contextmanager
def running_chat_server() -> Iterator[str]:
    """The chat-completions test server on a free loopback port; yields its base URL."""
    httpd = QuietServer(("127.0.0.1", free_port()), ChatServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_chat_server() as url:
        yield url


@pytest.fixture(scope="module")
def offline() -> OfflineAssistant:
    return OfflineAssistant(catalog())


def assistant(
    offline: OfflineAssistant, url: str, model: str, timeout: float = 5.0
) -> LLMAssistant:
    return LLMAssistant(offline, LLMConfig(url=url, model=model, api_key="sekret", timeout=timeout))


TEXT = "Strategien er vedtatt og følges opp i årsrapporten."


def test_valid_reply_is_used(server: str, offline: OfflineAssistant) -> None:
    ChatServer.received.clear()
    ChatServer.headers_seen.clear()
    result = assistant(offline, server, "valid").interpret(offline.request(KK, "1.1.1", "nb", TEXT))
    assert result.provider == "llm"
    assert result.notice == ""
    assert result.status is Status.ANSWERED
    assert result.levels == {Dimension.SYSTEM: 3, Dimension.RESULTS: 2, Dimension.EVALUATION: None}
    assert result.reason == "Vedtatt og fulgt opp."
    sent = ChatServer.received[-1]
    assert sent["model"] == "valid"
    assert sent["response_format"] == {"type": "json_object"}
    assert TEXT in sent["messages"][1]["content"]
    assert ChatServer.headers_seen[-1]["Authorization"] == "Bearer sekret"


@pytest.mark.parametrize(
    ("model", "timeout"),
    [
        ("invalid-json", 5.0),
        ("bad-schema", 5.0),
        ("foreign-dimension", 5.0),
        ("fail", 5.0),
        ("slow", 0.5),
    ],
)
def test_fallback_to_offline_says_so(
    server: str, offline: OfflineAssistant, model: str, timeout: float
) -> None:
    request = offline.request(KK, "1.1.1", "nb", TEXT)
    start = time.monotonic()
    result = assistant(offline, server, model, timeout).interpret(request)
    assert time.monotonic() - start < 1.9  # a slow model does not hold the respondent up
    expected = offline.interpret(request)
    assert result.provider == "offline"
    assert result.levels == expected.levels
    assert result.notice
    assert "språkmodellen" in result.notice.lower()


def test_unreachable_server_falls_back(offline: OfflineAssistant) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = assistant(offline, url, "valid").interpret(offline.request(KK, "1.1.1", "en", "No."))
    assert result.provider == "offline"
    assert result.levels[Dimension.SYSTEM] == 0
    assert "language model" in result.notice


def test_explain_keeps_the_cited_sources(server: str, offline: OfflineAssistant) -> None:
    request = ExplainRequest(questionnaire=KK, lang="nb", question="Hva betyr formannskap?")
    result = assistant(offline, server, "valid").explain(request)
    assert result.provider == "llm"
    assert result.answer.startswith("Formannskapet")
    assert [s.ref for s in result.sources] == [offline.explain(request).sources[0].ref]
    uncited = assistant(offline, server, "cites-nothing").explain(request)
    assert uncited.provider == "offline"
    assert uncited.notice


def test_summary_sends_no_respondent_ids(server: str, offline: OfflineAssistant) -> None:
    ChatServer.received.clear()
    comments = [
        Comment(
            indicator="1.1.1", text="Strategien er vedtatt i 2021.", respondent="resp-secret-1"
        ),
        Comment(indicator="1.1.2", text="Den følges opp hvert år.", respondent="resp-secret-2"),
    ]
    request = SummaryRequest(questionnaire=KK, subquestion="1.1", lang="nb", comments=comments)
    result = assistant(offline, server, "valid").summarise(request)
    assert result.provider == "llm"
    assert result.sources == comments
    assert result.comment_count == 2
    assert "resp-secret" not in json.dumps(ChatServer.received)


def test_off_unless_configured_and_allowed(
    server: str, offline: OfflineAssistant, tmp_path: Path
) -> None:
    plain = Settings(db=str(tmp_path / "k.db"))
    assert make_assistant(plain, offline) is offline
    configured = Settings(db=str(tmp_path / "k.db"), llm_url=server, llm_model="valid")
    assert isinstance(make_assistant(configured, offline), LLMAssistant)
    assert make_assistant(configured, offline, llm_allowed=False) is offline
    db = open_database(tmp_path / "k.db")
    try:
        migrate(db)
        municipality = accounts.create_municipality(db, "Røros", "NO", "nb")
        round_id = rounds.create_round(
            db,
            municipality.id,
            NewRound(name="Vår 2027", questionnaire_id=KK, locale="nb", deadline=None),
        ).id
        assert llm_allowed(db, round_id) is True
        set_llm_allowed(db, round_id, False)
        assert llm_allowed(db, round_id) is False
        set_llm_allowed(db, round_id, True)
        assert llm_allowed(db, round_id) is True
    finally:
        db.close()
