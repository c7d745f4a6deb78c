"""Scale-out parity: the same engine expression on DuckDB and on a local PySpark session.

Both demo workspaces are built, imported and calculated for FY2023/24 twice — on DuckDB (the
default) and on Spark through Ibis's PySpark backend — with :func:`engine.calculate` (and the
synthetic one with :func:`engine.calculate_totals`, the runner's path), and the aggregated
inventory rows must agree: same keys and row counts, CO2e within 1e-9 relative, same gaps, same
instrument allocation. The YAML accounting cases run on Spark too (``backend`` in
test_accounting_cases.py). See docs/scale-out.md.

Needs the ``spark`` extra (``pip install -e '.[dev,spark]'``) and Java 17. When ``CI`` is set a
missing piece is a failure; locally the module is skipped with the reason (the session is the
worker's ``spark`` fixture, tests/adapters/compute/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import pytest
import yaml
from test_accounting_cases import CASES, run_case

from lingtan.adapters.compute.aggregate import aggregate
from lingtan.adapters.compute.engine import CalcInputs, CalcResult, calculate, calculate_totals
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services.calculation import workspace_inputs
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.inventory import AggregateRow

pytestmark = [
    # the engines are compared on one workspace store (both stores: the workspace tests)
    pytest.mark.stores("sqlite", reason="compares engines, not stores"),
    # PySpark 4.0's Arrow → pandas conversion passes copy= to pandas 3 (deprecated, harmless)
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    # Py4J drops pooled gateway sockets to the JVM without closing them
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]


def _build(kind: str, root: Path) -> Workspace:
    from lingtan.adapters.demo.disclosed import write_disclosed_workspace
    from lingtan.adapters.demo.synthetic import write_synthetic_workspace

    path = root / kind
    files = (
        write_synthetic_workspace(path, seed=2024)
        if kind == "synthetic"
        else write_disclosed_workspace(path)
    )
    ws = open_workspace(path)
    skip = {path / "factors", path / "reference"}
    for f in sorted(f for f in files if f.suffix in (".csv", ".xlsx") and f.parent not in skip):
        import_file(ws, f)
    return ws


def _inputs(ws: Workspace, fiscal_year: str) -> CalcInputs:
    return workspace_inputs(ws, fiscal_year, ws.config.gwp_set)


def _keyed(rows: list[AggregateRow]) -> dict[tuple[Any, ...], tuple[float, int]]:
    out = {}
    for r in rows:
        key = (r.scope, r.category, r.iso_category, r.basis, r.gas, r.site, r.month, r.method)
        key = (*key, r.supplier, r.product)
        out[(*key, r.tier)] = (r.co2e_kg, r.rows)
    assert len(out) == len(rows), "aggregate keys are not unique"
    return out


def _gaps(result: CalcResult) -> list[tuple[Any, ...]]:
    cols = ("lookup", "fallback", "region_eff", "unit", "scope", "category", "rows", "no_factor")
    both = (result.unresolved, result.not_estimated)
    return [sorted(tuple(r[c] for c in cols) for r in t.to_pylist()) for t in both]


def _assert_same(duck: CalcResult, spark: CalcResult) -> None:
    d, s = _keyed(aggregate(duck.emissions)), _keyed(aggregate(spark.emissions))
    assert d, "DuckDB computed no emission rows"
    assert sorted(d) == sorted(s)
    for key, (co2e, rows) in d.items():
        assert s[key][1] == rows, key
        assert s[key][0] == pytest.approx(co2e, rel=1e-9, abs=1e-12), key
    assert _gaps(duck) == _gaps(spark)
    (d_ids, d_kwh), (s_ids, s_kwh) = _market(duck), _market(spark)
    assert d_ids == s_ids
    assert d_kwh == pytest.approx(s_kwh, rel=1e-9)


def _market(result: CalcResult) -> tuple[list[str], list[float]]:
    """Instrument allocation: its identifiers, and its quantities (kWh, kg CO2e/kWh)."""
    m = result.market
    ids: list[str] = []
    values: list[float] = []
    for c in m.coverage:
        ids += [c.site, c.fiscal_year]
        values += [c.consumption_kwh, c.covered_kwh, c.weighted_rate]
    for a in m.allocations:
        ids += [a.instrument_id, a.site, a.fiscal_year]
        values += [a.kwh, a.rate]
    for instrument, kwh, reason in m.unallocated:
        ids += [instrument, reason]
        values.append(kwh)
    return ids, values


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Workspace]:
    root = tmp_path_factory.mktemp("parity")
    return {kind: _build(kind, root) for kind in ("synthetic", "disclosed")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "engine"),
    [
        ("synthetic", calculate),  # every activity row, with lineage
        ("disclosed", calculate),
        ("synthetic", calculate_totals),  # summed per key and month: what calculate_year runs
    ],
    ids=["synthetic", "disclosed", "synthetic-totals"],
)
def test_demo_inventory_is_identical_on_spark_and_duckdb(
    spark: ibis.BaseBackend,
    workspaces: dict[str, Workspace],
    kind: str,
    engine: Callable[[CalcInputs, ibis.BaseBackend], CalcResult],
) -> None:
    inputs = _inputs(workspaces[kind], "FY2023/24")
    t0 = time.perf_counter()
    duck = engine(inputs, ibis.duckdb.connect())
    t1 = time.perf_counter()
    on_spark = engine(inputs, spark)
    t2 = time.perf_counter()
    print(f"{kind} {engine.__name__}: duckdb {t1 - t0:.1f}s, spark {t2 - t1:.1f}s")
    _assert_same(duck, on_spark)


def test_engine_refuses_a_session_without_arrow(spark: ibis.BaseBackend, tmp_path: Path) -> None:
    from lingtan.adapters.compute.spark import connect_spark
    from lingtan.core.errors import LingtanError

    session = spark._session
    session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "false")
    try:
        case = yaml.safe_load(CASES[0].read_text(encoding="utf-8"))
        with pytest.raises(LingtanError, match="arrow"):
            run_case(case, tmp_path, con=spark)
    finally:
        connect_spark(session)
