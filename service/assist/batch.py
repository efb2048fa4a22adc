"""Batch files for `kompass assist interpret --batch`: JSON lines, every problem located."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec

from service.assist.offline import MAX_TEXT
from service.domain.questionnaire import Questionnaire
from service.locate import FileProblem, split_validation_error


class BatchLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One answer to interpret."""

    indicator: str
    text: str
    lang: Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)$")] | None = None


class BatchError(Exception):
    """A batch file has problems; carries every one of them, by line."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_batch(path: Path, q: Questionnaire) -> list[tuple[str, str, str]]:
    """(indicator, lang, text) per non-empty line; raise :class:`BatchError` listing problems."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BatchError([FileProblem(name, 1, f"cannot read file: {exc.strerror}")]) from None
    decoder = msgspec.json.Decoder(BatchLine)
    items: list[tuple[str, str, str]] = []
    problems: list[FileProblem] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = decoder.decode(line)
        except msgspec.ValidationError as exc:
            msg, at = split_validation_error(exc)
            problems.append(FileProblem(name, number, f"{at}: {msg}"))
            continue
        except msgspec.DecodeError as exc:
            problems.append(FileProblem(name, number, f"invalid JSON: {exc}"))
            continue
        if q.indicator(item.indicator) is None:
            problems.append(
                FileProblem(name, number, f"unknown indicator '{item.indicator}' in {q.id}")
            )
            continue
        if not item.text.strip() or len(item.text) > MAX_TEXT:
            problems.append(
                FileProblem(name, number, f"$.text: must be 1 to {MAX_TEXT} characters")
            )
            continue
        items.append((item.indicator, item.lang or q.default_locale, item.text))
    if problems:
        raise BatchError(problems)
    return items
