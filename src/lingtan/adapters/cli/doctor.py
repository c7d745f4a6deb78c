"""``lingtan doctor``: check a workspace's files against its records and repair what can be
repaired (issue 11 item 5; decision 0036).

It lists every batch and snapshot whose files are missing, rewrites a batch's missing files
from the workspace's stored copy of the original file (or says to import the file again when
that copy is gone too), removes files no record refers to (left by a killed process), all under
the workspace write lock, and says which fiscal years to calculate again for a snapshot whose
folder is gone (``lingtan calc`` rewrites it).

Exit codes: 0 consistent (or repaired); 1 the workspace could not be opened; 3 problems remain
(listed, with their fix); 75 the workspace is busy (another writer), try again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lingtan.adapters.cli.common import fail
from lingtan.core.errors import LingtanError

doctor_app = typer.Typer()
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
PROBLEMS_LEFT = 3
#: sysexits EX_TEMPFAIL: the workspace was busy; nothing changed, try again
BUSY = 75


@doctor_app.command("doctor")
def doctor(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
    ] = Path("."),
    repair: Annotated[
        bool, typer.Option("--repair/--check", help="Repair what can be repaired (default).")
    ] = True,
) -> None:
    """Check that every import batch and snapshot has its files; repair what can be repaired."""
    from lingtan.adapters.io.importer import repair_from_copy
    from lingtan.adapters.store.locks import WorkspaceBusyError
    from lingtan.adapters.store.workspace import check_workspace, open_workspace, sweep_orphans

    try:
        ws = open_workspace(workspace)
        if repair:
            removed = sweep_orphans(ws, timeout=None)  # waits for other writers
            for f in removed:
                out.print(f"removed {f.name}: no record refers to it", highlight=False)
        problems = check_workspace(ws)
        left = []
        for p in problems:
            if repair and p.kind == "batch" and p.repairable:
                written = repair_from_copy(ws, ws.batch(p.id))
                out.print(
                    f"repaired batch {p.id[:12]} ({p.name}): wrote {', '.join(written)}",
                    highlight=False,
                )
            else:
                left.append(p)
    except WorkspaceBusyError as exc:
        err.print(f"[bold yellow]busy:[/] {exc}", highlight=False)
        raise typer.Exit(BUSY) from exc
    except LingtanError as exc:
        raise fail(exc) from exc
    for p in left:
        err.print(f"[bold red]problem:[/] {p}", highlight=False)
    if left:
        raise typer.Exit(PROBLEMS_LEFT)
    out.print(f"workspace {ws.path} is consistent")
