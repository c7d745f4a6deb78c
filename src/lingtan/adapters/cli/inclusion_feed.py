"""``lingtan inclusion feed category7 PROGRAMME --year FY [--json]``: an employee programme's
commuting into Scope 3 category 7 as primary data (issue 18 item 3, decision 0094) through
:func:`lingtan.adapters.services.inclusion_inventory.feed_category7`; and the inclusion section
of ``lingtan demo`` (:func:`inclusion_section`). The group is :data:`feed_app`; ``lingtan
inclusion`` attaches it as ``feed``. Texts: ``incl_demo.*`` in the command line's language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, out, run_in_store
from lingtan.adapters.i18n.messages import Translator

if TYPE_CHECKING:
    from rich.console import Console

    from lingtan.adapters.services.inclusion_inventory import FeedResult

feed_app = typer.Typer(help="Commuting into Scope 3 category 7 (primary data).",
                       no_args_is_help=True)  # fmt: skip


def feed_lines(res: FeedResult, t: Translator) -> list[str]:
    """What ``feed category7`` prints."""
    lines = [t("incl_demo.feed.head", programme=res.programme, fy=res.fiscal_year,
               rows=len(res.rows), pkm=f"{res.pkm:,.1f}")]  # fmt: skip
    if res.batch_id is None:
        lines.append(t("incl_demo.feed.nothing"))
    elif res.already_imported:
        lines.append(t("incl_demo.feed.same", batch=res.batch_id[:12]))
    elif res.supersedes:
        lines.append(t("incl_demo.feed.superseded", batch=res.batch_id[:12],
                       old=res.supersedes[:12]))  # fmt: skip
    else:
        lines.append(t("incl_demo.feed.imported", batch=res.batch_id[:12]))
    lines += [t("incl_demo.feed.row", site=r.site or "—", mode=r.mode, month=r.month,
                pkm=f"{r.pkm:,.1f}", trips=r.trips, members=r.members,
                activity=r.activity_type) for r in res.rows]  # fmt: skip
    lines += [t("incl_demo.feed.human", mode=m, pkm=f"{v:,.1f}")
              for m, v in res.human_powered_pkm.items()]  # fmt: skip
    lines += [t("incl_demo.feed.overlap", site=s or "—", month=m) for s, m in res.overlaps]
    lines += list(res.rejected)
    return lines


@feed_app.command("category7")
def category7(
    programme: Annotated[str, typer.Argument(help="Employee programme code.")],
    year: Annotated[str, typer.Option("--year", help="Fiscal year, e.g. FY2024/25.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Feed the programme's accepted commuting of a fiscal year into category 7 (re-running
    replaces the previous feed, never adds to it)."""
    from lingtan.adapters.services.inclusion_inventory import feed_category7

    t = Translator(cli_locale())
    res = run_in_store(workspace, lambda db, c: feed_category7(db, c, programme, year))
    if as_json:
        out.print_json(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    for line in feed_lines(res, t):
        out.print(line, highlight=False, markup=False)


def inclusion_section(ws_path: Path, *, console: Console) -> int:
    """Issue 18 (decision 0094): load the SYNTHETIC carbon-inclusion demo into the synthetic
    workspace and print its programmes, members, events, kg by what they count as, points
    outstanding, the Environment Week winners, the refused push, the 0-kg laptop purchase and
    the category-7 rows, in the command line's language. Returns 0 (2 when the laptop purchase
    was credited kg or the category-7 feed is empty: the demo's own checks)."""
    from lingtan.adapters.cli.common import store_session
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.inclusion_demo import inclusion_summary, load_inclusion_demo

    t = Translator(cli_locale())
    console.rule(t("incl_demo.rule"))
    ctx = LocalContext(ws_path)
    with store_session(ctx) as db:
        rep = load_inclusion_demo(db, ctx)
        s = inclusion_summary(db, ctx)

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    say(t("incl_demo.synthetic"))
    say(t("incl_demo.loaded", programmes=rep.programmes, accounts=rep.accounts,
          events=rep.events, pushes=rep.pushes, redemptions=rep.redemptions))  # fmt: skip
    for p in s.programmes:
        kg = t("text.sep").join(
            t("incl_demo.kg", counts_as=t(f"incl_demo.counts_as.{k}"), kg=f"{v:,.1f}")
            for k, v in p.kg.items()
        )
        say(t("incl_demo.programme", code=p.code, name=p.name,
              audience=t(f"incl_demo.audience.{p.audience}"), started=f"{p.started or '-'}",
              accounts=p.accounts, events=p.events, kg=kg or "-",
              outstanding=f"{p.outstanding:,}"))  # fmt: skip
    for code, team, score in s.winners:
        say(t("incl_demo.winner", campaign=code, team=team, score=f"{score:,.1f}"))
    for ext, reason in s.refused:
        say(t("incl_demo.refused", id=ext, reason=t.message(reason, default=reason)))
    buy = s.purchase
    if buy:
        say(t("incl_demo.purchase", product=buy.get("product") or "-", kg=f"{buy['kg_co2e']:g}",
              points=buy.get("points") or 0, url=buy.get("evidence_url") or "-"))  # fmt: skip
    pkm = sum(float(r["pkm"]) for r in s.category7)
    say(t("incl_demo.cat7", rows=len(s.category7), pkm=f"{pkm:,.1f}"))
    ok = bool(buy) and buy.get("kg_co2e") == 0 and bool(s.category7)
    return 0 if ok else 2
