"""Data-protection duties: remove a respondent's personal data, delete a round, export a person.

What Kompass stores about a respondent personally is their name and e-mail address (given
by the coordinator when inviting them). Their answers are recorded against an id and a
role only, so removing the name and address leaves anonymous answers that still count.
Every action here is recorded in the audit trail by the caller's ``by``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from service.errors import InvalidInput
from service.storage import answers, audit, evidence, respondents, rounds
from service.storage.accounts import Coordinator
from service.storage.clock import now


class RoundDeletion(msgspec.Struct, frozen=True, kw_only=True):
    """What deleting a round removed."""

    round_id: int
    respondents: int
    answers: int
    evidence: int
    files_removed: int


class PersonExport(msgspec.Struct, kw_only=True):
    """Everything Kompass stores about one person, for a data-subject access request."""

    generated_at: str
    email: str
    respondents: list[dict[str, Any]]
    coordinator: dict[str, Any] | None
    sign_in_attempts: list[audit.AuditEntry]


def clear_report_cache(data_dir: Path) -> None:
    """Drop cached PDFs: they may show what was just removed; they are rendered again on demand."""
    shutil.rmtree(data_dir / "reports", ignore_errors=True)


def remove_personal_data(
    db: sqlite_utils.Database,
    round_id: int,
    respondent_id: int,
    *,
    by: Coordinator | str,
    data_dir: Path | None = None,
) -> respondents.RespondentRecord:
    """Blank a respondent's name and e-mail address; their answers and evidence are kept."""
    respondents.get(db, round_id, respondent_id)
    with db.conn:
        db.execute("UPDATE respondents SET name = '', email = '' WHERE id = ?", [respondent_id])
    if data_dir is not None:
        clear_report_cache(data_dir)
    audit.record(
        db,
        audit.Action.PERSONAL_DATA_REMOVED,
        by=by,
        round_id=round_id,
        municipality_id=rounds.get_round_unscoped(db, round_id).municipality_id,
        target=f"respondent:{respondent_id}",
    )
    return respondents.get(db, round_id, respondent_id)


def delete_round(
    db: sqlite_utils.Database, round_id: int, data_dir: Path, *, by: Coordinator | str
) -> RoundDeletion:
    """Delete a round with its respondents, answers, evidence and evidence files.

    One transaction removes the rows; then each evidence file no other round refers to
    is deleted (files are shared by content). The audit trail keeps the deletion itself.
    """
    rnd = rounds.get_round_unscoped(db, round_id)
    ids = [r.id for r in respondents.list_for_round(db, round_id)]
    marks = ", ".join("?" for _ in ids)
    digests = {
        str(r[0])
        for r in db.execute(
            f"SELECT sha256 FROM evidence WHERE kind = 'file' AND sha256 IS NOT NULL"  # noqa: S608
            f" AND (round_id = ? OR respondent_id IN ({marks}))",
            [round_id, *ids],
        )
    }
    with db.conn:
        db.conn.executemany(
            "INSERT OR IGNORE INTO erasing (respondent_id) VALUES (?)", [[i] for i in ids]
        )
        n_answers = db.execute(
            f"DELETE FROM answers WHERE respondent_id IN ({marks})",  # noqa: S608 - placeholders
            ids,
        ).rowcount
        db.execute("DELETE FROM erasing")
        # What the assistant derived or kept beside the answers and evidence goes with them.
        db.execute(
            f"DELETE FROM assistant_proposals WHERE respondent_id IN ({marks})",  # noqa: S608
            ids,
        )
        their_evidence = f"SELECT id FROM evidence WHERE respondent_id IN ({marks})"  # noqa: S608
        db.execute(
            f"DELETE FROM evidence_text WHERE round_id = ? OR evidence_id IN ({their_evidence})",  # noqa: S608
            [round_id, *ids],
        )
        db.execute("DELETE FROM round_assistant WHERE round_id = ?", [round_id])
        # Summaries the language model wrote from the round's comments.
        db.execute("DELETE FROM round_summaries WHERE round_id = ?", [round_id])
        n_evidence = db.execute(
            f"DELETE FROM evidence WHERE round_id = ? OR respondent_id IN ({marks})",  # noqa: S608
            [round_id, *ids],
        ).rowcount
        # Who was assigned which indicators, and the round's coverage settings, go too.
        db.execute("DELETE FROM assignments WHERE round_id = ?", [round_id])
        db.execute("DELETE FROM round_coverage WHERE round_id = ?", [round_id])
        # The round's development plan (owners may be named in it) goes with the round.
        db.execute("DELETE FROM plans WHERE round_id = ?", [round_id])
        db.execute("DELETE FROM respondents WHERE round_id = ?", [round_id])
        db.execute("DELETE FROM rounds WHERE id = ?", [round_id])
    root = data_dir / "evidence"
    removed = sum(evidence.delete_file_if_unused(db, root, d) for d in sorted(digests))
    clear_report_cache(data_dir)
    result = RoundDeletion(
        round_id=round_id,
        respondents=len(ids),
        answers=n_answers,
        evidence=n_evidence,
        files_removed=removed,
    )
    audit.record(
        db,
        audit.Action.ROUND_DELETED,
        by=by,
        round_id=round_id,
        municipality_id=rnd.municipality_id,
        details={"name": rnd.name, **msgspec.structs.asdict(result)},
    )
    return result


def _respondent_data(
    db: sqlite_utils.Database, record: respondents.RespondentRecord
) -> dict[str, Any]:
    rnd = rounds.get_round_unscoped(db, record.round_id)
    return {
        "respondent": msgspec.to_builtins(record),
        "round": {"id": rnd.id, "name": rnd.name, "questionnaire": rnd.questionnaire_id},
        "answers": msgspec.to_builtins(answers.history(db, record.id)),
        "evidence": [
            {
                **msgspec.to_builtins(e),
                "reviews": msgspec.to_builtins(evidence.review_history(db, e.id)),
            }
            for e in evidence.list_for_round(db, rnd.id)
            if e.respondent_id == record.id
        ],
        # What they wrote in their own words for the assistant, and what it proposed.
        "assistant_proposals": [
            dict(row)
            for row in db.execute(
                "SELECT indicator_id, text, proposal, provider, created_at"
                " FROM assistant_proposals WHERE respondent_id = ? ORDER BY id",
                [record.id],
            ).fetchall()
        ],
        "audit": msgspec.to_builtins(audit.about_actor(db, f"respondent:{record.id}")),
    }


def export_person(
    db: sqlite_utils.Database,
    email: str,
    *,
    by: Coordinator | str,
    municipality_id: int | None = None,
) -> PersonExport:
    """Everything stored about the person with this e-mail address (within one municipality).

    Respondent invitations with the address (with every version of every answer, evidence
    and review history, and audit entries about them), a coordinator account with the
    address (without its password hash) and sign-in attempts made with it.
    """
    email = email.strip()
    if "@" not in email:
        raise InvalidInput("Enter a valid e-mail address.")
    rows = db.execute(
        "SELECT p.id, p.round_id FROM respondents p JOIN rounds r ON r.id = p.round_id"
        " WHERE p.email = ? COLLATE NOCASE AND (? IS NULL OR r.municipality_id = ?)"
        " ORDER BY p.id",
        [email, municipality_id, municipality_id],
    ).fetchall()
    people = [_respondent_data(db, respondents.get(db, r["round_id"], r["id"])) for r in rows]
    account = db.execute(
        "SELECT id, municipality_id, email, name, created_at FROM coordinators"
        " WHERE email = ? COLLATE NOCASE",
        [email],
    ).fetchone()
    coordinator = None
    if account is not None and municipality_id in {None, account["municipality_id"]}:
        coordinator = {
            "account": dict(account),
            "audit": msgspec.to_builtins(audit.about_actor(db, f"coordinator:{account['id']}")),
        }
    # Failed sign-ins belong to no municipality: only the operator's export includes them.
    attempts = audit.failed_sign_ins(db, email) if municipality_id is None else []
    audit.record(
        db,
        audit.Action.PERSONAL_DATA_EXPORTED,
        by=by,
        municipality_id=municipality_id,
        details={"respondents": len(people), "coordinator": coordinator is not None},
    )
    return PersonExport(
        generated_at=now(),
        email=email,
        respondents=people,
        coordinator=coordinator,
        sign_in_attempts=attempts,
    )


def export_respondent(
    db: sqlite_utils.Database, round_id: int, respondent_id: int, *, by: Coordinator | str
) -> PersonExport:
    """Everything about one invited respondent: by their e-mail address when they have one
    (so their other invitations in the municipality are included), otherwise this one."""
    record = respondents.get(db, round_id, respondent_id)
    rnd = rounds.get_round_unscoped(db, round_id)
    if record.email:
        return export_person(db, record.email, by=by, municipality_id=rnd.municipality_id)
    audit.record(
        db,
        audit.Action.PERSONAL_DATA_EXPORTED,
        by=by,
        round_id=round_id,
        municipality_id=rnd.municipality_id,
        target=f"respondent:{respondent_id}",
    )
    return PersonExport(
        generated_at=now(),
        email="",
        respondents=[_respondent_data(db, record)],
        coordinator=None,
        sign_in_attempts=[],
    )


def rounds_due(db: sqlite_utils.Database, years: int, today: dt.date) -> list[rounds.Round]:
    """Rounds older than ``years`` (since closing, or creation if never closed) that still
    hold a respondent's name or e-mail address."""
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        cutoff = today.replace(year=today.year - years, day=28)
    rows = db.execute(
        "SELECT DISTINCT r.* FROM rounds r JOIN respondents p ON p.round_id = r.id"
        " WHERE substr(coalesce(r.closed_at, r.created_at), 1, 10) < ?"
        " AND (p.name != '' OR p.email != '') ORDER BY r.id",
        [cutoff.isoformat()],
    ).fetchall()
    return [msgspec.convert(dict(r), rounds.Round) for r in rows]


def anonymise_round(db: sqlite_utils.Database, round_id: int, *, by: Coordinator | str) -> int:
    """Remove every respondent's name and e-mail address in a round; return how many had any."""
    rnd = rounds.get_round_unscoped(db, round_id)
    with db.conn:
        changed = db.execute(
            "UPDATE respondents SET name = '', email = '' WHERE round_id = ?"
            " AND (name != '' OR email != '')",
            [round_id],
        ).rowcount
    audit.record(
        db,
        audit.Action.ROUND_ANONYMISED,
        by=by,
        round_id=round_id,
        municipality_id=rnd.municipality_id,
        details={"respondents": changed},
    )
    return changed
