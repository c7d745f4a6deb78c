"""``lingtan report mapping …`` (decision 0097): ``show`` (one framework, a status filter, JSON),
``datapoint set|list|review|remove`` through the services, a datapoint's approval moving CDP 5.10
from missing to complete, refusals in the command line's language with the exit code of their
kind. The group :data:`mapping_app` is run on its own (``lingtan report`` attaches it) on a new,
empty workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.report_mapping import mapping_app

runner = CliRunner()


def mapping(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(mapping_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp(f"cli-mapping-{workspace_store}") / "ws"
    init_workspace(folder, organisation="Map Co", region="CN", start_month=4).engine.dispose()
    return folder


def _cdp_5_10(ws: Path) -> str:
    code, out = mapping("show", "--framework", "cdp", "--fy", "FY2023/24", "--json", "-w", str(ws))
    assert code == 0, out
    doc = json.loads(out)
    return str(next(r["status"] for r in doc["frameworks"][0]["requirements"]
                    if r["ref"] == "CDP 5.10"))  # fmt: skip


def test_show_and_datapoint_round_trip(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = mapping("show", "--framework", "iso14064", "--fy", "FY2023/24", *w, lang="zh-CN")
    assert code == 0, out
    assert "ISO 14064-1 9.3.1(f)" in out
    assert "按气体的直接排放" in out  # lingtan's own label, in Chinese
    code, out = mapping("show", "--fy", "FY2023/24", "--status", "complete", "--json", *w)
    doc = json.loads(out)
    assert all(r["status"] == "complete" for f in doc["frameworks"] for r in f["requirements"])
    assert _cdp_5_10(ws) == "missing"
    price = ("--value", "80", "--unit", "CNY/t CO2e", "--text", "shadow price")
    code, out = mapping(
        "datapoint", "set", "internal_carbon_price", "--fy", "FY2023-24", *price, *w
    )
    assert code == 0, out
    assert "Datapoint internal_carbon_price of FY2023/24 saved (Entered)." in out
    assert _cdp_5_10(ws) == "partial"
    for status in ("reviewed", "approved"):
        code, out = mapping("datapoint", "review", "internal_carbon_price", "--fy", "FY2023/24",
                            "--status", status, *w)  # fmt: skip
        assert code == 0, out
    assert _cdp_5_10(ws) == "complete"
    code, out = mapping("datapoint", "list", "--json", *w)
    rows = json.loads(out)
    assert [(r["key"], r["value"], r["status"]) for r in rows] == [
        ("internal_carbon_price", 80.0, "approved")]  # fmt: skip
    code, out = mapping("datapoint", "remove", "internal_carbon_price", "--fy", "FY2023/24", *w)
    assert code == 0, out
    code, out = mapping("datapoint", "list", *w, lang="zh-CN")
    assert "本财年尚未录入数据点。" in out


def test_refusals_and_exit_codes(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = mapping("datapoint", "set", "capital_deployment", "--fy", "FY2023/24", "--value",
                        "5", "--unit", "CNY/t CO2e", *w, lang="zh-CN")  # fmt: skip
    assert code == 2
    assert "此处不接受单位 CNY/t CO2e；请写作 CNY（ISO 4217 货币代码）。" in out
    code, out = mapping("datapoint", "review", "capital_deployment", "--fy", "FY2023/24",
                        "--status", "reviewed", *w)  # fmt: skip
    assert code == 3
    assert "has not been entered" in out
    code, out = mapping("datapoint", "set", "capital_deployment", "--fy", "FY2023/24", "--value",
                        "5000000", "--unit", "cny", *w)  # fmt: skip
    assert code == 0, out
    code, out = mapping("datapoint", "review", "capital_deployment", "--fy", "FY2023/24",
                        "--status", "approved", *w)  # fmt: skip
    assert code == 5  # review first
    code, out = mapping("show", "--framework", "gri", "--fy", "FY2023/24", *w)
    assert code == 3
    assert "Unknown framework gri" in out
