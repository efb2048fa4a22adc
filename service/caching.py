"""A small, thread-safe LRU for values keyed by what they are computed from."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import TypeVar

V = TypeVar("V")


class LruCache:
    """The most recently used values by key; ``misses`` counts how often one had to be made.

    Keys must carry everything the value is computed from (a content digest, a file's hash,
    the date), so a stale entry is never returned: changed input makes a new key and the
    old one ages out.
    """

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._lock = Lock()
        self._size = size
        self.misses = 0

    def get(self, key: tuple[object, ...], make: Callable[[], V]) -> V:
        """The value for ``key``, made by ``make()`` when it is not remembered."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = make()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
