"""``lingtan pact …``: the PACT host's client credentials and pulling suppliers' footprints from
any PACT host (decision 0068, docs/pact.md).

- ``lingtan pact credentials add NAME --org SLUG`` — a new client id and secret (the secret is
  printed this once; give both to the customer's system);
- ``lingtan pact credentials list --org SLUG`` / ``revoke ID --org SLUG``;
- ``lingtan pact pull URL --client-id ID --secret-env VAR [--supplier CODE] --org SLUG`` —
  authenticate at the host, list every footprint (all pages), validate them and keep them as
  the supplier's product footprints.

The store is ``--database`` (else ``LINGTAN_DATABASE_URL``, else the server's SQLite file), the
organisation ``--org``; or ``--workspace DIR``: an embedded workspace's own store and
organisation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from sqlalchemy.engine import Engine

from lingtan.adapters.cli.admin import DatabaseOpt, WorkspaceOpt, store_engine
from lingtan.adapters.cli.common import FAILURES, err, fail, out
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.i18n.rows import cli_locale

pact_app = typer.Typer(
    help="PACT data exchange: host credentials, pull footprints.",
    no_args_is_help=True,
)
credentials_app = typer.Typer(help="Client credentials of the PACT host.", no_args_is_help=True)
pact_app.add_typer(credentials_app, name="credentials")
#: what ``lingtan`` registers (cli/main.py COMMANDS): the ``pact`` group
pact_root = typer.Typer()
pact_root.add_typer(pact_app, name="pact")

OrgOpt = Annotated[
    str | None, typer.Option("--org", help="Organisation slug (not with --workspace).")
]


def _t() -> Translator:
    return Translator(cli_locale())


@contextmanager
def _store(
    org: str | None, database: str | None, workspace: Path | None
) -> Iterator[tuple[Engine, int]]:
    """The store engine and the organisation's id; the engine is closed after the command."""
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    if workspace is not None:
        from lingtan.adapters.store.workspace import open_workspace

        ws = open_workspace(workspace)
        engine, org_id = ws.engine, ws.organisation_id
    else:
        if not org:
            raise fail(_t()("pact.cli.org_required"))
        engine = store_engine(database, None)
        with system_session(engine, actor="lingtan pact") as db:
            found = organisation_by_slug(db, org)
            org_id = int(found.id) if found is not None else 0
        if not org_id:
            engine.dispose()
            raise fail(_t()("pact.cli.no_org", org=org), 3)
    try:
        yield engine, org_id
    finally:
        engine.dispose()


@credentials_app.command("add")
def credentials_add(
    name: Annotated[str, typer.Argument(help="Which customer system uses it.")],
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Create a client credential; its secret is printed this once (stored hashed)."""
    from lingtan.adapters.services import pact as svc
    from lingtan.adapters.store.scoping import system_session

    try:
        with (
            _store(org, database, workspace) as (engine, org_id),
            system_session(engine, actor="lingtan pact credentials add") as db,
        ):
            doc = svc.create_credential(db, org_id, name, "lingtan pact credentials add")
    except FAILURES as exc:
        raise fail(exc) from exc
    t = _t()
    out.print(escape(t("pact.cli.created", name=doc["name"])), highlight=False)
    out.print(f"client_id     {doc['client_id']}", highlight=False)
    out.print(f"client_secret {doc['client_secret']}", highlight=False)
    err.print(escape(t("pact.cli.secret_once")), highlight=False)


@credentials_app.command("list")
def credentials_list(
    org: OrgOpt = None, database: DatabaseOpt = None, workspace: WorkspaceOpt = None
) -> None:
    """The organisation's client credentials (never a secret)."""
    from lingtan.adapters.services import pact as svc
    from lingtan.adapters.store.scoping import system_session

    with (
        _store(org, database, workspace) as (engine, org_id),
        system_session(engine, actor="lingtan pact credentials list") as db,
    ):
        rows = svc.list_credentials(db, org_id)
    t = _t()
    if not rows:
        out.print(escape(t("pact.cli.none")), highlight=False)
        return
    for c in rows:
        state = t("pact.cli.revoked_on", at=str(c["revoked_at"])[:19]) if c["revoked_at"] else ""
        line = f"{c['id']}  {c['client_id']}  {c['name']}  {str(c['created_at'])[:19]}  {state}"
        out.print(escape(line.rstrip()), highlight=False)


@credentials_app.command("revoke")
def credentials_revoke(
    credential_id: Annotated[int, typer.Argument(help="The credential's id (see list).")],
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Revoke a credential: its tokens stop working at once."""
    from lingtan.adapters.services import pact as svc
    from lingtan.adapters.store.scoping import system_session

    try:
        with (
            _store(org, database, workspace) as (engine, org_id),
            system_session(engine, actor="lingtan pact credentials revoke") as db,
        ):
            doc = svc.revoke_credential(db, org_id, credential_id)
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(escape(_t()("pact.cli.revoked", client_id=doc["client_id"])), highlight=False)


@pact_app.command("pull")
def pull(
    url: Annotated[str, typer.Argument(help="The PACT host's root URL (https://…).")],
    client_id: Annotated[str, typer.Option("--client-id", help="Client id the host gave.")],
    secret_env: Annotated[
        str, typer.Option("--secret-env", help="Environment variable holding the secret.")
    ],
    supplier: Annotated[
        str | None, typer.Option("--supplier", help="Supplier code of the register.")
    ] = None,
    api: Annotated[int, typer.Option("--api", min=2, max=3, help="PACT API version.")] = 2,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Pull every footprint a PACT host lists for this client and keep them (validated) as
    the supplier's product footprints."""
    from lingtan.adapters.io.pact_client import PactClient, PactClientError
    from lingtan.adapters.services import pact as svc
    from lingtan.adapters.store.scoping import system_session

    t = _t()
    secret = os.environ.get(secret_env)
    if not secret:
        raise fail(t("pact.cli.no_secret", var=secret_env))
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise fail(t("pact.cli.https", url=url))
    try:
        with PactClient(url, client_id, secret, version=api) as client:
            docs = client.footprints()
    except PactClientError as exc:
        raise fail(t("pact.cli.host_refused", code=exc.code, message=exc.message)) from exc
    try:
        with (
            _store(org, database, workspace) as (engine, org_id),
            system_session(engine, actor=f"lingtan pact pull {client_id}") as db,
        ):
            result = svc.import_received(
                db,
                org_id,
                docs,
                api_version=api,
                source_url=url,
                supplier=supplier,
                actor=f"lingtan pact pull {client_id}",
            )
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(escape(t("pact.cli.pulled", **result)), highlight=False)
