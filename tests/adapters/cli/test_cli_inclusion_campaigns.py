"""``lingtan inclusion campaigns …`` (decision 0091): campaigns (add, list, show), the
leaderboard (the small team first under ``mean``), freeze, rewards (add, list) and redeem
through the services; refusals in the command line's language with the exit code of their
kind. The group :data:`campaigns_app` is run on its own. Workspace: :mod:`inclusion_campaigns_kit`
(quizzes recorded through the events service)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inclusion_campaigns_kit import (
    PROGRAMME,
    Kit,
    build_campaigns_workspace,
    seed_events,
    seed_programme,
    week,
)
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.cli.inclusion_campaigns import campaigns_app
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

runner = CliRunner()


def camp(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(campaigns_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Kit]:
    ws = build_campaigns_workspace(tmp_path / "ws")
    ctx = LocalContext(ws)
    with store_session(ctx) as db:
        kit = seed_programme(db, ctx)
        seed_events(db, ctx, kit)
    return ws, kit


def test_campaigns_leaderboard_freeze_rewards(seeded: tuple[Path, Kit]) -> None:
    ws, kit = seeded
    w = ("-w", str(ws))
    c = week()
    code, out = camp("add", PROGRAMME, c["code"], c["name"], c["start"], c["end"],
                     "--action", "learn.quiz", "--multiplier", "learn.quiz=2", *w)  # fmt: skip
    assert code == 0, out
    code, out = camp("list", PROGRAMME, *w, lang="zh-CN")
    assert code == 0, out
    assert "env-week" in out
    assert "每名活跃成员平均" in out
    code, out = camp("leaderboard", "env-week", "--scope", "team", "--json", *w)
    assert code == 0, out
    view = json.loads(out)
    assert [(r["subject"], r["score"]) for r in view["rows"]] == [("small", 15.0), ("big", 10.0)]
    code, out = camp("freeze", "env-week", *w)
    assert code == 0, out
    assert "2 leaderboards frozen" in out
    code, out = camp("leaderboard", "env-week", *w)
    assert code == 0, out
    assert "SHA-256" in out
    assert kit.refs["s0"] in out
    code, out = camp("freeze", "env-week", *w, lang="zh-CN")
    assert code == 5
    assert Translator("zh-CN")("incl_camp.err.frozen", code="env-week") in out.replace("\n", "")
    code, out = camp("add", PROGRAMME, "bad", "Bad", "2026-06-07", "2026-06-01", *w)
    assert code == 2, out
    code, out = camp("rewards", "add", PROGRAMME, "mug", "Mug", "15", "--stock", "1", *w)
    assert code == 0, out
    code, out = camp("rewards", "list", PROGRAMME, "--json", *w)
    assert [(r["code"], r["stock"]) for r in json.loads(out)] == [("mug", 1)]
    code, out = camp("redeem", PROGRAMME, kit.refs["s1"], "mug", *w)  # 10 < 15
    assert code == 5, out
    code, out = camp("redeem", PROGRAMME, kit.refs["s0"], "mug", *w)  # 20 ≥ 15
    assert code == 0, out
    assert "15 points): code " in out
    code, out = camp("redeem", PROGRAMME, kit.refs["s0"], "mug", *w)  # out of stock
    assert code == 5, out
    assert "out of stock" in out
    code, out = camp("show", "nope", *w)
    assert code == 3, out
