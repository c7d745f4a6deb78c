"""``lingtan inclusion scale …`` (decision 0093) on a workspace folder: archive, leaderboard and
report in both languages, and a refusal with its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inclusion_scale_kit import PROGRAMME, store_events
from lingtan.adapters.cli.common import local_context, store_session
from lingtan.adapters.cli.inclusion_scale import scale_app

runner = CliRunner()


def _run(ws: Path, *args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(scale_app, [*args, "-w", str(ws)],
                        env={"LINGTAN_LANG": lang, "COLUMNS": "200"})  # fmt: skip
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(tmp_path, organisation="Scale Co", region="CN").engine.dispose()
    with store_session(local_context(tmp_path)) as db:
        store_events(db)
    return tmp_path


def test_archive_leaderboard_report(ws: Path) -> None:
    code, out = _run(ws, "archive", PROGRAMME)
    assert code == 0, out
    assert "10 events archived" in out
    assert "2024-02, 2024-03, 2024-04, 2024-05" in out
    code, out = _run(ws, "leaderboard", PROGRAMME, "--from", "2024-03-01", "--to", "2024-04-30",
                     "--json")  # fmt: skip
    assert code == 0, out
    assert [(r["key"], r["points"]) for r in json.loads(out)] == [
        ("a2", 15),
        ("a1", 15),
        ("a3", 15),
        ("a5", 8),
    ]
    code, out = _run(ws, "leaderboard", PROGRAMME, "--from", "2024-03-15", "--to", "2024-04-05",
                     "--scope", "team", lang="zh-CN")  # fmt: skip
    assert code == 0, out
    assert "排行榜" in out
    assert "活跃成员数" in out
    lines = [ln.split() for ln in out.splitlines() if ln.strip().startswith(("1 ", "2 "))]
    assert [ln[1] for ln in lines] == ["T2", "T1"]
    code, out = _run(ws, "report", PROGRAMME, lang="zh-CN")
    assert code == 0, out
    assert "已受理事件 8 条" in out
    assert "避免排放" in out
    assert "已冲正" in out


def test_refusals_in_the_users_language(ws: Path) -> None:
    code, out = _run(ws, "leaderboard", PROGRAMME, "--from", "2024-03-01", "--to", "2024-03-31",
                     lang="zh-CN")  # fmt: skip
    assert code == 3
    assert "尚无已归档的事件" in out
    code, out = _run(ws, "leaderboard", PROGRAMME, "--from", "2024-3-1x", "--to", "2024-03-31")
    assert code == 2
    assert "is not a date" in out
    code, out = _run(ws, "archive", "nope")
    assert code == 3, out
