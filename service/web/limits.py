"""Input that must be refused before any handler sees it: ids SQLite cannot hold.

SQLite integers are 64-bit; Python's are not. An id beyond 2^63−1 in a path (``/rounds/
99999999999999999999``) or a query (``?other=…``) would make the database driver raise
``OverflowError``. No stored row can have such an id, so a path id is simply not found
and a query value is invalid; this hook answers both for every route at once, so new
routes are covered without a check of their own.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from service.errors import InvalidInput, NotFound

SQLITE_MAX = 2**63 - 1


def _too_big(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -SQLITE_MAX - 1 <= value <= SQLITE_MAX
    if isinstance(value, str):
        digits = value.strip().lstrip("+-")
        # Long digit strings only: ``int()`` on huge strings is itself slow.
        return (
            digits.isascii()
            and digits.isdigit()
            and len(digits) >= 19
            and (len(digits) > 25 or int(digits) > SQLITE_MAX)
        )
    return False


async def refuse_huge_ids(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: 404 for a path id, 400 for a query value beyond SQLite's range."""
    if any(_too_big(v) for v in request.path_params.values()):
        raise NotFound("The page you asked for does not exist.")
    for name, value in request.query_params.items():
        if _too_big(value):
            raise InvalidInput(
                "The request could not be understood: %(field)s is missing or invalid.",
                field=name,
            )
