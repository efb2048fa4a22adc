"""The production app plus two reference endpoints, served by uvicorn for the web benchmarks.

The reference endpoints exist only here, never in ``service/``: a bare endpoint that commits
one row to the same SQLite file and renders a small template (the ceiling an answer request
could reach on this stack), and a trivial JSON endpoint (the ceiling of the framework and
server alone). Run as ``python -m bench.app PORT`` with the ``KOMPASS_*`` environment.
"""

from __future__ import annotations

import sys

import msgspec
import uvicorn
from jinja2 import ChoiceLoader, DictLoader, Environment
from litestar import Litestar, get, post
from litestar.datastructures import State
from litestar.response import Template

from service.app import create_app
from service.settings import from_env
from service.storage.clock import now
from service.storage.db import Store

SMALL_TEMPLATE = (
    "<!doctype html><html lang='{{ lang }}'><body><main><h1>{{ title }}</h1>"
    "<p>Saved answer {{ row }} ({{ choice }}).</p><a href='{{ next }}'>Next</a></main></body></html>"
)


SMALL_TEMPLATE_NAME = "bench/small.html"


class Choice(msgspec.Struct):
    """The body the bare endpoint reads, the same size as an answer step's."""

    choice: int


@post("/bench/commit", sync_to_thread=True, status_code=200, opt={"exclude_from_csrf": True})
def bench_commit(state: State, data: Choice) -> Template:
    """Commit one row to the service's SQLite file and render a small template."""
    store: Store = state.store
    db = store.db()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO bench_rows (choice, created_at) VALUES (?, ?)", [data.choice, now()]
        )
    return Template(
        template_name=SMALL_TEMPLATE_NAME,
        context={
            "lang": "nb",
            "title": "Kompass",
            "row": cursor.lastrowid,
            "choice": data.choice,
            "next": "/bench/commit",
        },
    )


@get("/bench/json", sync_to_thread=False)
def bench_json() -> dict[str, bool]:
    """The least a request can do in this framework and server."""
    return {"ok": True}


def create() -> Litestar:
    """``create_app`` from the environment's settings, with the reference endpoints added."""
    app = create_app(from_env())
    # Served from a loader beside the app's own, so it is compiled once and cached like theirs.
    env: Environment = app.template_engine.engine  # type: ignore[union-attr]
    env.loader = ChoiceLoader(
        [DictLoader({SMALL_TEMPLATE_NAME: SMALL_TEMPLATE}), *([env.loader] if env.loader else [])]
    )
    store: Store = app.state.store
    store.db().execute(
        "CREATE TABLE IF NOT EXISTS bench_rows"
        " (id INTEGER PRIMARY KEY, choice INTEGER NOT NULL, created_at TEXT NOT NULL)"
    )
    app.register(bench_commit)
    app.register(bench_json)
    return app


def main() -> None:
    """Serve on 127.0.0.1:PORT the way ``kompass serve`` does."""
    settings = from_env()
    uvicorn.run(
        create(), host="127.0.0.1", port=int(sys.argv[1]), log_level=settings.log_level.lower()
    )


if __name__ == "__main__":
    main()
