"""Request slots: how many requests of one server process hold a store connection at once.

A request takes its store connection in :func:`lingtan.adapters.api.deps.get_db` and keeps it
until its response is sent; FastAPI runs each of its sync dependencies and the route in a
thread of the thread pool, one step after another, so a request holds no thread between steps
while it still holds its connection. Without a bound, 100 concurrent requests hold (or wait in
a thread for) 100 connections and the pool's threads all wait for connections held by requests
that wait for a thread (measured: 0–15 % of requests answered at 100 clients, decision 0038).

Here a request first waits for a slot **in the event loop** (no thread, no connection), then
takes exactly one connection; the pool keeps one connection per slot plus the job threads'
(:attr:`~lingtan.adapters.services.settings.ServerSettings.pool_size`), so taking it never waits.
ASVS 4.0.3 V1.14 / OWASP "denial of service": resources are bounded per process and a burst of
requests queues instead of failing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from weakref import WeakKeyDictionary

import anyio
from anyio.lowlevel import RunVar
from fastapi import Request

#: the slots of each app, per event loop (an anyio semaphore belongs to one loop)
_SLOTS: RunVar[WeakKeyDictionary[Any, anyio.Semaphore]] = RunVar("lingtan_store_slots")


def slots(app: Any, size: int) -> anyio.Semaphore:
    """The semaphore of ``app``'s request slots in the running event loop (made on first use)."""
    per_app = _SLOTS.get(None)
    if per_app is None:
        per_app = WeakKeyDictionary()
        _SLOTS.set(per_app)
    sem = per_app.get(app)
    if sem is None:
        sem = per_app[app] = anyio.Semaphore(max(1, size))
    return sem


async def store_slot(request: Request) -> AsyncIterator[None]:
    """A dependency holding one request slot until the request's store session is closed
    (FastAPI ends dependencies in reverse order: the session first, then the slot)."""
    async with slots(request.app, request.app.state.settings.db_sessions):
        yield
