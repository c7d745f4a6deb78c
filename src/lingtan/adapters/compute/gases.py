"""The inventory's table by Kyoto gas, made once when a snapshot is calculated (and derived for
snapshots stored before it existed).

Standards: GHG Protocol Corporate Standard ch. 9 (the seven gases reported separately, in tonnes
and t CO2e; biogenic CO2 outside the scopes); ISO 14064-1:2018 §9.3.1. Units: t CO2e, t of gas.
The mapping is :func:`lingtan.core.gas_table.kyoto_table`; here it gets the GWP values of the
snapshot's set (``GWPSet.table()``, the same values frozen in ``snapshots/<id>/gwp.json``) and the
blend compositions shipped with lingtan (``data/gwp/blends.csv``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from lingtan.adapters.io.blend_compositions import read_blend_compositions
from lingtan.core.errors import LingtanError
from lingtan.core.gas_table import GasTable, kyoto_table
from lingtan.core.inventory import AggregateRow

NO_FROZEN_GWP = (
    "snapshot stored before the table by gas existed, without its frozen GWP values "
    "(snapshots/<id>/gwp.json): recalculate the year to get the table"
)


def gas_table_for(
    rows: Iterable[AggregateRow], gwp: Mapping[str, float], gwp_set: str
) -> tuple[GasTable | None, str]:
    """(table, "") — or (None, the reason) when the table cannot be made (a blend whose Kyoto
    components have no GWP …): the calculation itself never fails for want of it."""
    try:
        return kyoto_table(rows, gwp, read_blend_compositions(), gwp_set), ""
    except LingtanError as exc:
        return None, f"no table by gas: {exc}"


def derived_gas_table(
    rows: Iterable[AggregateRow], gwp_set: str, frozen: Path | None
) -> tuple[GasTable | None, str]:
    """The table of a snapshot stored without one, from its frozen GWP values (``frozen``: its
    ``gwp.json``); (None, note) when they are not available."""
    if frozen is None or not frozen.is_file():
        return None, NO_FROZEN_GWP
    try:
        values = json.loads(frozen.read_text(encoding="utf-8"))["values"]
        gwp = {str(k): float(v) for k, v in values.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, f"{frozen}: unreadable frozen GWP values ({exc})"
    return gas_table_for(rows, gwp, gwp_set)
