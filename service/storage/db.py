"""SQLite connections: one per thread, each with the pragmas the service relies on."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 5000


class Store:
    """The service's SQLite file; hands each thread its own connection.

    Litestar runs sync handlers in a thread pool and test clients drive the app from
    other threads than the one that built it, so a connection is never shared
    between threads (sqlite3 forbids it, and WAL readers must not block writers).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite_utils.Database] = []

    def db(self) -> sqlite_utils.Database:
        """This thread's connection, opened on first use."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_database(self.path)
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


def open_database(path: Path) -> sqlite_utils.Database:
    """Open ``path`` with WAL, foreign keys and a busy timeout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Each connection is used by one thread only (see Store); the check is off so that
    # shutdown may close every connection from whichever thread runs it.
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return sqlite_utils.Database(conn)
