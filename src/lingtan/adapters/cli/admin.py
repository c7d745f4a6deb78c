"""``lingtan users …`` (``users reset-password`` included) and ``lingtan orgs …``: administration
of a server's store by its operator (decision 0034: organisations invite; only the operator
creates accounts directly and resets any account's password).

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

from lingtan.adapters.cli.common import fail
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
    from lingtan.adapters.services.settings import ServerSettings
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


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="E-mail address (the login).")],
    org: Annotated[str, typer.Option("--org", help="Organisation slug.")],
    role: Annotated[str, typer.Option(help="owner | admin | analyst | viewer | auditor")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    database: DatabaseOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Give a user a role in an organisation (the operator's bootstrap path, e.g. the first
    owner). A new user's password comes from LINGTAN_PASSWORD or is asked for; an existing
    account keeps its password (reset it with 'lingtan users reset-password')."""
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    engine = store_engine(database, workspace)
    try:
        with system_session(engine, actor="lingtan users add") as db:
            exists = user_by_email(db, email) is not None
            password = None
            if not exists:
                password = os.environ.get(PASSWORD_ENV) or typer.prompt(
                    "Password", hide_input=True, confirmation_prompt=True
                )
            user = create_user(db, email, password, name, {org: role})
    except LingtanError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    kept = " (existing account: password unchanged)" if exists else ""
    out.print(f"{user.email}: {role} of {org}{kept}", highlight=False)


@users_app.command("reset-password")
def users_reset_password(
    email: Annotated[str, typer.Argument(help="E-mail address of the account.")],
    set_password: Annotated[
        bool,
        typer.Option(
            "--set", help="Set the password here (LINGTAN_PASSWORD or asked) instead of a link."
        ),
    ] = False,
    minutes: Annotated[int, typer.Option(help="How long the link works [min].")] = 60,
    remove_second_factor: Annotated[
        bool, typer.Option("--remove-second-factor", help="Also remove the account's TOTP.")
    ] = False,
    base_url: Annotated[
        str, typer.Option(envvar="LINGTAN_BASE_URL", help="Public address of the server.")
    ] = "http://127.0.0.1:8000",
    database: DatabaseOpt = None,
) -> None:
    """Reset an account's password on the server's store (the operator's path, for any
    account): print a single-use link for its owner, or --set the password. Either way every
    web session of the account ends and every API token of it is revoked."""
    from lingtan.adapters.store import auth, passwords
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    new = None
    if set_password:
        new = os.environ.get(PASSWORD_ENV) or typer.prompt(
            "New password", hide_input=True, confirmation_prompt=True
        )
        problem = passwords.password_problem(new, email)
        if problem:
            raise fail(f"password: {problem}")
    engine = store_engine(database, None)
    try:
        with system_session(engine, actor="lingtan users reset-password") as db:
            user = user_by_email(db, email)
            if user is None:
                raise fail(f"no account {email!r}")
            if remove_second_factor and user.totp_enabled:
                user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
                user.totp_recovery = None  # its recovery codes too
                db.commit()
                out.print(f"{user.email}: second factor removed", highlight=False)
            if new is not None:
                auth.set_password(db, user, new)
                ended = auth.end_all_sessions(db, user.id)
                revoked = auth.revoke_all_tokens(db, user.id)
                out.print(
                    f"{user.email}: password set; {ended} sessions ended, {revoked} API tokens "
                    "revoked",
                    highlight=False,
                )
                return
            secret = passwords.new_reset(
                db, user.id, issued_by="lingtan users reset-password", minutes=minutes
            )
            db.commit()
    finally:
        engine.dispose()
    out.print(
        f"One-time link for {user.email} (valid {minutes} min; pass it on to them):",
        highlight=False,
    )
    out.print(f"{base_url.rstrip('/')}/reset/{secret}", highlight=False, markup=False)


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
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
