"""Read an uploaded evidence file, index its text and check it: what the card calls after upload.

The coordinator's review page can show the same hints from the stored row
(``storage.evidence_text.get``); nothing here changes the evidence record itself — the
proposed effective date is only a proposal for the respondent to confirm.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from service.assist.offline import OfflineAssistant
from service.domain.assistant import EvidenceCheck, EvidenceCheckRequest
from service.domain.messages import N_
from service.errors import InvalidInput, NotFound
from service.evidence_text import extract_text
from service.storage import evidence_text
from service.storage.evidence import EvidenceRecord
from service.storage.evidence_files import path_for


def check_and_index(
    db: sqlite_utils.Database,
    evidence_root: Path,
    assistant: OfflineAssistant,
    questionnaire_id: str,
    record: EvidenceRecord,
    lang: str,
    today: dt.date | None = None,
) -> EvidenceCheck:
    """Extract the file's text, store it in the FTS index and return the assistant's hints."""
    if record.kind != "file" or not record.sha256:
        raise InvalidInput(N_("Only uploaded files can be checked, not links."))
    q = assistant.questionnaire(questionnaire_id)
    indicator = q.indicator(record.indicator_id)
    if indicator is None:
        raise NotFound(N_("Unknown indicator '%(id)s'."), id=record.indicator_id)
    try:
        data = path_for(evidence_root, record.sha256).read_bytes()
    except OSError:
        raise NotFound(N_("The evidence file is missing.")) from None
    extracted = extract_text(data)
    check = assistant.check_evidence(
        EvidenceCheckRequest(
            questionnaire=q.id,
            indicator=indicator,
            lang=lang,
            text=extracted.text,
            today=(today or dt.datetime.now(dt.UTC).date()).isoformat(),
            filename=record.filename,
        )
    )
    evidence_text.save(
        db,
        evidence_text.EvidenceText(
            evidence_id=record.id,
            round_id=record.round_id,
            indicator_id=record.indicator_id,
            kind=extracted.kind.value,
            text=extracted.text,
            truncated=extracted.truncated,
            proposed_date=check.effective_date or None,
            relevance=check.relevance,
            unrelated=check.unrelated,
            outdated=check.outdated,
        ),
    )
    return check
