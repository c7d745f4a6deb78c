"""``lingtan inclusion campaigns …``: campaigns, leaderboards and rewards of a carbon-inclusion
programme from the command line (issue 18 item 5, decision 0091), through the same services
as the API and the web pages (:mod:`lingtan.adapters.services.inclusion_campaigns`,
:mod:`lingtan.adapters.services.inclusion_rewards`):

- ``list PROGRAMME`` (``--json``), ``add PROGRAMME CODE NAME START END`` (``--action``
  repeated, ``--multiplier ACTION=M`` repeated, ``--team-rule mean|sum``, ``--scope``
  repeated), ``show CODE``;
- ``leaderboard CODE`` (``--scope individual|team|class|department``, ``--limit``, ``--json``):
  live until frozen, then the snapshot; ``freeze CODE``;
- ``rewards list PROGRAMME``, ``rewards add PROGRAMME CODE NAME COST`` (``--stock``,
  ``--partner``); ``redeem PROGRAMME ACCOUNT REWARD`` (prints the redemption code).

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`campaigns_app`; ``lingtan inclusion`` attaches it as
``campaigns``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, listing, run_keyed, say
from lingtan.adapters.cli.common import plain as _print
from lingtan.adapters.cli.common import print_json as _json
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "Campaigns with multipliers, leaderboards (frozen at the end), rewards and redemptions."
campaigns_app = typer.Typer(help=HELP, no_args_is_help=True)
rewards_app = typer.Typer(help="The reward catalogue with stock.", no_args_is_help=True)
campaigns_app.add_typer(rewards_app, name="rewards")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Programme = Annotated[str, typer.Argument(help="Programme code.")]


def run_in_store(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`lingtan.adapters.cli.common.run_in_store`, a keyed refusal of the inclusion
    services (``incl_*``) printed in the command line's language with the exit code of its
    kind."""
    return run_keyed(workspace, call, "incl_")


def _pairs(values: list[str] | None) -> dict[str, str]:
    """``ACTION=M`` options as a dict (a value without ``=`` is kept whole: the service names
    it)."""
    got = {}
    for v in values or []:
        key, _, value = v.partition("=")
        got[key.strip()] = value.strip()
    return got


# ---- campaigns ----------------------------------------------------------------------------


@campaigns_app.command("list")
def campaigns_list(
    programme: Programme, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the programme's campaigns, newest window first."""
    from lingtan.adapters.services import inclusion_campaigns as sv

    rows = run_in_store(
        workspace, lambda db, c: [sv.campaign_dict(r) for r in sv.list_campaigns(db, c, programme)]
    )
    listing(rows, as_json, "incl_camp.none.campaigns", lambda t, r: t(
        "incl_camp.cli.campaign", code=r["code"], name=r["name"], start=r["start"], end=r["end"],
        phase=t("incl_camp.phase." + r["phase"]),
        rule=t("incl_camp.team_rule." + r["team_rule"])))  # fmt: skip


@campaigns_app.command("add")
def campaigns_add(
    programme: Programme,
    code: Annotated[str, typer.Argument(help="Campaign code.")],
    name: Annotated[str, typer.Argument(help="Name.")],
    start: Annotated[str, typer.Argument(help="First day YYYY-MM-DD (inclusive).")],
    end: Annotated[str, typer.Argument(help="Last day YYYY-MM-DD (inclusive).")],
    action: Annotated[
        list[str] | None, typer.Option("--action", help="Eligible action (repeat; none: all).")
    ] = None,
    multiplier: Annotated[
        list[str] | None, typer.Option("--multiplier", help="ACTION=M, 1 ≤ M ≤ 10 (repeat).")
    ] = None,
    team_rule: Annotated[str, typer.Option("--team-rule", help="mean or sum.")] = "mean",
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="individual, team, class, department.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a campaign."""
    from lingtan.adapters.services import inclusion_campaigns as sv

    fields: dict[str, Any] = {"code": code, "name": name, "start": start, "end": end,
                              "eligible_actions": action or [], "team_rule": team_rule,
                              "multipliers": _pairs(multiplier)}  # fmt: skip
    if scope:
        fields["scopes"] = scope
    run_in_store(workspace, lambda db, c: sv.create_campaign(db, c, programme, fields).code)
    say("incl_camp.cli.added", code=code)


@campaigns_app.command("show")
def campaigns_show(
    code: Annotated[str, typer.Argument(help="Campaign code.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show a campaign as JSON."""
    from lingtan.adapters.services import inclusion_campaigns as sv

    _json(run_in_store(workspace, lambda db, c: sv.campaign_dict(sv.get_campaign(db, c, code))))


@campaigns_app.command("leaderboard")
def campaigns_leaderboard(
    code: Annotated[str, typer.Argument(help="Campaign code.")],
    scope: Annotated[str, typer.Option("--scope", help="individual, team, …")] = "individual",
    limit: Annotated[int, typer.Option("--limit", help="Rows (1 to 10,000).")] = 50,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Print a leaderboard (live until frozen; frozen on the first read after the end)."""
    from lingtan.adapters.services import inclusion_campaigns as sv

    view = run_in_store(workspace, lambda db, c: sv.leaderboard_view(db, c, code, scope, limit))
    if as_json:
        _json(view)
        return
    say("incl_camp.cli.frozen" if view["frozen"] else "incl_camp.cli.live", code=code,
        hash=view["content_hash"] or "")  # fmt: skip
    if not view["rows"]:
        say("incl_camp.none.rows")
    for r in view["rows"]:
        _print(f"{r['rank']:>4}  {r['subject']:16} {r['score']:>12.2f} {r['points']:>10}"
               f" {r['active']:>5}  {r['attained_at']}")  # fmt: skip


@campaigns_app.command("freeze")
def campaigns_freeze(
    code: Annotated[str, typer.Argument(help="Campaign code.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Freeze the campaign's leaderboards now."""
    from lingtan.adapters.services import inclusion_campaigns as sv

    n = run_in_store(workspace, lambda db, c: len(sv.freeze(db, c, code)))
    say("incl_camp.cli.frozen_now", code=code, n=n)


# ---- rewards ------------------------------------------------------------------------------


@rewards_app.command("list")
def rewards_list(
    programme: Programme, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the reward catalogue with stock."""
    from lingtan.adapters.services import inclusion_rewards as rw

    rows = run_in_store(
        workspace, lambda db, c: [rw.reward_dict(r) for r in rw.list_rewards(db, c, programme)]
    )
    listing(rows, as_json, "incl_camp.none.rewards", lambda t, r: t(
        "incl_camp.cli.reward", code=r["code"], name=r["name"], cost=r["points_cost"],
        stock=t("incl_camp.unlimited") if r["stock"] is None else r["stock"],
        status=t("incl_camp.status." + r["status"])))  # fmt: skip


@rewards_app.command("add")
def rewards_add(
    programme: Programme,
    code: Annotated[str, typer.Argument(help="Reward code.")],
    name: Annotated[str, typer.Argument(help="Name.")],
    cost: Annotated[int, typer.Argument(help="Cost [points].")],
    stock: Annotated[int | None, typer.Option("--stock", help="Items (none: unlimited).")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="Partner code.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a reward."""
    from lingtan.adapters.services import inclusion_rewards as rw

    fields: dict[str, Any] = {"code": code, "name": name, "points_cost": cost, "stock": stock,
                              "partner": partner}  # fmt: skip
    run_in_store(workspace, lambda db, c: rw.create_reward(db, c, programme, fields).code)
    say("incl_camp.cli.reward_added", code=code)


@campaigns_app.command("redeem")
def redeem(
    programme: Programme,
    account: Annotated[str, typer.Argument(help="Account ref.")],
    reward: Annotated[str, typer.Argument(help="Reward code.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Redeem a reward for an account; prints the redemption code."""
    from lingtan.adapters.services import inclusion_rewards as rw

    got = run_in_store(workspace, lambda db, c: rw.redemption_dict(
        rw.redeem(db, c, programme, account, reward), reward))  # fmt: skip
    say("incl_camp.cli.redeemed", code=got["code"], points=got["points"], id=got["id"])
