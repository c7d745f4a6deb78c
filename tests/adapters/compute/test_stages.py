"""Stages: SQL compiled once per shape on DuckDB, same rows as the plain Ibis expression."""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from lingtan.adapters.compute import stages
from lingtan.adapters.compute.stages import Stages, numbered, stage_key

BUILDS: list[float] = []


def _scaled(t: ir.Table, *, factor: float) -> ir.Table:
    """A stage: Σ value × factor per key."""
    BUILDS.append(factor)
    return t.group_by("key").aggregate(total=(t.value * factor).sum()).order_by("key")


DATA = pa.table({"key": ["a", "b", "a", None], "value": [1.0, 2.0, 3.0, 4.0]})


@pytest.fixture(autouse=True)
def _fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(stages, "_SQL", {})
    BUILDS.clear()


def test_compiled_stage_equals_direct_and_builds_once() -> None:
    compiled = Stages(ibis.duckdb.connect(), compiled=True)
    direct = Stages(ibis.duckdb.connect(), compiled=False)
    assert compiled.compiled
    assert not direct.compiled
    want = direct.fetch(_scaled, direct.table("lt_data", DATA), factor=2.0)
    # key a: (1 + 3) × 2 = 8; b: 2 × 2 = 4; the null key: 4 × 2 = 8
    assert want.to_pylist() == [
        {"key": "a", "total": 8.0},
        {"key": "b", "total": 4.0},
        {"key": None, "total": 8.0},
    ]
    t = compiled.table("lt_data", DATA)
    assert compiled.fetch(_scaled, t, factor=2.0).equals(want)
    assert compiled.fetch(_scaled, t, factor=2.0).equals(want)
    assert BUILDS == [2.0, 2.0]  # direct once, compiled once: the second run reused the SQL
    # a new process: the SQL comes from the on-disk cache, nothing is built
    stages._SQL.clear()
    again = Stages(ibis.duckdb.connect(), compiled=True)
    assert again.fetch(_scaled, again.table("lt_data", DATA), factor=2.0).equals(want)
    assert BUILDS == [2.0, 2.0]


def test_stage_key_names_every_input() -> None:
    t = ibis.table({"key": "string", "value": "float64"}, name="lt_data")
    u = ibis.table({"key": "string", "value": "float32"}, name="lt_data")
    base = stage_key(_scaled, (t,), {"factor": 2.0})
    assert base == stage_key(_scaled, (t,), {"factor": 2.0})
    assert base != stage_key(_scaled, (t,), {"factor": 3.0})  # a parameter
    assert base != stage_key(_scaled, (u,), {"factor": 2.0})  # a column type
    v = ibis.table({"key": "string", "value": "float64"}, name="lt_other")
    assert base != stage_key(_scaled, (v,), {"factor": 2.0})  # another table name


def test_compiled_stage_refuses_an_expression_input() -> None:
    s = Stages(ibis.duckdb.connect(), compiled=True)
    t = s.table("lt_data", DATA)
    with pytest.raises(TypeError, match="inputs must be"):
        s.fetch(_scaled, t.filter(t.value > 1), factor=1.0)  # its SQL would not be in the key


def test_numbered_keys_are_dense_and_null_safe() -> None:
    t = ibis.memtable(pa.table({"k": ["x", None, "x", "y"], "v": [1, 2, 3, 4]}))
    rows, ids = numbered(t, ["k"], "k_id")
    out = rows.join(ids, "k_id").group_by("k").aggregate(v=rows.v.sum()).order_by("k")
    # x: 1 + 3 = 4, y: 4, null: 2 — the null key is numbered and joined back like the others
    assert out.to_pyarrow().to_pylist() == [
        {"k": "x", "v": 4},
        {"k": "y", "v": 4},
        {"k": None, "v": 2},
    ]
    assert sorted(ids.to_pyarrow().column("k_id").to_pylist()) == [0, 1, 2]
