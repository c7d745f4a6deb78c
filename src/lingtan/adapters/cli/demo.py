"""``lingtan demo``: build both demo workspaces, import, calculate and print the inventories.

(a) ``disclosed/`` — the source report's disclosed inventory, reproduced: lingtan computes every
total and share from the disclosed lines and reconciles them with the report's printed figures
(``published/figures.csv``, ``lingtan reconcile``).
(b) ``synthetic/`` — a fictional manufacturer with activity data for every scope.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingtan.adapters.cli.common import FAILURES, fail, out
from lingtan.adapters.services.context import LocalContext
from lingtan.core.errors import WorkspaceError

demo_app = typer.Typer()
MARKER = ".lingtan-demo"
DISCLOSED_YEARS = ("FY2018/19", "FY2022/23", "FY2023/24")
SYNTHETIC_YEARS = ("FY2022/23", "FY2023/24")


def _prepare(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise WorkspaceError(f"{directory} exists and is not a lingtan demo folder; choose another")
    for sub in ("disclosed", "synthetic"):
        shutil.rmtree(directory / sub, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("built by 'lingtan demo'; safe to delete\n", encoding="utf-8")


def _import_all(ws_path: Path, files: list[Path], console: Console) -> int:
    from lingtan.adapters.services.imports import import_file

    ctx = LocalContext(ws_path)
    rejected = 0
    skip = {ws_path / "factors", ws_path / "reference", ws_path / "published"}
    data = sorted(f for f in files if f.suffix in (".csv", ".xlsx") and f.parent not in skip)
    for f in data:
        rep = import_file(ctx, f)
        rejected += rep.rows_rejected
        for issue in rep.issues[:5]:
            console.print(f"  [yellow]{issue}[/]", highlight=False)
    console.print(
        f"  imported {len(data)} files into {ws_path.name}"
        + (f", {rejected} rows rejected" if rejected else "")
    )
    return rejected


def run_demo(directory: Path, *, generate_rows: int | None, seed: int, console: Console) -> int:
    """Build, import and calculate both demo workspaces; return an exit code."""
    from lingtan.adapters.cli.targets import show_report_targets
    from lingtan.adapters.demo.disclosed import write_disclosed_workspace
    from lingtan.adapters.demo.synthetic import generate_activities, write_synthetic_workspace
    from lingtan.adapters.io.inventory_export import to_table
    from lingtan.adapters.services.calculation import calculate

    _prepare(directory)
    code = 0

    console.rule("(a) the source report's disclosed inventory")
    a = directory / "disclosed"
    files = write_disclosed_workspace(a)
    code |= 2 if _import_all(a, files, console) else 0
    ctx = LocalContext(a)
    invs = [calculate(ctx, y) for y in DISCLOSED_YEARS]
    console.print(to_table(invs), highlight=False)
    code |= _reconcile_report(a, console)  # issue 10: the report's figures, checked
    code |= show_report_targets(invs, console)  # issue 5: targets, KPIs, §3 projects

    console.rule("(b) synthetic manufacturer (fictional; activity data → factors → inventory)")
    b = directory / "synthetic"
    files = write_synthetic_workspace(b, seed=seed)
    code |= 2 if _import_all(b, files, console) else 0
    ctx = LocalContext(b)
    invs = [calculate(ctx, y) for y in SYNTHETIC_YEARS]
    console.print(to_table(invs), highlight=False)
    for inv in invs:
        if inv.unresolved:
            code |= 2
            for g in inv.unresolved:
                console.print(
                    f"  [yellow]not calculated in {inv.fiscal_year}:[/] {g['rows']} rows "
                    f"of {g['lookup']} ({g['region_eff']})",
                    highlight=False,
                )
        console.print(f"  {inv.fiscal_year}: snapshot {inv.snapshot_id[:16]}")

    from lingtan.adapters.cli.products import run_demo as products_demo  # issue 6

    console.rule("(c) product carbon footprint: a laptop configuration (illustrative data)")
    products_demo(directory / "products", console)
    code |= energy_section(b, seed=seed, console=console)  # (d) issue 16: meters → KPIs
    code |= risk_section(b, console=console)  # (e) issue 17: climate risk and opportunity
    from lingtan.adapters.cli.inclusion_feed import inclusion_section  # issue 18

    code |= inclusion_section(b, console=console)  # (f) carbon inclusion, synthetic
    from lingtan.adapters.cli.report_demo import disclosure_section  # issue 19

    code |= disclosure_section(a, console=console)  # (g) the FY2023/24 edition, not rendered

    if generate_rows:
        path = directory / f"synthetic-{generate_rows}.parquet"
        generate_activities(generate_rows, seed=seed, path=path)
        console.print(f"\n{generate_rows:,} synthetic activity rows written to {path}")
    console.print(
        f"\nWorkspaces: {a} and {b}. Try: lingtan inventory -w {a} --year FY2023/24 --format json"
    )
    return code


def energy_section(ws_path: Path, *, seed: int, console: Console) -> int:
    """Issue 16 (decision 0079): give the synthetic workspace its targets, the supplier demo
    and the energy demo (meters, a year of 15-minute readings per fiscal year, production,
    assets, the measured project, certificates; rolled up and reconciled with the invoices),
    then print each metered site's energy, the per-unit changes and the report's four KPIs,
    computed. Returns 2 when a record or a rollup row was refused, else 0."""
    from lingtan.adapters.cli.common import cli_locale, store_session
    from lingtan.adapters.demo.synthetic_targets import write_targets
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.services.energy_demo import energy_summary, load_energy_demo
    from lingtan.adapters.services.energy_rollup import BILL_TOLERANCE
    from lingtan.adapters.services.supplier_demo import load_supplier_demo

    t = Translator(cli_locale())
    console.rule(t("energy_demo.rule"))
    write_targets(ws_path)
    ctx = LocalContext(ws_path)
    with store_session(ctx) as db:
        load_supplier_demo(db, ctx)  # the supplier project ledger behind KPI-SC
        rep = load_energy_demo(db, ctx, seed=seed)
    console.print(t("energy_demo.loaded", meters=rep.meters, readings=f"{rep.readings:,}",
                    production=rep.production, assets=rep.assets,
                    certificates=rep.certificates), highlight=False)  # fmt: skip
    console.print(t("energy_demo.bills", checks=rep.bill_checks, flagged=rep.bills_flagged,
                    tolerance=f"{100 * BILL_TOLERANCE:g}", rows=rep.rollup_rows),
                  highlight=False)  # fmt: skip
    for issue in rep.issues[:5]:
        console.print(f"  [yellow]{issue}[/]", highlight=False)
    s = energy_summary(ctx)

    def num(v: float | None, digits: int = 1) -> str:
        return "-" if v is None else f"{v:,.{digits}f}"

    tab = Table(t("energy_demo.col.site"), t("energy_demo.col.consumption"),
                t("energy_demo.col.grid"), t("energy_demo.col.pv"), t("energy_demo.col.re"),
                title=t("energy_demo.sites", fy=s.fiscal_year))  # fmt: skip
    for x in s.sites:
        tab.add_row(x.site, num(x.consumption_mwh), num(x.grid_mwh), num(x.pv_self_use_mwh),
                    num(x.re_share_pct))  # fmt: skip
    tab.add_row(t("energy_demo.group"), num(s.consumption_mwh), "", "", num(s.re_share_pct))
    console.print(tab, highlight=False)
    for i in s.intensity:
        console.print(t("energy_demo.intensity", site=i.site, product=i.product_type,
                        kwh=num(i.kwh_per_unit, 2), fy=i.fiscal_year,
                        change=num(i.change_pct)), highlight=False)  # fmt: skip
    console.print(t("energy_demo.kpis"), highlight=False)
    for k in s.kpis:
        origin = t(f"energy_demo.origin.{k.origin}") if k.origin else t("energy_demo.origin.none")
        console.print(t("energy_demo.kpi", id=k.id, name=k.name, value=num(k.latest_value),
                        unit=k.unit, fy=k.latest_year or "-", goal=num(k.goal, 0),
                        goal_year=k.goal_year or "-", status=t(f"status.{k.status}"),
                        origin=origin),
                      highlight=False, markup=False)  # fmt: skip
    return 2 if rep.issues else 0


def risk_section(ws_path: Path, *, console: Console) -> int:
    """Issue 17 (decision 0085): load the climate risk demo into the synthetic workspace (the
    report's register with ILLUSTRATIVE scores, its 11 aspects, four ILLUSTRATIVE scenarios
    run on the latest inventory, ILLUSTRATIVE site hazards, the governance calendar), then
    print the heat-map counts by band, each run's net effect per year, the key items computed
    from the register and the scenarios' conclusion, in the command line's language. Returns
    1 when the computed key items are not the report's stated ones (lines 1085–1086), else 0."""
    from lingtan.adapters.cli.common import cli_locale, store_session
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.services.risk_demo import load_risk_demo, risk_summary
    from lingtan.modules.risk.catalogue import label_key

    t = Translator(cli_locale())
    console.rule(t("risk_demo.rule"))
    ctx = LocalContext(ws_path)
    with store_session(ctx) as db:
        rep = load_risk_demo(db, ctx)
        s = risk_summary(db, ctx)

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    def label(group: str, code: str) -> str:
        return t.message(label_key(group, code), default=code)

    say(t("risk_demo.loaded", items=rep.items, aspects=rep.aspects, scenarios=rep.scenarios,
          hazards=rep.hazards, governance=rep.governance))  # fmt: skip
    say(t("risk_demo.heatmap"))
    for b in s.bands:
        say(t("risk_demo.band", band=label("band", b.band), risks=b.risks,
              opportunities=b.opportunities))  # fmt: skip
    if s.runs:
        say(t("risk_demo.runs", currency=s.runs[0].currency))
        by_run: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for r in s.runs:
            names[r.scenario] = r.label_in(t.locale)
            by_run.setdefault(r.scenario, []).append(
                t("risk_demo.year_value", year=r.year, net=f"{r.net:,.0f}"))  # fmt: skip
        for code, values in by_run.items():
            say(t("risk_demo.run", label=names[code], values=t("text.sep").join(values)))
    else:
        say(t("risk_demo.no_runs"))
    none = t("risk_demo.none")
    say(t("risk_demo.key", band=label("band", s.key.band)))
    sep = t("text.sep")
    say(t("risk_demo.key_risks",
          drivers=sep.join(label("driver", d) for d in s.key.risks) or none))  # fmt: skip
    say(t("risk_demo.key_opportunities",
          drivers=sep.join(label("driver", d) for d in s.key.opportunities) or none))  # fmt: skip
    say(t("risk_demo.matches" if s.key.matches_report else "risk_demo.differs"))
    if s.conclusion is not None:
        from lingtan.adapters.services.risk_scenarios import conclusion_text

        say(t("risk_demo.conclusion", text=conclusion_text(s.conclusion, t.locale)))
    return 0 if s.key.matches_report else 1


def _reconcile_report(directory: Path, console: Console) -> int:
    """Reconcile the report's published figures (``published/figures.csv``, written with the
    workspace) with lingtan's inventories and project figures, and print every difference with
    its cause (``lingtan reconcile``). Returns 1 when a figure is unexplained or missing (a
    total lingtan does not reproduce), else 0: the report's own inconsistencies are findings,
    not failures of the demo."""
    from lingtan.adapters.cli.reconcile import print_findings
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.reconcile import reconcile_workspace
    from lingtan.core.reconcile import Status

    rep = reconcile_workspace(LocalContext(directory))
    console.print(
        "\nThe report's published figures, reconciled (lingtan reconcile; lingtan computes, never "
        "copies):",
        highlight=False,
    )
    print_findings(list(rep.findings), console)
    bad = {Status.UNEXPLAINED, Status.MISSING}
    return 1 if any(f.status in bad for f in rep.findings) else 0


@demo_app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo workspaces.")] = Path(
        "demo-workspace"
    ),
    generate_rows: Annotated[
        int | None,
        typer.Option(help="Also write N synthetic activity rows as Parquet (benchmarks)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic data.")] = 2024,
) -> None:
    """Build the demo workspaces, calculate them and print the inventories."""
    try:
        code = run_demo(directory, generate_rows=generate_rows, seed=seed, console=out)
    except FAILURES as exc:
        raise fail(exc) from exc
    raise typer.Exit(code)
