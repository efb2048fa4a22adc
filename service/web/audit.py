"""A round's audit trail for its coordinators: a page and a CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Template

from service.i18n import N_, Translator
from service.storage import audit
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.context import render, request_translator
from service.web.deps import StoreDep

ACTION_LABELS = {
    audit.Action.SIGN_IN: N_("Signed in"),
    audit.Action.SIGN_IN_FAILED: N_("Sign-in failed"),
    audit.Action.ROUND_CREATED: N_("Round created"),
    audit.Action.ROUND_OPENED: N_("Round opened"),
    audit.Action.ROUND_CLOSED: N_("Round closed"),
    audit.Action.ROUND_REOPENED: N_("Round reopened"),
    audit.Action.ROUND_FINALISED: N_("Round final (results exported)"),
    audit.Action.COVERAGE_CHANGED: N_("Coverage changed"),
    audit.Action.ROUND_DELETED: N_("Round deleted"),
    audit.Action.ROUND_ANONYMISED: N_("Round anonymised"),
    audit.Action.INVITATION_ISSUED: N_("Invitation issued"),
    audit.Action.INVITATION_REVOKED: N_("Invitation revoked"),
    audit.Action.INVITATION_REISSUED: N_("Invitation reissued"),
    audit.Action.REMINDER_SENT: N_("Reminder sent"),
    audit.Action.EVIDENCE_ACCEPTED: N_("Evidence accepted"),
    audit.Action.EVIDENCE_REJECTED: N_("Evidence rejected"),
    audit.Action.EVIDENCE_WITHDRAWN: N_("Evidence withdrawn"),
    audit.Action.PLAN_EDITED: N_("Improvement plan edited"),
    audit.Action.SUMMARIES_WRITTEN: N_("Summaries written by the language model"),
    audit.Action.LANGUAGE_MODEL_SWITCHED: N_("Language model switched on or off for the round"),
    audit.Action.EXPORT_DOWNLOADED: N_("Export downloaded"),
    audit.Action.AUDIT_EXPORTED: N_("Audit trail exported"),
    audit.Action.PERSONAL_DATA_REMOVED: N_("Personal data removed"),
    audit.Action.PERSONAL_DATA_EXPORTED: N_("Personal data exported"),
}

TARGET_LABELS = {
    "respondent": N_("Respondent %(id)s"),
    "evidence": N_("Evidence %(id)s"),
    "export": N_("Export %(id)s"),
}

ACTOR_LABELS = {
    audit.OPERATOR: N_("Operator (command line)"),
    "anonymous": N_("Unknown"),
}


class AuditRow(msgspec.Struct, kw_only=True):
    """An entry as the page and the CSV show it."""

    id: int
    at: str
    who: str
    action: str
    action_code: str
    target: str
    details: str


def rows(entries: list[audit.AuditEntry], t: Translator) -> list[AuditRow]:
    """Entries with translated labels."""
    shown = []
    for e in entries:
        kind, _, ident = e.target.partition(":")
        target = t.gettext(TARGET_LABELS[kind], id=ident) if kind in TARGET_LABELS else e.target
        who = e.actor_name or (
            t.gettext(ACTOR_LABELS[e.actor]) if e.actor in ACTOR_LABELS else e.actor
        )
        shown.append(
            AuditRow(
                id=e.id,
                at=e.at.replace("T", " ").removesuffix("+00:00") + " UTC",
                who=who,
                action=t.gettext(ACTION_LABELS.get(e.action, e.action.value)),
                action_code=e.action.value,
                target=target,
                details=", ".join(f"{k}: {v}" for k, v in e.details.items()),
            )
        )
    return shown


class AuditPages(Controller):
    """The audit trail of one round."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/audit", sync_to_thread=True)
    def page(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Template:
        """Who did what in the round, and when, oldest first."""
        rnd = round_of(store, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        return render(
            request,
            "coordinator/audit.html",
            default_locale=rnd.locale,
            round=rnd,
            coordinator=coordinator,
            rows=rows(audit.for_round(store.db(), rnd.id), t),
        )

    @get("/audit.csv", sync_to_thread=True)
    def csv(
        self,
        request: Request[Any, Any, Any],
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
    ) -> Response[str]:
        """The round's trail as CSV (UTF-8 with a byte-order mark for spreadsheet programs)."""
        rnd = round_of(store, coordinator, round_id)
        t = request_translator(request, rnd.locale)
        shown = rows(audit.for_round(store.db(), rnd.id), t)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "id",
                t.gettext("Time"),
                t.gettext("Who"),
                t.gettext("Action"),
                "action",
                t.gettext("Concerning"),
                t.gettext("Details"),
            ]
        )
        for r in shown:
            writer.writerow([r.id, r.at, r.who, r.action, r.action_code, r.target, r.details])
        audit.record(store.db(), audit.Action.AUDIT_EXPORTED, by=coordinator, round_id=rnd.id)
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="kompass-round-{rnd.id}-audit.csv"'
            },
        )
