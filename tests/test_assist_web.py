"""The assistant in the respondent's card, over a real app and a real SQLite file.

Interpret, explain and check through the JSON API and through the card's panel (a page
without JavaScript, JSON for assist.js), in nb, sv and en; the usual refusals (withdrawn
link, another round's evidence, unknown indicator); the round's language-model switch
against a real local chat-completions server; and the proposal kept beside the final answer.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import assisting
from service.assist.knowledge import glossary
from service.assist.offline import OfflineAssistant
from service.domain.answers import IndicatorAnswer, Status
from service.domain.assistant import FindingKind
from service.domain.questionnaire import Dimension
from service.i18n import translator
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import answers
from service.storage.db import open_database

from .test_assistant_llm import ChatServer, running_chat_server
from .test_coordinator_web import make_client, sign_in

TEXTS = {
    "nb": "Strategien er vedtatt av kommunestyret og revideres hvert år etter evaluering.",
    "sv": "Strategin är beslutad av kommunfullmäktige och revideras varje år efter utvärdering.",
    "en": "The strategy was adopted by the council and is revised every year after evaluation.",
}
PLANNED = {
    "nb": "Vi har planer om å lage en strategi neste år, men har ikke startet.",
    "sv": "Vi planerar att ta fram en strategi nästa år men har inte börjat.",
    "en": "We plan to write a strategy next year but have not started yet.",
}
TERMS = {
    "nb": "Hva betyr internkontroll?",
    "sv": "Vad betyder intern kontroll?",
    "en": "What does internal control mean?",
}


class Round:
    """A signed-in coordinator's open round with one respondent (chief executive) and helpers."""

    def __init__(self, client: TestClient[Litestar], db_path: Path, who: str = "k@fjellbygd.no"):
        self.client = client
        self.db_path = db_path
        self.csrf = sign_in(client, who)
        response = self.api("/api/v1/rounds", {"name": "Runde", "questionnaire": "example-1.0"})
        assert response.status_code == 201, response.text
        self.id = int(response.json()["id"])
        assert self.api(f"/api/v1/rounds/{self.id}/open").status_code == 200
        self.respondent, self.token = self.invite("chief_executive")

    def api(self, path: str, body: dict[str, Any] | None = None, method: str = "POST") -> Any:
        return self.client.request(
            method, path, json=body or {}, headers={"X-CSRFToken": self.csrf}
        )

    def invite(self, role: str) -> tuple[int, str]:
        response = self.api(f"/api/v1/rounds/{self.id}/respondents", {"role": role})
        assert response.status_code == 201, response.text
        return int(response.json()["respondent"]["id"]), str(response.json()["token"])

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def env(settings: Settings) -> Iterator[Round]:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        yield Round(client, settings.db_path)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> OfflineAssistant:
    """The offline assistant over the example questionnaire, called directly to compare."""
    folder = tmp_path_factory.mktemp("q")
    source = Path(__file__).parent / "data" / "example-questionnaire.yaml"
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return OfflineAssistant(Catalog(folder))


def api_path(token: str, indicator: str, what: str) -> str:
    return f"/api/v1/respond/{token}/indicators/{indicator}/{what}"


# --- interpret -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
@pytest.mark.parametrize("texts", [TEXTS, PLANNED], ids=["practice", "planned"])
def test_interpret_api_proposes_what_the_assistant_does_and_stores_it(
    env: Round, offline: OfflineAssistant, lang: str, texts: dict[str, str]
) -> None:
    text = texts[lang]
    response = env.client.post(
        api_path(env.token, "1.1.1", "interpret"), json={"text": text, "lang": lang}
    )
    assert response.status_code == 200, response.text
    got = response.json()
    expected = offline.interpret_text("example-1.0", "1.1.1", lang, text)
    assert got["status"] == expected.status.value
    assert got["levels"] == {d.value: v for d, v in expected.levels.items()}
    assert got["reason"] == expected.reason
    assert got["provider"] == "offline"
    assert set(got["levels"]) == {"system", "scope", "results", "evaluation"}
    if texts is PLANNED:
        assert got["status"] == "planned"
    else:
        assert got["status"] == "answered"
        assert got["levels"]["system"] >= 3
    stored = env.rows("SELECT respondent_id, indicator_id, text, provider FROM assistant_proposals")
    assert stored == [(env.respondent, "1.1.1", text, "offline")]


def test_interpret_asks_instead_of_guessing_on_low_confidence(
    env: Round, offline: OfflineAssistant
) -> None:
    text = "Tja, litt forskjellig."
    expected = offline.interpret_text("example-1.0", "1.1.1", "nb", text)
    response = env.client.post(api_path(env.token, "1.1.1", "interpret"), json={"text": text})
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["confidence"] == expected.confidence < 0.5
    assert (
        got["question"]
        == expected.question
        == translator("nb").gettext(
            "Could you say a little more: is this written down and adopted, and is it used "
            "across the municipality or only in some units?"
        )
    )
    page = env.client.post(f"/r/{env.token}/indicators/1.1.1/interpret", data={"text": text})
    assert _html_text(expected.question) in page.text
    assert 'id="assist-confirm"' not in page.text  # a question, not a proposal to confirm


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write a few words about how this is done first."),
        ("x" * 5001, "Please keep it under %(max)s characters."),
    ],
    ids=["empty", "too-long"],
)
@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_interpret_refuses_empty_or_overlong_text_in_the_respondents_language(
    env: Round, text: str, message: str, lang: str
) -> None:
    response = env.client.post(
        api_path(env.token, "1.1.1", "interpret"),
        json={"text": text},
        headers={"Accept-Language": lang},
    )
    assert response.status_code == 400
    assert response.json()["message"] == translator(lang).gettext(message, max="5000")
    page = env.client.post(
        f"/r/{env.token}/indicators/1.1.1/interpret",
        data={"text": text},
        headers={"Accept-Language": lang},
    )
    assert page.status_code == 400
    assert _html_text(translator(lang).gettext(message, max="5000")) in page.text
    assert env.rows("SELECT COUNT(*) FROM assistant_proposals") == [(0,)]


def _html_text(text: str) -> str:
    return text.replace("'", "&#39;").replace('"', "&#34;")


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_interpret_page_without_javascript_prefills_the_card_to_confirm(
    env: Round, offline: OfflineAssistant, lang: str
) -> None:
    text = TEXTS[lang]
    page = env.client.post(
        f"/r/{env.token}/indicators/1.1.1/interpret",
        data={"text": text, "lang": lang},
        headers={"Accept": "text/html", "Accept-Language": lang},
    )
    assert page.status_code == 200, page.text
    expected = offline.interpret_text("example-1.0", "1.1.1", lang, text)
    assert f'<html lang="{lang}">' in page.text
    assert _html_text(expected.reason) in page.text
    # The confirm form posts to the card with the proposed levels checked and the text as comment.
    assert f'action="/r/{env.token}/i/1.1.1"' in page.text
    for dim, level in expected.levels.items():
        if level is not None:
            assert re.search(rf'name="level-{dim.value}" value="{level}"\s+checked', page.text), dim
    assert re.search(r'name="status" value="answered"\s+checked', page.text)
    assert f">{text}</textarea>" in page.text
    assert 'name="action" value="next"' in page.text


def test_interpret_page_answers_assist_js_with_json(env: Round) -> None:
    response = env.client.post(
        f"/r/{env.token}/indicators/1.1.1/interpret",
        data={"text": TEXTS["nb"], "lang": "nb"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "answered"
    refused = env.client.post(
        f"/r/{env.token}/indicators/1.1.1/interpret",
        data={"text": ""},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid"


# --- explain ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_explain_answers_from_the_glossary_cited_in_the_respondents_language(
    env: Round, lang: str
) -> None:
    entry = next(e for e in glossary().entries if e.id == "internkontroll")
    response = env.client.post(
        api_path(env.token, "1.1.1", "explain"), json={"question": TERMS[lang], "lang": lang}
    )
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["sources"][0]["kind"] == "glossary"
    assert got["sources"][0]["ref"] == entry.id
    assert got["answer"] == entry.definition[lang]
    page = env.client.post(
        f"/r/{env.token}/indicators/1.1.1/explain",
        data={"question": TERMS[lang], "lang": lang},
        headers={"Accept-Language": lang},
    )
    assert page.status_code == 200
    assert _html_text(entry.definition[lang]) in page.text
    assert translator(lang).gettext("Sources") in page.text


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_explain_what_counts_as_evidence_cites_the_indicator(env: Round, lang: str) -> None:
    question = {
        "nb": "Hva kan jeg legge ved som dokumentasjon?",
        "sv": "Vilken dokumentation kan jag bifoga?",
        "en": "What evidence can I attach?",
    }[lang]
    got = env.client.post(
        api_path(env.token, "1.1.1", "explain"), json={"question": question, "lang": lang}
    ).json()
    hint = {
        "nb": "Vedtatt strategi og møtebok.",
        "sv": "Beslutad strategi och protokoll.",
        "en": "The adopted strategy and the minutes.",
    }[lang]
    assert got["sources"][0] == {
        "kind": "guidance",
        "title": got["sources"][0]["title"],
        "text": hint,
        "ref": "1.1.1",
    }


@pytest.mark.parametrize("question", ["", "?" * 501], ids=["empty", "too-long"])
def test_explain_refuses_an_empty_or_overlong_question(env: Round, question: str) -> None:
    response = env.client.post(api_path(env.token, "1.1.1", "explain"), json={"question": question})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    page = env.client.post(f"/r/{env.token}/indicators/1.1.1/explain", data={"question": question})
    assert page.status_code == 400
    assert 'role="alert"' in page.text


# --- check -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_check_reminds_that_planned_earns_nothing_and_asks_for_evidence(
    env: Round, lang: str
) -> None:
    planned = env.client.post(
        api_path(env.token, "1.1.1", "check"),
        json={"status": "planned", "comment": PLANNED[lang], "lang": lang},
    )
    assert planned.status_code == 200, planned.text
    kinds = [f["kind"] for f in planned.json()["findings"]]
    assert FindingKind.PLANNED_NO_POINTS.value in kinds
    high = env.client.post(
        api_path(env.token, "1.1.1", "check"),
        json={"levels": {"system": 4, "scope": 4, "results": 4, "evaluation": 4}, "lang": lang},
    ).json()["findings"]
    assert FindingKind.NO_EVIDENCE.value in [f["kind"] for f in high]
    with_file = env.client.post(
        api_path(env.token, "1.1.1", "check"),
        json={
            "levels": {"system": 4, "scope": 4, "results": 4, "evaluation": 4},
            "pending_evidence": 1,
            "lang": lang,
        },
    ).json()["findings"]
    assert FindingKind.NO_EVIDENCE.value not in [f["kind"] for f in with_file]


def test_check_notices_a_comment_that_contradicts_the_levels(env: Round) -> None:
    comments = {
        "nb": "Vi har ikke startet ennå, det er bare planlagt.",
        "sv": "Vi har inte börjat än, det är bara planerat.",
        "en": "We have not started yet, it is only planned.",
    }
    messages: dict[str, set[str]] = {}
    for lang, comment in comments.items():
        findings = env.client.post(
            api_path(env.token, "1.1.1", "check"),
            json={
                "levels": {"system": 4, "scope": 4, "results": 3, "evaluation": 3},
                "comment": comment,
                "pending_evidence": 1,
                "lang": lang,
            },
        ).json()["findings"]
        kinds = {f["kind"] for f in findings}
        assert kinds & {FindingKind.COMMENT_LOWER.value, FindingKind.PLANNED_BUT_LEVELS.value}
        messages[lang] = {f["message"] for f in findings}
    assert messages["nb"].isdisjoint(messages["en"])
    assert messages["sv"].isdisjoint(messages["en"])


@pytest.mark.parametrize(
    "body",
    [
        {"levels": {"system": 5}},
        {"levels": {"nonsense": 2}},
        {"status": "maybe"},
        {"pending_evidence": 21},
        {"comment": "x" * 5001},
        {"lang": "de"},
    ],
)
def test_check_refuses_what_is_no_card(env: Round, body: dict[str, Any]) -> None:
    response = env.client.post(api_path(env.token, "1.1.1", "check"), json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid"


# --- refusals --------------------------------------------------------------------------------


def _usual(env: Round, token: str) -> tuple[int, dict[str, Any]]:
    """What the respondent API answers for this token anyway (its session endpoint)."""
    response = env.client.get(f"/api/v1/respond/{token}/")
    return response.status_code, response.json()


CALLS = [
    ("interpret", {"text": "Vedtatt."}),
    ("explain", {"question": "Hva er formannskap?"}),
    ("check", {"status": "planned"}),
]


@pytest.mark.parametrize(("what", "body"), CALLS, ids=[c[0] for c in CALLS])
def test_withdrawn_link_unknown_indicator_and_token_are_the_usual_refusal(
    env: Round, what: str, body: dict[str, Any]
) -> None:
    """A withdrawn link is refused as everywhere (403), an unknown one is not found (404)."""
    rid, token = env.invite("unit_leader")
    assert env.api(f"/api/v1/rounds/{env.id}/respondents/{rid}/revoke").status_code == 200
    for bad, status in ((token, 403), ("no-such-token", 404)):
        response = env.client.post(api_path(bad, "1.1.2", what), json=body)
        assert (response.status_code, response.json()) == _usual(env, bad)
        assert response.status_code == status
    unknown = env.client.post(api_path(env.token, "9.9.9", what), json=body)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"
    if what != "check":
        page = env.client.post(
            f"/r/{token}/indicators/1.1.2/{what}",
            data={"text": "Vedtatt.", "question": "Hva er formannskap?"},
        )
        assert page.status_code == 403
        assert "Vedtatt." not in page.text
        unknown_page = env.client.post(
            f"/r/{env.token}/indicators/9.9.9/{what}",
            data={"text": "Vedtatt.", "question": "Hva er formannskap?"},
        )
        assert unknown_page.status_code == 404
    assert env.rows("SELECT COUNT(*) FROM assistant_proposals") == [(0,)]


def test_interpret_in_a_closed_round_is_refused_and_stores_nothing(env: Round) -> None:
    assert env.api(f"/api/v1/rounds/{env.id}/close").status_code == 200
    response = env.client.post(
        api_path(env.token, "1.1.1", "interpret"), json={"text": TEXTS["nb"]}
    )
    assert response.status_code == 409
    assert env.rows("SELECT COUNT(*) FROM assistant_proposals") == [(0,)]
    # Explaining reads nothing private and changes nothing: still allowed.
    assert (
        env.client.post(
            api_path(env.token, "1.1.1", "explain"), json={"question": TERMS["nb"]}
        ).status_code
        == 200
    )


# --- proposal beside the answer --------------------------------------------------------------


def test_proposal_is_kept_beside_the_final_answer(env: Round) -> None:
    assert env.client.get(api_path(env.token, "1.1.1", "proposal")).status_code == 404
    proposed = env.client.post(
        api_path(env.token, "1.1.1", "interpret"), json={"text": TEXTS["nb"]}
    ).json()
    # The respondent adjusts one level and saves the card (stored as the card stores it).
    final_levels = {Dimension(d): v for d, v in proposed["levels"].items()}
    final_levels[Dimension.SCOPE] = 1 if final_levels[Dimension.SCOPE] != 1 else 2
    db = open_database(env.db_path)
    answers.save(
        db,
        env.respondent,
        IndicatorAnswer(
            indicator="1.1.1", status=Status.ANSWERED, levels=final_levels, comment=TEXTS["nb"]
        ),
        author=f"respondent:{env.respondent}",
    )
    db.close()
    got = env.client.get(api_path(env.token, "1.1.1", "proposal")).json()
    assert got["text"] == TEXTS["nb"]
    assert got["proposal"]["levels"] == proposed["levels"]
    assert got["answer"]["levels"] == {d.value: v for d, v in final_levels.items()}
    assert got["answer"]["levels"] != got["proposal"]["levels"]


# --- evidence hints --------------------------------------------------------------------------

OLD_STRATEGY = (
    "Strategi for lokaldemokrati i Fjellbygd kommune. Vedtatt av kommunestyret 12.03.2015. "
    "Strategien skal gjøre demokratiarbeidet planmessig, og den følges opp hvert år i "
    "årsrapporten. Møtebok fra kommunestyret er vedlagt. Tiltak: åpne møter, innbyggerpanel, "
    "ungdomsråd og kortere sammendrag av politiske saker. "
) * 2
UNRELATED = (
    "Brøytelister for vinteren. Rodene for snøbrøyting er delt i sju soner, og entreprenøren "
    "rykker ut når det har kommet mer enn ti centimeter nysnø. Strøing av fortau skjer ved "
    "behov, og sand kan hentes gratis ved kommunens lager i Industriveien. "
) * 2


def upload(env: Round, token: str, indicator: str, name: str, text: str) -> int:
    response = env.client.post(
        f"/api/v1/respond/{token}/indicators/{indicator}/evidence",
        files={"file": (name, text.encode(), "text/plain")},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_evidence_hints_for_the_respondent_and_the_coordinator(env: Round) -> None:
    old = upload(env, env.token, "1.1.1", "strategi.txt", OLD_STRATEGY)
    other = upload(env, env.token, "1.1.1", "broyting.txt", UNRELATED)
    hints = env.client.post(f"/api/v1/respond/{env.token}/evidence/{old}/check", json={})
    assert hints.status_code == 200, hints.text
    assert hints.json()["effective_date"] == "2015-03-12"
    assert hints.json()["outdated"] is True
    assert hints.json()["unrelated"] is False
    unrelated = env.client.post(
        f"/api/v1/respond/{env.token}/evidence/{other}/check", json={"lang": "en"}
    ).json()
    assert unrelated["unrelated"] is True
    assert any("does not seem to be about this indicator" in h for h in unrelated["hints"])

    listed = env.client.get(f"/api/v1/rounds/{env.id}/evidence/hints")
    assert listed.status_code == 200, listed.text
    by_id = {h["evidence_id"]: h for h in listed.json()}
    assert by_id[old]["check"]["outdated"] is True
    assert by_id[old]["check"]["effective_date"] == "2015-03-12"
    assert by_id[other]["check"]["unrelated"] is True
    assert {h["filename"] for h in listed.json()} == {"strategi.txt", "broyting.txt"}

    # The coordinator's evidence review shows the same hints beside the files, in their language.
    page = env.client.get(f"/rounds/{env.id}?lang=en").text
    review = page[page.index('id="evidence"') :]
    assert review.count('class="evidence-hint"') == 2
    assert "The assistant noticed:" in review
    assert "does not seem to be about this indicator" in review
    assert "2015" in review
    # Stored texts are checked once a day, not on each view of the round page.
    checked = assisting.EVIDENCE_CHECKS.misses
    again = env.client.get(f"/rounds/{env.id}?lang=en").text
    assert assisting.EVIDENCE_CHECKS.misses == checked
    assert again[again.index('id="evidence"') :] == review


def test_evidence_of_another_round_or_respondent_is_not_found(
    settings: Settings,
) -> None:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        mine = Round(client, settings.db_path)
        theirs = Round(client, settings.db_path)
        _, colleague = mine.invite("mayor")
        evidence_id = upload(mine, mine.token, "1.1.1", "strategi.txt", OLD_STRATEGY)
        for token in (theirs.token, colleague):
            response = client.post(f"/api/v1/respond/{token}/evidence/{evidence_id}/check", json={})
            assert response.status_code == 404
            assert response.json()["error"] == "not_found"


def test_coordinator_sees_only_their_own_rounds_hints_and_switch(settings: Settings) -> None:
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        home = Round(client, settings.db_path)
    with TestClient(app=app) as client:
        csrf = sign_in(client, "k@dalbygd.no")
        assert client.get(f"/api/v1/rounds/{home.id}/evidence/hints").status_code == 404
        switched = client.put(
            f"/api/v1/rounds/{home.id}/assistant",
            json={"llm_allowed": False},
            headers={"X-CSRFToken": csrf},
        )
        assert switched.status_code == 404
    with TestClient(app=app) as client:
        assert client.get(f"/api/v1/rounds/{home.id}/assistant").status_code == 401


# --- the language-model switch ---------------------------------------------------------------


@pytest.fixture(scope="module")
def chat() -> Iterator[str]:
    """The chat-completions test server of test_assistant_llm, on loopback."""
    with running_chat_server() as url:
        yield url


@pytest.mark.parametrize("model", ["valid", "fail"])
def test_the_rounds_llm_switch_is_respected(
    tmp_path: Path, example_dir: Path, chat: str, model: str
) -> None:
    settings = Settings(
        db=str(tmp_path / "k.db"),
        data_dir=str(tmp_path / "data"),
        questionnaires=str(example_dir),
        llm_url=chat,
        llm_model=model,
        llm_timeout=5.0,
    )
    app, _, _ = make_client(settings)
    with TestClient(app=app) as client:
        env = Round(client, settings.db_path)
        setting = client.get(f"/api/v1/rounds/{env.id}/assistant").json()
        assert setting == {"round_id": env.id, "llm_allowed": True, "llm_configured": True}
        before = len(ChatServer.received)
        on = client.post(api_path(env.token, "1.1.1", "interpret"), json={"text": TEXTS["nb"]})
        assert on.status_code == 200, on.text
        assert len(ChatServer.received) == before + 1
        assert TEXTS["nb"] in ChatServer.received[-1]["messages"][1]["content"]
        if model == "valid":
            assert on.json()["provider"] == "llm"
            assert on.json()["notice"] == ""
        else:  # the model failed: the offline assistant answered and says so
            assert on.json()["provider"] == "offline"
            assert on.json()["notice"]
        off = env.api(f"/api/v1/rounds/{env.id}/assistant", {"llm_allowed": False}, "PUT")
        assert off.status_code == 200, off.text
        assert off.json()["llm_allowed"] is False
        again = client.post(api_path(env.token, "1.1.1", "interpret"), json={"text": TEXTS["nb"]})
        assert again.json()["provider"] == "offline"
        assert again.json()["notice"] == ""
        explained = client.post(
            api_path(env.token, "1.1.1", "explain"), json={"question": TERMS["nb"]}
        )
        assert explained.json()["provider"] == "offline"
        assert len(ChatServer.received) == before + 1  # nothing more was sent
        providers = env.rows("SELECT provider FROM assistant_proposals ORDER BY id")
        assert providers == [("llm" if model == "valid" else "offline",), ("offline",)]


def test_the_panel_has_no_inline_script_and_names_its_endpoints(env: Round) -> None:
    """The partial the card includes renders on its own with the card's context."""
    app = env.client.app
    template = app.template_engine.get_template("assist/panel.html")  # type: ignore[union-attr]
    t = translator("sv")
    html = template.render(
        token=env.token,
        ind={"id": "1.1.1"},
        round={"closed": False},
        locale="sv",
        _=t.gettext,
        gettext=t.gettext,
    )
    assert "<script>" not in html
    assert 'src="/static/assist.js"' in html
    assert f'action="/r/{env.token}/indicators/1.1.1/interpret"' in html
    assert f'action="/r/{env.token}/indicators/1.1.1/explain"' in html
    assert f'data-assist-check="/api/v1/respond/{env.token}/indicators/1.1.1/check"' in html
    assert t.gettext("Describe it in your own words") in html
    assert env.client.get("/static/assist.js").status_code == 200
    assert env.client.get("/static/assist.css").status_code == 200
    closed = template.render(token=env.token, ind={"id": "1.1.1"}, round={"closed": True})
    assert "assist" not in closed.strip().lower().replace("{#", "")


ASSIST_OPERATIONS = {
    "POST /api/v1/respond/{token}/indicators/{indicator}/interpret": "Interpretation",
    "POST /api/v1/respond/{token}/indicators/{indicator}/explain": "Explanation",
    "POST /api/v1/respond/{token}/indicators/{indicator}/check": "CheckResult",
    "GET /api/v1/respond/{token}/indicators/{indicator}/proposal": "AssistedAnswer",
    "POST /api/v1/respond/{token}/evidence/{evidence_id}/check": "EvidenceCheck",
    "GET /api/v1/rounds/{round_id}/evidence/hints": "EvidenceHint",
    "GET /api/v1/rounds/{round_id}/assistant": "LlmSwitchOut",
    "PUT /api/v1/rounds/{round_id}/assistant": "LlmSwitchOut",
}


def test_openapi_documents_the_assistant_with_its_records(env: Round) -> None:
    doc = env.client.get("/schema/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for operation, record in ASSIST_OPERATIONS.items():
        method, path = operation.split(" ", 1)
        item = doc["paths"][path][method.lower()]
        assert any(name.endswith(record) for name in schemas), record
        assert "200" in item["responses"], operation
    # The card's panel pages are for browsers, not part of the API.
    assert not any(p.startswith("/r/") for p in doc["paths"])
