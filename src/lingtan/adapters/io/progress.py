"""The callback through which reading and calculating report how far they are (decision 0052).

The lowest layer that counts (the intake counting rows, the engine counting batch files) calls
an :class:`OnProgress` with a stage name and counters; what the counts become — a rich progress
bar on a terminal, a job's fraction and catalogue message — is decided above, in
:mod:`lingtan.adapters.services.progress`. Nothing here knows about terminals, jobs or
languages, so ``io`` and ``compute`` import this module and never the services.

Reports come every :data:`REPORT_EVERY` rows (and once at the end of a stage), never per row:
one modulo test per row is the whole overhead.
"""

from __future__ import annotations

from typing import Protocol

#: rows between two reports of a counting loop (reading, checking)
REPORT_EVERY = 2_000


class OnProgress(Protocol):
    """``on(stage, done, total, part=…)``: ``done`` items of ``stage`` are finished.

    Args:
        stage: the stage's name (``read``, ``check``, ``write``; ``library``, ``activities`` …).
        done: items finished so far (rows, batch files …).
        total: items in the stage, when known (None: not known yet, e.g. rows of a CSV being
            read).
        part: the share of the stage done (0 … 1) when ``total`` is unknown but the position
            is (bytes of a file read); None otherwise.
    """

    def __call__(
        self, stage: str, done: int, total: int | None = None, *, part: float | None = None
    ) -> None: ...


def due(done: int, every: int = REPORT_EVERY) -> bool:
    """True every ``every`` items (the counting loops report then, not per item)."""
    return done % every == 0
