"""The development plan (edit, PDF, carry-over with deltas), report status polling, background
rendering and the content-keyed caches, against the demo municipality on a real app."""

from __future__ import annotations

import html
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import results
from service.app import create_app
from service.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from service.domain.assessment import Assessment
from service.domain.errors import InvalidInput
from service.domain.plan import Plan, PlanArea, PlanMeasure, check, suggest, view
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.report import pdf
from service.settings import Settings
from service.storage import accounts, answers, audit, plans, rounds
from service.storage.db import Store, open_database
from service.storage.migrations import migrate
from service.web.prerender import Prerenderer
from service.web.renderer import ReportRenderer

CATALOG = Catalog(QUESTIONNAIRE_DIR)
Q = CATALOG.get("kommunekompasset-2.1")
assert Q is not None
PASSWORD = "et-langt-passord-for-test"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("plan")
    settings = Settings(db=str(base / "k.db"), data_dir=str(base / "data"))
    db = open_database(settings.db_path)
    migrate(db)
    create_demo(db, CATALOG, settings)
    other = accounts.create_municipality(db, "Dalbygd", "NO", "nb")
    accounts.create_coordinator(db, other.id, "k@dalbygd.no", PASSWORD)
    db.close()
    return settings


def copy_of(demo: Settings, tmp_path: Path) -> Settings:
    shutil.copy(demo.db_path, tmp_path / "k.db")
    shutil.copytree(demo.data_path, tmp_path / "data")
    return Settings(db=str(tmp_path / "k.db"), data_dir=str(tmp_path / "data"), prerender_quiet_s=0)


def sign_in(client: TestClient[Litestar], email: str, password: str) -> None:
    client.get("/login")
    client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": client.cookies["kompass_csrf"]},
    )


@pytest.fixture
def settings(demo: Settings, tmp_path: Path) -> Settings:
    return copy_of(demo, tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(settings)) as test_client:
        sign_in(test_client, DEMO_EMAIL, DEMO_PASSWORD)
        yield test_client


def form_of(page: str) -> dict[str, str]:
    """The plan form's fields as the browser would send them unchanged."""
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        fields[name] = body
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        fields[name] = chosen.group(1) if chosen else ""
    return {k: html.unescape(v) for k, v in fields.items()}


# --- the pure plan ------------------------------------------------------------------------


def demo_result(settings: Settings, round_id: int = 2) -> Assessment:
    db = open_database(settings.db_path)
    try:
        return results.assessment(db, CATALOG, rounds.get_round(db, 1, round_id))
    finally:
        db.close()


def test_suggested_plan_groups_measures_by_subquestion(demo: Settings) -> None:
    assert Q is not None
    result = demo_result(demo)
    plan = suggest(Q, result)
    assert [pa.area for pa in plan.areas] == [f.area for f in result.focus_areas]
    grouped = view(Q, plan, result.gaps, result.score)
    gains = {g.indicator: g.next_step_gain for g in result.gaps}
    for area in grouped:
        assert area.groups
        for group in area.groups:
            assert all(m.measure.subquestion == group.subquestion for m in group.measures)
            expected = sum(gains[i] for m in group.measures for i in m.measure.indicators)
            assert group.gain == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: Plan(areas=p.areas[:1]), "Choose between"),
        (lambda p: Plan(areas=[*p.areas[:2], p.areas[0]]), "at most once"),
        (
            lambda p: Plan(
                areas=[
                    PlanArea(
                        area=p.areas[0].area,
                        measures=[
                            msgspec.structs.replace(p.areas[0].measures[0], deadline="31.12")
                        ],
                    ),
                    *p.areas[1:],
                ]
            ),
            "not a date",
        ),
        (
            lambda p: Plan(
                areas=[
                    PlanArea(
                        area=p.areas[0].area, measures=[PlanMeasure(id="n1", subquestion="9.9")]
                    ),
                    *p.areas[1:],
                ]
            ),
            "is not in focus area",
        ),
    ],
)
def test_plan_rules(demo: Settings, change: object, message: str) -> None:
    assert Q is not None
    plan = suggest(Q, demo_result(demo))
    check(Q, plan)
    with pytest.raises(InvalidInput, match=message):
        check(Q, change(plan))  # type: ignore[operator]


# --- editing on the web ---------------------------------------------------------------------


def test_plan_is_edited_shown_and_printed(client: TestClient[Litestar], settings: Settings) -> None:
    form_page = client.get("/rounds/2/plan")
    assert form_page.status_code == 200
    data = form_of(form_page.text)
    assert "_csrf_token" in data
    chosen = sorted(k for k in data if k.startswith("area_"))
    assert 2 <= len(chosen) <= 4
    data["m0_owner"] = "Rådmannen"
    data["m0_deadline"] = "2027-06-30"
    data["m0_status"] = "started"
    data["m0_text"] = "Vedta en oppdatert delegeringsplan innen sommeren."
    new = next(k[:-3] for k in data if k.endswith("_sq") and f"{k[:-3]}_id" not in data)
    data[f"{new}_text"] = "Lag en felles årsplan for lederutvikling."
    data[f"{new}_owner"] = "HR-sjefen"
    saved = client.post("/rounds/2/plan", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text

    page = client.get("/rounds/2/results").text
    for text in ["Rådmannen", "Vedta en oppdatert delegeringsplan", "HR-sjefen", "startet"]:
        assert text in page
    assert "Slik koordinatoren har redigert den." in page

    db = open_database(settings.db_path)
    stored = plans.get_plan(db, 2)
    model = results.report_model(db, CATALOG, rounds.get_round(db, 1, 2), translator("nb"))
    db.close()
    assert stored is not None
    untouched = [m for pa in stored.areas for m in pa.measures if m.indicators][1]
    assert untouched.text == ""  # unchanged text stays the questionnaire's suggestion
    printed = pdf.html(model, translator("nb"))
    for text in ["Rådmannen", "Vedta en oppdatert delegeringsplan", "HR-sjefen", "30. juni 2027"]:
        assert text in printed

    # Back to the suggestion.
    reset = client.post(
        "/rounds/2/plan/reset",
        data={"_csrf_token": client.cookies["kompass_csrf"]},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    assert "Rådmannen" not in client.get("/rounds/2/results").text

    # Both changes are in the audit trail, by the signed-in coordinator.
    db = open_database(settings.db_path)
    trail = [e for e in audit.for_round(db, 2) if e.action is audit.Action.PLAN_EDITED]
    db.close()
    assert [e.details["change"] for e in trail] == ["edited", "reset"]
    assert {e.actor_name for e in trail} == {DEMO_EMAIL}
    assert trail[0].target == "plan:2"
    assert trail[0].details["measures"] == sum(len(pa.measures) for pa in stored.areas)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: {k: v for k, v in d.items() if not k.startswith("area_")}, "Velg mellom 2 og 4"),
        (lambda d: {**d, "m0_deadline": "snart"}, "er ikke en dato"),
        (lambda d: {**d, "m0_status": "kanskje"}, "Ukjent status"),
        # Oversized text (as in test_hostile for every other typed field) is a 400, not a 500.
        (lambda d: {**d, "m0_text": "x" * 10_000}, "høyst 500 tegn"),
        (lambda d: {**d, "m0_owner": "x" * 10_000}, "høyst 500 tegn"),
    ],
)
def test_plan_form_refuses_bad_input(
    client: TestClient[Litestar], edit: object, message: str
) -> None:
    data = form_of(client.get("/rounds/2/plan").text)
    refused = client.post("/rounds/2/plan", data=edit(data))  # type: ignore[operator]
    assert refused.status_code == 400
    assert message in refused.text
    assert "Traceback" not in refused.text


HOSTILE = (
    '=HYPERLINK("http://evil.example") <script>alert("x")</script><img src=x onerror=alert(2)>'
)


def test_hostile_plan_text_is_inert_on_the_page_and_in_the_pdf(
    client: TestClient[Litestar], settings: Settings
) -> None:
    data = form_of(client.get("/rounds/2/plan").text)
    data["m0_text"] = HOSTILE
    data["m0_owner"] = "<b>Rådmannen</b>"
    assert client.post("/rounds/2/plan", data=data, follow_redirects=False).status_code == 303
    page = client.get("/rounds/2/results").text
    assert "<script>alert" not in page
    assert "<b>Rådmannen" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;Rådmannen" in page
    db = open_database(settings.db_path)
    t = translator("nb")
    model = results.report_model(db, CATALOG, rounds.get_round(db, 1, 2), t)
    db.close()
    source = pdf.html(model, t)
    assert "<script>alert" not in source
    assert "&lt;script&gt;" in source


def test_plan_form_needs_csrf_and_the_own_municipality(settings: Settings) -> None:
    with TestClient(app=create_app(settings)) as other:
        sign_in(other, "k@dalbygd.no", PASSWORD)
        assert other.get("/rounds/2/plan").status_code == 404
        token = other.cookies["kompass_csrf"]
        assert other.post("/rounds/2/plan", data={"_csrf_token": token}).status_code == 404
    with TestClient(app=create_app(settings)) as own:
        sign_in(own, DEMO_EMAIL, DEMO_PASSWORD)
        data = form_of(own.get("/rounds/2/plan").text)
        data.pop("_csrf_token")
        assert own.post("/rounds/2/plan", data=data).status_code == 403


def test_plan_carries_into_the_next_round_with_deltas(
    client: TestClient[Litestar], settings: Settings
) -> None:
    """A plan made for the 2024 round shows in the 2026 round with each measure's change."""
    db = open_database(settings.db_path)
    rnd_2024 = rounds.get_round(db, 1, 1)
    earlier = results.assessment(db, CATALOG, rnd_2024)
    assert Q is not None
    plan = suggest(Q, earlier)
    plan.areas[0].measures[0].owner = "Ordføreren"
    plans.save_plan(db, rnd_2024.id, plan, None)
    db.close()

    page = client.get("/rounds/2/results").text
    assert "Videreført fra Egenvurdering 2024" in page
    assert "Ordføreren" in page
    deltas = re.findall(r"Endring: ([+−-]?\d+,\d)", page)
    assert deltas, "each carried measure shows the change of its indicators"

    db = open_database(settings.db_path)
    now = results.assessment(db, CATALOG, rounds.get_round(db, 1, 2))
    db.close()
    first = plan.areas[0].measures[0]
    then_points = {r.id: r.points for r in earlier.score.indicators}
    now_points = {r.id: r.points for r in now.score.indicators}
    expected = sum((now_points[i] or 0) - (then_points[i] or 0) for i in first.indicators)
    shown = translator("nb").signed(round(expected, 2))
    assert f"Endring: {shown}" in page


# --- the PDF status page, background rendering, caches ----------------------------------------


def test_report_status_page_polls_without_meta_refresh(client: TestClient[Litestar]) -> None:
    waiting = client.get("/rounds/2/report?lang=nb", follow_redirects=False)
    assert waiting.status_code == 202
    assert 'http-equiv="refresh"' not in waiting.text
    assert '<script src="/static/report-status.js"' in waiting.text
    assert 'href="/rounds/2/report?lang=nb"' in waiting.text  # works without JavaScript
    assert client.get("/static/report-status.js").status_code == 200

    misses = results.MODELS.misses
    deadline = time.monotonic() + 180
    status = client.get("/rounds/2/report/status?lang=nb").json()
    while not status["ready"] and time.monotonic() < deadline:
        assert not status["failed"]
        time.sleep(0.5)
        status = client.get("/rounds/2/report/status?lang=nb").json()
    assert status["ready"]
    assert results.MODELS.misses == misses  # polls reuse the model built for the page
    assert client.get(status["url"]).content.startswith(b"%PDF-")
    full = client.get("/rounds/2/report/status?lang=nb&full=true").json()
    assert full["url"] != status["url"] or not full["ready"]


def test_results_page_does_not_rescore_earlier_rounds(client: TestClient[Litestar]) -> None:
    client.get("/rounds/2/results")
    scores, assessments = results.SCORES.misses, results.RESULTS.misses
    client.get("/rounds/2/results")
    client.get("/rounds/2/results")
    assert (results.SCORES.misses, results.RESULTS.misses) == (scores, assessments)


def test_background_render_is_debounced_and_never_repeated(settings: Settings) -> None:
    store = Store(settings.db_path)
    renderer = ReportRenderer()
    quiet = msgspec.structs.replace(settings, prerender_quiet_s=10)
    watcher = Prerenderer(store, CATALOG, quiet, renderer)
    try:
        assert watcher.tick(0.0) == []  # first sight: wait for the content to settle
        assert watcher.tick(5.0) == []  # not quiet long enough
        started = watcher.tick(11.0)
        assert 2 in started
        assert watcher.tick(20.0) == []  # same content: never rendered twice
        renderer.shutdown()  # waits for the renders
        db = store.db()
        rnd = rounds.get_round(db, 1, 2)
        model = results.report_model(db, CATALOG, rnd, translator("nb"))
        # In the round's own cache, where the report handler looks for it.
        cache_dir = results.report_dir(settings.data_path, rnd)
        assert pdf.cached_path(cache_dir, pdf.cache_key(model)).exists()

        respondent = db.execute(
            "SELECT id FROM respondents WHERE round_id = 2 ORDER BY id LIMIT 1"
        ).fetchone()[0]
        current = next(iter(answers.current(db, respondent).values()))
        answers.save(db, respondent, msgspec.structs.replace(current, comment="Ny."), author="t")
        renderer = ReportRenderer()
        watcher._renderer = renderer
        assert watcher.tick(21.0) == []  # changed: debounce again
        assert watcher.tick(32.0) == [2]
    finally:
        renderer.shutdown()
        store.close()
