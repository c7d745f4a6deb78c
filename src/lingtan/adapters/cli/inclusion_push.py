"""``lingtan inclusion push …``: the partners' signed push from the command line (issue 18 item 6,
decision 0090), through the same services as the API:

- ``sign PARTNER FILE``: the ``X-Partner``, ``X-Timestamp`` and ``X-Signature`` headers of a
  body file for a partner (its secret read from the store, or ``--secret-file``) and a ``curl``
  line that sends it (``--url``): for documentation and a partner's first test;
- ``settle``: settle what a stopped server left in its write-ahead files (``--data-dir``;
  default the workspace's parent folder, as ``lingtan serve --workspace`` uses);
- ``callbacks``: deliver the organisation's due callbacks now;
- ``sources`` (list), ``source-add CODE PROGRAMME PARTNER URL`` (``--action``) and
  ``pull CODE``: the pull connector for step counts.

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, fail, out, read_file, run_in_store, say
from lingtan.adapters.services.context import LocalContext

HELP = "Partners' signed push: sign a body, settle, callbacks, the step-count pull connector."
push_app = typer.Typer(help=HELP, no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _partner_secret(db: Session, ctx: LocalContext, partner: str) -> str:
    from lingtan.adapters.services.inclusion_programmes import get_partner

    return str(get_partner(db, ctx, partner).hmac_secret)


@push_app.command("sign")
def sign_cmd(
    partner: Annotated[str, typer.Argument(help="Partner code (X-Partner).")],
    file: Annotated[Path, typer.Argument(help="The JSON body to send.")],
    workspace: WorkspaceOpt = Path("."),
    secret_file: Annotated[
        Path | None, typer.Option(help="A file holding the secret (else read from the store).")
    ] = None,
    url: Annotated[
        str, typer.Option(help="Where the curl line sends it.")
    ] = "http://127.0.0.1:8000/api/v1/orgs/ORG/inclusion/PROGRAMME/events",
    timestamp: Annotated[
        int | None, typer.Option(help="X-Timestamp [s since the epoch] (default: now).")
    ] = None,
) -> None:
    """Print the signed headers of FILE for PARTNER, and a curl line sending it."""
    from lingtan.adapters.services.inclusion_push import signed_headers

    body = read_file(file)
    if secret_file is not None:
        secret = read_file(secret_file).decode("utf-8").strip()
    else:
        secret = run_in_store(workspace, lambda db, ctx: _partner_secret(db, ctx, partner))
    headers = signed_headers(partner, secret, body, None if timestamp is None else timestamp)
    for name, value in headers.items():
        out.print(f"{name}: {value}", highlight=False)
    parts = ["curl", "-sS", "-X", "POST", url, "-H", "Content-Type: application/json"]
    for name, value in headers.items():
        parts += ["-H", f"{name}: {value}"]
    parts += ["--data-binary", f"@{file}"]
    out.print(escape(shlex.join(parts)), highlight=False)


@push_app.command("settle")
def settle_cmd(
    workspace: WorkspaceOpt = Path("."),
    data_dir: Annotated[
        Path | None,
        typer.Option(help="The server's data folder (default: the workspace's parent)."),
    ] = None,
) -> None:
    """Settle what a stopped server left in its write-ahead files."""
    from lingtan.adapters.services.inclusion_push import SettleError
    from lingtan.adapters.services.inclusion_settler import drain

    def run(_db: Session, ctx: LocalContext) -> None:
        ws = ctx.workspace()
        try:
            result = drain(ws.engine, data_dir or ws.path.resolve().parent)
        except SettleError as exc:
            raise fail(str(exc)) from exc
        say(
            "incl_push.cli.settled",
            bodies=result.bodies,
            accepted=result.accepted,
            rejected=result.rejected,
            refused=result.refused,
            replayed=result.replayed,
        )

    run_in_store(workspace, run)


@push_app.command("callbacks")
def callbacks_cmd(workspace: WorkspaceOpt = Path(".")) -> None:
    """Deliver the organisation's due callbacks now."""
    from lingtan.adapters.services.inclusion_push_callbacks import deliver_due

    def run(_db: Session, ctx: LocalContext) -> None:
        ws = ctx.workspace()
        done = deliver_due(ws.engine, organisation_id=ws.organisation_id)
        say(
            "incl_push.cli.callbacks",
            delivered=done.delivered,
            retried=done.retried,
            failed=done.failed,
        )

    run_in_store(workspace, run)


@push_app.command("sources")
def sources_cmd(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The pull connectors with their cursors."""
    from lingtan.adapters.services.inclusion_pull import list_sources

    def run(db: Session, ctx: LocalContext) -> list[dict[str, object]]:
        return [
            {
                "code": r.code,
                "programme": r.programme_code,
                "partner": r.partner_code,
                "url": r.url,
                "action": r.action,
                "cursor": r.cursor,
                "last_count": r.last_count,
            }
            for r in list_sources(db, ctx)
        ]

    rows = run_in_store(workspace, run)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        say("incl_push.cli.no_sources")
    for r in rows:
        line = f"{r['code']}  {r['programme']}  {r['partner']}  {r['action']}  {r['cursor']}"
        out.print(escape(line), highlight=False)


@push_app.command("source-add")
def source_add_cmd(
    code: Annotated[str, typer.Argument(help="Code of the source.")],
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    partner: Annotated[str, typer.Argument(help="Partner code.")],
    url: Annotated[str, typer.Argument(help="Feed: http(s)://… or file:///…")],
    workspace: WorkspaceOpt = Path("."),
    action: Annotated[str, typer.Option(help="Action of the items.")] = "steps.donate",
) -> None:
    """Add a pull connector."""
    from lingtan.adapters.services.inclusion_pull import add_source

    fields = {"code": code, "programme": programme, "partner": partner, "url": url,
              "action": action}  # fmt: skip
    run_in_store(workspace, lambda db, ctx: add_source(db, ctx, fields))
    say("incl_push.cli.source_added", code=code)


@push_app.command("pull")
def pull_cmd(
    code: Annotated[str, typer.Argument(help="Code of the source.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Read a source's feed after its cursor and settle the new items."""
    from lingtan.adapters.services.inclusion_pull import pull

    result = run_in_store(workspace, lambda db, ctx: pull(db, ctx, code))
    s = result.settled
    say(
        "incl_push.cli.pulled",
        code=result.source,
        items=result.items,
        accepted=s.accepted,
        rejected=s.rejected,
        refused=s.refused,
        cursor=result.cursor or "-",
    )
