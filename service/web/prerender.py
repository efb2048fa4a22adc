"""Decision reports rendered before they are asked for.

A background thread looks at the open rounds every few seconds. When a round's content
digest (answers, respondents, evidence, plan: ``storage.content``) has changed and then stayed
the same for ``Settings.prerender_quiet_s`` seconds — debounced, so a respondent answering
twenty questions causes one render, not twenty — it hands the round's report (in the round's
language, main part) to the single PDF worker. The worker renders one report at a time, and a
digest already rendered is never rendered again; an unchanged report is never rendered twice
because the PDF cache is keyed by the report's content.
"""

from __future__ import annotations

import logging
import threading
import time

from service import results
from service.i18n import translator
from service.questionnaires import Catalog
from service.report import pdf
from service.settings import Settings
from service.storage.content import open_round_ids, round_digest
from service.storage.db import Store
from service.storage.rounds import get_round_unscoped
from service.web.renderer import ReportRenderer

log = logging.getLogger(__name__)
INTERVAL_S = 5.0


class Prerenderer:
    """Watches open rounds and renders a round's PDF once its content has settled."""

    def __init__(
        self, store: Store, catalog: Catalog, settings: Settings, renderer: ReportRenderer
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._renderer = renderer
        self._seen: dict[int, tuple[str, float]] = {}  # round → (digest, when first seen)
        self._done: dict[int, str] = {}  # round → digest handed to the worker
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start watching (unless switched off with a quiet time of 0)."""
        if self._settings.prerender_quiet_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="kompass-prerender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (at shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=INTERVAL_S * 2)

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            try:
                self.tick(time.monotonic())
            except Exception:  # a bad round must not stop the watcher; it is logged
                log.exception("background report rendering failed")

    def tick(self, now: float) -> list[int]:
        """One look at the open rounds; returns the rounds handed to the worker."""
        db = self._store.db()
        started = []
        for round_id in open_round_ids(db):
            digest = round_digest(db, round_id)
            seen = self._seen.get(round_id)
            if seen is None or seen[0] != digest:
                self._seen[round_id] = (digest, now)
                continue
            if (
                now - seen[1] < self._settings.prerender_quiet_s
                or self._done.get(round_id) == digest
            ):
                continue
            self._done[round_id] = digest
            rnd = get_round_unscoped(db, round_id)
            t = translator(rnd.locale)
            model = results.report_model(db, self._catalog, rnd, t)
            key = pdf.cache_key(model)
            # The round's own cache and the same job name as the report handler, so a
            # request during a background render waits for it instead of starting another.
            cache_dir = results.report_dir(self._settings.data_path, rnd)
            job = f"{rnd.id}/{key}"
            if pdf.cached_path(cache_dir, key).exists() or self._renderer.failed(job):
                continue
            self._renderer.ensure(
                job, lambda m=model, tr=t, d=cache_dir: pdf.render_to_cache(m, tr, d)
            )
            started.append(round_id)
        return started
