"""Security defences, each against the real app over a real SQLite file (see docs/security.md)."""

from __future__ import annotations

import io
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import security
from service.app import create_app
from service.errors import TooManyRequests
from service.settings import Settings
from service.storage import accounts
from service.storage.db import open_database
from service.storage.migrations import migrate
from service.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW, Throttle

from .conftest import Server, free_port, server_env

PASSWORD = "correct horse battery"
HOME = "k@fjellbygd.no"
OTHER = "k@dalbygd.no"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two municipalities with a coordinator each, built once: argon2 hashing is slow."""
    path = tmp_path_factory.mktemp("template") / "kompass.db"
    db = open_database(path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    other = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, HOME, PASSWORD)
    accounts.create_coordinator(db, other.id, OTHER, PASSWORD)
    db.close()
    return path


@pytest.fixture
def app(settings: Settings, template_db: Path) -> Litestar:
    shutil.copyfile(template_db, settings.db_path)
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app) as test_client:
        yield test_client


def session_files(settings: Settings) -> list[Path]:
    folder = settings.data_path / "sessions"
    return sorted(folder.iterdir()) if folder.exists() else []


def plant(client: TestClient[Litestar], session_id: str) -> None:
    """Set a session cookie as an attacker would (e.g. from a sibling subdomain)."""
    client.cookies.set("kompass_session", session_id, domain="testserver.local")


def sign_in(client: TestClient[Litestar], who: str = HOME, password: str = PASSWORD) -> int:
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": who, "password": password, "_csrf_token": client.cookies["kompass_csrf"]},
        follow_redirects=False,
    )
    return response.status_code


# --- sessions ---------------------------------------------------------------------------


def test_sign_in_issues_a_new_session_id_and_ignores_planted_ones(
    client: TestClient[Litestar], settings: Settings
) -> None:
    planted = "a" * 64
    plant(client, planted)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303
    assert sign_in(client) == 303
    issued = client.cookies["kompass_session"]
    assert issued != planted
    assert len(session_files(settings)) == 1
    assert client.get("/rounds/").status_code == 200
    # The planted id is worth nothing: whoever holds it is not signed in.
    client.cookies.clear()
    plant(client, planted)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303


def test_a_known_session_id_changes_at_sign_in(client: TestClient[Litestar]) -> None:
    assert sign_in(client) == 303
    first = client.cookies["kompass_session"]
    assert sign_in(client, OTHER) == 303
    assert client.cookies["kompass_session"] != first
    client.cookies.clear()
    plant(client, first)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303


def test_no_session_file_without_something_to_keep(
    client: TestClient[Litestar], settings: Settings
) -> None:
    for path in ["/health", "/static/kompass.css", "/login", "/", "/api/v1/rounds", "/rounds/"]:
        for _ in range(3):
            client.cookies.clear()
            assert client.get(path, follow_redirects=False).status_code < 500
    plant(client, "b" * 64)
    client.get("/rounds/", follow_redirects=False)
    assert session_files(settings) == []
    assert sign_in(client) == 303
    assert len(session_files(settings)) == 1
    client.post("/logout", data={"_csrf_token": client.cookies["kompass_csrf"]})
    assert session_files(settings) == []


def test_sessions_end_after_the_absolute_lifetime_and_expired_files_are_swept(
    client: TestClient[Litestar], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:

    from service.web import sessions

    assert sign_in(client) == 303
    assert client.get("/rounds/").status_code == 200
    later = time.time() + sessions.ABSOLUTE_LIFETIME + 1
    # Only the server's clock moves on; the browser's cookie jar keeps the session cookie.
    later_clock = SimpleNamespace(time=lambda: later, monotonic=time.monotonic)
    monkeypatch.setattr(sessions, "time", later_clock)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303
    assert session_files(settings) == []


@pytest.mark.parametrize(("seconds_later", "rewritten"), [(0.0, False), (61.0, True)])
def test_an_unchanged_session_is_written_again_only_to_push_its_expiry_on(
    client: TestClient[Litestar],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    seconds_later: float,
    rewritten: bool,
) -> None:
    from service.web import sessions

    assert sign_in(client) == 303
    assert client.get("/rounds/").status_code == 200
    [path] = session_files(settings)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    later = time.time() + seconds_later
    monkeypatch.setattr(
        sessions, "time", SimpleNamespace(time=lambda: later, monotonic=time.monotonic)
    )
    for _ in range(3):
        assert client.get("/rounds/").status_code == 200
    [after] = session_files(settings)
    assert after == path
    assert ((after.read_bytes(), after.stat().st_mtime_ns) != before) is rewritten


def test_expired_session_files_are_deleted(settings: Settings, app: Litestar) -> None:
    import asyncio

    from litestar.stores.file import FileStore

    store = FileStore(settings.data_path / "sessions", create_directories=True)
    asyncio.run(store.set("left-behind", b"{}", expires_in=1))
    time.sleep(1.1)
    assert len(session_files(settings)) == 1
    with TestClient(app=app) as client:
        assert client.get("/health").status_code == 200
    assert session_files(settings) == []


# --- headers ----------------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_security_headers_on_pages_exports_and_api(client: TestClient[Litestar]) -> None:
    assert sign_in(client) == 303
    csrf = client.cookies["kompass_csrf"]
    created = client.post(
        "/rounds/",
        data={"name": "R", "questionnaire": "example-1.0", "locale": "nb", "_csrf_token": csrf},
        follow_redirects=False,
    )
    round_id = created.headers["location"].rsplit("/", 1)[1]
    paths = [
        "/",
        "/login",
        "/health",
        "/rounds/",
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/results",
        f"/rounds/{round_id}/export/answers.csv?names=true",
        f"/rounds/{round_id}/export.json",
        "/api/v1/rounds",
        "/rounds/999999",
        "/no/such/page",
        "/schema/openapi.json",
    ]
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, path
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["cache-control"] == "no-store", path
        assert "strict-transport-security" not in headers, path
    static = client.get("/static/kompass.css")
    assert static.headers["content-security-policy"]
    assert static.headers.get("cache-control") != "no-store"


def test_hsts_only_when_served_over_https(settings: Settings) -> None:
    import msgspec

    https = msgspec.structs.replace(settings, base_url="https://kompass.example.no")
    with TestClient(app=create_app(https)) as client:
        assert "max-age=" in client.get("/health").headers["strict-transport-security"]


def test_templates_need_no_inline_script_or_style() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        # The PDF template is read by WeasyPrint only, never served to a browser.
        if path.parent.name != "report"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if inline.search(line)
    ]
    assert offenders == []


def test_schema_is_served_without_third_party_scripts(client: TestClient[Litestar]) -> None:
    document = client.get("/schema/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Kompass API"
    for viewer in ["/schema/redoc", "/schema/swagger", "/schema/elements", "/schema/rapidoc"]:
        response = client.get(viewer)
        assert response.status_code == 404, viewer
    assert "<script" not in client.get("/schema").text


# --- throttling -------------------------------------------------------------------------


def test_sign_in_is_throttled_per_account_with_a_localized_429(
    client: TestClient[Litestar],
) -> None:
    # The app's own throttle with a smaller limit: every attempt costs an argon2 hash.
    client.app.state.throttle = Throttle(account_limit=2)
    for _ in range(2):
        assert sign_in(client, HOME, "wrong password") == 401
    response = client.post(
        "/login",
        data={"email": HOME, "password": PASSWORD, "_csrf_token": client.cookies["kompass_csrf"]},
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= WINDOW
    assert "För många inloggningsförsök" in response.text
    api = client.post(
        "/api/v1/session",
        json={"email": HOME.upper(), "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies["kompass_csrf"], "Accept-Language": "nb"},
    )
    assert api.status_code == 429
    assert api.json()["error"] == "too_many"
    assert "For mange innloggingsforsøk" in api.json()["message"]
    assert "retry-after" in api.headers
    # Another account from the same address is not locked out by it.
    assert sign_in(client, OTHER) == 303


def test_sign_in_is_throttled_per_client_address(client: TestClient[Litestar]) -> None:
    client.app.state.throttle = Throttle(address_limit=3)
    for n in range(3):
        assert sign_in(client, f"nobody{n}@example.no", "wrong password") == 401
    assert sign_in(client, HOME) == 429


def test_concurrent_password_hashing_is_bounded(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "HASH_WAIT", 0.2)
    client.get("/health")
    held = [security._SLOTS.acquire(timeout=1) for _ in range(security.HASH_SLOTS)]
    try:
        assert all(held)
        response = client.post(
            "/api/v1/session",
            json={"email": HOME, "password": PASSWORD},
            headers={"X-CSRFToken": client.cookies["kompass_csrf"]},
        )
    finally:
        for _ in held:
            security._SLOTS.release()
    assert response.status_code == 429
    assert response.headers["retry-after"] == "5"
    assert sign_in(client) == 303


# --- tokens -----------------------------------------------------------------------------


def test_no_plain_token_is_kept_server_side_after_invitation(
    client: TestClient[Litestar], settings: Settings
) -> None:
    assert sign_in(client) == 303
    csrf = client.cookies["kompass_csrf"]
    created = client.post(
        "/rounds/",
        data={"name": "R", "questionnaire": "example-1.0", "locale": "nb", "_csrf_token": csrf},
        follow_redirects=False,
    )
    round_id = created.headers["location"].rsplit("/", 1)[1]
    client.post(f"/rounds/{round_id}/open", data={"_csrf_token": csrf})
    invited = client.post(
        f"/rounds/{round_id}/respondents",
        data={"role": "mayor", "name": "Kari", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert invited.status_code == 303

    def kept() -> bytes:
        files = [*settings.data_path.rglob("*"), *settings.db_path.parent.glob("kompass.db*")]
        return b"".join(p.read_bytes() for p in files if p.is_file())

    between = kept()  # after the response that made the link, before the one that shows it
    page = client.get(invited.headers["location"])
    token = re.search(r'id="new-link" readonly value="[^"]*/r/([^"]+)"', page.text)
    assert token is not None
    assert token.group(1).encode() not in between
    assert token.group(1).encode() not in kept()
    assert 'id="new-link"' not in client.get(f"/rounds/{round_id}").text

    # A bulk invitation shows its links in its own response; after it, nothing holds them.
    round_page = client.get(f"/rounds/{round_id}").text
    batch = re.search(r'name="batch" value="([^"]+)"', round_page)
    assert batch is not None
    bulk = client.post(
        f"/rounds/{round_id}/respondents/bulk",
        data={
            "people": "Ola;ola@fjellbygd.no;mayor\nEva;eva@fjellbygd.no;mayor",
            "batch": batch.group(1),
            "_csrf_token": csrf,
        },
        files={"file": ("", b"")},
        follow_redirects=False,
    )
    assert bulk.status_code == 200, bulk.text
    tokens = re.findall(r'id="link-\d+" readonly value="[^"]*/r/([^"]+)"', bulk.text)
    assert len(tokens) == 2
    after = kept()
    for bulk_token in tokens:
        assert bulk_token.encode() not in after
        assert bulk_token not in client.get(f"/rounds/{round_id}").text


def test_tokens_are_redacted_in_every_log_line(tmp_path: Path, example_dir: Path) -> None:
    env = server_env(tmp_path, example_dir, KOMPASS_LOG_LEVEL="DEBUG")
    db = open_database(Path(env["KOMPASS_DB"]))
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, HOME, PASSWORD)
    db.close()
    srv = Server(env, free_port())
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            http.get("/health")
            csrf = {"X-CSRFToken": http.cookies["kompass_csrf"]}
            http.post("/api/v1/session", json={"email": HOME, "password": PASSWORD}, headers=csrf)
            rnd = http.post(
                "/api/v1/rounds", json={"name": "R", "questionnaire": "example-1.0"}, headers=csrf
            ).json()
            http.post(f"/api/v1/rounds/{rnd['id']}/open", headers=csrf)
            token = http.post(
                f"/api/v1/rounds/{rnd['id']}/respondents", json={"role": "mayor"}, headers=csrf
            ).json()["token"]
            assert http.get(f"/api/v1/respond/{token}").status_code == 200
            http.put(f"/api/v1/respond/{token}/indicators/nope", json={"levels": {"system": 1}})
            http.get(f"/r/{token}/", follow_redirects=False)
            http.get(f"/r/{token}x/overview")
    finally:
        srv.process.terminate()
        output = srv.process.communicate(timeout=15)[0]
    assert "/api/v1/respond/[token]" in output
    assert token not in output


# --- numbers and nesting beyond what the service stores -----------------------------------

HUGE = "9" * 20


def test_ids_beyond_sqlite_range_deep_nesting_and_odd_digits_are_4xx(
    client: TestClient[Litestar],
) -> None:
    assert sign_in(client) == 303
    csrf = client.cookies["kompass_csrf"]
    for path in [
        f"/rounds/{HUGE}",
        f"/rounds/{HUGE}/results",
        f"/rounds/{HUGE}/evidence/{HUGE}/file",
        f"/api/v1/rounds/{HUGE}",
        f"/api/v1/rounds/{HUGE}/respondents",
    ]:
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    created = client.post(
        "/api/v1/rounds",
        json={"name": "R", "questionnaire": "example-1.0"},
        headers={"X-CSRFToken": csrf},
    ).json()
    compare = client.get(f"/rounds/{created['id']}/compare?other={HUGE}")
    assert compare.status_code == 400
    deep = client.post(
        "/api/v1/rounds",
        content=b"[" * 100_000,
        headers={"X-CSRFToken": csrf, "Content-Type": "application/json"},
    )
    assert deep.status_code == 400
    assert deep.json()["error"] == "invalid"
    client.post(f"/api/v1/rounds/{created['id']}/open", headers={"X-CSRFToken": csrf})
    token = client.post(
        f"/api/v1/rounds/{created['id']}/respondents",
        json={"role": "mayor"},
        headers={"X-CSRFToken": csrf},
    ).json()["token"]
    for choice in ["²", "١", HUGE, int(HUGE)]:
        card = client.put(
            f"/api/v1/respond/{token}/indicators/1.1.1", json={"levels": {"system": choice}}
        )
        assert card.status_code == 400, choice
        assert card.json()["error"] == "invalid"


# --- accounts ---------------------------------------------------------------------------


def test_changing_the_password_ends_other_sessions(
    client: TestClient[Litestar], settings: Settings
) -> None:
    assert sign_in(client) == 303
    other_session = client.cookies["kompass_session"]
    client.cookies.clear()
    assert sign_in(client) == 303
    csrf = client.cookies["kompass_csrf"]
    form = {"current": "wrong one", "new": "a new passphrase", "confirm": "a new passphrase"}
    refused = client.post("/account/password", data={**form, "_csrf_token": csrf})
    assert refused.status_code == 400
    assert "Nåværende passord er feil." in refused.text
    form["current"] = PASSWORD
    changed = client.post("/account/password", data={**form, "_csrf_token": csrf})
    assert changed.status_code == 200
    assert "Passordet er endret" in changed.text
    assert client.get("/rounds/").status_code == 200  # this session goes on
    mine = client.cookies["kompass_session"]
    client.cookies.clear()
    plant(client, other_session)
    assert client.get("/rounds/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert sign_in(client, HOME, PASSWORD) == 401
    assert sign_in(client, HOME, "a new passphrase") == 303
    assert mine != other_session


def test_a_disabled_coordinator_is_signed_out_and_cannot_sign_in(
    client: TestClient[Litestar], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.cli import main

    assert sign_in(client) == 303
    assert client.get("/rounds/").status_code == 200
    monkeypatch.setenv("KOMPASS_DB", str(settings.db_path))
    monkeypatch.setenv("KOMPASS_QUESTIONNAIRES", settings.questionnaires)
    assert main(["admin", "disable-coordinator", "1"]) == 0
    assert main(["admin", "disable-coordinator", "99"]) == 2
    assert client.get("/rounds/", follow_redirects=False).status_code == 303
    assert sign_in(client) == 401
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["admin", "set-password", "2", "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("another passphrase\n"))
    assert main(["admin", "set-password", "2", "--password-stdin"]) == 0
    assert sign_in(client, OTHER, "another passphrase") == 303


def test_answers_after_the_deadline_are_accepted_and_keep_their_time(
    client: TestClient[Litestar], settings: Settings
) -> None:
    """Decision (docs/security.md): a self-assessment accepts late answers, timestamped."""
    assert sign_in(client) == 303
    csrf = {"X-CSRFToken": client.cookies["kompass_csrf"]}
    rnd = client.post(
        "/api/v1/rounds",
        json={"name": "R", "questionnaire": "example-1.0", "deadline": "2020-01-31"},
        headers=csrf,
    ).json()
    client.post(f"/api/v1/rounds/{rnd['id']}/open", headers=csrf)
    token = client.post(
        f"/api/v1/rounds/{rnd['id']}/respondents", json={"role": "mayor"}, headers=csrf
    ).json()["token"]
    card = client.put(f"/api/v1/respond/{token}/indicators/1.1.1", json={"levels": {"system": 0}})
    assert card.status_code == 200
    db = open_database(settings.db_path)
    saved = db.execute("SELECT created_at FROM answers").fetchall()
    db.close()
    assert len(saved) == 1
    assert saved[0]["created_at"] > "2020-02-01"
    # Accepted, and marked: the coordinator sees which answers came after the deadline.
    people = client.get(f"/api/v1/rounds/{rnd['id']}/respondents").json()
    assert [p["late"] for p in people] == [1]
    page = client.get(f"/rounds/{rnd['id']}?lang=en")
    assert "1 answer after the deadline" in page.text


def test_default_limits_are_counted_as_documented() -> None:
    """The limits the service runs with (docs/security.md), on the throttle itself."""
    throttle = Throttle()
    for n in range(ACCOUNT_LIMIT):
        throttle.attempt("k@fjellbygd.no", f"10.0.0.{n}")
    with pytest.raises(TooManyRequests):
        throttle.attempt("K@Fjellbygd.no ", "10.0.1.1")
    for n in range(ADDRESS_LIMIT):
        throttle.attempt(f"other{n}@x.no", "10.0.9.9")
    with pytest.raises(TooManyRequests):
        throttle.attempt("new@x.no", "10.0.9.9")
    throttle.attempt("new@x.no", "10.0.0.2")
    throttle.succeeded("new@x.no", "10.0.0.2")
    throttle.attempt("new@x.no", "10.0.0.2")


# --- evidence downloads -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["payload.hta", "run.bat", "page.html"])
def test_evidence_is_served_under_its_sniffed_type(client: TestClient[Litestar], name: str) -> None:
    assert sign_in(client) == 303
    csrf = {"X-CSRFToken": client.cookies["kompass_csrf"]}
    rnd = client.post(
        "/api/v1/rounds", json={"name": "R", "questionnaire": "example-1.0"}, headers=csrf
    ).json()
    client.post(f"/api/v1/rounds/{rnd['id']}/open", headers=csrf)
    token = client.post(
        f"/api/v1/rounds/{rnd['id']}/respondents", json={"role": "mayor"}, headers=csrf
    ).json()["token"]
    uploaded = client.post(
        f"/api/v1/respond/{token}/indicators/1.1.1/evidence",
        files={"file": (name, b"<html><script>alert(1)</script></html>\n", "text/html")},
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["filename"] == name.rsplit(".", 1)[0] + ".txt"
    download = client.get(f"/rounds/{rnd['id']}/evidence/{uploaded.json()['id']}/file")
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert name.rsplit(".", 1)[0] + ".txt" in disposition
    assert name not in disposition
    assert download.headers["x-content-type-options"] == "nosniff"
