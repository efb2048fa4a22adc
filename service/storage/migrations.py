"""Numbered, forward-only schema migrations, recorded in the database.

Rules for adding one: append a function named ``mNNNN_<what>`` with the next
number; never edit or remove an applied one; never drop a table or column that
holds user data — add, copy or rename instead.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "kompass"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_municipalities")
def m0001_municipalities(db: sqlite_utils.Database) -> None:
    """Municipalities: the tenant every other record belongs to."""
    db.execute(
        """
        CREATE TABLE municipalities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            country TEXT NOT NULL CHECK (country IN ('NO', 'SE')),
            locale TEXT NOT NULL CHECK (locale IN ('nb', 'sv', 'en')),
            created_at TEXT NOT NULL
        )
        """
    )


def pending(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations not yet applied to ``db``."""
    return [m.name for m in migrations.pending(db)]


def applied(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations already applied to ``db``, in order."""
    return [m.name for m in migrations.applied(db)]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration, each in its own transaction; return their names."""
    todo = pending(db)
    migrations.apply(db)
    return todo
