"""``lingtan inclusion events …``: carbon-inclusion action events and the points ledger from the
command line (issue 18 items 2–4, decision 0089), through the same service as the API and the
web pages (:mod:`lingtan.adapters.services.inclusion_events`):

- ``log PROGRAMME ACCOUNT ACTION QUANTITY UNIT`` (``--at``, ``--external-id``,
  ``--distance-km``, ``--duration-min``, ``--mode``, ``--product``, ``--evidence-hash``);
- ``list PROGRAMME`` (``--account``, ``--action``, ``--status``, ``--json``), ``show ID``
  (the arithmetic and ledger entries), ``reverse ID REASON``;
- ``balance PROGRAMME ACCOUNT``, ``history PROGRAMME ACCOUNT`` (``--json``);
- ``expire PROGRAMME`` (``--as-of``), ``liability PROGRAMME``, ``verify PROGRAMME``;
- ``review PROGRAMME`` (the queue) and ``review PROGRAMME --decide ID --accept|--reject``.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict; ``verify`` exits 1 when the chain is broken). The group is :data:`events_app`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, err, out, run_keyed, say
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services import inclusion_events as sv
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "Action events, points, reversals, expiry, the liability, the ledger check, fraud review."
events_app = typer.Typer(help=HELP, no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def run_in_store(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`lingtan.adapters.cli.common.run_in_store` committing what ``call`` changed; a keyed
    refusal of the carbon-inclusion services printed in the command line's language with the
    exit code of its kind."""
    return run_keyed(workspace, call, "incl_", commit=True)


def _bad(key: str, **params: Any) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(_t()(key, **params))}", highlight=False)
    return typer.Exit(2)


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _bad("incl_ev.err.datetime", value=text[:40]) from None


def _day(text: str | None) -> date:
    if not text:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad("incl_ev.err.date", value=text[:40]) from None


def _outcome(o: sv.EventOutcome) -> None:
    if o.replayed:
        say("incl_ev.cli.replayed")
    say("incl_ev.cli.logged", id=o.event_id, status=_t()(f"incl_ev.status.{o.status}"),
        kg=f"{o.kg_co2e:.4f}", points=o.points)  # fmt: skip
    if o.reason:
        say("incl_ev.cli.refused", reason=_reason(o.reason))


def _reason(key: str) -> str:
    return sv.reason_text(key, cli_locale())


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


@events_app.command("log")
def log_cmd(
    programme: str, account: str, action: str, quantity: float, unit: str,
    at: Annotated[str | None, typer.Option("--at", help="When (YYYY-MM-DDTHH:MM, UTC).")] = None,
    external_id: Annotated[str | None, typer.Option("--external-id")] = None,
    distance_km: Annotated[float | None, typer.Option("--distance-km")] = None,
    duration_min: Annotated[float | None, typer.Option("--duration-min")] = None,
    mode: Annotated[str | None, typer.Option("--mode")] = None,
    product: Annotated[str | None, typer.Option("--product")] = None,
    evidence_hash: Annotated[str | None, typer.Option("--evidence-hash")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:  # fmt: skip
    """Log one action for an account (quantified, credited and posted)."""
    event = sv.EventIn(
        account, action, quantity, unit, _when(at), source="manual", external_id=external_id,
        evidence_hash=evidence_hash, distance_km=distance_km, duration_min=duration_min,
        mode=mode, product=product,
    )  # fmt: skip
    _outcome(run_in_store(workspace, lambda db, ctx: sv.record_event(db, ctx, programme, event)))


@events_app.command("list")
def list_cmd(
    programme: str,
    account: Annotated[str | None, typer.Option("--account")] = None,
    action: Annotated[str | None, typer.Option("--action")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The programme's events, newest first."""
    rows = run_in_store(workspace, lambda db, ctx: [sv.event_json(r) for r in sv.list_events(
        db, ctx, programme, account_ref=account, action=action, status=status)])  # fmt: skip
    if as_json:
        _print_json(rows)
        return
    t = _t()
    for r in rows:
        out.print(f"{r['id']}\t{r['occurred_at'][:16]}\t{escape(r['action'])}\t"
                  f"{t('incl_ev.status.' + r['status'])}\t{r['kg_co2e']:.4f}\t{r['points']}",
                  highlight=False)  # fmt: skip


@events_app.command("show")
def show_cmd(event_id: int, workspace: WorkspaceOpt = Path(".")) -> None:
    """One event with its arithmetic and its ledger entries (JSON)."""
    _print_json(run_in_store(workspace, lambda db, ctx: sv.event_detail(db, ctx, event_id)))


@events_app.command("reverse")
def reverse_cmd(event_id: int, reason: str, workspace: WorkspaceOpt = Path(".")) -> None:
    """Reverse an event: a negative entry returns the balance to what it was."""
    _outcome(run_in_store(workspace, lambda db, ctx: sv.reverse_event(db, ctx, event_id, reason)))


@events_app.command("balance")
def balance_cmd(programme: str, account: str, workspace: WorkspaceOpt = Path(".")) -> None:
    """An account's balance, kg reduced and avoided, points expiring within 30 days."""
    b = run_in_store(workspace, lambda db, ctx: sv.account_balance(db, ctx, programme, account))
    say("incl_ev.cli.balance", ref=b["ref"], balance=b["balance"],
        reduced=f"{b['reduced_kg']:.3f}", avoided=f"{b['avoided_kg']:.3f}",
        expiring=b["expiring_30d"])  # fmt: skip


@events_app.command("history")
def history_cmd(programme: str, account: str, workspace: WorkspaceOpt = Path(".")) -> None:
    """An account's events with their arithmetic and ledger entries (JSON)."""
    _print_json(
        run_in_store(workspace, lambda db, ctx: sv.account_history(db, ctx, programme, account))
    )


@events_app.command("expire")
def expire_cmd(
    programme: str,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Expire the points due on or before a day (first in, first out)."""
    day = _day(as_of)
    n = run_in_store(workspace, lambda db, ctx: sv.expire_points(db, ctx, programme, day))
    say("incl_ev.cli.expired", n=n, date=day.isoformat())


@events_app.command("liability")
def liability_cmd(programme: str, as_json: JsonOpt = False,
                  workspace: WorkspaceOpt = Path(".")) -> None:  # fmt: skip
    """Points issued, redeemed, expired, reversed, adjusted and outstanding (the liability)."""
    lia = run_in_store(workspace, lambda db, ctx: sv.liability(db, ctx, programme))
    if as_json:
        _print_json(lia)
    else:
        say("incl_ev.cli.liability", **lia)


@events_app.command("verify")
def verify_cmd(programme: str, workspace: WorkspaceOpt = Path(".")) -> None:
    """Walk the programme's hash-chained ledger; exit 1 at the first broken link."""
    c = run_in_store(workspace, lambda db, ctx: sv.check_chain(db, ctx, programme))
    if c.ok:
        say("incl_ev.cli.chain_ok", entries=c.entries, head=c.head)
        return
    t = _t()
    err.print(escape(t("incl_ev.chain.broken", seq=c.first_bad_seq, reason=t(c.reason))),
              highlight=False)  # fmt: skip
    raise typer.Exit(1)


@events_app.command("review")
def review_cmd(
    programme: str,
    decide: Annotated[int | None, typer.Option("--decide", help="The event to decide.")] = None,
    accept: Annotated[bool, typer.Option("--accept/--reject")] = True,
    note: Annotated[str | None, typer.Option("--note")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The review queue; with ``--decide ID`` accept (default) or ``--reject`` that event."""
    if decide is not None:
        decision = "accept" if accept else "reject"
        event_id = decide

        def decided(db: Session, ctx: LocalContext) -> sv.EventOutcome:
            return sv.review_decide(db, ctx, event_id, decision, note)

        o = run_in_store(workspace, decided)
        say("incl_ev.cli.decided", id=o.event_id, status=_t()(f"incl_ev.status.{o.status}"))
        return

    def queue(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [sv.event_json(r) for r in sv.review_queue(db, ctx, programme)]

    rows = run_in_store(workspace, queue)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("incl_ev.queue_empty")
    t = _t()
    for r in rows:
        out.print(f"{r['id']}\t{r['occurred_at'][:16]}\t{escape(r['action'])}\t"
                  f"{t('incl_ev.status.' + r['status'])}\t{escape(_reason(r['reason'] or ''))}",
                  highlight=False)  # fmt: skip
