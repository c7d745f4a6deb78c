"""``diff`` attributes a change of the Scope 2 market-based method version to *method* (GHG
Protocol Scope 2 Guidance ch. 6; s2.market.hierarchy, decision 0027), not to the residual.

Inputs: tests/cases/scope2_hierarchy_by_type.yaml, whose hand calculation gives market-based
Scope 2 = 436.654 t with version 1 (greedy in id order) and 429.696 t with version 2 (pro rata
by type): the method step is 429.696 − 436.654 = −6.958 t."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ibis
import pytest

from lingtan.adapters.compute import diff
from lingtan.adapters.compute.aggregate import aggregate_result
from lingtan.adapters.compute.engine import CalcInputs, calculate_totals
from lingtan.adapters.store.snapshots import inventory_state as _inventory_state
from lingtan.core.inventory import build_inventory
from scope2kit import hierarchy_case_inputs


def _snapshot(snap_id: str, inputs: CalcInputs) -> Any:
    res = calculate_totals(inputs, ibis.duckdb.connect())
    meta = {"period_start": "", "period_end": "", "gwp_set": "AR5", "consolidation": "c"}
    inv = build_inventory(aggregate_result(res), organisation="o", fiscal_year="FY2023/24", **meta)
    desc = {"fiscal_year": "FY2023/24", "batches": ["b"], "factor_sets": {}, "gwp_set": "AR5",
            "engine_version": 4, "lingtan_version": "x"}  # fmt: skip
    return SimpleNamespace(id=snap_id, inputs=desc, inventory=_inventory_state(inv))


def test_market_method_version_change_is_attributed_to_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1, v2 = (
        hierarchy_case_inputs(tmp_path, 1),
        replace(hierarchy_case_inputs(tmp_path, 1), market_method_version=2),
    )
    a, b = _snapshot("a", v1), _snapshot("b", v2)
    monkeypatch.setattr(diff, "snapshot_inputs", lambda ws, s: v1 if s.id == "a" else v2)
    ws = SimpleNamespace(batches=lambda active_only=False: [])
    d = diff.diff_snapshots(ws, a, b)  # type: ignore[arg-type]
    by = {s.cause: s for s in d.steps}
    assert d.delta["scope2_market"] == pytest.approx(429.696 - 436.654, rel=1e-9)
    assert by["method"].delta["scope2_market"] == pytest.approx(-6.958, rel=1e-9)
    assert by["method"].details == ["Scope 2 market-based method version 1 → 2"]
    for cause in ("boundary", "data", "factors"):
        assert by[cause].delta["scope2_market"] == pytest.approx(0.0, abs=1e-9)
    assert d.residual["scope2_market"] == pytest.approx(0.0, abs=1e-9)
    assert by["method"].delta["scope2_location"] == pytest.approx(0.0, abs=1e-9)
