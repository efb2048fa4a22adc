"""Start-up recovery: what a killed process may have left behind is cleaned up here.

The database needs nothing (SQLite rolls back an unfinished transaction from the WAL on
the next open). An evidence upload interrupted mid-stream leaves its partial file in
``<evidence root>/tmp`` (see ``storage/evidence_files.py``): it was never recorded in
the database and can never be finished, so it is removed before the service starts.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("kompass")

PARTIAL_UPLOAD_GLOB = "*.part"
"""Name pattern of in-progress uploads in ``<evidence root>/tmp``."""


def remove_partial_uploads(evidence_root: Path) -> list[Path]:
    """Delete leftover partial uploads under ``evidence_root/tmp``; return what was removed.

    Called once at start-up, before any request is served: one service process owns a
    data folder, so every partial file present then belongs to a request that died.
    """
    folder = evidence_root / "tmp"
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.glob(PARTIAL_UPLOAD_GLOB)):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.warning("removed %d partial upload(s) left by an interrupted upload", len(removed))
    return removed
