"""Assessment rounds: the round, its status, the allowed transitions and what each status allows.

Every rule of "what may happen when" lives here once; the use cases (``service.rounds``,
``service.answering``) call these checks and storage only reads and writes rows.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

import msgspec

from service.domain.assignment import CoverageSettings
from service.domain.errors import Conflict, Forbidden, InvalidInput
from service.domain.messages import N_

MAX_NAME: Final = 200
MAX_EMAIL: Final = 254
MAX_INVITEES: Final = 500
"""Rows in one list of invitees (a municipality's managers fit many times over)."""


class RoundStatus(StrEnum):
    """A round is prepared as a draft, opened for answers, and closed for good."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


# The transitions of ``require_transition``: a draft opens, an open round closes. A closed
# round can be reopened (``require_reopenable``) until its results are exported; there is no
# way back to draft once respondents have answered.
TRANSITIONS: Final[dict[RoundStatus, RoundStatus]] = {
    RoundStatus.DRAFT: RoundStatus.OPEN,
    RoundStatus.OPEN: RoundStatus.CLOSED,
}


class Round(msgspec.Struct, frozen=True, kw_only=True):
    """An assessment round."""

    id: int
    municipality_id: int
    name: str
    questionnaire_id: str
    locale: str
    deadline: str | None
    status: RoundStatus
    created_at: str
    opened_at: str | None
    closed_at: str | None
    exported_at: str | None = None

    @property
    def closed(self) -> bool:
        """A closed round is read-only."""
        return self.status is RoundStatus.CLOSED

    @property
    def reopenable(self) -> bool:
        """A closed round can be opened again until its results have been exported."""
        return self.closed and self.exported_at is None


class NewRound(msgspec.Struct, frozen=True, kw_only=True):
    """A round about to be created, its fields checked."""

    name: str
    questionnaire_id: str
    locale: str
    deadline: str | None


def new_round(
    name: str,
    questionnaire_id: str,
    locale: str,
    locales: list[str],
    deadline: str | None,
) -> NewRound:
    """Check a new round's fields (``locales``: the questionnaire's languages)."""
    if not name.strip():
        raise InvalidInput("Give the round a name.")
    if len(name) > MAX_NAME:
        raise InvalidInput("The name is too long.")
    if locale not in locales:
        raise InvalidInput("This questionnaire is not available in the chosen language.")
    if deadline:
        try:
            dt.date.fromisoformat(deadline)
        except ValueError:
            raise InvalidInput("The deadline must be a date (YYYY-MM-DD).") from None
    return NewRound(
        name=name.strip(),
        questionnaire_id=questionnaire_id,
        locale=locale,
        deadline=deadline or None,
    )


def require_transition(rnd: Round, target: RoundStatus) -> None:
    """Refuse a status change the life cycle does not allow."""
    if TRANSITIONS.get(rnd.status) is not target:
        if target is RoundStatus.OPEN:
            raise Conflict("Only a draft round can be opened.")
        raise Conflict("Only an open round can be closed.")


def require_reopenable(rnd: Round) -> None:
    """Reopening undoes a close, but not once the closed round's results have left Kompass."""
    if not rnd.closed:
        raise Conflict("Only a closed round can be reopened.")
    if rnd.exported_at is not None:
        raise Conflict(
            "The results of this round have been exported; it can no longer be reopened."
        )


def require_writable(rnd: Round) -> None:
    """Coordinators change invitations and reviews until the round is closed."""
    if rnd.closed:
        raise Conflict("This assessment round is closed; its answers can no longer change.")


def require_answerable(rnd: Round) -> None:
    """Respondents answer and attach evidence (files and links alike) only while it is open."""
    if rnd.status is RoundStatus.DRAFT:
        raise Conflict("This assessment round has not opened yet.")
    require_writable(rnd)


def require_role(role: str, indicator_roles: list[str]) -> None:
    """A respondent answers only the indicators meant for their role."""
    if role not in indicator_roles:
        raise Forbidden("This question is not meant for your role.")


def _plausible_email(email: str) -> bool:
    """name@domain.tld with no spaces: enough to catch typos; the mail server judges the rest."""
    local, at, domain = email.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and not any(c.isspace() for c in email))


def check_invitation(role: str, roles: list[str], name: str, email: str) -> tuple[str, str]:
    """An invitation's role, name and e-mail checked; the name and address, trimmed."""
    if role not in roles:
        raise InvalidInput("Choose one of the questionnaire's roles.")
    email = email.strip()
    if email and (not _plausible_email(email) or len(email) > MAX_EMAIL):
        raise InvalidInput("Enter a valid e-mail address.")
    if len(name) > MAX_NAME:
        raise InvalidInput("The name is too long.")
    return name.strip(), email


def _whole(value: int | str | None, low: int, high: int, default: int) -> int | None:
    """A whole number within [low, high] from a form or JSON value; None when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def check_coverage(
    min_per_indicator: int | str | None,
    max_per_person: int | str | None,
    min_roles: int | str | None = None,
) -> CoverageSettings:
    """A round's coverage settings from what the coordinator typed; empty means the default."""
    defaults = CoverageSettings()
    people = _whole(min_per_indicator, 1, 50, defaults.min_per_indicator)
    if people is None:
        raise InvalidInput("People per indicator must be a whole number from 1 to 50.")
    limit = _whole(max_per_person, 1, 1000, defaults.max_per_person)
    if limit is None:
        raise InvalidInput("Indicators per person must be a whole number from 1 to 1000.")
    roles = _whole(min_roles, 1, 10, defaults.min_roles)
    if roles is None:
        raise InvalidInput("Roles per indicator must be a whole number from 1 to 10.")
    return CoverageSettings(min_per_indicator=people, min_roles=roles, max_per_person=limit)


class Invitee(msgspec.Struct, frozen=True, kw_only=True):
    """One checked row of a list of people to invite."""

    row: int  # 1-based, as a spreadsheet numbers it
    name: str
    email: str
    role: str


class RowProblem(msgspec.Struct, frozen=True, kw_only=True):
    """Why one row of a list of invitees cannot be used (a message id and its values)."""

    row: int
    message: str
    params: dict[str, str] = msgspec.field(default_factory=dict)


class InvalidRows(InvalidInput):
    """A list of invitees with problems: nothing of it is saved."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(N_("Nothing was saved: correct the rows below and try again."))
        self.problems = problems


_HEADER_WORDS: Final = {
    "name",
    "navn",
    "namn",
    "e-mail",
    "email",
    "e-post",
    "epost",
    "role",
    "rolle",
    "roll",
}


def is_header(cells: list[str]) -> bool:
    """Whether a first row names its columns (name, e-mail, role in any UI language)."""
    words = {c.strip().casefold() for c in cells if c.strip()}
    return bool(words) and words <= _HEADER_WORDS


def check_invitees(
    rows: list[list[str]], roles: dict[str, str], already_invited: set[str]
) -> list[Invitee]:
    """Check a list of (name, e-mail, role) rows; raise ``InvalidRows`` naming every bad row.

    ``roles`` maps each accepted way of writing a role (its id, its names; case-folded) to the
    role id; ``already_invited`` holds the case-folded e-mail addresses with a working link in
    the round. Empty rows are skipped and a header row is allowed; row numbers count every row.
    """
    problems: list[RowProblem] = []
    found: list[Invitee] = []
    seen: dict[str, int] = {}
    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(rows, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if numbered and is_header(numbered[0][1]):
        numbered = numbered[1:]
    if not numbered:
        raise InvalidInput("The list is empty: give one person per row (name, e-mail, role).")
    if len(numbered) > MAX_INVITEES:
        raise InvalidInput("At most %(count)s people can be invited at once.", count=MAX_INVITEES)
    for n, row in numbered:
        cells = list(row)
        while cells and not cells[-1]:  # trailing empty cells of a spreadsheet row
            cells.pop()
        if len(cells) != 3:
            problems.append(
                RowProblem(row=n, message=N_("Expected three columns: name, e-mail and role."))
            )
            continue
        name, email, role_text = cells
        role = roles.get(role_text.casefold())
        if role is None:
            problems.append(
                RowProblem(
                    row=n, message=N_("Unknown role “%(role)s”."), params={"role": role_text}
                )
            )
            continue
        try:
            name, email = check_invitation(role, [role], name, email)
        except InvalidInput as exc:
            problems.append(RowProblem(row=n, message=exc.message))
            continue
        key = email.casefold()
        if not key:  # no address: the coordinator hands this link over in person
            found.append(Invitee(row=n, name=name, email=email, role=role))
            continue
        if key in seen:
            problems.append(
                RowProblem(
                    row=n,
                    message=N_("The same e-mail address is already in row %(other)s."),
                    params={"other": str(seen[key])},
                )
            )
            continue
        seen[key] = n
        if key in already_invited:
            problems.append(
                RowProblem(row=n, message=N_("This person is already invited to the round."))
            )
            continue
        found.append(Invitee(row=n, name=name, email=email, role=role))
    if problems:
        raise InvalidRows(problems)
    return found
