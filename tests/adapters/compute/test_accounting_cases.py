"""YAML accounting cases: inputs → expected t CO2e, through the real engine on DuckDB and on
Spark.

Each file in tests/cases/ states the standard it follows and its hand calculation in comments.
Every case runs per activity row (``calculate``, what lineage recomputes) and summed per key and
month (``calculate_totals`` with compact aggregation, what ``calculate_year`` runs: on DuckDB, SQL
compiled once per stage shape), on the Ibis backends of the ``backend`` fixture
(tests/adapters/compute/conftest.py; decision 0047): the same expected figures on DuckDB and on
PySpark (:data:`PATHS`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from numpy.testing import assert_allclose

from lingtan.adapters.compute.aggregate import aggregate, aggregate_result
from lingtan.adapters.compute.engine import CalcInputs, calculate, calculate_totals
from lingtan.adapters.compute.tables import MoneyTables, with_reference_defaults
from lingtan.core.activities import ACTIVITY_SCHEMA
from lingtan.core.factors import make_factor
from lingtan.core.gwp import build_gwp_set
from lingtan.core.inventory import build_inventory
from lingtan.core.methods.scope2_market import Instrument
from lingtan.core.periods import FiscalCalendar

CASES = sorted((Path(__file__).parents[2] / "cases").glob("*.yaml"))

pytestmark = [
    # PySpark 4.0's Arrow → pandas conversion passes copy= to pandas 3 (deprecated, harmless)
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    # Py4J drops pooled gateway sockets to the JVM without closing them
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]


def _activities(rows: list[dict[str, Any]]) -> pa.Table:
    out = []
    for i, r in enumerate(rows, start=1):
        out.append(
            {
                "row_id": i,
                "batch_id": "case",
                "source_row": i + 1,
                "template": "case",
                "site": r.get("site", "*"),
                "region": r.get("region"),
                "date": date.fromisoformat(str(r["date"])),
                "scope": r["scope"],
                "category": r["category"],
                "activity_type": r["activity_type"],
                "quantity": float(r["quantity"]),
                "unit": r["unit"],
                "price_year": r.get("price_year"),
                "method": r.get("method", "case"),
                "basis": r.get("basis", "both"),
                "tier": r.get("tier", "activity"),
                "description": None,
                "supplier": r.get("supplier"),
            }
        )
    return pa.Table.from_pylist(out, schema=ACTIVITY_SCHEMA)


def _supplier_factors(items: list[dict[str, Any]], cal: FiscalCalendar) -> list[Any]:
    """A case's supplier-specific factors (issue 15 item 5, decision 0066): each derived from
    its accepted allocation [t CO2e] and the spend or quantity the case states (the service
    sums them from the supplier's rows), as the factors the engine resolves."""
    from datetime import timedelta

    from lingtan.modules.suppliers.specific_factors import emission_factors, supplier_factor

    out = []
    for s in items:
        p = cal.parse(str(s["fiscal_year"]))
        out.append(
            supplier_factor(
                supplier=str(s["supplier"]),
                fiscal_year=p.label,
                valid_from=p.start,
                valid_to=p.end + timedelta(days=1),
                allocated_t=float(s["allocated_t"]),
                denominator=float(s["denominator"]),
                unit=str(s["unit"]),
                basis=str(s.get("basis", "spend")),
                allocation_method=str(s.get("method", "revenue_share")),
                response_id=int(s.get("response_id", 1)),
            )
        )
    return emission_factors(out)


def run_case(
    case: dict[str, Any],
    tmp: Path,
    con: ibis.BaseBackend | None = None,
    *,
    totals: bool = False,
    compiled: bool = False,
) -> dict[str, Any]:
    """Run one case (on DuckDB unless ``con`` is given) and return the inventory document;
    with ``totals`` through :func:`calculate_totals` and :func:`aggregate_result`; with
    ``compiled`` per row on the compiled stages, the rows lineage recomputes (decision 0060)."""
    cal = FiscalCalendar(int(case.get("fiscal_start_month", 4)))
    period = cal.parse(case["period"])
    path = tmp / "activities.parquet"
    pq.write_table(_activities(case["activities"]), path)
    factors = [
        make_factor(
            "case",
            {
                "publisher": "case",
                "dataset": "case",
                "edition": "1",
                **{k: str(v) for k, v in f.items()},
            },
        )
        for f in case.get("factors", [])
    ] + _supplier_factors(case.get("supplier_factors", []), cal)
    g = case["gwp"]
    gwp = build_gwp_set(g["set"], g.get("values", {}), "case", g.get("blends"))
    sites = case.get("sites", {})
    instruments = [
        Instrument(
            i["id"],
            i.get("type", "gec"),
            float(i["kwh"]),
            float(i.get("rate", 0.0)),
            i.get("region", "CN"),
            i.get("site"),
            date.fromisoformat(str(i["start"])),
            date.fromisoformat(str(i["end"])),
        )
        for i in case.get("instruments", [])
    ]
    money = (with_reference_defaults if case.get("reference_defaults") else MoneyTables)(
        {(int(y), c): float(v) for y, m in case.get("fx", {}).items() for c, v in m.items()},
        {
            (int(y), c): float(v)
            for c, m in case.get("price_index", {}).items()
            for y, v in m.items()
        },
    )  # reference_defaults: the case's rows over the series bundled with lingtan
    inputs = CalcInputs(
        activity_files=[path],
        factors=factors,
        gwp=gwp,
        period=period,
        calendar=cal,
        site_regions={s: v["region"] for s, v in sites.items()},
        site_shares={s: float(v.get("share", 1.0)) for s, v in sites.items()},
        default_region=case.get("default_region", "GLO"),
        instruments=instruments,
        money=money,
    )
    con = con or ibis.duckdb.connect()
    if totals:
        res = calculate_totals(inputs, con)
        rows = aggregate_result(res)
    elif compiled:
        res = calculate(inputs, con, compiled=True)
        rows = aggregate(ibis.memtable(res.emission_rows()))
    else:
        res = calculate(inputs, con)
        rows = aggregate(res.emissions)
    inv = build_inventory(
        rows,
        organisation="case",
        fiscal_year=period.label,
        period_start=str(period.start),
        period_end=str(period.end),
        gwp_set=gwp.name,
        consolidation="case",
        unresolved=tuple(res.unresolved.to_pylist()),
        not_estimated=tuple(res.not_estimated.to_pylist()),
    )
    return inv.to_dict(digits=9)


#: The engine paths each backend runs every case through: both, on both backends (the per-row
#: path on PySpark is the slow one — every action is planned anew — but the per-row rows are what
#: lineage recomputes, so its figures are checked against the hand calculations too), plus on
#: DuckDB the per-row path on compiled stages, the one lineage runs (decision 0060).
PATHS = {"duckdb": ("rows", "compiled", "totals"), "pyspark": ("rows", "totals")}


def _runs() -> list[Any]:
    """(case file, path, backend) for every case, backend and path of :data:`PATHS`."""
    return [
        pytest.param(path, kind, backend, id=f"{backend}-{path.stem}-{kind}")
        for backend, kinds in PATHS.items()
        for path in CASES
        for kind in kinds
    ]


@pytest.mark.parametrize(("path", "kind", "backend"), _runs(), indirect=["backend"])
def test_case(path: Path, kind: str, backend: ibis.BaseBackend, tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    run = run_case(case, tmp_path, backend, totals=kind == "totals", compiled=kind == "compiled")
    check_case(case, run)


def check_case(case: dict[str, Any], doc: dict[str, Any]) -> None:
    """Assert the inventory document ``doc`` matches the case's expected figures."""
    exp = case["expected"]
    rtol = float(case.get("rtol", 1e-9))
    for key, value in exp.get("totals_tco2e", {}).items():
        assert_allclose(doc["totals_tco2e"][key], value, rtol=rtol, err_msg=key)
    for cat, value in exp.get("scope3_by_category_tco2e", {}).items():
        assert_allclose(doc["scope3_by_category_tco2e"][str(cat)], value, rtol=rtol)
    for gas, value in exp.get("by_gas_tco2e", {}).items():
        assert_allclose(doc["by_gas_tco2e"][gas], value, rtol=rtol, err_msg=gas)
    for section in ("by_tier_tco2e", "by_supplier_tco2e", "scope3_category1_by_supplier_tco2e"):
        for key, value in exp.get(section, {}).items():
            assert_allclose(doc[section][str(key)], value, rtol=rtol, err_msg=f"{section} {key}")
    if "scope3_category1_primary_share_pct" in exp:
        got = doc["scope3_category1_primary_share_pct"]
        assert_allclose(got, exp["scope3_category1_primary_share_pct"], rtol=1e-6)
    if "unresolved_rows" in exp:
        assert sum(u["rows"] for u in doc["completeness"]["unresolved"]) == exp["unresolved_rows"]
    if "not_estimated" in exp:
        got = sorted({u["lookup"] for u in doc["completeness"]["not_estimated"]})
        assert got == sorted(exp["not_estimated"])


def test_cases_exist() -> None:
    assert len(CASES) >= 5
