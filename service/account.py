"""Coordinator account use cases: changing one's own password.

The rules (the two new passwords agree, the current one is proven, the minimum length) are
checked here and in ``storage.accounts``; ``web/account.py`` only turns the form into a call.
"""

from __future__ import annotations

import sqlite_utils

from service.errors import InvalidInput
from service.storage import accounts


def change_password(
    db: sqlite_utils.Database, coordinator_id: int, current: str, new: str, confirm: str
) -> accounts.Coordinator:
    """Change one's own password; sessions that began before now end."""
    if new != confirm:
        raise InvalidInput("The two new passwords are not the same.")
    return accounts.change_password(db, coordinator_id, current, new)
