"""Load the assistant's data files (example answers, glossary) with located problems."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import yaml

from service.domain.assistant.knowledge import (
    ExampleSet,
    Glossary,
    example_problems,
    glossary_problems,
)
from service.locate import FileProblem, LineMap, Loader, split_validation_error
from service.questionnaires import QUESTIONNAIRE_DIR

ASSISTANT_DIR = QUESTIONNAIRE_DIR / "assistant"
EXAMPLES_FILE = "examples.yaml"
GLOSSARY_FILE = "glossary.yaml"

T = TypeVar("T")


class KnowledgeError(Exception):
    """An assistant data file could not be loaded; carries every problem with its line."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _load(path: Path, kind: type[T], rules: Callable[[T], list[tuple[str, str]]]) -> T:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = yaml.load(text, Loader=Loader)  # noqa: S506 - Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise KnowledgeError([FileProblem(name, line, f"invalid YAML: {exc.problem}")]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError([FileProblem(name, 1, f"cannot read file: {exc}")]) from None
    lines = LineMap(text)
    try:
        value = msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        msg, at = split_validation_error(exc)
        raise KnowledgeError([FileProblem(name, lines.line(at), f"{at}: {msg}")]) from None
    problems = [FileProblem(name, lines.line(at), msg) for at, msg in rules(value)]
    if problems:
        raise KnowledgeError(problems)
    return value


def load_examples(path: Path) -> ExampleSet:
    """Decode and check an example-answers file."""
    return _load(path, ExampleSet, example_problems)


def load_glossary(path: Path) -> Glossary:
    """Decode and check a glossary file."""
    return _load(path, Glossary, glossary_problems)


@cache
def examples(directory: Path = ASSISTANT_DIR) -> ExampleSet:
    """The installed example answers, loaded once per process."""
    return load_examples(directory / EXAMPLES_FILE)


@cache
def glossary(directory: Path = ASSISTANT_DIR) -> Glossary:
    """The installed glossary, loaded once per process."""
    return load_glossary(directory / GLOSSARY_FILE)
