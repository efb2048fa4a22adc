"""The offline assistant: rules and lexicons, FTS5 search, lexical similarity.

No network, no external service: this is the default provider and the fallback of the
language-model provider. Proposals are translated here, in the respondent's language.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading

import msgspec
import sqlite_utils

from service.assist import knowledge
from service.assist.search import KnowledgeIndex
from service.assist.similarity import ExampleMatcher
from service.domain.answers import Status
from service.domain.assistant import (
    CheckRequest,
    CheckResult,
    Comment,
    DimensionProposal,
    EvidenceCheck,
    EvidenceCheckRequest,
    ExplainRequest,
    Explanation,
    Finding,
    Interpretation,
    InterpretRequest,
    Note,
    Source,
    SourceKind,
    SubquestionSummary,
    SummaryRequest,
)
from service.domain.assistant.consistency import check_card
from service.domain.assistant.evidence import check_text
from service.domain.assistant.interpret import ASK_BELOW, Proposal, RuleResult, interpret_rules
from service.domain.assistant.knowledge import ExampleSet, Glossary
from service.domain.assistant.summary import representative
from service.domain.messages import N_
from service.domain.questionnaire import Questionnaire
from service.errors import InvalidInput, NotFound
from service.i18n import Translator, translator
from service.questionnaires import Catalog
from service.storage import evidence_text


def render(note: Note | None, t: Translator) -> str:
    """Translate a :class:`Note` and fill its parameters."""
    if note is None:
        return ""
    return t.gettext(note.message, **note.params)


# The one clarifying question asked instead of a low-confidence guess.
ASK_BELOW_QUESTION = N_(
    "Could you say a little more: is this written down and adopted, and is it used across the municipality or only in some units?"
)

# Longer than any answer in your own words; the card's text box has the same limit.
MAX_TEXT = 5000

# Rule confidence below which the text had no cue at all and the nearest examples decide.
NO_CUE = 0.3


class OfflineAssistant:
    """The default assistant; works with the network switched off."""

    name = "offline"

    def __init__(
        self,
        catalog: Catalog,
        examples: ExampleSet | None = None,
        glossary: Glossary | None = None,
        db: sqlite_utils.Database | None = None,
    ) -> None:
        self.catalog = catalog
        self.matcher = ExampleMatcher(examples or knowledge.examples())
        self.glossary = glossary or knowledge.glossary()
        self.db = db  # for searching uploaded evidence; None when there is no database
        self._indexes: dict[str, KnowledgeIndex] = {}
        self._lock = threading.Lock()

    def with_db(self, db: sqlite_utils.Database) -> OfflineAssistant:
        """This assistant over another connection, sharing its examples, glossary and indexes.

        A web request runs on a thread with its own connection; building the matcher and the
        FTS indexes again for every request would be wasteful, so only the database changes.
        """
        other = copy.copy(self)
        other.db = db
        return other

    def index(self, questionnaire_id: str) -> KnowledgeIndex:
        """The guidance-and-glossary index of one questionnaire, built on first use."""
        with self._lock:
            found = self._indexes.get(questionnaire_id)
            if found is None:
                found = KnowledgeIndex(self.questionnaire(questionnaire_id), self.glossary)
                self._indexes[questionnaire_id] = found
            return found

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        """The installed questionnaire, or :class:`NotFound`."""
        q = self.catalog.get(questionnaire_id)
        if q is None:
            raise NotFound(N_("Unknown questionnaire '%(id)s'."), id=questionnaire_id)
        return q

    def request(
        self, questionnaire_id: str, indicator_id: str, lang: str, text: str
    ) -> InterpretRequest:
        """Build an :class:`InterpretRequest`, raising a located error for unknown ids."""
        q = self.questionnaire(questionnaire_id)
        indicator = q.indicator(indicator_id)
        if indicator is None:
            raise NotFound(N_("Unknown indicator '%(id)s'."), id=indicator_id)
        if lang not in ("nb", "sv", "en"):
            raise InvalidInput(N_("Unsupported language '%(lang)s'."), lang=lang)
        if not text.strip():
            raise InvalidInput(N_("Write a few words about how this is done first."))
        if len(text) > MAX_TEXT:
            raise InvalidInput(N_("Please keep it under %(max)s characters."), max=str(MAX_TEXT))
        return InterpretRequest(questionnaire=q.id, indicator=indicator, lang=lang, text=text)

    def interpret_text(
        self, questionnaire_id: str, indicator_id: str, lang: str, text: str
    ) -> Interpretation:
        """Interpret by ids: the command line's entry point."""
        return self.interpret(self.request(questionnaire_id, indicator_id, lang, text))

    def _nearest_examples(self, request: InterpretRequest, result: RuleResult) -> RuleResult:
        """With no cue to go on, let the most similar example answers say whether it is planned or not known."""
        vote = self.matcher.vote(request.text, request.lang)
        if vote is None or vote.best <= 0.0:
            return result
        status = max(vote.status, key=lambda s: vote.status[s])
        note = Note(
            message=N_("Your words are most like answers about something planned, not started.")
            if status is Status.PLANNED
            else N_("Your words are most like answers from someone who does not know.")
        )
        if status is not Status.ANSWERED and vote.status[status] > 0.6:
            return msgspec.structs.replace(
                result,
                status=status,
                proposals={d: Proposal(None, None, 0.0) for d in result.proposals},
                confidence=0.35,
                reason=note,
            )
        # Measured: the examples' System level was no better than the rules' default there,
        # so they only decide "planned" and "don't know" (docs/assistant.md).
        return result

    def interpret(self, request: InterpretRequest) -> Interpretation:
        """Propose a status and a level per dimension, each with a reason and a confidence."""
        t = translator(request.lang)
        dims = list(request.indicator.dimensions)
        result = interpret_rules(request.text, request.lang, dims)
        if result.status is Status.ANSWERED and result.confidence < NO_CUE:
            result = self._nearest_examples(request, result)
        proposals = {
            d: DimensionProposal(
                level=p.level, reason=render(p.reason, t), confidence=round(p.confidence, 2)
            )
            for d, p in result.proposals.items()
        }
        confidence = round(result.confidence, 2)
        question = ""
        if result.status is Status.ANSWERED and confidence < ASK_BELOW:
            question = t.gettext(ASK_BELOW_QUESTION)
        return Interpretation(
            status=result.status,
            levels={d: p.level for d, p in proposals.items()},
            confidence=confidence,
            reason=render(result.reason, t),
            dimensions=proposals,
            question=question,
            provider=self.name,
        )

    # --- explain -----------------------------------------------------------------------------

    def explain(self, request: ExplainRequest) -> Explanation:
        """Answer from the indicator's guidance, the glossary or uploaded evidence, cited."""
        t = translator(request.lang)
        q = self.questionnaire(request.questionnaire)
        index = self.index(q.id)
        lang = index.language(request.lang)
        indicator = q.indicator(request.indicator) if request.indicator else None
        sources: list[Source] = []
        if indicator is not None and _EVIDENCE_QUESTION.search(request.question.lower()):
            sources.append(
                Source(
                    kind=SourceKind.GUIDANCE,
                    title=t.gettext(N_("What counts as evidence for %(id)s"), id=indicator.id),
                    text=q.text(indicator.evidence_hint, lang),
                    ref=indicator.id,
                )
            )
        elif indicator is not None and _MEANING_QUESTION.search(request.question.lower()):
            sources.append(
                Source(
                    kind=SourceKind.GUIDANCE,
                    title=t.gettext(N_("Why question %(id)s is asked"), id=indicator.id),
                    text=q.text(indicator.why, lang) + " " + q.text(indicator.good_practice, lang),
                    ref=indicator.id,
                )
            )
        intent = bool(sources)  # the card's own guidance answers it; no need to search
        term = index.glossary_match(request.question, request.lang)
        if term is not None:
            sources.append(term[1])
        for source in [] if intent else index.search(request.question, request.lang):
            if all((s.kind, s.ref) != (source.kind, source.ref) for s in sources):
                sources.append(source)
        if request.round_id is not None and self.db is not None:
            for hit in evidence_text.search(self.db, request.round_id, request.question, 2):
                sources.append(
                    Source(
                        kind=SourceKind.EVIDENCE,
                        title=t.gettext(N_("Uploaded evidence for %(id)s"), id=hit.indicator_id),
                        text=hit.snippet,
                        ref=str(hit.evidence_id),
                    )
                )
        sources = sources[:4]
        if not sources:
            answer = t.gettext(
                N_(
                    "I could not find that in the guidance or the glossary. Try other words, or ask your coordinator."
                )
            )
        else:
            answer = sources[0].text
        return Explanation(answer=answer, sources=sources, provider=self.name)

    # --- check -------------------------------------------------------------------------------

    def check(self, request: CheckRequest) -> CheckResult:
        """Contradictions between the comment, the levels and the evidence, as kind questions."""
        t = translator(request.lang)
        raw = check_card(
            list(request.indicator.dimensions),
            request.lang,
            request.status,
            dict(request.levels),
            request.comment,
            request.evidence_count,
        )
        return CheckResult(
            findings=[
                Finding(kind=f.kind, dimension=f.dimension, message=render(f.note, t)) for f in raw
            ]
        )

    def check_evidence(self, request: EvidenceCheckRequest) -> EvidenceCheck:
        """Proposed effective date and hints (unrelated, older than four years) for one file."""
        t = translator(request.lang)
        q = self.questionnaire(request.questionnaire)
        ind = request.indicator
        groups = [
            [q.text(f, lang) for f in (ind.question, ind.why, ind.good_practice, ind.evidence_hint)]
            for lang in q.locales
        ]
        try:
            today = dt.date.fromisoformat(request.today)
        except ValueError:
            raise InvalidInput(N_("Invalid date '%(value)s'."), value=request.today) from None
        hints = check_text(request.text, groups, today)
        return EvidenceCheck(
            effective_date=hints.effective.isoformat() if hints.effective else "",
            dates_found=[d.isoformat() for d in hints.dates[:20]],
            relevance=round(min(hints.relevance, 1.0), 3),
            unrelated=hints.unrelated,
            outdated=hints.outdated,
            no_text=hints.no_text,
            hints=[render(n, t) for n in hints.notes],
        )

    # --- summarise ---------------------------------------------------------------------------

    def summarise(self, request: SummaryRequest) -> SubquestionSummary:
        """The most representative comment sentences, quoted, with their comments beside them."""
        t = translator(request.lang)
        comments = [c for c in request.comments if c.text.strip()]
        picked = representative(comments, request.max_sentences)
        if not picked:
            return SubquestionSummary(
                subquestion=request.subquestion, text="", comment_count=len(comments)
            )
        lead = t.ngettext(
            "%(num)s comment. Representative:",
            "%(num)s comments. Representative:",
            len(comments),
        )
        quoted = " ".join(
            f"«{p.sentence}»" if request.lang != "en" else f"“{p.sentence}”" for p in picked
        )
        sources: list[Comment] = []
        for p in picked:
            if p.comment not in sources:
                sources.append(p.comment)
        return SubquestionSummary(
            subquestion=request.subquestion,
            text=f"{lead} {quoted}",
            sources=sources,
            comment_count=len(comments),
            provider=self.name,
        )


_EVIDENCE_QUESTION = re.compile(
    r"dokumentasjon|dokumentere|bevis|vedlegg|underlag|dokumentation|belägg|bilaga|evidence|document|attach|proof"
)
_MEANING_QUESTION = re.compile(
    r"spørsmålet|spørsmål|frågan|fråga|question|hva menes|vad menas|what is meant|hvorfor|varför|why"
)
