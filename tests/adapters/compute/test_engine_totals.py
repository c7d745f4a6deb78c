"""The summed calculation (``calculate_totals``, used by ``calculate_year``) agrees with the
per-row emission expression (``calculate``, used by lineage) on the demo workspace."""

from __future__ import annotations

import ibis
import pytest
from numpy.testing import assert_allclose

from lingtan.adapters.compute.engine import CalcInputs, calculate, calculate_totals
from lingtan.adapters.compute.quality import uncertainty_inputs
from lingtan.adapters.compute.runner import (
    aggregate,
    workspace_inputs,
)
from lingtan.adapters.store.workspace import Workspace, open_workspace


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from rich.console import Console

    from lingtan.adapters.cli.demo import run_demo

    d = tmp_path_factory.mktemp("totals") / "demo"
    assert run_demo(d, generate_rows=None, seed=2024, console=Console(quiet=True)) == 0
    return open_workspace(d / "synthetic")


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
