"""The local context (decision 0049): the command line's workspace, opened once, every action
allowed; and the import use case every caller shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from lingtan.adapters.services.context import Context, JobContext, LocalContext
from lingtan.adapters.services.errors import ServiceError, forbidden
from lingtan.adapters.services.imports import import_file
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
    steps: list[tuple[float, str]] = []
    rep = import_file(
        LocalContext(folder), fuel_file(folder), progress=lambda f, what: steps.append((f, what))
    )
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (1, 1, 0)
    assert [f for f, _ in steps] == [0.1, 0.5, 0.9]
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
