"""A bounded, thread-safe, per-process memo of values that never change under their key.

The server keeps here what it would otherwise rebuild on every request (issue 14, item 5): the
parsed ``lingtan.yaml`` keyed by the file's content hash (:func:`lingtan.adapters.store.config.
read_config`) and the inventories of stored snapshots keyed by the organisation's store and the
snapshot (:mod:`lingtan.adapters.services.inventories`). A snapshot never changes once written
(its id is the hash of its inputs, decision 0005/0046), so such a key names its value exactly:
the memo is a cache that can never be stale, only evicted (least recently used first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """At most ``size`` values, the least recently used evicted first. ``hits`` and ``misses``
    count the lookups (tests and benchmarks read them)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value of ``key`` (now the most recently used), else None."""
        with self._lock:
            value = self._values.get(key)
            if value is None:
                self.misses += 1
                return None
            self._values.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key`` (evicting the least recently used beyond ``size``)."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """The value of ``key``, built (outside the lock: two threads missing together may both
        build it; the values are equal) and kept on a miss."""
        value = self.get(key)
        return value if value is not None else self.put(key, build())

    def held_keys(self) -> list[K]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._values)

    def clear(self) -> None:
        """Forget every value and reset the counters."""
        with self._lock:
            self._values.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
