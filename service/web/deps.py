"""What handlers receive by dependency injection instead of reading the app's state themselves."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from service.questionnaires import Catalog
from service.settings import Settings
from service.storage.db import Store
from service.throttle import Throttle
from service.web.renderer import ReportRenderer

# Handlers name these explicitly (Litestar 3 drops inferred dependencies).
StoreDep = NamedDependency[Store]
CatalogDep = NamedDependency[Catalog]
SettingsDep = NamedDependency[Settings]
RendererDep = NamedDependency[ReportRenderer]
ThrottleDep = NamedDependency[Throttle]


def provide_store(state: State) -> Store:
    """The per-thread connection pool; a handler calls ``store.db()`` on its own thread."""
    store: Store = state.store
    return store


def provide_catalog(state: State) -> Catalog:
    """The installed questionnaires."""
    catalog: Catalog = state.catalog
    return catalog


def provide_settings(state: State) -> Settings:
    """The settings the app was created with."""
    settings: Settings = state.settings
    return settings


def provide_renderer(state: State) -> ReportRenderer:
    """The PDF renderer's worker thread."""
    renderer: ReportRenderer = state.renderer
    return renderer


def provide_throttle(state: State) -> Throttle:
    """The sign-in attempt counters shared by the form and the API."""
    throttle: Throttle = state.throttle
    return throttle


# The Store, not a connection, is injected: dependencies resolve on the event loop's thread,
# and each connection must stay on the thread that opened it.
DEPENDENCIES: dict[str, Any] = {
    "store": Provide(provide_store, sync_to_thread=False),
    "catalog": Provide(provide_catalog, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "renderer": Provide(provide_renderer, sync_to_thread=False),
    "throttle": Provide(provide_throttle, sync_to_thread=False),
}
