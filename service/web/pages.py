"""Public pages: the start page and health."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from litestar.response import Redirect, Template

from service.storage.migrations import pending
from service.web.context import render
from service.web.deps import CatalogDep, StoreDep


class Health(msgspec.Struct):
    """Liveness and readiness of the service."""

    status: str
    database: str
    pending_migrations: int
    questionnaires: int


@get("/health", sync_to_thread=True, tags=["system"])
def health(store: StoreDep, catalog: CatalogDep) -> Health:
    """Report whether the database is reachable and migrated."""
    db = store.db()
    db.execute("SELECT 1").fetchone()
    todo = len(pending(db))
    return Health(
        status="ok" if todo == 0 else "degraded",
        database="ok",
        pending_migrations=todo,
        questionnaires=len(catalog.all()),
    )


@get("/", sync_to_thread=False, include_in_schema=False)
def home(request: Request[Any, Any, Any], catalog: CatalogDep) -> Template:
    """The start page: what Kompass is and which questionnaires it offers."""
    return render(request, "home.html", questionnaires=catalog.all())


@get("/favicon.ico", include_in_schema=False, sync_to_thread=False)
def favicon() -> Redirect:
    """Browsers ask for /favicon.ico whatever the page links: point them to the SVG icon."""
    return Redirect("/static/favicon.svg", status_code=301)
