"""Public pages: the start page and health."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from service.storage.migrations import pending
from service.web.context import render
from service.web.deps import CatalogDep, StoreDep

log = logging.getLogger("kompass")


class Health(msgspec.Struct):
    """Liveness and readiness of the service."""

    status: str
    database: str
    pending_migrations: int
    questionnaires: int


@get("/health", sync_to_thread=True, tags=["system"])
def health(store: StoreDep, catalog: CatalogDep) -> Response[Health]:
    """Whether the database answers, is intact at a glance and migrated: 200, else 503.

    Reads the migration table through the service's own connection; an unreadable or
    damaged database file, or a missing table, makes it 503 so a load balancer or
    monitoring stops trusting this instance. It never waits for a write lock.
    """
    try:
        db = store.db()
        db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()
        todo = len(pending(db))
    except sqlite3.Error:
        log.exception("health check: database unavailable")
        body = Health(
            status="error",
            database="unavailable",
            pending_migrations=-1,
            questionnaires=len(catalog.all()),
        )
        return Response(body, status_code=HTTP_503_SERVICE_UNAVAILABLE)
    return Response(
        Health(
            status="ok" if todo == 0 else "degraded",
            database="ok",
            pending_migrations=todo,
            questionnaires=len(catalog.all()),
        ),
        status_code=HTTP_200_OK,
    )


@get("/", sync_to_thread=False, include_in_schema=False)
def home(request: Request[Any, Any, Any], catalog: CatalogDep) -> Template:
    """The start page: what Kompass is and which questionnaires it offers."""
    return render(request, "home.html", questionnaires=catalog.all())


@get("/favicon.ico", include_in_schema=False, sync_to_thread=False)
def favicon() -> Redirect:
    """Browsers ask for /favicon.ico whatever the page links: point them to the SVG icon."""
    return Redirect("/static/favicon.svg", status_code=301)
