"""``lingtan backup`` / ``restore`` (an embedded workspace), ``lingtan export-org`` and
``lingtan admin purge-due`` (a server's store): the data lifecycle (issue 11, decision 0039).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lingtan.adapters.cli.admin import DatabaseOpt, store_engine, users_reset_password
from lingtan.adapters.cli.common import fail
from lingtan.core.errors import LingtanError

lifecycle_app = typer.Typer()
admin_app = typer.Typer(
    help="Server administration: data lifecycle, password reset.", no_args_is_help=True
)
lifecycle_app.add_typer(admin_app, name="admin")
#: the operator's password reset, also under ``admin`` (same command as ``users reset-password``)
admin_app.command("reset-password")(users_reset_password)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]


@lifecycle_app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="Backup file to write (.zip; must not exist).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Back up a workspace (its store, copied consistently while others write, and its files)
    into one zip with a manifest of sha256 hashes."""
    from lingtan.adapters.store.backup import backup_workspace

    try:
        manifest = backup_workspace(workspace, path)
    except LingtanError as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"Backed up {workspace.resolve()} to {path} ({len(manifest['files'])} files, "
        f"schema {manifest['schema_revision']}).",
        markup=False,
        highlight=False,
    )


@lifecycle_app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="Backup file written by 'lingtan backup'.")],
    workspace: WorkspaceOpt = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Replace a workspace that is not empty.")
    ] = False,
) -> None:
    """Restore a workspace from a backup: every hash is checked before anything is written;
    a non-empty folder is replaced only with --force."""
    from lingtan.adapters.store.backup import restore_workspace
    from lingtan.adapters.store.workspace import open_workspace

    try:
        manifest = restore_workspace(path, workspace, force=force)
        ws = open_workspace(workspace)
    except LingtanError as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"Restored {len(manifest['files'])} files into {ws.path} (backup of "
        f"{manifest['created_at']}; {len(ws.batches())} active batches).",
        markup=False,
        highlight=False,
    )


@lifecycle_app.command("export-org")
def export_org(
    path: Annotated[Path, typer.Argument(help="Zip file to write (must not exist).")],
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation slug (server store).")
    ] = None,
    database: DatabaseOpt = None,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Export this embedded workspace.")
    ] = None,
) -> None:
    """Export everything an organisation owns (rows as JSON Lines, workspace files, audit
    chain, manifest of hashes) into a zip: PIPL art. 45, GDPR art. 20."""
    from lingtan.adapters.store.lifecycle import export_organisation
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import organisation_by_slug
    from lingtan.adapters.store.workspace import cli_actor, open_workspace

    if path.exists():
        raise fail(f"{path} exists; choose a new file name")
    try:
        if workspace is not None:
            ws = open_workspace(workspace)
            engine, org_id = ws.engine, ws.organisation_id
        else:
            if not org:
                raise fail("name the organisation (--org SLUG) or a workspace (--workspace)")
            engine = store_engine(database, None)
            with system_session(engine) as db:
                o = organisation_by_slug(db, org)
                if o is None:
                    raise fail(f"no organisation {org!r}")
                org_id = int(o.id)
        manifest = export_organisation(engine, org_id, path, actor=cli_actor())
    except LingtanError as exc:
        path.unlink(missing_ok=True)
        raise fail(str(exc)) from exc
    rows = sum(manifest["rows"].values())
    out.print(
        f"Exported {manifest['organisation']['slug']} to {path}: {rows} rows, "
        f"{len(manifest['files'])} files.",
        markup=False,
        highlight=False,
    )


@admin_app.command("purge-due")
def purge_due_cmd(database: DatabaseOpt = None) -> None:
    """Purge the organisations whose deletion grace period is over (rows and workspace
    folder), then check the system audit chain."""
    from lingtan.adapters.store.audit import verify_system
    from lingtan.adapters.store.lifecycle import purge_due
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.workspace import cli_actor

    engine = store_engine(database, None)
    purged = purge_due(engine, actor=cli_actor())
    for p in purged:
        folder = "folder removed" if p.folder_removed else f"folder left: {p.folder}"
        out.print(
            f"purged {p.slug}: {sum(p.rows.values())} rows; {folder}", markup=False, highlight=False
        )
    if not purged:
        out.print("no organisation is due for purging")
    with system_session(engine) as db:
        v = verify_system(db)
    if not v.ok:
        raise fail(f"system audit chain broken at entry {v.first_bad_id}: {v.reason}")
    out.print(f"system audit chain: {v.entries} entries, ok (head {v.heads.get(0, '-')[:16]})")


@admin_app.command("delete-org")
def delete_org(
    org: Annotated[str, typer.Argument(help="Organisation slug.")],
    confirm: Annotated[str, typer.Option("--confirm", help="The slug again, to confirm.")],
    grace_days: Annotated[
        int | None,
        typer.Option(min=0, help="Days before the purge (default LINGTAN_DELETION_GRACE_DAYS)."),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Schedule an organisation's deletion (purged by 'lingtan admin purge-due' after the
    grace period; cancel with 'lingtan admin cancel-deletion')."""
    from datetime import timedelta

    from lingtan.adapters.store import lifecycle
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import organisation_by_slug
    from lingtan.adapters.store.workspace import cli_actor

    engine = store_engine(database, None)
    grace = timedelta(days=grace_days) if grace_days is not None else lifecycle.grace_period()
    with system_session(engine, actor=cli_actor()) as db:
        o = organisation_by_slug(db, org)
        if o is None:
            raise fail(f"no organisation {org!r}")
        try:
            d = lifecycle.request_deletion(db, o, confirm=confirm, actor=cli_actor(), grace=grace)
        except (ValueError, lifecycle.DeletionPendingError) as exc:
            raise fail(str(exc)) from exc
    out.print(f"{org} will be purged after {d.due_at:%Y-%m-%d %H:%M} UTC", highlight=False)


@admin_app.command("cancel-deletion")
def cancel_deletion_cmd(
    org: Annotated[str, typer.Argument(help="Organisation slug.")],
    database: DatabaseOpt = None,
) -> None:
    """Cancel an organisation's pending deletion."""
    from lingtan.adapters.store import lifecycle
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import organisation_by_slug
    from lingtan.adapters.store.workspace import cli_actor

    engine = store_engine(database, None)
    with system_session(engine, actor=cli_actor()) as db:
        o = organisation_by_slug(db, org)
        if o is None:
            raise fail(f"no organisation {org!r}")
        try:
            lifecycle.cancel_deletion(db, o, actor=cli_actor())
        except LookupError as exc:
            raise fail(str(exc)) from exc
    out.print(f"deletion of {org} cancelled", highlight=False)
