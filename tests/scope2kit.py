"""The Scope 2 hierarchy case (tests/cases/scope2_hierarchy_by_type.yaml) as engine inputs, shared
by the hierarchy and diff tests; the hand calculation is in the case file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from lingtan.adapters.compute.engine import CalcInputs
from lingtan.core.activities import ACTIVITY_SCHEMA
from lingtan.core.factors import make_factor
from lingtan.core.gwp import build_gwp_set
from lingtan.core.methods.scope2_market import Instrument
from lingtan.core.periods import FiscalCalendar

CASE = Path(__file__).parent / "cases" / "scope2_hierarchy_by_type.yaml"


def hierarchy_case_inputs(tmp: Path, version: int = 2) -> CalcInputs:
    """The case's activities (written as Parquet under ``tmp``), factors, instruments and sites,
    calculated with the Scope 2 market method ``version``."""
    case: dict[str, Any] = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    cal = FiscalCalendar(4)
    rows = [
        {"row_id": i, "batch_id": "case", "source_row": i + 1, "template": "case",
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
        activity_files=[tmp / "a.parquet"],
        factors=factors,
        gwp=build_gwp_set("AR5", {"CH4": 28, "N2O": 265}, "case"),
        period=cal.parse(case["period"]),
        calendar=cal,
        site_regions={s: v["region"] for s, v in case["sites"].items()},
        site_shares={},
        default_region="CN",
        instruments=instruments,
        market_method_version=version,
    )
