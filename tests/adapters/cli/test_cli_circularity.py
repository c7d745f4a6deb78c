"""``lingtan circularity …`` (decision 0100): template, import (refused with every wrong cell
named in the command line's language and nothing written, then accepted), list and the eight
KPIs (arithmetic in the comments), through the service. The group :data:`circularity_app` is
run on its own (``lingtan circularity`` attaches it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.circularity import circularity_app

runner = CliRunner()
GOOD = (
    "year,line,material,kg_per_unit_before,kg_per_unit_after,units\n"
    "FY2023/24,Line A,plastic,0.05,0.01,10000\n"  # 0.04 × 10,000 = 400 kg
    "FY2023/24,Line B,paper,0.2,0.14,5000\n"  # 0.06 × 5,000 = 300 kg
)


def circ(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(circularity_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp("circ-cli") / "ws"
    init_workspace(folder, organisation="Circ Co", region="CN", start_month=4).engine.dispose()
    return folder


def test_template_import_list_kpis(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = circ("template", "packaging")
    assert code == 0
    assert out.startswith("year,line,material,")
    bad = tmp_path / "pack.csv"
    bad.write_text(GOOD.replace("0.2,0.14", "0.2,-1"), encoding="utf-8")
    code, out = circ("import", "packaging", str(bad), *w, lang="zh-CN")
    assert code == 2
    assert "pack.csv，第 3 行，kg_per_unit_after 列" in out
    code, out = circ("list", "packaging", *w)
    assert (code, out.strip()) == (0, "No rows.")  # nothing written
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    code, out = circ("import", "packaging", str(good), *w)
    assert code == 0, out
    assert "2 row(s) imported into Packaging." in out
    code, out = circ("kpis", "--year", "FY2023/24", "--json", *w)
    assert code == 0, out
    f = {x["key"]: x for x in json.loads(out)["figures"]}
    assert f["packaging_avoided"]["value"] == pytest.approx(0.7)  # (400 + 300) kg
    assert f["packaging_plastic_share"]["value"] == pytest.approx(400 / 700 * 100)
    code, out = circ("kpis", "--year", "FY2023/24", *w, lang="zh-CN")
    assert code == 0, out
    assert "减少包装中塑料占比: 57.1 %" in out
    assert "暂无数据" in out  # the other ledgers: not available, never zero
    code, out = circ("list", "nope", *w)
    assert code == 3
