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


_M0003 = (
    # The audit trail: who did what, when. No foreign keys: an entry must outlive the round
    # or account it names (deleting a round is itself recorded here).
    """
CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            municipality_id INTEGER,
            round_id INTEGER,
            actor TEXT NOT NULL,
            actor_name TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            details TEXT NOT NULL DEFAULT '{}'
        )
    """,
    """
CREATE INDEX audit_log_round ON audit_log(round_id, id)
    """,
    """
CREATE INDEX audit_log_municipality ON audit_log(municipality_id, id)
    """,
    """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
    """
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
    # Every review of a piece of evidence, oldest first; evidence.state is the latest.
    """
CREATE TABLE evidence_reviews (
            id INTEGER PRIMARY KEY,
            evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
            state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected')),
            comment TEXT NOT NULL DEFAULT '',
            reviewed_at TEXT NOT NULL,
            reviewed_by INTEGER REFERENCES coordinators(id)
        )
    """,
    """
CREATE INDEX evidence_reviews_evidence ON evidence_reviews(evidence_id, id)
    """,
    """
CREATE TRIGGER evidence_reviews_no_update BEFORE UPDATE ON evidence_reviews
        BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END
    """,
    # Reviews made before this migration: their latest state is all that is known.
    """
INSERT INTO evidence_reviews (evidence_id, state, comment, reviewed_at, reviewed_by)
        SELECT id, state, review_comment, reviewed_at, reviewed_by FROM evidence
        WHERE reviewed_at IS NOT NULL AND state IN ('accepted', 'rejected') ORDER BY id
    """,
)


@migrations(name="0003_audit")
def m0003_audit(db: sqlite_utils.Database) -> None:
    """An append-only audit trail, and the history of every evidence review."""
    for statement in _M0003:
        db.execute(statement)


_M0004 = (
    # Answers stay append-only, except for the respondents listed here during one
    # transaction of a deliberate erasure (deleting a whole round under the GDPR).
    """
CREATE TABLE erasing (respondent_id INTEGER PRIMARY KEY)
    """,
    """
DROP TRIGGER answers_no_delete
    """,
    """
CREATE TRIGGER answers_no_delete BEFORE DELETE ON answers
        WHEN old.respondent_id NOT IN (SELECT respondent_id FROM erasing)
        BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END
    """,
)


@migrations(name="0004_erasure")
def m0004_erasure(db: sqlite_utils.Database) -> None:
    """Let a deliberate erasure of a round delete its answers; nothing else may."""
    for statement in _M0004:
        db.execute(statement)


@migrations(name="0005_coordinator_access")
def m0005_coordinator_access(db: sqlite_utils.Database) -> None:
    """Disabling a coordinator, and ending their sessions when the password changes."""
    db.execute("ALTER TABLE coordinators ADD COLUMN disabled_at TEXT")
    db.execute("ALTER TABLE coordinators ADD COLUMN credentials_changed_at REAL NOT NULL DEFAULT 0")


_M0010 = (
    """
CREATE TABLE evidence_text (
            evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            indicator_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            truncated INTEGER NOT NULL DEFAULT 0,
            proposed_date TEXT,
            relevance REAL NOT NULL DEFAULT 0,
            unrelated INTEGER NOT NULL DEFAULT 0,
            outdated INTEGER NOT NULL DEFAULT 0,
            extracted_at TEXT NOT NULL
        )
    """,
    """
CREATE INDEX evidence_text_round ON evidence_text(round_id, indicator_id)
    """,
    """
CREATE VIRTUAL TABLE evidence_text_fts USING fts5(
            text, content='evidence_text', content_rowid='evidence_id',
            tokenize='unicode61 remove_diacritics 2'
        )
    """,
    """
CREATE TRIGGER evidence_text_ai AFTER INSERT ON evidence_text BEGIN
            INSERT INTO evidence_text_fts(rowid, text) VALUES (new.evidence_id, new.text);
        END
    """,
    """
CREATE TRIGGER evidence_text_ad AFTER DELETE ON evidence_text BEGIN
            INSERT INTO evidence_text_fts(evidence_text_fts, rowid, text)
            VALUES ('delete', old.evidence_id, old.text);
        END
    """,
    """
CREATE TRIGGER evidence_text_au AFTER UPDATE ON evidence_text BEGIN
            INSERT INTO evidence_text_fts(evidence_text_fts, rowid, text)
            VALUES ('delete', old.evidence_id, old.text);
            INSERT INTO evidence_text_fts(rowid, text) VALUES (new.evidence_id, new.text);
        END
    """,
)


@migrations(name="0010_evidence_text")
def m0010_evidence_text(db: sqlite_utils.Database) -> None:
    """Text extracted from evidence files and its full-text index, for the assistant.

    Derived data: it can always be extracted again from the stored file, so it is kept
    beside the evidence row rather than in it (the evidence table stays as reviewed).
    """
    for statement in _M0010:
        db.execute(statement)


@migrations(name="0011_round_assistant")
def m0011_round_assistant(db: sqlite_utils.Database) -> None:
    """Per-round assistant options: whether the optional language model may be used.

    A table of its own (one row per round that changed the default) so that the rounds
    table is left as it is; a round without a row uses the language model if configured.
    """
    db.execute(
        """
        CREATE TABLE round_assistant (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id),
            llm_allowed INTEGER NOT NULL CHECK (llm_allowed IN (0, 1)),
            changed_at TEXT NOT NULL
        )
        """
    )


@migrations(name="0012_assistant_proposals")
def m0012_assistant_proposals(db: sqlite_utils.Database) -> None:
    """What the respondent wrote in their own words and what the assistant proposed.

    Append-only beside the answers: the stored answer keeps the final levels; this keeps the
    text and the proposal they came from, so a proposal can be compared with the final answer.
    """
    db.execute(
        """
        CREATE TABLE assistant_proposals (
            id INTEGER PRIMARY KEY,
            respondent_id INTEGER NOT NULL REFERENCES respondents(id),
            indicator_id TEXT NOT NULL,
            text TEXT NOT NULL,
            proposal TEXT NOT NULL,
            provider TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        "CREATE INDEX assistant_proposals_answer ON assistant_proposals(respondent_id, indicator_id)"
    )


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


@migrations(name="0030_plans")
def m0030_plans(db: sqlite_utils.Database) -> None:
    """A round's development plan as edited by the coordinator (JSON of ``domain.plan.Plan``)."""
    db.execute(
        """
        CREATE TABLE plans (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id),
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by INTEGER
        )
        """
    )


@migrations(name="0031_round_summaries")
def m0031_round_summaries(db: sqlite_utils.Database) -> None:
    """Summaries the language model wrote per round, sub-question and language.

    Stored rather than asked for while rendering, so a report never depends on a remote
    service being up; ``source_digest`` names the exact comments each was written from, so a
    new or changed comment makes it stale and the extractive summary is shown again.
    """
    db.execute(
        """
        CREATE TABLE round_summaries (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            subquestion_id TEXT NOT NULL,
            lang TEXT NOT NULL CHECK (lang IN ('nb', 'sv', 'en')),
            text TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL DEFAULT '',
            source_digest TEXT NOT NULL,
            comment_count INTEGER NOT NULL,
            written_at TEXT NOT NULL,
            written_by INTEGER,
            PRIMARY KEY (round_id, subquestion_id, lang)
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
