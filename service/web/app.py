"""The application factory: the only place that assembles Litestar (``service.app`` re-exports it)."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.file import FileStore
from litestar.template.config import TemplateConfig

from service.i18n import compile_catalogs
from service.questionnaires import Catalog
from service.settings import Settings, ensure_secret
from service.storage.db import Store
from service.storage.migrations import migrate
from service.web import api, auth, coordinator, errors, pages, respond, results
from service.web.deps import DEPENDENCIES
from service.web.renderer import ReportRenderer

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


def create_app(settings: Settings) -> Litestar:
    """Build the Kompass ASGI app: migrate the database, load questionnaires, wire routes."""
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    settings = ensure_secret(settings)
    compile_catalogs()
    store = Store(settings.db_path)
    applied = migrate(store.db())
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    catalog = Catalog(settings.questionnaire_path)
    renderer = ReportRenderer()

    return Litestar(
        route_handlers=[
            pages.home,
            pages.health,
            pages.favicon,
            auth.login_page,
            auth.login,
            auth.logout,
            coordinator.CoordinatorPages,
            respond.RespondPages,
            results.ResultPages,
            api.SessionApi,
            api.CoordinatorApi,
            api.RespondentApi,
            create_static_files_router(path="/static", directories=[STATIC_DIR]),
        ],
        state=State(
            {"settings": settings, "store": store, "catalog": catalog, "renderer": renderer}
        ),
        template_config=TemplateConfig(
            directory=TEMPLATE_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=_configure_jinja,
        ),
        dependencies=DEPENDENCIES,
        exception_handlers={Exception: errors.handle},
        middleware=[
            ServerSideSessionConfig(
                key="kompass_session",
                max_age=8 * 3600,
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
        openapi_config=OpenAPIConfig(title="Kompass API", version="0.1.0", path="/schema"),
        on_shutdown=[renderer.shutdown, store.close],
        debug=False,
    )
