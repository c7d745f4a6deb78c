"""``lingtan products …``: product carbon footprints (issue 6).

Without ``--family`` every command works on the bundled illustrative notebook family and
inventory (``lingtan/data/lca``, illustrative numbers). Exit codes: 0 success, 1 an input could
not be used (nothing imported or written).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Product carbon footprints: stages, hot spots, labels, PACT, LCA data import.",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

FamilyOpt = Annotated[
    Path | None,
    typer.Option("--family", help="Product-family YAML (default: the bundled demo family)."),
]
DatabaseOpt = Annotated[
    Path | None, typer.Option("--database", help="LCI database YAML (default: the family's).")
]
ProductOpt = Annotated[str | None, typer.Option("--product", "-p", help="Product id.")]
ConfigOpt = Annotated[str | None, typer.Option("--config", "-c", help="Configuration id.")]
GwpOpt = Annotated[str, typer.Option("--gwp", help="GWP set: AR4, AR5 or AR6.")]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="Date for grid factors, YYYY-MM-DD (default today).")
]
PactOpt = Annotated[
    list[Path] | None,
    typer.Option("--pact", help="Supplier PACT footprint file(s) replacing database averages."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the JSON document.")]
BaseUrlOpt = Annotated[str, typer.Option(help="Base URL of the public evidence pages.")]

#: workflow.DEFAULT_BASE_URL, not imported: the CLI starts without loading the LCA stack
BASE_URL = "https://example.org/lingtan"
DEMO_COMPANY = "lingtan demo company"
DEMO_COMPANY_ID = "urn:uuid:00000000-0000-4000-8000-000000000000"


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    return typer.Exit(1)


def _bench(
    family: Path | None, database: Path | None, gwp: str, on: str | None, pact: list[Path] | None
) -> Any:
    """The workbench of the options (:func:`lingtan.adapters.services.products.open_bench`).

    Raises:
        ServiceError: invalid — a file cannot be used.
    """
    from lingtan.adapters.services.products import open_bench

    when = date.fromisoformat(on) if on else None
    return open_bench(family, database, gwp_set=gwp, on=when, pact_files=pact or ())


def print_footprint(fp: Any, console: Console) -> None:
    """Footprint by stage, as a table with shares."""
    total = fp.total
    t = Table("stage", "kg CO2e", "share", title=f"{fp.product_name} — {fp.configuration_name}")
    for stage, v in fp.by_stage().items():
        t.add_row(stage.replace("_", " "), f"{v:,.2f}", f"{100 * v / total:.1f} %")
    t.add_row("[bold]total[/]", f"[bold]{total:,.2f}[/]", "100.0 %")
    console.print(t)
    console.print(
        f"  per product (declared unit), cradle to grave; {fp.method}; database {fp.database}; "
        f"product mass {fp.mass_kg:.3f} kg",
        highlight=False,
    )


def print_hot_spots(fp: Any, console: Console, k: int = 8) -> None:
    """Hot spots: demand lines, supply-chain processes, materials and suppliers."""
    total = fp.total
    t = Table("#", "stage", "line", "source", "kg CO2e", "share", title="Hot spots (BOM lines)")
    for i, r in enumerate(fp.hot_spots(k), start=1):
        ln = r.line
        label = ln.path + (f" [{ln.material} {ln.grade}]" if ln.material else "")
        t.add_row(
            str(i),
            ln.stage.value,
            label,
            ln.source,
            f"{r.kg_co2e:,.2f}",
            f"{100 * r.kg_co2e / total:.1f} %",
        )
    console.print(t)
    if fp.supply_chain:
        s = Table("process", "kg CO2e", "share", title="Supply-chain hot spots (direct emissions)")
        for _key, name, v in fp.supply_chain[:k]:
            s.add_row(name, f"{v:,.2f}", f"{100 * v / total:.1f} %")
        console.print(s)
    sup = list(fp.by_supplier().items())[:5]
    console.print("  by supplier: " + "; ".join(f"{n} {v:,.1f}" for n, v in sup), highlight=False)
    mat = list(fp.by_material().items())[:5]
    console.print("  by material: " + "; ".join(f"{n} {v:,.1f}" for n, v in mat), highlight=False)


@app.command("list")
def list_(
    family: FamilyOpt = None, database: DatabaseOpt = None, gwp: GwpOpt = "AR6", on: OnOpt = None
) -> None:
    """List products and configurations with their footprints."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        wb = _bench(family, database, gwp, on, None)
        for p in wb.family.products:
            out.print(f"{p.product_id}  {p.name}  (line {p.line}, generation {p.generation})")
            for fp in svc.footprints(wb, p.product_id):
                out.print(
                    f"  {fp.configuration_id:24} {fp.total:10,.1f} kg CO2e  "
                    f"{fp.configuration_name}",
                    highlight=False,
                )
    except ServiceError as exc:
        raise _fail(exc) from exc


@app.command()
def footprint(
    product: ProductOpt = None,
    config: ConfigOpt = None,
    family: FamilyOpt = None,
    database: DatabaseOpt = None,
    gwp: GwpOpt = "AR6",
    on: OnOpt = None,
    pact: PactOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A configuration's footprint by life-cycle stage (ISO 14067)."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        fp = svc.footprint(_bench(family, database, gwp, on, pact), product, config)
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        out.print_json(json.dumps(fp.to_dict(), default=str))
        return
    print_footprint(fp, out)


@app.command()
def hotspots(
    product: ProductOpt = None,
    config: ConfigOpt = None,
    family: FamilyOpt = None,
    database: DatabaseOpt = None,
    gwp: GwpOpt = "AR6",
    on: OnOpt = None,
    pact: PactOpt = None,
    top: int = 8,
) -> None:
    """Hot spots of a configuration: BOM lines, processes, suppliers, materials."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        fp = svc.footprint(_bench(family, database, gwp, on, pact), product, config, top)
    except ServiceError as exc:
        raise _fail(exc) from exc
    print_hot_spots(fp, out, top)


@app.command()
def label(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the SVG and PNG.")] = Path("."),
    product: ProductOpt = None,
    config: ConfigOpt = None,
    family: FamilyOpt = None,
    database: DatabaseOpt = None,
    gwp: GwpOpt = "AR6",
    on: OnOpt = None,
    base_url: BaseUrlOpt = BASE_URL,
    neutral: Annotated[bool, typer.Option(help="Mark the label carbon neutral.")] = False,
) -> None:
    """Write a configuration's label (SVG and PNG) with a QR code to its evidence page."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        fp = svc.footprint(_bench(family, database, gwp, on, None), product, config, 0)
        svg, png, url = svc.write_label_files(fp, base_url, out_dir, neutral=neutral)
    except ServiceError as exc:
        raise _fail(exc) from exc
    out.print(f"label written: {svg} and {png} (QR → {url})", highlight=False)


@app.command("pact-export")
def pact_export(
    out_file: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    company: Annotated[str, typer.Option(help="Company name.")] = DEMO_COMPANY,
    company_id: Annotated[str, typer.Option(help="Company URN.")] = DEMO_COMPANY_ID,
    product: ProductOpt = None,
    config: ConfigOpt = None,
    family: FamilyOpt = None,
    database: DatabaseOpt = None,
    gwp: GwpOpt = "AR6",
    on: OnOpt = None,
) -> None:
    """Export a configuration's cradle-to-gate footprint as a PACT v2 ProductFootprint."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        fp = svc.footprint(_bench(family, database, gwp, on, None), product, config, 0)
        doc = svc.write_pact_file(fp, out_file, company_name=company, company_ids=[company_id])
    except ServiceError as exc:
        raise _fail(exc) from exc
    out.print(f"PACT ProductFootprint {doc['id']} written to {out_file}", highlight=False)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="ecospold2 file or folder, or JSON-LD folder/zip.")],
    fmt: Annotated[str, typer.Option("--format", help="ecospold2 or jsonld.")] = "ecospold2",
    to_jsonld: Annotated[Path | None, typer.Option(help="Also write as openLCA JSON-LD.")] = None,
    to_ecospold2: Annotated[Path | None, typer.Option(help="Also write as ecospold2.")] = None,
    gwp: GwpOpt = "AR6",
) -> None:
    """Import (validate) LCA process data; errors name the file and element."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    if fmt not in svc.LCA_FORMATS:
        raise typer.BadParameter("--format must be ecospold2 or jsonld")
    try:
        imported = svc.import_lca(path, fmt, gwp_set=gwp)
        db, system, lam = imported.db, imported.system, imported.scores
    except ServiceError as exc:
        err.print("  nothing was imported")
        raise _fail(exc) from exc
    out.print(
        f"{path}: {len(db.processes)} processes, {len(db.flows)} elementary flows, "
        f"{len(db.exchanges)} exchanges; LU fill {system.factors.fill:.1f}×",
        highlight=False,
    )
    t = Table("process", "unit", f"kg CO2e per unit ({gwp})")
    for p, v in sorted(zip(db.processes, lam, strict=True), key=lambda pv: -abs(pv[1]))[:10]:
        t.add_row(p.name, p.unit, f"{v:,.4g}")
    out.print(t)
    if to_jsonld:
        svc.export_lca(imported, to_jsonld, "jsonld")
        out.print(f"written as JSON-LD to {to_jsonld}")
    if to_ecospold2:
        svc.export_lca(imported, to_ecospold2, "ecospold2")
        out.print(f"written as ecospold2 to {to_ecospold2}")


@app.command("montecarlo")
def montecarlo(
    product: ProductOpt = None,
    config: ConfigOpt = None,
    family: FamilyOpt = None,
    database: DatabaseOpt = None,
    gwp: GwpOpt = "AR6",
    on: OnOpt = None,
    iterations: int = 1000,
    seed: int = 0,
) -> None:
    """Monte Carlo interval of a configuration's footprint (seeded)."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        wb = _bench(family, database, gwp, on, None)
        r = svc.monte_carlo(wb, product, config, iterations=iterations, seed=seed)
    except ServiceError as exc:
        raise _fail(exc) from exc
    d = r.to_dict()
    lo, hi = d["ci95_kg_co2e"]
    out.print(
        f"{d['iterations']} iterations (seed {seed}): static {d['static_kg_co2e']:,.2f}, "
        f"median {d['median_kg_co2e']:,.2f}, 95 % interval {lo:,.2f} … {hi:,.2f} kg CO2e; "
        f"solver {d['solver_stats']}",
        highlight=False,
    )


@app.command()
def efficiency(family: FamilyOpt = None, database: DatabaseOpt = None) -> None:
    """Energy efficiency per product line vs previous generation and base year."""
    from lingtan.adapters.services import products as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        rows = svc.efficiency(_bench(family, database, "AR6", None, None))
    except ServiceError as exc:
        raise _fail(exc) from exc
    t = Table("product", "line", "gen", "kWh/yr", "vs previous", "vs base year", "target")
    for r in rows:
        d = r.to_dict()
        t.add_row(
            d["product_id"],
            d["line"],
            str(d["generation"]),
            f"{d['kwh_per_year']:.1f}",
            _pct(d["improvement_vs_previous_pct"]),
            _pct(d["improvement_vs_base_pct"]),
            ""
            if d["target_pct"] is None
            else f"+{d['target_pct']:g} % " + ("(on track)" if d["on_track"] else "(not yet)"),
        )
    out.print(t)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:+.1f} %"


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for label and evidence.")] = Path(
        "products-demo"
    ),
    config: ConfigOpt = None,
    base_url: BaseUrlOpt = BASE_URL,
) -> None:
    """The laptop demo: footprint by stage, hot spots, certificate and label in one go."""
    from lingtan.adapters.services.errors import ServiceError

    try:
        run_demo(out_dir, out, config_id=config, base_url=base_url)
    except ServiceError as exc:
        raise _fail(exc) from exc


def run_demo(
    out_dir: Path,
    console: Console,
    *,
    config_id: str | None = None,
    base_url: str = BASE_URL,
    on: date = date(2024, 6, 30),
) -> dict[str, Any]:
    """Footprint by stage, hot spots, carbon-neutral claim, PACT export and label of one
    configuration of the bundled notebook family (illustrative data); returns the paths and
    the evidence document. ``lingtan demo`` calls this too."""
    from lingtan.adapters.services.products import run_products_demo

    res = run_products_demo(
        out_dir,
        config_id=config_id,
        base_url=base_url,
        on=on,
        company_name=DEMO_COMPANY,
        company_ids=[DEMO_COMPANY_ID],
    )
    wb, fp, claim = res.bench, res.footprint, res.claim
    console.print("[bold]Product carbon footprint[/] (illustrative inventory; ISO 14067)")
    print_footprint(fp, console)
    print_hot_spots(fp, console)
    if wb.replaced:
        console.print(
            f"  supplier PACT footprints replace database averages for: {', '.join(wb.replaced)}",
            highlight=False,
        )
    status = "[green]carbon neutral[/]" if claim.valid else "[red]not carbon neutral[/]"
    console.print(
        f"Claim {claim.claim_id}: {status} — {claim.units:,.0f} units, residual "
        f"{claim.residual_t:,.1f} t, credits retired {claim.retired_t:,.1f} t"
    )
    console.print(
        f"  label {res.svg.name} + {res.png.name}, evidence {res.evidence.name}, PACT "
        f"{res.pact.name} in {out_dir} (QR → {claim.evidence_url})",
        highlight=False,
    )
    return {
        "svg": res.svg,
        "png": res.png,
        "evidence": res.evidence,
        "pact": res.pact,
        "claim": claim,
        "footprint": fp,
    }
