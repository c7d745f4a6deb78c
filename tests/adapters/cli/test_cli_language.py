"""The command line speaks one language (issue 13): the progress bars, the rejected rows' reasons
and the refusals all follow ``lingtan.adapters.cli.common.cli_locale`` — ``LINGTAN_LANG``, else
``LC_ALL`` or ``LANG`` starting with ``zh`` → zh-CN, else English."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from lingtan.adapters.cli import progress as cli_progress
from lingtan.adapters.cli.common import cli_locale
from lingtan.adapters.cli.main import app
from lingtan.adapters.services.progress import render

runner = CliRunner()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    res = runner.invoke(app, ["init", str(tmp_path / "ws"), "--organisation", "Test Co"])
    assert res.exit_code == 0, res.output
    return tmp_path / "ws"


def _import(ws: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> tuple[str, str]:
    """(bars, standard error) of importing a file with one good and one bad row under ``env``."""
    for name in ("LINGTAN_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    f = ws / "electricity.csv"
    f.write_text("site,date,quantity,unit\nHQ,2023-05-01,10,MWh\nHQ,2023-05-01,-x,MWh\n", "utf-8")
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(cli_progress, "terminal", lambda: con)
    res = runner.invoke(app, ["import", str(f), "-w", str(ws)])
    assert res.exit_code == 2, res.output  # a row rejected
    return buf.getvalue(), res.stderr


@pytest.mark.parametrize(
    ("env", "locale"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_GB.UTF-8"}, "zh-CN"),
        ({"LINGTAN_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LINGTAN_LANG": "zh", "LC_ALL": "C"}, "zh-CN"),
        ({}, "en"),
    ],
)
def test_bars_and_row_reasons_speak_the_same_language(
    ws: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], locale: str
) -> None:
    bars, stderr = _import(ws, monkeypatch, env)
    assert cli_locale() == locale
    other = "en" if locale == "zh-CN" else "zh-CN"
    # the bars: 3 lines read (header + 2 rows), 2 rows checked, 1 row written
    for key, done, total in (("read", 3, 3), ("check", 2, 2), ("write", 1, 1)):
        params = {"done": done, "total": total}
        assert render(f"progress.import.{key}", params, locale) in bars
        assert render(f"progress.import.{key}", params, other) not in bars
    # the rejected row's reason, in the same language
    reason = {
        "zh-CN": "electricity.csv，第 3 行，“quantity”列：不是数字（值：'-x'）",
        "en": "electricity.csv, row 3, column 'quantity': not a number (value: '-x')",
    }
    assert reason[locale] in stderr, stderr
    assert reason[other] not in stderr
