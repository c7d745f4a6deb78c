"""Lineage: the activity rows, factors, GWPs and methods behind one inventory figure,
recomputed from the snapshot's frozen inputs and checked against the stored figure
(ISO 14064-3 verification; decision 0005). One use case for ``lingtan explain``, the API's
``explain`` route and the web's lineage page (through
:func:`lingtan.adapters.services.inventories.explain_number`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lingtan.adapters.services.context import Context

if TYPE_CHECKING:
    from lingtan.adapters.compute.lineage import Explanation, Selection
    from lingtan.adapters.store.models import Snapshot


def explain_figure(
    ctx: Context,
    selection: Selection,
    *,
    snapshot: Snapshot | str | None = None,
    fiscal_year: str | None = None,
) -> Explanation:
    """The figure ``selection`` (scope, category, site, month, gas; Scope 2 ``basis``) of a
    snapshot traced to its emission rows, each with its arithmetic, the factors used [kg gas
    per activity unit] and the recomputed against the reported total [t CO2e].

    Args:
        snapshot: the snapshot (as the caller found it), or its id or a unique id prefix.
        fiscal_year: without ``snapshot``: the newest snapshot of this fiscal year.

    Raises:
        WorkspaceError: neither given, no (or several) snapshots match, or the snapshot's
            frozen inputs are missing.
    """
    from lingtan.adapters.compute.lineage import explain, find_snapshot

    ctx.require("read")
    ws = ctx.workspace()
    if snapshot is None or isinstance(snapshot, str):
        snapshot = find_snapshot(ws, snapshot=snapshot, fiscal_year=fiscal_year)
    return explain(ws, snapshot, selection)
