"""Summaries the language model writes for the results page and the PDF, stored for the report.

The report is cached by content and rendered ahead of time, so it must never wait for (or
depend on) a remote service: the model is asked only here, when a coordinator asks for it
(the results page's button, ``POST /api/v1/rounds/{id}/summaries``,
``kompass assist summarise``), and what it wrote is stored with a digest of the exact comments
it was written from (``storage/round_summaries.py``). ``results.report_model`` shows a stored
summary only while that digest still matches the current comments; otherwise the offline,
extractive summary is shown, so a new or changed comment can never hide behind an old text.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import sqlite_utils

from service import assisting, results
from service.assist.llm import LLMConfig
from service.assist.summaries import comment_digest, comments_by_subquestion
from service.domain.assistant import Assistant, Comment, SubquestionSummary, SummaryRequest
from service.domain.errors import Conflict, InvalidInput
from service.domain.messages import N_
from service.domain.rounds import Round
from service.i18n import translator
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import audit, round_assistant, round_summaries
from service.storage.accounts import Coordinator
from service.storage.audit import Actor

LANGS = ("nb", "sv", "en")

NO_MODEL = N_(
    "No language model is configured for this service, so only the built-in summaries are shown."
)
NOT_ALLOWED = N_("The language model is switched off for this round.")
UNKNOWN_LANGUAGE = N_("Choose the language of the summaries: nb, sv or en.")
STOPPED = N_(
    "Writing the summaries stopped because the service was shut down; ask again for the rest."
)

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` sub-questions with comments: once before the first, then after each."""


class Interrupted(Exception):
    """Raised by a ``Progress`` callback to stop early (the service is shutting down).

    What the model wrote until then is stored; the remaining sub-questions count as
    ``fell_back`` and ``notice`` says why.
    """


class SummariesWritten(msgspec.Struct, frozen=True, kw_only=True):
    """What one request for summaries did, per sub-question with comments."""

    round_id: int
    lang: str
    subquestions: int  # sub-questions with comments
    written: int  # written by the model now and stored
    unchanged: int  # already stored for exactly these comments: the model was not asked again
    fell_back: int  # the model could not be used: the extractive summary stays
    notice: str = ""  # why the model could not be used, in ``lang``


def configured(settings: Settings) -> bool:
    """Whether a language model is configured for the service at all."""
    return LLMConfig.from_settings(settings) is not None


def can_write(db: sqlite_utils.Database, settings: Settings, rnd: Round) -> bool:
    """Whether summaries may be written for the round: a model configured and allowed."""
    return configured(settings) and round_assistant.llm_allowed(db, rnd.id)


def ensure_allowed(db: sqlite_utils.Database, settings: Settings, rnd: Round) -> None:
    """Refuse (409, ``Conflict``) when no model is configured or the round switched it off."""
    if not configured(settings):
        raise Conflict(NO_MODEL)
    if not round_assistant.llm_allowed(db, rnd.id):
        raise Conflict(NOT_ALLOWED)


def write_summaries(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: Round,
    lang: str,
    settings: Settings,
    *,
    by: Actor,
    progress: Progress | None = None,
) -> SummariesWritten:
    """Ask the language model for a summary of each sub-question's comments and store them.

    Refused (409) when no model is configured or the round switched it off; ``rnd`` is already
    scoped to the coordinator. Only the comment texts are sent (``docs/privacy.md``). A
    sub-question whose stored summary was written from exactly the current comments is not
    asked again. Once the model fails, it is not asked for the rest (each failure may be a
    whole timeout); those keep the extractive summary and ``notice`` says why. Audited as
    ``summaries_written``. ``progress`` (the web layer's background job) is told how far it
    got; it may raise ``Interrupted`` to stop early, and what was written is still stored.
    """
    ensure_allowed(db, settings, rnd)
    if lang not in LANGS:
        raise InvalidInput(UNKNOWN_LANGUAGE)
    q, answers_now, _ = results.scored(db, catalog, rnd)
    grouped = comments_by_subquestion(q, answers_now)
    stored = round_summaries.for_round(db, rnd.id, lang)
    new: list[round_summaries.NewSummary] = []
    unchanged = fell_back = 0
    notice = ""
    tell = progress or _quiet
    stopped = _told(tell, 0, len(grouped))
    with assisting.assistant_for(db, catalog, settings, rnd) as assistant:
        for asked, (sq_id, comments) in enumerate(grouped.items(), start=1):
            digest = comment_digest(comments)
            if sq_id in stored and stored[sq_id].source_digest == digest:
                unchanged += 1
            elif notice or stopped:
                fell_back += 1
            else:
                written = _ask(assistant, q.id, sq_id, lang, comments)
                if written.provider == "offline" or not written.text.strip():
                    fell_back += 1
                    notice = written.notice or notice
                else:
                    new.append(
                        round_summaries.NewSummary(
                            subquestion=sq_id,
                            text=written.text.strip(),
                            provider=written.provider,
                            model=settings.llm_model,
                            source_digest=digest,
                            comment_count=len(comments),
                        )
                    )
            if not stopped and _told(tell, asked, len(grouped)):
                stopped = True
    if stopped and fell_back and not notice:
        notice = translator(lang).gettext(STOPPED)
    round_summaries.save(db, rnd.id, lang, new, by.id if isinstance(by, Coordinator) else None)
    done = SummariesWritten(
        round_id=rnd.id,
        lang=lang,
        subquestions=len(grouped),
        written=len(new),
        unchanged=unchanged,
        fell_back=fell_back,
        notice=notice,
    )
    _audit(db, rnd, by, done)
    return done


def _quiet(done: int, total: int) -> None:
    """No one is listening for progress (the command line)."""


def _told(progress: Progress, done: int, total: int) -> bool:
    """Tell ``progress`` how far it got; whether it asked to stop."""
    try:
        progress(done, total)
    except Interrupted:
        return True
    return False


def _ask(
    assistant: Assistant, questionnaire: str, sq_id: str, lang: str, comments: list[Comment]
) -> SubquestionSummary:
    """The provider's summary of one sub-question's comments (the model's, or the fallback's)."""
    return assistant.summarise(
        SummaryRequest(questionnaire=questionnaire, subquestion=sq_id, lang=lang, comments=comments)
    )


def _audit(db: sqlite_utils.Database, rnd: Round, by: Actor, done: SummariesWritten) -> None:
    """One entry per request: the language and the counts (never the texts or comments)."""
    audit.record(
        db,
        audit.Action.SUMMARIES_WRITTEN,
        by=by,
        round_id=rnd.id,
        municipality_id=rnd.municipality_id,
        target=f"summaries:{rnd.id}",
        details={
            "lang": done.lang,
            "written": done.written,
            "unchanged": done.unchanged,
            "fell_back": done.fell_back,
        },
    )
