"""Errors of the suppliers module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (``suppliers.err.*``,
decision 0053) and the ``field`` it concerns, so that the service layer turns it into a keyed
refusal shown in the user's language."""

from __future__ import annotations

from lingtan.core.errors import MessageError


class SupplierError(MessageError):
    """A supplier's data is invalid or a change of it is not allowed."""


class IdentifierError(SupplierError):
    """An identifier (USCC, DUNS, URN, country) is malformed or fails its check character."""


class TransitionError(SupplierError):
    """A status change that the onboarding workflow does not allow."""


class OnboardingError(SupplierError):
    """An onboarding check names an unknown item or result, or its dates contradict."""
