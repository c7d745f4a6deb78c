"""Errors of the circularity module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (keys ``circ.*``;
decision 0053) and the ``field`` it concerns."""

from __future__ import annotations

from lingtan.core.errors import MessageError


class CircularityError(MessageError):
    """A circularity ledger row is invalid (a negative mass, recycled above gross, a returned
    count above the issued one …) or a KPI cannot be computed from the ledgers."""
