"""``lingtan report mapping …``: the framework mapping and the datapoints entered by hand from
the command line (issue 19 item 3, decision 0097), through the same services as the API and the
web page (:mod:`lingtan.adapters.services.disclosure_mapping`,
:mod:`lingtan.adapters.services.disclosure_datapoints`):

- ``show [--framework KEY] [--fy FY] [--status S] [--json]``: each requirement's reference,
  lingtan's label, status and sources, computed now from the workspace's data (default year:
  the latest calculated one);
- ``datapoint set KEY --fy FY --value V --unit U [--text T] [--source S]``,
  ``datapoint list [--fy FY] [--json]``, ``datapoint review KEY --fy FY --status S``
  (reviewed | approved | entered), ``datapoint remove KEY --fy FY``.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`mapping_app`; ``lingtan report`` attaches it as ``mapping``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    cli_locale,
    fail,
    is_busy,
    listing,
    local_context,
    plain,
    print_json,
    run_keyed,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext, jsonable

mapping_app = typer.Typer(
    help="The framework mapping (IFRS S2, HKEX, CDP, ISO 14064-1) and datapoints entered by hand.",
    no_args_is_help=True,
)
datapoint_app = typer.Typer(
    help="Datapoints entered by hand (internal carbon price, capital deployment) and their review.",
    no_args_is_help=True,
)
mapping_app.add_typer(datapoint_app, name="datapoint")

FyOpt = Annotated[str, typer.Option("--fy", "-y", help="Fiscal year, e.g. FY2023/24.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_PREFIX = "disc_map."


def _t() -> Translator:
    return Translator(cli_locale())


def _counts(t: Translator, c: dict[str, int]) -> str:
    return t("disc_map.counts", complete=c["complete"], partial=c["partial"],
             missing=c["missing"], total=c["total"])  # fmt: skip


def _binding(t: Translator, b: dict[str, Any]) -> str:
    if b["kind"] == "fact":
        name = t(f"disc_map.fact.{b['key']}")
    elif b["kind"] == "datapoint":
        name = t(f"disc_map.datapoint.{b['key']}")
    else:
        name = f"{t('disc_map.kind.narrative')} {b['key']}"
    return f"{name} ({t('disc_map.status.' + b['status'])})"


@mapping_app.command("show")
def show_cmd(
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="ifrs_s2, hkex, cdp or iso14064.")
    ] = None,
    fy: Annotated[
        str | None, typer.Option("--fy", "-y", help="Fiscal year (default: latest calculated).")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only complete, partial or missing ones.")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Each requirement with its status, computed now from the workspace's data."""
    from lingtan.adapters.services import disclosure_mapping as sv

    try:
        ctx = local_context(workspace)
        view = sv.live_mapping(ctx, fy or sv.default_fiscal_year(ctx), framework=framework)
    except FAILURES as exc:
        raise fail(exc, EXIT_BUSY if is_busy(exc) else None) from exc
    if status:
        for f in view["frameworks"]:
            f["requirements"] = [r for r in f["requirements"] if r["status"] == status]
    if as_json:
        print_json(jsonable(view))
        return
    t = _t()
    say("disc_map.cli.total", fiscal_year=view["fiscal_year"], counts=_counts(t, view["counts"]))
    for f in view["frameworks"]:
        plain("")
        plain(t("disc_map.cli.header", framework=t(f["title"]), counts=_counts(t, f["counts"])))
        for r in f["requirements"]:
            sources = "; ".join(_binding(t, b) for b in r["bindings"])
            plain(f"  {r['ref']:28} {t('disc_map.status.' + r['status']):6} {t(r['label'])}"
                  f"  — {sources}")  # fmt: skip


def _line(t: Translator, d: dict[str, Any]) -> str:
    value = "—" if d["value"] is None else f"{d['value']:,.2f}"
    return (f"{d['fiscal_year']:10} {d['key']:24} {value:>16} {d['unit'] or '':12} "
            f"{t('disc_map.dp_status.' + d['status']):6} {d['text'] or ''}")  # fmt: skip


@datapoint_app.command("set")
def set_cmd(
    key: Annotated[str, typer.Argument(help="internal_carbon_price or capital_deployment.")],
    fy: FyOpt,
    value: Annotated[str, typer.Option("--value", help="The figure (a number ≥ 0).")],
    unit: Annotated[str, typer.Option("--unit", help="CNY/t CO2e (a price) or CNY (an amount).")],
    text: Annotated[str | None, typer.Option("--text", help="How it is applied / covers.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Where it comes from.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Enter or replace a datapoint (back to 'entered' when it changes; audited)."""
    from lingtan.adapters.services import disclosure_datapoints as dp

    def call(db: Session, ctx: LocalContext) -> dict[str, Any]:
        row = dp.set_datapoint(db, ctx, key, fy, value=value, unit=unit, text=text,
                               source=source)  # fmt: skip
        return dp.datapoint_dict(row)

    _saved(run_keyed(workspace, call, _PREFIX, commit=True))


def _saved(d: dict[str, Any]) -> None:
    """Say that datapoint ``d`` (as ``datapoint_dict`` gives it) is saved, with its state."""
    say("disc_map.cli.saved", name=d["key"], fiscal_year=d["fiscal_year"],
        status=_t()("disc_map.dp_status." + d["status"]))  # fmt: skip


@datapoint_app.command("list")
def list_cmd(
    fy: Annotated[str | None, typer.Option("--fy", "-y", help="Only this fiscal year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The datapoints entered by hand, with their review state."""
    from lingtan.adapters.services import disclosure_datapoints as dp

    def call(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [dp.datapoint_dict(r) for r in dp.list_datapoints(db, ctx, fy)]

    rows = run_keyed(workspace, call, _PREFIX)
    listing(jsonable(rows) if as_json else rows, as_json, "disc_map.datapoints.none", _line)


@datapoint_app.command("review")
def review_cmd(
    key: Annotated[str, typer.Argument(help="The datapoint.")],
    fy: FyOpt,
    status: Annotated[str, typer.Option("--status", help="reviewed, approved or entered.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Mark a datapoint reviewed, approve it (after review) or reopen it (audited)."""
    from lingtan.adapters.services import disclosure_datapoints as dp

    def call(db: Session, ctx: LocalContext) -> dict[str, Any]:
        return dp.datapoint_dict(dp.review_datapoint(db, ctx, key, fy, status))

    _saved(run_keyed(workspace, call, _PREFIX, commit=True))


@datapoint_app.command("remove")
def remove_cmd(
    key: Annotated[str, typer.Argument(help="The datapoint.")],
    fy: FyOpt,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Remove a datapoint (audited)."""
    from lingtan.adapters.services import disclosure_datapoints as dp

    def call(db: Session, ctx: LocalContext) -> str:
        dp.delete_datapoint(db, ctx, key, fy)
        return dp.fiscal_year_of(ctx, fy)

    label = run_keyed(workspace, call, _PREFIX, commit=True)
    say("disc_map.cli.removed", name=key, fiscal_year=label)
