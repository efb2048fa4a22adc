"""Fuzzing: schemathesis against the app's own OpenAPI document, hypothesis against the
respondent's form posts. Bounded so the suite stays fast; no answer may be a 5xx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from service import rounds as use
from service.app import create_app
from service.domain.rounds import NewRound
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import accounts, respondents, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import EXAMPLE

PASSWORD = "correct horse battery"
MAX_EXAMPLES = 8


def _world(tmp: Path) -> tuple[Settings, str]:
    folder = tmp / "questionnaires"
    folder.mkdir()
    (folder / EXAMPLE.name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    config = Settings(db=str(tmp / "k.db"), data_dir=str(tmp / "data"), questionnaires=str(folder))
    db = open_database(config.db_path)
    migrate(db)
    home = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    accounts.create_coordinator(db, home.id, "k@fjellbygd.no", PASSWORD)
    new = NewRound(name="Runde", questionnaire_id="example-1.0", locale="nb", deadline=None)
    rnd = use.open_round(
        db, Catalog(config.questionnaire_path), rounds.create_round(db, home.id, new), by="test"
    )
    _, token = respondents.invite(db, rnd.id, "mayor", "Kari", "")
    db.close()
    return config, token


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Litestar, dict[str, str]]:
    """The app, and headers signing requests in as its coordinator (cookie and CSRF)."""
    config, _ = _world(tmp_path_factory.mktemp("fuzz"))
    app = create_app(config)
    with asgi.get_client(app) as client:
        client.get(f"http://{asgi.HOST}/health")
        csrf = client.cookies["kompass_csrf"]
        signed = client.post(
            f"http://{asgi.HOST}/api/v1/session",
            json={"email": "k@fjellbygd.no", "password": PASSWORD},
            headers={"X-CSRFToken": csrf},
        )
        assert signed.status_code == 200, signed.text
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return app, {"Cookie": cookie, "X-CSRFToken": csrf}


def test_api_has_no_server_errors_and_answers_match_the_schema(
    served: tuple[Litestar, dict[str, str]],
) -> None:
    """Every operation of /schema/openapi.json, a bounded number of generated requests each."""
    app, headers = served
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/session" and operation.method.upper() in {"POST", "DELETE"}:
            # Signing in and out have their own tests (and would throttle or end this session).
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        run()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 15, tested


# --- hostile form posts to the respondent's pages ------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "²",
            "١",
            "9" * 40,
            "-1",
            "1e3",
            " 3 ",
            "\x00",
            "<script>alert(1)</script>",
            '=HYPERLINK("http://x")',
            "\u202e" + "x" * 20,
            "a\r\n" * 2600,
            "[" * 5000,
        ]
    ),
)
field_names = st.sampled_from(
    [
        "level-system",
        "level-scope",
        "level-results",
        "level-evaluation",
        "level-nope",
        "status",
        "action",
        "comment",
        "title",
        "url",
        "effective_date",
        "x",
    ]
)
indicators = st.sampled_from(["1.1.1", "1.1.2", "2.1.1", "9.9.9", "", "..", "1.1.1%00"])


@pytest.fixture(scope="module")
def respondent(
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    config, token = _world(tmp_path_factory.mktemp("forms"))
    with TestClient(app=create_app(config)) as client:
        yield client, token


FORM_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
forms = st.dictionaries(field_names, hostile_text, max_size=4)


@given(form=forms, indicator=indicators, multipart=st.booleans())
@FORM_SETTINGS
def test_hostile_cards_never_fail(
    respondent: Any, form: dict[str, str], indicator: str, multipart: bool
) -> None:
    """The card's form, URL-encoded or multipart (as the page sends it, with a file)."""
    client, token = respondent
    files = {"file": ("x.txt", (form.get("title") or "x").encode("utf-8", "replace"))}
    response = client.post(
        f"/r/{token}/i/{indicator}",
        data=form,
        files=files if multipart else None,
        follow_redirects=False,
    )
    assert response.status_code < 500, (form, indicator, multipart, response.text[:300])


@given(form=forms, indicator=indicators)
@FORM_SETTINGS
def test_hostile_uploads_to_respondent_pages_never_fail(
    respondent: Any, form: dict[str, str], indicator: str
) -> None:
    client, token = respondent
    upload = client.post(
        f"/r/{token}/i/{indicator}/evidence",
        data=form,
        files={"file": ("x.txt", (form.get("comment") or "x").encode("utf-8", "replace"))},
        follow_redirects=False,
    )
    assert upload.status_code < 500, (form, indicator, upload.text[:300])
    link = client.post(f"/r/{token}/i/{indicator}/evidence", data=form, follow_redirects=False)
    assert link.status_code < 500, (form, indicator, link.text[:300])
