"""Summaries for the results page and the PDF: one per sub-question that has comments."""

from __future__ import annotations

import hashlib

import msgspec

from service.domain.answers import AnswerSet
from service.domain.assistant import Assistant, Comment, SubquestionSummary, SummaryRequest
from service.domain.questionnaire import Questionnaire


def comments_by_subquestion(q: Questionnaire, answers: AnswerSet) -> dict[str, list[Comment]]:
    """Every non-empty comment, grouped by sub-question in document order."""
    where = {ind.id: sq.id for _, sq, ind in q.indicators()}
    grouped: dict[str, list[Comment]] = {sq.id: [] for _, sq in q.subquestions()}
    for respondent in answers.respondents:
        for answer in respondent.answers:
            sq_id = where.get(answer.indicator)
            if sq_id is not None and answer.comment.strip():
                grouped[sq_id].append(
                    Comment(
                        indicator=answer.indicator, text=answer.comment, respondent=respondent.id
                    )
                )
    return {k: v for k, v in grouped.items() if v}


def summaries(
    q: Questionnaire, answers: AnswerSet, lang: str, assistant: Assistant, max_sentences: int = 3
) -> dict[str, SubquestionSummary]:
    """A summary per sub-question with comments, keyed by sub-question id."""
    return {
        sq_id: assistant.summarise(
            SummaryRequest(
                questionnaire=q.id,
                subquestion=sq_id,
                lang=lang,
                comments=comments,
                max_sentences=max_sentences,
            )
        )
        for sq_id, comments in comments_by_subquestion(q, answers).items()
    }


def comment_digest(comments: list[Comment]) -> str:
    """A digest of exactly the comments a summary is written from (indicator and text).

    Order-independent and blind to who wrote them, so it changes when a comment is added,
    changed or removed, and nothing else; a stored summary whose digest differs is stale.
    """
    items = sorted((c.indicator, c.text.strip()) for c in comments if c.text.strip())
    return hashlib.sha256(msgspec.json.encode(items)).hexdigest()[:32]
