"""`lingtan demo` reproduces the source report's disclosed inventory: totals to the tonne, shares
computed by lingtan (SYSTEM.md §1; report appendix "盘查结果")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demokit import BuiltDemo
from lingtan.adapters.cli.main import app

# The report's appendix lines (t CO2e), as disclosed; sums and shares are computed below.
LINES = {
    "FY2022/23": {"s1": 6_303, "s2": 19_540, 1: 8_662_378, 2: 833_800, 3: 12_924, 4: 538_156,
                  5: 1_808, 6: 38_846, 7: 45_568, 11: 8_451_000, 12: 157_000},
    "FY2023/24": {"s1": 4_969, "s2": 17_997, 1: 6_507_693, 2: 863_700, 3: 12_700, 4: 360_152,
                  5: 2_135, 6: 41_630, 7: 56_585, 11: 7_131_203, 12: 124_265},
}  # fmt: skip
PRINTED_TOTAL = {"FY2022/23": 18_767_323, "FY2023/24": 15_123_029}


OUTPUT: dict[str, str] = {}


@pytest.fixture(scope="module")
def demo_dir(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> Path:
    """``lingtan demo`` run through the CLI (exit code 0), shared read-only with the other
    modules of the session (tests/conftest.py)."""
    demo = built_demo(workspace_store)
    OUTPUT["demo"] = demo.output
    return demo.folder


@pytest.mark.parametrize("year", ["FY2022/23", "FY2023/24"])
def test_totals_to_the_tonne_and_computed_shares(demo_dir: Path, year: str) -> None:
    res = CliRunner().invoke(app, ["inventory", "-w", str(demo_dir / "disclosed"), "-y", year,
                                   "-f", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    lines = LINES[year]
    s3 = sum(v for k, v in lines.items() if isinstance(k, int))
    total = lines["s1"] + lines["s2"] + s3
    assert total == PRINTED_TOTAL[year]  # the report's lines add up to its printed total
    t = doc["totals_tco2e"]
    assert round(t["scope1"]) == lines["s1"]
    assert round(t["scope2_market"]) == lines["s2"]
    assert round(t["scope3"]) == s3
    assert round(t["total_market"]) == total
    assert t["scope2_location"] is None  # not disclosed: not available, not zero
    for cat in range(1, 16):
        assert round(doc["scope3_by_category_tco2e"][str(cat)]) == lines.get(cat, 0)
        assert doc["shares_pct"]["scope3_category"][str(cat)] == pytest.approx(
            100 * lines.get(cat, 0) / total, abs=1e-4)  # fmt: skip
    assert doc["shares_pct"]["scope1"] == pytest.approx(100 * lines["s1"] / total, abs=1e-4)


def test_fy2023_24_category_1_share_is_computed_not_copied(demo_dir: Path) -> None:
    res = CliRunner().invoke(app, ["inventory", "-w", str(demo_dir / "disclosed"),
                                   "-y", "FY2023/24", "-f", "json"])  # fmt: skip
    share = json.loads(res.output)["shares_pct"]["scope3_category"]["1"]
    assert round(share, 2) == 43.03  # the report prints 46.16 (copied from FY2022/23)


def test_synthetic_workspace_calculates_every_scope(demo_dir: Path) -> None:
    res = CliRunner().invoke(app, ["inventory", "-w", str(demo_dir / "synthetic"),
                                   "-y", "FY2023/24", "-f", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    t = doc["totals_tco2e"]
    assert t["scope1"] > 0
    assert t["scope2_location"] > t["scope2_market"] > 0  # certificates and PPA lower market
    for cat in ("1", "2", "3", "4", "5", "6", "7", "11", "12"):
        assert doc["scope3_by_category_tco2e"][cat] > 0, cat
    assert doc["completeness"]["unresolved"] == []


def test_demo_prints_the_reconciliation_of_the_report(demo_dir: Path) -> None:
    """The report's errata are found by ``lingtan reconcile`` from the published figures
    (``published/figures.csv``), not written in demo code (issue 10 item 11)."""
    out = OUTPUT["demo"]
    assert "The report's published figures, reconciled" in out
    assert "APP23-SH-C1 (FY2023/24)" in out
    assert "published 46.16 %, lingtan 43.03 % → copied" in out  # 6,507,693 / 15,123,029
    assert "published 2,046.46 1e4 t, lingtan 2,046.45 1e4 t → rounding" in out
    assert "published 1,512.30 1e4 t, lingtan 1,512.30 1e4 t → rounding" in out  # parts 1,512.31
    assert "implies 0.6436 kg CO2e/kWh" in out  # 2,510 t / 3.9 GWh
    assert "implies 0.9851 kg CO2e/kWh" in out  # 660 kt / 670 GWh
    assert "known erratum" not in out
    assert (demo_dir / "disclosed" / "published" / "figures.csv").exists()
