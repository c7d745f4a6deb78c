"""``lingtan entities|sites|rates …`` and ``lingtan factors add|remove`` (issue 13): the
boundary, exchange rates and own factor sets set up from the command line through the
services, with exit codes of the refusal's kind and messages in the CLI language; the
quarantine export hint names the mapping a batch was imported through."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

runner = CliRunner()

FACTOR_CSV = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "own/steel/CN/2024,purchased.steel,CN,t,CO2,1850,2024-01-01,Supplier X,EPD,2024\n"
)


def lingtan(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    code, out = lingtan("init", str(tmp_path / "ws"))
    assert code == 0, out
    return tmp_path / "ws"


def boundary(ws: Path) -> dict[str, list[dict[str, object]]]:
    data = yaml.safe_load((ws / "lingtan.yaml").read_text("utf-8"))
    return {"entities": data["entities"], "sites": data["sites"]}


def test_a_site_added_from_the_cli_is_named_by_an_imported_row(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("entities", "list", *w)
    assert code == 0, out
    assert out.split()[0] == "MAIN"  # the entity `lingtan init` writes
    code, out = lingtan(
        "sites", "add", "TJ09", "--name", "Tianjin plant 9", "--entity", "XX",
        "--region", "CN-TJ", *w, lang="zh",
    )  # fmt: skip
    assert code == 2, out  # invalid
    assert out.strip() == "error: 请选择组织边界内的法人实体（“XX”不存在）。"
    code, out = lingtan(
        "sites", "add", "TJ09", "--name", "Tianjin plant 9", "--entity", "MAIN",
        "--region", "cn-tj", "--kind", "factory", *w,
    )  # fmt: skip
    assert code == 0, out
    assert "The site was added." in out
    site = next(s for s in boundary(ws)["sites"] if s["id"] == "TJ09")
    assert site == {
        "id": "TJ09", "name": "Tianjin plant 9", "entity": "MAIN", "region": "CN-TJ",
        "kind": "factory",
    }  # fmt: skip
    code, out = lingtan("sites", "list", *w)
    assert "TJ09" in out
    assert "CN-TJ" in out
    rows = tmp_path / "fuel_tj09.csv"
    rows.write_text(
        "site,date,fuel,quantity,unit,use\nTJ09,2024-05-01,diesel,100,L,stationary\n", "utf-8"
    )
    code, out = lingtan("import", str(rows), *w)
    assert code == 0, out
    assert "1 rows read, 1 accepted, 0 rejected" in out
    # the site is named by imported rows: kept (409 → exit 5), said in Chinese
    code, out = lingtan("sites", "remove", "TJ09", *w, lang="zh")
    assert code == 5, out
    assert "场所 TJ09 仍被已导入的数据使用（fuel_tj09.csv (" in out
    code, out = lingtan("sites", "edit", "TJ09", "--name", "Tianjin Binhai", *w)
    assert code == 0, out
    assert next(s for s in boundary(ws)["sites"] if s["id"] == "TJ09")["name"] == "Tianjin Binhai"
    code, out = lingtan("sites", "edit", "NOPE", "--name", "x", *w, lang="zh")
    assert (code, out.strip()) == (3, "error: 不存在场所 NOPE。")


def test_entities_add_edit_remove(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan(
        "entities", "add", "JV1", "--name", "Joint venture", "--ownership", "40",
        "--no-financial-control", "--parent", "MAIN", "--country", "cn", *w,
    )  # fmt: skip
    assert code == 0, out
    jv = next(e for e in boundary(ws)["entities"] if e["id"] == "JV1")
    assert (jv["ownership_pct"], jv["financial_control"], jv["parent"], jv["country"]) == (
        40.0, False, "MAIN", "CN"
    )  # fmt: skip
    code, out = lingtan("entities", "add", "JV1", "--name", "Again", *w)
    assert code == 5, out  # duplicate id: conflict
    code, out = lingtan("entities", "edit", "JV1", "--ownership", "120", *w, lang="zh")
    assert code == 2, out
    assert out.strip() == "error: 请填写 0 至 100 之间的比例（%）。"
    code, out = lingtan("entities", "remove", "MAIN", *w)
    assert code == 5, out  # MAIN has sites (HQ) and a child entity
    code, out = lingtan("entities", "remove", "JV1", *w)
    assert code == 0, out
    assert [e["id"] for e in boundary(ws)["entities"]] == ["MAIN"]


def test_rates_set_list_remove(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("rates", "list", *w)
    assert (code, out.strip()) == (
        0,
        "No own exchange rates: the bundled ECB reference rates apply.",
    )
    code, out = lingtan("rates", "set", "cny", "2023", "7,084", "--source", "PBoC", *w)
    assert code == 0, out
    assert (ws / "reference" / "fx_rates.csv").read_text("utf-8") == (
        "year,currency,per_usd,source\n2023,CNY,7.084,PBoC\n"
    )
    code, out = lingtan("rates", "list", *w)
    assert out.strip() == "CNY 2023 7.084 PBoC"
    code, out = lingtan("rates", "set", "ABC", "2023", "1", "--source", "x", *w, lang="zh")
    assert (code, out.strip()) == (2, "error: “ABC”不是 ISO 4217 货币代码（如 CNY、EUR）。")
    code, out = lingtan("rates", "remove", "CNY", "2024", *w)
    assert code == 3, out
    code, out = lingtan("rates", "remove", "CNY", "2023", *w)
    assert code == 0, out
    assert "bundled ECB rate applies again" in out


def test_own_factor_sets_add_refuse_in_chinese_and_remove(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    bad = tmp_path / "own.csv"
    bad.write_text(FACTOR_CSV.replace(",1850,", ",abc,"), "utf-8")
    code, out = lingtan("factors", "add", str(bad), *w, lang="zh")
    assert code == 2, out
    assert out.strip() == (
        "error: 因子文件未被接受，未做任何更改：own.csv，第 2 行：“value”列：不是数字：'abc'"
    )
    assert not (ws / "factors" / "own.csv").exists()
    bad.write_text(FACTOR_CSV, "utf-8")
    code, out = lingtan("factors", "add", str(bad), *w)
    assert code == 0, out
    assert "Factor set own: 1 factors." in out
    assert (ws / "factors" / "own.csv").read_text("utf-8") == FACTOR_CSV
    code, out = lingtan("factors", "remove", "own", *w)
    assert code == 0, out
    assert not (ws / "factors" / "own.csv").exists()
    code, out = lingtan("factors", "remove", "own", *w)
    assert code == 3, out


MAP_TOML = """\
template = "fuel"

[columns]
"Werk" = "site"
"Datum" = "date"
"Material" = "fuel"
"Menge" = "quantity"

[constants]
unit = "L"
use = "stationary"
"""


def test_quarantine_export_hint_names_the_mapping(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    m = tmp_path / "sap.toml"
    m.write_text(MAP_TOML, "utf-8")
    code, out = lingtan("mapping", "save", "sap", str(m), *w)
    assert code == 0, out
    f = tmp_path / "mb51.csv"
    f.write_text("Werk,Datum,Material,Menge\nHQ,2024-05-01,diesel,10\nHQ,2024-05-02,XYZ,5\n")
    code, out = lingtan("import", str(f), "--map", "sap", *w)
    assert code == 2, out
    batch = out.split("(batch ")[1].split(")")[0]
    target = tmp_path / "fix.csv"
    code, out = lingtan("quarantine", "--batch", batch, "--export", str(target), *w, lang="zh")
    assert code == 0, out
    assert f"lingtan import {target} --fixes {batch} --map sap" in out.replace("\n", "")
    assert "此文件是通过列映射 sap 导入的" in out
    assert target.read_text("utf-8-sig").splitlines()[0] == "Werk,Datum,Material,Menge"


def test_an_unreadable_figures_file_is_explained_in_the_cli_language(
    ws: Path, tmp_path: Path
) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "id,fiscal_year,kind,value,unit,decimals,lingtan\nT,FY2023/24,share,1,t,2,total\n",
        "utf-8",
    )
    code, out = lingtan("reconcile", str(figures), "-w", str(ws), lang="zh")
    assert code == 1, out
    assert "figures.csv，第 2 行，“unit”列：占比的单位应为 %（值：'t'）" in out
