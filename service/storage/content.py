"""A cheap digest of what a round's result is computed from, for caches keyed by content.

Answers are append-only, so their count and highest id identify them; respondents, evidence
(with review states) and the round row are few and hashed whole. Reading this is a handful of
indexed queries, far cheaper than scoring the round.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable

import sqlite_utils

__all__ = ["open_round_ids", "plans_digest", "round_digest"]


# Digests each connection worked out, with the database version they were read at. A page
# view or report poll asks for the same round's digest several times (the round, then each
# earlier round, then the model), and polls repeat while nothing changes: the five queries
# then become one pragma. Connections are per thread (``db.Store``), so no lock is needed.
_SEEN: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[tuple[str, int], tuple[object, str]]]
_SEEN = weakref.WeakKeyDictionary()
_REMEMBERED = 256  # per connection; a round has one entry per kind of digest


def _version(db: sqlite_utils.Database) -> tuple[int, int]:
    """Changes whenever anything in the file changes: ``data_version`` moves with commits of
    other connections, ``total_changes`` with this connection's own writes."""
    return int(db.execute("PRAGMA data_version").fetchone()[0]), db.conn.total_changes


def _remembered(db: sqlite_utils.Database, key: tuple[str, int], compute: Callable[[], str]) -> str:
    """``compute()``, or what it gave on this connection when the database was last this version."""
    try:
        seen = _SEEN.setdefault(db, {})
    except TypeError:  # pragma: no cover - a Database that cannot be weakly referenced
        return compute()
    version = _version(db)
    hit = seen.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    if len(seen) >= _REMEMBERED:
        seen.clear()
    seen[key] = (version, value)
    return value


def round_digest(db: sqlite_utils.Database, round_id: int) -> str:
    """A digest that changes whenever the round's answers, respondents, evidence, plan or stored summaries change."""
    return _remembered(db, ("round", round_id), lambda: _round_digest(db, round_id))


def _round_digest(db: sqlite_utils.Database, round_id: int) -> str:
    digest = hashlib.sha256()
    queries: list[tuple[str, list[object]]] = [
        (
            "SELECT municipality_id, status, name, closed_at, created_at FROM rounds WHERE id = ?",
            [round_id],
        ),
        ("SELECT * FROM respondents WHERE round_id = ? ORDER BY id", [round_id]),
        (
            "SELECT count(*), max(a.id) FROM answers a JOIN respondents r"
            " ON r.id = a.respondent_id WHERE r.round_id = ?",
            [round_id],
        ),
        (
            "SELECT id, indicator_id, kind, sha256, url, title, effective_date, state, reviewed_at"
            " FROM evidence WHERE round_id = ? ORDER BY id",
            [round_id],
        ),
        ("SELECT updated_at, body FROM plans WHERE round_id = ?", [round_id]),
        # Summaries the language model wrote: the report shows them, so they key its caches.
        (
            "SELECT subquestion_id, lang, source_digest, written_at, text FROM round_summaries"
            " WHERE round_id = ? ORDER BY subquestion_id, lang",
            [round_id],
        ),
    ]
    for sql, params in queries:
        for row in db.execute(sql, params).fetchall():
            digest.update(repr(tuple(row)).encode())
        digest.update(b"|")
    return digest.hexdigest()[:32]


def plans_digest(db: sqlite_utils.Database, municipality_id: int) -> str:
    """A digest of every stored plan of the municipality (a round may show a carried one)."""
    return _remembered(db, ("plans", municipality_id), lambda: _plans_digest(db, municipality_id))


def _plans_digest(db: sqlite_utils.Database, municipality_id: int) -> str:
    digest = hashlib.sha256()
    for row in db.execute(
        "SELECT p.round_id, p.body FROM plans p JOIN rounds r ON r.id = p.round_id"
        " WHERE r.municipality_id = ? ORDER BY p.round_id",
        [municipality_id],
    ).fetchall():
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:32]


def open_round_ids(db: sqlite_utils.Database) -> list[int]:
    """Every open round, of every municipality (for background report rendering)."""
    return [
        int(r[0]) for r in db.execute("SELECT id FROM rounds WHERE status = 'open' ORDER BY id")
    ]
