"""``lingtan risk aspects …`` (decision 0081): add, list, rate, monitor, due, import, export,
config and demo through the service, refusals in the command line's language with the exit
code of their kind. The group :data:`aspects_app` is run on its own (``lingtan risk`` attaches
it). Workspace and hand calculations: :mod:`risk_aspects_kit`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.risk_aspects import aspects_app
from risk_aspects_kit import SCORES_TEXT, SITE, build_aspects_workspace

runner = CliRunner()


def aspects(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(aspects_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_aspects_workspace(tmp_path / "ws")


def test_add_rate_list_monitor_due(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = aspects("add", "Workplace energy", "--site", SITE, "--objective",
                        "90 % RE|KPI-RE", *w)  # fmt: skip
    assert code == 0, out
    assert "Aspect SEA-01 added" in out
    code, out = aspects("rate", "SEA-01", SCORES_TEXT, *w)
    assert code == 0, out
    # env = 18 / 5 = 3.60; bus = 13 / 3 = 4.33; overall = 15.60
    assert "env 3.60 × bus 4.33 = overall 15.60 · significant" in out
    code, out = aspects("list", *w, lang="zh-CN")
    assert code == 0, out
    assert "环境 3.60 × 业务 4.33 = 总体 15.60" in out
    code, out = aspects("due", *w)
    assert "SEA-01 Workplace energy: never monitored" in out
    code, out = aspects("monitor", "SEA-01", "--on", "2024-09-30", "--status", "attention", *w)
    assert code == 0, out
    code, out = aspects("due", "--json", *w)
    doc = json.loads(out)
    assert doc["due"][0]["last"] == "2024-09-30"  # 6 months passed long ago
    code, out = aspects("list", "--json", "--significant", *w)
    assert [a["code"] for a in json.loads(out)["aspects"]] == ["SEA-01"]


def test_refusals_and_exit_codes(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = aspects("add", "Water", "--site", "NOPE", *w, lang="zh-CN")
    assert code == 2
    assert "站点“NOPE”不在组织边界内" in out
    code, out = aspects("rate", "SEA-99", SCORES_TEXT, *w)
    assert code == 3
    aspects("add", "Water", "--code", "W", *w)
    code, out = aspects("add", "Water again", "--code", "W", *w)
    assert code == 5  # conflict
    code, out = aspects("rate", "W", "5,5,5", *w)
    assert code == 2
    assert "give all eight scores or none" in out
    code, out = aspects("from-risk", "CR-404", *w, lang="zh-CN")
    assert code == 2
    assert "风险“CR-404”不在风险登记册中" in out


def test_import_export_config_demo(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    f = tmp_path / "sea.csv"
    f.write_text("code,aspect,condition\nI1,Packaging,normal\nI2,Transport,sometimes\n",
                 encoding="utf-8")  # fmt: skip
    code, out = aspects("import", str(f), *w)
    assert code == 2
    assert "sea.csv, row 3, column condition" in out
    f.write_text("code,aspect,condition,e_quantity,e_scope,e_frequency,e_severity,e_control,"
                 "b_reputation,b_compliance,b_management\nI1,Packaging,normal,2,2,2,2,2,3,3,3\n",
                 encoding="utf-8")  # fmt: skip
    code, out = aspects("import", str(f), *w)
    assert code == 0, out
    assert "1 aspect(s) added, 0 updated." in out
    target = tmp_path / "out.csv"
    code, out = aspects("export", str(target), *w)
    assert code == 0, out
    assert "I1,Packaging" in target.read_text(encoding="utf-8")
    code, out = aspects("config", *w)
    assert "significant when overall ≥ 9" in out
    assert "lingtan's defaults" in out
    # I1: 2 × 3 = 6; θ = 6 makes it significant
    code, out = aspects("config", "--threshold", "6", *w)
    assert code == 0, out
    assert "1 aspect(s) re-rated" in out
    code, out = aspects("config", "--threshold", "99", *w)
    assert code == 2
    code, out = aspects("demo", *w)
    assert code == 0, out
    assert "11 demo aspect(s) loaded" in out
