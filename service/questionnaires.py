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

from service.domain.benchmarks import ReferenceSet
from service.domain.questionnaire import Problem, Questionnaire, check
from service.locate import (
    FileProblem,
    LineMap,
    Loader,
    load_located,
    resolve,
    split_validation_error,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE_DIR = PROJECT_ROOT / "questionnaires"
REFERENCE_SUBDIR = "references"
SUFFIXES = (".yaml", ".yml")


class QuestionnaireError(Exception):
    """A questionnaire file could not be loaded; carries every problem found."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


_UNKNOWN = re.compile(r"^object contains unknown field `(?P<field>[^`]+)`$")


def _decode(data: Any, name: str, lines: LineMap) -> tuple[Questionnaire | None, list[FileProblem]]:
    """Decode, reporting unknown keys one by one; stop at the first type error."""
    problems: list[FileProblem] = []
    # Unknown keys are pruned and decoding retried so an author sees all of them at
    # once; a wrong type cannot be repaired, so it ends the structural pass.
    for _ in range(1000):
        try:
            return msgspec.convert(data, Questionnaire), problems
        except msgspec.ValidationError as exc:
            msg, path = split_validation_error(exc)
            unknown = _UNKNOWN.match(msg)
            if unknown:
                field_path = f"{path}.{unknown['field']}"
                problems.append(
                    FileProblem(name, lines.line(field_path), f"unknown key '{unknown['field']}'")
                )
                target = resolve(data, field_path)
                if target is None:
                    return None, problems
                container, key = target
                del container[key]
                continue
            problems.append(FileProblem(name, lines.line(path), f"{path}: {msg}"))
            return None, problems
    return None, problems


def load_text(text: str, name: str) -> Questionnaire:
    """Decode and check one definition; raise :class:`QuestionnaireError` listing every problem."""
    try:
        # One parse for the data and its lines (Loader derives from SafeLoader).
        data, lines = load_located(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise QuestionnaireError(
            [FileProblem(name, line, f"invalid YAML: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError([FileProblem(name, 1, f"invalid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise QuestionnaireError([FileProblem(name, 1, "expected a mapping at the top level")])
    problems = [
        FileProblem(name, line, f"duplicate key '{key}'") for key, line in lines.duplicate_keys
    ]
    questionnaire, decode_problems = _decode(data, name, lines)
    problems.extend(decode_problems)
    if questionnaire is not None:
        problems.extend(_locate(name, check(questionnaire), lines))
    if problems or questionnaire is None:
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line))
    return questionnaire


def _locate(name: str, problems: Iterable[Problem], lines: LineMap) -> list[FileProblem]:
    return [FileProblem(name, lines.line(p.path), p.message) for p in problems]


def load_file(path: Path) -> Questionnaire:
    """Load one definition file; raise :class:`QuestionnaireError` on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([FileProblem(str(path), 1, f"cannot read file: {exc}")]) from None
    return load_text(text, str(path))


def schema() -> dict[str, Any]:
    """The JSON Schema of the questionnaire format, for editors."""
    result = msgspec.json.schema(Questionnaire)
    # `measure` has a default only so the validator can report every missing one at once;
    # for an author it is required, and the editor should say so.
    indicator = result["$defs"]["Indicator"]
    indicator["properties"]["measure"].pop("default", None)
    indicator["properties"]["measure"]["minProperties"] = 1
    if "measure" not in indicator["required"]:
        indicator["required"].insert(indicator["required"].index("evidence_hint") + 1, "measure")
    return result


def load_references(path: Path) -> ReferenceSet:
    """Load a reference-figures file; raise :class:`QuestionnaireError` with located problems."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - Loader derives from SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QuestionnaireError([FileProblem(name, 1, f"cannot read file: {exc}")]) from None
    try:
        return msgspec.convert(data, ReferenceSet)
    except msgspec.ValidationError as exc:
        msg, at = split_validation_error(exc)
        raise QuestionnaireError(
            [FileProblem(name, LineMap(text).line(at), f"{at}: {msg}")]
        ) from None


class Catalog:
    """The questionnaires a running service offers, keyed by id, with their reference figures."""

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
        self._references: dict[str, ReferenceSet] = {}
        for path in sorted((directory / REFERENCE_SUBDIR).glob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                refs = load_references(path)
                if refs.questionnaire not in found:
                    raise QuestionnaireError(
                        [FileProblem(str(path), 1, f"unknown questionnaire '{refs.questionnaire}'")]
                    )
                self._references[refs.questionnaire] = refs

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        """The questionnaire with this id, if offered."""
        return self._by_id.get(questionnaire_id)

    def references(self, questionnaire_id: str) -> ReferenceSet:
        """The reference figures recorded for a questionnaire (possibly none)."""
        return self._references.get(questionnaire_id) or ReferenceSet(
            questionnaire=questionnaire_id
        )

    def all(self) -> list[Questionnaire]:
        """Every offered questionnaire, ordered by id."""
        return [self._by_id[k] for k in sorted(self._by_id)]


@cache
def catalog(directory: Path = QUESTIONNAIRE_DIR) -> Catalog:
    """The catalog for ``directory``, loaded once per process."""
    return Catalog(directory)
