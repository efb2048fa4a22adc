"""Shared fixtures: real SQLite files in tmp_path, the app in-process or as a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "example-questionnaire.yaml"


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    """A questionnaire folder holding only the small example definition."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / EXAMPLE.name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path, example_dir: Path) -> Settings:
    """Settings pointing at a fresh database and data folder under tmp_path."""
    return Settings(
        db=str(tmp_path / "kompass.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The real app over a temporary SQLite file."""
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    """An in-process HTTP client for ``app``."""
    with TestClient(app=app) as test_client:
        yield test_client


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A ``kompass serve`` process on loopback."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                raise RuntimeError(f"kompass serve exited early:\n{output}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("kompass serve did not become healthy in 60 s")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def server_env(tmp_path: Path, questionnaires: Path, **extra: str) -> dict[str, str]:
    """Environment for a served instance with its own database and data folder."""
    return {
        "KOMPASS_DB": str(tmp_path / "served.db"),
        "KOMPASS_DATA_DIR": str(tmp_path / "served-data"),
        "KOMPASS_QUESTIONNAIRES": str(questionnaires),
        **extra,
    }


@pytest.fixture
def server(tmp_path: Path, example_dir: Path) -> Iterator[Server]:
    """A real ``kompass serve`` on a free port with a temporary database."""
    srv = Server(server_env(tmp_path, example_dir), free_port())
    yield srv
    srv.stop()
