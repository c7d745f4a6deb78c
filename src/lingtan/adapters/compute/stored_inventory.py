"""The inventory stored with a snapshot, rebuilt without recalculation.

The state is read by :func:`lingtan.adapters.store.snapshots.inventory_from_state`; a snapshot
stored before the table by Kyoto gas existed (GHG Protocol Corporate Standard ch. 9) gets one
derived from its frozen GWP values (:func:`lingtan.adapters.compute.gases.derived_gas_table`).
"""

from __future__ import annotations

from pathlib import Path

from lingtan.adapters.compute.gases import derived_gas_table
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.snapshots import inventory_from_state
from lingtan.core.completeness import Completeness
from lingtan.core.inventory import Inventory


def inventory_from_snapshot(snap: Snapshot, snapshots_dir: Path | None = None) -> Inventory:
    """Rebuild the :class:`Inventory` stored with a snapshot (no recalculation). Snapshots
    stored before the exclusions register existed have none; their completeness is derived from
    their ``unresolved`` list (:attr:`Inventory.completeness`). Snapshots stored before the
    table by gas existed get one derived from their frozen GWP values
    (``snapshots_dir/<id>/gwp.json``), else none and a note."""
    return inventory_from_state(snap, snapshots_dir, derived_gas_table)


def snapshot_completeness(snap: Snapshot) -> Completeness:
    """The completeness assessment of a stored snapshot (derived for snapshots stored before
    the assessment existed)."""
    return inventory_from_snapshot(snap).completeness
