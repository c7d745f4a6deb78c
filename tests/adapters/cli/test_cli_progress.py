"""``lingtan import`` and ``lingtan calc`` draw progress bars on a terminal and print nothing
extra in a pipe (issue 13 item 3, decision 0052)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from lingtan.adapters.cli import progress as cli_progress
from lingtan.adapters.cli.main import app
from lingtan.adapters.i18n.messages import catalogue

runner = CliRunner()
YEAR = "FY2023/24"
ROWS = 4_500  # two report intervals and a half


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    res = runner.invoke(app, ["init", str(tmp_path / "ws"), "--organisation", "Test Co"])
    assert res.exit_code == 0, res.output
    return tmp_path / "ws"


def _electricity(path: Path) -> Path:
    lines = ["site,date,quantity,unit"]
    lines += [f"HQ,2023-{4 + i % 9:02d}-01,{i + 1},MWh" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _progress_texts(locale: str = "en") -> list[str]:
    """The fixed words of every progress message (the part before a parameter)."""
    texts = catalogue(locale)
    return [
        v.split("{")[0].strip() or v.split("}")[-1].strip()
        for k, v in texts.items()
        if k.startswith(("progress.import.", "progress.calculate.", "progress.cli."))
    ]


def test_in_a_pipe_stdout_stays_machine_clean(ws: Path) -> None:
    f = _electricity(ws / "electricity.csv")
    res = runner.invoke(app, ["import", str(f), "-w", str(ws)])
    assert res.exit_code == 0, res.output
    (line,) = res.stdout.splitlines()  # one line per file, nothing else
    assert line.startswith(f"{f}: template 'electricity', {ROWS} rows read, {ROWS} accepted")
    calc = runner.invoke(app, ["calc", "-y", YEAR, "-w", str(ws)])
    assert calc.exit_code == 0, calc.output
    for out in (res.stdout, res.stderr, calc.stdout, calc.stderr):
        found = [t for t in _progress_texts() if t and t in out]
        assert not found, found


def test_a_real_pipe_gets_no_bars_even_with_force_color(ws: Path) -> None:
    f = _electricity(ws / "electricity.csv")
    exe = Path(sys.executable).with_name("lingtan")
    env = {**os.environ, "FORCE_COLOR": "1", "LINGTAN_LANG": "en"}
    done = subprocess.run(
        [str(exe), "import", str(f), "-w", str(ws)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no bar, no live display (rich hides the cursor for one)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout)  # FORCE_COLOR colours stdout
    assert len(plain.splitlines()) == 1
    assert f"{ROWS} rows read, {ROWS} accepted" in plain


def _forced() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=120, color_system=None), buf


def test_on_a_terminal_the_bars_show_rows_and_stages(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _electricity(ws / "electricity.csv")
    con, buf = _forced()
    monkeypatch.setattr(cli_progress, "terminal", lambda: con)
    monkeypatch.setenv("LINGTAN_LANG", "en")
    res = runner.invoke(app, ["import", str(f), "-w", str(ws)])
    assert res.exit_code == 0, res.output
    shown = buf.getvalue()
    assert f"Importing {f}" in shown
    for text in ("2,000 lines read", f"{ROWS + 1:,} of {ROWS + 1:,} lines read",
                 f"4,000 of {ROWS:,} rows checked", f"{ROWS:,} of {ROWS:,} rows checked",
                 f"{ROWS:,} of {ROWS:,} rows written"):  # fmt: skip
        assert text in shown, text
    assert len(res.stdout.splitlines()) == 1  # the bars went to the terminal, not stdout

    con, buf = _forced()
    monkeypatch.setattr(cli_progress, "terminal", lambda: con)
    monkeypatch.setenv("LINGTAN_LANG", "zh-CN")
    calc = runner.invoke(app, ["calc", "-y", YEAR, "-w", str(ws)])
    assert calc.exit_code == 0, calc.output
    shown = buf.getvalue()
    zh = catalogue("zh-CN")
    assert f"正在计算 {YEAR}" in shown
    for key in ("library", "resolve", "calculate", "aggregate", "store"):
        assert zh[f"progress.calculate.{key}"] in shown, key
    assert "正在汇总活动数据：1 / 1 个批次" in shown
