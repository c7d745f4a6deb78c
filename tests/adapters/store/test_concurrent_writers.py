"""Concurrent writers never corrupt a workspace (issue 11 item 5, decision 0036).

Several processes import the same file and different files into one workspace at the same
moment (a barrier releases them together), on the workspace's SQLite file and on PostgreSQL
(each trial its own scratch database): afterwards every batch's files exist, the workspace
check finds nothing, and the calculated totals equal those of a sequential import. A process
killed after writing its batch files and before recording them leaves a workspace that opens
consistent; a workspace damaged as lingtan 0.1 left it (the batch recorded, its Parquet file
gone) names the batch with its fix, and a re-import or ``lingtan doctor`` repairs it. Before
this fix, the first trial already failed: the losing process deleted the content-addressed
files the winner had just recorded.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.store.locks import WorkspaceBusyError
from lingtan.adapters.store.workspace import (
    FAULT_ENV,
    WorkspaceInconsistentError,
    check_workspace,
    init_workspace,
    open_workspace,
)

#: each trial chooses its store itself (the ``store`` fixture: SQLite, or a fresh PostgreSQL
#: database per trial)
pytestmark = pytest.mark.stores("sqlite", reason="each trial chooses its own store")

YEAR = "FY2023/24"
TRIALS = 2
HEAD = "site,date,fuel,quantity,unit\n"


def _csv(path: Path, start: int, n: int) -> Path:
    """Fuel rows of FY2023/24; ``start`` makes files of different rows (no overlap)."""
    rows = "".join(
        f"HQ,2023-{5 + i % 6:02d}-{1 + i % 27:02d},diesel,{start + i},L\n" for i in range(n)
    )
    path.write_text(HEAD + rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("files")
    return [_csv(d / "fuel_a.csv", 100, 60), _csv(d / "fuel_b.csv", 5000, 40),
            _csv(d / "fuel_c.csv", 9000, 20)]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A function giving each trial a fresh store: the workspace's SQLite file, or a scratch
    PostgreSQL database (``LINGTAN_DATABASE_URL``, inherited by the forked processes)."""
    from contextlib import ExitStack

    from pgkit import PostgresUnavailableError, scratch_database

    with ExitStack() as stack:

        def fresh() -> None:
            if request.param == "sqlite":
                monkeypatch.delenv("LINGTAN_DATABASE_URL", raising=False)
                return
            try:
                url = stack.enter_context(scratch_database("lingtan_cw_"))
            except PostgresUnavailableError as exc:
                if os.environ.get("CI"):
                    pytest.fail(f"PostgreSQL is required in CI: {exc}")
                pytest.skip(f"PostgreSQL not reachable: {exc}")
            monkeypatch.setenv("LINGTAN_DATABASE_URL", url)

        yield fresh


def _totals(ws_path: Path) -> dict[str, float]:
    from lingtan.adapters.services.calculation import calculate_year

    ws = open_workspace(ws_path)
    inv = calculate_year(ws, YEAR)
    ws.engine.dispose()
    return {k: round(float(v), 9) for k, v in inv.totals().items()}


def _child(ws_path: str, file: str, barrier: Any, out: Any) -> None:
    """One writer process: open the workspace, wait for the others, import."""
    try:
        ws = open_workspace(ws_path)
        barrier.wait(timeout=60)
        rep = import_file(ws, file)
        out.put(("already" if rep.already_imported else "stored", file))
    except BaseException as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _run_together(ws_path: Path, paths: list[Path]) -> list[tuple[str, str]]:
    ctx = mp.get_context("fork")  # the children share the test's imported modules: fast start
    barrier = ctx.Barrier(len(paths))
    out = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(str(ws_path), str(p), barrier, out)) for p in paths]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return results


def test_concurrent_imports_leave_every_workspace_consistent(
    store: Any, files: list[Path], tmp_path: Path
) -> None:
    a, b, c = files
    store()
    ref = init_workspace(tmp_path / "sequential", organisation="Seq Co")
    for f in files:
        import_file(ref, f)
    ref.engine.dispose()
    expected = _totals(ref.path)
    for trial in range(TRIALS):
        if trial:  # trial 0 shares the reference's store (another organisation on PostgreSQL)
            store()
        ws = init_workspace(tmp_path / f"trial{trial}", organisation=f"Trial {trial} Co")
        ws.engine.dispose()
        results = _run_together(ws.path, [a, a, b, c])  # two of the same file, two others
        assert [r for r in results if r[0] == "error"] == []
        same = sorted(kind for kind, f in results if f == str(a))
        assert same == ["already", "stored"]  # the loser is told "already imported"
        ws = open_workspace(ws.path)
        assert check_workspace(ws) == []
        assert sorted(x.file_name for x in ws.batches()) == ["fuel_a.csv", "fuel_b.csv",
                                                              "fuel_c.csv"]  # fmt: skip
        assert all(p.is_file() for p in ws.activity_files())
        ws.engine.dispose()
        assert _totals(ws.path) == expected


def _killed_child(ws_path: str, file: str) -> None:
    os.environ[FAULT_ENV] = "batch-files-written"
    import_file(open_workspace(ws_path), file)


def test_a_writer_killed_mid_import_leaves_a_consistent_workspace(
    store: Any, files: list[Path], tmp_path: Path
) -> None:
    store()
    ws = init_workspace(tmp_path / "ws", organisation="Crash Co")
    ws.engine.dispose()
    proc = mp.get_context("fork").Process(target=_killed_child, args=(str(ws.path), str(files[0])))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -9  # SIGKILL after the Parquet files were written
    assert any(ws.batches_dir.iterdir())  # its files are there, unrecorded
    ws = open_workspace(ws.path)  # the lock died with the process: the sweep runs
    assert list(ws.batches_dir.iterdir()) == []
    assert ws.problems == []
    assert ws.batches() == []
    assert not import_file(ws, files[0]).already_imported  # the import can simply be redone
    assert check_workspace(ws) == []
    ws.engine.dispose()


def test_a_damaged_workspace_is_named_and_repaired(
    store: Any, files: list[Path], tmp_path: Path
) -> None:
    store()
    ws = init_workspace(tmp_path / "ws", organisation="Damaged Co")
    batch = import_file(ws, files[1]).batch_id
    for p in ws.activity_files():  # what two racing 0.1 imports left: record, no file
        p.unlink()
    ws = open_workspace(ws.path)
    assert [(p.id, p.repairable) for p in ws.problems] == [(batch, True)]
    with pytest.raises(WorkspaceInconsistentError, match=r"fuel_b\.csv.*lingtan doctor"):
        ws.activity_files()
    rep = import_file(ws, files[1])  # re-importing the file repairs its batch
    assert rep.already_imported
    assert rep.repaired
    assert check_workspace(ws) == []
    for p in ws.activity_files():
        p.unlink()
    res = CliRunner().invoke(app, ["doctor", "-w", str(ws.path)])
    assert res.exit_code == 0, res.output
    assert "repaired batch" in res.output
    assert check_workspace(ws) == []
    ws.engine.dispose()


def test_a_writer_waits_then_is_told_busy(files: list[Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("LINGTAN_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path / "ws", organisation="Busy Co")
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with ws.write_lock():
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    try:
        monkeypatch.setenv("LINGTAN_LOCK_TIMEOUT_S", "0.2")
        with pytest.raises(WorkspaceBusyError, match=r"busy.*nothing was changed"):
            import_file(ws, files[2])
        res = CliRunner().invoke(app, ["import", str(files[2]), "-w", str(ws.path)])
        assert res.exit_code == 75  # EX_TEMPFAIL: try again
    finally:
        release.set()
        t.join()
    assert ws.batches() == []
    assert not import_file(ws, files[2]).already_imported
    ws.engine.dispose()
