"""A bounded, thread-safe store of objects costly to build (detectors, parsers), least recently used out.

functools.lru_cache bounds results the same way but gives no hook when one is pushed out and lets
two threads build the same object at once; the text modules keep their heavy objects here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most `maxsize` objects by key; `on_evict` is told of each one pushed out."""

    def __init__(self, maxsize: int, *, on_evict: Callable[[V], None] | None = None) -> None:
        self.maxsize = maxsize
        self._on_evict = on_evict
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, build: Callable[..., V], *args: Any) -> V:
        """Return the object kept for `key`, building it with build(*args) (once, under the lock)
        when absent."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
            value = self._items[key] = build(*args)
            if len(self._items) > self.maxsize:
                _, evicted = self._items.popitem(last=False)
                if self._on_evict is not None:
                    self._on_evict(evicted)
        return value

    def __iter__(self) -> Iterator[K]:
        """Iterate over a snapshot of the keys kept, least recently used first."""
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)
