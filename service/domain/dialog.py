"""A respondent's answers, one indicator at a time: what applies, what is complete, what is next.

An indicator is answered on one card: the system question first, then scope, results and
evaluation where the indicator has them, and a free-text comment. "Planned", "don't know" for
the whole indicator and system level 0 make the other questions not apply: with no system in
place there is no scope to ask about.

In ``IndicatorAnswer.levels`` an explicit ``None`` means "don't know" and a missing key means
"not answered". Scoring treats both as unknown; completeness needs the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

import msgspec

from service.domain.answers import IndicatorAnswer, Status
from service.domain.messages import N_
from service.domain.order import index
from service.domain.questionnaire import Dimension, Indicator, Questionnaire

DONT_KNOW: Final = "dont_know"
PLANNED: Final = "planned"

Choice = int | str  # a level, DONT_KNOW, or text a form sent that is no choice at all

_FOLLOW_UPS: Final = (Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION)


UNKNOWN_INDICATOR: Final = N_("Unknown indicator %(indicator)s.")
LEVEL_OFF_SCALE: Final = N_("Level %(level)s is outside the scale 0–%(top)s.")
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


def _follow_ups_apply(answer: IndicatorAnswer | None) -> bool:
    """Whether scope, results and evaluation are asked, as far as the answer tells yet."""
    if answer is None:
        return True
    if answer.status is not Status.ANSWERED:
        return False
    if Dimension.SYSTEM not in answer.levels:
        return True  # not answered yet: nothing rules the follow-ups out
    # An explicit None ("don't know") can come from an answers file; treat it like level 0.
    return bool(answer.levels[Dimension.SYSTEM])


def applies(ind: Indicator, answer: IndicatorAnswer | None) -> list[Dimension]:
    """The indicator's dimensions asked now: the system, and the follow-ups the answer allows."""
    follow = _follow_ups_apply(answer)
    return [d for d in ind.dimensions if d is Dimension.SYSTEM or (follow and d in _FOLLOW_UPS)]


def is_complete(ind: Indicator, answer: IndicatorAnswer | None) -> bool:
    """Whether every dimension that applies is answered ("don't know" counts; the comment is optional)."""
    if answer is None:
        return False
    if answer.status is not Status.ANSWERED:
        return True
    # What ``applies`` says, without building its list: this runs for every indicator of a
    # respondent's share on each saved card.
    levels = answer.levels
    if Dimension.SYSTEM not in levels:
        return False
    if not levels[Dimension.SYSTEM]:  # level 0 or "don't know": no follow-ups apply
        return True
    return all(d in levels for d in ind.dimensions if d in _FOLLOW_UPS)


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
    """The level a choice stands for; None for "don't know"."""
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


def _position(q: Questionnaire, indicator_id: str) -> int:
    n = index(q).position.get(indicator_id)
    if n is None:
        raise DialogError(UNKNOWN_INDICATOR, indicator=indicator_id)
    return n


class AreaProgress(msgspec.Struct):
    """How many of a focus area's indicators (of a respondent's share) are complete."""

    area: int
    total: int
    complete: int


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
    order = index(q).position
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
