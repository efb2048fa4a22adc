"""What the assistant knows besides the questionnaire: example answers and a glossary.

Both are data files beside the questionnaires (``questionnaires/assistant/``), decoded into
these Structs by ``service.assist.knowledge``.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from service.domain.answers import Status
from service.domain.questionnaire import Identifier

Lang = Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)$")]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class ExampleAnswer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A generic answer at one level of the System dimension (or planned / don't know)."""

    lang: Lang
    status: Status
    text: NonEmpty
    system: Annotated[int, msgspec.Meta(ge=0, le=4)] | None = None


class ExampleSet(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Every example answer, in every language."""

    examples: list[ExampleAnswer]


class GlossaryEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A term with its names and a short explanation in each language.

    ``terms`` lists the names a respondent may use (Norwegian and Swedish counterparts
    together, so a Swede asking about "formannskap" still finds the entry);
    ``source`` names where the explanation comes from (a law or a handbook).
    """

    id: Identifier
    terms: dict[Lang, list[NonEmpty]]
    definition: dict[Lang, NonEmpty]
    source: str = ""
    country: Annotated[str, msgspec.Meta(pattern="^(NO|SE|)$")] = ""


class Glossary(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """The glossary the assistant explains terms from."""

    entries: list[GlossaryEntry]


def example_problems(examples: ExampleSet) -> list[tuple[str, str]]:
    """Rules a decoder cannot express: answered examples need a level, others must not have one."""
    problems: list[tuple[str, str]] = []
    for i, ex in enumerate(examples.examples):
        if ex.status is Status.ANSWERED and ex.system is None:
            problems.append((f"$.examples[{i}].system", "an answered example needs a system level"))
        if ex.status is not Status.ANSWERED and ex.system is not None:
            problems.append(
                (f"$.examples[{i}].system", f"a '{ex.status.value}' example cannot carry a level")
            )
    return problems


def glossary_problems(glossary: Glossary) -> list[tuple[str, str]]:
    """Duplicate ids and entries lacking a definition in nb, sv or en."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(glossary.entries):
        if entry.id in seen:
            problems.append((f"$.entries[{i}].id", f"duplicate id '{entry.id}'"))
        seen.add(entry.id)
        for lang in ("nb", "sv", "en"):
            if lang not in entry.definition:
                problems.append((f"$.entries[{i}].definition", f"missing '{lang}' definition"))
            if not entry.terms.get(lang):
                problems.append((f"$.entries[{i}].terms", f"missing '{lang}' terms"))
    return problems
