"""Errors of the climate-risk module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (``risk.err.*``,
``aspects.err.*``, ``scenarios.err.*``, ``hazards.err.*``, ``governance.err.*``; decision
0053) and the ``field`` it concerns, so that the service layer turns it into a keyed refusal
shown in the user's language."""

from __future__ import annotations

from lingtan.core.errors import MessageError


class RiskError(MessageError):
    """Climate-risk data is invalid or a computation cannot be made from it."""


class MatrixError(RiskError):
    """A scoring matrix is invalid (a scale without levels, overlapping bands …)."""


class AspectError(RiskError):
    """An environmental aspect cannot be accepted or rated."""


class ScenarioError(RiskError):
    """A scenario data set is invalid or a run cannot be made from it."""


class HazardError(RiskError):
    """A hazard indicator or a vulnerability curve is invalid."""


class GovernanceError(RiskError):
    """A governance record is invalid."""
