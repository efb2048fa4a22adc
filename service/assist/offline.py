"""The offline assistant: rules and lexicons, lexical search, optional sentence embeddings.

No network, no external service: this is the default provider and the fallback of the
language-model provider. Proposals are translated here, in the respondent's language.
"""

from __future__ import annotations

import msgspec

from service.assist import knowledge
from service.assist.similarity import ExampleMatcher
from service.domain.answers import Status
from service.domain.assistant import (
    DimensionProposal,
    Interpretation,
    InterpretRequest,
    Note,
)
from service.domain.assistant.interpret import ASK_BELOW, Proposal, RuleResult, interpret_rules
from service.domain.assistant.knowledge import ExampleSet
from service.domain.messages import N_
from service.domain.questionnaire import Questionnaire
from service.errors import InvalidInput, NotFound
from service.i18n import Translator, translator
from service.questionnaires import Catalog


def render(note: Note | None, t: Translator) -> str:
    """Translate a :class:`Note` and fill its parameters."""
    if note is None:
        return ""
    return t.gettext(note.message, **note.params)


# Rule confidence below which the text had no cue at all and the nearest examples decide.
NO_CUE = 0.3


class OfflineAssistant:
    """The default assistant; works with the network switched off."""

    name = "offline"

    def __init__(self, catalog: Catalog, examples: ExampleSet | None = None) -> None:
        self.catalog = catalog
        self.matcher = ExampleMatcher(examples or knowledge.examples())

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
        note = Note(message=N_("Your words are closest to example answers at this level."))
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
            question = t.gettext(
                N_(
                    "Could you say a little more: is this written down and adopted, and is it used across the municipality or only in some units?"
                )
            )
        return Interpretation(
            status=result.status,
            levels={d: p.level for d, p in proposals.items()},
            confidence=confidence,
            reason=render(result.reason, t),
            dimensions=proposals,
            question=question,
            provider=self.name,
        )
