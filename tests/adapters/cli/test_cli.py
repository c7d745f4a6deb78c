"""The CLI end to end, as a user runs it (Typer's runner, real files, real DuckDB and SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    code, out = lingtan("init", str(tmp_path / "ws"), "--organisation", "Test Co")
    assert code == 0, out
    cfg = tmp_path / "ws" / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace(
        "region: CN\n    kind: office", "region: CN-TJ\n    kind: office"
    )
    cfg.write_text(text, encoding="utf-8")
    return tmp_path / "ws"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_init_refuses_an_existing_workspace(ws: Path) -> None:
    code, out = lingtan("init", str(ws))
    assert code == 1
    assert "already a lingtan workspace" in out


def test_import_calc_inventory_json(ws: Path) -> None:
    fuel = write(ws / "fuel.csv", "site,date,fuel,quantity,unit,use\n"
                 "HQ,2023-05-01,diesel,1000,L,stationary\n"
                 "HQ,2023-06-01,natural_gas,5000,m3,stationary\n")  # fmt: skip
    elec = write(ws / "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,200,MWh\n"
                 "HQ,2024-01-01,100,MWh\n")  # fmt: skip
    code, out = lingtan("import", str(fuel), str(elec), "-w", str(ws))
    assert code == 0, out
    assert "2 accepted, 0 rejected" in out
    code, out = lingtan("calc", "--year", "FY2023/24", "-w", str(ws))
    assert code == 0, out
    assert "data quality (1 best … 5 worst, emission-weighted)" in out
    assert "95 % interval" in out
    code, out = lingtan("inventory", "--year", "FY2023/24", "-w", str(ws), "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    for key in ("fiscal_year", "period", "gwp_set", "consolidation", "totals_tco2e",
                "scope3_by_category_tco2e", "shares_pct", "snapshot_id"):  # fmt: skip
        assert key in doc
    assert doc["period"] == {"start": "2023-04-01", "end": "2024-03-31"}
    assert set(doc["scope3_by_category_tco2e"]) == {str(i) for i in range(1, 16)}
    t = doc["totals_tco2e"]
    # Tianjin (CN-TJ) 2023 provincial average 0.6796 kg CO2/kWh (MEE/NBS); 2024-01-01 takes the
    # latest year (2023, nearest earlier): 300,000 kWh × 0.6796 / 1000 = 203.88 t
    assert t["scope2_location"] == pytest.approx(300_000 * 0.6796 / 1000, rel=1e-9)
    # no instruments: market = residual-mix proxy (national excl. market-traded non-fossil, 2023
    # 0.6096): 300,000 × 0.6096 / 1000 = 182.88 t
    assert t["scope2_market"] == pytest.approx(300_000 * 0.6096 / 1000, rel=1e-9)
    assert t["scope1"] > 2.5  # 1000 L diesel ≈ 2.66 t CO2e (DESNZ) plus natural gas
    assert t["total_market"] == pytest.approx(t["scope1"] + t["scope2_market"] + t["scope3"])
    assert sum(doc["shares_pct"][k] for k in ("scope1", "scope2_market", "scope3")) == (
        pytest.approx(100.0, abs=1e-3))  # fmt: skip


def test_certificates_change_market_not_location(ws: Path) -> None:
    write(ws / "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,200,MWh\n")
    write(ws / "instrument.csv",
          "instrument_id,type,quantity,unit,vintage_start,vintage_end,site\n"
          "GEC-0001-0150,gec,150,MWh,2023-04-01,2024-03-31,HQ\n")  # fmt: skip
    code, out = lingtan("import", str(ws / "electricity.csv"), str(ws / "instrument.csv"),
                        "-w", str(ws))  # fmt: skip
    assert code == 0, out
    code, out = lingtan("calc", "-y", "FY2023/24", "-w", str(ws))
    doc = json.loads(lingtan("inventory", "-y", "FY2023/24", "-w", str(ws), "-f", "json")[1])
    t = doc["totals_tco2e"]
    # location: 200,000 kWh × Tianjin 2023 0.6796 = 135.92 t; market: 150 of 200 MWh covered,
    # 50,000 kWh × residual-mix proxy 0.6096 (CN 2023) = 30.48 t
    assert t["scope2_location"] == pytest.approx(200_000 * 0.6796 / 1000)
    assert t["scope2_market"] == pytest.approx(50_000 * 0.6096 / 1000)


def test_bad_rows_are_quarantined_not_lost(ws: Path) -> None:
    bad = write(ws / "fuel.csv", "site,date,fuel,quantity,unit\n"
                "HQ,2023-05-01,diesel,1000,L\n"
                "HQ,2023-13-01,diesel,1000,L\n"
                "NOWHERE,2023-05-01,diesel,10,L\n"
                "HQ,2023-05-01,diesel,ten,L\n"
                "HQ,2023-05-01,disel,10,L\n")  # fmt: skip
    code, out = lingtan("import", str(bad), "-w", str(ws))
    assert code == 2
    assert "1 accepted, 4 rejected" in out
    code, out = lingtan("quarantine", "-w", str(ws))
    assert "fuel.csv, row 3, column 'date'" in out
    assert "fuel.csv, row 4, column 'site'" in out
    assert "fuel.csv, row 5, column 'quantity'" in out
    assert "fuel.csv, row 6, column 'fuel'" in out
    # the same file again adds nothing
    code, out = lingtan("import", str(bad), "-w", str(ws))
    assert code == 0
    assert "already imported" in out


def test_unreadable_file_changes_nothing(ws: Path) -> None:
    junk = ws / "fuel.csv"
    junk.write_bytes(b"\x00\x01\x02 not a csv")
    before = sorted(p.name for p in (ws / "batches").iterdir())
    code, out = lingtan("import", str(junk), "-w", str(ws))
    assert code == 1
    assert "fuel.csv" in out
    assert "nothing was imported" in out
    assert sorted(p.name for p in (ws / "batches").iterdir()) == before
    code, out = lingtan("import", str(ws / "missing.csv"), "-w", str(ws))
    assert code == 1


def test_template_and_factor_commands(tmp_path: Path) -> None:
    code, out = lingtan("template", "--all", str(tmp_path / "t"))
    assert code == 0, out
    assert (tmp_path / "t" / "fuel.csv").exists()
    code, out = lingtan("factors", "search", "diesel", "-w", str(tmp_path))
    assert code == 0, out
    assert "fuel.diesel" in out
    # Tibet has no provincial factor: Southwest grid 2021 = 0.2113 (MEE/NBS)
    code, out = lingtan("factors", "resolve", "electricity.grid", "--region", "CN-XZ",
                        "--date", "2021-06-01", "--unit", "kWh", "-w", str(tmp_path))  # fmt: skip
    assert code == 0, out
    assert "0.2113" in out
    assert "region CN-XZ→CN-GRID-SOUTHWEST" in out


def test_inventory_csv_and_xlsx(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.setenv("LINGTAN_LANG", "en")  # the reviewer workbook's headers: the CLI's language

    write(ws / "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,10,MWh\n")
    assert lingtan("import", str(ws / "electricity.csv"), "-w", str(ws))[0] == 0
    assert lingtan("calc", "-y", "FY2023/24", "-w", str(ws))[0] == 0
    code, out = lingtan("inventory", "-y", "FY2023/24", "-w", str(ws), "-f", "csv")
    assert code == 0, out
    header = out.strip().splitlines()[0]
    # t_gas: tonnes of gas of the kyoto_gas rows (table by gas, docs/output.md §CSV and XLSX)
    assert header == "fiscal_year,section,key,basis,tco2e,share_pct,t_gas"
    assert "FY2023/24,total,scope2_location,location,6.796," in out  # 10 MWh × 0.6796 (CN-TJ)
    target = tmp_path / "inv.xlsx"
    code, out = lingtan("inventory", "-y", "FY2023/24", "-w", str(ws), "-f", "xlsx", "-o",
                        str(target))  # fmt: skip
    assert code == 0, out
    wb = load_workbook(target)  # the reviewer workbook of the web app and the API
    assert wb.sheetnames == [
        "Summary", "Gases", "Activity rows", "Factors", "Lineage", "Completeness", "About"
    ]  # fmt: skip
    summary = {(r[0], r[1]): r[2] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary[("Scope 2", "location-based")] == pytest.approx(6.796)


def test_snapshot_is_reused_for_identical_inputs(ws: Path) -> None:
    write(ws / "electricity.csv", "site,date,quantity,unit\nHQ,2023-05-01,10,MWh\n")
    lingtan("import", str(ws / "electricity.csv"), "-w", str(ws))
    first = lingtan("calc", "-y", "FY2023/24", "-w", str(ws))[1].split("snapshot ")[1][:16]
    again = lingtan("calc", "-y", "FY2023/24", "-w", str(ws))[1].split("snapshot ")[1][:16]
    assert first == again
    write(ws / "more.csv", "site,date,quantity,unit\nHQ,2023-06-01,1,MWh\n")
    lingtan("import", str(ws / "more.csv"), "--template", "electricity", "-w", str(ws))
    third = lingtan("calc", "-y", "FY2023/24", "-w", str(ws))[1].split("snapshot ")[1][:16]
    assert third != first
    code, out = lingtan("snapshots", "-w", str(ws))
    assert code == 0, out
    assert first in out
    assert third in out
