"""The assistant in the conversation: its interface and the records that cross it.

The assistant *suggests*; the respondent always confirms. Two providers implement
:class:`Assistant`: the offline one (rules in this package, plus search and optional
embeddings at the edge in ``service/assist/``) and an optional language model
(``service/assist/llm.py``) that falls back to the offline one. Everything here is
pure: stdlib and msgspec only. User-facing wording is a :class:`Note` (a message id
marked with ``N_`` and its parameters) that the edge translates.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Protocol

import msgspec

from service.domain.answers import Status
from service.domain.questionnaire import Dimension, Indicator

Lang = Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)$")]
Confidence = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Level = Annotated[int, msgspec.Meta(ge=0, le=4)]


class Base(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Common options for the assistant's records."""


class Note(Base, frozen=True):
    """A user-facing message before translation: an ``N_``-marked id and its parameters."""

    message: str
    params: dict[str, str] = msgspec.field(default_factory=dict)


# --- interpret -------------------------------------------------------------------------------


class InterpretRequest(Base, frozen=True):
    """Free text a respondent wrote about one indicator, in their language."""

    questionnaire: str
    indicator: Indicator
    lang: Lang
    text: str


class DimensionProposal(Base, frozen=True):
    """A proposed level for one dimension; ``level`` is None when the text does not say."""

    level: Level | None
    reason: str = ""
    confidence: Confidence = 0.0


class Interpretation(Base, frozen=True):
    """What the assistant proposes for a free-text answer; the respondent confirms or adjusts.

    ``question`` is set when confidence is too low to propose with a straight face: the
    card then asks it instead of filling the levels. ``provider`` says which provider
    answered, and ``notice`` says when the language model failed and the offline one took over.
    """

    status: Status
    levels: dict[Dimension, Level | None]
    confidence: Confidence
    reason: str
    dimensions: dict[Dimension, DimensionProposal] = msgspec.field(default_factory=dict)
    question: str = ""
    provider: str = "offline"
    notice: str = ""


# --- explain ---------------------------------------------------------------------------------


class SourceKind(StrEnum):
    """Where an explanation comes from."""

    GLOSSARY = "glossary"
    GUIDANCE = "guidance"
    EVIDENCE = "evidence"


class Source(Base, frozen=True):
    """A cited passage: what it is, a title to show, and the passage itself."""

    kind: SourceKind
    title: str
    text: str
    ref: str = ""  # glossary term id, indicator id or evidence file id


class ExplainRequest(Base, frozen=True):
    """A respondent's question about a term, the indicator, or what counts as evidence."""

    questionnaire: str
    lang: Lang
    question: str
    indicator: str = ""  # the indicator on the card, if any; its guidance ranks first
    round_id: int | None = None  # whose uploaded evidence may be searched


class Explanation(Base, frozen=True):
    """An answer made of cited passages, in the respondent's language."""

    answer: str
    sources: list[Source] = msgspec.field(default_factory=list)
    provider: str = "offline"
    notice: str = ""


# --- check -----------------------------------------------------------------------------------


class FindingKind(StrEnum):
    """The kinds of contradiction and reminder the consistency check raises."""

    COMMENT_LOWER = "comment_lower"  # the text describes less than the chosen level
    COMMENT_HIGHER = "comment_higher"  # the text describes more than the chosen level
    SCOPE_CONFLICT = "scope_conflict"  # strong results/system with scope "one unit"
    NO_EVIDENCE = "no_evidence"  # high levels with nothing attached
    PLANNED_NO_POINTS = "planned_no_points"  # planned measures earn nothing yet
    PLANNED_BUT_LEVELS = "planned_but_levels"  # the text says planned but levels are given


class Finding(Base, frozen=True):
    """One thing worth asking about, once and kindly; never a verdict."""

    kind: FindingKind
    dimension: Dimension | None = None
    message: str = ""


class CheckRequest(Base, frozen=True):
    """A card as the respondent is about to save it."""

    questionnaire: str
    indicator: Indicator
    lang: Lang
    status: Status
    levels: dict[Dimension, Level | None]
    comment: str = ""
    evidence_count: int = 0


class CheckResult(Base, frozen=True):
    """Every finding for one card (empty when nothing seems off)."""

    findings: list[Finding] = msgspec.field(default_factory=list)


# --- evidence --------------------------------------------------------------------------------


class EvidenceCheckRequest(Base, frozen=True):
    """Text extracted from an uploaded file, checked against the indicator it was attached to."""

    questionnaire: str
    indicator: Indicator
    lang: Lang
    text: str
    today: str  # ISO date, passed in so the check stays pure and testable
    filename: str = ""


class EvidenceCheck(Base, frozen=True):
    """Hints about one evidence file: a proposed effective date, relatedness, age."""

    effective_date: str = ""  # ISO date proposed from dates in the text, or ""
    dates_found: list[str] = msgspec.field(default_factory=list)
    relevance: Confidence = 0.0
    unrelated: bool = False
    outdated: bool = False
    no_text: bool = False
    hints: list[str] = msgspec.field(default_factory=list)


# --- summarise -------------------------------------------------------------------------------


class Comment(Base, frozen=True):
    """One respondent's comment on an indicator (respondents stay anonymous)."""

    indicator: str
    text: str
    respondent: str = ""


class SummaryRequest(Base, frozen=True):
    """Every comment on one sub-question, to be summarised for the results page and PDF."""

    questionnaire: str
    subquestion: str
    lang: Lang
    comments: list[Comment]
    max_sentences: Annotated[int, msgspec.Meta(ge=1, le=10)] = 3


class SubquestionSummary(Base, frozen=True):
    """A short neutral narrative with the comments it came from kept beside it."""

    subquestion: str
    text: str
    sources: list[Comment] = msgspec.field(default_factory=list)
    comment_count: int = 0
    provider: str = "offline"
    notice: str = ""


class Assistant(Protocol):
    """What the card, the results page and the command line ask of an assistant."""

    name: str

    def interpret(self, request: InterpretRequest) -> Interpretation:
        """Propose a status and levels for free text."""
        ...

    def explain(self, request: ExplainRequest) -> Explanation:
        """Answer what a term or the question means, citing sources."""
        ...

    def check(self, request: CheckRequest) -> CheckResult:
        """Notice contradictions between the comment, the levels and the evidence."""
        ...

    def check_evidence(self, request: EvidenceCheckRequest) -> EvidenceCheck:
        """Propose an effective date and hint when a file seems unrelated or old."""
        ...

    def summarise(self, request: SummaryRequest) -> SubquestionSummary:
        """Summarise respondents' comments on one sub-question."""
        ...
