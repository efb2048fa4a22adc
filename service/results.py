"""A round's provisional result: its answers and evidence, scored by the domain, with history."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from service.domain.answers import AnswerSet
from service.domain.assessment import Assessment, assess
from service.domain.benchmarks import EarlierRound
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import score
from service.errors import NotFound
from service.i18n import Translator
from service.questionnaires import Catalog
from service.report.model import build
from service.report.rows import ReportModel
from service.storage import accounts, answers, evidence, respondents
from service.storage.rounds import Round, RoundStatus, list_rounds


def questionnaire_of(catalog: Catalog, rnd: Round) -> Questionnaire:
    """The questionnaire a round uses."""
    q = catalog.get(rnd.questionnaire_id)
    if q is None:
        raise NotFound("The questionnaire of this round is no longer installed.")
    return q


def answer_set(db: sqlite_utils.Database, rnd: Round) -> AnswerSet:
    """Every respondent's current answers in the round, with their evidence states."""
    people = [(r.id, r.role) for r in respondents.list_for_round(db, rnd.id)]
    return answers.answer_set(db, rnd.questionnaire_id, people, evidence.refs_for_round(db, rnd.id))


def earlier_rounds(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> list[EarlierRound]:
    """Closed rounds of the same municipality and questionnaire, created before ``rnd``."""
    q = questionnaire_of(catalog, rnd)
    found = []
    for other in list_rounds(db, rnd.municipality_id):
        if (
            other.id == rnd.id
            or other.questionnaire_id != rnd.questionnaire_id
            or other.status is not RoundStatus.CLOSED
            or (other.created_at, other.id) > (rnd.created_at, rnd.id)
        ):
            continue
        result = score(q, answer_set(db, other))
        found.append(
            EarlierRound(
                id=f"round-{other.id}",
                name=other.name,
                date=(other.closed_at or other.created_at)[:10],
                total=result.points,
                areas={a.number: a.points for a in result.areas},
            )
        )
    found.sort(key=lambda e: e.date)
    return found


def scored(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round
) -> tuple[Questionnaire, AnswerSet, Assessment]:
    """The round's questionnaire, current answers and full provisional result, read once."""
    q = questionnaire_of(catalog, rnd)
    answers_now = answer_set(db, rnd)
    result = assess(q, answers_now, catalog.references(q.id), earlier_rounds(db, catalog, rnd))
    return q, answers_now, result


def assessment(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> Assessment:
    """The round's full provisional result, as the CLI, pages, PDF and exports show it."""
    return scored(db, catalog, rnd)[2]


def report_model(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, t: Translator
) -> ReportModel:
    """The localized results of a round, as the results page and the PDF show them."""
    q, answers_now, result = scored(db, catalog, rnd)
    municipality = accounts.get_municipality(db, rnd.municipality_id)
    return build(
        q,
        result,
        answers_now,
        evidence.list_for_round(db, rnd.id),
        t,
        municipality=municipality.name,
        round_name=rnd.name,
    )


def report_dir(data_path: Path, rnd: Round) -> Path:
    """The round's own report cache: a key is served only for the round it was rendered from.

    Two rounds with identical content get separate files; that costs a render, and keeps
    one municipality's report out of reach through another's round when a key leaks.
    """
    return data_path / "reports" / str(rnd.id)
