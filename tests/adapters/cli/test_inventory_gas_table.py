"""``lingtan inventory`` prints the table by Kyoto gas (GHG Protocol ch. 9; ISO 14064-1:2018
§9.3.1): a refrigerant blend rolled into HFCs, SF6 apart, masses beside CO2e."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lingtan.adapters.cli.main import app


def test_inventory_prints_the_kyoto_gas_table(tmp_path: Path) -> None:
    run = CliRunner()
    ws = tmp_path / "ws"
    assert run.invoke(app, ["init", str(ws), "--organisation", "Gas Co"]).exit_code == 0
    (tmp_path / "refrigerant.csv").write_text(
        "site,date,gas,method,unit,emitted\nHQ,2023-05-01,R410A,direct,kg,10\n", encoding="utf-8"
    )
    (tmp_path / "direct_gas.csv").write_text(
        "site,date,gas,quantity,unit,kind\nHQ,2023-06-01,SF6,0.1,kg,fugitive\n", encoding="utf-8"
    )
    for f in ("refrigerant.csv", "direct_gas.csv"):
        r = run.invoke(app, ["import", str(tmp_path / f), "-w", str(ws)])
        assert r.exit_code == 0, r.output
    assert run.invoke(app, ["calc", "--year", "FY2023/24", "-w", str(ws)]).exit_code == 0
    r = run.invoke(app, ["inventory", "--year", "FY2023/24", "-w", str(ws)])
    assert r.exit_code == 0, r.output
    lines = {line.split("  ")[0]: line for line in r.output.splitlines()}
    # R-410A, 10 kg, AR5: 0.5 × 677 + 0.5 × 3170 = 1923.5 → 19.235 t CO2e, 0.010 t of HFCs
    assert "19.235 (0.010000 t)" in lines["HFCs"]
    # SF6 0.1 kg × 23 500 (AR5) = 2.35 t CO2e, 0.0001 t
    assert "2.350 (0.000100 t)" in lines["SF6"]
    assert lines["total"].split()[1] == "21.585"
    assert "biogenic CO2, outside the scopes: none reported" in r.output
