"""The respondent's card (issue 11): one indicator, one submission, and no dead ends.

A real app over a real SQLite file. Every refusal — an invalid answer, an upload that is too
large or of the wrong type, a bad date, a closed round — shows the card again with the
message next to its field and everything typed kept, and saves nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from service.domain.assignment import Pair
from service.settings import Settings
from service.storage import assignments
from service.storage.db import open_database

from .test_coordinator_web import make_client
from .test_journey_api import blank_pdf
from .test_use_cases import Both

PDF = blank_pdf()  # the service opens a PDF to check it: a header alone is refused
# The example questionnaire's unit leader answers these, in this order.
UNIT_LEADER = ["1.1.2", "1.2.1", "2.2.1", "2.2.2"]
FULL = {
    "1.1.2": {"level-system": "3", "level-scope": "2"},
    "1.2.1": {
        "level-system": "2",
        "level-scope": "1",
        "level-results": "dont_know",
        "level-evaluation": "1",
    },
    "2.2.1": {"status": "planned"},
    "2.2.2": {"status": "dont_know"},
}


@pytest.fixture
def both(tmp_path: Path, example_dir: Path) -> Iterator[Both]:
    """A signed-in coordinator over an app whose uploads are limited to 1 MB."""
    settings = Settings(
        db=str(tmp_path / "kompass.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        max_upload_mb=1,
    )
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Both(client, settings.db_path)


def post_card(
    both: Both,
    token: str,
    indicator: str,
    fields: dict[str, str],
    file: tuple[str, bytes, str] | None = None,
    lang: str = "en",
) -> httpx.Response:
    """Post a card the way a browser does: multipart, the file input last."""
    parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in fields.items()]
    parts.append(("file", file if file else ("", b"", "application/octet-stream")))
    return both.client.post(
        f"/r/{token}/i/{indicator}",
        files=parts,
        headers={"accept-language": lang},
        follow_redirects=False,
    )


def field_error(page: str, field: str) -> str | None:
    """The message shown next to a field, if any."""
    found = re.search(rf'<p class="error field-error" id="error-{field}">([^<]*)</p>', page)
    return found.group(1) if found else None


def answers(both: Both) -> list[tuple[Any, ...]]:
    return both.rows("SELECT indicator_id, status, levels, comment FROM answers ORDER BY id")


def test_first_visit_welcomes_then_cards_resume_where_left(both: Both) -> None:
    _, token = both.invite(both.round())
    welcome = both.client.get(f"/r/{token}/", headers={"accept-language": "en"})
    assert welcome.url.path == f"/r/{token}/welcome"
    assert "You have 4 questions. They take about 5 minutes." in welcome.text
    assert "earn no points yet" in welcome.text
    assert f'href="/r/{token}/i/1.1.2"' in welcome.text
    card = both.client.get(f"/r/{token}/i/1.1.2")
    assert card.status_code == 200
    # Past the welcome, the link opens the card the respondent was on.
    assert both.client.get(f"/r/{token}/").url.path == f"/r/{token}/i/1.1.2"


@pytest.mark.parametrize(("again", "writes"), [("1.1.2", False), ("1.2.1", True)])
def test_a_card_view_writes_only_when_the_position_changes(
    both: Both, again: str, writes: bool
) -> None:
    """Looking at the card one is on again writes nothing (no write lock, no new digest)."""
    respondent, token = both.invite(both.round())
    assert both.client.get(f"/r/{token}/i/1.1.2").status_code == 200
    old = "2000-01-01T00:00:00+00:00"
    with sqlite3.connect(both.db_path) as conn:
        conn.execute("UPDATE respondents SET last_seen_at = ? WHERE id = ?", [old, respondent])
    watcher = sqlite3.connect(both.db_path)
    try:
        # data_version changes when any other connection commits a change to the file.
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        for _ in range(2):
            assert both.client.get(f"/r/{token}/i/{again}").status_code == 200
        after = watcher.execute("PRAGMA data_version").fetchone()[0]
    finally:
        watcher.close()
    row = both.rows(
        "SELECT position_indicator, position_step, last_seen_at FROM respondents WHERE id = ?",
        respondent,
    )[0]
    assert (after != before) is writes
    assert row[0] == again
    assert row[1] == "card"
    assert (row[2] != old) is writes


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nb", "Du har 4 spørsmål. De tar omtrent 5 minutter."),
        ("sv", "Du har 4 frågor. De tar ungefär 5 minuter."),
        ("en", "You have 4 questions. They take about 5 minutes."),
    ],
)
def test_welcome_in_each_language(both: Both, lang: str, text: str) -> None:
    _, token = both.invite(both.round())
    page = both.client.get(f"/r/{token}/welcome?lang={lang}")
    assert page.status_code == 200
    assert text in page.text


def test_one_submission_per_indicator_to_the_end(both: Both) -> None:
    _, token = both.invite(both.round())
    for n, indicator in enumerate(UNIT_LEADER):
        response = post_card(both, token, indicator, {**FULL[indicator], "comment": f"c{n}"})
        assert response.status_code == 303, response.text
        following = UNIT_LEADER[n + 1] if n + 1 < len(UNIT_LEADER) else None
        assert response.headers["location"] == (
            f"/r/{token}/i/{following}" if following else f"/r/{token}/done"
        )
    assert len(answers(both)) == len(UNIT_LEADER)  # exactly one stored version each
    stored = {row[0]: (row[1], row[2]) for row in answers(both)}
    assert stored == {
        "1.1.2": ("answered", '{"system":3,"scope":2}'),
        "1.2.1": ("answered", '{"system":2,"scope":1,"results":null,"evaluation":1}'),
        "2.2.1": ("planned", "{}"),
        "2.2.2": ("dont_know", "{}"),
    }
    done = both.client.get(f"/r/{token}/done", headers={"accept-language": "en"})
    assert "You have answered all your questions." in done.text


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        # Without JavaScript the greyed-out rows are still sent; the server ignores them.
        ({"level-system": "0", "level-scope": "4"}, ("answered", '{"system":0}')),
        ({"level-system": "dont_know", "level-scope": "4"}, ("dont_know", "{}")),
        ({"status": "planned", "level-system": "3", "level-scope": "4"}, ("planned", "{}")),
        ({"status": "dont_know", "level-system": "3"}, ("dont_know", "{}")),
    ],
)
def test_follow_ups_that_do_not_apply_are_ignored(
    both: Both, fields: dict[str, str], stored: tuple[str, str]
) -> None:
    _, token = both.invite(both.round())
    assert post_card(both, token, "1.1.2", fields).status_code == 303
    assert [row[1:3] for row in answers(both)] == [stored]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"level-scope": "2"}, "system", "Choose an answer here, or “Don&#39;t know”."),
        ({"level-system": "3"}, "scope", "Choose an answer here, or “Don&#39;t know”."),
        ({"level-system": "7", "level-scope": "2"}, "system", "Level 7 is outside the scale 0–4."),
        ({"level-system": "3", "level-scope": "abc"}, "scope", "Unknown choice abc."),
        (
            {"level-system": "1", "level-scope": "1", "comment": "x" * 5001},
            "comment",
            "The comment is too long (at most 5000 characters).",
        ),
    ],
)
def test_invalid_answers_show_the_card_again_with_everything_typed(
    both: Both, fields: dict[str, str], field: str, message: str
) -> None:
    _, token = both.invite(both.round())
    typed = {"comment": "Vi har en rutine.", **fields}
    response = post_card(both, token, "1.1.2", typed)
    assert response.status_code == 400
    assert field_error(response.text, field) == message
    assert "Nothing was saved" in response.text
    assert f">{typed['comment']}</textarea>" in response.text
    for name, value in fields.items():
        if name.startswith("level-") and value.isdigit() and int(value) <= 4:
            assert re.search(rf'name="{name}" value="{value}"\s+checked', response.text), name
    assert answers(both) == []


@pytest.mark.parametrize(
    ("upload", "extra", "status", "field", "message"),
    [
        (
            ("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "application/pdf"),
            {},
            413,
            "file",
            "The file is larger than the limit of 1 MB.",
        ),
        (
            ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
            {},
            415,
            "file",
            "Files of this type are not accepted",
        ),
        (
            ("plan.pdf", PDF, "application/pdf"),
            {"effective_date": "31.12.2024"},
            400,
            "effective_date",
            "The date must be written as YYYY-MM-DD.",
        ),
        (
            None,
            {"url": "ftp://fjellbygd.no/plan"},
            400,
            "url",
            "Enter a web address starting with http:// or https://.",
        ),
    ],
)
@pytest.mark.parametrize("action", ["next", "evidence"])
def test_upload_errors_keep_the_card(
    both: Both,
    upload: tuple[str, bytes, str] | None,
    extra: dict[str, str],
    status: int,
    field: str,
    message: str,
    action: str,
) -> None:
    _, token = both.invite(both.round())
    fields = {
        "level-system": "3",
        "level-scope": "2",
        "comment": "Rutinen er vedtatt.",
        "action": action,
        "title": "Rutine for avvik",
        **extra,
    }
    response = post_card(both, token, "1.1.2", fields, upload)
    assert response.status_code == status, response.text
    shown = field_error(response.text, field)
    assert shown is not None
    assert shown.startswith(message)
    assert ">Rutinen er vedtatt.</textarea>" in response.text
    assert re.search(r'name="level-system" value="3"\s+checked', response.text)
    assert 'value="Rutine for avvik"' in response.text
    assert answers(both) == []
    assert both.rows("SELECT COUNT(*) FROM evidence") == [(0,)]


def test_adding_documentation_keeps_the_unsaved_answers(both: Both) -> None:
    _, token = both.invite(both.round())
    fields = {
        "level-system": "3",
        "level-scope": "1",
        "comment": "Se vedlagt plan.",
        "action": "evidence",
        "title": "Plan for avvik",
        "effective_date": "2024-01-10",
    }
    response = post_card(both, token, "1.1.2", fields, ("plan.pdf", PDF, "application/pdf"))
    assert response.status_code == 200, response.text
    assert "The documentation was added." in response.text
    assert "Plan for avvik" in response.text
    assert ">Se vedlagt plan.</textarea>" in response.text
    assert re.search(r'name="level-scope" value="1"\s+checked', response.text)
    assert both.rows("SELECT COUNT(*) FROM evidence") == [(1,)]
    assert answers(both) == []  # saved only with "Next"
    fields.pop("action")
    saved = post_card(both, token, "1.1.2", {**fields, "title": "", "effective_date": ""})
    assert saved.status_code == 303
    assert len(answers(both)) == 1
    assert both.rows("SELECT COUNT(*) FROM evidence") == [(1,)]


def test_next_with_a_file_attaches_it_and_saves(both: Both) -> None:
    _, token = both.invite(both.round())
    fields = {"level-system": "2", "level-scope": "2", "title": "Plan"}
    response = post_card(both, token, "1.1.2", fields, ("plan.pdf", PDF, "application/pdf"))
    assert response.status_code == 303
    assert both.rows("SELECT indicator_id, title FROM evidence") == [("1.1.2", "Plan")]
    assert len(answers(both)) == 1


def test_evidence_without_file_or_link_is_refused_next_to_the_file(both: Both) -> None:
    _, token = both.invite(both.round())
    response = post_card(both, token, "1.1.2", {"level-system": "2", "action": "evidence"})
    assert response.status_code == 400
    assert field_error(response.text, "file") == "Choose a file or enter a link."


def test_a_closed_round_says_plainly_that_answers_cannot_change(both: Both) -> None:
    round_id = both.round()
    _, token = both.invite(round_id)
    assert post_card(both, token, "1.1.2", FULL["1.1.2"]).status_code == 303
    assert both.api(f"/api/v1/rounds/{round_id}/close").status_code == 200
    typed = {"level-system": "4", "level-scope": "4", "comment": "Nå er alt på plass."}
    response = post_card(both, token, "1.1.2", typed)
    assert response.status_code == 409
    assert "This assessment round is closed; its answers can no longer change." in response.text
    assert "your answers can no longer change" in response.text
    assert ">Nå er alt på plass.</textarea>" in response.text
    assert len(answers(both)) == 1
    card = both.client.get(f"/r/{token}/i/1.1.2", headers={"accept-language": "en"})
    assert "This round is closed: your answers can no longer change." in card.text
    assert '<button type="submit" name="action" value="next">' not in card.text
    done = both.client.get(f"/r/{token}/done", headers={"accept-language": "en"})
    assert "your answers can no longer change" in done.text


def assign(both: Both, round_id: int, respondent_id: int, indicators: list[str]) -> None:
    db = open_database(both.db_path)
    assignments.replace(
        db, round_id, [Pair(invitation=respondent_id, indicator=i) for i in indicators]
    )
    db.close()


def test_progress_and_next_follow_the_assignment_then_answer_more(both: Both) -> None:
    round_id = both.round()
    rid, token = both.invite(round_id)
    assign(both, round_id, rid, ["2.2.2", "1.2.1"])
    session = both.client.get(f"/api/v1/respond/{token}").json()
    assert sum(p["total"] for p in session["progress"]) == 2
    assert session["next"] == {"indicator": "1.2.1"}
    welcome = both.client.get(f"/r/{token}/welcome", headers={"accept-language": "en"})
    assert "You have 2 questions." in welcome.text
    first = post_card(both, token, "1.2.1", FULL["1.2.1"])
    assert first.headers["location"] == f"/r/{token}/i/2.2.2"
    last = both.client.put(
        f"/api/v1/respond/{token}/indicators/2.2.2", json={"levels": {"system": 1, "scope": 1}}
    )
    assert last.json()["next"] == {"indicator": None}
    session = both.client.get(f"/api/v1/respond/{token}").json()
    assert [(p["complete"], p["total"]) for p in session["progress"]] == [(1, 1), (1, 1)]
    done = both.client.get(f"/r/{token}/done", headers={"accept-language": "en"})
    assert "2 more questions of your role are open." in done.text
    assert f'href="/r/{token}/i/1.1.2">Answer more' in done.text
    # An "answer more" card leads to the next extra one, then to the end.
    extra = post_card(both, token, "1.1.2", FULL["1.1.2"])
    assert extra.headers["location"] == f"/r/{token}/i/2.2.1"
    assert post_card(both, token, "2.2.1", FULL["2.2.1"]).headers["location"] == (
        f"/r/{token}/done"
    )


def test_another_persons_assignment_is_not_mine(both: Both) -> None:
    """With an assignment stored for the round, a respondent with none has nothing assigned."""
    round_id = both.round()
    first, _ = both.invite(round_id)
    _, token = both.invite(round_id)
    assign(both, round_id, first, ["1.1.2"])
    session = both.client.get(f"/api/v1/respond/{token}").json()
    assert (session["progress"], session["next"]) == ([], {"indicator": None})
    done = both.client.get(f"/r/{token}/", headers={"accept-language": "en"})
    assert done.status_code == 200
    assert "No questions are assigned to you yet." in done.text
    assert "Answer more" in done.text


def test_card_page_has_no_inline_script_and_its_script_is_served(both: Both) -> None:
    _, token = both.invite(both.round())
    page = both.client.get(f"/r/{token}/i/1.2.1").text
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/card.js" defer>',
        '<script src="/static/assist.js" defer>',  # the assistant's panel, after the form
    ]
    assert "style=" not in page
    for name, marker in [("card.js", "fieldset.dimension"), ("assist.js", "data-assist-card")]:
        script = both.client.get(f"/static/{name}")
        assert script.status_code == 200
        assert marker in script.text


def test_the_page_api_and_database_agree(both: Both) -> None:
    """The card and the PUT endpoint are one use case: the same input stores the same answer."""
    round_id = both.round()
    _, page_token = both.invite(round_id)
    _, api_token = both.invite(round_id)
    post_card(both, page_token, "1.2.1", {**FULL["1.2.1"], "comment": "Samme"})
    both.client.put(
        f"/api/v1/respond/{api_token}/indicators/1.2.1",
        json={
            "levels": {"system": 2, "scope": 1, "results": None, "evaluation": 1},
            "comment": "Samme",
        },
    )
    with sqlite3.connect(both.db_path) as conn:
        rows = conn.execute("SELECT status, levels, comment FROM answers ORDER BY id").fetchall()
    assert rows[0] == rows[1]


@pytest.fixture
def quota_both(tmp_path: Path, example_dir: Path) -> Iterator[Both]:
    """Uploads of up to 2 MB each, but at most 1 MB in all per respondent."""
    settings = Settings(
        db=str(tmp_path / "kompass.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        max_upload_mb=2,
        evidence_quota_mb=1,
    )
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Both(client, settings.db_path)


@pytest.mark.parametrize("action", ["next", "evidence"])
def test_the_quota_keeps_the_card_with_its_message_by_the_file(
    quota_both: Both, action: str
) -> None:
    _, token = quota_both.invite(quota_both.round())
    first = post_card(
        quota_both,
        token,
        "1.1.2",
        {"action": "evidence", "title": "Første"},
        ("first.txt", b"a" * (600 * 1024), "text/plain"),
    )
    assert first.status_code == 200, first.text
    typed = {"level-system": "3", "level-scope": "2", "comment": "Mer.", "action": action}
    response = post_card(
        quota_both, token, "1.1.2", typed, ("second.txt", b"b" * (600 * 1024), "text/plain")
    )
    assert response.status_code == 413
    shown = field_error(response.text, "file")
    assert shown is not None
    assert shown.startswith("This file does not fit")
    assert ">Mer.</textarea>" in response.text
    assert re.search(r'name="level-scope" value="2"\s+checked', response.text)
    assert quota_both.rows("SELECT COUNT(*) FROM evidence") == [(1,)]
    assert answers(quota_both) == []


def test_unreviewed_evidence_can_be_withdrawn_from_the_card(both: Both) -> None:
    _, token = both.invite(both.round())
    fields = {"action": "evidence", "title": "Utkast"}
    added = post_card(both, token, "1.1.2", fields, ("plan.pdf", PDF, "application/pdf"))
    assert added.status_code == 200
    (evidence_id,) = both.rows("SELECT id FROM evidence")[0]
    button = re.search(
        rf'<button type="submit" form="withdraw-{evidence_id}"[^>]*>Withdraw</button>', added.text
    )
    assert button, "an unreviewed document offers Withdraw on the card"
    form = f'<form method="post" action="/r/{token}/evidence/{evidence_id}/withdraw"'
    assert form in added.text
    # Forms cannot nest: the withdraw form comes after the card's form has ended.
    card_end = added.text.index("</form>", added.text.index('id="card"'))
    assert card_end < added.text.index(form)
    gone = both.client.post(f"/r/{token}/evidence/{evidence_id}/withdraw", follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"] == f"/r/{token}/i/1.1.2#evidence"
    assert both.rows("SELECT COUNT(*) FROM evidence") == [(0,)]
    assert "Utkast" not in both.client.get(f"/r/{token}/i/1.1.2").text
