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


_M0002 = (
    """
CREATE TABLE coordinators (
            id INTEGER PRIMARY KEY,
            municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
    """,
    """
CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
            name TEXT NOT NULL,
            questionnaire_id TEXT NOT NULL,
            locale TEXT NOT NULL CHECK (locale IN ('nb', 'sv', 'en')),
            deadline TEXT,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
            created_at TEXT NOT NULL,
            opened_at TEXT,
            closed_at TEXT
        )
    """,
    """
CREATE INDEX rounds_municipality ON rounds(municipality_id)
    """,
    """
CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            role TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            emailed_at TEXT,
            last_seen_at TEXT,
            position_indicator TEXT,
            position_step TEXT
        )
    """,
    """
CREATE INDEX respondents_round ON respondents(round_id)
    """,
    """
CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            respondent_id INTEGER NOT NULL REFERENCES respondents(id),
            indicator_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('answered', 'planned', 'dont_know')),
            levels TEXT NOT NULL DEFAULT '{}',
            comment TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
    """,
    """
CREATE INDEX answers_current ON answers(respondent_id, indicator_id, id)
    """,
    """
CREATE TRIGGER answers_no_update BEFORE UPDATE ON answers
        BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END
    """,
    """
CREATE TRIGGER answers_no_delete BEFORE DELETE ON answers
        BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END
    """,
    """
CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            respondent_id INTEGER NOT NULL REFERENCES respondents(id),
            indicator_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
            sha256 TEXT,
            size INTEGER,
            media_type TEXT,
            filename TEXT NOT NULL DEFAULT '',
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            effective_date TEXT,
            uploaded_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'submitted'
                CHECK (state IN ('submitted', 'accepted', 'rejected')),
            review_comment TEXT NOT NULL DEFAULT '',
            reviewed_at TEXT,
            reviewed_by INTEGER REFERENCES coordinators(id)
        )
    """,
    """
CREATE INDEX evidence_round ON evidence(round_id, state)
    """,
    """
CREATE INDEX evidence_answer ON evidence(respondent_id, indicator_id)
    """,
)


@migrations(name="0002_assessment_rounds")
def m0002_assessment_rounds(db: sqlite_utils.Database) -> None:
    """Coordinators, rounds, invited respondents, append-only answers and evidence."""
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in _M0002:
        db.execute(statement)


_M0020 = (
    """
CREATE TABLE assignments (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            respondent_id INTEGER NOT NULL REFERENCES respondents(id),
            indicator_id TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (respondent_id, indicator_id)
        )
    """,
    """
CREATE INDEX assignments_round ON assignments(round_id, indicator_id)
    """,
    # A respondent is only ever assigned work in their own round.
    """
CREATE TRIGGER assignments_same_round BEFORE INSERT ON assignments
        WHEN (SELECT round_id FROM respondents WHERE id = NEW.respondent_id) IS NOT NEW.round_id
        BEGIN SELECT RAISE(ABORT, 'respondent is not in this round'); END
    """,
)


@migrations(name="0020_assignments")
def m0020_assignments(db: sqlite_utils.Database) -> None:
    """Which respondent answers which indicator (the shared work of a round)."""
    for statement in _M0020:
        db.execute(statement)


@migrations(name="0021_round_coverage")
def m0021_round_coverage(db: sqlite_utils.Database) -> None:
    """Coverage settings per round; a round without a row uses the defaults."""
    db.execute(
        """
        CREATE TABLE round_coverage (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id),
            min_per_indicator INTEGER NOT NULL CHECK (min_per_indicator BETWEEN 1 AND 50),
            min_roles INTEGER NOT NULL CHECK (min_roles BETWEEN 1 AND 10),
            max_per_person INTEGER NOT NULL CHECK (max_per_person BETWEEN 1 AND 1000),
            updated_at TEXT NOT NULL
        )
        """
    )


@migrations(name="0022_round_exported")
def m0022_round_exported(db: sqlite_utils.Database) -> None:
    """When a closed round's results were first exported: from then on it cannot be reopened."""
    db.execute("ALTER TABLE rounds ADD COLUMN exported_at TEXT")


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
