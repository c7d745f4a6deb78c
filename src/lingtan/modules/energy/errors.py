"""Errors of the energy module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (``energy.err.*``,
decision 0053) and the ``field`` it concerns, so that the service layer turns it into a keyed
refusal shown in the user's language."""

from __future__ import annotations

from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message


class EnergyError(LingtanError):
    """Energy data is invalid or a computation cannot be made from it."""

    def __init__(self, message: Message, field: str | None = None) -> None:
        super().__init__(message.english())
        self.message = message
        self.field = field


class MeterError(EnergyError):
    """A meter's definition is invalid (unknown carrier, unit of the wrong kind, parent loop)."""


class ReadingError(EnergyError):
    """A reading cannot be accepted (unknown meter, value not a number, interval not aligned)."""


class ModelError(EnergyError):
    """A baseline model cannot be fitted or applied (too few points, singular normalisers)."""
