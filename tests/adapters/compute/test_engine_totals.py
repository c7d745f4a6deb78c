"""The summed calculation (``calculate_totals``, used by ``calculate_year``) agrees with the
per-row emission expression (``calculate``, used by lineage) on the demo workspace, and the
compact sums (gases joined last) agree with sums over the per-gas emission rows."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from numpy.testing import assert_allclose
from test_accounting_cases import check_case, run_case

from demokit import BuiltDemo
from lingtan.adapters.compute.aggregate import aggregate, aggregate_result
from lingtan.adapters.compute.engine import (
    CalcInputs,
    _bucket_date,
    _month_bucket,
    _split_months,
    calculate,
    calculate_totals,
)
from lingtan.adapters.compute.quality import (
    QUALITY_KEYS,
    UNCERTAINTY_KEYS,
    quality_inputs,
    quality_table,
    uncertainty_inputs,
    uncertainty_table,
)
from lingtan.adapters.services.calculation import workspace_inputs
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.activities import keys_path, month_sums_path


@pytest.fixture(scope="module")
def synthetic(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> Workspace:
    """The synthetic workspace of ``lingtan demo`` (shared, read-only: tests/conftest.py)."""
    return open_workspace(built_demo(workspace_store).folder / "synthetic")


def _inputs(ws: Workspace, fiscal_year: str) -> CalcInputs:
    return workspace_inputs(ws, fiscal_year, ws.config.gwp_set)


@pytest.mark.parametrize("year", ["FY2022/23", "FY2023/24"])
def test_summed_path_equals_row_path(synthetic: Workspace, year: str) -> None:
    inputs = _inputs(synthetic, year)
    rows = calculate(inputs, ibis.duckdb.connect())
    summed = calculate_totals(inputs, ibis.duckdb.connect())

    def by_key(emissions: ibis.Table) -> dict[tuple[object, ...], tuple[int, float]]:
        return {
            (r.scope, r.category, r.gas, r.site, r.month, r.basis, r.method, r.tier): (
                r.rows,
                r.co2e_kg,
            )
            for r in aggregate(emissions)
        }

    a, b = by_key(rows.emissions), by_key(summed.emissions)
    assert sorted(a) == sorted(b)
    assert [a[k][0] for k in sorted(a)] == [b[k][0] for k in sorted(a)]
    assert_allclose([a[k][1] for k in sorted(a)], [b[k][1] for k in sorted(a)], rtol=1e-12)
    assert rows.unresolved.sort_by("lookup").equals(summed.unresolved.sort_by("lookup"))
    assert rows.market == summed.market
    ua = uncertainty_inputs(rows.emissions).sort_by([("factor_id", "ascending")]).to_pylist()
    ub = uncertainty_inputs(summed.emissions).sort_by([("factor_id", "ascending")]).to_pylist()
    key = ("factor_id", "tier", "scope", "category", "basis")
    ua.sort(key=lambda d: tuple(str(d[k]) for k in key))
    ub.sort(key=lambda d: tuple(str(d[k]) for k in key))
    assert [d["rows"] for d in ua] == [d["rows"] for d in ub]
    assert_allclose([d["co2e_sq"] for d in ua], [d["co2e_sq"] for d in ub], rtol=1e-9)


def _sorted_rows(table: pa.Table, keys: tuple[str, ...]) -> list[dict[str, object]]:
    rows = table.to_pylist()
    return sorted(rows, key=lambda d: tuple(str(d[k]) for k in keys))


@pytest.mark.parametrize("engine", [calculate, calculate_totals], ids=["rows", "totals"])
def test_compact_sums_equal_per_gas_sums(synthetic: Workspace, engine: Any) -> None:
    """aggregate / data quality / uncertainty summed on the compact rows (gases joined to the
    sums) equal the same sums over the per-gas emission rows (the definition)."""
    result = engine(_inputs(synthetic, "FY2023/24"), ibis.duckdb.connect())
    a = {
        tuple(r.__dict__[k] for k in _AGG): (r.rows, r.co2e_kg) for r in aggregate(result.emissions)
    }
    b = {tuple(r.__dict__[k] for k in _AGG): (r.rows, r.co2e_kg) for r in aggregate_result(result)}
    assert a
    assert sorted(a) == sorted(b)
    assert [a[k][0] for k in sorted(a)] == [b[k][0] for k in sorted(a)]
    assert_allclose([b[k][1] for k in sorted(a)], [a[k][1] for k in sorted(a)], rtol=1e-12)

    qkeys = (*QUALITY_KEYS[:4], *QUALITY_KEYS[6:], "factor_key", "activity_year", "factor_year")
    qa = _sorted_rows(quality_inputs(result.emissions), qkeys)
    qb = _sorted_rows(quality_table(result), qkeys)
    assert len(qa) > 10
    assert len(qa) == len(qb)
    assert [[d[k] for k in qkeys] for d in qa] == [[d[k] for k in qkeys] for d in qb]
    for col in ("co2e_kg", "gross_kg"):
        assert_allclose([d[col] for d in qb], [d[col] for d in qa], rtol=1e-12, atol=1e-9)

    ua = _sorted_rows(uncertainty_inputs(result.emissions), UNCERTAINTY_KEYS)
    ub = _sorted_rows(uncertainty_table(result), UNCERTAINTY_KEYS)
    assert [[d[k] for k in UNCERTAINTY_KEYS] for d in ua] == [
        [d[k] for k in UNCERTAINTY_KEYS] for d in ub
    ]
    assert [d["rows"] for d in ua] == [d["rows"] for d in ub]
    for col in ("co2e_kg", "co2e_sq"):
        assert_allclose([d[col] for d in ub], [d[col] for d in ua], rtol=1e-9, atol=1e-9)


_AGG = ("scope", "category", "iso_category", "basis", "gas", "site", "month", "method", "tier")

#: A factor whose validity ends mid-month (2023-06-15): June is summed per day, other months
#: per month (``_split_months``), so the rows of 10 and 14 June use the old factor and those of
#: 15 and 20 June the new one — GHG Protocol Corporate Standard ch. 6 (factors current for the
#: activity date; docs/methods.md §Factor resolution).
MID_MONTH_CASE: dict[str, Any] = {
    "period": "FY2023/24",
    "gwp": {"set": "AR5", "values": {"CH4": 28, "N2O": 265}},
    "factors": [
        {"factor_id": "old", "activity_type": "fuel.diesel", "region": "GLO", "unit": "L",
         "gas": "CO2", "value": 2.0, "valid_from": "2020-01-01", "valid_to": "2023-06-15"},
        {"factor_id": "new", "activity_type": "fuel.diesel", "region": "GLO", "unit": "L",
         "gas": "CO2", "value": 3.0, "valid_from": "2023-06-15"},
    ],
    "activities": [
        {"date": d, "scope": 1, "category": 1, "activity_type": "fuel.diesel", "quantity": q,
         "unit": "L"}
        for d, q in (("2023-05-31", 1), ("2023-06-10", 10), ("2023-06-14", 100),
                     ("2023-06-15", 1000), ("2023-06-20", 10000), ("2023-07-01", 100000))
    ],
    # 1 × 2 + (10 + 100) × 2 + (1000 + 10000) × 3 + 100000 × 3 = 2 + 220 + 33000 + 300000
    # = 333222 kg CO2 = 333.222 t
    "expected": {"totals_tco2e": {"scope1": 333.222}},
}  # fmt: skip


@pytest.mark.parametrize("totals", [False, True], ids=["rows", "totals"])
def test_factor_boundary_inside_a_month(totals: bool, tmp_path: Path) -> None:
    check_case(MID_MONTH_CASE, run_case(MID_MONTH_CASE, tmp_path, totals=totals))


@pytest.mark.parametrize(
    "end", [date(2024, 3, 31), date(2025, 3, 31)], ids=["one-year", "two-years"]
)
def test_month_bucket_round_trip(end: date) -> None:
    """The integer bucket of a date and back: the month's first day, not before the period
    start; the day itself in split months. A period within a year numbers months 1–12, a longer
    one counts months from year 0 (April 2023 and April 2024 must not share a bucket)."""
    days = [date(2023, 4, 9), date(2023, 6, 14), date(2023, 6, 15), date(2023, 12, 31),
            date(2024, 1, 1), date(2024, 3, 31)]  # fmt: skip
    if end.year == 2025:
        days += [date(2024, 4, 30), date(2024, 6, 20)]
    t = ibis.memtable(pa.table({"date": pa.array(days, pa.date32())}))
    start = date(2023, 4, 5)  # a period starting mid-month clamps April's bucket
    b = _month_bucket(t, start, end, (date(2023, 6, 1),))
    got = t.mutate(d=_bucket_date(b, start, end)).to_pyarrow().column("d").to_pylist()
    want = [start, date(2023, 6, 14), date(2023, 6, 15), date(2023, 12, 1), date(2024, 1, 1),
            date(2024, 3, 1)]  # fmt: skip
    if end.year == 2025:  # June 2024 is not a split month: only June 2023 is
        want += [date(2024, 4, 1), date(2024, 6, 1)]
    assert got == want


def test_month_sums_from_intake_give_the_same_totals(synthetic: Workspace, tmp_path: Path) -> None:
    """Intake writes each batch's month sums (kept by the orphan sweep); the summed calculation
    reads them for a fiscal year (whole months, no factor boundary inside a month) and gets the
    totals it gets by scanning the batch rows (the same batches copied without month sums)."""
    ws = open_workspace(synthetic.path)  # reopening sweeps orphans: the sidecars must survive
    files = ws.activity_files()
    assert files
    for f in files:
        rows = pq.read_table(f, columns=["quantity"])
        sums = pq.read_table(month_sums_path(f))
        assert sum(sums.column("rows").to_pylist()) == rows.num_rows
        assert sum(sums.column("quantity").to_pylist()) == pytest.approx(
            sum(rows.column("quantity").to_pylist()), rel=1e-12
        )
    inputs = _inputs(ws, "FY2023/24")
    assert inputs.tables is not None
    assert _split_months(inputs.period, inputs.tables) == []  # so the month sums are used
    copies = []
    for f in files:
        for src in (f, keys_path(f)):
            shutil.copyfile(src, tmp_path / src.name)
        copies.append(tmp_path / f.name)
    assert not any(month_sums_path(c).exists() for c in copies)
    a = aggregate_result(calculate_totals(inputs, ibis.duckdb.connect()))
    b = aggregate_result(
        calculate_totals(replace(inputs, activity_files=copies), ibis.duckdb.connect())
    )
    assert [(r.scope, r.category, r.gas, r.site, r.month, r.rows) for r in a] == [
        (r.scope, r.category, r.gas, r.site, r.month, r.rows) for r in b
    ]
    assert_allclose([r.co2e_kg for r in a], [r.co2e_kg for r in b], rtol=1e-12)
