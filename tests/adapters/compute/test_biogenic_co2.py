"""Biogenic CO2 end to end and the table by Kyoto gas carried by the inventory (GHG Protocol
Corporate Standard ch. 9: biogenic CO2 "outside of scopes"; ISO 14064-1:2018 §9.3.1). The hand
calculation is in tests/biogenickit.py: Scope 1 = 2.0081 t CO2e, biogenic CO2 = 0.5 t."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from biogenickit import BIOGENIC_T, SCOPE1_T, YEAR, build_bio_workspace
from lingtan.adapters.cli.kyoto import kyoto_text
from lingtan.adapters.compute.engine import calculate, calculate_totals
from lingtan.adapters.compute.lineage import Selection, explain_many
from lingtan.adapters.compute.quality import (
    quality_inputs,
    quality_table,
    uncertainty_inputs,
    uncertainty_table,
)
from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
from lingtan.adapters.io.inventory_export import long_rows, to_csv, write_xlsx
from lingtan.adapters.services.calculation import (
    duckdb_connection,
    latest_inventory,
    workspace_inputs,
)
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.gwp import CO2_BIOGENIC

FOSSIL_KG = 2008.1  # 2,000 + 2.8 + 5.3 kg CO2e (tests/biogenickit.py)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Workspace:
    return open_workspace(build_bio_workspace(tmp_path_factory.mktemp("bio") / "ws"))


@pytest.fixture(scope="module")
def ws_fossil_only(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Workspace:
    folder = tmp_path_factory.mktemp("fossil") / "ws"
    return open_workspace(build_bio_workspace(folder, biogenic=False))


def test_biogenic_co2_is_outside_every_scope_total(
    ws: Workspace, ws_fossil_only: Workspace
) -> None:
    inv = latest_inventory(ws, YEAR)
    without = latest_inventory(ws_fossil_only, YEAR)
    assert inv.totals()["scope1"] == pytest.approx(SCOPE1_T, rel=1e-12)
    assert inv.totals() == without.totals()  # the biogenic row changes no scope total
    assert inv.shares_pct() == without.shares_pct()
    assert inv.by("gas") == without.by("gas")  # {CH4, CO2, N2O}: no CO2biogenic key
    assert inv.scope3_by_category() == without.scope3_by_category()
    assert inv.biogenic_co2() == pytest.approx(BIOGENIC_T, rel=1e-12)
    assert without.biogenic_co2() == 0.0
    doc = inv.to_dict()
    assert doc["totals_tco2e"]["biogenic_co2_outside_scopes"] == BIOGENIC_T
    assert doc["totals_tco2e"]["total_market"] == round(SCOPE1_T, 3)
    assert without.to_dict()["totals_tco2e"]["biogenic_co2_outside_scopes"] == 0.0
    # data quality weighs the same 2.008 t: biogenic CO2 has no weight in any score
    assert doc["data_quality"] == without.to_dict()["data_quality"]


def test_quality_and_uncertainty_inputs_leave_biogenic_co2_out(ws: Workspace) -> None:
    inputs = workspace_inputs(ws, YEAR, "AR5")
    res = calculate_totals(inputs, duckdb_connection(1))
    for table in (quality_table(res), uncertainty_table(res)):
        assert sum(table.column("co2e_kg").to_pylist()) == pytest.approx(FOSSIL_KG, rel=1e-12)
    rows = calculate(inputs, duckdb_connection(1)).emissions
    assert CO2_BIOGENIC in rows.gas.to_pyarrow().to_pylist()  # carried by the engine …
    for table in (quality_inputs(rows), uncertainty_inputs(rows)):  # … weighed nowhere
        assert sum(table.column("co2e_kg").to_pylist()) == pytest.approx(FOSSIL_KG, rel=1e-12)


def test_gas_table_is_stored_with_the_snapshot(ws: Workspace) -> None:
    inv = latest_inventory(ws, YEAR)
    table = inv.gas_table
    assert table is not None
    assert inv.gas_table_note == ""
    s1 = table.scopes["scope1"]
    assert (s1["CO2"].t_co2e, s1["CO2"].t_gas) == pytest.approx((2.0, 2.0))
    assert (s1["CH4"].t_co2e, s1["CH4"].t_gas) == pytest.approx((0.0028, 0.0001))  # 0.1 kg × 28
    assert (s1["N2O"].t_co2e, s1["N2O"].t_gas) == pytest.approx((0.0053, 0.00002))  # × 265
    assert table.total("scope1") == pytest.approx(inv.totals()["scope1"], rel=1e-12)
    assert table.biogenic_co2_t == pytest.approx({"scope1": BIOGENIC_T})
    doc = inv.to_dict()["by_kyoto_gas"]
    assert doc["gwp_set"] == "AR5"
    assert doc["scopes"]["scope1"]["total_t_co2e"] == round(SCOPE1_T, 3)
    assert doc["scopes"]["scope1"]["N2O"] == {"t_co2e": 0.005, "t_gas": 0.00002}
    assert doc["biogenic_co2_t_outside_scopes"] == {"scope1": 0.5}
    snap = ws.snapshot(inv.snapshot_id)
    assert snap.inventory["by_kyoto_gas"]["scopes"]["scope1"]["CH4"] == pytest.approx(
        [0.0028, 0.0001]
    )  # unrounded in the snapshot


def test_old_snapshot_derives_the_table_from_its_frozen_gwps(ws: Workspace) -> None:
    inv = latest_inventory(ws, YEAR)
    snap = ws.snapshot(inv.snapshot_id)
    old = {k: v for k, v in snap.inventory.items() if not k.startswith("by_kyoto_gas")}
    stored = type("OldSnapshot", (), {"id": snap.id, "inventory": old})()
    derived = inventory_from_snapshot(stored, ws.snapshots_dir)
    assert derived.to_dict()["by_kyoto_gas"] == inv.to_dict()["by_kyoto_gas"]
    none = inventory_from_snapshot(stored)  # no folder: no frozen GWPs to read
    assert none.gas_table is None
    doc = none.to_dict()
    assert doc["by_kyoto_gas"] is None
    assert "frozen GWP values" in doc["by_kyoto_gas_note"]
    assert "no table by gas" in kyoto_text([none])


def test_lineage_of_a_scope_leaves_biogenic_co2_out(ws: Workspace) -> None:
    inv = latest_inventory(ws, YEAR)
    snap = ws.snapshot(inv.snapshot_id)
    scope1, bio = explain_many(ws, snap, [Selection(scope=1), Selection(gas=CO2_BIOGENIC)])
    assert scope1.matches
    assert scope1.recomputed_t == pytest.approx(SCOPE1_T, rel=1e-12)
    assert bio.matches
    assert bio.reported_t == pytest.approx(BIOGENIC_T, rel=1e-12)


def test_exports_carry_the_gas_table_and_biogenic_line(ws: Workspace, tmp_path: Path) -> None:
    inv = latest_inventory(ws, YEAR)
    rows = list(csv.DictReader(io.StringIO(to_csv(inv))))
    by_key = {(r["section"], r["key"]): r for r in rows}
    total = by_key[("total", "biogenic_co2_outside_scopes")]
    assert float(total["tco2e"]) == BIOGENIC_T
    assert total["share_pct"] == ""
    co2 = by_key[("kyoto_gas", "scope1.CO2")]
    assert (float(co2["tco2e"]), float(co2["t_gas"])) == (2.0, 2.0)
    assert float(by_key[("kyoto_gas", "scope1.N2O")]["t_gas"]) == 0.00002
    bio = by_key[("kyoto_gas", "scope1.biogenic_co2_outside_scopes")]
    assert float(bio["tco2e"]) == BIOGENIC_T
    assert bio["share_pct"] == ""
    assert {r["section"] for r in long_rows(inv)} >= {"total", "kyoto_gas"}

    book = load_workbook(write_xlsx([inv], tmp_path / "inv.xlsx"))
    sheet = [list(r) for r in book["Gases"].iter_rows(values_only=True)]
    assert sheet[0] == ["fiscal_year", "gwp_set", "scope", "gas", "t CO2e", "t of gas", "note"]
    got = {(r[2], r[3]): r for r in sheet[1:]}
    assert got[("Scope 1", "CO2")][4:6] == [2.0, 2.0]
    assert got[("Scope 1", "total")][4] == pytest.approx(SCOPE1_T, rel=1e-12)
    assert got[("Scope 1", "CO2_biogenic")][4:] == [
        BIOGENIC_T,
        BIOGENIC_T,
        "outside of scopes (t CO2)",
    ]
    summary = {r[0]: r for r in book["Summary"].iter_rows(values_only=True)}
    line = summary["Biogenic CO2, outside of scopes (t CO2)"]
    assert line[1] == BIOGENIC_T
    assert line[2] is None


def test_cli_table_prints_biogenic_co2_apart(ws: Workspace) -> None:
    text = kyoto_text([latest_inventory(ws, YEAR)])
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "2.000 (2.000000 t)" in lines["CO2"]
    assert "0.003 (0.000100 t)" in lines["CH4"]  # 0.0028 t CO2e to 1 kg
    assert lines["total"].split()[1] == "2.008"
    assert "biogenic CO2, outside the scopes (t CO2): Scope 1 0.500 t" in text
