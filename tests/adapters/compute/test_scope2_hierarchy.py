"""Scope 2 market-based hierarchy through the real engine (GHG Protocol Scope 2 Guidance ch. 6,
Table 6.3; s2.market.hierarchy v2, decision 0027): which level each kWh used, and instrument
ids and order never changing a result. The hand calculation is in
tests/cases/scope2_hierarchy_by_type.yaml."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import ibis
import pytest

from lingtan.adapters.compute.aggregate import aggregate_result
from lingtan.adapters.compute.engine import CalcResult, calculate, calculate_totals
from lingtan.adapters.compute.lineage import _market_method_version
from lingtan.adapters.store.snapshots import (
    allocations as _allocations,
)
from lingtan.adapters.store.snapshots import (
    market_notes as _market_notes,
)
from lingtan.core.inventory import build_inventory
from scope2kit import hierarchy_case_inputs


def _market_t(res: CalcResult) -> float:
    inv = build_inventory(
        aggregate_result(res), organisation="o", fiscal_year="FY2023/24", period_start="",
        period_end="", gwp_set="AR5", consolidation="c",
    )  # fmt: skip
    return inv.total("market", scope=2)


@pytest.mark.parametrize("totals", [False, True], ids=["rows", "totals"])
def test_each_kwh_states_its_level(tmp_path: Path, totals: bool) -> None:
    # hand calculation: tests/cases/scope2_hierarchy_by_type.yaml
    inputs = hierarchy_case_inputs(tmp_path)
    res = (calculate_totals if totals else calculate)(inputs, ibis.duckdb.connect())
    m = res.market
    assert m.method_version == 2
    cov = {c.site: c for c in m.coverage}
    assert dict(cov["TJ"].by_level) == pytest.approx({"certificate": 440_000.0,
                                                      "supplier_rate": 500_000.0})  # fmt: skip
    assert dict(cov["HF"].by_level) == pytest.approx({"certificate": 80_000.0})
    unc = {(u.site, u.level): u.kwh for u in m.uncovered}
    assert unc == pytest.approx({("TJ", "residual_mix"): 60_000.0,
                                 ("HF", "grid_average"): 320_000.0})  # fmt: skip
    notes = {n["site"]: n for n in _market_notes(m) if "site" in n}
    assert notes["HF"]["grid_average_used"] is True
    assert notes["TJ"]["grid_average_used"] is False
    levels = {"certificate": 440_000.0, "supplier_rate": 500_000.0, "residual_mix": 60_000.0}
    assert notes["TJ"]["levels_kwh"] == pytest.approx(levels)
    assert notes["TJ"]["method"] == "s2.market.hierarchy v2"
    assert _allocations(m)["method_version"] == 2
    assert _market_t(res) == pytest.approx(429.696, rel=1e-12)


def test_ids_and_order_never_change_the_engine_result(tmp_path: Path) -> None:
    inputs = hierarchy_case_inputs(tmp_path)
    base = _market_t(calculate_totals(inputs, ibis.duckdb.connect()))
    names = {"A-SUPPLIER-TJ": "ZZZ-1", "Z-GEC-TJ": "AAA-2", "M-GEC-POOL-CN": "000-POOL"}
    renamed = [replace(i, instrument_id=names[i.instrument_id])
               for i in reversed(inputs.instruments)]  # fmt: skip
    again = _market_t(calculate_totals(replace(inputs, instruments=renamed), ibis.duckdb.connect()))
    assert again == base


def test_version_1_stays_computable_for_old_snapshots(tmp_path: Path) -> None:
    # version 1 (greedy in id order; see the case file): 436.654 t
    inputs = replace(hierarchy_case_inputs(tmp_path), market_method_version=1)
    res = calculate_totals(inputs, ibis.duckdb.connect())
    assert res.market.method_version == 1
    assert _market_t(res) == pytest.approx(436.654, rel=1e-12)


def test_snapshot_method_version_is_read_back(tmp_path: Path) -> None:
    assert _market_method_version(tmp_path) == 1  # no market.json: written before versions
    (tmp_path / "market.json").write_text(json.dumps({"allocations": []}), encoding="utf-8")
    assert _market_method_version(tmp_path) == 1
    (tmp_path / "market.json").write_text(json.dumps({"method_version": 2}), encoding="utf-8")
    assert _market_method_version(tmp_path) == 2
