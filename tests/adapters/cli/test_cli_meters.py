"""``lingtan meters …`` (issue 16, decision 0078): the meter register, readings files and data
gaps from the command line, through the services, with refusals in the CLI language and exit
codes of their kind. Readings: :mod:`energykit` (January–February 2024 and January 2023 of
line L1, 15-minute intervals)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from energykit import PATTERN, SITE, prepare_energy_workspace, readings_csv
from lingtan.adapters.cli.main import app
from lingtan.adapters.i18n.messages import Translator

runner = CliRunner()
METERS_CSV = (
    "code,site,carrier,unit,measures,source,parent,billing,line\n"
    f"HF-GRID,{SITE},electricity,kWh,consumption,grid,,true,\n"
    f"HF-LINE1,{SITE},electricity,kWh,consumption,grid,HF-GRID,false,L1\n"
)


def lingtan(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output + (res.stderr if res.stderr_bytes is not None else "")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = prepare_energy_workspace(tmp_path / "ws")
    (tmp_path / "meters.csv").write_text(METERS_CSV, encoding="utf-8")
    return folder


def test_register_import_list_show_export(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("meters", "import", str(tmp_path / "meters.csv"), *w)
    assert code == 0, out
    assert Translator("en")("energy.cli.meters.imported", file="meters.csv", created=2,
                            updated=0) in out  # fmt: skip
    code, out = lingtan("meters", "list", "--json", *w)
    assert code == 0, out
    rows = {m["code"]: m for m in json.loads(out)}
    assert set(rows) == {"HF-GRID", "HF-LINE1"}
    assert rows["HF-LINE1"]["parent"] == "HF-GRID"
    assert rows["HF-LINE1"]["billing"] is False
    code, out = lingtan("meters", "show", "HF-GRID", *w)
    assert code == 0, out
    assert json.loads(out)["carrier"] == "electricity"
    code, out = lingtan("meters", "show", "NOPE", *w)
    assert code == 3, out  # not found
    code, out = lingtan("meters", "export", str(tmp_path / "out.csv"), *w)
    assert code == 0, out
    assert "HF-LINE1" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_a_wrong_cell_refuses_the_file_in_the_cli_language(ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"code,site,carrier,unit\nX-1,{SITE},coal,t\n", encoding="utf-8")
    code, out = lingtan("meters", "import", str(bad), "-w", str(ws), lang="zh-CN")
    assert code == 2, out
    assert "bad.csv" in out
    code, out = lingtan("meters", "list", "--json", "-w", str(ws))
    assert json.loads(out) == []  # all or nothing


def test_readings_import_twice_and_gaps(ws: Path, tmp_path: Path) -> None:
    from energykit import METERS

    w = ("-w", str(ws))
    csv = "code,site,carrier,unit,measures,source,parent,billing,line\n" + "".join(
        f"{code},{SITE},{f['carrier']},{f['unit']},{f['measures']},{f.get('source') or ''},"
        f"{f.get('parent') or ''},{str(f.get('billing', True)).lower()},{f.get('line') or ''}\n"
        for code, f in METERS.items()
    )
    (tmp_path / "all.csv").write_text(csv, encoding="utf-8")
    assert lingtan("meters", "import", str(tmp_path / "all.csv"), *w)[0] == 0
    readings = tmp_path / "readings.csv"
    readings.write_text(readings_csv(), encoding="utf-8")
    # readings written: 9 meters × every interval of January–February 2024 (5 760: 0 outside
    # a meter's hours) = 51 840, and line L1's January 2023 (31 × 96 = 2 976): 54 816
    assert len(PATTERN) == 9
    code, out = lingtan("meters", "readings", "import", str(readings), "--json", *w)
    assert code == 0, out
    rep = json.loads(out)
    assert rep["accepted"] == 9 * 5_760 + 2_976
    assert rep["rejected"] == []
    code, out = lingtan("meters", "readings", "import", str(readings), "--json", *w)
    assert code == 0, out
    again = json.loads(out)
    assert again["accepted"] == 0  # stored once
    assert again["already"] is True
    # February 2024 of the grid meter is complete; March has no reading
    code, out = lingtan("meters", "gaps", "--start", "2024-02-01", "--end", "2024-02-29",
                        "--meter", "HF-GRID", *w)  # fmt: skip
    assert code == 0, out
    assert Translator("en")("energy.cli.gaps.none", start="2024-02-01", end="2024-02-29") in out
    code, out = lingtan("meters", "gaps", "--start", "2024-03-01", "--end", "2024-03-01",
                        "--meter", "HF-GRID", *w)  # fmt: skip
    assert code == 0, out
    assert "HF-GRID" in out
    code, out = lingtan("meters", "gaps", "--start", "2024-13-01", "--end", "2024-03-01", *w)
    assert code == 1, out


def test_readings_rows_refused_exit_2(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    assert lingtan("meters", "import", str(tmp_path / "meters.csv"), *w)[0] == 0
    f = tmp_path / "r.csv"
    f.write_text("meter,ts,value\nHF-GRID,2024-01-01T00:00:00+08:00,1\n"
                 "HF-GRID,not a time,1\n", encoding="utf-8")  # fmt: skip
    code, out = lingtan("meters", "readings", "import", str(f), *w)
    assert code == 2, out
    assert "r.csv" in out
