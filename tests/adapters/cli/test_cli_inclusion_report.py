"""``lingtan inclusion report show`` (decision 0092) on a workspace holding the kit's programme
(:mod:`inclusion_member_kit`): the hand-checked figures in en and zh-CN, JSON, a period, a bad
date and an unknown programme refused with the exit code of their kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inclusion_events_kit import new_workspace
from inclusion_member_kit import CODE, seed
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.cli.inclusion_report import report_app
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

runner = CliRunner()
EN, ZH = Translator("en"), Translator("zh-CN")


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(report_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    folder: Path = new_workspace(tmp_path_factory.mktemp("report") / "ws")
    ctx = LocalContext(folder)
    with store_session(ctx) as db:
        seed(db, ctx)
    return folder


def test_show(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("show", CODE, *w)
    assert code == 0, out
    assert EN("incl_member.cli.points", issued=5, redeemed=10, expired=0, reversed=0,
              adjusted=52, outstanding=47) in out  # fmt: skip
    assert EN("incl_member.cli.kg", reduction="1.700", avoided="3.500") in out
    code, out = run("show", CODE, "--from", "2026-03-01", "--to", "2026-03-31", *w, lang="zh-CN")
    assert code == 0, out
    assert ZH("incl_member.cli.kg", reduction="1.200", avoided="3.500") in out
    assert ZH("incl_member.cli.participants", n=3, groups=0, active=2, events=4) in out
    code, out = run("show", CODE, "--json", *w)
    assert code == 0, out
    doc = json.loads(out)
    assert doc["points"]["outstanding"] == 47
    assert [r["pkm"] for r in doc["category7"]] == [12.0, 5.0]


def test_refusals(ws: Path) -> None:
    code, out = run("show", CODE, "--from", "March", "-w", str(ws), lang="zh-CN")
    assert code == 2
    assert ZH("incl_member.cli.bad_date", option="from") in out
    code, _out = run("show", "nope", "-w", str(ws))
    assert code == 3  # not found
