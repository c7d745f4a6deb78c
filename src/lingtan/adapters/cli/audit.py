"""``lingtan audit …``: check the audit log's hash chains.

Exit codes: 0 the log verifies; 1 an entry was changed or removed (the first bad one is named).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

audit_app = typer.Typer(help="The audit log (append-only, hash-chained).", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@audit_app.command("verify")
def verify_cmd(
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Store URL (default: LINGTAN_DATABASE_URL, else <LINGTAN_DATA_DIR>/lingtan.db).",
        ),
    ] = None,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Check this workspace's own store.")
    ] = None,
) -> None:
    """Recompute every entry's hash and link; report OK or the first bad entry."""
    from lingtan.adapters.cli.admin import store_engine
    from lingtan.adapters.services.audit import verify_store

    engine = store_engine(database, workspace)
    try:
        v, slugs = verify_store(engine)
    finally:
        engine.dispose()
    if not v.ok:
        err.print(
            f"[bold red]BAD[/]: audit entry {v.first_bad_id}: {v.reason} "
            f"({v.entries} entries read)",
            highlight=False,
        )
        raise typer.Exit(1)
    out.print(f"OK: {v.entries} audit entries verified", highlight=False)
    for org_id, head in sorted(v.heads.items()):
        out.print(f"  {slugs.get(org_id, org_id)}: head {head}", highlight=False)
