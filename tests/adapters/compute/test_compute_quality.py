"""Data quality and uncertainty through ``calculate_year`` on a small real workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services.calculation import calculate_year, latest_inventory
from lingtan.adapters.store.workspace import init_workspace


def make_workspace(root: Path) -> Any:
    ws = init_workspace(root, organisation="Test Co", region="CN")
    fuel = root / "fuel.csv"
    fuel.write_text(
        "site,date,fuel,quantity,unit,use,dq_completeness,dq_reliability\n"
        "HQ,2023-05-01,diesel,1000,L,stationary,1,1\n",
        encoding="utf-8",
    )
    elec = root / "electricity.csv"
    elec.write_text("site,date,quantity,unit\nHQ,2023-05-01,200,MWh\n", encoding="utf-8")
    for f in (fuel, elec):
        rep = import_file(ws, f)
        assert rep.rows_accepted == 1, rep
    return ws


def test_inventory_json_has_data_quality_and_uncertainty(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "a")
    inv = calculate_year(ws, "FY2023/24")
    doc = json.loads(json.dumps(inv.to_dict()))
    dq, unc = doc["data_quality"], doc["uncertainty"]
    assert set(dq) >= {"by_scope", "by_scope3_category", "overall", "worst_contributors"}
    # Scope 2, market basis: the CN residual-mix proxy (MEE/NBS national factor excluding
    # market-traded non-fossil electricity, region CN = site region, data year 2023, activity 2023,
    # match exact): temporal 1, geographical 1, technological 2, completeness 3, reliability 3
    # (a residual-mix proxy: non-verified, partly estimated; decision 0028) → 10/5 = 2.0
    assert dq["by_scope"]["2"]["score"] == pytest.approx(2.0)
    assert dq["by_scope"]["2"]["indicators"]["technological"] == 2.0
    assert dq["by_scope"]["2"]["indicators"]["reliability"] == 3.0
    # Scope 1 diesel: completeness and reliability given as 1 win over the defaults
    assert dq["by_scope"]["1"]["indicators"]["completeness"] == 1.0
    assert dq["by_scope"]["1"]["indicators"]["reliability"] == 1.0
    assert 1.0 <= dq["overall"]["score"] <= 5.0
    assert dq["worst_contributors"][0]["activity_type"] == "electricity.grid"  # largest source
    t = doc["totals_tco2e"]
    assert unc["iterations"] == 2000
    for key in ("scope1", "scope2_location", "scope2_market", "total_location", "total_market"):
        lo, hi = unc["ci95_tco2e"][key]
        assert lo < t[key] < hi, key
    # stored with the snapshot: the reused snapshot gives the same sections
    again = latest_inventory(ws, "FY2023/24").to_dict()
    assert again["data_quality"] == dq
    assert again["uncertainty"] == unc


def test_same_inputs_give_the_same_interval(tmp_path: Path) -> None:
    a = calculate_year(make_workspace(tmp_path / "a"), "FY2023/24")
    b = calculate_year(make_workspace(tmp_path / "b"), "FY2023/24")
    assert a.snapshot_id == b.snapshot_id
    assert a.uncertainty == b.uncertainty
    assert a.uncertainty is not None
    assert a.uncertainty["seed"] == int(a.snapshot_id[:15], 16)
