"""The difference between two inventory snapshots, attributed to its causes — boundary,
activity data, factors, method — in that order, with what is left to the engine or lingtan's
version (GHG Protocol Corporate Standard ch. 5, recalculation of base-year emissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lingtan.adapters.services.context import Context

if TYPE_CHECKING:
    from lingtan.adapters.compute.diff import SnapshotDiff


def diff_snapshots(ctx: Context, snapshot_a: str, snapshot_b: str) -> SnapshotDiff:
    """Attribute the change of the totals from snapshot ``snapshot_a`` to ``snapshot_b`` (ids or
    unique prefixes) to its causes [t CO2e, B − A]; see
    :func:`lingtan.adapters.compute.diff.diff_snapshots`.

    Raises:
        WorkspaceError: no (or more than one) snapshot matches an id, or its inputs are missing.
    """
    from lingtan.adapters.compute.diff import diff_snapshots as attribute

    ctx.require("read")
    ws = ctx.workspace()
    return attribute(ws, ws.snapshot(snapshot_a), ws.snapshot(snapshot_b))
