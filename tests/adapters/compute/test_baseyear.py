"""Base-year recalculation on a workspace: triggered above the threshold, computed, and kept
beside the original (issue 3, GHG Protocol Corporate Standard ch. 5)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.compute.baseyear import record_change, versions
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services.calculation import review_base_year
from lingtan.adapters.store.workspace import Workspace, init_workspace, open_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = init_workspace(tmp_path / "ws", organisation="Test Co")
    cfg = w.path / "lingtan.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("base_year: null",
                                                           "base_year: FY2022/23"),
                   encoding="utf-8")  # fmt: skip
    w = open_workspace(w.path)
    p = w.path / "electricity.csv"
    p.write_text("site,date,quantity,unit\nHQ,2022-05-01,1000,MWh\n", encoding="utf-8")
    import_file(w, p)
    return w


def test_first_review_adopts_version_1(ws: Workspace) -> None:
    r = review_base_year(ws)
    assert r.assessment is None
    (v,) = versions(ws)
    # market basis, no instruments: 1000 MWh × 0.5856 t/MWh (CN 2022 residual-mix proxy: MEE/NBS
    # national factor excluding market-traded non-fossil electricity) = 585.6 t
    assert v.total_t == pytest.approx(585.6)


def test_acquisition_above_threshold_recalculates_and_keeps_both(ws: Workspace) -> None:
    review_base_year(ws)
    record_change(ws, "acquisition", "acquired plant X (no FY2022/23 data)",
                  date(2024, 1, 1), 58.56)  # fmt: skip
    r = review_base_year(ws)
    assert r.assessment is not None
    assert r.assessment.change_pct == pytest.approx(10.0)  # 58.56 / 585.6
    assert r.adopted is not None
    v1, v2 = versions(ws)
    assert v1.total_t == pytest.approx(585.6)  # the original is kept
    assert v2.total_t == pytest.approx(644.16)  # 585.6 + 58.56
    assert v2.version == 2
    assert "acquisition" in v2.reason
    # the change is applied once: the next review finds nothing new
    again = review_base_year(ws)
    assert again.assessment is not None
    assert again.assessment.change_pct == pytest.approx(0.0)
    assert again.adopted is None


def test_error_correction_below_and_above_threshold(ws: Workspace) -> None:
    review_base_year(ws)
    first = ws.batches()[0].id
    fix = ws.path / "electricity_fixed.csv"
    fix.write_text("site,date,quantity,unit\nHQ,2022-05-01,1030,MWh\n", encoding="utf-8")
    import_file(ws, fix, supersedes=first)
    r = review_base_year(open_workspace(ws.path))
    assert r.assessment is not None
    assert r.assessment.change_pct == pytest.approx(3.0)
    assert r.assessment.causes_t["data"] == pytest.approx(30 * 0.5856)
    assert not r.assessment.significant
    assert len(versions(ws)) == 1
    fix2 = ws.path / "electricity_fixed2.csv"
    fix2.write_text("site,date,quantity,unit\nHQ,2022-05-01,1100,MWh\n", encoding="utf-8")
    ws2 = open_workspace(ws.path)
    import_file(ws2, fix2, supersedes=ws2.batches()[0].id)
    code = CliRunner().invoke(app, ["baseyear", "-w", str(ws.path)])
    assert code.exit_code == 0, code.output
    assert "significant: recalculated" in code.output
    assert [v.version for v in versions(ws)] == [1, 2]
