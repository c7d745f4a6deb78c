"""``diff`` attributes a change of the Scope 2 market-based method version to *method* (GHG
Protocol Scope 2 Guidance ch. 6; s2.market.hierarchy, decision 0027), not to the residual.

Inputs: tests/cases/scope2_hierarchy_by_type.yaml, whose hand calculation gives market-based
Scope 2 = 436.654 t with version 1 (greedy in id order) and 429.696 t with version 2 (pro rata
by type): the method step is 429.696 − 436.654 = −6.958 t."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from lingtan.adapters.compute import diff
from lingtan.adapters.compute.engine import CalcInputs, calculate_totals
from lingtan.adapters.compute.runner import _inventory_state, aggregate_result
from lingtan.core.activities import ACTIVITY_SCHEMA
from lingtan.core.factors import make_factor
from lingtan.core.gwp import build_gwp_set
from lingtan.core.inventory import build_inventory
from lingtan.core.methods.scope2_market import Instrument
from lingtan.core.periods import FiscalCalendar

CASE = Path(__file__).parents[2] / "cases" / "scope2_hierarchy_by_type.yaml"


def _inputs(tmp: Path, version: int) -> CalcInputs:
    case: dict[str, Any] = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    cal = FiscalCalendar(4)
    rows = [
        {"row_id": i, "batch_id": "case", "source_row": i, "template": "case",
         "site": r["site"], "region": None, "date": date.fromisoformat(str(r["date"])),
         "scope": 2, "category": 1, "activity_type": r["activity_type"],
         "quantity": float(r["quantity"]), "unit": r["unit"], "price_year": None,
         "method": "case", "basis": "both", "tier": "activity", "description": None}
        for i, r in enumerate(case["activities"], start=1)
    ]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows, schema=ACTIVITY_SCHEMA), tmp / "a.parquet")
    meta = {"publisher": "case", "dataset": "case", "edition": "1"}
    factors = [make_factor("case", {**meta, **{k: str(v) for k, v in f.items()}})
               for f in case["factors"]]  # fmt: skip
    instruments = [
        Instrument(i["id"], i["type"], float(i["kwh"]), float(i.get("rate", 0.0)),
                   i.get("region", "CN"), i.get("site"), date.fromisoformat(str(i["start"])),
                   date.fromisoformat(str(i["end"])))
        for i in case["instruments"]
    ]  # fmt: skip
    return CalcInputs(
        activity_files=[tmp / "a.parquet"], factors=factors,
        gwp=build_gwp_set("AR5", {"CH4": 28, "N2O": 265}, "case"),
        period=cal.parse(case["period"]), calendar=cal,
        site_regions={s: v["region"] for s, v in case["sites"].items()}, site_shares={},
        default_region="CN", instruments=instruments, market_method_version=version,
    )  # fmt: skip


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
    v1, v2 = _inputs(tmp_path, 1), replace(_inputs(tmp_path, 1), market_method_version=2)
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
