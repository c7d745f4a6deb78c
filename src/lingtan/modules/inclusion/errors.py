"""Errors of the carbon-inclusion module (one base class, specific subclasses, as bw2calc does).

Each error carries a catalogue :class:`~lingtan.core.messages.Message` (keys ``incl_*.err.*``;
decision 0053) and the ``field`` it concerns, so that the service layer turns it into a keyed
refusal shown in the user's language."""

from __future__ import annotations

from lingtan.core.errors import MessageError


class InclusionError(MessageError):
    """Carbon-inclusion data is invalid or a computation cannot be made from it."""


class RulesError(InclusionError):
    """A programme's points rules are invalid (negative points, a cap below zero …)."""


class MethodologyError(InclusionError):
    """A methodology pack is invalid, or it cannot quantify an action."""


class PlausibilityError(InclusionError):
    """An action fails a plausibility rule (a speed out of range for its mode, a cap)."""


class LedgerError(InclusionError):
    """A points-ledger entry cannot be posted (a redemption beyond the balance, a broken chain)."""


class CampaignError(InclusionError):
    """A campaign, reward or leaderboard request is invalid."""


class ConsentError(InclusionError):
    """An action arrives without the account's consent for that partner and action."""
