"""The application factory: the only place that assembles Litestar (``service.app`` re-exports it)."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.file import FileStore
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from service import logs
from service.i18n import compile_catalogs
from service.questionnaires import Catalog
from service.settings import Settings, ensure_secret
from service.storage.db import Store
from service.storage.files import private_dir
from service.storage.migrations import migrate
from service.storage.recovery import remove_partial_uploads
from service.throttle import Throttle
from service.web import (
    account,
    api,
    assist,
    audit,
    auth,
    coordinator,
    errors,
    invitations,
    limits,
    pages,
    privacy,
    respond,
    results,
    summaries,
    withdraw,
)
from service.web.deps import DEPENDENCIES
from service.web.headers import security_headers
from service.web.prerender import Prerenderer
from service.web.renderer import ReportRenderer
from service.web.schema import KompassJsonRenderPlugin
from service.web.sessions import KompassSessionConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

log = logging.getLogger("kompass")


def _configure_jinja(engine: JinjaTemplateEngine) -> None:
    env: Environment = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.globals["zip"] = zip


def route_handlers() -> list[ControllerRouterHandler]:
    """Every page and API controller the app serves (a new static router for each app)."""
    return [
        pages.home,
        pages.health,
        pages.favicon,
        auth.login_page,
        auth.login,
        auth.logout,
        coordinator.CoordinatorPages,
        invitations.InvitationPages,
        account.AccountPages,
        respond.RespondPages,
        results.ResultPages,
        audit.AuditPages,
        privacy.PrivacyPages,
        withdraw.WithdrawPages,
        withdraw.WithdrawApi,
        api.SessionApi,
        api.CoordinatorApi,
        api.RespondentApi,
        assist.AssistPages,
        assist.AssistApi,
        assist.AssistCoordinatorApi,
        assist.AssistRoundPages,
        summaries.SummaryPages,
        summaries.SummaryApi,
        create_static_files_router(path="/static", directories=[STATIC_DIR]),
    ]


def create_app(settings: Settings) -> Litestar:
    """Build the Kompass ASGI app: migrate the database, load questionnaires, wire routes."""
    logs.configure(settings.log_level, settings.log_format)
    private_dir(settings.data_path)  # evidence, sessions and reports: the service's user only
    settings = ensure_secret(settings)
    compile_catalogs()
    store = Store(settings.db_path, settings.db_busy_timeout_ms)
    applied = migrate(store.db())
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    remove_partial_uploads(settings.data_path / "evidence")
    catalog = Catalog(settings.questionnaire_path)
    renderer = ReportRenderer()
    prerender = Prerenderer(store, catalog, settings, renderer)
    summary_jobs = summaries.SummaryJobs(store, catalog, settings)

    return Litestar(
        route_handlers=route_handlers(),
        state=State(
            {
                "settings": settings,
                "store": store,
                "catalog": catalog,
                "renderer": renderer,
                "summary_jobs": summary_jobs,
                "throttle": Throttle(),
            }
        ),
        template_config=TemplateConfig(
            directory=TEMPLATE_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=_configure_jinja,
        ),
        dependencies=DEPENDENCIES,
        exception_handlers={Exception: errors.handle},
        middleware=[
            KompassSessionConfig(
                secure=settings.public_url.startswith("https://"),
                samesite="lax",
            ).middleware
        ],
        stores={"sessions": FileStore(settings.data_path / "sessions", create_directories=True)},
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="kompass_csrf",
            header_name="x-csrftoken",
            cookie_secure=settings.public_url.startswith("https://"),
            cookie_samesite="lax",
        ),
        # Only the JSON document: the HTML viewers would load scripts from public CDNs.
        openapi_config=OpenAPIConfig(
            title="Kompass API",
            version="0.1.0",
            path="/schema",
            render_plugins=[KompassJsonRenderPlugin()],
        ),
        before_send=[security_headers(settings.public_url)],
        before_request=limits.refuse_huge_ids,
        on_startup=[prerender.start],
        on_shutdown=[prerender.stop, summary_jobs.shutdown, renderer.shutdown, store.close],
        # Our root handler (text or JSON lines, see service/logs.py) formats Litestar's logs too.
        logging_config=LoggingConfig(
            configure_root_logger=False,
            loggers={"litestar": {"level": settings.log_level, "handlers": [], "propagate": True}},
        ),
        debug=False,
    )
