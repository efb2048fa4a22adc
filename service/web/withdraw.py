"""A respondent withdraws their own evidence until a coordinator has reviewed it.

Two thin routes, for the indicator's card and the API, over ``answering.withdraw_evidence``.
"""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.params import FromPath
from litestar.response import Redirect

from service import answering
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.uploads import NO_CSRF


class WithdrawPages(Controller):
    """The respondent's "withdraw" button beside each unreviewed document on the card."""

    path = "/r/{token:str}"
    include_in_schema = False
    opt = NO_CSRF

    @post("/evidence/{evidence_id:int}/withdraw", sync_to_thread=True, status_code=303)
    def withdraw(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        evidence_id: FromPath[int],
    ) -> Redirect:
        """Withdraw an upload or link that has not been reviewed yet."""
        db = store.db()
        v = answering.visit(db, catalog, token)
        record = answering.withdraw_evidence(db, settings, v, evidence_id)
        return Redirect(f"/r/{token}/i/{record.indicator_id}#evidence", status_code=303)


class WithdrawApi(Controller):
    """The same over JSON."""

    path = "/api/v1/respond/{token:str}"
    tags = ["respondent"]  # noqa: RUF012 - Litestar reads controller settings from class attributes
    opt = NO_CSRF

    @delete("/evidence/{evidence_id:int}", sync_to_thread=True, status_code=204)
    def withdraw(
        self,
        store: StoreDep,
        catalog: CatalogDep,
        settings: SettingsDep,
        token: FromPath[str],
        evidence_id: FromPath[int],
    ) -> None:
        """Withdraw evidence that has not been reviewed yet; reviewed evidence stays (409)."""
        db = store.db()
        answering.withdraw_evidence(db, settings, answering.visit(db, catalog, token), evidence_id)
