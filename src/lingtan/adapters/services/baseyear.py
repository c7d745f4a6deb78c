"""The base year: recorded changes (structural, method, factor, errors) and the review that
recalculates the base year when their effect is significant (GHG Protocol Corporate Standard
ch. 5; ISO 14064-1 §6.4.1). Every adopted version is kept with its snapshot."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from lingtan.adapters.services.context import Context

if TYPE_CHECKING:
    from lingtan.adapters.compute.baseyear import Review
    from lingtan.adapters.store.models import BaseYearVersion, ChangeRecord


def record_change(
    ctx: Context,
    kind: str,
    description: str,
    effective: date,
    base_year_effect_t: float | None = None,
) -> int:
    """Record a change that may require a base-year recalculation; returns its id.

    Args:
        kind: ``acquisition``, ``divestment``, ``outsourcing``, ``insourcing``,
            ``method_change``, ``factor_change`` or ``error``.
        base_year_effect_t: the base-year emissions of the operations concerned [t CO2e, ≥ 0]
            when their data are not in the workspace (the kind gives the sign).

    Raises:
        WorkspaceError: unknown kind, or a negative effect.
    """
    from lingtan.adapters.compute.baseyear import record_change as record

    ctx.require("edit_data")
    return record(ctx.workspace(), kind, description, effective, base_year_effect_t)


def list_changes(ctx: Context) -> list[ChangeRecord]:
    """Every recorded change, oldest first, with the base-year version that applied it."""
    from lingtan.adapters.compute.baseyear import changes

    ctx.require("read")
    return changes(ctx.workspace())


def list_versions(ctx: Context) -> list[BaseYearVersion]:
    """Every adopted base-year version, oldest first (all are kept)."""
    from lingtan.adapters.compute.baseyear import versions

    ctx.require("read")
    return versions(ctx.workspace())


def review_base_year(
    ctx: Context, *, threshold_pct: float | None = None, apply: bool = True
) -> Review:
    """Recalculate the base year, attribute the change and adopt a new version when it reaches
    the significance threshold (``threshold_pct`` [%], default ``base_year_threshold_pct`` of
    lingtan.yaml, else 5 %). ``apply=False`` assesses only (a dry run: nothing is adopted).
    The recalculation is :func:`lingtan.adapters.services.calculation.review_base_year`.

    Raises:
        WorkspaceError: no base year is configured.
    """
    from lingtan.adapters.services.calculation import review_base_year as review

    ctx.require("edit_data")  # a dry run too stores the base year's recalculated snapshot
    return review(ctx, threshold_pct=threshold_pct, apply=apply)
