"""What every step of building the report model shares: questionnaire, assessment, translator."""

from __future__ import annotations

from service.domain.assessment import Assessment
from service.domain.gaps import Gap
from service.domain.questionnaire import Questionnaire
from service.i18n import Translator
from service.labels import reason
from service.report.rows import (
    GapRow,
    SummaryRow,
)


class Ctx:
    """What every step of :func:`build` needs: the questionnaire, the translator, question texts."""

    def __init__(self, q: Questionnaire, result: Assessment, t: Translator) -> None:
        self.q = q
        self.result = result
        self.t = t
        self.loc = t.locale
        self.questions = {ind.id: q.text(ind.question, self.loc) for _, _, ind in q.indicators()}
        self.area_titles = [f"{a.number} {q.text(a.title, self.loc)}" for a in q.areas]
        # Area numbers as the questionnaire gives them; nothing assumes 1..n.
        self.area_numbers = [a.number for a in q.areas]
        # Sub-question id → a short narrative of the respondents' comments (may be empty).
        self.summaries: dict[str, SummaryRow] = {}

    def num(self, value: float | None) -> str:
        """A number, or "unknown"."""
        return self.t("unknown") if value is None else self.t.number(value)

    def gap_row(self, g: Gap) -> GapRow:
        """A gap as the tables list it."""
        t = self.t
        return GapRow(
            rank=g.rank,
            indicator=g.indicator,
            area=g.area,
            question=self.questions[g.indicator],
            gain=t.number(g.next_step_gain),
            full=t.number(g.full_gain),
            documentation=t.number(g.documentation_gain),
            reason=reason(t, g.reason),
        )
