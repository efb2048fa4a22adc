"""Files and folders only the service's own user may read: the database, data and backups.

Evidence documents, answers and the secret key are confidential; on a shared host other
local users must not read them. Folders are created 0700 and files 0600 from the start
(``os.open`` with a mode), never made private by a ``chmod`` after the content is written.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing folder is left as is."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another thread or process
        folder.chmod(DIR_MODE)  # the umask may have taken bits away, never added them
    return path


def create_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to a new file created 0600; False (and nothing written) if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return True


def touch_private(path: Path) -> None:
    """Create an empty 0600 file at ``path`` unless something is there already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        return


def private_file(path: Path) -> Path:
    """Make a file the service copied (into a private folder) readable by its user only."""
    path.chmod(FILE_MODE)
    return path
