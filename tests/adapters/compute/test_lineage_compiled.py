"""Lineage recomputes on the engine's compiled stages (decision 0060): the same emission rows as
the plain Ibis per-row path, every figure still recomputed (a changed frozen factor shows as a
mismatch), the frozen factors' tables kept in the on-disk cache by content."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from numpy.testing import assert_allclose

from demokit import BuiltDemo
from lineagekit import TOTAL_T, build_lineage_workspace
from lingtan.adapters.compute import lineage
from lingtan.adapters.compute.engine import EMISSION_COLUMNS, calculate
from lingtan.adapters.compute.lineage import Selection, explain, find_snapshot, snapshot_inputs
from lingtan.adapters.store.snapshots import SNAPSHOT_FACTORS
from lingtan.adapters.store.workspace import Workspace, open_workspace

KEYS = ["row_id", "stream", "gas", "factor_id"]


@pytest.fixture(scope="module")
def synthetic(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> Workspace:
    """The synthetic workspace of ``lingtan demo`` (shared, read-only: tests/conftest.py)."""
    return open_workspace(built_demo(workspace_store).folder / "synthetic")


def _sorted(t: pa.Table) -> pa.Table:
    return t.select(list(EMISSION_COLUMNS)).sort_by([(k, "ascending") for k in KEYS])


def test_compiled_rows_equal_the_direct_rows(synthetic: Workspace) -> None:
    """Every emission row of the demo's synthetic year (fuels, grid electricity with
    instruments, money-based Scope 3, several sites and shares), column by column."""
    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    inputs = snapshot_inputs(synthetic, snap)
    direct = calculate(inputs, ibis.duckdb.connect())
    compiled = calculate(inputs, ibis.duckdb.connect(), compiled=True)
    assert compiled.stages.compiled
    assert not direct.stages.compiled
    a = _sorted(direct.emissions.to_pyarrow())
    b = _sorted(compiled.emission_rows())
    assert a.num_rows == b.num_rows > 1000
    for col in EMISSION_COLUMNS:
        x, y = a.column(col), b.column(col)
        if pa.types.is_floating(x.type):
            assert_allclose(
                pc.fill_null(x, -1.0).to_numpy(), pc.fill_null(y, -1.0).to_numpy(),
                rtol=1e-12, err_msg=col,
            )  # fmt: skip
        else:
            assert x.to_pylist() == y.to_pylist(), col
    assert direct.unresolved.equals(compiled.unresolved)
    assert direct.not_estimated.equals(compiled.not_estimated)
    assert direct.market == compiled.market


def test_direct_result_fetches_its_rows_too(synthetic: Workspace) -> None:
    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    res = calculate(snapshot_inputs(synthetic, snap), ibis.duckdb.connect())
    assert _sorted(res.emission_rows()).equals(_sorted(res.emissions.to_pyarrow()))


def test_lineage_still_recomputes_a_changed_factor_shows(
    tmp_path: Path, workspace_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ✓ is a recomputation: with the snapshot's frozen CO2 factor of the fuel changed from
    2.0 to 3.0 kg/L, the recomputed Scope 1 is 350 L × 1.0 kg more (0.719075 + 0.35 t) and no
    longer matches the stored 0.719075 t — the cache of factor tables is keyed by the file's
    bytes, so the changed file is read anew."""
    monkeypatch.setenv("LINGTAN_CACHE_DIR", str(tmp_path / "cache"))
    ws = open_workspace(build_lineage_workspace(tmp_path / "ws"))
    snap = find_snapshot(ws, snapshot=None, fiscal_year="FY2023/24")
    lineage._recomputed_cache.clear()
    ok = explain(ws, snap, Selection(scope=1))
    assert ok.matches
    assert ok.recomputed_t == pytest.approx(TOTAL_T, rel=1e-12)
    assert (tmp_path / "cache" / "lineage-factor-tables").is_dir()

    path = ws.snapshots_dir / snap.id / SNAPSHOT_FACTORS
    shutil.copy(path, tmp_path / "factors.bak")
    t = pq.read_table(path)
    co2 = pc.equal(t.column("factor_id"), "xo/fuel-co2")
    value = pc.if_else(co2, 3.0, t.column("value"))
    pq.write_table(t.set_column(t.schema.get_field_index("value"), "value", value), path)
    lineage._recomputed_cache.clear()
    bad = explain(ws, snap, Selection(scope=1))
    assert not bad.matches
    assert bad.reported_t == pytest.approx(TOTAL_T, rel=1e-12)
    assert bad.recomputed_t == pytest.approx(TOTAL_T + 0.35, rel=1e-12)

    shutil.copy(tmp_path / "factors.bak", path)  # the original bytes: the cached tables again
    lineage._recomputed_cache.clear()
    assert explain(ws, snap, Selection(scope=1)).matches
    lineage._recomputed_cache.clear()
    ws.engine.dispose()
