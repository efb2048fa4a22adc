"""The optional language-model provider: any OpenAI-compatible chat-completions endpoint.

Off unless ``KOMPASS_LLM_URL`` and ``KOMPASS_LLM_MODEL`` are set. Every reply is decoded
and validated with msgspec against a strict schema; on a timeout, an HTTP or network
error, or a reply that does not validate, the offline assistant answers instead and the
result says so (``notice``). What is sent is documented in ``docs/privacy.md`` and built
only in the ``_messages_*`` functions below, so the two can be compared line by line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, TypeVar

import msgspec

from service.assist.offline import ASK_BELOW_QUESTION, OfflineAssistant
from service.domain.answers import Status
from service.domain.assistant import (
    Assistant,
    CheckRequest,
    CheckResult,
    Comment,
    DimensionProposal,
    EvidenceCheck,
    EvidenceCheckRequest,
    ExplainRequest,
    Explanation,
    Interpretation,
    InterpretRequest,
    Source,
    SubquestionSummary,
    SummaryRequest,
)
from service.domain.assistant.interpret import ASK_BELOW
from service.domain.messages import N_
from service.domain.questionnaire import Dimension, Questionnaire
from service.i18n import translator
from service.settings import Settings

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"nb": "Norwegian Bokmål", "sv": "Swedish", "en": "English"}
MAX_REASON = 400


class LLMConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Where the model is and how long to wait for it."""

    url: str
    model: str
    api_key: str = ""
    timeout: float = 20.0

    @property
    def endpoint(self) -> str:
        """The chat-completions address."""
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig | None:
        """The configuration, or None when no model is configured."""
        if not settings.llm_enabled:
            return None
        return cls(
            url=settings.llm_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout,
        )


# --- the protocol: only the fields Kompass reads; providers add more -----------------------


class _Message(msgspec.Struct, frozen=True):
    content: str


class _Choice(msgspec.Struct, frozen=True):
    message: _Message


class _ChatResponse(msgspec.Struct, frozen=True):
    choices: Annotated[list[_Choice], msgspec.Meta(min_length=1)]


# --- what the model must answer ----------------------------------------------------------------

Level = Annotated[int, msgspec.Meta(ge=0, le=4)]
Confidence = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON)]


class ModelInterpretation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The JSON object the model must return for "interpret"."""

    status: Status
    levels: dict[Dimension, Level | None]
    confidence: Confidence
    reason: Reason


class ModelExplanation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The JSON object the model must return for "explain"."""

    answer: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    sources: list[Annotated[int, msgspec.Meta(ge=1)]]


class ModelSummary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The JSON object the model must return for "summarise"."""

    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class LLMFailure(Exception):
    """The model could not be used; ``why`` is an untranslated reason for the notice."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


TIMEOUT = N_("it did not answer in time")
ERROR = N_("it could not be reached or returned an error")
INVALID = N_("its reply was not usable")


class ChatClient:
    """POSTs chat-completions requests and returns the reply's content."""

    def __init__(self, config: LLMConfig, transport: httpx.BaseTransport | None = None) -> None:
        # Imported here: httpx is a tenth of the service's import time, and the language
        # model is off unless configured.
        import httpx  # noqa: PLC0415

        self.config = config
        headers = {"Content-Type": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._client = httpx.Client(
            timeout=config.timeout, headers=headers, transport=transport, follow_redirects=False
        )

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The model's reply to ``messages`` (JSON mode, temperature 0)."""
        body = {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "stream": False,
        }
        import httpx  # noqa: PLC0415 - loaded by __init__ already

        try:
            response = self._client.post(self.config.endpoint, content=msgspec.json.encode(body))
        except httpx.TimeoutException:
            raise LLMFailure(TIMEOUT) from None
        except httpx.HTTPError as exc:
            log.warning("language model unreachable: %s", type(exc).__name__)
            raise LLMFailure(ERROR) from None
        if response.status_code != 200:
            log.warning("language model answered HTTP %s", response.status_code)
            raise LLMFailure(ERROR)
        try:
            return (
                msgspec.json.decode(response.content, type=_ChatResponse).choices[0].message.content
            )
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise LLMFailure(INVALID) from None

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()


T = TypeVar("T")


def _decode(content: str, kind: type[T]) -> T:
    text = content.strip()
    if text.startswith("```"):  # some models wrap JSON in a fence despite JSON mode
        text = text.strip("`").removeprefix("json").strip()
    try:
        return msgspec.json.decode(text, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        log.warning("language model reply did not validate: %s", exc)
        raise LLMFailure(INVALID) from None


# --- what is sent (docs/privacy.md lists exactly these) -----------------------------------------


def _messages_interpret(q: Questionnaire, request: InterpretRequest) -> list[dict[str, str]]:
    lang = request.lang if request.lang in q.locales else q.default_locale
    ind = request.indicator
    scale = []
    for dim in q.dimensions:
        if dim.id in ind.dimensions:
            levels = "; ".join(
                f"{k} = {q.text(v, lang)}" for k, v in sorted(dim.descriptors.items())
            )
            scale.append(f"- {dim.id.value} ({q.text(dim.title, lang)}): {levels}")
    dims = ", ".join(f'"{d.value}"' for d in ind.dimensions)
    system = (
        "You help a municipal employee answer a governance self-assessment. Read their answer "
        "in their own words and propose a level (0-4) per dimension, using only the level "
        "descriptions given. Use null for a dimension the text does not speak to. If the "
        'practice is only planned or not started, status is "planned" and every level null; if '
        'they say they do not know, status is "dont_know". Reply with one JSON object only: '
        '{"status": "answered"|"planned"|"dont_know", "levels": {' + dims + ": 0-4 or null}, "
        '"confidence": 0.0-1.0, "reason": "one sentence"}. Write the reason in '
        f"{LANGUAGE_NAMES[request.lang]}."
    )
    user = (
        f"Question {ind.id}: {q.text(ind.question, lang)}\n"
        "Level descriptions:\n" + "\n".join(scale) + f"\n\nThe respondent wrote:\n{request.text}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _messages_explain(request: ExplainRequest, passages: list[str]) -> list[dict[str, str]]:
    numbered = "\n".join(f"[{i}] {p}" for i, p in enumerate(passages, start=1))
    system = (
        "You explain terms and questions in a municipal governance self-assessment. Answer "
        "only from the numbered passages; if they do not answer it, say so. Reply with one "
        'JSON object only: {"answer": "…", "sources": [numbers of the passages you used]}. '
        f"Write the answer in {LANGUAGE_NAMES[request.lang]}, in at most four sentences."
    )
    user = f"Passages:\n{numbered}\n\nQuestion: {request.question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _messages_summary(request: SummaryRequest, comments: list[Comment]) -> list[dict[str, str]]:
    listed = "\n".join(f"- {c.text}" for c in comments)
    system = (
        "Summarise what respondents wrote about one sub-question of a municipal governance "
        "self-assessment in a short, neutral paragraph (at most four sentences). Do not "
        "judge, do not add facts, do not name anyone. Reply with one JSON object only: "
        f'{{"summary": "…"}}. Write it in {LANGUAGE_NAMES[request.lang]}.'
    )
    user = f"Sub-question {request.subquestion}. Comments:\n{listed}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class LLMAssistant:
    """The language-model provider; the offline one answers whenever the model cannot."""

    name = "llm"

    def __init__(
        self,
        offline: OfflineAssistant,
        config: LLMConfig,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.offline = offline
        self.client = ChatClient(config, transport)

    def _notice(self, lang: str, failure: LLMFailure) -> str:
        t = translator(lang)
        return t.gettext(
            N_(
                "The language model could not be used (%(why)s), so the built-in assistant answered."
            ),
            why=t.gettext(failure.why),
        )

    def _ask_interpretation(
        self, q: Questionnaire, request: InterpretRequest
    ) -> ModelInterpretation:
        reply = _decode(self.client.complete(_messages_interpret(q, request)), ModelInterpretation)
        if not set(reply.levels) <= set(request.indicator.dimensions):
            raise LLMFailure(INVALID)
        if reply.status is not Status.ANSWERED and any(
            v is not None for v in reply.levels.values()
        ):
            raise LLMFailure(INVALID)
        return reply

    def _ask_explanation(
        self, request: ExplainRequest, found: Explanation
    ) -> tuple[str, list[Source]]:
        passages = [f"{s.title}: {s.text}" for s in found.sources]
        reply = _decode(
            self.client.complete(_messages_explain(request, passages)), ModelExplanation
        )
        used = [found.sources[i - 1] for i in reply.sources if i <= len(found.sources)]
        if not used:
            raise LLMFailure(INVALID)  # an answer that cites nothing is not allowed
        return reply.answer, used

    def interpret(self, request: InterpretRequest) -> Interpretation:
        """Ask the model; validate its levels against the indicator's dimensions."""
        q = self.offline.questionnaire(request.questionnaire)
        try:
            reply = self._ask_interpretation(q, request)
        except LLMFailure as failure:
            fallback = self.offline.interpret(request)
            return msgspec.structs.replace(fallback, notice=self._notice(request.lang, failure))
        levels = {d: reply.levels.get(d) for d in request.indicator.dimensions}
        question = ""
        if reply.status is Status.ANSWERED and reply.confidence < ASK_BELOW:
            question = translator(request.lang).gettext(ASK_BELOW_QUESTION)
        return Interpretation(
            status=reply.status,
            levels=levels,
            confidence=round(reply.confidence, 2),
            reason=reply.reason,
            dimensions={
                d: DimensionProposal(
                    level=v,
                    reason=reply.reason if d is Dimension.SYSTEM else "",
                    confidence=round(reply.confidence, 2),
                )
                for d, v in levels.items()
            },
            question=question,
            provider=self.name,
        )

    def explain(self, request: ExplainRequest) -> Explanation:
        """The offline search finds and cites the passages; the model words the answer."""
        found = self.offline.explain(request)
        if not found.sources:
            return found
        try:
            answer, used = self._ask_explanation(request, found)
        except LLMFailure as failure:
            return msgspec.structs.replace(found, notice=self._notice(request.lang, failure))
        return Explanation(answer=answer, sources=used, provider=self.name)

    def check(self, request: CheckRequest) -> CheckResult:
        """Consistency rules are deterministic: always the offline ones."""
        return self.offline.check(request)

    def check_evidence(self, request: EvidenceCheckRequest) -> EvidenceCheck:
        """Evidence hints are deterministic: always the offline ones (no document leaves)."""
        return self.offline.check_evidence(request)

    def summarise(self, request: SummaryRequest) -> SubquestionSummary:
        """An abstractive summary, with the source comments kept beside it."""
        comments = [c for c in request.comments if c.text.strip()]
        if not comments:
            return self.offline.summarise(request)
        try:
            # Only the comment texts are sent; respondent ids stay here.
            anonymous = [Comment(indicator=c.indicator, text=c.text) for c in comments]
            reply = _decode(
                self.client.complete(_messages_summary(request, anonymous)), ModelSummary
            )
        except LLMFailure as failure:
            fallback = self.offline.summarise(request)
            return msgspec.structs.replace(fallback, notice=self._notice(request.lang, failure))
        return SubquestionSummary(
            subquestion=request.subquestion,
            text=reply.summary,
            sources=comments,
            comment_count=len(comments),
            provider=self.name,
        )


def make_assistant(
    settings: Settings,
    offline: OfflineAssistant,
    llm_allowed: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Assistant:
    """The language-model provider when configured and allowed for the round, else offline."""
    config = LLMConfig.from_settings(settings)
    if config is None or not llm_allowed:
        return offline
    return LLMAssistant(offline, config, transport)
