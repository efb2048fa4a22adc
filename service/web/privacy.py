"""Coordinator actions for data-protection requests: export a person, remove personal data,
delete a round. HTTP only: the use cases are in ``service/data_rights.py``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from service import data_rights
from service.web.auth import SignedIn, current_coordinator, round_of
from service.web.deps import SettingsDep, StoreDep


class PrivacyPages(Controller):
    """Data-subject requests and erasure, scoped to the coordinator's municipality."""

    path = "/rounds/{round_id:int}"
    include_in_schema = False
    dependencies = {"coordinator": Provide(current_coordinator, sync_to_thread=True)}  # noqa: RUF012

    @get("/respondents/{respondent_id:int}/personal-data.json", sync_to_thread=True)
    def export(
        self,
        store: StoreDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Response[bytes]:
        """Everything stored about a respondent (and their other invitations), as JSON."""
        rnd = round_of(store, coordinator, round_id)
        found = data_rights.export_respondent(store.db(), rnd.id, respondent_id, by=coordinator)
        return Response(
            msgspec.json.format(msgspec.json.encode(found), indent=2),
            media_type=MediaType.JSON,
            headers={
                "Content-Disposition": (
                    f'attachment; filename="kompass-personal-data-{respondent_id}.json"'
                )
            },
        )

    @post("/respondents/{respondent_id:int}/forget", sync_to_thread=True, status_code=303)
    def forget(
        self,
        store: StoreDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        respondent_id: FromPath[int],
    ) -> Redirect:
        """Remove a respondent's name and e-mail address; the answers stay, anonymous."""
        rnd = round_of(store, coordinator, round_id)
        data_rights.forget_respondent(
            store.db(), rnd.id, respondent_id, settings.data_path, by=coordinator
        )
        return Redirect(f"/rounds/{rnd.id}#respondents", status_code=303)

    @post("/delete", sync_to_thread=True, status_code=303)
    def delete(
        self,
        store: StoreDep,
        settings: SettingsDep,
        coordinator: SignedIn,
        round_id: FromPath[int],
        data: URLEncodedBody[dict[str, Any]],
    ) -> Redirect:
        """Delete the round with everything in it, once its name is typed to confirm."""
        rnd = round_of(store, coordinator, round_id)
        confirm = str(data.get("confirm", ""))
        data_rights.delete_round(store.db(), rnd, confirm, settings.data_path, by=coordinator)
        return Redirect("/rounds", status_code=303)
