"""Use cases of the assistant in a respondent's card, and its coordinator-side helpers.

The card asks the assistant to *interpret* free text (a proposal the respondent accepts or
adjusts), to *explain* a term or the question, to *check* a card before it is saved, and to
look at an uploaded file. Like ``service.answering`` these take the database, the catalog and
the settings plus a respondent's :class:`~service.answering.Visit` (from their personal link),
so pages, the JSON API and tests call the same code. Which provider answers is decided here
once: the optional language model only when it is configured *and* the round allows it.

Nothing here changes an answer. ``interpret`` appends the text and the proposal to
``assistant_proposals``; the final levels are the answer the card saves, kept beside it.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import msgspec
import sqlite_utils

from service import answering
from service.assist.evidence import check_and_index
from service.assist.llm import LLMAssistant, make_assistant
from service.assist.offline import MAX_TEXT, OfflineAssistant
from service.caching import LruCache
from service.domain import rounds as rules
from service.domain.answers import IndicatorAnswer, Status
from service.domain.assistant import (
    Assistant,
    CheckRequest,
    CheckResult,
    EvidenceCheck,
    EvidenceCheckRequest,
    ExplainRequest,
    Explanation,
    Interpretation,
)
from service.domain.errors import InvalidInput, KompassError, NotFound
from service.domain.messages import N_
from service.domain.questionnaire import Dimension, Questionnaire
from service.domain.rounds import Round
from service.questionnaires import Catalog
from service.results import questionnaire_of
from service.settings import Settings
from service.storage import (
    assistant_proposals,
    audit,
    evidence,
    evidence_text,
    round_assistant,
)
from service.storage.evidence import EvidenceRecord

# The same bound as the card's comment (``dialog.MAX_COMMENT``) and the command line.
MAX_QUESTION = 500
LANGS = ("nb", "sv", "en")

ASK_FIRST = N_("Write a question first.")
QUESTION_TOO_LONG = N_("Please keep the question under %(max)s characters.")
TOO_MANY_PENDING = N_("The number of files about to be added must be between 0 and 20.")

_offline: weakref.WeakKeyDictionary[Catalog, OfflineAssistant] = weakref.WeakKeyDictionary()
_offline_lock = threading.Lock()


def offline_assistant(catalog: Catalog) -> OfflineAssistant:
    """The offline assistant of a catalog, built once (examples, glossary, search indexes)."""
    with _offline_lock:
        found = _offline.get(catalog)
        if found is None:
            found = OfflineAssistant(catalog)
            _offline[catalog] = found
        return found


@contextmanager
def assistant_for(
    db: sqlite_utils.Database, catalog: Catalog, settings: Settings, rnd: Round
) -> Iterator[Assistant]:
    """The provider for one request: the language model if configured and allowed, else offline."""
    offline = offline_assistant(catalog).with_db(db)
    chosen = make_assistant(settings, offline, round_assistant.llm_allowed(db, rnd.id))
    try:
        yield chosen
    finally:
        if isinstance(chosen, LLMAssistant):
            chosen.client.close()


def _lang(lang: str, v: answering.Visit) -> str:
    """The respondent's language for the assistant; the round's when the request names another."""
    if lang in LANGS:
        return lang
    return v.round.locale if v.round.locale in LANGS else "nb"


# --- interpret -------------------------------------------------------------------------------


def interpret(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    v: answering.Visit,
    indicator_id: str,
    text: str,
    lang: str,
) -> Interpretation:
    """Propose a status and levels for the respondent's own words; store text and proposal.

    Low confidence gives ``question`` (one clarifying question) instead of a guess; the card
    shows it and leaves the levels alone. Only an answerable round stores a proposal.
    """
    _, _, ind = answering.locate(v, indicator_id)
    rules.require_answerable(v.round)
    offline = offline_assistant(catalog)
    request = offline.request(v.q.id, ind.id, _lang(lang, v), text)
    with assistant_for(db, catalog, settings, v.round) as assistant:
        result = assistant.interpret(request)
    assistant_proposals.save(db, v.respondent.id, ind.id, request.text, result)
    return result


EVIDENCE_CHECKS = LruCache(4096)  # checks of stored evidence texts, see _check_file


class AssistedAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """What the respondent wrote, what the assistant proposed, and the answer they saved."""

    indicator: str
    text: str
    proposal: Interpretation
    proposed_at: str
    answer: IndicatorAnswer | None


def assisted_answer(
    db: sqlite_utils.Database, v: answering.Visit, indicator_id: str
) -> AssistedAnswer | None:
    """The latest proposal for an indicator beside the respondent's current (final) answer."""
    _, _, ind = answering.locate(v, indicator_id)
    stored = assistant_proposals.latest(db, v.respondent.id, ind.id)
    if stored is None:
        return None
    return AssistedAnswer(
        indicator=ind.id,
        text=stored.text,
        proposal=stored.proposal,
        proposed_at=stored.created_at,
        answer=answering.current(db, v).get(ind.id),
    )


# --- explain ---------------------------------------------------------------------------------


def explain(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    v: answering.Visit,
    indicator_id: str,
    question: str,
    lang: str,
) -> Explanation:
    """Answer what a term, the question or the evidence asked for means, cited, in ``lang``.

    The round's uploaded evidence is searched too, so answers can point at its own documents.
    """
    _, _, ind = answering.locate(v, indicator_id)
    question = question.strip()
    if not question:
        raise InvalidInput(ASK_FIRST)
    if len(question) > MAX_QUESTION:
        raise InvalidInput(QUESTION_TOO_LONG, max=str(MAX_QUESTION))
    request = ExplainRequest(
        questionnaire=v.q.id,
        lang=_lang(lang, v),
        question=question,
        indicator=ind.id,
        round_id=v.round.id,
    )
    with assistant_for(db, catalog, settings, v.round) as assistant:
        return assistant.explain(request)


# --- check -----------------------------------------------------------------------------------


def check(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    v: answering.Visit,
    indicator_id: str,
    *,
    status: Status,
    levels: dict[Dimension, int | None],
    comment: str,
    lang: str,
    pending_evidence: int = 0,
) -> CheckResult:
    """Findings for a card about to be saved: contradictions and the "planned" reminder.

    The evidence count is what the respondent has attached so far plus ``pending_evidence``
    (files chosen on the card but not yet uploaded). Levels for dimensions the indicator
    does not have are ignored. Findings are asked once by the card, never blocking.
    """
    _, _, ind = answering.locate(v, indicator_id)
    if not 0 <= pending_evidence <= 20:
        raise InvalidInput(TOO_MANY_PENDING)
    if len(comment) > MAX_TEXT:
        raise InvalidInput(N_("Please keep it under %(max)s characters."), max=str(MAX_TEXT))
    for value in levels.values():
        if value is not None and not 0 <= value <= 4:
            raise InvalidInput(N_("A level is a number from 0 to 4."))
    count = len(answering.evidence_for(db, v, ind.id)) + pending_evidence
    request = CheckRequest(
        questionnaire=v.q.id,
        indicator=ind,
        lang=_lang(lang, v),
        status=status,
        levels={d: levels.get(d) for d in ind.dimensions},
        comment=comment,
        evidence_count=count,
    )
    with assistant_for(db, catalog, settings, v.round) as assistant:
        return assistant.check(request)


# --- evidence --------------------------------------------------------------------------------


def evidence_hints(
    db: sqlite_utils.Database,
    catalog: Catalog,
    settings: Settings,
    v: answering.Visit,
    evidence_id: int,
    lang: str,
    today: dt.date | None = None,
) -> EvidenceCheck:
    """After an upload: index the file's text and hint at its date, relatedness and age.

    Only the respondent's own files; links cannot be read and are refused (400).
    """
    record = evidence.get(db, v.round.id, evidence_id)
    if record.respondent_id != v.respondent.id:
        raise NotFound("No such evidence.")
    answering.locate(v, record.indicator_id)
    offline = offline_assistant(catalog).with_db(db)
    return _check_file(db, settings, offline, v.q, record, _lang(lang, v), today)


def _check_file(
    db: sqlite_utils.Database,
    settings: Settings,
    offline: OfflineAssistant,
    q: Questionnaire,
    record: EvidenceRecord,
    lang: str,
    today: dt.date | None,
) -> EvidenceCheck:
    """Hints for one file: from its stored text when it was read before, else read and index it.

    Stored text is checked again as it is, so the age always counts from ``today`` and a page
    that shows hints for every file on each visit does not extract them again.
    """
    when = today or dt.datetime.now(dt.UTC).date()
    ind = q.indicator(record.indicator_id)
    # A file's text never changes (files are kept by content), so its check depends only on
    # the evidence record, its indicator, the language and the day: the round page, which
    # shows every file's hints on each view, checks each large text once a day, not each time.
    # Keyed by the record, not the file, so that every record's text is indexed once.
    key = (q.id, q.version, record.id, record.indicator_id, lang, when)

    def check() -> EvidenceCheck:
        stored = evidence_text.get(db, record.id)
        if stored is None or ind is None:
            return check_and_index(
                db, settings.data_path / "evidence", offline, q.id, record, lang, when
            )
        return offline.check_evidence(
            EvidenceCheckRequest(
                questionnaire=q.id,
                indicator=ind,
                lang=lang,
                text=stored.text,
                today=when.isoformat(),
                filename=record.filename,
            )
        )

    return EVIDENCE_CHECKS.get(key, check)


# --- the coordinator's side ------------------------------------------------------------------


class EvidenceHint(msgspec.Struct, frozen=True, kw_only=True):
    """The assistant's hints about one uploaded file of a round, for the coordinator's review."""

    evidence_id: int
    indicator: str
    filename: str
    title: str
    effective_date: str | None  # as the respondent gave it
    check: EvidenceCheck

    @property
    def flagged(self) -> bool:
        """Whether anything is worth a second look (unrelated, old, unreadable, or a date to set)."""
        c = self.check
        return (
            c.unrelated
            or c.outdated
            or c.no_text
            or bool(c.effective_date and not self.effective_date)
        )


def round_evidence_hints(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: Round,
    lang: str,
    settings: Settings,
    today: dt.date | None = None,
) -> list[EvidenceHint]:
    """Hints for every uploaded file of a round: unrelated, older than four years, proposed date.

    Text already extracted (after the respondent's upload) is checked again as it is, so the
    age is measured from ``today``; a file not yet read is extracted and indexed now. A file
    that cannot be read (damaged, missing) is skipped: the review page still lists it.
    """
    q = questionnaire_of(catalog, rnd)
    offline = offline_assistant(catalog).with_db(db)
    when = today or dt.datetime.now(dt.UTC).date()
    chosen = lang if lang in LANGS else "nb"
    out: list[EvidenceHint] = []
    for record in evidence.list_for_round(db, rnd.id):
        if record.kind != "file" or not record.sha256:
            continue
        if q.indicator(record.indicator_id) is None:
            continue
        try:
            found = _check_file(db, settings, offline, q, record, chosen, when)
        except KompassError:
            continue
        out.append(_hint(record, found))
    return out


def _hint(record: EvidenceRecord, found: EvidenceCheck) -> EvidenceHint:
    return EvidenceHint(
        evidence_id=record.id,
        indicator=record.indicator_id,
        filename=record.filename,
        title=record.title,
        effective_date=record.effective_date,
        check=found,
    )


def llm_allowed(db: sqlite_utils.Database, rnd: Round) -> bool:
    """Whether the round lets the assistant use the configured language model (default yes)."""
    return round_assistant.llm_allowed(db, rnd.id)


def set_llm_allowed(
    db: sqlite_utils.Database, rnd: Round, allowed: bool, *, by: audit.Actor
) -> bool:
    """The coordinator switches the optional language model on or off for one round.

    Takes a round already scoped to the coordinator's municipality (``auth.round_of``); the
    offline assistant keeps working either way. A change is audited: it decides whether
    respondents' words may leave the service. Returns the new setting.
    """
    if round_assistant.llm_allowed(db, rnd.id) != allowed:
        round_assistant.set_llm_allowed(db, rnd.id, allowed)
        audit.record(
            db,
            audit.Action.LANGUAGE_MODEL_SWITCHED,
            by=by,
            round_id=rnd.id,
            municipality_id=rnd.municipality_id,
            details={"allowed": allowed},
        )
    return allowed
