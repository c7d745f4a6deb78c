"""``lingtan serve``: the JSON API and the web app with uvicorn.

Three ways to run it:

- server (production): ``lingtan serve --database-url postgresql+psycopg://… --data-dir /srv/lingtan
  --workers 4`` — one PostgreSQL database for every organisation, their workspace folders under
  ``<data-dir>/orgs/<slug>/``; the schema is migrated (Alembic) before the workers start;
- embedded: ``lingtan serve --workspace my-company`` — one workspace folder, its own SQLite
  store, registered as an organisation on first start;
- demo: ``lingtan serve --demo demo-workspace`` — the two workspaces ``lingtan demo`` built,
  registered as two organisations, and a demo user who belongs to both (``make demo``); the
  organisation ``disclosed`` gets the source report's targets as its ``targets.yaml``; the
  organisation ``synthetic`` (the printed link) gets ILLUSTRATIVE targets and projects, a
  computed plan, and the product demo with its claim (issue 13, decision 0058), the supplier
  demo (issue 15) and the energy demo: meters with a year of 15-minute readings, production,
  PV and storage, a measured project and certificates (issue 16, decision 0079).

Settings travel to the workers in the environment (``LINGTAN_DATABASE_URL``,
``LINGTAN_DATA_DIR``, ``LINGTAN_SECRET``: one random secret per start unless set), as
``ServerSettings`` reads them, so ``--workers N`` behaves as one.

One process runs the app factory object (:func:`lingtan.adapters.server.app.create_app`);
``--workers N`` (N > 1) must give uvicorn an import string instead, since each worker process
imports the app itself: :data:`APP_FACTORY`, the one string naming it (decision 0045).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

serve_app = typer.Typer()
out = Console(soft_wrap=True)

DEMO_EMAIL = "demo@lingtan.invalid"
DEMO_PASSWORD = "lingtan-demo"  # a local demo bound to 127.0.0.1; LINGTAN_DEMO_PASSWORD overrides
DEMO_ORGS = (("disclosed", "owner"), ("synthetic", "owner"))
#: the app factory as uvicorn imports it in each worker process of ``--workers N`` (N > 1)
APP_FACTORY = "lingtan.adapters.server.app:create_app"


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def prepare_demo(directory: Path, database_url: str) -> tuple[str, str, list[str]]:
    """Register the demo workspaces as organisations and the demo user (a member of both).

    Idempotent: a second run finds the organisations and resets the user's password.
    Returns ``(email, password, organisation slugs)``.

    Raises:
        typer.BadParameter: the folder holds no demo built by ``lingtan demo``.
    """
    from lingtan.adapters.store.bootstrap import adopt_workspace, create_user
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session

    missing = [n for n, _ in DEMO_ORGS if not (directory / n / "lingtan.yaml").exists()]
    if missing:
        raise typer.BadParameter(
            f"{directory}: no demo workspace {', '.join(missing)}; run 'lingtan demo {directory}'"
        )
    write_demo_targets(directory / "disclosed")
    from lingtan.adapters.services.products import write_demo_products  # issue 6

    write_demo_products(directory / "disclosed")  # the illustrative notebook family
    # issue 13: the organisation the printed link opens has something on every page
    from lingtan.adapters.demo.synthetic_targets import write_targets as write_synthetic_targets

    write_synthetic_targets(directory / "synthetic")  # ILLUSTRATIVE targets, projects, plan
    write_demo_products(directory / "synthetic")
    engine = make_engine(database_url)
    migrate(engine)
    password = os.environ.get("LINGTAN_DEMO_PASSWORD") or DEMO_PASSWORD
    actor = "lingtan serve --demo"
    slugs: dict[str, str] = {}
    for name, _ in DEMO_ORGS:  # one session each: adopting scopes the session to the org
        with system_session(engine, actor=actor) as db:
            slugs[name] = adopt_workspace(db, directory / name, slug=name).slug
    with system_session(engine, actor=actor) as db:
        create_user(
            db,
            DEMO_EMAIL,
            password,
            "Demo user",
            memberships={slugs[name]: role for name, role in DEMO_ORGS},
        )
    from lingtan.adapters.services.energy_demo import prepare_energy_demo  # issue 16

    prepare_energy_demo(  # meters, readings, production, PV/storage, M&V, certificates
        engine, url=database_url, data_dir=directory, slug=slugs["synthetic"], email=DEMO_EMAIL
    )
    compute_demo_plan(engine, url=database_url, data_dir=directory, slug=slugs["synthetic"])
    from lingtan.adapters.services.supplier_demo import prepare_supplier_demo  # issue 15

    prepare_supplier_demo(  # the FICTIONAL supplier register, campaign, ratings, 星火 …
        engine, url=database_url, data_dir=directory, slug=slugs["synthetic"], email=DEMO_EMAIL
    )
    from lingtan.adapters.services.risk_demo import prepare_risk_demo  # issue 17

    prepare_risk_demo(  # the report's climate register, aspects, scenarios, hazards, governance
        engine, url=database_url, data_dir=directory, slug=slugs["synthetic"], email=DEMO_EMAIL
    )
    from lingtan.adapters.services.inclusion_demo import prepare_inclusion_demo  # issue 18

    prepare_inclusion_demo(  # SYNTHETIC programmes, members, events, campaigns, push, cat. 7
        engine, url=database_url, data_dir=directory, slug=slugs["synthetic"], email=DEMO_EMAIL
    )
    from lingtan.adapters.services.disclosure_demo import prepare_disclosure_demo  # issue 19

    prepare_disclosure_demo(  # the FY2023/24 edition, its narratives, verification, circularity
        engine, url=database_url, data_dir=directory, slug=slugs["disclosed"], email=DEMO_EMAIL
    )
    engine.dispose()
    return DEMO_EMAIL, password, list(slugs.values())


def compute_demo_plan(engine: Any, *, url: str, data_dir: Path, slug: str) -> None:
    """Compute and keep the least-cost plan of the demo organisation ``slug`` (its plan page
    shows it at once), as the demo user; kept when one was computed (issue 13)."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.services.targets import PLAN_FILE, compute_plan
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    if (data_dir / slug / PLAN_FILE).exists() or not (data_dir / slug / "targets.yaml").exists():
        return
    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, DEMO_EMAIL)
        if user is None:
            return
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        try:
            compute_plan(db, tenant)
        except ServiceError:  # a targets file edited by hand: the plan page offers to compute
            db.rollback()


def write_demo_targets(folder: Path) -> Path | None:
    """The source report's targets, KPIs and project examples, with the emissions of the
    disclosed inventories, as the targets file of the demo organisation ``disclosed``
    (``targets.yaml``, docs/targets.md; what ``lingtan demo`` prints in its targets section).
    Kept when it exists (a user may have edited it); returns the file written, else None."""
    from lingtan.adapters.cli.demo import DISCLOSED_YEARS
    from lingtan.adapters.demo.targets import EXAMPLE_HEADER, report_programme
    from lingtan.adapters.io.targets_files import write_targets_file
    from lingtan.adapters.services.calculation import latest_inventory
    from lingtan.adapters.store.workspace import open_workspace

    path = folder / "targets.yaml"
    if path.exists():
        return None
    ws = open_workspace(folder)
    try:
        invs = [latest_inventory(ws, y) for y in DISCLOSED_YEARS]
    finally:
        ws.engine.dispose()
    return write_targets_file(report_programme(invs), path, header=EXAMPLE_HEADER)


def prepare_workspace(workspace: Path, database_url: str) -> str:
    """Register an embedded workspace folder as an organisation (once); its slug."""
    from lingtan.adapters.store.bootstrap import adopt_workspace
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session

    engine = make_engine(database_url)
    migrate(engine)
    with system_session(engine, actor="lingtan serve --workspace") as db:
        slug = adopt_workspace(db, workspace).slug
    engine.dispose()
    return slug


@serve_app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (server mode).")] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            envvar="LINGTAN_DATABASE_URL",
            help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/lingtan "
            "(default: SQLite in the data folder).",
        ),
    ] = None,
    data_dir: Annotated[
        Path,
        typer.Option(envvar="LINGTAN_DATA_DIR", help="Folder of the organisations' workspaces."),
    ] = Path("lingtan-data"),
    workspace: Annotated[
        Path | None, typer.Option(help="Serve this embedded workspace folder (one organisation).")
    ] = None,
    demo: Annotated[
        Path | None,
        typer.Option(help="Serve the demo built by 'lingtan demo DIR', with a demo login."),
    ] = None,
) -> None:
    """Serve the JSON API (/api/v1) and the web app (zh-CN / en) with uvicorn."""
    import uvicorn

    if workspace is not None and demo is not None:
        raise typer.BadParameter("give --workspace or --demo, not both")
    login: tuple[str, str] | None = None
    if demo is not None:
        url = database_url or _sqlite_url(demo / "lingtan-server.db")
        email, password, slugs = prepare_demo(demo, url)
        login = (email, password)
        data_dir = demo
        landing = f"/o/{slugs[-1]}/dashboard"
    elif workspace is not None:
        url = database_url or _sqlite_url(workspace / "lingtan.db")
        slug = prepare_workspace(workspace, url)
        data_dir = workspace.parent
        landing = f"/o/{slug}/dashboard"
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        url = database_url or _sqlite_url(data_dir / "lingtan.db")
        from lingtan.adapters.store.db import make_engine, migrate

        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        landing = "/"
    os.environ["LINGTAN_DATABASE_URL"] = url
    os.environ["LINGTAN_DATA_DIR"] = str(data_dir.resolve())
    # one secret for every worker process (it signs the pages' CSRF tokens)
    os.environ.setdefault("LINGTAN_SECRET", secrets.token_urlsafe(32))
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    out.print(f"\nlingtan web app: [bold]http://{shown}:{port}{landing}[/]", highlight=False)
    out.print(f"JSON API: http://{shown}:{port}/api/v1/docs", highlight=False)
    if login:
        out.print(f"log in as [bold]{login[0]}[/] with password [bold]{login[1]}[/]")
    if demo is not None:  # the demo members' phone page, no login (issue 18, decision 0092)
        from lingtan.adapters.services.inclusion_demo import read_member_links

        for programme, ref, path in read_member_links(demo):
            out.print(f"member page ({programme} {ref}): http://{shown}:{port}{path}",
                      highlight=False)  # fmt: skip
    out.print("Stop with Ctrl-C.\n")
    from lingtan.adapters.server.app import create_app

    # several worker processes each import the app: only then is the import string needed
    target = APP_FACTORY if workers > 1 else create_app
    uvicorn.run(target, factory=True, host=host, port=port, workers=workers)
