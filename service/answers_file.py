"""Answers files (JSON) → :class:`AnswerSet`, with every problem located by file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from service.domain.answers import AnswerSet, check_answers
from service.domain.questionnaire import Questionnaire
from service.locate import FileProblem, LineMap, split_validation_error

_BYTE = re.compile(r"\(byte (\d+)\)")


class AnswersFileError(Exception):
    """An answers file could not be used; carries every problem found."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_answers_bytes(raw: bytes, name: str, q: Questionnaire) -> AnswerSet:
    """Decode and check answers for ``q``; raise :class:`AnswersFileError` on any problem."""
    try:
        answers = msgspec.json.decode(raw, type=AnswerSet)
    except msgspec.ValidationError as exc:
        msg, path = split_validation_error(exc)
        text = raw.decode("utf-8", errors="replace")
        raise AnswersFileError(
            [FileProblem(name, LineMap(text).line(path), f"{path}: {msg}")]
        ) from None
    except msgspec.DecodeError as exc:
        match = _BYTE.search(str(exc))
        line = raw[: int(match.group(1))].count(b"\n") + 1 if match else 1
        message = _BYTE.sub("", str(exc)).strip()
        raise AnswersFileError([FileProblem(name, line, f"invalid JSON: {message}")]) from None
    problems = check_answers(q, answers)
    if problems:
        lines = LineMap(raw.decode("utf-8", errors="replace"))
        raise AnswersFileError(
            [FileProblem(name, lines.line(p.path), f"{p.path}: {p.message}") for p in problems]
        )
    return answers


def load_answers(path: Path, q: Questionnaire) -> AnswerSet:
    """Read an answers file for ``q``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnswersFileError([FileProblem(str(path), 1, f"cannot read file: {exc}")]) from None
    return load_answers_bytes(raw, str(path), q)


def schema() -> dict[str, Any]:
    """The JSON Schema of answers files."""
    return msgspec.json.schema(AnswerSet)
