"""Operations: /health really checks the database, JSON-lines logs, commands and docs in place."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from service.app import create_app
from service.cli import build_parser
from service.settings import Settings

from .conftest import ROOT, Server, free_port, server_env


def test_health_is_503_when_the_database_is_damaged(settings: Settings) -> None:
    app = create_app(settings)
    # Damage the file before any request opens a connection to it.
    for suffix in ("-wal", "-shm"):
        settings.db_path.with_name(settings.db_path.name + suffix).unlink(missing_ok=True)
    settings.db_path.write_bytes(b"this is not a database" * 100)
    with TestClient(app=app) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unavailable"
    assert "Traceback" not in response.text


def test_health_is_ok_on_a_sound_database(settings: Settings) -> None:
    with TestClient(app=create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_json_log_lines(tmp_path: Path, example_dir: Path) -> None:
    srv = Server(server_env(tmp_path, example_dir, KOMPASS_LOG_FORMAT="json"), free_port())
    try:
        assert httpx.get(f"{srv.url}/no-such-page", timeout=10).status_code == 404
        srv.process.terminate()
        output, _ = srv.process.communicate(timeout=30)
    finally:
        srv.stop()
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= e.keys() for e in entries)
    assert any("Kompass is running" in e["message"] for e in entries)
    assert any(e["logger"] == "uvicorn.access" and "/no-such-page" in e["message"] for e in entries)


@pytest.mark.parametrize(
    ("argv", "listed"),
    [
        ([], ["db", "audit", "privacy"]),
        (["db"], ["migrate", "backup", "restore", "verify"]),
        (["privacy"], ["export", "forget", "delete-round", "retention"]),
    ],
)
def test_commands_are_in_the_help(
    argv: list[str], listed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*argv, "--help"])
    text = capsys.readouterr().out
    for name in listed:
        assert name in text


@pytest.mark.parametrize(
    ("doc", "must_mention"),
    [
        ("operations.md", ["synchronous = FULL", "kompass db backup", "Litestream", "Retry-After"]),
        (
            "privacy.md",
            ["KOMPASS_RETENTION_YEARS", "kompass privacy export", "## The optional language model"],
        ),
        (
            "deploy.md",
            [
                "systemd",
                "KOMPASS_BASE_URL",
                "KOMPASS_SECRET_KEY",
                "KOMPASS_SMTP_HOST",
                "reverse_proxy",
            ],
        ),
    ],
)
def test_operations_docs_exist(doc: str, must_mention: list[str]) -> None:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    for phrase in must_mention:
        assert phrase in text, f"docs/{doc} does not mention {phrase}"
