"""The questionnaire model: a versioned definition of areas, sub-questions and indicators.

Definitions are data (see ``docs/questionnaire-format.md``). This module holds the
Structs a definition decodes into and the cross-field rules that a decoder cannot
express; it knows nothing about files, YAML or line numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

import msgspec

# A text in every supported locale, keyed by locale code ("nb", "sv", "en").
LocalizedText = dict[str, str]

LocaleCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2}$")]
Identifier = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$")]
SubquestionId = Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]?\.[1-9][0-9]?$")]
IndicatorId = Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]?\.[1-9][0-9]?\.[1-9][0-9]?$")]
Percent = Annotated[int, msgspec.Meta(ge=1, le=100)]

AREA_POINTS = 100
WEIGHT_TOTAL = 100


class Dimension(StrEnum):
    """The four aspects the formal method scores every practice on."""

    SYSTEM = "system"
    SCOPE = "scope"
    RESULTS = "results"
    EVALUATION = "evaluation"


class Base(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Common options: unknown keys are errors, defaults are not written back."""


class ScaleLevel(Base):
    """One step of the answer scale, shared by all dimensions."""

    level: Annotated[int, msgspec.Meta(ge=0, le=9)]
    label: LocalizedText


class DimensionDef(Base):
    """A scoring dimension: its weight, the plain-language prompt, and per-level descriptors."""

    id: Dimension
    weight: Percent
    title: LocalizedText
    prompt: LocalizedText
    descriptors: dict[int, LocalizedText]


class Role(Base):
    """A respondent role, such as the mayor or a unit leader."""

    id: Identifier
    title: LocalizedText
    description: LocalizedText


class Thresholds(Base):
    """Fractions of the maximum that separate weaknesses, challenges and strengths."""

    strength: Annotated[float, msgspec.Meta(gt=0, le=1)] = 0.7
    weakness: Annotated[float, msgspec.Meta(ge=0, lt=1)] = 0.4


class Indicator(Base, kw_only=True):
    """One observable practice, answered by the roles that would know it."""

    id: IndicatorId
    question: LocalizedText
    why: LocalizedText
    good_practice: LocalizedText
    evidence_hint: LocalizedText
    # The action a council adopts to put the practice in place ("Vedta en
    # kommunikasjonsstrategi …"); the development plan lists measures, not questions.
    # Required, but defaulted so that a missing one is reported with every other
    # problem rather than stopping the decoder at the first indicator.
    measure: LocalizedText = msgspec.field(default_factory=dict)
    roles: list[Identifier]
    dimensions: list[Dimension]
    weight: Percent


class Subquestion(Base):
    """A numbered item of the standard (e.g. 1.3) with its maximum points."""

    id: SubquestionId
    title: LocalizedText
    max_points: Annotated[int, msgspec.Meta(ge=1, le=AREA_POINTS)]
    indicators: list[Indicator]


class Area(Base):
    """A focus area; its sub-questions' maxima add up to 100."""

    number: Annotated[int, msgspec.Meta(ge=1, le=99)]
    title: LocalizedText
    intro: LocalizedText
    subquestions: list[Subquestion]


class Questionnaire(Base):
    """A complete, versioned questionnaire definition."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9.\-]*$")]
    version: str
    title: LocalizedText
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
    default_locale: LocaleCode
    locales: list[LocaleCode]
    scale: list[ScaleLevel]
    dimensions: list[DimensionDef]
    roles: list[Role]
    areas: list[Area]
    thresholds: Thresholds = msgspec.field(default_factory=Thresholds)

    @property
    def max_points(self) -> int:
        """The questionnaire's total maximum (800 for the 8-area standard)."""
        return sum(sq.max_points for area in self.areas for sq in area.subquestions)

    def subquestions(self) -> Iterator[tuple[Area, Subquestion]]:
        """Every sub-question with its area, in document order."""
        for area in self.areas:
            for sq in area.subquestions:
                yield area, sq

    def indicators(self) -> Iterator[tuple[Area, Subquestion, Indicator]]:
        """Every indicator with its area and sub-question, in document order."""
        for area, sq in self.subquestions():
            for ind in sq.indicators:
                yield area, sq, ind

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Look an indicator up by id."""
        for _, _, ind in self.indicators():
            if ind.id == indicator_id:
                return ind
        return None

    def indicators_for_role(self, role: str) -> list[Indicator]:
        """The indicators a respondent in ``role`` answers, in document order."""
        return [ind for _, _, ind in self.indicators() if role in ind.roles]

    def text(self, value: LocalizedText, locale: str) -> str:
        """A localized text in ``locale``, falling back to the default locale."""
        return value.get(locale) or value[self.default_locale]


class Problem(msgspec.Struct, frozen=True):
    """A rule a definition breaks, located by a JSON path such as ``$.areas[0].number``."""

    path: str
    message: str


def _localized_fields(q: Questionnaire) -> Iterator[tuple[str, LocalizedText]]:
    yield "$.title", q.title
    for i, level in enumerate(q.scale):
        yield f"$.scale[{i}].label", level.label
    for i, dim in enumerate(q.dimensions):
        base = f"$.dimensions[{i}]"
        yield f"{base}.title", dim.title
        yield f"{base}.prompt", dim.prompt
        for level_value, text in dim.descriptors.items():
            yield f"{base}.descriptors.{level_value}", text
    for i, role in enumerate(q.roles):
        yield f"$.roles[{i}].title", role.title
        yield f"$.roles[{i}].description", role.description
    for a, area in enumerate(q.areas):
        abase = f"$.areas[{a}]"
        yield f"{abase}.title", area.title
        yield f"{abase}.intro", area.intro
        for s, sq in enumerate(area.subquestions):
            sbase = f"{abase}.subquestions[{s}]"
            yield f"{sbase}.title", sq.title
            for n, ind in enumerate(sq.indicators):
                ibase = f"{sbase}.indicators[{n}]"
                for name in ("question", "why", "good_practice", "evidence_hint"):
                    yield f"{ibase}.{name}", getattr(ind, name)
                if ind.measure:  # a missing measure is reported once, by _check_indicator
                    yield f"{ibase}.measure", ind.measure


def missing_translations(q: Questionnaire) -> list[Problem]:
    """Every localized field lacking a non-empty text in a supported locale."""
    problems: list[Problem] = []
    for path, text in _localized_fields(q):
        for locale in q.locales:
            if not text.get(locale, "").strip():
                problems.append(Problem(path, f"missing translation for locale '{locale}'"))
        for locale in text:
            if locale not in q.locales:
                problems.append(Problem(f"{path}.{locale}", f"locale '{locale}' is not supported"))
    return problems


def _check_header(q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    if q.default_locale not in q.locales:
        problems.append(
            Problem("$.default_locale", f"default locale '{q.default_locale}' is not in locales")
        )
    if len(set(q.locales)) != len(q.locales):
        problems.append(Problem("$.locales", "locales are listed twice"))
    levels = [lv.level for lv in q.scale]
    if levels != list(range(len(levels))) or len(levels) < 2:
        problems.append(Problem("$.scale", "scale levels must be 0, 1, 2, … in order"))
    seen_dims: set[Dimension] = set()
    for i, dim in enumerate(q.dimensions):
        if dim.id in seen_dims:
            problems.append(
                Problem(f"$.dimensions[{i}].id", f"duplicate dimension '{dim.id.value}'")
            )
        seen_dims.add(dim.id)
        if sorted(dim.descriptors) != levels:
            problems.append(
                Problem(f"$.dimensions[{i}].descriptors", "needs one descriptor per scale level")
            )
    if Dimension.SYSTEM not in seen_dims:
        problems.append(Problem("$.dimensions", "the 'system' dimension is required"))
    total = sum(d.weight for d in q.dimensions)
    if total != WEIGHT_TOTAL:
        problems.append(Problem("$.dimensions", f"dimension weights sum to {total}, not 100"))
    if q.thresholds.weakness >= q.thresholds.strength:
        problems.append(Problem("$.thresholds", "weakness threshold must be below strength"))
    seen_roles: set[str] = set()
    for i, role in enumerate(q.roles):
        if role.id in seen_roles:
            problems.append(Problem(f"$.roles[{i}].id", f"duplicate role '{role.id}'"))
        seen_roles.add(role.id)
    return problems


def _check_indicator(q: Questionnaire, ind: Indicator, sq: Subquestion, path: str) -> list[Problem]:
    problems: list[Problem] = []
    if not ind.id.startswith(sq.id + "."):
        problems.append(Problem(f"{path}.id", f"indicator '{ind.id}' is not under '{sq.id}'"))
    if not ind.measure:
        problems.append(Problem(f"{path}.measure", f"indicator '{ind.id}' has no measure"))
    role_ids = {r.id for r in q.roles}
    if not ind.roles:
        problems.append(Problem(f"{path}.roles", f"indicator '{ind.id}' has no role"))
    for r, role in enumerate(ind.roles):
        if role not in role_ids:
            problems.append(Problem(f"{path}.roles[{r}]", f"unknown role '{role}'"))
    if len(set(ind.roles)) != len(ind.roles):
        problems.append(Problem(f"{path}.roles", "a role is listed twice"))
    defined = {d.id for d in q.dimensions}
    if not ind.dimensions:
        problems.append(Problem(f"{path}.dimensions", f"indicator '{ind.id}' has no dimension"))
    elif Dimension.SYSTEM not in ind.dimensions:
        problems.append(
            Problem(f"{path}.dimensions", "every indicator is scored on 'system' first")
        )
    for d, dim in enumerate(ind.dimensions):
        if dim not in defined:
            problems.append(
                Problem(f"{path}.dimensions[{d}]", f"undefined dimension '{dim.value}'")
            )
    if len(set(ind.dimensions)) != len(ind.dimensions):
        problems.append(Problem(f"{path}.dimensions", "a dimension is listed twice"))
    return problems


def check(q: Questionnaire) -> list[Problem]:
    """Every cross-field rule the definition breaks, in document order."""
    problems = _check_header(q)
    seen_areas: set[int] = set()
    seen_ids: set[str] = set()
    for a, area in enumerate(q.areas):
        apath = f"$.areas[{a}]"
        if area.number in seen_areas:
            problems.append(Problem(f"{apath}.number", f"duplicate area number {area.number}"))
        seen_areas.add(area.number)
        if not area.subquestions:
            problems.append(Problem(f"{apath}.subquestions", "an area needs sub-questions"))
        points = sum(sq.max_points for sq in area.subquestions)
        if points != AREA_POINTS:
            problems.append(
                Problem(
                    f"{apath}.subquestions",
                    f"area {area.number} sub-question maxima sum to {points}, not 100",
                )
            )
        for s, sq in enumerate(area.subquestions):
            spath = f"{apath}.subquestions[{s}]"
            if not sq.id.startswith(f"{area.number}."):
                problems.append(Problem(f"{spath}.id", f"'{sq.id}' is not in area {area.number}"))
            if sq.id in seen_ids:
                problems.append(Problem(f"{spath}.id", f"duplicate id '{sq.id}'"))
            seen_ids.add(sq.id)
            if not sq.indicators:
                problems.append(Problem(f"{spath}.indicators", "a sub-question needs indicators"))
                continue
            weights = sum(ind.weight for ind in sq.indicators)
            if weights != WEIGHT_TOTAL:
                problems.append(
                    Problem(
                        f"{spath}.indicators",
                        f"indicator weights in {sq.id} sum to {weights}, not 100",
                    )
                )
            for n, ind in enumerate(sq.indicators):
                ipath = f"{spath}.indicators[{n}]"
                if ind.id in seen_ids:
                    problems.append(Problem(f"{ipath}.id", f"duplicate id '{ind.id}'"))
                seen_ids.add(ind.id)
                problems.extend(_check_indicator(q, ind, sq, ipath))
    problems.extend(missing_translations(q))
    return problems


class Summary(msgspec.Struct, kw_only=True):
    """What ``kompass questionnaire validate --json`` prints for one file."""

    id: str
    version: str
    areas: int
    subquestions: int
    indicators: int
    points_per_area: dict[str, int]
    locales: list[str]
    missing_translations: int


def summarize(q: Questionnaire) -> Summary:
    """Counts and points of a definition, for authors and for CI."""
    return Summary(
        id=q.id,
        version=q.version,
        areas=len(q.areas),
        subquestions=sum(1 for _ in q.subquestions()),
        indicators=sum(1 for _ in q.indicators()),
        points_per_area={
            str(area.number): sum(sq.max_points for sq in area.subquestions) for area in q.areas
        },
        locales=list(q.locales),
        missing_translations=len(missing_translations(q)),
    )
