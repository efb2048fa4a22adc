"""A round's provisional result: its answers and evidence, scored by the domain, with history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from service.assist.summaries import comment_digest, comments_by_subquestion
from service.caching import LruCache
from service.domain.answers import AnswerSet
from service.domain.assessment import Assessment, assess
from service.domain.assistant import SubquestionSummary, SummaryRequest
from service.domain.benchmarks import EarlierRound
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import Score, score
from service.errors import NotFound
from service.i18n import Translator
from service.questionnaires import Catalog
from service.report.model import build
from service.report.rows import ReportModel
from service.report.summaries import summary_rows
from service.storage import accounts, answers, evidence, respondents, round_summaries
from service.storage.content import plans_digest, round_digest
from service.storage.rounds import Round, RoundStatus, list_rounds

CACHE_SIZE = 64
SUMMARY_SENTENCES = 3  # representative sentences per sub-question in the extractive summary


# Keys carry a digest of everything the value is computed from (``storage.content``).
SCORES = LruCache(CACHE_SIZE)
RESULTS = LruCache(CACHE_SIZE)
MODELS = LruCache(CACHE_SIZE)


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
        result = earlier_score(db, q, other)
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


def earlier_score(db: sqlite_utils.Database, q: Questionnaire, rnd: Round) -> Score:
    """A round's score, computed once per content of the round."""
    key = ("score", rnd.id, q.id, q.version, round_digest(db, rnd.id))
    return SCORES.get(key, lambda: score(q, answer_set(db, rnd)))


def scored(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round
) -> tuple[Questionnaire, AnswerSet, Assessment]:
    """The round's questionnaire, current answers and full provisional result.

    Cached by a digest of the round's content and of the earlier rounds it is compared with,
    so repeated views and status polls of an unchanged round do not score again.
    """
    q = questionnaire_of(catalog, rnd)
    history = earlier_rounds(db, catalog, rnd)
    key = ("assessment", rnd.id, q.id, q.version, round_digest(db, rnd.id), repr(history))

    def make() -> tuple[AnswerSet, Assessment]:
        answers_now = answer_set(db, rnd)
        return answers_now, assess(q, answers_now, catalog.references(q.id), history)

    answers_now, result = RESULTS.get(key, make)
    return q, answers_now, result


def assessment(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> Assessment:
    """The round's full provisional result, as the CLI, pages, PDF and exports show it."""
    return scored(db, catalog, rnd)[2]


def report_model(
    db: sqlite_utils.Database, catalog: Catalog, rnd: Round, t: Translator
) -> ReportModel:
    """The localized results of a round with its development plan, as the page and the PDF show them.

    Cached by the round's content digest (which includes its plan), the earlier rounds and the
    locale, so the report status poll does not rebuild the model.
    """
    # planning builds on this module (earlier scores), so it is imported here, not at the top.
    from service import planning  # noqa: PLC0415

    q, answers_now, result = scored(db, catalog, rnd)
    key = (
        "model",
        rnd.id,
        q.id,
        q.version,
        round_digest(db, rnd.id),
        plans_digest(db, rnd.municipality_id),
        repr(result.history),
        t.locale,
        dt.datetime.now(dt.UTC).date().isoformat(),
    )

    def make() -> ReportModel:
        shown = planning.round_plan(db, q, rnd, result)
        notes = {
            planning.PlanSource.SUGGESTED: t(
                "Suggested by Kompass from the largest gaps; the coordinator can edit it."
            ),
            planning.PlanSource.EDITED: t("As edited by the coordinator."),
            planning.PlanSource.CARRIED: t(
                "Carried from %(round)s; “Change” shows how each measure's indicators moved since.",
                round=shown.since,
            ),
        }
        if shown.source is planning.PlanSource.EDITED and shown.since:
            notes[shown.source] = t(
                "As edited by the coordinator, first made for %(round)s; “Change” shows how each measure's indicators moved since.",
                round=shown.since,
            )
        municipality = accounts.get_municipality(db, rnd.municipality_id)
        said = described(db, catalog, q, answers_now, rnd, t.locale)
        return build(
            q,
            result,
            answers_now,
            evidence.list_for_round(db, rnd.id),
            t,
            municipality=municipality.name,
            round_name=rnd.name,
            plan=shown.areas,
            summaries=summary_rows(q, answers_now, said, t),
            plan_note=notes[shown.source],
        )

    return MODELS.get(key, make)


def described(
    db: sqlite_utils.Database,
    catalog: Catalog,
    q: Questionnaire,
    answers_now: AnswerSet,
    rnd: Round,
    lang: str,
) -> dict[str, SubquestionSummary]:
    """What respondents described, per sub-question with comments, as the report shows it.

    A summary the language model wrote (``service.summarising``) is used while it was written
    from exactly the current comments, in this language; otherwise the offline extractive one
    (representative sentences, quoted). Nothing here calls the model: the report must not
    depend on a remote service, and a new or changed comment falls back on its own.
    """
    from service import assisting  # noqa: PLC0415 - assisting builds on this module

    stored = round_summaries.for_round(db, rnd.id, lang)
    offline = assisting.offline_assistant(catalog)
    out: dict[str, SubquestionSummary] = {}
    for sq_id, comments in comments_by_subquestion(q, answers_now).items():
        kept = stored.get(sq_id)
        if kept is not None and kept.source_digest == comment_digest(comments):
            out[sq_id] = SubquestionSummary(
                subquestion=sq_id,
                text=kept.text,
                sources=comments,
                comment_count=len(comments),
                provider=kept.provider,
            )
        else:
            out[sq_id] = offline.summarise(
                SummaryRequest(
                    questionnaire=q.id,
                    subquestion=sq_id,
                    lang=lang,
                    comments=comments,
                    max_sentences=SUMMARY_SENTENCES,
                )
            )
    return out


def report_dir(data_path: Path, rnd: Round) -> Path:
    """The round's own report cache: a key is served only for the round it was rendered from.

    Two rounds with identical content get separate files; that costs a render, and keeps
    one municipality's report out of reach through another's round when a key leaks.
    """
    return data_path / "reports" / str(rnd.id)
