"""Errors of the disclosure module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (keys ``disc_*``;
decision 0053) and the ``field`` it concerns, so that the service layer turns it into a keyed
refusal shown in the user's language."""

from __future__ import annotations

from lingtan.core.errors import MessageError


class DisclosureError(MessageError):
    """Disclosure data is invalid or an edition cannot be built or rendered from it."""


class EditionError(DisclosureError):
    """An edition cannot be built, superseded or compared (no snapshot, a restatement without a
    reason, an unknown edition …)."""


class FrameworkError(DisclosureError):
    """A framework file or a requirement binding is invalid (an unknown fact, a duplicate
    reference …)."""


class VerificationError(DisclosureError):
    """A verification record is invalid (an unknown standard or assurance level, a finding
    closed before it was raised …)."""


class RenderError(DisclosureError):
    """An edition cannot be rendered (an unknown format or language, a missing font)."""
