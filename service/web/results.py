"""Results of a round: the page, the gap-analysis PDF (rendered off the request path), exports."""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from threading import Lock
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from service import results
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import Score
from service.errors import NotFound
from service.i18n import N_, translator
from service.questionnaires import Catalog
from service.report import exports, pdf
from service.storage import evidence, respondents, rounds
from service.storage.db import Store
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator, settings_of

KEY = re.compile(r"^([0-9a-f]{32})\.pdf$")
CSV_NAME = re.compile(r"^([a-z]+)\.csv$")
CSV_TABLES = [
    ("areas", N_("Focus areas")),
    ("subquestions", N_("Sub-questions")),
    ("indicators", N_("Indicators")),
    ("answers", N_("Answers")),
    ("comments", N_("Comments")),
    ("evidence", N_("Documentation")),
]


def report_dir(state: State, rnd: rounds.Round) -> Path:
    """The round's own report cache: a key is served only for the round it was rendered from.

    Two rounds with identical content get separate files; that costs a render, and keeps
    one municipality's report out of reach through another's round when a key leaks.
    """
    return settings_of(state).data_path / "reports" / str(rnd.id)


class ReportRenderer:
    """Renders PDFs one at a time on a worker thread; remembers which are being made."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kompass-pdf")
        self._running: dict[str, Future[object]] = {}
        self._lock = Lock()

    def ensure(self, key: str, job: Any) -> None:
        """Start rendering ``key`` unless it is already being rendered."""
        with self._lock:
            running = self._running.get(key)
            if running is not None and not running.done():
                return
            self._running[key] = self._pool.submit(job)

    def failed(self, key: str) -> bool:
        """Whether the last attempt to render ``key`` raised."""
        with self._lock:
            running = self._running.get(key)
        return running is not None and running.done() and running.exception() is not None

    def shutdown(self) -> None:
        """Stop accepting work and wait for the current render."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class ResultPages(Controller):
    """The results page, PDF, exports and round comparison for the signed-in coordinator."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/results", sync_to_thread=True)
    def page(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """Totals, charts, per-area tables, findings, gaps, disagreements and evidence."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        rnd = round_of(state, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        model = results.report_model(store.db(), catalog, rnd, t)
        others = [
            r
            for r in rounds.list_rounds(store.db(), coordinator.municipality_id)
            if r.id != rnd.id and r.questionnaire_id == rnd.questionnaire_id
        ]
        return render(
            request,
            "results/round.html",
            default_locale=rnd.locale,
            m=model,
            round=rnd,
            coordinator=coordinator,
            others=others,
            csv_tables=[(name, t(title)) for name, title in CSV_TABLES],
        )

    @get("/report", sync_to_thread=True)
    def report(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        lang: FromQuery[str | None] = None,
    ) -> Redirect | Template:
        """The PDF if it is ready; otherwise start rendering it and say so."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        rnd = round_of(state, coordinator, round_id)
        t = (
            translator(lang)
            if lang in {"nb", "sv", "en"}
            else request_translator(request, rnd.locale)
        )
        model = results.report_model(store.db(), catalog, rnd, t)
        key = pdf.cache_key(model)
        cache_dir = report_dir(state, rnd)
        if pdf.cached_path(cache_dir, key).exists():
            return Redirect(f"/rounds/{rnd.id}/reports/{key}.pdf", status_code=303)
        renderer: ReportRenderer = state.renderer
        job = f"{rnd.id}/{key}"
        failed = renderer.failed(job)
        if not failed:
            renderer.ensure(job, lambda: pdf.render_to_cache(model, t, cache_dir))
        return render(
            request,
            "results/report_pending.html",
            status_code=500 if failed else 202,
            default_locale=rnd.locale,
            round=rnd,
            coordinator=coordinator,
            failed=failed,
            lang=t.locale,
        )

    @get("/reports/{filename:str}", sync_to_thread=True)
    def report_file(
        self, state: State, coordinator: SignedIn, round_id: FromPath[int], filename: FromPath[str]
    ) -> File:
        """A rendered report, named by the digest of what it was made from."""
        rnd = round_of(state, coordinator, round_id)
        match = KEY.match(filename)
        path = pdf.cached_path(report_dir(state, rnd), match.group(1) if match else "-")
        if match is None or not path.exists():
            raise NotFound("This report is not available; open the results page to make a new one.")
        safe = re.sub(r"[^A-Za-z0-9æøåÆØÅäöÄÖ _-]", "", rnd.name).strip() or "kompass"
        return File(
            path=path,
            filename=f"{safe}.pdf",
            media_type="application/pdf",
            content_disposition_type="attachment",
        )

    def _tables(
        self, request: Request[Any, Any, Any], state: State, rnd: rounds.Round, names: bool
    ) -> list[exports.Table]:
        store: Store = state.store
        catalog: Catalog = state.catalog
        db = store.db()
        q, answers_now, result = results.scored(db, catalog, rnd)
        people = [
            exports.RespondentInfo(id=f"r{r.id}", role=r.role, name=r.name, email=r.email)
            for r in respondents.list_for_round(db, rnd.id)
        ]
        t = request_translator(request, rnd.locale)
        return exports.build_tables(
            q,
            answers_now,
            result,
            evidence.list_for_round(db, rnd.id),
            people,
            t,
            anonymise=not names,
        )

    @get("/export.xlsx", sync_to_thread=True)
    def xlsx(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        names: FromQuery[bool] = False,
    ) -> Response[bytes]:
        """Every table in one workbook; respondents anonymised by role unless ``names=true``."""
        rnd = round_of(state, coordinator, round_id)
        data = exports.to_xlsx(self._tables(request, state, rnd, names))
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}.xlsx"'},
        )

    @get("/export/{filename:str}", sync_to_thread=True)
    def csv(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        filename: FromPath[str],
        names: FromQuery[bool] = False,
    ) -> Response[str]:
        """One table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read æøå)."""
        rnd = round_of(state, coordinator, round_id)
        match = CSV_NAME.match(filename)
        name = match.group(1) if match else ""
        table = next((x for x in self._tables(request, state, rnd, names) if x.name == name), None)
        if table is None:
            raise NotFound("No such export.")
        return Response(
            "\ufeff" + exports.to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}-{name}.csv"'
            },
        )

    @get("/export.json", sync_to_thread=True)
    def json(self, state: State, coordinator: SignedIn, round_id: FromPath[int]) -> Response[bytes]:
        """The result exactly as the API returns it."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        result = results.assessment(store.db(), catalog, round_of(state, coordinator, round_id))
        return Response(
            msgspec.json.encode(result),
            media_type=MediaType.JSON,
            headers={
                "Content-Disposition": f'attachment; filename="kompass-round-{round_id}.json"'
            },
        )

    @get("/compare", sync_to_thread=True)
    def compare(
        self,
        request: Request[Any, Any, Any],
        state: State,
        coordinator: SignedIn,
        round_id: FromPath[int],
        other: FromQuery[int],
    ) -> Template:
        """Two rounds of the municipality side by side, per area and sub-question, with deltas."""
        store: Store = state.store
        catalog: Catalog = state.catalog
        db = store.db()
        rnd = round_of(state, coordinator, round_id)
        before = round_of(state, coordinator, other)
        q = results.questionnaire_of(catalog, rnd)
        if before.questionnaire_id != rnd.questionnaire_id:
            raise NotFound("Only rounds on the same questionnaire can be compared.")
        now, then = (
            results.assessment(db, catalog, rnd).score,
            results.assessment(db, catalog, before).score,
        )
        return render(
            request,
            "results/compare.html",
            default_locale=rnd.locale,
            coordinator=coordinator,
            round=rnd,
            other=before,
            q=q,
            rows=comparison_rows(q, now, then),
        )


class ComparisonRow(msgspec.Struct, kw_only=True):
    """An area, sub-question or the total in two rounds."""

    id: str
    title: dict[str, str]
    now: float | None
    then: float | None
    delta: float | None
    max_points: int
    level: str  # "total", "area" or "subquestion"


def comparison_rows(q: Questionnaire, now: Score, then: Score) -> list[ComparisonRow]:
    """Every area and its sub-questions, then the total, with deltas (unknown stays unknown)."""

    def delta(x: float | None, y: float | None) -> float | None:
        return None if x is None or y is None else round(x - y, 1)

    rows: list[ComparisonRow] = []
    sq_now = {s.id: s for s in now.subquestions}
    sq_then = {s.id: s for s in then.subquestions}
    for area, a_now, a_then in zip(q.areas, now.areas, then.areas, strict=True):
        rows.append(
            ComparisonRow(
                id=str(area.number),
                title=area.title,
                now=a_now.points,
                then=a_then.points,
                delta=delta(a_now.points, a_then.points),
                max_points=a_now.max_points,
                level="area",
            )
        )
        for sq in area.subquestions:
            x, y = sq_now[sq.id].points, sq_then[sq.id].points
            rows.append(
                ComparisonRow(
                    id=sq.id,
                    title=sq.title,
                    now=x,
                    then=y,
                    delta=delta(x, y),
                    max_points=sq.max_points,
                    level="subquestion",
                )
            )
    rows.append(
        ComparisonRow(
            id="",
            title={},
            now=now.points,
            then=then.points,
            delta=delta(now.points, then.points),
            max_points=now.max_points,
            level="total",
        )
    )
    return rows
