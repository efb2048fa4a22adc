"""The audit trail: every coordinator action and sign-in, with who, when and what.

Append-only like the answers (triggers refuse UPDATE and DELETE). Entries name people by
account (a coordinator's id and e-mail at the time) and respondents by id only, never by
name, so removing a respondent's personal data leaves nothing personal here about them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import msgspec
import sqlite_utils

from service.storage.accounts import Coordinator
from service.storage.clock import now


class Action(StrEnum):
    """What happened. The value is stored; labels are translated where they are shown."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    ROUND_CREATED = "round_created"
    ROUND_OPENED = "round_opened"
    ROUND_CLOSED = "round_closed"
    ROUND_REOPENED = "round_reopened"
    ROUND_FINALISED = "round_finalised"
    COVERAGE_CHANGED = "coverage_changed"
    ROUND_DELETED = "round_deleted"
    ROUND_ANONYMISED = "round_anonymised"
    INVITATION_ISSUED = "invitation_issued"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_REISSUED = "invitation_reissued"
    REMINDER_SENT = "reminder_sent"
    EVIDENCE_ACCEPTED = "evidence_accepted"
    EVIDENCE_REJECTED = "evidence_rejected"
    EVIDENCE_WITHDRAWN = "evidence_withdrawn"
    PLAN_EDITED = "plan_edited"
    SUMMARIES_WRITTEN = "summaries_written"
    LANGUAGE_MODEL_SWITCHED = "language_model_switched"
    EXPORT_DOWNLOADED = "export_downloaded"
    AUDIT_EXPORTED = "audit_exported"
    PERSONAL_DATA_REMOVED = "personal_data_removed"
    PERSONAL_DATA_EXPORTED = "personal_data_exported"


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One recorded action."""

    id: int
    at: str
    municipality_id: int | None
    round_id: int | None
    actor: str  # "coordinator:3", "respondent:12", "operator" (command line), "anonymous"
    actor_name: str  # a coordinator's e-mail at the time, or the e-mail tried at sign-in
    action: Action
    target: str  # "respondent:12", "evidence:4", "export:answers.csv", ...
    details: dict[str, Any]


Actor = Coordinator | str
"""Who did something: the signed-in coordinator, or an actor string (see ``AuditEntry.actor``)."""

OPERATOR = "operator"
"""The actor of changes made with the ``kompass`` command on the server."""

_DETAILS = msgspec.json.Decoder(dict[str, Any])


def record(
    db: sqlite_utils.Database,
    action: Action,
    *,
    by: Actor,
    round_id: int | None = None,
    target: str = "",
    municipality_id: int | None = None,
    name: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry; ``by`` is the signed-in coordinator or an actor string.

    Committed on its own: the action it records has already happened, and an entry must
    not depend on (or roll back with) a later step of the same request.
    """
    if isinstance(by, Coordinator):
        actor, name = f"coordinator:{by.id}", name or by.email
        municipality_id = municipality_id if municipality_id is not None else by.municipality_id
    else:
        actor = by
    with db.conn:
        db.execute(
            "INSERT INTO audit_log (at, municipality_id, round_id, actor, actor_name, action,"
            " target, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                municipality_id,
                round_id,
                actor,
                name[:254],
                action.value,
                target,
                msgspec.json.encode(dict(details or {})).decode(),
            ],
        )


def _entry(row: sqlite3.Row) -> AuditEntry:
    data = dict(row)
    data["details"] = _DETAILS.decode(data["details"])
    return msgspec.convert(data, AuditEntry)


def for_round(db: sqlite_utils.Database, round_id: int) -> list[AuditEntry]:
    """A round's trail, oldest first."""
    rows = db.execute(
        "SELECT * FROM audit_log WHERE round_id = ? ORDER BY id", [round_id]
    ).fetchall()
    return [_entry(r) for r in rows]


def entries(
    db: sqlite_utils.Database, round_id: int | None = None, municipality_id: int | None = None
) -> list[AuditEntry]:
    """The whole trail, or one round's or one municipality's, oldest first."""
    where, params = [], []
    if round_id is not None:
        where.append("round_id = ?")
        params.append(round_id)
    if municipality_id is not None:
        where.append("municipality_id = ?")
        params.append(municipality_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = db.execute(f"SELECT * FROM audit_log{clause} ORDER BY id", params).fetchall()  # noqa: S608 - fixed clauses
    return [_entry(r) for r in rows]


def about_actor(db: sqlite_utils.Database, actor: str) -> list[AuditEntry]:
    """Entries made by, or about, one actor (e.g. ``respondent:12``): for access requests."""
    rows = db.execute(
        "SELECT * FROM audit_log WHERE actor = ? OR target = ? ORDER BY id", [actor, actor]
    ).fetchall()
    return [_entry(r) for r in rows]


def failed_sign_ins(db: sqlite_utils.Database, email: str) -> list[AuditEntry]:
    """Failed sign-in attempts made with this e-mail address, oldest first."""
    rows = db.execute(
        "SELECT * FROM audit_log WHERE action = ? AND actor_name = ? COLLATE NOCASE ORDER BY id",
        [Action.SIGN_IN_FAILED.value, email.strip()],
    ).fetchall()
    return [_entry(r) for r in rows]


REVIEW_ACTIONS = {"accepted": Action.EVIDENCE_ACCEPTED, "rejected": Action.EVIDENCE_REJECTED}
"""The audit action of each review decision (keys are ``ReviewState`` values)."""


def sign_in(
    db: sqlite_utils.Database, email: str, coordinator: Coordinator | None, client: str = ""
) -> None:
    """Record a sign-in attempt: success for ``coordinator``, failure when it is None."""
    details = {"client": client} if client else {}
    if coordinator is not None:
        record(db, Action.SIGN_IN, by=coordinator, details=details)
    else:
        record(db, Action.SIGN_IN_FAILED, by="anonymous", name=email.strip(), details=details)
