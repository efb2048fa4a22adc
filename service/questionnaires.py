"""Questionnaire files on disk: YAML → Structs, with every problem located by file and line.

The validator CLI and the running service both load definitions through
:func:`load_file`, so what ``kompass questionnaire validate`` accepts is exactly
what the service will serve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import yaml

from service.domain.questionnaire import Problem, Questionnaire, check

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE_DIR = PROJECT_ROOT / "questionnaires"
SUFFIXES = (".yaml", ".yml")

_LOADER_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_LOADER_BASE):  # type: ignore[valid-type,misc]
    """YAML 1.2-style booleans: ``NO`` (Norway) and ``no`` stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _LOADER_BASE.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


class FileProblem(msgspec.Struct, frozen=True):
    """A problem in a questionnaire file, with a 1-based line number."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire file could not be loaded; carries every problem found."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _index_lines(
    node: yaml.Node, path: str, lines: dict[str, int], dupes: list[tuple[str, int]]
) -> None:
    """Record the line of every value (and of every mapping key) by its JSON path."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}"
            if key in seen:
                dupes.append((f"duplicate key '{key}'", key_node.start_mark.line + 1))
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, f"{path}[{i}]", lines, dupes)


def _line_for(path: str, lines: dict[str, int]) -> int:
    """The line of ``path`` or of its nearest located ancestor."""
    candidate = path
    while candidate:
        if candidate in lines:
            return lines[candidate]
        cut = max(candidate.rfind("."), candidate.rfind("["))
        if cut <= 0:
            break
        candidate = candidate[:cut]
    return 1


_AT = re.compile(r"^(?P<msg>.*) - at `(?P<path>\$[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]+)`$")


def _resolve_path(data: Any, path: str) -> tuple[Any, str | int] | None:
    """The container holding the value at ``path`` and its key, for pruning."""
    parts = re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$"))
    if not parts:
        return None
    container = data
    for key, index in parts[:-1]:
        container = container[key] if key else container[int(index)]
    last_key, last_index = parts[-1]
    return container, (last_key if last_key else int(last_index))


def _decode(
    data: Any, name: str, lines: dict[str, int]
) -> tuple[Questionnaire | None, list[FileProblem]]:
    """Decode, reporting unknown keys one by one; stop at the first type error."""
    problems: list[FileProblem] = []
    # Unknown keys are pruned and decoding retried so an author sees all of them at
    # once; a wrong type cannot be repaired, so it ends the structural pass.
    for _ in range(1000):
        try:
            return msgspec.convert(data, Questionnaire), problems
        except msgspec.ValidationError as exc:
            text = str(exc)
            match = _AT.match(text)
            msg, path = (match["msg"], match["path"]) if match else (text, "$")
            unknown = _UNKNOWN.match(msg)
            if unknown:
                field_path = f"{path}.{unknown['field']}"
                problems.append(
                    FileProblem(
                        name, _line_for(field_path, lines), f"unknown key '{unknown['field']}'"
                    )
                )
                target = _resolve_path(data, field_path)
                if target is None:
                    return None, problems
                container, key = target
                del container[key]
                continue
            problems.append(
                FileProblem(name, _line_for(path, lines), f"{path}: {msg[0].lower()}{msg[1:]}")
            )
            return None, problems
    return None, problems


def load_text(text: str, name: str) -> Questionnaire:
    """Decode and check one definition; raise :class:`QuestionnaireError` listing every problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise QuestionnaireError(
            [FileProblem(name, line, f"invalid YAML: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError([FileProblem(name, 1, f"invalid YAML: {exc}")]) from None
    if node is None or not isinstance(data, dict):
        raise QuestionnaireError([FileProblem(name, 1, "expected a mapping at the top level")])
    lines: dict[str, int] = {}
    dupes: list[tuple[str, int]] = []
    _index_lines(node, "$", lines, dupes)
    problems = [FileProblem(name, line, msg) for msg, line in dupes]
    questionnaire, decode_problems = _decode(data, name, lines)
    problems.extend(decode_problems)
    if questionnaire is not None:
        problems.extend(_locate(name, check(questionnaire), lines))
    if problems or questionnaire is None:
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line))
    return questionnaire


def _locate(name: str, problems: Iterable[Problem], lines: dict[str, int]) -> list[FileProblem]:
    return [FileProblem(name, _line_for(p.path, lines), p.message) for p in problems]


def load_file(path: Path) -> Questionnaire:
    """Load one definition file; raise :class:`QuestionnaireError` on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([FileProblem(str(path), 1, f"cannot read file: {exc}")]) from None
    return load_text(text, str(path))


def schema() -> dict[str, Any]:
    """The JSON Schema of the questionnaire format, for editors."""
    return msgspec.json.schema(Questionnaire)


class Catalog:
    """The questionnaires a running service offers, keyed by id."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        found: dict[str, Questionnaire] = {}
        for path in sorted(directory.glob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                q = load_file(path)
                if q.id in found:
                    raise QuestionnaireError(
                        [FileProblem(str(path), 1, f"questionnaire id '{q.id}' is defined twice")]
                    )
                found[q.id] = q
        self._by_id = found

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        """The questionnaire with this id, if offered."""
        return self._by_id.get(questionnaire_id)

    def all(self) -> list[Questionnaire]:
        """Every offered questionnaire, ordered by id."""
        return [self._by_id[k] for k in sorted(self._by_id)]


@cache
def catalog(directory: Path = QUESTIONNAIRE_DIR) -> Catalog:
    """The catalog for ``directory``, loaded once per process."""
    return Catalog(directory)
