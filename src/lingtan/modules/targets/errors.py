"""Errors of the targets module (one base class, specific subclasses, as bw2calc does)."""

from __future__ import annotations

from lingtan.core.errors import LingtanError


class TargetError(LingtanError):
    """A target, KPI, series or emissions figure is inconsistent or incomplete."""


class ProjectError(TargetError):
    """An abatement project cannot be evaluated (unknown carrier, no grid factor …)."""


class PlanError(TargetError):
    """A plan cannot be set up (no target year in the horizon, bad budget …)."""


class CreditError(TargetError):
    """A credit holding or retirement is invalid: overlapping serials, over-retirement …"""
