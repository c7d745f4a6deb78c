"""``lingtan inclusion scale …``: the carbon-inclusion event archive and its queries at scale
(issue 18, decision 0093), through :mod:`lingtan.adapters.services.inclusion_scale`:

- ``archive PROGRAMME`` (``--since ID``): export the settled events above the watermark to
  ``inclusion/events/programme=<code>/month=<YYYY-MM>/`` and rebuild the account rollup;
- ``leaderboard PROGRAMME --from D --to D`` (``--scope individual|team``, ``--rule mean|sum``,
  ``--limit``, ``--action`` repeated, ``--backend duckdb|pyspark``, ``--json``);
- ``report PROGRAMME`` (``--from``, ``--to``, ``--backend``, ``--json``): events by action and
  status, kg by methodology pack and what it counts as, totals.

Every command takes ``-w WS``; a refusal prints the reason in the command line's language and
exits with the code of its kind (2 invalid, 3 not found).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, err, local_context, out, say
from lingtan.adapters.cli.common import run_in_store as _run_in_store
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services import inclusion_scale as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import EXIT_CODES, KeyedError
from lingtan.core.messages import msg

T = TypeVar("T")

HELP = "The event archive (partitioned Parquet) and its leaderboard and report at scale."
scale_app = typer.Typer(help=HELP, no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
BackendOpt = Annotated[
    str, typer.Option("--backend", help="Ibis backend: duckdb (in-process) or pyspark.")
]


def _refuse(exc: KeyedError) -> typer.Exit:
    text = Translator(cli_locale())(exc.key, **exc.params)
    err.print(f"[bold red]error:[/] {escape(text)}", highlight=False)
    return typer.Exit(EXIT_CODES.get(exc.kind, 1))


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except KeyedError as exc:
        if not exc.key.startswith(("incl_scale.", "incl_prog.")):
            raise
        raise _refuse(exc) from exc


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refuse(
            svc.refused("invalid", msg("incl_scale.err.date", field=field, value=value), field)
        ) from None


def _jsonable(rows: Any) -> str:
    def conv(o: object) -> object:
        return o.isoformat() if isinstance(o, date | datetime) else str(o)

    return json.dumps(rows, default=conv, ensure_ascii=False, indent=1)


@scale_app.command("archive")
def archive_cmd(
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    workspace: WorkspaceOpt = Path("."),
    since: Annotated[
        int | None, typer.Option("--since", help="Export events above this id (re-export).")
    ] = None,
) -> None:
    """Export the programme's settled events to the Parquet archive (incremental)."""

    def call(db: Session, ctx: LocalContext) -> svc.ArchiveResult:
        try:
            return svc.archive(db, ctx, programme, since)
        except KeyedError:
            db.rollback()
            raise

    res = _guard(lambda: _run_in_store(workspace, call))
    say(
        "incl_scale.archived", programme=programme, written=res.written, total=res.total,
        watermark=res.watermark, months=", ".join(res.months) or "—", pending=res.pending,
    )  # fmt: skip


@scale_app.command("leaderboard")
def leaderboard_cmd(
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive).")],
    workspace: WorkspaceOpt = Path("."),
    scope: Annotated[str, typer.Option("--scope", help="individual or team.")] = "individual",
    rule: Annotated[str, typer.Option("--rule", help="Team score: mean or sum.")] = "mean",
    limit: Annotated[int, typer.Option("--limit", help="Rows shown.")] = 50,
    action: Annotated[
        list[str] | None, typer.Option("--action", help="Only these actions (repeat).")
    ] = None,
    backend: BackendOpt = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """The leaderboard of a window over the archive (mean per active member by default)."""
    a, b = _day(start, "from"), _day(end, "to")
    assert a is not None
    assert b is not None
    ctx = local_context(workspace)
    rows = _guard(
        lambda: svc.leaderboard(
            ctx, programme, a, b, scope, rule, limit=limit, actions=action, backend=backend
        )
    )
    if as_json:
        out.print_json(_jsonable(rows))
        return
    t = Translator(cli_locale())
    head = [t(f"incl_scale.col.{c}") for c in ("rank", "key", "score", "points", "members")]
    say("incl_scale.board_title", programme=programme, start=start, end=end, scope=scope)
    out.print("  ".join(head), highlight=False)
    for r in rows:
        out.print(
            f"{r['rank']:>4}  {escape(str(r['key']))}  {r['score']:.2f}  {r['points']}  "
            f"{r['members']}",
            highlight=False,
        )
    if not rows:
        say("incl_scale.empty")


@scale_app.command("report")
def report_cmd(
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    workspace: WorkspaceOpt = Path("."),
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (inclusive).")] = None,
    backend: BackendOpt = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """The report aggregates of the archive: events by action and status, kg by pack, totals."""
    a, b = _day(start, "from"), _day(end, "to")
    ctx = local_context(workspace)
    rep = _guard(lambda: svc.report(ctx, programme, a, b, backend=backend))
    if as_json:
        out.print_json(_jsonable(rep))
        return
    t = Translator(cli_locale())
    tot = rep["totals"][0] if rep["totals"] else {}
    say(
        "incl_scale.totals", programme=programme, events=tot.get("events") or 0,
        points=tot.get("points") or 0, kg=f"{tot.get('kg_co2e') or 0.0:.3f}",
        active=tot.get("active") or 0,
    )  # fmt: skip
    out.print(t("incl_scale.by_action"), highlight=False)
    for r in rep["by_action"]:
        out.print(
            f"  {escape(r['action'])}  {t('incl_scale.status.' + r['status'])}  "
            f"{r['events']}  {r['kg_co2e']:.3f} kg  {r['points']}",
            highlight=False,
        )
    out.print(t("incl_scale.by_pack"), highlight=False)
    for r in rep["by_pack"]:
        pack = r["pack_id"] or t("incl_scale.no_pack")
        out.print(
            f"  {escape(pack)}  {t('incl_scale.counts_as.' + r['counts_as'])}  "
            f"{r['events']}  {r['kg_co2e']:.3f} kg",
            highlight=False,
        )
