"""The local context (decision 0049): the command line's workspace, opened once, every action
allowed; and the import use case every caller shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from lingtan.adapters.services.context import Context, JobContext, LocalContext
from lingtan.adapters.services.errors import ServiceError, forbidden
from lingtan.adapters.services.imports import import_file
from lingtan.adapters.services.progress import IMPORT, ProgressEvent, Tracker
from lingtan.adapters.store.tenancy import ACTIONS, Action
from lingtan.adapters.store.workspace import Workspace, cli_actor, init_workspace


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    return tmp_path / "ws"


def fuel_file(folder: Path) -> Path:
    path = folder / "fuel.csv"
    path.write_text(
        "site,date,fuel,quantity,unit,use\nHQ,2023-05-01,diesel,1000,L,stationary\n",
        encoding="utf-8",
    )
    return path


def test_a_local_context_opens_its_workspace_once_as_the_os_user(folder: Path) -> None:
    ctx = LocalContext(folder)
    assert isinstance(ctx, Context)
    assert ctx.actor == cli_actor()
    ws = ctx.workspace()
    assert ctx.workspace() is ws
    assert ws.actor == cli_actor()
    assert ws.path == folder.resolve()


def test_a_local_context_allows_every_action_and_refuses_an_unknown_one(folder: Path) -> None:
    ctx = LocalContext(folder)
    for action in ACTIONS:
        assert ctx.can(action)
        ctx.require(action)
    with pytest.raises(ValueError, match="unknown action"):
        ctx.can("fly")  # type: ignore[arg-type]


def test_a_job_context_acts_for_whoever_queued_the_job(folder: Path) -> None:
    ws = LocalContext(folder, actor="user:7").workspace()
    job = JobContext(ws)
    assert isinstance(job, Context)
    assert job.workspace() is ws
    assert job.actor == "user:7"
    assert all(job.can(a) for a in ACTIONS)


def test_import_reports_progress_before_reading_storing_and_after(folder: Path) -> None:
    """The import's counts (decision 0052): the rows read (file lines, header included), the
    data rows checked, ``write`` 0 before anything is stored and ``write`` n once it is; a
    tracker of the import plan turns them into a fraction that only grows."""
    ctx = LocalContext(folder)

    def stored() -> list[str]:
        return sorted(p.name for p in ctx.workspace().batches_dir.glob("*.parquet"))

    heard: list[ProgressEvent] = []
    track = Tracker(IMPORT, heard.append)
    steps: list[tuple[str, int, int | None, list[str]]] = []

    def on(stage: str, done: int, total: int | None = None, *, part: float | None = None) -> None:
        steps.append((stage, done, total, stored()))  # what is stored when each report comes
        track(stage, done, total, part=part)

    rep = import_file(ctx, fuel_file(folder), progress=on)
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (1, 1, 0)
    # 2 lines read (header + 1 row), 1 row checked, 0 of 1 written, then 1 of 1
    assert [s[:3] for s in steps] == [("read", 2, 2), ("check", 1, 1), ("write", 0, 1),
                                      ("write", 1, 1)]  # fmt: skip
    assert steps[0][3] == []  # read: nothing stored yet
    assert steps[2][3] == []  # "write 0" comes before anything is stored
    assert steps[3][3] == stored() != []  # the last report: the batch's files are there
    # read 0.3 (its whole weight) → + check 0.5 → write 0 of 1 (0.8) → capped below the end
    assert [e.fraction for e in heard] == [0.3, 0.8, 0.8, 0.99]
    assert [e.key for e in heard] == [
        "progress.import.read", "progress.import.check", "progress.import.write",
        "progress.import.write",
    ]  # fmt: skip
    again = import_file(LocalContext(folder), fuel_file(folder))
    assert again.already_imported
    assert again.batch_id == rep.batch_id


@dataclass
class ReadOnly:
    """A caller who may only read (a viewer)."""

    path: Path
    actor: str = "viewer"

    def workspace(self) -> Workspace:
        return LocalContext(self.path, self.actor).workspace()

    def can(self, action: Action) -> bool:
        return action == "read"

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise forbidden(f"a viewer may not {action}")


def test_import_is_refused_to_a_caller_who_may_not_edit_data(folder: Path) -> None:
    with pytest.raises(ServiceError) as caught:
        import_file(ReadOnly(folder), fuel_file(folder))
    assert caught.value.kind == "forbidden"
    assert LocalContext(folder).workspace().batches() == []
