"""A server app over one adopted workspace folder, for the server and web tests of a capability
(SQLite store under ``root``, no job workers, one owner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

OWNER = "owner@lingtan.invalid"
PASSWORD = "correct horse battery staple"


def single_org_app(root: Path, folder: Path, org: str) -> Any:
    """The FastAPI app serving ``folder`` (under ``root/orgs``) as organisation ``org``; user
    :data:`OWNER` (password :data:`PASSWORD`) owns it."""
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.bootstrap import adopt_workspace, create_user
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session

    url = f"sqlite:///{root / 'server.db'}"
    engine = make_engine(url)
    migrate(engine)
    with system_session(engine, actor="tests") as db:
        adopt_workspace(db, folder, slug=org)
    with system_session(engine, actor="tests") as db:
        create_user(db, OWNER, PASSWORD, "Owner", memberships={org: "owner"})
    engine.dispose()
    return create_app(
        ServerSettings(
            database_url=url,
            data_dir=root,
            workers=0,
            secret="test-secret",
            base_url="http://testserver",
            poll_interval_s=0.05,
        )
    )


def add_member(root: Path, email: str, org: str, role: str) -> None:
    """Add user ``email`` (password :data:`PASSWORD`) to the app :func:`single_org_app` made
    under ``root``, as ``role`` of organisation ``org``."""
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session

    engine = make_engine(f"sqlite:///{root / 'server.db'}")
    with system_session(engine, actor="tests") as db:
        create_user(db, email, PASSWORD, role.capitalize(), memberships={org: role})
    engine.dispose()
