"""Import hardening: fix and re-import quarantined rows, duplicates across batches, corrections
that supersede, and a crash or kill mid-import leaving the workspace as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services.calculation import calculate_year
from lingtan.adapters.store.workspace import Workspace, init_workspace, open_workspace
from lingtan.core.activities import keys_path, month_sums_path

GOOD = "site,date,fuel,quantity,unit\nHQ,2023-05-01,diesel,1000,L\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", organisation="Test Co")


def lingtan(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def test_fix_and_reimport(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "fuel.csv"
    bad.write_text(GOOD + "HQ,2023-05-02,diesel,ten,L\nHQ,2023-05-03,disel,5,L\n",
                   encoding="utf-8")  # fmt: skip
    rep = import_file(ws, bad)
    assert (rep.rows_accepted, rep.rows_rejected) == (1, 2)
    fix = tmp_path / "fuel_fix.csv"
    code, out = lingtan("quarantine", "-w", str(ws.path), "--batch", rep.batch_id[:12],
                        "--export", str(fix))  # fmt: skip
    assert code == 0, out
    lines = fix.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["site,date,fuel,quantity,unit", "HQ,2023-05-02,diesel,ten,L",
                     "HQ,2023-05-03,disel,5,L"]  # fmt: skip
    reasons = fix.with_suffix(".issues.csv").read_text(encoding="utf-8")
    assert "quantity" in reasons
    assert "fuel" in reasons
    fix.write_text("site,date,fuel,quantity,unit\nHQ,2023-05-02,diesel,10,L\n"
                   "HQ,2023-05-03,diesel,5,L\n", encoding="utf-8")  # fmt: skip
    code, out = lingtan("import", str(fix), "-w", str(ws.path), "--fixes", rep.batch_id[:12])
    assert code == 0, out
    ws = open_workspace(ws.path)
    assert ws.quarantine() == []
    assert len(ws.quarantine(open_only=False)) == 2
    inv = calculate_year(ws, "FY2023/24")
    assert inv.total("market", scope=1, category=1) > 0


def test_duplicates_are_reported_and_corrections_supersede(ws: Workspace, tmp_path: Path) -> None:
    first = tmp_path / "fuel.csv"
    first.write_text(GOOD, encoding="utf-8")
    a = import_file(ws, first)
    again = tmp_path / "fuel_copy.csv"
    again.write_text(GOOD + "\n", encoding="utf-8")  # same rows, different bytes
    b = import_file(ws, again, append=True)  # refused without: 100 % repeat (decision 0030)
    assert b.duplicates == [(2, a.batch_id)]
    total_twice = calculate_year(ws, "FY2023/24").total("market", scope=1)
    corrected = tmp_path / "fuel_corrected.csv"
    corrected.write_text(GOOD.replace("1000", "1200"), encoding="utf-8")
    c = import_file(open_workspace(ws.path), corrected, supersedes=b.batch_id[:12])
    assert c.duplicates == []  # the superseded batch is not compared
    ws = open_workspace(ws.path)
    assert [x.id for x in ws.batches()] == [a.batch_id, c.batch_id]
    total = calculate_year(ws, "FY2023/24").total("market", scope=1)
    assert total == pytest.approx(total_twice * 2200 / 2000)


def _state(ws_path: Path) -> tuple[list[str], list[str]]:
    ws = open_workspace(ws_path)
    return [b.id for b in ws.batches(active_only=False)], sorted(
        p.name for p in ws.batches_dir.iterdir()
    )


CRASH = textwrap.dedent("""
    import os, sys
    from sqlalchemy.orm import SessionTransaction
    from lingtan.adapters.store.workspace import open_workspace
    from lingtan.adapters.io.importer import import_file
    real = SessionTransaction.commit
    def crash(self, *args, **kwargs):
        if os.environ.get("ARMED"):
            os._exit(86)  # the process dies after the files are in place, before the commit
        return real(self, *args, **kwargs)
    SessionTransaction.commit = crash
    ws = open_workspace(sys.argv[1])
    os.environ["ARMED"] = "1"
    import_file(ws, sys.argv[2])
""")


def test_crash_before_commit_leaves_the_workspace_as_before(ws: Workspace, tmp_path: Path) -> None:
    first = tmp_path / "fuel.csv"
    first.write_text(GOOD, encoding="utf-8")
    import_file(ws, first)
    before = _state(ws.path)
    total_before = calculate_year(open_workspace(ws.path), "FY2023/24").total("market")
    other = tmp_path / "electricity.csv"
    other.write_text("site,date,quantity,unit\nHQ,2023-05-01,100,MWh\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", CRASH, str(ws.path), str(other)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 86, proc.stderr
    assert _state(ws.path) == before  # no batch row; stray files swept on open
    assert calculate_year(open_workspace(ws.path), "FY2023/24").total("market") == total_before


def test_kill_at_any_moment_gives_all_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    big = tmp_path / "electricity.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("site,date,quantity,unit\n")
        for i in range(60_000):
            fh.write(f"HQ,2023-{4 + i % 9:02d}-{1 + i % 28:02d},{1 + i % 97},kWh\n")
    expected_rows = 60_000
    outcomes = set()
    for delay in (0.2, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "lingtan.adapters.cli.main", "import", str(big),
             "-w", str(ws.path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = open_workspace(ws.path)
        batches = now.batches(active_only=False)
        files = sorted(p.name for p in now.batches_dir.iterdir())
        if batches:  # complete: the batch and all its files, every row
            (b,) = batches
            assert b.rows_accepted == expected_rows
            keys = keys_path(now.batches_dir / b.activities_file).name  # integer-key sidecar
            sums = month_sums_path(now.batches_dir / b.activities_file).name  # month sums
            assert sorted(n for n in (b.activities_file, keys, sums, b.source_file) if n) == files
            outcomes.add("complete")
            break
        assert files == []  # nothing at all
        outcomes.add("nothing")
    assert outcomes  # at least one interrupted or completed run was checked


def test_reopening_keeps_the_key_dictionaries(ws: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "fuel.csv"
    src.write_text(GOOD, encoding="utf-8")
    import_file(ws, src)
    (path,) = open_workspace(ws.path).activity_files()  # the orphan sweep runs on open
    assert keys_path(Path(path)).is_file()  # the integer-key sidecar is not an orphan
