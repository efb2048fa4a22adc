"""Municipalities and their coordinators."""

from __future__ import annotations

import sqlite3
import time
from functools import cache

import msgspec
import sqlite_utils

from service.domain.locales import LOCALES
from service.errors import Conflict, InvalidInput, NotFound
from service.security import hash_password, verify_password
from service.storage.clock import now

MIN_PASSWORD = 10


class Municipality(msgspec.Struct, frozen=True, kw_only=True):
    """A municipality: the tenant every round belongs to."""

    id: int
    name: str
    country: str
    locale: str
    created_at: str


class Coordinator(msgspec.Struct, frozen=True, kw_only=True):
    """A coordinator account of one municipality."""

    id: int
    municipality_id: int
    email: str
    name: str
    created_at: str
    disabled_at: str | None = None
    credentials_changed_at: float = 0.0
    """When the password last changed or the account was disabled (epoch seconds):
    sessions that began before it are no longer valid."""


@cache
def _dummy_hash() -> str:
    return hash_password("no such account")


def create_municipality(
    db: sqlite_utils.Database, name: str, country: str, locale: str
) -> Municipality:
    """Register a municipality."""
    if not name.strip():
        raise InvalidInput("A name is required.")
    if country not in {"NO", "SE"} or locale not in LOCALES:
        raise InvalidInput("Country must be NO or SE and language nb, sv or en.")
    with db.conn:
        cursor = db.execute(
            "INSERT INTO municipalities (name, country, locale, created_at) VALUES (?, ?, ?, ?)",
            [name.strip(), country, locale, now()],
        )
    return get_municipality(db, int(cursor.lastrowid or 0))


def get_municipality(db: sqlite_utils.Database, municipality_id: int) -> Municipality:
    """The municipality with this id."""
    row = db.execute("SELECT * FROM municipalities WHERE id = ?", [municipality_id]).fetchone()
    if row is None:
        raise NotFound("No such municipality.")
    return msgspec.convert(dict(row), Municipality)


def create_coordinator(
    db: sqlite_utils.Database, municipality_id: int, email: str, password: str, name: str = ""
) -> Coordinator:
    """Create a coordinator account; the password is stored only as an argon2 hash."""
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise InvalidInput("Enter a valid e-mail address.")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("The password must have at least %(n)s characters.", n=MIN_PASSWORD)
    get_municipality(db, municipality_id)
    try:
        with db.conn:
            cursor = db.execute(
                "INSERT INTO coordinators (municipality_id, email, name, password_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [municipality_id, email, name.strip(), hash_password(password), now()],
            )
    except sqlite3.IntegrityError:
        raise Conflict("A coordinator with this e-mail address already exists.") from None
    return get_coordinator(db, int(cursor.lastrowid or 0))


def get_coordinator(db: sqlite_utils.Database, coordinator_id: int) -> Coordinator:
    """The coordinator with this id."""
    row = db.execute(
        "SELECT id, municipality_id, email, name, created_at, disabled_at, credentials_changed_at"
        " FROM coordinators WHERE id = ?",
        [coordinator_id],
    ).fetchone()
    if row is None:
        raise NotFound("No such coordinator.")
    return msgspec.convert(dict(row), Coordinator)


def authenticate(db: sqlite_utils.Database, email: str, password: str) -> Coordinator | None:
    """The coordinator if ``email`` and ``password`` match, else None."""
    row = db.execute(
        "SELECT id, password_hash, disabled_at FROM coordinators WHERE email = ?", [email.strip()]
    ).fetchone()
    if row is None:
        # Verify anyway so a wrong e-mail takes as long as a wrong password.
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(row["password_hash"], password) or row["disabled_at"]:
        return None
    return get_coordinator(db, row["id"])


def set_password(db: sqlite_utils.Database, coordinator_id: int, password: str) -> Coordinator:
    """Replace the password; every session that began before now ends."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("The password must have at least %(n)s characters.", n=MIN_PASSWORD)
    get_coordinator(db, coordinator_id)
    with db.conn:
        db.execute(
            "UPDATE coordinators SET password_hash = ?, credentials_changed_at = ? WHERE id = ?",
            [hash_password(password), time.time(), coordinator_id],
        )
    return get_coordinator(db, coordinator_id)


def change_password(
    db: sqlite_utils.Database, coordinator_id: int, current: str, new: str
) -> Coordinator:
    """Change one's own password, proving the current one first."""
    row = db.execute(
        "SELECT password_hash FROM coordinators WHERE id = ?", [coordinator_id]
    ).fetchone()
    if row is None:
        raise NotFound("No such coordinator.")
    if not verify_password(row["password_hash"], current):
        raise InvalidInput("The current password is wrong.")
    return set_password(db, coordinator_id, new)


def disable_coordinator(db: sqlite_utils.Database, coordinator_id: int) -> Coordinator:
    """Disable an account: it can no longer sign in and its sessions end at once."""
    get_coordinator(db, coordinator_id)
    with db.conn:
        db.execute(
            "UPDATE coordinators SET disabled_at = ?, credentials_changed_at = ? WHERE id = ?",
            [now(), time.time(), coordinator_id],
        )
    return get_coordinator(db, coordinator_id)
