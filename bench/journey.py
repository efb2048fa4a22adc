"""The respondent's journey: submissions per indicator on the common path (issue 11, "Measured").

A round of 19 respondents on Kommunekompasset 2.1 (the issue's mix of roles) gets its
assignment under the default coverage; then one unit leader answers their whole assignment on
the cards (the page's form, as a browser without JavaScript sends it) and one head of
department over the API (``PUT .../indicators/{indicator}``), both through the real app in
process over a temporary SQLite file. Counted: the requests that save answers, per indicator
answered. Target: one. The browser test's timing of ten cards, keyboard only
(``test-artifacts/card-timing.json``), is reported when it exists.

Run alone with ``uv run python -m bench.journey``, or in the runner as ``python -m bench journey``.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

from litestar.testing import TestClient

from bench.common import Figure
from service.app import create_app
from service.domain.assignment import CoverageSettings, Pair, assign
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage import accounts, assignments
from service.storage.db import open_database
from service.storage.migrations import migrate

EDITION = "kommunekompasset-2.1"
NINETEEN = {
    "mayor": 2,
    "chief_executive": 1,
    "department_head": 3,
    "staff_leader": 3,
    "unit_leader": 8,
    "union_rep": 2,
}
PASSWORD = "bench journey password"
TIMING = Path(__file__).resolve().parent.parent / "test-artifacts" / "card-timing.json"
TARGET = 1.0

Figures = dict[str, float | bool]


def _levels(n: int, dimensions: list[str]) -> dict[str, str]:
    """A varied common-path answer: mostly levels, now and then a whole "planned" or "don't know"."""
    if n % 9 == 4:
        return {"status": "planned"}
    if n % 13 == 7:
        return {"status": "dont_know"}
    fields = {"level-system": str(1 + n % 4)}
    for k, d in enumerate(dimensions[1:]):
        fields[f"level-{d}"] = "dont_know" if (n + k) % 11 == 5 else str((n + k) % 5)
    return fields


def _round(client: TestClient[Any], db_path: Path) -> dict[str, Any]:
    """Sign in, open a round, invite the 19 and store their assignment; their tokens by id."""
    client.get("/health")
    csrf = client.cookies["kompass_csrf"]
    headers = {"X-CSRFToken": csrf}
    client.post(
        "/api/v1/session", json={"email": "k@bench.no", "password": PASSWORD}, headers=headers
    )
    rnd = client.post(
        "/api/v1/rounds", json={"name": "Bench", "questionnaire": EDITION}, headers=headers
    ).json()
    client.post(f"/api/v1/rounds/{rnd['id']}/open", headers=headers)
    tokens: dict[int, tuple[str, str]] = {}
    for role, count in NINETEEN.items():
        for _ in range(count):
            made = client.post(
                f"/api/v1/rounds/{rnd['id']}/respondents", json={"role": role}, headers=headers
            ).json()
            tokens[int(made["respondent"]["id"])] = (role, str(made["token"]))
    db = open_database(db_path)
    try:
        invitations = assignments.invitations(db, rnd["id"])
        catalog = Catalog(QUESTIONNAIRE_DIR)
        q = catalog.get(EDITION)
        assert q is not None
        result = assign(q, invitations, CoverageSettings())
        # Store it only if nothing else (a rebalance on invitation) did already.
        if not assignments.for_round(db, rnd["id"]):
            assignments.replace(db, rnd["id"], result.pairs)
        pairs: list[Pair] = assignments.for_round(db, rnd["id"])
    finally:
        db.close()
    return {"round": rnd["id"], "tokens": tokens, "pairs": pairs}


def _answer_on_cards(client: TestClient[Any], token: str, dims: dict[str, list[str]]) -> Figures:
    """Follow the cards from the link to the end page, one POST per card."""
    posts = 0
    answered: set[str] = set()
    page = client.get(f"/r/{token}/")
    start = re.search(rf'href="/r/{re.escape(token)}/i/([^"]+)"', page.text)
    at = start.group(1) if start else None
    while at is not None and posts < 500:
        response = client.post(
            f"/r/{token}/i/{at}",
            data={**_levels(posts, dims[at]), "comment": ""},
            follow_redirects=False,
        )
        posts += 1
        if response.status_code != 303:
            break
        answered.add(at)
        location = response.headers["location"]
        at = location.rsplit("/i/", 1)[1] if "/i/" in location else None
    session = client.get(f"/api/v1/respond/{token}").json()
    total = sum(p["total"] for p in session["progress"])
    complete = sum(p["complete"] for p in session["progress"])
    return {
        "card: indicators in the assignment": float(total),
        "card: indicators answered": float(len(answered)),
        "card: submissions": float(posts),
        "card: submissions per indicator": posts / max(len(answered), 1),
        "card: assignment finished": complete == total and at is None,
    }


def _answer_over_api(client: TestClient[Any], token: str, dims: dict[str, list[str]]) -> Figures:
    """Follow ``next`` from the session to the end, one PUT per indicator."""
    puts = 0
    at = client.get(f"/api/v1/respond/{token}").json()["next"]["indicator"]
    answered: set[str] = set()
    while at is not None and puts < 500:
        fields = _levels(puts, dims[at])
        body: dict[str, Any] = {"status": fields.pop("status", "answered")}
        body["levels"] = {
            k.removeprefix("level-"): None if v == "dont_know" else int(v)
            for k, v in fields.items()
        }
        response = client.put(f"/api/v1/respond/{token}/indicators/{at}", json=body)
        puts += 1
        if response.status_code != 200:
            break
        answered.add(at)
        at = response.json()["next"]["indicator"]
    return {
        "API: indicators answered": float(len(answered)),
        "API: requests per indicator": puts / max(len(answered), 1),
        "API: assignment finished": at is None,
    }


def figures() -> Figures:
    """The measured figures: submissions per indicator on the cards and over the API."""
    catalog = Catalog(QUESTIONNAIRE_DIR)
    q = catalog.get(EDITION)
    if q is None:
        return {}
    dims = {ind.id: [d.value for d in ind.dimensions] for _, _, ind in q.indicators()}
    out: Figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            db=str(Path(tmp) / "bench.db"),
            data_dir=str(Path(tmp) / "data"),
            questionnaires=str(QUESTIONNAIRE_DIR),
        )
        db = open_database(settings.db_path)
        migrate(db)
        municipality = accounts.create_municipality(db, "Bench", "NO", "nb")
        accounts.create_coordinator(db, municipality.id, "k@bench.no", PASSWORD)
        db.close()
        with TestClient(app=create_app(settings)) as client:
            made = _round(client, settings.db_path)
            by_role = dict(made["tokens"].values())
            loads: dict[int, int] = {}
            for pair in made["pairs"]:
                loads[pair.invitation] = loads.get(pair.invitation, 0) + 1
            out["19 respondents: max indicators per person"] = float(max(loads.values()))
            out.update(_answer_on_cards(client, by_role["unit_leader"], dims))
            out.update(_answer_over_api(client, by_role["department_head"], dims))
    if TIMING.exists():
        timing = json.loads(TIMING.read_text(encoding="utf-8"))
        for key, value in timing.items():
            if isinstance(value, int | float):
                out[f"browser: {key}"] = float(value)
    return out


PER_INDICATOR = ("submissions per indicator", "requests per indicator")


def run() -> list[Figure]:
    """The figures for the bench runner (``python -m bench journey``), with their targets."""
    out = []
    for name, value in figures().items():
        target: float | None = None
        goal: Literal["max", "min"] | None = None
        unit = "indicators"
        if name.endswith(PER_INDICATOR):
            target, goal, unit = TARGET, "max", "requests/indicator"
        elif name.endswith("finished"):
            target, goal, unit = 1.0, "min", "yes=1"
        elif name.endswith("(seconds)"):
            unit = "s"
        elif name.endswith("submissions"):
            unit = "requests"
        key = "journey_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        out.append(
            Figure(key=key, label=name, value=float(value), unit=unit, target=target, goal=goal)
        )
    return out


def main() -> int:
    """Print the figures; exit 1 if a path needs more than one submission per indicator."""
    missed = 0
    for name, value in figures().items():
        verdict = ""
        if name.endswith(PER_INDICATOR):
            verdict = "ok" if value <= TARGET else "MISSED"
        elif name.endswith("finished"):
            verdict = "ok" if value is True else "MISSED"
        missed += verdict == "MISSED"
        shown = value if isinstance(value, bool) else f"{value:g}"
        print(f"{name:60} {shown!s:>8} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
