"""Biogenic CO2 from the bundled DESNZ factors, end to end through the CLI: a GB site burning
biodiesel and wood pellets in 2025 (GHG Protocol Corporate Standard ch. 9: biogenic CO2
"outside of scopes"; ISO 14064-1:2018 §9.3.1: reported separately from fossil emissions).

Values from ghg-conversion-factors-2025-flat-format.csv (DESNZ 2025, /work/shared/data), per
unit of fuel, in the same factor groups (fuel type, unit, region GLO, valid from 2025-01-01):

- Biodiesel ME, litres: Scope 1 ID 2_103_1032_8_1 0.16751 kg CO2e (AR5 total);
  Outside of scopes ID 99_103_1032_8_2 2.39000 kg CO2e of CO2 (biogenic CO2, GWP 1).
- Wood pellets, tonnes: Scope 1 ID 2_104_1045_15_1 55.19389 kg CO2e;
  Outside of scopes ID 99_104_1045_15_2 1677.18000 kg CO2e of CO2.

Hand calculation (1,000 L of biodiesel on 2025-06-01, 10 t of pellets on 2025-07-01):

- Scope 1  = 1,000 L × 0.16751 + 10 t × 55.19389 = 167.51 + 551.9389 = 719.4489 kg
           = 0.7194489 t CO2e → 0.719 in the JSON (3 decimals), the CO2e rows alone.
- biogenic = 1,000 L × 2.39 + 10 t × 1,677.18 = 2,390 + 16,771.8 = 19,161.8 kg
           = 19.1618 t CO2 → 19.162, outside every scope total.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

FUEL = (
    "site,date,fuel,quantity,unit,use\n"
    "HQ,2025-06-01,biodiesel_me,1000,L,stationary\n"
    "HQ,2025-07-01,wood_pellets,10,t,stationary\n"
)


def test_desnz_biodiesel_and_pellets_report_biogenic_co2_outside_the_scopes(
    tmp_path: Path,
) -> None:
    run = CliRunner()
    ws = tmp_path / "ws"
    r = run.invoke(app, ["init", str(ws), "--organisation", "Bio UK", "--region", "GB"])
    assert r.exit_code == 0, r.output
    (tmp_path / "fuel.csv").write_text(FUEL, encoding="utf-8")
    r = run.invoke(app, ["import", str(tmp_path / "fuel.csv"), "-w", str(ws)])
    assert r.exit_code == 0, r.output
    assert "2 accepted, 0 rejected" in r.output
    assert run.invoke(app, ["calc", "--year", "FY2025/26", "-w", str(ws)]).exit_code == 0
    r = run.invoke(app, ["inventory", "--year", "FY2025/26", "-w", str(ws), "--format", "json"])
    assert r.exit_code == 0, r.output
    inv = json.loads(r.output)
    totals = inv["totals_tco2e"]
    assert totals["scope1"] == 0.719  # 0.7194489, the CO2e rows only (hand calculation above)
    assert totals["biogenic_co2_outside_scopes"] == 19.162  # 19.1618 t CO2
    assert totals["scope2_location"] == 0.0
    # the biogenic CO2 is in no scope total: total = Scope 1 + Scope 3 (WTT of the fuels)
    # (each figure rounded to 3 decimals on its own, hence the tolerance)
    parts = totals["scope1"] + totals["scope2_location"] + totals["scope3"]
    assert totals["total_location"] == pytest.approx(parts, abs=0.0015)
    assert totals["total_location"] < totals["biogenic_co2_outside_scopes"]
    gas = inv["by_kyoto_gas"]
    assert gas["biogenic_co2_t_outside_scopes"]["scope1"] == 19.1618
    # DESNZ publishes bioenergy Scope 1 as a CO2e total only: not split by gas
    assert gas["scopes"]["scope1"]["not_split"]["t_co2e"] == 0.719
    assert gas["scopes"]["scope1"]["CO2"]["t_co2e"] == 0.0
