"""``lingtan energy …``: site energy from the command line (issue 16, decision 0078), through
the same services as the API and the web pages:

- ``rollup --year FY``: the billing meters' monthly sums become activity rows of the fiscal year
  through the one import door (the previous roll-up of the year superseded), and the months a
  bill already covers are reconciled instead (:mod:`~lingtan.adapters.services.energy_rollup`);
- ``bills --year FY``: meters against bills, |Σ meters − bill| / bill against the tolerance;
- ``report --year FY [--site S]``: the group table (MWh, tce, RE share, kWh per unit, PV yield,
  gaps) or one site's indicators (:mod:`~lingtan.adapters.services.energy_indicators`);
- ``production import FILE`` / ``production list``: production volumes by site, line, product
  type and month (:mod:`~lingtan.adapters.services.production`);
- ``assets list`` / ``assets import FILE``: PV, storage and data-centre assets
  (:mod:`~lingtan.adapters.services.energy_assets`);
- ``certs …`` (when the certification capability is installed: decision 0077).

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lingtan.adapters.cli.common import WorkspaceOpt, YearOpt, fail, out, say
from lingtan.adapters.cli.meters import run, run_ctx

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lingtan.adapters.services.context import LocalContext

HELP = "Site energy: roll-up into the inventory, bills, indicators, production, assets."
energy_app = typer.Typer(help=HELP, no_args_is_help=True)
production_app = typer.Typer(help="Production volumes by site, line, product type and month.",
                             no_args_is_help=True)  # fmt: skip
assets_app = typer.Typer(help="PV, storage and data-centre assets of the sites.",
                         no_args_is_help=True)  # fmt: skip
energy_app.add_typer(production_app, name="production")
energy_app.add_typer(assets_app, name="assets")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_SPLIT = re.compile(r"^(FY|fy)?(\d{4})-(\d{2})$")


def fy_label(value: str) -> str:
    """``FY2024-25`` → ``FY2024/25``; other forms unchanged (the calendar reads them)."""
    m = _SPLIT.match(value.strip())
    return f"FY{m.group(2)}/{m.group(3)}" if m else value.strip()


def plain(value: Any) -> Any:
    """A service result as JSON-able data (``to_dict`` when it has one)."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _json(data: Any) -> None:
    out.print_json(json.dumps(plain(data), ensure_ascii=False, default=str))


def _num(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value):,.{digits}f}"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f} %"


@energy_app.command("rollup")
def rollup_cmd(
    year: YearOpt, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """Roll the billing meters of a fiscal year up into activity rows (one import batch that
    supersedes the previous roll-up); months with a bill are reconciled, not counted twice."""
    from lingtan.adapters.services import energy_rollup as er

    fy = fy_label(year)
    report = run_ctx(workspace, lambda ctx: er.rollup(ctx, fy))
    doc = plain(report)
    if as_json:
        _json(doc)
        return
    for b in doc["batches"]:
        key = "energy.cli.rollup.same" if b["already_imported"] else "energy.cli.rollup.batch"
        say(key, template=b["template"], rows=b["rows"], batch=b["batch_id"][:12],
            file=b["file"])  # fmt: skip
    if not doc["batches"]:
        say("energy.cli.rollup.nothing", fy=fy)
    for check in report.bills:
        _print_bill(check)
    for meter, month, got, expected in doc["incomplete"]:
        say("energy.cli.rollup.incomplete", meter=meter, month=month, n=got, expected=expected)
    for problem in [*doc["problems"], *doc["rejected"]]:
        say("energy.cli.rollup.problem", text=problem)


def _print_bill(check: Any) -> None:
    """One bill check: site, activity type, month, meters vs bill, deviation."""
    key = "energy.cli.bill.ok" if check.within else "energy.cli.bill.off"
    dev = "—" if check.deviation is None else f"{100 * check.deviation:+.2f} %"
    say(key, site=check.site, type=check.activity_type, month=check.month,
        meters=_num(check.meters), bill=_num(check.bill), unit=check.unit, diff=dev,
        tol=f"{100 * check.tolerance:.1f} %")  # fmt: skip


@energy_app.command("bills")
def bills_cmd(year: YearOpt, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """Meters against bills for each site × carrier × month that has both."""
    from lingtan.adapters.services import energy_rollup as er

    fy = fy_label(year)
    checks = run_ctx(workspace, lambda ctx: er.reconcile_bills(ctx, fy))
    if as_json:
        _json(checks)
        return
    if not checks:
        say("energy.cli.bills.none", fy=fy)
    for check in checks:
        _print_bill(check)


@energy_app.command("report")
def report_cmd(
    year: YearOpt,
    site: Annotated[str | None, typer.Option("--site", help="One site's indicators.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The group table of a fiscal year (MWh, tce, RE share, kWh per unit, PV yield, gaps) or,
    with --site, one site's indicators."""
    from lingtan.adapters.services import energy_indicators as ei

    fy = fy_label(year)
    if site is not None:
        doc = plain(run_ctx(workspace, lambda ctx: ei.site_energy(ctx, site, fy)))
        if as_json:
            _json(doc)
            return
        say("energy.cli.report.site", site=site, fy=fy)
        _print_site_row(doc)
        _json({k: v for k, v in doc.items() if k not in ("profile", "load_profile", "monthly")})
        return
    doc = plain(run_ctx(workspace, lambda ctx: ei.group_energy(ctx, fy)))
    if as_json:
        _json(doc)
        return
    say("energy.cli.report.group", fy=fy, n=len(doc.get("sites", [])))
    for row in doc.get("sites", []):
        _print_site_row(row)


def _print_site_row(doc: dict[str, Any]) -> None:
    """One line of the group table from a site's document (``SiteEnergy.to_dict``): site,
    consumption C [MWh], tce (当量值, GB/T 2589-2020), RE share, PV yield Σ generation / Σ kWp
    [kWh/kWp], missing intervals."""
    kwh = (doc.get("balance") or {}).get("consumption_kwh")
    tce = (doc.get("tce") or {}).get("equivalent") or {}
    pv = doc.get("pv") or []
    kwp = sum(float(p.get("kwp") or 0.0) for p in pv)
    gen = sum(float(p.get("generation_kwh") or 0.0) for p in pv)
    say("energy.cli.report.row", site=doc.get("site", ""),
        mwh=_num(None if kwh is None else float(kwh) / 1000), tce=_num(tce.get("tce")),
        re=_pct((doc.get("re_share") or {}).get("share")), pv=_num(gen / kwp if kwp else None, 0),
        gaps=doc.get("missing_intervals", 0))  # fmt: skip


@production_app.command("import")
def production_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX of production volumes.")],
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Declared encoding of a CSV (gb18030 …).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import production volumes (site, line, product_type, month, units, comparable,
    standard_hours); all or nothing, every wrong cell named."""
    from lingtan.adapters.services import production as ps

    if not file.is_file():
        raise fail(f"{file}: not a file")
    res = run(workspace, lambda db, ctx: ps.import_production(db, ctx, file, encoding=encoding))
    n = getattr(res, "rows", None)
    if n is None:
        n = len(getattr(res, "created", ()) or ()) + len(getattr(res, "updated", ()) or ())
    say("energy.cli.production.imported", file=file.name, n=n)


@production_app.command("list")
def production_list_cmd(
    site: Annotated[str | None, typer.Option("--site", help="Only this site.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List production volumes: month, site, line, product type, units."""
    from lingtan.adapters.services import production as ps

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [
            {"site": r.site, "line": r.line, "product_type": r.product_type,
             "month": r.month.isoformat() if isinstance(r.month, date) else str(r.month),
             "units": float(r.units), "comparable": bool(r.comparable),
             "standard_hours": r.standard_hours}
            for r in ps.list_production(db, ctx, site=site)
        ]  # fmt: skip

    rows = run(workspace, read)
    if as_json:
        _json(rows)
        return
    if not rows:
        say("energy.cli.production.none")
    for r in rows:
        out.print(f"{r['month']}  {r['site']:14} {r['line'] or '':10} {r['product_type']:16} "
                  f"{r['units']:>14,.0f}", highlight=False, markup=False)  # fmt: skip


@assets_app.command("list")
def assets_list_cmd(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """List PV, storage and data-centre assets: code, site, kind, size, ownership."""
    from lingtan.adapters.services import energy_assets as ea

    rows = run(workspace, lambda db, ctx: [ea.asset_dict(a) for a in ea.list_assets(db, ctx)])
    if as_json:
        _json(rows)
        return
    if not rows:
        say("energy.cli.assets.none")
    for a in rows:
        size = a.get("kwp") or a.get("kwh") or a.get("kw")
        out.print(f"{a.get('code', ''):14} {a.get('site', ''):14} {a.get('kind', ''):12} "
                  f"{_num(size):>12} {a.get('ownership') or ''}",
                  highlight=False, markup=False)  # fmt: skip


@assets_app.command("import")
def assets_import_cmd(
    file: Annotated[Path, typer.Argument(help="YAML or CSV of assets.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create or update assets from a YAML or CSV file; all or nothing."""
    from lingtan.adapters.services import energy_assets as ea

    if not file.is_file():
        raise fail(f"{file}: not a file")
    data = file.read_bytes()
    res = run(workspace, lambda db, ctx: ea.import_assets(db, ctx, data, file.name))
    say("energy.cli.assets.imported", file=file.name, created=len(res.created),
        updated=len(res.updated))  # fmt: skip


def _attach_capabilities() -> None:
    """Add ``certs`` (the certificate register and zero-carbon assessment, decision 0077) when
    its module is installed; it keeps its own Typer app (its tests invoke it directly)."""
    try:
        module = importlib.import_module("lingtan.adapters.cli.certifications")
    except ModuleNotFoundError:
        return
    energy_app.add_typer(module.certs_app, name="certs")


_attach_capabilities()
