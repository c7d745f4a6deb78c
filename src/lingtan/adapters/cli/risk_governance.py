"""``lingtan risk governance …``: governance records of climate matters from the command line
(issue 17 item 6, decision 0084), through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.risk_governance`):

- ``bodies`` (list, ``--json``) and ``bodies add CODE KIND NAME`` (``--parent``, ``--chair``,
  ``--per-year``, ``--counts``);
- ``meetings list`` (``--year``, ``--body``, ``--json``), ``meetings add BODY TITLE``
  (``--date`` YYYY-MM-DD or YYYY-MM, ``--year`` when the date is not published,
  ``--climate TOPIC:TEXT`` repeated, ``--decision`` repeated), ``meetings import FILE`` (CSV,
  all or nothing, every wrong cell named), ``meetings export FILE``;
- ``roles`` (list) and ``roles add TITLE``;
- ``pay-links`` (list) and ``pay-links add YEAR POPULATION`` (``--kpi``, ``--label``,
  ``--share``);
- ``check YEAR``: required vs held meetings of every body, with the gaps.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`governance_app`; ``lingtan risk`` attaches it as
``governance``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, err, fail, run_keyed, say
from lingtan.adapters.cli.common import plain as _print
from lingtan.adapters.cli.common import print_json as _json
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "Governance records: bodies, meetings and climate agenda items, roles, pay links."
governance_app = typer.Typer(help=HELP, no_args_is_help=True)
bodies_app = typer.Typer(help="Boards, committees and working groups.", invoke_without_command=True)
meetings_app = typer.Typer(help="Meetings with their agenda and decisions.", no_args_is_help=True)
roles_app = typer.Typer(help="Management roles (IFRS S2 ¶6(b)).", invoke_without_command=True)
pay_app = typer.Typer(help="Climate KPIs linked to pay (IFRS S2 ¶29(g)).",
                      invoke_without_command=True)  # fmt: skip
governance_app.add_typer(bodies_app, name="bodies")
governance_app.add_typer(meetings_app, name="meetings")
governance_app.add_typer(roles_app, name="roles")
governance_app.add_typer(pay_app, name="pay-links")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def run_in_store(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`lingtan.adapters.cli.common.run_in_store`, a keyed refusal of the governance
    service (``governance.err.*``) printed in the command line's language with the exit code
    of its kind."""
    return run_keyed(workspace, call, "governance.")


def _when(t: Translator, d: dict[str, Any]) -> str:
    if d["precision"] == "day":
        return str(d["date_text"])
    if d["precision"] == "month":
        return t("governance.date.month", month=d["date_text"])
    return t("governance.date.not_published")


# ---- bodies -------------------------------------------------------------------------------


@bodies_app.callback()
def bodies_list(
    ctx: typer.Context, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the bodies with their required frequency."""
    if ctx.invoked_subcommand is not None:
        return
    from lingtan.adapters.services import risk_governance as sv

    rows = run_in_store(workspace, lambda db, c: [sv.body_dict(b) for b in sv.list_bodies(db, c)])
    if as_json:
        _json(rows)
        return
    t = _t()
    if not rows:
        say("governance.none.bodies")
    for b in rows:
        need = (t("governance.required." + b["counts"], n=b["per_year"]) if b["per_year"]
                else "—")  # fmt: skip
        _print(f"{b['code']:14} {t('governance.kind.' + b['kind']):28} {b['name']} · {need}")


@bodies_app.command("add")
def bodies_add(
    code: Annotated[str, typer.Argument(help="Code (letters, digits, _ . -).")],
    kind: Annotated[str, typer.Argument(help="board, audit_committee, … working_group, other")],
    name: Annotated[str, typer.Argument(help="Name.")],
    parent: Annotated[str | None, typer.Option("--parent", help="Body it reports to.")] = None,
    chair: Annotated[str | None, typer.Option("--chair", help="Chair.")] = None,
    per_year: Annotated[
        int | None, typer.Option("--per-year", help="Required a year (0: none; default: report's).")
    ] = None,
    counts: Annotated[
        str | None, typer.Option("--counts", help="meetings or climate_items.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a body."""
    from lingtan.adapters.services import risk_governance as sv

    given = {"code": code, "kind": kind, "name": name, "parent": parent, "chair": chair,
             "per_year": per_year, "counts": counts}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}
    run_in_store(workspace, lambda db, c: sv.create_body(db, c, fields).code)
    say("governance.cli.body_added", code=code)


# ---- meetings -----------------------------------------------------------------------------


@meetings_app.command("list")
def meetings_list(
    year: Annotated[str | None, typer.Option("--year", "-y", help="Fiscal year.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="Body code.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List meetings by date (undated ones of a year last)."""
    from lingtan.adapters.services import risk_governance as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return sv.meeting_dicts(db, sv.list_meetings(db, ctx, fiscal_year=year, body=body))

    rows = run_in_store(workspace, read)
    if as_json:
        _json(rows)
        return
    t = _t()
    if not rows:
        say("governance.none.meetings")
    for m in rows:
        topics = ", ".join(t("governance.topic." + a["topic"]) for a in m["agenda"] if a["climate"])
        _print(f"{m['id']:>5} {m['fiscal_year']:10} {_when(t, m):22} {m['body']:12} {m['title']}"
               + (f" · {topics}" if topics else ""))  # fmt: skip


def _agenda(items: list[str] | None, climate: bool) -> list[dict[str, Any]]:
    out_items = []
    for item in items or []:
        topic, _, text = item.partition(":")
        out_items.append({"topic": topic.strip(), "climate": climate, "text": text.strip()})
    return out_items


@meetings_app.command("add")
def meetings_add(
    body: Annotated[str, typer.Argument(help="Body code.")],
    title: Annotated[str, typer.Argument(help="Title.")],
    date: Annotated[
        str | None, typer.Option("--date", help="YYYY-MM-DD, or YYYY-MM (month only).")
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Fiscal year (when no date is published).")
    ] = None,
    climate: Annotated[
        list[str] | None, typer.Option("--climate", help="Climate item TOPIC:TEXT (repeat).")
    ] = None,
    other: Annotated[
        list[str] | None, typer.Option("--item", help="Other item TOPIC:TEXT (repeat).")
    ] = None,
    decision: Annotated[
        list[str] | None, typer.Option("--decision", help="A decision (repeat).")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Where it is published.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a meeting."""
    from lingtan.adapters.services import risk_governance as sv

    fields: dict[str, Any] = {"body": body, "title": title, "date": date, "fiscal_year": year,
                              "agenda": _agenda(climate, True) + _agenda(other, False),
                              "decisions": list(decision or []), "source": source}  # fmt: skip
    mid = run_in_store(workspace, lambda db, c: sv.create_meeting(db, c, fields).id)
    say("governance.cli.meeting_added", id=mid)


@meetings_app.command("import")
def meetings_import(
    file: Annotated[Path, typer.Argument(help="CSV file of meetings.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a CSV file of meetings (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import risk_governance as sv

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(exc) from exc

    def act(db: Session, ctx: LocalContext) -> int | sv.GovernanceFileError:
        try:
            return len(sv.import_meetings(db, ctx, data, file.name))
        except sv.GovernanceFileError as exc:  # every wrong cell, in the command line's language
            return exc

    got = run_in_store(workspace, act)
    if isinstance(got, sv.GovernanceFileError):
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(got.key, **got.params))}", highlight=False)
        for line in sv.row_error_lines(got.errors, t.locale):
            err.print(escape(line), highlight=False)
        raise typer.Exit(2)
    say("governance.cli.imported", n=got)


@meetings_app.command("export")
def meetings_export(
    file: Annotated[Path, typer.Argument(help="CSV file to write.")],
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Fiscal year (default: all).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the meetings as CSV (the import's columns)."""
    from lingtan.adapters.services import risk_governance as sv

    data = run_in_store(workspace, lambda db, c: sv.export_meetings(db, c, year))
    try:
        file.write_bytes(data)
    except OSError as exc:
        raise fail(exc) from exc
    say("governance.cli.exported", file=str(file))


# ---- roles and pay links ------------------------------------------------------------------


@roles_app.callback()
def roles_list(
    ctx: typer.Context, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the management roles."""
    if ctx.invoked_subcommand is not None:
        return
    from lingtan.adapters.services import risk_governance as sv

    rows = run_in_store(workspace, lambda db, c: [sv.role_dict(r) for r in sv.list_roles(db, c)])
    if as_json:
        _json(rows)
        return
    if not rows:
        say("governance.none.roles")
    for r in rows:
        _print(f"{r['id']:>4} {r['title']} → {r['reports_to'] or '—'}")


@roles_app.command("add")
def roles_add(
    title: Annotated[str, typer.Argument(help="Title of the role.")],
    responsibilities: Annotated[
        str | None, typer.Option("--responsibilities", help="What it does on climate.")
    ] = None,
    reports_to: Annotated[str | None, typer.Option("--reports-to", help="To whom.")] = None,
    chairs: Annotated[
        list[str] | None, typer.Option("--chairs", help="Body code (repeat).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a management role."""
    from lingtan.adapters.services import risk_governance as sv

    fields = {"title": title, "responsibilities": responsibilities, "reports_to": reports_to,
              "chairs": list(chairs or [])}  # fmt: skip
    rid = run_in_store(workspace, lambda db, c: sv.create_role(db, c, fields).id)
    say("governance.cli.role_added", id=rid)


@pay_app.callback()
def pay_list(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", "-y", help="Fiscal year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the links of climate KPIs to variable pay."""
    if ctx.invoked_subcommand is not None:
        return
    from lingtan.adapters.services import risk_governance as sv

    def read(db: Session, c: LocalContext) -> list[dict[str, Any]]:
        return [sv.pay_link_dict(r) for r in sv.list_pay_links(db, c, fiscal_year=year)]

    rows = run_in_store(workspace, read)
    if as_json:
        _json(rows)
        return
    t = _t()
    if not rows:
        say("governance.none.pay_links")
    for p in rows:
        share = (
            f"{p['share_pct']:g} %" if p["share_pct"] is not None else t("governance.not_published")
        )
        kpi = " ".join(x for x in (p["kpi_id"], p["kpi_label"]) if x)
        _print(f"{p['id']:>4} {p['fiscal_year']:10} {p['population']} · {kpi} · {share}")


@pay_app.command("add")
def pay_add(
    year: Annotated[str, typer.Argument(help="Fiscal year.")],
    population: Annotated[str, typer.Argument(help="Who is covered (e.g. executives).")],
    kpi: Annotated[str | None, typer.Option("--kpi", help="KPI id of the targets file.")] = None,
    label: Annotated[str | None, typer.Option("--label", help="The KPI in words.")] = None,
    share: Annotated[
        float | None, typer.Option("--share", help="% of variable pay (default: not published).")
    ] = None,
    body: Annotated[str | None, typer.Option("--body", help="Body that sets it.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a link of a climate KPI to variable pay."""
    from lingtan.adapters.services import risk_governance as sv

    given = {"fiscal_year": year, "population": population, "kpi_id": kpi, "kpi_label": label,
             "share_pct": share, "body": body}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}
    lid = run_in_store(workspace, lambda db, c: sv.create_pay_link(db, c, fields).id)
    say("governance.cli.pay_link_added", id=lid)


# ---- the check ----------------------------------------------------------------------------


@governance_app.command("check")
def check_cmd(
    year: Annotated[str, typer.Argument(help="Fiscal year, e.g. FY2023/24.")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Required vs held meetings of every body in the year, with the gaps."""
    from lingtan.adapters.services import risk_governance as sv

    rows = run_in_store(
        workspace, lambda db, c: [sv.check_dict(x) for x in sv.frequency_check(db, c, year)]
    )
    if as_json:
        _json(rows)
        return
    t = _t()
    for c in rows:
        need = t("governance.required." + c["counts"], n=c["required"]) if c["required"] else "—"
        line = t("governance.cli.check", body=c["body"], held=c["held"], required=need,
                 status=t("governance.status." + c["status"]))  # fmt: skip
        gaps = "; ".join(f"{g['start']} – {g['end']}" for g in c["gaps"])
        _print(line + (" · " + t("governance.cli.gaps", gaps=gaps) if gaps else ""))
