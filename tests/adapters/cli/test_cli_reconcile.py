"""``lingtan reconcile`` on the disclosed demo workspace (issue 10 item 11): the report's
published figures (seed text lines in ``adapters/demo/published.py``) against lingtan's, exactly
the expected differences, each with its cause; everything else matches.

Hand checks (t CO2e unless stated):

- BY-TOTAL: 0.60 + 2.60 + 2043.25 = 2046.45 ×10⁴ t (= 20,464,500 t, lingtan), printed 2046.46;
- SUM23-TOTAL: 0.50 + 1.80 + 1510.01 = 1512.31, printed 1512.30 = 15,123,029 t → 1512.30;
- APP23-SH-C1: 6,507,693 / 15,123,029 = 43.03 %, printed 46.16 % = FY2022/23's
  8,662,378 / 18,767,323;
- APP22-SH-S2 and SUM22-SH-S2: 19,540 / 18,767,323 = 0.104 % → 0.10, printed 0.11 so that
  0.03 + 0.11 + 99.86 = 100;
- CH22-S3-C2: 833,800 / 18,741,480 = 4.45 % → 4, printed 5 so that 46 + 45 + 5 + 4 = 100;
- HF-N2-T: 2,510 t / 3.9 GWh = 0.6436 kg/kWh; XH-T: 660 kt / 670 GWh = 0.9851 kg/kWh;
- HF-PV3-T: 1,600 t / 2.8 GWh = 0.5714 kg/kWh, 1,600 to the hundred: a match when lingtan's
  Anhui factor rounds it to 1,600, else reproduced by another library factor (factor basis).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

EXPECTED = {
    "BY-TOTAL": ("rounding", "rounding_parts_sum"),
    "SUM23-TOTAL": ("rounding", "rounding_parts_total"),
    "SUM22-SH-S2": ("rounding", "rounding_group"),
    "APP22-SH-S2": ("rounding", "rounding_group"),
    "CH22-S3-C2": ("rounding", "rounding_group"),
    "APP23-SH-C1": ("copied", "copied"),
    "HF-N2-T": ("implied_factor", "implied_factor"),
    "XH-T": ("implied_factor", "implied_factor"),
}


@pytest.fixture(scope="module")
def disclosed(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    from lingtan.adapters.demo.disclosed import write_disclosed_workspace
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    path = tmp_path_factory.mktemp("reconcile") / "disclosed"
    write_disclosed_workspace(path)
    ws = open_workspace(path)
    import_file(ws, path / "disclosed_inventory.csv")
    for fy in ("FY2018/19", "FY2022/23", "FY2023/24"):
        calculate_year(ws, fy)
    ws.engine.dispose()
    return path


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["reconcile", *args])
    return res.exit_code, res.output


def test_exactly_the_expected_differences(disclosed: Path) -> None:
    code, out = _run("-w", str(disclosed), "--json")
    assert code == 3, out  # differences other than rounding
    doc = json.loads(out)
    found = {f["id"]: f for f in doc["findings"]}
    assert len(found) == 95
    diffs = {
        k: (f["status"], f["cause_code"])
        for k, f in found.items()
        if f["status"] not in ("match", "input")
    }
    pv3 = diffs.pop("HF-PV3-T", None)
    assert pv3 in (None, ("factor_basis", "factor_basis"))  # depends on the Anhui factor
    assert diffs == EXPECTED
    assert doc["counts"]["input"] == 4  # the four energy figures
    assert doc["counts"]["missing"] == doc["counts"]["unexplained"] == 0

    c1 = found["APP23-SH-C1"]
    assert (c1["published"], c1["computed_rounded"]) == ("46.16", "43.03")
    assert c1["other_years"] == {"FY2022/23": "published 46.16 (APP22-SH-C1)"}
    by = found["BY-TOTAL"]
    assert (by["published"], by["computed_rounded"]) == ("2046.46", "2046.45")
    assert by["cause_params"]["parts_sum"] == "2,046.45"
    t23 = found["SUM23-TOTAL"]
    assert (t23["computed_rounded"], t23["cause_params"]["parts_sum"]) == ("1512.30", "1,512.31")
    assert found["APP22-SH-S2"]["computed_rounded"] == "0.10"
    assert found["CH22-S3-C2"]["computed_rounded"] == "4"
    n2 = found["HF-N2-T"]
    assert n2["implied_factor_kg_per_kwh"] == pytest.approx(2510 / 3.9e3, abs=1e-9)  # 0.6436
    assert n2["cause_params"]["implied"] == "0.6436"
    assert n2["nearest_factor"]["kg_per_kwh"] != pytest.approx(0.6436, abs=5e-5)
    xh = found["XH-T"]
    assert xh["cause_params"]["implied"] == "0.9851"  # 660e6 kg / 670e6 kWh
    # the project tce figures follow GB/T 2589: 2.8 GWh · 0.1229 = 344.12 tce; 3.9 → 479.31
    assert found["HF-PV3-TCE"]["status"] == found["HF-N2-TCE"]["status"] == "match"
    # Shenzhen PV at the report's stated 2021 national factor: 2.8e6 · 0.5568 / 1000 = 1,559.04
    assert found["SZ-PV-T"]["status"] == "match"
    assert found["SZ-PV-T"]["computed"] == pytest.approx(1559.04)
    # totals to the tonne
    assert found["APP23-TOTAL"]["computed"] == pytest.approx(15_123_029)
    assert found["APP22-TOTAL"]["computed"] == pytest.approx(18_767_323)


def test_table_output_names_each_cause(disclosed: Path) -> None:
    code, out = _run("-w", str(disclosed))
    assert code == 3
    assert "published 46.16 %, lingtan 43.03 % → copied" in out
    assert "published 2,046.46 1e4 t, lingtan 2,046.45 1e4 t → rounding" in out
    assert "implies 0.6436 kg CO2e/kWh, which no factor of lingtan's library equals" in out
    assert "implies 0.9851 kg CO2e/kWh" in out
    assert "95 published figures:" in out
    assert "line 3151" in out


def test_one_year_and_its_exit_code(disclosed: Path) -> None:
    code, out = _run(str(disclosed / "published" / "figures.csv"), "-w", str(disclosed),
                     "-y", "FY2018/19", "--json")  # fmt: skip
    assert code == 0, out  # rounding only
    doc = json.loads(out)
    assert {f["fiscal_year"] for f in doc["findings"]} == {"FY2018/19"}
    assert [f["id"] for f in doc["findings"] if f["status"] != "match"] == ["BY-TOTAL"]


def test_a_bad_file_names_row_and_column(disclosed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "figures.csv"
    bad.write_text(
        "id,fiscal_year,kind,value,unit,decimals,lingtan\nA,FY2023/24,share,46.16,%,2,scope1\n",
        encoding="utf-8",
    )
    code, out = _run(str(bad), "-w", str(disclosed))
    assert code == 1
    assert "figures.csv, row 2, column 'lingtan': a share figure cannot use this selector" in out
    code, out = _run(str(bad), "-w", str(disclosed), "--tolerance", "-1")
    assert code == 1
    assert "--tolerance must be >= 0" in out
