"""Use cases for data-protection duties: export a person, forget a respondent, delete a round,
and anonymise rounds past the retention period.

The coordinator's pages (``service/web/privacy.py``) and the operator's commands
(``kompass privacy …``) both come here; the work itself, and its audit entry, is in
``service/storage/privacy.py``. What is decided here: that a round is deleted only when its
name is typed to confirm, and which rounds retention reaches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from service.domain.errors import InvalidInput
from service.storage import privacy
from service.storage.audit import Actor
from service.storage.privacy import PersonExport, RoundDeletion
from service.storage.rounds import Round

__all__ = [
    "PersonExport",
    "RoundDeletion",
    "anonymise_past_retention",
    "delete_round",
    "export_person",
    "export_respondent",
    "forget_respondent",
]


def export_respondent(
    db: sqlite_utils.Database, round_id: int, respondent_id: int, *, by: Actor
) -> PersonExport:
    """Everything stored about a respondent (and their other invitations by e-mail address)."""
    return privacy.export_respondent(db, round_id, respondent_id, by=by)


def export_person(db: sqlite_utils.Database, email: str, *, by: Actor) -> PersonExport:
    """Everything stored about the person with this e-mail address, in every municipality."""
    return privacy.export_person(db, email, by=by)


def forget_respondent(
    db: sqlite_utils.Database, round_id: int, respondent_id: int, data_dir: Path, *, by: Actor
) -> None:
    """Remove a respondent's name and e-mail address; their answers stay, anonymous."""
    privacy.remove_personal_data(db, round_id, respondent_id, by=by, data_dir=data_dir)


def delete_round(
    db: sqlite_utils.Database, rnd: Round, confirm: str | None, data_dir: Path, *, by: Actor
) -> RoundDeletion:
    """Delete a round with everything in it, once its name is typed to confirm it.

    ``confirm`` None means the caller confirmed in its own way (the command line's ``--yes``).
    """
    if confirm is not None and confirm.strip() != rnd.name:
        raise InvalidInput("Type the round's name to confirm that it is to be deleted.")
    return privacy.delete_round(db, rnd.id, data_dir, by=by)


def anonymise_past_retention(
    db: sqlite_utils.Database, years: int, today: dt.date, *, by: Actor, dry_run: bool = False
) -> list[tuple[Round, int]]:
    """Rounds older than ``years`` that still name someone, each with how many were anonymised.

    Nothing is changed when ``years`` is 0 (retention off) or on a dry run (counts are 0).
    """
    if years <= 0:
        return []
    due = privacy.rounds_due(db, years, today)
    if dry_run:
        return [(rnd, 0) for rnd in due]
    return [(rnd, privacy.anonymise_round(db, rnd.id, by=by)) for rnd in due]
