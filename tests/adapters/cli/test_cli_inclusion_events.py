"""``lingtan inclusion events …`` (decision 0089) on a workspace holding the kit's programme
(:mod:`inclusion_events_kit`): log (the carbon-neutral PC: 5 points, 0 kg; a replay), balance,
list, show, history, reverse, expire, liability, verify, review; refusals in the command line's
language with the exit code of their kind. The group :data:`events_app` is run on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inclusion_events_kit import CODE, make_programme, new_workspace
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.cli.inclusion_events import events_app
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

runner = CliRunner()
EN, ZH = Translator("en"), Translator("zh-CN")


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(events_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = new_workspace(tmp_path / "ws")
    with store_session(LocalContext(folder)) as db:
        make_programme(db)
    return folder


def test_log_balance_reverse_liability(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("log", CODE, "m-alice", "purchase.carbon_neutral_pc", "1", "item",
                    "--at", "2025-01-10T09:00", "--external-id", "pc-1", *w)  # fmt: skip
    assert code == 0, out
    assert "0.0000 kg CO2e, 5 points" in out
    code, out = run("log", CODE, "m-alice", "purchase.carbon_neutral_pc", "1", "item",
                    "--at", "2025-01-10T09:00", "--external-id", "pc-1", *w)  # fmt: skip
    assert EN("incl_ev.cli.replayed") in out
    code, out = run("balance", CODE, "m-alice", *w, lang="zh-CN")
    assert code == 0
    assert "m-alice：5 积分" in out
    code, out = run("list", CODE, "--json", *w)
    event_id = json.loads(out)[0]["id"]
    code, out = run("show", str(event_id), *w)
    assert json.loads(out)["entries"][0]["delta"] == 5
    code, out = run("history", CODE, "m-alice", *w)
    assert len(json.loads(out)) == 1
    code, out = run("liability", CODE, *w)
    assert "issued 5" in out
    assert "outstanding 5" in out
    code, out = run("expire", CODE, "--as-of", "2026-01-10", *w)
    assert code == 0
    assert EN("incl_ev.cli.expired", n=5, date="2026-01-10") in out
    code, out = run("verify", CODE, *w)
    assert code == 0
    assert "2 entries" in out
    code, out = run("reverse", str(event_id), "fraud", *w)
    assert code == 0, out  # a reversal after expiry: the balance goes to −5 (a debt)
    code, out = run("reverse", str(event_id), "again", *w, lang="zh-CN")
    assert code == 5
    assert "只有已接受或待审核的事件可以冲正" in out
    code, out = run("liability", CODE, "--json", *w)
    assert json.loads(out)["outstanding"] == -5


def test_refusals_and_review(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("log", CODE, "m-alice", "learn.quiz", "1", "kg", *w, lang="zh-CN")
    assert code == 2
    assert "单位 kg 与该行为不符" in out
    code, out = run("log", "nope", "m-alice", "learn.quiz", "1", "item", *w)
    assert code == 3
    code, out = run("log", CODE, "m-alice", "learn.quiz", "1", "item", "--at", "yesterday", *w)
    assert code == 2
    code, out = run("review", CODE, *w)
    assert code == 0
    assert EN("incl_ev.queue_empty") in out
    code, out = run("review", CODE, "--decide", "999", *w)
    assert code == 3
