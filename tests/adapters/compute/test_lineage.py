"""Lineage: every reported figure traces to rows and factors, and the trace recomputes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from demokit import BuiltDemo
from lingtan.adapters.compute.lineage import (
    Selection,
    arithmetic,
    explain,
    explain_many,
    find_snapshot,
)
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.errors import WorkspaceError


@pytest.fixture(scope="module")
def synthetic(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> Workspace:
    """The synthetic workspace of ``lingtan demo`` (shared: tests/conftest.py; the one test
    that edits a factor file puts it back)."""
    return open_workspace(built_demo(workspace_store).folder / "synthetic")


def selections(ws: Workspace) -> list[Selection]:
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    inv = inventory_from_snapshot(find_snapshot(ws, snapshot=None, fiscal_year="FY2023/24"))
    out = [Selection(), Selection(basis="location")]
    out += [Selection(scope=s, basis=b) for s in (1, 2, 3) for b in ("market", "location")]
    out += [Selection(scope=3, category=c) for c in inv.by("category", scope=3)]
    out += [Selection(site=s) for s in inv.by("site")]
    out += [Selection(month=m) for m in list(inv.by("month"))[:3]]
    out += [Selection(scope=2, category=1, site="TJ-FACTORY", month="2023-05")]
    out += [Selection(scope=1, gas="CO2")]
    return out


def test_every_figure_recomputes(synthetic: Workspace) -> None:
    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    sels = selections(synthetic)
    for sel, ex in zip(sels, explain_many(synthetic, snap, sels), strict=True):
        assert ex.rows.num_rows > 0, sel
        assert ex.matches, (sel, ex.recomputed_t, ex.reported_t)
        # a site outside operational control is traced to rows with a zero share
        assert ex.reported_t > 0 or set(ex.rows.column("share").to_pylist()) == {0.0}


def test_trace_names_factors_and_recomputes_by_hand(synthetic: Workspace) -> None:
    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    ex = explain(synthetic, snap, Selection(scope=1, category=1))
    assert ex.factors
    assert all(f["source"] for f in ex.factors)
    for r in ex.rows.to_pylist():
        by_hand = (r["quantity"] * r["conversion"] * r["cover_multiplier"] * r["factor_value"]
                   * r["gwp"] * r["share"])  # fmt: skip
        assert by_hand == pytest.approx(r["co2e_kg"], rel=1e-12)
        assert arithmetic(r).endswith("kg CO2e")
        assert r["factor_id"]
        assert r["batch_id"]


def test_explain_uses_the_frozen_factors_not_the_current_ones(
    synthetic: Workspace, tmp_path: Path
) -> None:
    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    before = explain(synthetic, snap, Selection(scope=2, basis="location"))
    company = synthetic.factors_dir / "demo-company.csv"
    original = company.read_text(encoding="utf-8")
    try:
        company.write_text(original.replace(",0.61,", ",0.99,"), encoding="utf-8")
        after = explain(synthetic, snap, Selection(scope=2, basis="location"))
    finally:
        company.write_text(original, encoding="utf-8")
    assert after.recomputed_t == before.recomputed_t
    assert after.matches


def test_a_snapshot_explained_again_is_not_recomputed(
    synthetic: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second explanation of a snapshot in one process reuses its recomputed rows (a
    lineage page under load), and gives the same answer; another workspace's snapshot never
    comes from that cache."""
    from lingtan.adapters.compute import lineage

    snap = find_snapshot(synthetic, snapshot=None, fiscal_year="FY2023/24")
    first = explain(synthetic, snap, Selection(scope=1))

    def no_engine(*_a: object, **_k: object) -> None:
        raise AssertionError("recomputed although kept")

    monkeypatch.setattr(lineage, "calculate", no_engine)
    again = explain(synthetic, snap, Selection(scope=1))
    assert again.rows.equals(first.rows)
    assert again.recomputed_t == first.recomputed_t
    assert again.matches
    other = Workspace.__new__(Workspace)  # the same snapshot id under another folder
    object.__setattr__(other, "path", Path(str(synthetic.path) + "-elsewhere"))
    with pytest.raises(WorkspaceError, match="is missing"):  # read its own inputs: none there
        lineage._recomputed(other, snap)
