"""``lingtan risk hazards …``: physical risk per site from the command line (issue 17 item 5,
decision 0083), through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.risk_hazards`):

- ``exposure set SITE --lat … --lon … --assets … --revenue-per-day … --currency … --bi-days …``
  and ``exposure list`` (``--json``); ``exposure import FILE`` (CSV/XLSX, all or nothing);
- ``import FILE`` hazard indicators (CSV/XLSX, or an OS-Climate physrisk document:
  ``--format physrisk``, the default for ``.json``);
- ``list`` the indicators (filters: site, hazard, pathway, year; ``--json``);
- ``risks PATHWAY YEAR`` expected annual damage and business interruption per site and for
  the group (``--json``);
- ``shares PATHWAY YEAR`` IFRS S2 ¶29(c) shares (``--hazard``, ``--threshold``,
  ``--return-period``; ``--json``);
- ``demo`` the demo sites' coordinates and ILLUSTRATIVE hazards.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found). The group
is :data:`hazards_app`; ``lingtan risk`` attaches it as ``hazards``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, err, fail, out, run_in_store, say
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import EXIT_CODES

T = TypeVar("T")

HELP = "Physical risk per site: exposure, hazard indicators, damage and interruption."
hazards_app = typer.Typer(help=HELP, no_args_is_help=True)
exposure_app = typer.Typer(help="Site exposure: coordinates, asset value, revenue.",
                           no_args_is_help=True)  # fmt: skip
hazards_app.add_typer(exposure_app, name="exposure")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(exc) from exc


def _print(line: str) -> None:
    out.print(line, highlight=False, markup=False)


def _json(doc: Any) -> None:
    out.print_json(json.dumps(doc, ensure_ascii=False, default=str))


def _run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """``call(db, ctx)`` on the workspace's store; a refusal of the service printed in the
    command line's language (a refused file with every wrong cell) and turned into the exit
    code of its kind."""
    from lingtan.adapters.services import risk_hazards as sv

    def guarded(db: Session, ctx: LocalContext) -> T | sv.HazardsError:
        try:
            return call(db, ctx)
        except sv.HazardsError as exc:
            db.rollback()
            return exc

    got = run_in_store(workspace, guarded)
    if isinstance(got, sv.HazardsError):
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(got.key, **got.params))}", highlight=False)
        if isinstance(got, sv.HazardsFileError):
            for line in sv.row_error_lines(got.errors, t.locale):
                err.print(escape(line), highlight=False)
        raise typer.Exit(EXIT_CODES.get(got.kind, 1))
    return got


@exposure_app.command("set")
def exposure_set(
    site: Annotated[str, typer.Argument(help="Site code of the boundary.")],
    lat: Annotated[float, typer.Option("--lat", help="Latitude [degrees N].")],
    lon: Annotated[float, typer.Option("--lon", help="Longitude [degrees E].")],
    assets: Annotated[float, typer.Option("--assets", help="Asset value.")],
    revenue: Annotated[float, typer.Option("--revenue-per-day", help="Revenue per day.")],
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217, e.g. CNY.")],
    bi_days: Annotated[
        float, typer.Option("--bi-days", help="Days of interruption at total damage.")
    ],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record or replace a site's exposure."""
    from lingtan.adapters.services import risk_hazards as sv

    fields = {"site": site, "latitude": lat, "longitude": lon, "asset_value": assets,
              "revenue_per_day": revenue, "currency": currency, "bi_days": bi_days}  # fmt: skip

    def act(db: Session, ctx: LocalContext) -> str:
        return sv.set_exposure(db, ctx, fields).site

    say("hazards.cli.exposure_saved", site=_run(workspace, act))


@exposure_app.command("list")
def exposure_list(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """List the sites' exposure records."""
    from lingtan.adapters.services import risk_hazards as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [sv.exposure_dict(r) for r in sv.list_exposure(db, ctx)]

    rows = _run(workspace, read)
    if as_json:
        _json(rows)
        return
    if not rows:
        say("hazards.cli.none")
    for d in rows:
        _print(f"{d['site']:14} {d['latitude']:8.3f} {d['longitude']:9.3f}  "
               f"{d['asset_value']:>16,.0f} {d['currency']}  {d['revenue_per_day']:>12,.0f}/d  "
               f"{d['bi_days']:g} d")  # fmt: skip


@exposure_app.command("import")
def exposure_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX exposure file.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import an exposure file (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import risk_hazards as sv

    data = _read(file)
    n = _run(workspace, lambda db, ctx: sv.import_exposure(db, ctx, data, file.name))
    say("hazards.cli.exposure_imported", n=n)


@hazards_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV/XLSX indicator file or physrisk JSON.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="table or physrisk (default by extension).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import hazard indicators (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import risk_hazards as sv

    data = _read(file)
    res = _run(workspace, lambda db, ctx: sv.import_hazards(db, ctx, data, file.name, fmt=fmt))
    say("hazards.cli.imported", n=res.created, replaced=res.replaced)


@hazards_app.command("list")
def list_cmd(
    site: Annotated[str | None, typer.Option("--site", help="Site code.")] = None,
    hazard: Annotated[str | None, typer.Option("--hazard", help="e.g. riverine_flood.")] = None,
    pathway: Annotated[str | None, typer.Option("--pathway", help="e.g. SSP5-8.5.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="e.g. 2050.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List hazard indicators."""
    from lingtan.adapters.services import risk_hazards as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        rows = sv.list_indicators(db, ctx, site=site, hazard=hazard, pathway=pathway, year=year)
        return [sv.indicator_dict(r) for r in rows]

    rows = _run(workspace, read)
    if as_json:
        _json(rows)
        return
    if not rows:
        say("hazards.cli.none")
    t = _t()
    for d in rows:
        rp = f"RP {d['return_period']:g}" if d["return_period"] else "—"
        shown_year = str(d["year"] or t("hazards.baseline"))
        name = t("hazards.hazard." + d["hazard"])
        _print(f"{d['site']:14} {name:12} {d['pathway']:10} {shown_year:>6} {rp:>8}  "
               f"{d['value']:g} {d['unit']}")  # fmt: skip


@hazards_app.command("risks")
def risks_cmd(
    pathway: Annotated[str, typer.Argument(help="e.g. SSP5-8.5, historical.")],
    year: Annotated[int, typer.Argument(help="e.g. 2050 (0: the historical baseline).")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Expected annual damage and business interruption per site and for the group."""
    from lingtan.adapters.services import risk_hazards as sv

    doc = _run(workspace, lambda db, ctx: sv.site_risks(db, ctx, pathway, year).to_dict())
    if as_json:
        _json(doc)
        return
    t = _t()
    if not doc["sites"]:
        say("hazards.cli.none")
    for s in doc["sites"]:
        _print(t("hazards.cli.site_line", site=s["site"], ead=f"{s['ead']:,.0f}",
                 bi=f"{s['bi']:,.0f}", days=f"{s['downtime_days']:.2f}",
                 currency=s["currency"]))  # fmt: skip
    g = doc["group"]
    if g:
        _print(t("hazards.cli.group_line", ead=f"{g['ead']:,.0f}", bi=f"{g['bi']:,.0f}",
                 total=f"{g['total']:,.0f}", currency=g["currency"], n=g["sites"]))  # fmt: skip


@hazards_app.command("shares")
def shares_cmd(
    pathway: Annotated[str, typer.Argument(help="e.g. SSP5-8.5.")],
    year: Annotated[int, typer.Argument(help="e.g. 2050.")],
    hazard: Annotated[str | None, typer.Option("--hazard", help="One hazard.")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="In its unit.")] = None,
    return_period: Annotated[
        float | None, typer.Option("--return-period", help="Years (acute hazards).")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """IFRS S2 ¶29(c): shares of assets and revenue at sites above a hazard threshold."""
    from lingtan.adapters.services import risk_hazards as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        got = sv.shares(db, ctx, pathway, year, hazard, threshold=threshold,
                        return_period=return_period)  # fmt: skip
        return [s.to_dict() for s in got]

    rows = _run(workspace, read)
    if as_json:
        _json(rows)
        return
    t = _t()
    if not rows:
        say("hazards.cli.none")

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.1f} %"

    for s in rows:
        _print(t("hazards.cli.share_line", hazard=t("hazards.hazard." + s["hazard"]),
                 threshold=f"{s['threshold']:g}", assets=pct(s["assets_share"]),
                 revenue=pct(s["revenue_share"]),
                 sites=", ".join(s["sites_above"]) or "—"))  # fmt: skip


@hazards_app.command("demo")
def demo_cmd(workspace: WorkspaceOpt = Path(".")) -> None:
    """Record the demo sites' coordinates and ILLUSTRATIVE exposure and hazards."""
    from lingtan.adapters.services import risk_hazards as sv

    say("hazards.cli.demo", n=_run(workspace, sv.load_demo))
