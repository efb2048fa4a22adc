"""Answers, append-only: every change is a new row with who and when; the latest row counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import msgspec
import sqlite_utils

from service.domain.answers import (
    AnswerSet,
    EvidenceRef,
    IndicatorAnswer,
    Respondent,
    Status,
)
from service.domain.questionnaire import Dimension
from service.storage.clock import now
from service.storage.db import write_turn
from service.storage.respondents import SAVE_POSITION

_LEVELS = msgspec.json.Decoder(dict[Dimension, int | None])
_STATUS = {s.value: s for s in Status}  # a dict lookup is several times faster than Status(v)


class AnswerRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One stored version of an answer."""

    id: int
    respondent_id: int
    indicator_id: str
    status: Status
    levels: dict[Dimension, int | None]
    comment: str
    author: str
    created_at: str

    def to_answer(self) -> IndicatorAnswer:
        """The domain answer this version records (without evidence)."""
        return IndicatorAnswer(
            indicator=self.indicator_id,
            status=self.status,
            levels=self.levels,
            comment=self.comment,
        )


def _record(row: sqlite3.Row) -> AnswerRecord:
    data = dict(row)
    data["levels"] = _LEVELS.decode(data["levels"])
    return msgspec.convert(data, AnswerRecord)


def save(
    db: sqlite_utils.Database,
    respondent_id: int,
    answer: IndicatorAnswer,
    author: str,
    *,
    position: tuple[str, str] | None = None,
) -> AnswerRecord:
    """Append a new version of a respondent's answer (never overwrites).

    With ``position`` (indicator, step), where the respondent goes next is remembered in
    the same transaction: one commit, one sync of the log and one turn at the write lock
    per saved card instead of two (the lock is what concurrent respondents queue for).
    """
    stamp = now()
    levels = msgspec.json.encode(answer.levels).decode()
    # sqlite3 opens the transaction at the INSERT and the block commits it (or rolls it
    # back): ``db.conn.execute``, because sqlite-utils' ``execute`` commits each statement.
    with write_turn(db), db.conn:
        cursor = db.conn.execute(
            "INSERT INTO answers (respondent_id, indicator_id, status, levels, comment, author,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                respondent_id,
                answer.indicator,
                answer.status.value,
                levels,
                answer.comment,
                author,
                stamp,
            ],
        )
        if position is not None:
            db.conn.execute(SAVE_POSITION, [*position, stamp, respondent_id])
    row_id = cursor.lastrowid
    if row_id is None:  # pragma: no cover - an INSERT always sets it
        raise RuntimeError("the answer was not stored")
    # The stored row is exactly what was written: no need to read it back.
    return AnswerRecord(
        id=row_id,
        respondent_id=respondent_id,
        indicator_id=answer.indicator,
        status=answer.status,
        levels=_LEVELS.decode(levels),
        comment=answer.comment,
        author=author,
        created_at=stamp,
    )


def history(db: sqlite_utils.Database, respondent_id: int) -> list[AnswerRecord]:
    """Every stored version of every answer of a respondent, oldest first."""
    rows = db.execute(
        "SELECT * FROM answers WHERE respondent_id = ? ORDER BY id", [respondent_id]
    ).fetchall()
    return [_record(r) for r in rows]


# The latest version of each (respondent, indicator): the answers_current index holds
# (respondent_id, indicator_id, id), so the grouping is read from the index alone.
_LATEST = (
    "SELECT a.respondent_id, a.indicator_id, a.status, a.levels, a.comment FROM answers a"
    " JOIN (SELECT max(id) AS id FROM answers WHERE respondent_id {where}"
    " GROUP BY respondent_id, indicator_id) latest ON a.id = latest.id"
)
_CURRENT = _LATEST.format(where="= ?")
_CURRENT_MANY = _LATEST.format(where="IN (SELECT value FROM json_each(?))")


def _answer(row: sqlite3.Row, evidence: list[EvidenceRef] | None = None) -> IndicatorAnswer:
    """The domain answer a stored row records.

    Built directly rather than through ``msgspec.convert`` of the whole row: this runs for
    every answer of every respondent each time a round is scored, and the columns were
    checked on the way in (status by a CHECK constraint, levels by the typed decoder).
    """
    return IndicatorAnswer(
        indicator=row[1],
        status=_STATUS[row[2]],
        levels=_LEVELS.decode(row[3]),
        comment=row[4],
        evidence=evidence if evidence is not None else [],
    )


def current(db: sqlite_utils.Database, respondent_id: int) -> dict[str, IndicatorAnswer]:
    """Each indicator's latest answer for a respondent (without evidence)."""
    rows = db.execute(_CURRENT, [respondent_id]).fetchall()
    return {row[1]: _answer(row) for row in rows}


# The latest version of each of the given indicators: one seek per indicator in the
# answers_current index (its max id), however many versions the respondent has saved.
_CURRENT_OF = (
    "SELECT a.respondent_id, a.indicator_id, a.status, a.levels, a.comment FROM answers a"
    " WHERE a.id IN (SELECT (SELECT max(b.id) FROM answers b WHERE b.respondent_id = ?"
    " AND b.indicator_id = j.value) FROM json_each(?) j)"
)


def current_of(
    db: sqlite_utils.Database, respondent_id: int, indicators: Iterable[str]
) -> dict[str, IndicatorAnswer]:
    """:func:`current` for the given indicators only (say, a role's): its cost follows the
    number of indicators, not of stored versions, which grows with every saved card."""
    ids = msgspec.json.encode(list(indicators)).decode()
    rows = db.execute(_CURRENT_OF, [respondent_id, ids]).fetchall()
    return {row[1]: _answer(row) for row in rows}


def answer_set(
    db: sqlite_utils.Database,
    questionnaire_id: str,
    respondents: Iterable[tuple[int, str]],
    evidence: dict[tuple[int, str], list[EvidenceRef]],
) -> AnswerSet:
    """The round's current answers as the scoring module expects them.

    ``respondents`` are (id, role) pairs; ``evidence`` maps (respondent, indicator) to refs.
    One query for everyone, not one per respondent: a round has dozens of respondents and
    the results page, the report and the exports all read it.
    """
    people = list(respondents)
    listed = {respondent_id for respondent_id, _ in people}
    given: dict[int, list[IndicatorAnswer]] = {respondent_id: [] for respondent_id in listed}
    attached: set[tuple[int, str]] = set()
    if listed:
        ids = [respondent_id for respondent_id, _ in people]
        for row in db.execute(_CURRENT_MANY, [msgspec.json.encode(ids).decode()]):
            respondent_id = row[0]
            given[respondent_id].append(_answer(row, evidence.get((respondent_id, row[1]), [])))
            attached.add((respondent_id, row[1]))
    result = []
    for respondent_id, role in people:
        answers = given[respondent_id]
        answers.sort(key=lambda a: a.indicator)
        result.append(Respondent(id=f"r{respondent_id}", role=role, answers=answers))
    # Evidence uploaded without an answer still documents the indicator (scoring decides).
    unattached: dict[str, list[EvidenceRef]] = {}
    for key in sorted(k for k in set(evidence) - attached if k[0] in listed):
        unattached.setdefault(key[1], []).extend(evidence[key])
    return AnswerSet(questionnaire=questionnaire_id, respondents=result, evidence=unattached)


def saved_after(db: sqlite_utils.Database, round_id: int, day: str) -> dict[int, int]:
    """Answer versions saved after ``day`` (YYYY-MM-DD, UTC), counted per respondent of the round."""
    rows = db.execute(
        "SELECT a.respondent_id, COUNT(*) FROM answers a JOIN respondents r"
        " ON r.id = a.respondent_id WHERE r.round_id = ? AND substr(a.created_at, 1, 10) > ?"
        " GROUP BY a.respondent_id",
        [round_id, day],
    ).fetchall()
    return {int(row[0]): int(row[1]) for row in rows}
