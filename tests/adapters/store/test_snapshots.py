"""Snapshot (de)serialisation (``store.snapshots``): frozen factors, folder, stored state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.snapshots import (
    RUNTIME_KEY,
    SNAPSHOT_FACTORS,
    SNAPSHOT_GWP,
    SNAPSHOT_INPUTS,
    SNAPSHOT_MARKET,
    factors_from_table,
    factors_table,
    has_folder,
    inventory_from_state,
    inventory_state,
    runtime_versions,
    stored_inputs,
    write_snapshot_folder,
)
from lingtan.adapters.store.workspace import Workspace, init_workspace
from lingtan.core.factors import EmissionFactor, FactorSource
from lingtan.core.gwp import GWPSet
from lingtan.core.inventory import AggregateRow, build_inventory
from lingtan.core.methods.scope2_market import MarketResult

FACTOR = EmissionFactor(
    factor_id="f1",
    set_name="test-set",
    activity_type="fuel.diesel",
    region="CN",
    unit="L",
    gas="CO2",
    value=2.68,
    valid_from=date(2023, 1, 1),
    valid_to=None,
    gwp_set=None,
    version=1,
    price_year=None,
    description="diesel",
    source=FactorSource("Publisher", "Dataset", "2023", "Table 1"),
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", organisation="Test Co")


def test_factors_round_trip() -> None:
    assert factors_from_table(factors_table([FACTOR])) == [FACTOR]


def test_runtime_versions_name_the_libraries() -> None:
    import duckdb
    import numpy

    v = runtime_versions()
    assert set(v) == {"lingtan", "python", "duckdb", "ibis", "numpy", "pyarrow"}
    assert v["duckdb"] == duckdb.__version__
    assert v["numpy"] == numpy.__version__
    desc = {"fiscal_year": "FY2023/24"}
    assert stored_inputs(desc) == {**desc, RUNTIME_KEY: v}
    assert desc == {"fiscal_year": "FY2023/24"}  # the hashed description is left as it was


def test_snapshot_folder_is_written_whole(ws: Workspace) -> None:
    market = MarketResult(allocations=(), unallocated=(), coverage=(), uncovered=())
    gwp = GWPSet("AR5", {"CO2": 1.0, "CH4": 28.0}, "IPCC AR5")
    inputs = stored_inputs({"fiscal_year": "FY2023/24"})

    def write(p: Path) -> None:
        pq.write_table(factors_table([FACTOR]), p)

    assert not has_folder(ws, "abc")
    write_snapshot_folder(ws, "abc", inputs, write_factors=write, market=market, gwp=gwp)
    folder = ws.snapshots_dir / "abc"
    assert has_folder(ws, "abc")
    assert json.loads((folder / SNAPSHOT_INPUTS).read_text("utf-8")) == inputs
    assert factors_from_table(pq.read_table(folder / SNAPSHOT_FACTORS)) == [FACTOR]
    assert json.loads((folder / SNAPSHOT_GWP).read_text("utf-8"))["values"]["CH4"] == 28.0
    assert json.loads((folder / SNAPSHOT_MARKET).read_text("utf-8"))["allocations"] == []
    assert not list(ws.snapshots_dir.glob(".*.tmp"))  # nothing left aside

    def fail(p: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_snapshot_folder(ws, "abc", {"x": 1}, write_factors=fail, market=market, gwp=gwp)
    assert json.loads((folder / SNAPSHOT_INPUTS).read_text("utf-8")) == inputs  # untouched
    assert not list(ws.snapshots_dir.glob(".*.tmp"))


def test_inventory_state_round_trip_and_legacy_gas_table() -> None:
    row = AggregateRow(
        scope=1, category=0, iso_category=1, basis="location", gas="CO2", site="HQ",
        month="2023-05", method="test", tier="tier1", co2e_kg=2680.0, rows=1,
    )  # fmt: skip
    inv = build_inventory(
        [row], organisation="Test Co", fiscal_year="FY2023/24", period_start="2023-04-01",
        period_end="2024-03-31", gwp_set="AR5", consolidation="operational_control",
        snapshot_id="abc",
    )  # fmt: skip
    state = inventory_state(inv)
    snap = Snapshot(id="abc", inventory=json.loads(json.dumps(state)))
    calls: list[object] = []

    def legacy(rows: list[AggregateRow], gwp_set: str, frozen: Path | None) -> tuple[None, str]:
        calls.append((rows, gwp_set, frozen))
        return None, "derived"

    back = inventory_from_state(snap, None, legacy)
    assert back.to_dict() == inv.to_dict()
    assert calls == []  # the state has its table by gas (or None): nothing derived
    del snap.inventory["by_kyoto_gas"]
    old = inventory_from_state(snap, Path("/snaps"), legacy)
    assert old.gas_table_note == "derived"
    assert calls == [([row], "AR5", Path("/snaps/abc") / SNAPSHOT_GWP)]
