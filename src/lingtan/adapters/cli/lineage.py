"""``lingtan explain`` and ``lingtan diff``: where an inventory figure comes from, and why two
snapshots differ (through :mod:`lingtan.adapters.services.lineage` and
:mod:`lingtan.adapters.services.diff`, as the API and the web pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, fail, local_context, out
from lingtan.adapters.services import diff, lineage

lineage_app = typer.Typer()


@lineage_app.command("explain")
def explain_cmd(
    workspace: WorkspaceOpt = Path("."),
    year: Annotated[str | None, typer.Option("--year", "-y", help="Fiscal year.")] = None,
    snapshot: Annotated[str | None, typer.Option(help="Snapshot id (prefix).")] = None,
    scope: Annotated[int | None, typer.Option(help="1, 2 or 3.")] = None,
    category: Annotated[int | None, typer.Option(help="Category within the scope.")] = None,
    site: Annotated[str | None, typer.Option(help="Site id ('*' = organisation).")] = None,
    month: Annotated[str | None, typer.Option(help="YYYY-MM.")] = None,
    gas: Annotated[str | None, typer.Option(help="Gas key, e.g. CO2, CH4_fossil, R410A.")] = None,
    basis: Annotated[str, typer.Option(help="market or location (Scope 2).")] = "market",
    supplier: Annotated[
        str | None, typer.Option(help="Supplier id ('unattributed' = rows without one).")
    ] = None,
    product: Annotated[
        str | None, typer.Option(help="Product id ('unattributed' = rows without one).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to print (all are in --output).")] = 20,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write every row to CSV.")
    ] = None,
) -> None:
    """Trace an inventory figure to its rows, factors, GWPs and methods, and recompute it."""
    from lingtan.adapters.compute.lineage import Selection, arithmetic

    sel = Selection(
        scope=scope,
        category=category,
        site=site,
        month=month,
        gas=gas,
        basis=basis,
        supplier=supplier,
        product=product,
    )
    try:
        ctx = local_context(workspace)
        ex = lineage.explain_figure(ctx, sel, snapshot=snapshot, fiscal_year=year)
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(
        f"{ex.fiscal_year}, {sel.describe()}, snapshot {ex.snapshot_id[:16]}, GWP {ex.gwp_set}",
        highlight=False,
    )
    out.print(f"{ex.rows.num_rows} emission rows; methods: {', '.join(ex.methods)}")
    for line in ex.reference_series:  # exchange rates and price indices used (decision 0029)
        out.print(f"reference series: {line}", highlight=False, markup=False)
    out.print("\nFactors used:")
    for f in ex.factors[:limit]:
        out.print(
            f"  {f['factor_id']} v{f['version']} ({f['set']}): {f['value']:.6g} "
            f"{f['unit']} {f['gas']}, {f['region']}, from {f['valid_from']} — "
            f"{f['source']}",
            highlight=False,
            markup=False,
        )
    if len(ex.factors) > limit:
        out.print(f"  … {len(ex.factors) - limit} more")
    supplier_specific = [f["supplier_specific"] for f in ex.factors if "supplier_specific" in f]
    if supplier_specific:  # accepted supplier allocations used as factors (decision 0066)
        from lingtan.adapters.cli.common import cli_locale
        from lingtan.adapters.services.supplier_factors import explain_line

        for prov in supplier_specific:
            out.print(f"  {explain_line(prov, cli_locale())}", highlight=False, markup=False)
    out.print("\nRows (activity row → arithmetic):")
    meters = lineage.meter_lineage(ctx, ex.rows.slice(0, limit))  # rollup rows (decision 0073)
    for r in ex.rows.slice(0, limit).to_pylist():
        out.print(
            f"  row {r['row_id']} (batch {r['batch_id'][:12]}, {r['site']}, {r['date']}, "
            f"{r['activity_type']}, {r['stream']}, {r['match']}): {arithmetic(r)}",
            highlight=False,
            markup=False,
        )
        for line in lineage.meter_lines(meters.pop(r["row_id"], [])):
            out.print(f"    {line}", highlight=False, markup=False)
    if ex.rows.num_rows > limit:
        out.print(f"  … {ex.rows.num_rows - limit} more (use --output FILE.csv for all)")
    if output:
        import pyarrow.csv as pacsv

        from lingtan.adapters.io.cell_safety import safe_table

        pacsv.write_csv(safe_table(ex.rows), output)  # OWASP CSV injection (decision 0035)
        out.print(f"\nall rows written to {output}")
    ok = "equals" if ex.matches else "DOES NOT EQUAL"
    out.print(
        f"\nrecomputed {ex.recomputed_t:,.6f} t CO2e {ok} the inventory's "
        f"{ex.reported_t:,.6f} t CO2e"
    )
    raise typer.Exit(0 if ex.matches else 1)


@lineage_app.command("diff")
def diff_cmd(
    snapshot_a: Annotated[str, typer.Argument(help="Earlier snapshot id (prefix).")],
    snapshot_b: Annotated[str, typer.Argument(help="Later snapshot id (prefix).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Explain the difference between two snapshots by cause (boundary, data, factors, method)."""
    from lingtan.adapters.compute.diff import CAUSES, TOTAL_KEYS

    try:
        d = diff.diff_snapshots(local_context(workspace), snapshot_a, snapshot_b)
    except FAILURES as exc:
        raise fail(exc) from exc

    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:+,.3f}"

    out.print(f"{d.a[:16]} → {d.b[:16]}  (t CO2e; attribution order: {', '.join(CAUSES)})")
    head = ["cause", *TOTAL_KEYS]
    rows = [[s.cause, *[fmt(s.delta[k]) for k in TOTAL_KEYS]] for s in d.steps]
    rows.append(["engine/version", *[fmt(d.residual[k]) for k in TOTAL_KEYS]])
    rows.append(["total B − A", *[fmt(d.delta[k]) for k in TOTAL_KEYS]])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        out.print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ),
            highlight=False,
        )
    for s in d.steps:
        for line in s.details:
            out.print(f"  {s.cause}: {line}", highlight=False, markup=False)
