"""``lingtan users …`` and ``lingtan orgs …``: administration of a server's store.

The store is ``--database`` (a SQLAlchemy URL), else ``LINGTAN_DATABASE_URL``, else the
server's default SQLite file ``<LINGTAN_DATA_DIR>/lingtan.db``; ``--workspace DIR`` names an
embedded workspace's own store instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from lingtan.core.errors import LingtanError

admin_app = typer.Typer()
users_app = typer.Typer(help="Users of a lingtan server.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations of a lingtan server.", no_args_is_help=True)
admin_app.add_typer(users_app, name="users")
admin_app.add_typer(orgs_app, name="orgs")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
PASSWORD_ENV = "LINGTAN_PASSWORD"

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Store URL (default: LINGTAN_DATABASE_URL, else <LINGTAN_DATA_DIR>/lingtan.db).",
    ),
]
WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Use this workspace's own store.")
]


def store_engine(database: str | None, workspace: Path | None) -> Engine:
    """The engine of the store the command works on, migrated."""
    from lingtan.adapters.api.settings import ServerSettings
    from lingtan.adapters.store.db import make_engine, migrate

    if workspace is not None:
        from lingtan.adapters.store.workspace import open_workspace

        return open_workspace(workspace).engine
    settings = ServerSettings.from_env()
    if not database and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database or settings.store_url)
    migrate(engine)
    return engine


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(1)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="E-mail address (the login).")],
    org: Annotated[str, typer.Option("--org", help="Organisation slug.")],
    role: Annotated[str, typer.Option(help="owner | admin | analyst | viewer | auditor")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    database: DatabaseOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Create a user (or update their password) with a role in an organisation. The password
    comes from LINGTAN_PASSWORD or is asked for."""
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.scoping import system_session

    password = os.environ.get(PASSWORD_ENV) or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    engine = store_engine(database, workspace)
    try:
        with system_session(engine, actor="lingtan users add") as db:
            user = create_user(db, email, password, name, {org: role})
    except LingtanError as exc:
        raise _fail(str(exc)) from exc
    finally:
        engine.dispose()
    out.print(f"{user.email}: {role} of {org}", highlight=False)


@orgs_app.command("list")
def orgs_list(database: DatabaseOpt = None, workspace: WorkspaceOpt = None) -> None:
    """List organisations: slug, name, members, workspace folder."""
    from sqlalchemy import func, select

    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import Membership, Organisation

    engine = store_engine(database, workspace)
    try:
        with system_session(engine) as db:
            rows = db.execute(
                select(Organisation, func.count(Membership.user_id))
                .outerjoin(Membership, Membership.organisation_id == Organisation.id)
                .group_by(Organisation.id)
                .order_by(Organisation.slug)
            ).all()
            for org, members in rows:
                out.print(
                    f"{org.slug:24} {org.name:32} {members:3} members  {org.workspace_path or '-'}",
                    highlight=False,
                    markup=False,
                )
            if not rows:
                out.print("No organisations.")
    finally:
        engine.dispose()


@orgs_app.command("add")
def orgs_add(
    slug: Annotated[str, typer.Argument(help="URL name: lower-case letters, digits, '-'.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    data_dir: Annotated[
        Path, typer.Option(envvar="LINGTAN_DATA_DIR", help="Folder of the workspaces.")
    ] = Path("lingtan-data"),
    region: Annotated[str, typer.Option(help="Default region (ISO 3166).")] = "CN",
    fiscal_start_month: Annotated[int, typer.Option(help="First month of the fiscal year.")] = 4,
    database: DatabaseOpt = None,
) -> None:
    """Create an organisation with its workspace folder <data-dir>/orgs/<slug>/."""
    from lingtan.adapters.store.bootstrap import create_organisation
    from lingtan.adapters.store.scoping import system_session

    engine = store_engine(database, None)
    try:
        with system_session(engine, actor="lingtan orgs add") as db:
            org = create_organisation(
                db, slug=slug, name=name, data_dir=data_dir, region=region,
                start_month=fiscal_start_month,
            )  # fmt: skip
            db.commit()
            out.print(f"{org.slug}: {org.name}, workspace {org.workspace_path}", highlight=False)
    except LingtanError as exc:
        raise _fail(str(exc)) from exc
    finally:
        engine.dispose()
