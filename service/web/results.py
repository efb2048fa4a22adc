"""Results of a round: the page, the gap-analysis PDF (rendered off the request path), exports."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.di import Provide
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from service import results
from service import rounds as use
from service.domain.benchmarks import compare_scores
from service.errors import NotFound
from service.i18n import N_, SUPPORTED, translator
from service.report import exports, pdf
from service.storage import audit, evidence, respondents, rounds
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, RendererDep, SettingsDep, StoreDep

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


class ResultPages(Controller):
    """The results page, PDF, exports and round comparison for the signed-in coordinator."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/results", sync_to_thread=True)
    def page(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """Totals, charts, per-area tables, findings, gaps, disagreements and evidence."""
        rnd = round_of(store, coordinator, round_id)
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
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        renderer: RendererDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        lang: FromQuery[str | None] = None,
    ) -> Redirect | Template:
        """The PDF if it is ready; otherwise start rendering it and say so."""
        rnd = round_of(store, coordinator, round_id)
        t = translator(lang) if lang in SUPPORTED else request_translator(request, rnd.locale)
        model = results.report_model(store.db(), catalog, rnd, t)
        key = pdf.cache_key(model)
        cache_dir = results.report_dir(settings.data_path, rnd)
        if pdf.cached_path(cache_dir, key).exists():
            return Redirect(f"/rounds/{rnd.id}/reports/{key}.pdf", status_code=303)
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
        self,
        store: StoreDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        filename: FromPath[str],
    ) -> File:
        """A rendered report, named by the digest of what it was made from."""
        rnd = round_of(store, coordinator, round_id)
        match = KEY.match(filename)
        path = pdf.cached_path(
            results.report_dir(settings.data_path, rnd), match.group(1) if match else "-"
        )
        if match is None or not path.exists():
            raise NotFound("This report is not available; open the results page to make a new one.")
        safe = re.sub(r"[^A-Za-z0-9æøåÆØÅäöÄÖ _-]", "", rnd.name).strip() or "kompass"
        audit.record(
            store.db(),
            audit.Action.EXPORT_DOWNLOADED,
            by=coordinator,
            round_id=rnd.id,
            target="export:report.pdf",
        )
        use.results_exported(store.db(), rnd, by=coordinator)
        return File(
            path=path,
            filename=f"{safe}.pdf",
            media_type="application/pdf",
            content_disposition_type="attachment",
        )

    def _tables(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        rnd: rounds.Round,
        names: bool,
    ) -> list[exports.Table]:
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
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        names: FromQuery[bool] = False,
    ) -> Response[bytes]:
        """Every table in one workbook; respondents anonymised by role unless ``names=true``."""
        rnd = round_of(store, coordinator, round_id)
        data = exports.to_xlsx(self._tables(request, store, catalog, rnd, names))
        audit.record(
            store.db(),
            audit.Action.EXPORT_DOWNLOADED,
            by=coordinator,
            round_id=rnd.id,
            target="export:xlsx",
            details={"names": names},
        )
        use.results_exported(store.db(), rnd, by=coordinator)
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}.xlsx"'},
        )

    @get("/export/{filename:str}", sync_to_thread=True)
    def csv(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        filename: FromPath[str],
        names: FromQuery[bool] = False,
    ) -> Response[str]:
        """One table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read æøå)."""
        rnd = round_of(store, coordinator, round_id)
        match = CSV_NAME.match(filename)
        name = match.group(1) if match else ""
        table = next(
            (x for x in self._tables(request, store, catalog, rnd, names) if x.name == name), None
        )
        if table is None:
            raise NotFound("No such export.")
        audit.record(
            store.db(),
            audit.Action.EXPORT_DOWNLOADED,
            by=coordinator,
            round_id=rnd.id,
            target=f"export:{name}.csv",
            details={"names": names},
        )
        use.results_exported(store.db(), rnd, by=coordinator)
        return Response(
            "\ufeff" + exports.to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}-{name}.csv"'
            },
        )

    @get("/export.json", sync_to_thread=True)
    def json(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Response[bytes]:
        """The result exactly as the API returns it."""
        rnd = round_of(store, coordinator, round_id)
        result = results.assessment(store.db(), catalog, rnd)
        audit.record(
            store.db(),
            audit.Action.EXPORT_DOWNLOADED,
            by=coordinator,
            round_id=round_id,
            target="export:json",
        )
        use.results_exported(store.db(), rnd, by=coordinator)
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
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        other: FromQuery[int],
    ) -> Template:
        """Two rounds of the municipality side by side, per area and sub-question, with deltas."""
        db = store.db()
        rnd = round_of(store, coordinator, round_id)
        before = round_of(store, coordinator, other)
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
            rows=compare_scores(q, now, then),
        )
