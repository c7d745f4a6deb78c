"""``lingtan risk hazards …`` (decision 0083): exposure set/list/import, indicator import (CSV and
physrisk JSON), list, risks and shares through the service, refusals in the command line's
language with the exit code of their kind. The group :data:`hazards_app` is run on its own
(``lingtan risk`` attaches it). Workspace and hand calculation: :mod:`risk_hazards_kit`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import risk_hazards_kit as kit
from lingtan.adapters.cli.risk_hazards import hazards_app

runner = CliRunner()


def hazards(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(hazards_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = kit.prepare(tmp_path / "ws")
    (tmp_path / "exposure.csv").write_text(kit.EXPOSURE_CSV, encoding="utf-8")
    (tmp_path / "hazards.csv").write_text(kit.HAZARDS_CSV, encoding="utf-8")
    (tmp_path / "physrisk.json").write_text(kit.PHYSRISK_JSON, encoding="utf-8")
    return folder


def test_import_risks_shares(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = hazards("exposure", "import", str(ws.parent / "exposure.csv"), *w)
    assert code == 0, out
    assert "2 exposure record(s) imported." in out
    code, out = hazards("import", str(ws.parent / "hazards.csv"), *w)
    assert code == 0, out
    assert "7 indicator(s) imported (0 replaced)." in out
    code, out = hazards("risks", kit.PATHWAY, str(kit.YEAR), *w)
    assert code == 0, out
    assert "WH: EAD 34,350,000 CNY/yr, BI 6,870,000 CNY/yr (3.44 days/yr)" in out
    assert "Group (2 sites): EAD 40,300,000 + BI 7,465,000 = 47,765,000 CNY/yr" in out
    code, out = hazards("risks", kit.PATHWAY, str(kit.YEAR), "--json", *w)
    assert json.loads(out)["group"]["bi"] == pytest.approx(kit.GROUP_BI)
    code, out = hazards("shares", kit.PATHWAY, str(kit.YEAR), "--hazard", "heat", *w, lang="zh-CN")
    assert code == 0, out
    assert "高温日数 ≥ 30：资产 33.3 %，收入 33.3 %（SZ）" in out
    code, out = hazards("import", str(ws.parent / "physrisk.json"), *w)
    assert code == 0, out
    assert "4 indicator(s) imported (4 replaced)." in out
    code, out = hazards("list", "--site", "SZ", "--json", *w)
    assert {(d["hazard"], d["value"]) for d in json.loads(out)} == {
        ("heat", 40.0),
        ("typhoon_wind", 35.0),
        ("typhoon_wind", 55.0),
    }


def test_exposure_set_list_and_refusals(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = hazards(
        "exposure",
        "set",
        "HQ",
        "--lat",
        "39.9",
        "--lon",
        "116.4",
        "--assets",
        "1e8",
        "--revenue-per-day",
        "1e5",
        "--currency",
        "CNY",
        "--bi-days",
        "30",
        *w,
    )
    assert code == 0, out
    code, out = hazards("exposure", "list", "--json", *w)
    assert [d["site"] for d in json.loads(out)] == ["HQ"]
    code, out = hazards(
        "exposure",
        "set",
        "NOPE",
        "--lat",
        "1",
        "--lon",
        "1",
        "--assets",
        "1",
        "--revenue-per-day",
        "1",
        "--currency",
        "CNY",
        "--bi-days",
        "1",
        *w,
        lang="zh-CN",
    )
    assert code == 2
    assert "站点“NOPE”不在组织边界内" in out
    bad = ws.parent / "bad.csv"
    bad.write_text(kit.HAZARDS_CSV + "WH,heat,SSP5-8.5,2050,10,1,days/yr,x\n", encoding="utf-8")
    code, out = hazards("import", str(bad), *w)
    assert code == 2
    assert "bad.csv, row 9, column return_period" in out
    code, out = hazards("risks", "SSP/5", "2050", *w)
    assert code == 2
