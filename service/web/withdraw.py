"""A respondent withdraws their own evidence until a coordinator has reviewed it.

Kept apart from ``web/respond.py`` (being reorganised into use cases); it reuses that
module's link resolution and only adds the two routes, for the page and the API.
"""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect

from service.storage import audit, evidence
from service.storage.db import Store
from service.web.context import settings_of
from service.web.respond import NO_CSRF, Visit, require_answerable, visit


def withdraw_evidence(state: State, v: Visit, evidence_id: int) -> evidence.EvidenceRecord:
    """Remove the respondent's unreviewed evidence (and its file, if nothing else uses it)."""
    require_answerable(v)
    store: Store = state.store
    db = store.db()
    record = evidence.withdraw(db, v.round.id, v.respondent.id, evidence_id)
    evidence.delete_file_if_unused(db, settings_of(state).data_path / "evidence", record.sha256)
    audit.record(
        db,
        audit.Action.EVIDENCE_WITHDRAWN,
        by=f"respondent:{v.respondent.id}",
        round_id=v.round.id,
        municipality_id=v.round.municipality_id,
        target=f"evidence:{evidence_id}",
    )
    return record


class WithdrawPages(Controller):
    """The respondent's "withdraw" button on an indicator's documentation."""

    path = "/r/{token:str}"
    include_in_schema = False
    opt = NO_CSRF

    @post("/evidence/{evidence_id:int}/withdraw", sync_to_thread=True, status_code=303)
    def withdraw(self, state: State, token: FromPath[str], evidence_id: FromPath[int]) -> Redirect:
        """Withdraw an upload or link that has not been reviewed yet."""
        record = withdraw_evidence(state, visit(state, token), evidence_id)
        return Redirect(f"/r/{token}/i/{record.indicator_id}/comment#evidence", status_code=303)


class WithdrawApi(Controller):
    """The same over JSON."""

    path = "/api/v1/respond/{token:str}"
    tags = ["respondent"]  # noqa: RUF012 - Litestar reads controller settings from class attributes
    opt = NO_CSRF

    @delete("/evidence/{evidence_id:int}", sync_to_thread=True, status_code=204)
    def withdraw(self, state: State, token: FromPath[str], evidence_id: FromPath[int]) -> None:
        """Withdraw evidence that has not been reviewed yet; reviewed evidence stays (409)."""
        withdraw_evidence(state, visit(state, token), evidence_id)
