"""Errors of the energy module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (``energy.err.*``,
decision 0053) and the ``field`` it concerns, so that the service layer turns it into a keyed
refusal shown in the user's language."""

from __future__ import annotations

import math

from lingtan.core.errors import MessageError
from lingtan.core.messages import msg


class EnergyError(MessageError):
    """Energy data is invalid or a computation cannot be made from it."""


class MeterError(EnergyError):
    """A meter's definition is invalid (unknown carrier, unit of the wrong kind, parent loop)."""


class ReadingError(EnergyError):
    """A reading cannot be accepted (unknown meter, value not a number, interval not aligned)."""


class ModelError(EnergyError):
    """A baseline model cannot be fitted or applied (too few points, singular normalisers)."""


def check_number(value: float, name: str, *, positive: bool = False) -> float:
    """``value`` as a float when finite and not negative (with ``positive``: greater than 0).

    Raises:
        EnergyError: ``energy.err.not_finite``, ``energy.err.not_positive`` or
            ``energy.err.negative``, on field ``name``.
    """
    v = float(value)
    if not math.isfinite(v):
        raise EnergyError(msg("energy.err.not_finite", field=name, value=str(value)), name)
    if positive and v <= 0:
        raise EnergyError(msg("energy.err.not_positive", field=name, value=str(value)), name)
    if v < 0:
        raise EnergyError(msg("energy.err.negative", field=name, value=str(value)), name)
    return v
