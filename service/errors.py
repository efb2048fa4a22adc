"""The service's error kinds; defined in the domain (``service.domain.errors``) and re-exported."""

from service.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    KompassError,
    NotFound,
    TooLarge,
    TooManyRequests,
    UnsupportedType,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "KompassError",
    "NotFound",
    "TooLarge",
    "TooManyRequests",
    "UnsupportedType",
]
