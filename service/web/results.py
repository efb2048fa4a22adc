"""Results of a round: the page, the gap-analysis PDF (rendered off the request path), exports."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import File, Redirect, Template

from service import planning, results
from service import rounds as use
from service.domain.benchmarks import compare_scores
from service.domain.plan import MeasureStatus, PlanMeasure
from service.errors import KompassError, NotFound
from service.i18n import N_, SUPPORTED, translator
from service.report import exports, pdf
from service.storage import audit, evidence, respondents, rounds
from service.web import summaries
from service.web.api_records import evidence_out
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, RendererDep, SettingsDep, StoreDep

KEY = re.compile(r"^([0-9a-f]{32})\.pdf$")
CSV_NAME = re.compile(r"^([a-z]+)\.csv$")
Form = URLEncodedBody[dict[str, str]]
NEW_ROWS = 2  # blank measure rows offered per focus area on the plan form
MEASURE_FIELD = re.compile(r"^m(\d{1,3})_sq$")


def measures_from_form(data: dict[str, str]) -> list[PlanMeasure]:
    """The measures of the plan form: rows ``m<i>_*``; removed and blank new rows are skipped."""
    out = []
    rows = sorted(int(m.group(1)) for k in data if (m := MEASURE_FIELD.match(k)))
    for i in rows:
        f = {k[len(f"m{i}_") :]: v for k, v in data.items() if k.startswith(f"m{i}_")}
        indicators = [x for x in f.get("ind", "").split(",") if x]
        if f.get("remove") or (not indicators and not f.get("text", "").strip()):
            continue
        status = f.get("status", "proposed")
        if status not in {s.value for s in MeasureStatus}:
            raise KompassError("Unknown status %(value)s.", value=status)
        out.append(
            PlanMeasure(
                id=f.get("id") or f"n{i}",
                subquestion=f.get("sq", ""),
                indicators=indicators,
                # Unchanged questionnaire text is not stored, so the suggestion stays the default.
                text=""
                if f.get("text", "").strip() == f.get("default", "").strip()
                else f.get("text", "").strip(),
                owner=f.get("owner", "").strip(),
                deadline=f.get("deadline", "").strip(),
                status=MeasureStatus(status),
            )
        )
    return out


CSV_TABLES = [
    ("areas", N_("Focus areas")),
    ("subquestions", N_("Sub-questions")),
    ("indicators", N_("Indicators")),
    ("answers", N_("Answers")),
    ("comments", N_("Comments")),
    ("evidence", N_("Documentation")),
]


class ReportStatus(msgspec.Struct, kw_only=True):
    """What the waiting page's poll learns."""

    ready: bool
    failed: bool
    url: str


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
        settings: SettingsDep,
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
            **summaries.results_context(request, store.db(), settings, rnd, t),
        )

    def _plan_page(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        rnd: rounds.Round,
        status_code: int = 200,
        error: str = "",
    ) -> Template:
        t = request_translator(request, rnd.locale)
        model = results.report_model(store.db(), catalog, rnd, t)
        q = results.questionnaire_of(catalog, rnd)
        shown = planning.current(store.db(), catalog, rnd)
        chosen = {pa.area for pa in shown.plan.areas}
        return render(
            request,
            "results/plan_edit.html",
            status_code=status_code,
            default_locale=rnd.locale,
            round=rnd,
            coordinator=coordinator,
            m=model,
            q=q,
            chosen=chosen,
            plan=shown.plan,
            defaults={ind.id: q.text(ind.measure, t.locale) for _, _, ind in q.indicators()},
            statuses=[(s.value, t(s.value)) for s in MeasureStatus],
            new_rows=NEW_ROWS,
            error=error,
            edited=shown.source is planning.PlanSource.EDITED,
        )

    @get("/plan", sync_to_thread=True)
    def plan_form(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """The development plan as a form: focus areas, measures, owners, deadlines, status."""
        rnd = round_of(store, coordinator, round_id)
        return self._plan_page(request, store, catalog, coordinator, rnd)

    @post("/plan", sync_to_thread=True, status_code=303)
    def plan_save(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: Form,
    ) -> Redirect | Template:
        """Store the edited plan; the PDF and the results page show it from now on."""
        rnd = round_of(store, coordinator, round_id)
        areas = [int(k[5:]) for k in data if re.fullmatch(r"area_\d{1,2}", k)]
        try:
            planning.edit(store.db(), catalog, rnd, areas, measures_from_form(data), by=coordinator)
        except KompassError as exc:
            t = request_translator(request, rnd.locale)
            return self._plan_page(
                request,
                store,
                catalog,
                coordinator,
                rnd,
                status_code=400,
                error=t(exc.message, **exc.params),
            )
        return Redirect(f"/rounds/{rnd.id}/results#plan-h", status_code=303)

    @post("/plan/reset", sync_to_thread=True, status_code=303)
    def plan_reset(
        self, store: StoreDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Redirect:
        """Back to the suggested (or carried) plan."""
        rnd = round_of(store, coordinator, round_id)
        planning.reset(store.db(), rnd, by=coordinator)
        return Redirect(f"/rounds/{rnd.id}/results#plan-h", status_code=303)

    def _report_state(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        renderer: RendererDep,
        rnd: rounds.Round,
        lang: str | None,
        full: bool,
    ) -> tuple[str, bool, bool, str]:
        """The report's key, whether it is cached, whether its last render failed, its locale.

        Starts a render when the PDF is neither cached nor failed. The model comes from the
        content-keyed cache, so polling does not rebuild it.
        """
        t = translator(lang) if lang in SUPPORTED else request_translator(request, rnd.locale)
        model = results.report_model(store.db(), catalog, rnd, t)
        key = pdf.cache_key(model, full)
        cache_dir = results.report_dir(settings.data_path, rnd)
        if pdf.cached_path(cache_dir, key).exists():
            return key, True, False, t.locale
        job = f"{rnd.id}/{key}"
        failed = renderer.failed(job)
        if not failed:
            renderer.ensure(job, lambda: pdf.render_to_cache(model, t, cache_dir, full))
        return key, False, failed, t.locale

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
        full: FromQuery[bool] = False,
    ) -> Redirect | Template:
        """The PDF if it is ready; otherwise start rendering it and say so (no meta refresh)."""
        rnd = round_of(store, coordinator, round_id)
        key, ready, failed, locale = self._report_state(
            request, store, catalog, settings, renderer, rnd, lang, full
        )
        if ready:
            return Redirect(f"/rounds/{rnd.id}/reports/{key}.pdf", status_code=303)
        query = f"lang={locale}" + ("&full=true" if full else "")
        return render(
            request,
            "results/report_pending.html",
            status_code=500 if failed else 202,
            default_locale=rnd.locale,
            round=rnd,
            coordinator=coordinator,
            failed=failed,
            lang=locale,
            again_url=f"/rounds/{rnd.id}/report?{query}",
            status_url=f"/rounds/{rnd.id}/report/status?{query}",
        )

    @get("/report/status", sync_to_thread=True)
    def report_status(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        renderer: RendererDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        lang: FromQuery[str | None] = None,
        full: FromQuery[bool] = False,
    ) -> ReportStatus:
        """Whether the report is ready, for the waiting page's small poll script."""
        rnd = round_of(store, coordinator, round_id)
        key, ready, failed, _ = self._report_state(
            request, store, catalog, settings, renderer, rnd, lang, full
        )
        return ReportStatus(
            ready=ready, failed=failed, url=f"/rounds/{rnd.id}/reports/{key}.pdf" if ready else ""
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
    ) -> Response[bytes]:
        """One table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read æøå).

        Separator and decimal mark follow the page's language, as Excel expects them there.
        """
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
        locale = request_translator(request, rnd.locale).locale
        return Response(
            ("\ufeff" + exports.to_csv(table, locale)).encode("utf-8"),
            media_type="text/csv",  # Litestar adds "; charset=utf-8"
            headers={
                "Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}-{name}.csv"'
            },
        )

    @get("/export.json", sync_to_thread=True)
    def json(
        self, store: StoreDep, catalog: CatalogDep, coordinator: SignedIn, round_id: FromPath[int]
    ) -> Response[bytes]:
        """The result exactly as the API returns it, with the round's evidence (as in CSV/XLSX)."""
        rnd = round_of(store, coordinator, round_id)
        result = results.assessment(store.db(), catalog, rnd)
        exported = msgspec.to_builtins(result)
        exported["evidence"] = msgspec.to_builtins(
            [evidence_out(e) for e in evidence.list_for_round(store.db(), rnd.id)]
        )
        audit.record(
            store.db(),
            audit.Action.EXPORT_DOWNLOADED,
            by=coordinator,
            round_id=rnd.id,
            target="export:json",
        )
        use.results_exported(store.db(), rnd, by=coordinator)
        return Response(
            msgspec.json.encode(exported),
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
