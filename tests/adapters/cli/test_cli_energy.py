"""``lingtan energy …`` (issue 16, decision 0078): the indicators of a fiscal year, the roll-up
into the inventory and the reconciliation with a bill, production and assets, on the workspace
of :mod:`energykit` (C = 57 600 + 7 200 − 96 = 64 704 kWh = 64.7 MWh; tce 当量值 11.8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from energykit import EXPECTED, FY, SITE, build_energy_workspace, import_bill
from lingtan.adapters.cli.main import app
from lingtan.adapters.i18n.messages import Translator

runner = CliRunner()
#: February's grid meters 27 840 kWh against a bill of 30 000 kWh:
#: (27 840 − 30 000) / 30 000 = −7.2 % — over the 2 % tolerance
BILL_KWH = 30_000.0


def lingtan(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output + (res.stderr if res.stderr_bytes is not None else "")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    folder = build_energy_workspace(tmp_path_factory.mktemp(f"cli-energy-{workspace_store}") / "ws")
    import_bill(folder, BILL_KWH)
    return folder


def test_report_group_and_site(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("energy", "report", "--year", FY, "--json", *w)
    assert code == 0, out
    doc = json.loads(out)
    assert doc["consumption_kwh"] == pytest.approx(EXPECTED.consumption_kwh)
    code, out = lingtan("energy", "report", "--year", FY, *w)
    assert code == 0, out
    assert f"{SITE}: 64.7 MWh, 11.8 tce" in out
    code, out = lingtan("energy", "report", "--year", FY, "--site", SITE, "--json", *w)
    assert code == 0, out
    assert json.loads(out)["re_share"]["share"] == pytest.approx(EXPECTED.re_share)
    code, out = lingtan("energy", "report", "--year", FY, "--site", SITE, *w, lang="zh-CN")
    assert code == 0, out
    assert Translator("zh-CN")("energy.cli.report.site", site=SITE, fy=FY) in out


def test_bills_then_rollup(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("energy", "bills", "--year", FY, *w)
    assert code == 0, out
    assert "-7.20 %" in out
    assert "tolerance" in out
    code, out = lingtan("energy", "rollup", "--year", FY, "--json", *w)
    assert code == 0, out
    doc = json.loads(out)
    assert {b["template"] for b in doc["batches"]} == {"electricity", "fuel"}
    assert [b["within"] for b in doc["bills"]] == [False]
    code, out = lingtan("energy", "rollup", "--year", FY, *w)
    assert code == 0, out
    assert "electricity" in out


def test_production_and_assets(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("energy", "production", "list", "--json", *w)
    assert code == 0, out
    assert sum(r["units"] for r in json.loads(out)) == 3000.0
    code, out = lingtan("energy", "assets", "list", "--json", *w)
    assert code == 0, out
    assert {a["code"] for a in json.loads(out)} == {"HF-PV", "HF-BAT", "HF-DC"}
    f = tmp_path / "production.csv"
    f.write_text("site,line,product_type,month,units\nHF,L1,server,2024-03,10\n", encoding="utf-8")
    code, out = lingtan("energy", "production", "import", str(f), *w)
    assert code == 0, out
    code, out = lingtan("energy", "production", "list", "--site", SITE, *w)
    assert "server" in out


def test_a_bad_year_is_refused(ws: Path) -> None:
    code, out = lingtan("energy", "report", "--year", "next year", "-w", str(ws))
    assert code != 0, out
