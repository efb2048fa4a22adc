"""Evidence uploads for respondents, shared by the conversation pages and the JSON API.

The respondent routes are capability URLs (the token is the credential), exempt from the
CSRF middleware, which would otherwise read a whole multipart upload into memory.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request

from service import answering
from service.domain.evidence import EvidenceRecord
from service.errors import InvalidInput, TooLarge
from service.web.deps import CatalogDep, SettingsDep, StoreDep
from service.web.multipart import parse_upload

NO_CSRF = {"exclude_from_csrf": True}


async def receive_evidence(
    request: Request[Any, Any, Any],
    store: StoreDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    token: str,
    indicator: str,
) -> EvidenceRecord:
    """Check the respondent may attach evidence, stream the upload to disk, then record it."""

    def check() -> tuple[answering.Visit, answering.UploadLimit]:
        v = answering.visit(store.db(), catalog, token)
        answering.require_attachable(v, indicator)
        return v, answering.upload_limit(store.db(), settings, v)

    v, limit = await anyio.to_thread.run_sync(check)
    try:
        form = await parse_upload(request, settings.data_path / "evidence", limit.max_bytes)
    except TooLarge as exc:
        raise limit.refusal(exc) from None
    title = form.fields.get("title", "")
    effective = form.fields.get("effective_date", "")

    def record() -> EvidenceRecord:
        db = store.db()
        if form.file is not None:
            return answering.attach_file(
                db,
                v,
                indicator,
                form.file,
                filename=form.filename,
                title=title,
                effective_date=effective,
            )
        if form.fields.get("url", "").strip():
            return answering.attach_link(
                db, v, indicator, url=form.fields["url"], title=title, effective_date=effective
            )
        raise InvalidInput("Choose a file or enter a link.")

    return await anyio.to_thread.run_sync(record)
