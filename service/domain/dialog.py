"""The guided conversation for one respondent: which indicator and which step come next.

An indicator is asked step by step: the system question first, then scope, results and
evaluation where they apply, then a free-text comment. "Planned", "don't know" for the whole
indicator and system level 0 end the dimension questions early: with no system in place there
is no scope to ask about.

In ``IndicatorAnswer.levels`` an explicit ``None`` means "don't know" and a missing key means
"not asked yet". Scoring treats both as unknown; the dialog needs the difference to know
where the respondent left off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Final

import msgspec

from service.domain.answers import IndicatorAnswer, Status
from service.domain.messages import N_
from service.domain.questionnaire import Dimension, Indicator, Questionnaire


class Step(StrEnum):
    """One question about an indicator, in the order they are asked."""

    SYSTEM = "system"
    SCOPE = "scope"
    RESULTS = "results"
    EVALUATION = "evaluation"
    COMMENT = "comment"


DONT_KNOW: Final = "dont_know"
PLANNED: Final = "planned"

Choice = int | str  # a level, DONT_KNOW or PLANNED

_ORDER: Final = tuple(Step)
_FOLLOW_UPS: Final = (Step.SCOPE, Step.RESULTS, Step.EVALUATION)


UNKNOWN_INDICATOR: Final = N_("Unknown indicator %(indicator)s.")
NOT_APPLICABLE: Final = N_("This question does not apply to indicator %(indicator)s now.")
LEVEL_OFF_SCALE: Final = N_("Level %(level)s is outside the scale 0–%(top)s.")
PLANNED_NOT_SYSTEM: Final = N_(
    "“Planned, not started” can only be chosen for the system/process question."
)
UNKNOWN_CHOICE: Final = N_("Unknown choice %(choice)s.")
CHOOSE_ONE: Final = N_("Choose one of the answers.")
COMMENT_TOO_LONG: Final = N_("The comment is too long (at most 5000 characters).")

# The comment box's limit, counted as the browser counts it: one character per line break.
MAX_COMMENT: Final = 5000
# Long enough for any level and for "-1"; a longer digit string is no level anyone chose.
_MAX_LEVEL_DIGITS: Final = 3


class DialogError(ValueError):
    """A choice the dialog cannot accept: a message id (English source text) and its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def _dimension(step: Step) -> Dimension:
    return Dimension(step.value)


def _system_answered(answer: IndicatorAnswer | None) -> bool:
    if answer is None:
        return False
    return answer.status is not Status.ANSWERED or Dimension.SYSTEM in answer.levels


def _follow_ups_apply(answer: IndicatorAnswer | None) -> bool:
    """Whether scope, results and evaluation are asked, as far as the answer tells yet."""
    if answer is None:
        return True
    if answer.status is not Status.ANSWERED:
        return False
    if Dimension.SYSTEM not in answer.levels:
        return True  # not asked yet: nothing rules the follow-ups out
    # An explicit None ("don't know") can come from an answers file; treat it like level 0.
    return bool(answer.levels[Dimension.SYSTEM])


def _answered(answer: IndicatorAnswer | None, step: Step) -> bool:
    if step is Step.SYSTEM:
        return _system_answered(answer)
    if step is Step.COMMENT:
        return False  # an empty comment is indistinguishable from one not yet given
    return answer is not None and _dimension(step) in answer.levels


def steps(ind: Indicator, answer: IndicatorAnswer | None) -> list[Step]:
    """The steps that apply now: SYSTEM first, the follow-ups the answer allows, COMMENT last."""
    follow_ups = (
        [s for s in _FOLLOW_UPS if _dimension(s) in ind.dimensions]
        if _follow_ups_apply(answer)
        else []
    )
    return [Step.SYSTEM, *follow_ups, Step.COMMENT]


def _check_indicator(q: Questionnaire, ind: Indicator) -> None:
    # Equality, not just the id: an indicator from another version of the questionnaire
    # may have other dimensions.
    if q.indicator(ind.id) != ind:
        raise DialogError(UNKNOWN_INDICATOR, indicator=ind.id)


def _check_answer(ind: Indicator, answer: IndicatorAnswer | None) -> None:
    if answer is not None and answer.indicator != ind.id:
        # A programming error, not a respondent's: deliberately not a DialogError.
        raise ValueError(f"answer for {answer.indicator} given for indicator {ind.id}")


def _level(q: Questionnaire, choice: Choice) -> int | None:
    """The level a choice stands for; None for "don't know". PLANNED is the caller's case."""
    # bool is an int subclass; True is not a level.
    if isinstance(choice, bool) or not isinstance(choice, int | str):
        raise DialogError(UNKNOWN_CHOICE, choice=choice)
    if isinstance(choice, str):
        if choice == DONT_KNOW:
            return None
        raise DialogError(UNKNOWN_CHOICE, choice=choice)
    top = len(q.scale) - 1
    if not 0 <= choice <= top:
        raise DialogError(LEVEL_OFF_SCALE, level=choice, top=top)
    return choice


def apply_choice(
    q: Questionnaire,
    ind: Indicator,
    answer: IndicatorAnswer | None,
    step: Step,
    choice: Choice,
) -> IndicatorAnswer:
    """The answer after ``choice`` at ``step``; raise :class:`DialogError` if it is not valid now."""
    _check_indicator(q, ind)
    _check_answer(ind, answer)
    if step is Step.COMMENT:
        raise DialogError(UNKNOWN_CHOICE, choice=choice)  # a comment is text: apply_comment
    if step not in steps(ind, answer):
        raise DialogError(NOT_APPLICABLE, indicator=ind.id)
    base = answer if answer is not None else IndicatorAnswer(indicator=ind.id)

    if step is not Step.SYSTEM:
        if choice == PLANNED:
            raise DialogError(PLANNED_NOT_SYSTEM)
        levels = dict(base.levels)
        levels[_dimension(step)] = _level(q, choice)
        return msgspec.structs.replace(base, levels=_in_order(ind, levels))

    if choice == PLANNED:
        return msgspec.structs.replace(base, status=Status.PLANNED, levels={})
    level = _level(q, choice)
    if level is None:
        return msgspec.structs.replace(base, status=Status.DONT_KNOW, levels={})
    new_levels: dict[Dimension, int | None] = {Dimension.SYSTEM: level}
    # Follow-ups given while they applied still hold; after system 0, planned or "don't know"
    # they were dropped (or, from an answers file, never meant anything), so they start over.
    if level > 0 and _follow_ups_apply(answer):
        new_levels |= {d: v for d, v in base.levels.items() if d is not Dimension.SYSTEM}
    return msgspec.structs.replace(base, status=Status.ANSWERED, levels=_in_order(ind, new_levels))


def _in_order(
    ind: Indicator, levels: Mapping[Dimension, int | None]
) -> dict[Dimension, int | None]:
    """Levels in the indicator's dimension order, without dimensions it does not have."""
    return {d: levels[d] for d in ind.dimensions if d in levels}


def choice_from_text(value: str) -> Choice:
    """A choice typed as text (a form field): a level number, DONT_KNOW or PLANNED.

    Whole ASCII numbers, negative ones included, become levels, so that "-1" is refused as
    off the scale like the number -1; "²" (a digit to ``str.isdigit``, not to ``int``) and
    other text are refused as no answer at all.
    """
    value = value.strip()
    if value in {DONT_KNOW, PLANNED}:
        return value
    digits = value.removeprefix("-")
    if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_LEVEL_DIGITS:
        return int(value)
    raise DialogError(CHOOSE_ONE)


def normalize_comment(comment: str) -> str:
    """Line breaks as one character each (a browser sends CRLF), so length matches the textarea."""
    return comment.replace("\r\n", "\n").replace("\r", "\n")


def apply_comment(ind: Indicator, answer: IndicatorAnswer | None, comment: str) -> IndicatorAnswer:
    """The answer with its comment replaced (line breaks normalised, surrounding space removed)."""
    _check_answer(ind, answer)
    comment = normalize_comment(comment)
    if len(comment) > MAX_COMMENT:
        raise DialogError(COMMENT_TOO_LONG)
    base = answer if answer is not None else IndicatorAnswer(indicator=ind.id)
    return msgspec.structs.replace(base, comment=comment.strip())


def next_step(ind: Indicator, answer: IndicatorAnswer | None, step: Step) -> Step | None:
    """The applicable step after ``step``; None after the comment (the indicator is done)."""
    # Compare positions in the full order, so a step that no longer applies (scope after
    # the system was lowered to 0) still has a successor.
    after = _ORDER.index(step)
    return next((s for s in steps(ind, answer) if _ORDER.index(s) > after), None)


def first_open_step(ind: Indicator, answer: IndicatorAnswer | None) -> Step:
    """The first step not answered yet; COMMENT once every dimension step is answered."""
    return next((s for s in steps(ind, answer) if not _answered(answer, s)), Step.COMMENT)


def is_complete(ind: Indicator, answer: IndicatorAnswer | None) -> bool:
    """Whether every applicable dimension step is answered (the comment is optional)."""
    return first_open_step(ind, answer) is Step.COMMENT


def _position(q: Questionnaire, indicator_id: str) -> int:
    for n, (_, _, ind) in enumerate(q.indicators()):
        if ind.id == indicator_id:
            return n
    raise DialogError(UNKNOWN_INDICATOR, indicator=indicator_id)


def next_indicator(
    q: Questionnaire,
    role: str,
    answers: Mapping[str, IndicatorAnswer],
    after: str | None = None,
) -> str | None:
    """The first incomplete indicator for ``role`` after ``after``, wrapping round; None if all are done."""
    # Document positions, so that ``after`` may be an indicator the role does not answer.
    ordered = [(n, ind) for n, (_, _, ind) in enumerate(q.indicators()) if role in ind.roles]
    start = -1 if after is None else _position(q, after)
    rotated = [ind for n, ind in ordered if n > start] + [ind for n, ind in ordered if n <= start]
    return next((ind.id for ind in rotated if not is_complete(ind, answers.get(ind.id))), None)


def previous_step(
    q: Questionnaire,
    role: str,
    answers: Mapping[str, IndicatorAnswer],
    indicator_id: str,
    step: Step,
) -> tuple[str, Step] | None:
    """The step before: within the indicator, else the previous indicator's last step."""
    position = _position(q, indicator_id)
    indicators = [ind for _, _, ind in q.indicators()]
    current = indicators[position]
    before = _ORDER.index(step)
    earlier = [s for s in steps(current, answers.get(indicator_id)) if _ORDER.index(s) < before]
    if earlier:
        return indicator_id, earlier[-1]
    for ind in reversed(indicators[:position]):
        if role in ind.roles:
            return ind.id, steps(ind, answers.get(ind.id))[-1]
    return None


class AreaProgress(msgspec.Struct):
    """How many of a focus area's indicators for a role are complete."""

    area: int
    total: int
    complete: int


def progress(
    q: Questionnaire, role: str, answers: Mapping[str, IndicatorAnswer]
) -> list[AreaProgress]:
    """Per focus area with indicators for ``role``: how many there are and how many are complete."""
    result: list[AreaProgress] = []
    for area in q.areas:
        mine = [ind for sq in area.subquestions for ind in sq.indicators if role in ind.roles]
        if mine:
            complete = sum(is_complete(ind, answers.get(ind.id)) for ind in mine)
            result.append(AreaProgress(area=area.number, total=len(mine), complete=complete))
    return result


Position = tuple[str, Step]  # an indicator id and the step to ask there


def open_step(q: Questionnaire, indicator_id: str, answers: Mapping[str, IndicatorAnswer]) -> Step:
    """Where an indicator's conversation should continue."""
    ind = q.indicator(indicator_id)
    if ind is None:
        raise DialogError(UNKNOWN_INDICATOR, indicator=indicator_id)
    return first_open_step(ind, answers.get(indicator_id))


def next_position(
    q: Questionnaire,
    role: str,
    answers: Mapping[str, IndicatorAnswer],
    ind: Indicator,
    step: Step,
) -> Position | None:
    """Where the conversation goes after a saved step; None when every question is answered."""
    following = next_step(ind, answers.get(ind.id), step)
    if following is not None:
        return ind.id, following
    nxt = next_indicator(q, role, answers, after=ind.id)
    if nxt is None:
        return None
    return nxt, open_step(q, nxt, answers)


def resume_position(
    q: Questionnaire,
    role: str,
    answers: Mapping[str, IndicatorAnswer],
    saved_indicator: str | None,
    saved_step: str | None,
) -> Position | None:
    """Where a returning respondent continues: the step they were on, else the first open one.

    None when every question is answered (the conversation is over).
    """
    nxt = next_indicator(q, role, answers)
    if nxt is None:
        return None
    at = q.indicator(saved_indicator or "")
    if at is not None and role in at.roles and saved_step:
        try:
            return at.id, Step(saved_step)
        except ValueError:
            pass
    return nxt, open_step(q, nxt, answers)


def shown_step(ind: Indicator, answer: IndicatorAnswer | None, asked: Step) -> Step:
    """The step to show when ``asked`` is requested: itself if it applies, else the first open one."""
    return asked if asked in steps(ind, answer) else first_open_step(ind, answer)


# --- the card: one indicator, one submission --------------------------------------------------
#
# The conversation's unit is the indicator: every applicable dimension, "don't know" per
# dimension or for the whole indicator, "planned, not started" and the comment arrive in one
# submission. Follow-ups that cannot apply (system 0, system "don't know", planned, whole
# "don't know") are ignored rather than refused, so a page without JavaScript, which still
# sends them, is answered the same as one that greyed them out.

CARD: Final = "card"
"""What ``respondents.position_step`` holds for a respondent on a card."""

UNKNOWN_DIMENSION: Final = N_("Indicator %(indicator)s has no question “%(dimension)s”.")
ANSWER_EACH: Final = N_("Choose an answer here, or “Don't know”.")

SECONDS_PER_INDICATOR: Final = 45
"""A card takes well under a minute once the scale is familiar: the welcome's estimate."""


class Card(msgspec.Struct, frozen=True, kw_only=True):
    """A whole indicator answer as one submission.

    ``levels`` maps a dimension id to a level, to DONT_KNOW or None ("don't know"), or to
    whatever text a form sent (refused with :data:`UNKNOWN_CHOICE`). A dimension left out is
    not answered, which is only accepted where it does not apply.
    """

    status: Status = Status.ANSWERED
    levels: dict[str, Choice | None] = msgspec.field(default_factory=dict)
    comment: str = ""


class FieldError(msgspec.Struct, frozen=True):
    """A problem with one field of a card: ``status``, a dimension id or ``comment``."""

    field: str
    message: str
    params: dict[str, object]


class CardError(DialogError):
    """A card that cannot be saved; ``fields`` has one problem per field, in card order."""

    def __init__(self, fields: list[FieldError]) -> None:
        first = fields[0]
        super().__init__(first.message, **first.params)
        self.fields = fields


def _card_level(q: Questionnaire, value: Choice | None) -> int | None:
    return None if value is None else _level(q, value)


def apply_card(
    q: Questionnaire, ind: Indicator, before: IndicatorAnswer | None, card: Card
) -> IndicatorAnswer:
    """The answer a card gives; raise :class:`CardError` naming every field that is not valid.

    Evidence already attached stays; everything else is replaced by what the card says.
    """
    _check_indicator(q, ind)
    _check_answer(ind, before)
    problems: list[FieldError] = []

    def refuse(field: str, message: str, **params: object) -> None:
        problems.append(FieldError(field, message, params))

    known = {d.value for d in ind.dimensions}
    for name in card.levels:
        if name not in known:
            refuse(name, UNKNOWN_DIMENSION, indicator=ind.id, dimension=name)
    comment = normalize_comment(card.comment)
    if len(comment) > MAX_COMMENT:
        refuse("comment", COMMENT_TOO_LONG)

    status = card.status
    levels: dict[Dimension, int | None] = {}
    if status is Status.ANSWERED:
        levels, status = _card_levels(q, ind, card, refuse)
    if problems:
        raise CardError(problems)
    base = before if before is not None else IndicatorAnswer(indicator=ind.id)
    return msgspec.structs.replace(base, status=status, levels=levels, comment=comment.strip())


def _card_levels(
    q: Questionnaire,
    ind: Indicator,
    card: Card,
    refuse: Callable[..., None],
) -> tuple[dict[Dimension, int | None], Status]:
    """The levels of an answered card and its status (system "don't know" is the whole's)."""
    system = Dimension.SYSTEM.value
    if system not in card.levels:
        refuse(system, ANSWER_EACH)
        return {}, Status.ANSWERED
    try:
        top = _card_level(q, card.levels[system])
    except DialogError as exc:
        refuse(system, exc.message, **exc.params)
        return {}, Status.ANSWERED
    if top is None:
        return {}, Status.DONT_KNOW  # no system known: nothing to say about its scope
    levels: dict[Dimension, int | None] = {Dimension.SYSTEM: top}
    if top == 0:
        return levels, Status.ANSWERED  # nothing in place: the follow-ups are ignored
    for d in ind.dimensions:
        if d is Dimension.SYSTEM:
            continue
        if d.value not in card.levels:
            refuse(d.value, ANSWER_EACH)
            continue
        try:
            levels[d] = _card_level(q, card.levels[d.value])
        except DialogError as exc:
            refuse(d.value, exc.message, **exc.params)
    return levels, Status.ANSWERED


def follow_ups_apply(card: Card) -> bool:
    """Whether a card's scope, results and evaluation count (what the page greys out otherwise)."""
    if card.status is not Status.ANSWERED:
        return False
    if Dimension.SYSTEM.value not in card.levels:
        return True  # nothing chosen yet: nothing rules the follow-ups out
    return card.levels[Dimension.SYSTEM.value] not in {None, 0, "0", DONT_KNOW}


def card_of(answer: IndicatorAnswer | None) -> Card:
    """The card a stored answer shows (empty when there is none)."""
    if answer is None:
        return Card()
    levels: dict[str, Choice | None] = {d.value: v for d, v in answer.levels.items()}
    return Card(status=answer.status, levels=levels, comment=answer.comment)


def next_open(
    q: Questionnaire,
    indicators: Sequence[Indicator],
    answers: Mapping[str, IndicatorAnswer],
    after: str | None = None,
) -> str | None:
    """The first incomplete of ``indicators`` (in questionnaire order) after ``after``, wrapping.

    ``after`` may be any indicator of the questionnaire, in the list or not.
    """
    start = -1 if after is None else _position(q, after)
    order = {ind.id: n for n, (_, _, ind) in enumerate(q.indicators())}
    ranked = sorted(indicators, key=lambda ind: order.get(ind.id, -1))
    rotated = [i for i in ranked if order.get(i.id, -1) > start] + [
        i for i in ranked if order.get(i.id, -1) <= start
    ]
    return next((i.id for i in rotated if not is_complete(i, answers.get(i.id))), None)


def progress_over(
    q: Questionnaire, indicators: Sequence[Indicator], answers: Mapping[str, IndicatorAnswer]
) -> list[AreaProgress]:
    """Per focus area holding some of ``indicators``: how many there are and how many are complete."""
    wanted = {ind.id for ind in indicators}
    result: list[AreaProgress] = []
    for area in q.areas:
        mine = [ind for sq in area.subquestions for ind in sq.indicators if ind.id in wanted]
        if mine:
            complete = sum(is_complete(ind, answers.get(ind.id)) for ind in mine)
            result.append(AreaProgress(area=area.number, total=len(mine), complete=complete))
    return result


def estimated_minutes(count: int) -> int:
    """Minutes ``count`` cards take, rounded up to whole five minutes (at least five)."""
    minutes = -(-count * SECONDS_PER_INDICATOR // 60)
    return max(5, -(-minutes // 5) * 5)
