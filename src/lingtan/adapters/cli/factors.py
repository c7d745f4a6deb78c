"""``lingtan factors …``: search, list sets, resolve one activity (through
:mod:`lingtan.adapters.services.factors`, as the API and the web pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, fail, out
from lingtan.adapters.cli.setup import factors_add, factors_remove
from lingtan.adapters.services import factors as service
from lingtan.adapters.services.context import LocalContext

factors_app = typer.Typer(
    help="Search and inspect the emission-factor library.", no_args_is_help=True
)


def _context(workspace: Path) -> LocalContext | None:
    """The workspace's context when ``workspace`` is one, else None (bundled factors only)."""
    from lingtan.adapters.store.config import CONFIG_FILE

    return LocalContext(workspace) if (workspace / CONFIG_FILE).exists() else None


def search(
    query: str,
    *,
    region: str | None,
    set_name: str | None,
    limit: int,
    workspace: Path,
    console: Console,
    offset: int = 0,
    gwp: str | None = None,
) -> None:
    """Print factor groups whose type, Chinese or English name, description or source contain
    every word of ``query``, with kg CO2e per unit under the workspace's GWP set, and the
    number of every match (decision 0055)."""
    found = service.search_library(
        _context(workspace),
        query,
        region=region,
        set_name=set_name,
        limit=limit,
        offset=offset,
        gwp_set=gwp,
    )
    for g in found["groups"]:
        gases = ", ".join(f"{f['gas']} {f['value']:.6g}" for f in g["factors"])
        co2e = "—" if g["co2e_per_unit"] is None else f"{g['co2e_per_unit']:.6g}"
        name = f" {g['name_zh']}" if g["name_zh"] else ""
        console.print(
            f"{g['activity_type']}{name}  [{g['region']}]  {co2e} kg CO2e/{g['unit']} "
            f"({found['gwp_set']})  {gases}  (from {g['valid_from']}, {g['set_name']})",
            highlight=False,
            markup=False,
        )
    total = int(found["total_groups"])
    shown = len(found["groups"])
    more = (
        f" ({offset + 1}–{offset + shown} shown; --offset pages on, or narrow with more words, "
        f"--region or --set)"
        if shown < total
        else ""
    )
    console.print(f"{total} factor groups match" + more, highlight=False)


def list_sets(*, workspace: Path, console: Console) -> None:
    """Print every factor set: name, publisher, edition, licence, number of values."""
    table = Table("set", "publisher", "edition", "licence", "values")
    for fs in service.bundled_sets():
        table.add_row(fs["name"], fs["publisher"], fs["edition"], fs["licence"], str(fs["factors"]))
    for name, n in service.own_set_sizes(_context(workspace)).items():
        table.add_row(name, "(workspace)", "", "", str(n))
    console.print(table)


def resolve_one(
    activity_type: str, region: str, on: date, unit: str, *, workspace: Path, console: Console
) -> int:
    """Print the factor group an activity resolves to; exit code 2 when none."""
    m = service.resolve_activity(_context(workspace), activity_type, region, on, unit)
    if m is None:
        console.print(f"no factor for {activity_type} in {region} on {on} per {unit}")
        return 2
    console.print(
        f"{activity_type} in {region} on {on}: {m.kind.value}" + (f" ({m.note})" if m.note else "")
    )
    for f in m.factors:
        console.print(
            f"  {f.gas:12} {f.value:.6g} kg/{f.unit}   {f.factor_id} v{f.version}  [{f.source}]",
            highlight=False,
        )
    return 0


@factors_app.command("search")
def factors_search(
    query: Annotated[
        str, typer.Argument(help="Words to find in type, name (English or Chinese) or source.")
    ],
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    set_: Annotated[str | None, typer.Option("--set", help="Only this factor set.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many groups.")] = 30,
    offset: Annotated[int, typer.Option(help="Skip this many groups (paging).")] = 0,
    gwp: Annotated[str | None, typer.Option(help="GWP set of CO2e per unit (AR4/AR5/AR6).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Find factors (bundled and the workspace's own) by English or Chinese name (柴油, 电力)."""
    try:
        search(
            query,
            region=region,
            set_name=set_,
            limit=limit,
            workspace=workspace,
            console=out,
            offset=offset,
            gwp=gwp,
        )
    except FAILURES as exc:
        raise fail(exc) from exc


@factors_app.command("sets")
def factors_sets(workspace: WorkspaceOpt = Path(".")) -> None:
    """List factor sets with their edition, licence and size."""
    try:
        list_sets(workspace=workspace, console=out)
    except FAILURES as exc:
        raise fail(exc) from exc


@factors_app.command("resolve")
def factors_resolve(
    activity_type: Annotated[str, typer.Argument(help="e.g. electricity.grid")],
    region: Annotated[str, typer.Option(help="Region, e.g. CN-TJ.")] = "GLO",
    on: Annotated[str, typer.Option("--date", help="Activity date YYYY-MM-DD.")] = "",
    unit: Annotated[str, typer.Option(help="Activity unit.")] = "kWh",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show which factor an activity would use, and the fallback taken."""
    d = date.fromisoformat(on) if on else date.today()
    try:
        code = resolve_one(activity_type, region, d, unit, workspace=workspace, console=out)
    except FAILURES as exc:
        raise fail(exc) from exc
    raise typer.Exit(code)


# own factor sets: ``lingtan factors add FILE`` / ``remove NAME`` (issue 13, cli/setup.py)
factors_app.command("add")(factors_add)
factors_app.command("remove")(factors_remove)
