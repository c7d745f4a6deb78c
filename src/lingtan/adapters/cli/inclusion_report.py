"""``lingtan inclusion report show PROGRAMME [--from D] [--to D] [--json]``: the carbon-inclusion
programme report (issue 18 item 7, decision 0092) through
:func:`lingtan.adapters.services.inclusion_report.programme_report` — participants, events by
action and status, kg CO2e by methodology (reductions and avoided emissions apart, never
summed), points issued / redeemed / expired / reversed / outstanding (the liability), the Scope 3
category 7 rows. The group is :data:`report_app`; ``lingtan inclusion`` attaches it as
``report``. Texts: ``incl_member.cli.*`` in the command line's language."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, fail, out, run_in_store
from lingtan.adapters.i18n.messages import Translator

report_app = typer.Typer(help="The programme report (participants, kg, points liability).",
                         no_args_is_help=True)  # fmt: skip


@report_app.callback()
def _group() -> None:
    """The programme report (a group, so that ``show`` stays a sub-command)."""


def _day(text: str | None, option: str, t: Translator) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(t("incl_member.cli.bad_date", option=option), 2) from None


def report_lines(report: dict[str, Any], t: Translator) -> list[str]:
    """The report as the lines the command prints."""
    p, pts, kg = report["programme"], report["points"], report["kg_by_counts_as"]
    return [
        t("incl_member.cli.programme", code=p["code"], name=p["name"]),
        t("incl_member.cli.period", start=report["period"]["start"] or t("incl_member.cli.open"),
          end=report["period"]["end"] or t("incl_member.cli.open")),
        t("incl_member.cli.participants", n=report["participants"], groups=report["groups"],
          active=report["active_accounts"], events=report["events_total"]),
        *(t("incl_member.cli.event_row", **r) for r in report["events"]),
        t("incl_member.cli.kg", reduction=f"{kg['reduction']:.3f}", avoided=f"{kg['avoided']:.3f}"),
        *(t("incl_member.cli.kg_row", pack=f"{r['pack_id'] or '—'}@{r['pack_version']}",
            counts_as=r["counts_as"], kg=f"{r['kg_co2e']:.3f}", events=r["events"])
          for r in report["kg_by_method"]),
        t("incl_member.cli.points", **{k: pts.get(k, 0) for k in
          ("issued", "adjusted", "redeemed", "expired", "reversed", "outstanding")}),
        *(t("incl_member.cli.cat7_row", site=r["site"] or "—", mode=r["mode"], month=r["month"],
            pkm=f"{r['pkm']:.1f}") for r in report["category7"]),
    ]  # fmt: skip


@report_app.command("show")
def show(
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    start: Annotated[
        str | None, typer.Option("--from", help="First day YYYY-MM-DD (included).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD (included).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show the programme report over a period."""
    from lingtan.adapters.services import inclusion_report as sv

    t = Translator(cli_locale())
    lo, hi = _day(start, "from", t), _day(end, "to", t)
    report = run_in_store(workspace, lambda db, c: sv.programme_report(db, c, programme, lo, hi))
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False, default=str))
        return
    for line in report_lines(report, t):
        out.print(line, highlight=False, markup=False)
