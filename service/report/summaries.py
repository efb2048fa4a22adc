"""Summaries of what respondents described, as the page and the PDF show them."""

from __future__ import annotations

from collections.abc import Mapping

from service.domain.answers import AnswerSet
from service.domain.assistant import SubquestionSummary
from service.domain.questionnaire import Questionnaire
from service.i18n import Translator
from service.report.rows import CommentRow, SummaryRow, comment_order

OFFLINE = "offline"


def summary_rows(
    q: Questionnaire,
    answers: AnswerSet,
    found: Mapping[str, SubquestionSummary],
    t: Translator,
) -> dict[str, SummaryRow]:
    """Each sub-question's summary with a note and its sources when a language model wrote it.

    The offline summary quotes the comments itself, so it needs neither. A model's summary is
    reworded: it says so, and keeps the comments it was written from beside it (labelled by
    role only, as the comments list is).
    """
    roles = {r.id: q.text(r.title, t.locale) for r in q.roles}
    role_of = {r.id: r.role for r in answers.respondents}
    out: dict[str, SummaryRow] = {}
    for sq_id, said in found.items():
        if not said.text:
            continue
        if said.provider == OFFLINE:
            out[sq_id] = SummaryRow(text=said.text)
            continue
        sources = sorted(
            (
                CommentRow(
                    indicator=c.indicator,
                    role=roles.get(role_of.get(c.respondent, ""), role_of.get(c.respondent, "")),
                    text=c.text.strip(),
                )
                for c in said.sources
            ),
            key=comment_order,
        )
        note = t.ngettext(
            "Written by a language model from %(num)s comment.",
            "Written by a language model from %(num)s comments.",
            said.comment_count or len(sources),
        )
        out[sq_id] = SummaryRow(text=said.text, note=note, sources=sources)
    return out
