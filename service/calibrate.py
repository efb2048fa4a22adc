"""`kompass calibrate`: a formal result file → :class:`OfficialResult`, and the comparison as text.

The formal result file is JSON: ``{"total": …, "areas": {"1": …}, "subquestions": {"1.1": …}}``,
every part optional, plus ``maxima`` (the report's sub-question maxima where they differ from the
questionnaire's), ``source`` and ``notes``. Every problem is located by file and line, like
answers files.
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from service.answers_file import AnswersFileError
from service.domain.calibration import Comparison, Difference, OfficialResult, check_official
from service.domain.questionnaire import Questionnaire
from service.i18n import Translator
from service.locate import FileProblem, LineMap, split_validation_error

_BYTE = re.compile(r"\(byte (\d+)\)")


def load_official(path: Path, q: Questionnaire) -> OfficialResult:
    """Read and check a formal result file; raise :class:`AnswersFileError` on any problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnswersFileError([FileProblem(name, 1, f"cannot read file: {exc}")]) from None
    text = raw.decode("utf-8", errors="replace")
    try:
        official = msgspec.json.decode(raw, type=OfficialResult)
    except msgspec.ValidationError as exc:
        msg, jpath = split_validation_error(exc)
        raise AnswersFileError(
            [FileProblem(name, LineMap(text).line(jpath), f"{jpath}: {msg}")]
        ) from None
    except msgspec.DecodeError as exc:
        match = _BYTE.search(str(exc))
        line = raw[: int(match.group(1))].count(b"\n") + 1 if match else 1
        message = _BYTE.sub("", str(exc)).strip()
        raise AnswersFileError([FileProblem(name, line, f"invalid JSON: {message}")]) from None
    problems = check_official(q, official)
    if problems:
        lines = LineMap(text)
        raise AnswersFileError(
            [FileProblem(name, lines.line(p.path), f"{p.path}: {p.message}") for p in problems]
        )
    return official


def _row(t: Translator, label: str, d: Difference) -> str:
    return (
        f"  {label}  {t.number(d.predicted)}  {t.number(d.official)}  "
        f"{t.signed(d.difference)}  {t.number(d.coverage * 100, 0)} %"
    )


def _summary(t: Translator, mae: float | None, bias: float | None, rho: float | None) -> str:
    return t(
        "Mean absolute difference %(mae)s, mean difference %(bias)s, rank correlation %(rho)s",
        mae=t("unknown") if mae is None else t.number(mae),
        bias=t("unknown") if bias is None else t.signed(bias),
        rho=t("unknown") if rho is None else t.number(rho, 2),
    )


def render_comparison(q: Questionnaire, c: Comparison, t: Translator) -> str:
    """The comparison as plain text: total, areas and sub-questions, with their summaries."""
    loc = t.locale
    titles = {str(a.number): q.text(a.title, loc) for a in q.areas}
    lines = [
        t("%(questionnaire)s compared with the formal result", questionnaire=q.text(q.title, loc)),
        t("Columns: Kompass estimate, formal result, difference, coverage"),
        "",
    ]
    if c.total is not None:
        lines += [_row(t, t("Total"), c.total), ""]
    if c.areas:
        lines.append(t("Areas") + ": " + _summary(t, c.area_mae, c.area_bias, c.area_spearman))
        lines += [_row(t, f"{d.id}. {titles[d.id]}", d) for d in c.areas]
        lines.append("")
    if c.subquestions:
        lines.append(
            t("Sub-questions")
            + ": "
            + _summary(t, c.subquestion_mae, c.subquestion_bias, c.subquestion_spearman)
        )
        lines += [_row(t, d.id, d) for d in c.subquestions]
        if c.findings_agree is not None:
            lines.append(
                t(
                    "Same finding (strength, challenge, weakness) as the formal points on %(share)s of the sub-questions; opposite on %(opposite)s",
                    share=t.percent(c.findings_agree),
                    opposite=t.number(c.findings_opposite, 0),
                )
            )
        lines.append("")
    if c.not_compared:
        lines.append(t("Not compared (no answers): %(items)s", items=", ".join(c.not_compared)))
    return "\n".join(lines) + "\n"
