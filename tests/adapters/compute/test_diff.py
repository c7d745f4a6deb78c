"""Reproducible snapshots and `diff` by cause (data, factors, method, boundary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.compute.diff import diff_snapshots
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services.calculation import calculate_year
from lingtan.adapters.store.workspace import Workspace, init_workspace, open_workspace

FACTORS = """factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition
co/grid,electricity.grid,CN,kWh,CO2,{value},2020-01-01,Test Co,own grid factor,2024
co/rm,electricity.residual_mix,CN,kWh,CO2,{value},2020-01-01,Test Co,own grid factor,2024
"""
# The company's own residual mix (same value) keeps the market basis on the company's factor:
# without it, the market basis would take cn-grid's residual-mix proxy (decision 0028).


def make(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws", organisation="Test Co")
    cfg = ws.path / "lingtan.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "factor_sets: [", "factor_sets: [co, "), encoding="utf-8")  # fmt: skip
    (ws.factors_dir / "co.csv").write_text(FACTORS.format(value=0.6), encoding="utf-8")
    return open_workspace(ws.path)


def add(ws: Workspace, name: str, text: str) -> None:
    p = ws.path / name
    p.write_text(text, encoding="utf-8")
    rep = import_file(ws, p)
    assert rep.rows_rejected == 0, rep.issues


def totals_of(ws: Workspace) -> str:
    return calculate_year(ws, "FY2023/24").snapshot_id


def test_same_inputs_same_hash_and_factor_update_makes_a_new_snapshot(tmp_path: Path) -> None:
    ws = make(tmp_path)
    add(ws, "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,100,MWh\n")
    a = totals_of(ws)
    assert totals_of(ws) == a  # same inputs → same snapshot id
    (ws.factors_dir / "co.csv").write_text(FACTORS.format(value=0.5), encoding="utf-8")
    ws = open_workspace(ws.path)
    b = totals_of(ws)
    assert b != a
    # the old snapshot is unchanged
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    old = inventory_from_snapshot(ws.snapshot(a)).totals()
    assert old["scope2_location"] == pytest.approx(60.0)
    d = diff_snapshots(ws, ws.snapshot(a), ws.snapshot(b))
    by = {s.cause: s for s in d.steps}
    # 100 MWh × (0.5 − 0.6) kg/kWh = −10 t on both bases, all of it from factors
    assert by["factors"].delta["scope2_location"] == pytest.approx(-10.0)
    assert by["factors"].delta["scope2_market"] == pytest.approx(-10.0)
    for cause in ("boundary", "data", "method"):
        assert by[cause].delta["total_market"] == pytest.approx(0.0, abs=1e-9)
    assert any("co/grid" in line for line in by["factors"].details)
    assert d.delta["total_market"] == pytest.approx(-10.0)


def test_data_boundary_and_method_changes_are_attributed(tmp_path: Path) -> None:
    ws = make(tmp_path)
    add(ws, "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,100,MWh\n")
    add(ws, "fuel.csv", "site,date,fuel,quantity,unit\nHQ,2023-05-01,diesel,1000,L\n")
    a = totals_of(ws)
    add(ws, "electricity_june.csv", "site,date,quantity,unit\nHQ,2023-06-01,50,MWh\n")
    b = totals_of(ws)
    d = diff_snapshots(ws, ws.snapshot(a), ws.snapshot(b))
    by = {s.cause: s for s in d.steps}
    assert by["data"].delta["scope2_location"] == pytest.approx(50_000 * 0.6 / 1000)
    assert any("electricity_june.csv" in x for x in by["data"].details)

    cfg = ws.path / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("consolidation: operational_control", "consolidation: equity_share")
    cfg.write_text(text.replace("ownership_pct: 100", "ownership_pct: 40"), encoding="utf-8")
    ws = open_workspace(ws.path)
    c = totals_of(ws)
    d = diff_snapshots(ws, ws.snapshot(b), ws.snapshot(c))
    by = {s.cause: s for s in d.steps}
    before = d.a_totals["total_market"]
    assert before is not None
    assert by["boundary"].delta["total_market"] == pytest.approx(-0.6 * before)
    assert any("share 1 → 0.4" in x for x in by["boundary"].details)

    e = calculate_year(ws, "FY2023/24", gwp_set="AR6").snapshot_id
    d = diff_snapshots(ws, ws.snapshot(c), ws.snapshot(e))
    by = {s.cause: s for s in d.steps}
    assert by["method"].delta["scope1"] != 0  # diesel CH4 (fossil 29.8 vs 28) and N2O (273 vs 265)
    assert by["method"].details == ["GWP set AR5 → AR6"]
    total = sum(s.delta["total_market"] or 0.0 for s in d.steps) + (d.residual["total_market"] or 0)
    assert total == pytest.approx(d.delta["total_market"])
