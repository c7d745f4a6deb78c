"""``lingtan risk scenarios …`` (decision 0082): import (own files and the bundled illustrative
sets), run (hand-checked figures of :mod:`risk_scenarios_kit`), show, runs and conclusion, and
refusals with the exit code of their kind. The group :data:`scenarios_app` is run on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.risk_scenarios import scenarios_app
from risk_scenarios_kit import (
    DIRECT,
    INDIRECT,
    MANIFEST,
    MANIFEST_HOT,
    SERIES,
    SERIES_HOT,
    YEAR,
    build_scenario_workspace,
)

runner = CliRunner()


def scen(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(scenarios_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    build_scenario_workspace(tmp_path / "ws")
    (tmp_path / "kit-1.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "kit-1.csv").write_text(SERIES, encoding="utf-8")
    (tmp_path / "kit-4.yaml").write_text(MANIFEST_HOT, encoding="utf-8")
    (tmp_path / "hot.csv").write_text(SERIES_HOT, encoding="utf-8")
    return tmp_path / "ws"


def test_import_run_show_conclusion(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = scen("import", str(ws.parent / "kit-1.yaml"), *w)
    assert code == 0, out
    assert "kit-1" in out
    code, out = scen("import", str(ws.parent / "kit-4.yaml"), "--series",
                     str(ws.parent / "hot.csv"), *w)  # fmt: skip
    assert code == 0, out
    code, out = scen("run", "kit-1", "--year", YEAR, "--horizon", "2030", "--horizon", "2040",
                     "--json", *w)  # fmt: skip
    assert code == 0, out
    run = json.loads(out)
    for y in run["results"]["years"]:
        assert y["lines"]["direct_carbon"]["central"] == pytest.approx(DIRECT[y["year"]])
        assert y["lines"]["indirect_power"]["central"] == pytest.approx(INDIRECT[y["year"]])
    code, out = scen("run", "kit-1", "--year", YEAR, "--horizon", "2030", "--horizon", "2040",
                     *w)  # fmt: skip
    assert code == 0
    assert run["run_id"][:12] in out
    code, out = scen("show", run["run_id"][:12], *w, lang="zh-CN")
    assert code == 0, out
    assert "直接碳成本" in out
    assert "4,000" in out
    scen("run", "kit-4", "--year", YEAR, "--horizon", "2030", "--horizon", "2040", *w)
    code, out = scen("runs", "--year", YEAR, *w)
    assert code == 0
    assert "kit-4" in out
    code, out = scen("conclusion", "--year", YEAR, *w)
    assert code == 0, out
    assert "4" in out
    assert "1.5" in out
    assert "2040" in out


def test_bundled_list_and_refusals(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = scen("list", *w)
    assert code == 0
    assert "No scenario" in out
    code, out = scen("import", "--bundled", *w)
    assert code == 0
    assert "4" in out
    code, out = scen("list", *w, lang="zh-CN")
    assert "illustrative-1.5c" in out
    assert "示意" in out
    code, out = scen("run", "nope", "--year", YEAR, *w)
    assert code == 3
    code, out = scen("run", "illustrative-4c", "--year", YEAR, "--horizon", "2060", *w)
    assert code == 2
    assert "extrapolated" in out
    code, out = scen("show", "zz", *w)
    assert code == 3
