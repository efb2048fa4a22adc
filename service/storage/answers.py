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

_LEVELS = msgspec.json.Decoder(dict[Dimension, int | None])


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
    db: sqlite_utils.Database, respondent_id: int, answer: IndicatorAnswer, author: str
) -> AnswerRecord:
    """Append a new version of a respondent's answer (never overwrites)."""
    with db.conn:
        cursor = db.execute(
            "INSERT INTO answers (respondent_id, indicator_id, status, levels, comment, author,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                respondent_id,
                answer.indicator,
                answer.status.value,
                msgspec.json.encode(answer.levels).decode(),
                answer.comment,
                author,
                now(),
            ],
        )
    row = db.execute("SELECT * FROM answers WHERE id = ?", [cursor.lastrowid]).fetchone()
    return _record(row)


def history(db: sqlite_utils.Database, respondent_id: int) -> list[AnswerRecord]:
    """Every stored version of every answer of a respondent, oldest first."""
    rows = db.execute(
        "SELECT * FROM answers WHERE respondent_id = ? ORDER BY id", [respondent_id]
    ).fetchall()
    return [_record(r) for r in rows]


def current(db: sqlite_utils.Database, respondent_id: int) -> dict[str, IndicatorAnswer]:
    """Each indicator's latest answer for a respondent (without evidence)."""
    rows = db.execute(
        "SELECT a.* FROM answers a JOIN (SELECT indicator_id, max(id) AS id FROM answers"
        " WHERE respondent_id = ? GROUP BY indicator_id) latest ON a.id = latest.id",
        [respondent_id],
    ).fetchall()
    return {r["indicator_id"]: _record(r).to_answer() for r in rows}


def answer_set(
    db: sqlite_utils.Database,
    questionnaire_id: str,
    respondents: Iterable[tuple[int, str]],
    evidence: dict[tuple[int, str], list[EvidenceRef]],
) -> AnswerSet:
    """The round's current answers as the scoring module expects them.

    ``respondents`` are (id, role) pairs; ``evidence`` maps (respondent, indicator) to refs.
    """
    people = []
    for respondent_id, role in respondents:
        answers = [
            msgspec.structs.replace(a, evidence=evidence.get((respondent_id, a.indicator), []))
            for a in current(db, respondent_id).values()
        ]
        answers.sort(key=lambda a: a.indicator)
        people.append(Respondent(id=f"r{respondent_id}", role=role, answers=answers))
    return AnswerSet(questionnaire=questionnaire_id, respondents=people)
