"""``lingtan report overview`` (issue 19 item 6, decision 0101) on a new workspace: every
module's tile in the command line's language (none has data: each says why, no figure is
shown), JSON as the API gives it, a fiscal year the calendar does not know refused (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.report_tower import tower_app
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.control_tower import TILES
from lingtan.adapters.store.workspace import init_workspace

runner = CliRunner()


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(tower_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    folder = tmp_path_factory.mktemp("tower") / "ws"
    init_workspace(folder, organisation="Tower Co", region="CN", start_month=4).engine.dispose()
    return folder


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_tile_in_the_command_lines_language(ws: Path, lang: str) -> None:
    t = Translator(lang)
    code, out = run("overview", "-w", str(ws), lang=lang)
    assert code == 0, out
    for key in TILES:
        assert t("tower.cli.tile", title=t(f"tower.tile.{key}"),
                 status=t("tower.status.not_available")) in out  # fmt: skip
    assert t("tower.reason.no_inventory") in out
    assert t("tower.forecast.not_enough", n=0, min=5) in out


def test_json_and_a_refused_year(ws: Path) -> None:
    code, out = run("overview", "--json", "-w", str(ws))
    assert code == 0, out
    doc = json.loads(out)
    assert [t["key"] for t in doc["tiles"]] == list(TILES)
    assert all(t["figures"] == [] for t in doc["tiles"])  # nothing invented
    code, out = run("overview", "--fy", "not a year", "-w", str(ws))
    assert code == 2, out
