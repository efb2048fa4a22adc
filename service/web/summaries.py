"""Summaries by the language model over HTTP: the results page's button and the JSON API.

Writing takes one model call per sub-question with comments (up to ``KOMPASS_LLM_TIMEOUT``
each), which on a slow local model adds up to minutes: far longer than a browser or proxy
waits. So a request only checks that it may (409 otherwise) and starts a background job
(``SummaryJobs``: one worker thread, at most one job per round and language); the job runs
``service.summarising.write_summaries`` (the command line's ``kompass assist summarise`` calls
it directly) and keeps its progress and outcome in memory. The page posts a form (CSRF), is
redirected back to the results, which say how far the model got and, once it is done, what
happened (once); the API answers 202 with the same status, and ``GET`` reads it.
"""

from __future__ import annotations

import logging
from threading import Event, Lock
from typing import Annotated, Any, Literal

import msgspec
import sqlite_utils
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect

from service import summarising
from service.domain.errors import Conflict, InvalidInput, KompassError
from service.domain.messages import N_
from service.domain.rounds import Round
from service.i18n import Translator
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage.accounts import Coordinator
from service.storage.db import Store
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import request_translator
from service.web.deps import StoreDep
from service.web.jobs import Worker

log = logging.getLogger(__name__)
Form = URLEncodedBody[dict[str, str]]
# Session key: {"<round>/<lang>": ""} for a job this browser started and has not seen finish,
# or the message id of why it could not start; each is shown once on the results page.
FLASH = "summarising"
FAILED = N_(
    "The summaries could not be written. Try again in a moment;"
    " if it keeps failing, tell your administrator."
)

JobState = Literal["idle", "running", "done", "failed"]


class SummariesIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which language to write the summaries in; the request's language when empty."""

    lang: Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)?$")] = ""


class SummariesStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Where writing a round's summaries in one language stands (kept in memory since start-up).

    ``idle``: not asked for since the service started; ``running``: ``done`` of ``total``
    sub-questions with comments so far (``total`` is 0 until the job has begun); ``done``:
    ``result`` says what was written (a failing model still ends ``done``, with ``fell_back``
    and ``notice``); ``failed``: the job itself could not run, ``message`` says why.
    """

    round_id: int
    lang: str
    state: JobState
    done: int = 0
    total: int = 0
    result: summarising.SummariesWritten | None = None
    message: str = ""


class SummaryJobs:
    """Writes summaries on one worker thread, at most one job per round and language."""

    def __init__(self, store: Store, catalog: Catalog, settings: Settings) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._worker = Worker("kompass-summaries")
        self._progress: dict[str, tuple[int, int]] = {}
        self._lock = Lock()
        self._stop = Event()

    @staticmethod
    def key(round_id: int, lang: str) -> str:
        """The job's name (and its key in the session's ``FLASH``)."""
        return f"{round_id}/{lang}"

    def start(self, db: sqlite_utils.Database, rnd: Round, lang: str, by: Coordinator) -> bool:
        """Start writing ``rnd``'s summaries in ``lang`` unless that job is already running.

        Refused before anything starts: 409 (``Conflict``) when no model is configured or the
        round switched it off, 400 for an unknown language. Returns whether a job was started.
        ``rnd`` is already scoped to the coordinator. The job opens its own connection on the
        worker thread (``Store.db`` is per thread).
        """
        summarising.ensure_allowed(db, self._settings, rnd)
        if lang not in summarising.LANGS:
            raise InvalidInput(summarising.UNKNOWN_LANGUAGE)
        key = self.key(rnd.id, lang)

        def job() -> summarising.SummariesWritten:
            try:
                return summarising.write_summaries(
                    self._store.db(),
                    self._catalog,
                    rnd,
                    lang,
                    self._settings,
                    by=by,
                    progress=lambda done, total: self._tell(key, done, total),
                )
            except KompassError:
                raise  # a refusal meant for the coordinator (switched off meanwhile): no bug
            except Exception:
                log.exception("writing summaries for round %s in %s failed", rnd.id, lang)
                raise

        with self._lock:
            if self._worker.running(key):
                return False
            self._progress[key] = (0, 0)
            return self._worker.ensure(key, job)

    def _tell(self, key: str, done: int, total: int) -> None:
        """The job's progress callback; asks it to stop once the service is shutting down."""
        if self._stop.is_set():
            raise summarising.Interrupted
        with self._lock:
            self._progress[key] = (done, total)

    def status(self, round_id: int, lang: str, t: Translator) -> SummariesStatus:
        """The job's state for the round and language; a failure's message in ``t``'s language."""
        key = self.key(round_id, lang)
        with self._lock:
            run = self._worker.last(key)
            done, total = self._progress.get(key, (0, 0))
        idle = SummariesStatus(round_id=round_id, lang=lang, state="idle", done=done, total=total)
        if run is None:
            return idle
        if not run.done():
            return msgspec.structs.replace(idle, state="running")
        exc = None if run.cancelled() else run.exception()
        if exc is None and isinstance(result := run.result(), summarising.SummariesWritten):
            return msgspec.structs.replace(idle, state="done", result=result)
        message = t.gettext(exc.message, **exc.params) if isinstance(exc, KompassError) else ""
        return msgspec.structs.replace(idle, state="failed", message=message or t(FAILED))

    def shutdown(self) -> None:
        """Stop the running job after its current model call (what it wrote is stored)."""
        self._stop.set()
        self._worker.shutdown()


def provide_jobs(state: State) -> SummaryJobs:
    """The summaries' worker, created with the app (``app.create_app``)."""
    jobs: SummaryJobs = state.summary_jobs
    return jobs


JobsDep = NamedDependency[SummaryJobs]
DEPENDENCIES: dict[str, Any] = {
    "coordinator": Provide(current_coordinator, sync_to_thread=True),
    "jobs": Provide(provide_jobs, sync_to_thread=False),
}


class SummaryPages(Controller):
    """The results page's "Write summaries with the language model" button."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = DEPENDENCIES

    @post("/summaries", sync_to_thread=True, status_code=303)
    def write(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        jobs: JobsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Start the model on the round's summaries; the results page then shows its progress."""
        rnd = round_of(store, coordinator, round_id)
        lang = data.get("lang", "")
        if lang not in summarising.LANGS:
            lang = request_translator(request, rnd.locale).locale
        try:
            jobs.start(store.db(), rnd, lang, coordinator)
            shown = ""  # a job already running for this round and language is followed too
        except Conflict as exc:  # the button was stale: the model was switched off meanwhile
            shown = exc.message
        pending = dict((request.session or {}).get(FLASH) or {})
        pending[SummaryJobs.key(rnd.id, lang)] = shown
        request.set_session({**(request.session or {}), FLASH: pending})
        return Redirect(f"/rounds/{rnd.id}/results#areas-h", status_code=303)


class SummaryApi(Controller):
    """``/api/v1/rounds/{round_id}/summaries`` for the signed-in coordinator (POST with CSRF)."""

    path = "/api/v1/rounds/{round_id:int}"
    tags = ["coordinator"]  # noqa: RUF012 - Litestar reads controller settings from class attributes
    dependencies = DEPENDENCIES

    @post("/summaries", sync_to_thread=True, status_code=202)
    def write(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        jobs: JobsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: JSONBody[SummariesIn],
    ) -> SummariesStatus:
        """Start the language model on each sub-question's comments; poll ``GET`` for the end.

        409 when no language model is configured or the round has switched it off. While a
        job runs for the round and language, nothing new is started and its status is
        returned. When the model fails, the job still ends ``done``: nothing more is stored,
        ``fell_back`` counts the sub-questions that keep the built-in summary and ``notice``
        says why.
        """
        rnd = round_of(store, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        lang = data.lang or t.locale
        jobs.start(store.db(), rnd, lang, coordinator)
        return jobs.status(rnd.id, lang, t)

    @get("/summaries", sync_to_thread=True)
    def status(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        jobs: JobsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        lang: FromQuery[str | None] = None,
    ) -> SummariesStatus:
        """How far writing the round's summaries in ``lang`` got (the request's language if none).

        ``idle`` when none were asked for since the service started.
        """
        rnd = round_of(store, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        chosen = lang or t.locale
        if chosen not in summarising.LANGS:
            raise InvalidInput(summarising.UNKNOWN_LANGUAGE)
        return jobs.status(rnd.id, chosen, t)


def results_context(
    request: Request[Any, Any, Any],
    db: sqlite_utils.Database,
    settings: Settings,
    rnd: Round,
    t: Translator,
) -> dict[str, Any]:
    """What the results page needs for the button, a running job and the outcome of the last.

    The button shows only when a model is configured, the round allows it and no job is
    writing the page's language. A running job shows its progress (and the status URL the
    page's small script polls); a job this browser started shows its outcome once it is over,
    translated into the page's language, and then not again.
    """
    jobs = provide_jobs(request.app.state)
    session = request.session or {}
    pending: dict[str, str] = dict(session.get(FLASH) or {})
    lines: list[str] = []
    for key, refused in list(pending.items()):
        round_id, _, lang = key.partition("/")
        if round_id != str(rnd.id):
            continue
        status = jobs.status(rnd.id, lang, t)
        if refused:
            lines.append(t(refused))
        elif status.state == "running":
            continue
        else:  # nothing when idle: the service restarted meanwhile and the outcome is gone
            lines += _outcome(status, t)
        del pending[key]
    if pending != session.get(FLASH, {}):
        request.set_session({**session, FLASH: pending})
    running = [
        s for lang in summarising.LANGS if (s := jobs.status(rnd.id, lang, t)).state == "running"
    ]
    here = any(s.lang == t.locale for s in running)
    return {
        "summaries_form": summarising.can_write(db, settings, rnd) and not here,
        "summarised": lines,
        "summaries_running": [_progress(s, t) for s in running],
        "summaries_status_url": (
            f"/api/v1/rounds/{rnd.id}/summaries?lang={running[0].lang}" if running else ""
        ),
    }


def _progress(status: SummariesStatus, t: Translator) -> str:
    """A running job's progress as a sentence in the page's language."""
    if not status.total:
        return t("The language model is about to write summaries.")
    return t(
        "The language model is writing summaries: %(done)s of %(total)s sub-questions.",
        done=status.done,
        total=status.total,
    )


def _outcome(status: SummariesStatus, t: Translator) -> list[str]:
    """A finished job as sentences in the page's language (counts, then the model's notice)."""
    if status.state == "failed":
        return [status.message]
    if status.result is None:
        return []
    done = status.result
    if not done.subquestions:
        return [t("There are no comments to summarise yet.")]
    lines = []
    if done.written:
        lines.append(
            t.ngettext(
                "The language model wrote %(num)s summary.",
                "The language model wrote %(num)s summaries.",
                done.written,
            )
        )
    if done.unchanged:
        lines.append(
            t.ngettext(
                "%(num)s summary was already written from the current comments.",
                "%(num)s summaries were already written from the current comments.",
                done.unchanged,
            )
        )
    if done.fell_back:
        lines.append(
            t.ngettext(
                "%(num)s sub-question keeps the built-in summary.",
                "%(num)s sub-questions keep the built-in summary.",
                done.fell_back,
            )
        )
    if done.notice:
        lines.append(done.notice)
    return lines
