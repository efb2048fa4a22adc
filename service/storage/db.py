"""SQLite connections: one per thread, each with the pragmas the service relies on.

Durability is a promise to respondents: an answer acknowledged with 2xx must survive a
process kill *and* a power cut. WAL with ``synchronous = FULL`` syncs the log on every
commit (``NORMAL`` only at checkpoints, so a power cut could lose the last commits).
The cost is measured by ``just bench`` and recorded in ``docs/operations.md``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from pathlib import Path

import sqlite_utils

from service.storage.files import private_dir, touch_private

BUSY_TIMEOUT_MS = 5000
SYNCHRONOUS = "FULL"

# Messages sqlite3 raises when a lock could not be had within the busy timeout.
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means the database stayed locked beyond the busy timeout.

    The web layer answers these with 503 and ``Retry-After``: nothing was written, and
    the same request will very likely succeed a moment later.
    """
    return isinstance(exc, sqlite3.OperationalError) and any(
        m in str(exc).lower() for m in _BUSY_MESSAGES
    )


class Store:
    """The service's SQLite file; hands each thread its own connection.

    Litestar runs sync handlers in a thread pool and test clients drive the app from
    other threads than the one that built it, so a connection is never shared
    between threads (sqlite3 forbids it, and WAL readers must not block writers).
    """

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite_utils.Database] = []

    def db(self) -> sqlite_utils.Database:
        """This thread's connection, opened on first use."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_database(self.path, self.busy_timeout_ms)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        """Close every connection this store opened (at shutdown)."""
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


def open_database(
    path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, synchronous: str = SYNCHRONOUS
) -> sqlite_utils.Database:
    """Open ``path`` with WAL, ``synchronous`` (FULL), foreign keys and a busy timeout."""
    private_dir(path.parent)
    # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    touch_private(path)
    # Each connection is used by one thread only (see Store); the check is off so that
    # shutdown may close every connection from whichever thread runs it.
    conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if synchronous not in {"FULL", "NORMAL", "EXTRA"}:
        raise ValueError(f"unsupported synchronous mode {synchronous!r}")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    db = sqlite_utils.Database(conn)
    with _GUARD:
        _TURNS[db] = _PATH_TURNS.setdefault(str(path.resolve()), threading.Lock())
    return db


# One lock per database file in this process, for the hot write transactions (a saved
# answer, a respondent's position). SQLite's busy handler makes a writer that finds the
# write lock taken sleep 1, 2, 5, 10 ... up to 100 ms between tries, so with dozens of
# respondents saving at once some waited hundreds of milliseconds while the lock was free
# most of the time (answer p99 296 ms against 123 ms with this lock, docs/performance.md).
# Waiting here instead wakes the next writer as soon as the last one commits. Other
# processes, and writers that do not take a turn, still queue in SQLite as before.
_GUARD = threading.Lock()
_PATH_TURNS: dict[str, threading.Lock] = {}
_TURNS: weakref.WeakKeyDictionary[sqlite_utils.Database, threading.Lock] = (
    weakref.WeakKeyDictionary()
)


def write_turn(db: sqlite_utils.Database) -> contextlib.AbstractContextManager[object]:
    """Wait for this process's turn to write to ``db``'s file; hold it for one short transaction.

    Never call another ``write_turn`` inside one (the lock is not re-entrant), and keep
    the transaction short: every other writer of the process waits for it.
    """
    return _TURNS.get(db) or contextlib.nullcontext()
