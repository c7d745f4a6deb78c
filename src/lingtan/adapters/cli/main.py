"""``lingtan`` — the command line.

Exit codes: 0 success; 1 an input could not be used at all (nothing changed); 2 the command
finished but some input rows were rejected (they are in the quarantine: ``lingtan quarantine``)
or some activities could not be calculated (listed in the inventory's completeness section).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from lingtan.core.errors import LingtanError

app = typer.Typer(
    name="lingtan",
    help="lingtan (零碳): GHG inventories, Scope 1-3, for manufacturers and their supply chains.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
factors_app = typer.Typer(
    help="Search and inspect the emission-factor library.", no_args_is_help=True
)
app.add_typer(factors_app, name="factors")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]
YearOpt = Annotated[str, typer.Option("--year", "-y", help="Fiscal year, e.g. FY2023/24.")]


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False)
    return typer.Exit(code)


def _open(path: Path):  # type: ignore[no-untyped-def]
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(path)
    for problem in ws.problems:  # missing files, named with their fix (decision 0036)
        err.print(f"[bold yellow]warning:[/] {escape(str(problem))}", highlight=False)
    return ws


#: sysexits EX_TEMPFAIL: the workspace was busy (another writer); nothing changed, try again
EXIT_BUSY = 75


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    organisation: Annotated[str, typer.Option(help="Organisation name.")] = "My Organisation",
    region: Annotated[str, typer.Option(help="Default region (ISO 3166).")] = "CN",
    fiscal_start_month: Annotated[int, typer.Option(help="First month of the fiscal year.")] = 4,
) -> None:
    """Create a workspace folder with a starter lingtan.yaml."""
    from lingtan.adapters.store.workspace import init_workspace

    try:
        ws = init_workspace(
            directory, organisation=organisation, region=region, start_month=fiscal_start_month
        )
    except LingtanError as exc:
        raise _fail(exc) from exc
    out.print(f"Initialised workspace {ws.path}. Edit lingtan.yaml to describe your boundary.")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files, one template each.")],
    workspace: WorkspaceOpt = Path("."),
    template: Annotated[
        str | None, typer.Option(help="Template name (default: from the file name).")
    ] = None,
    supersede: Annotated[
        str | None, typer.Option(help="Batch id this file corrects and replaces.")
    ] = None,
    fixes: Annotated[
        str | None, typer.Option(help="Batch id whose rejected rows this file fixes.")
    ] = None,
    show: Annotated[int, typer.Option(help="How many rejected rows to print per file.")] = 20,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Keep the file even if its rows largely repeat an earlier batch (keep both).",
        ),
    ] = False,
) -> None:
    """Import activity files. Bad rows are kept aside with their reasons (see 'quarantine').
    A file whose rows largely repeat an earlier batch (50 % or more) is refused unless
    --append (keep both) or --supersede (replace that batch) says what to do."""
    from lingtan.adapters.io.importer import DuplicateImportError, import_file

    try:
        ws = _open(workspace)
    except LingtanError as exc:
        raise _fail(exc) from exc
    code = 0
    for f in files:
        try:
            rep = import_file(
                ws, f, template=template, supersedes=supersede, fixes=fixes, append=append
            )
        except DuplicateImportError as exc:
            o = exc.overlap
            err.print(
                f"[bold red]error:[/] {f}: {o.percent} % of its rows ({o.rows_matching} of "
                f"{o.rows_new}) repeat batch {o.batch_id[:12]} ({o.file_name}, imported "
                f"{o.imported_at:%Y-%m-%d %H:%M} UTC). Nothing was imported. Run again with "
                f"--append to keep both, or --supersede {o.batch_id[:12]} to replace that "
                "batch.",
                highlight=False,
            )
            code = max(code, 1)
            continue
        except LingtanError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            err.print(f"  nothing was imported from {f}")
            busy = type(exc).__name__ == "WorkspaceBusyError"
            code = EXIT_BUSY if busy else max(code, 1)
            continue
        if rep.already_imported and rep.repaired:
            out.print(
                f"{f}: already imported (batch {rep.batch_id[:12]}); its missing files were "
                f"written again: {', '.join(rep.repaired)}"
            )
            continue
        if rep.already_imported:
            out.print(f"{f}: already imported (batch {rep.batch_id[:12]}); nothing to do")
            continue
        out.print(
            f"{f}: template '{rep.template}', {rep.rows_read} rows read, "
            f"{rep.rows_accepted} accepted, {rep.rows_rejected} rejected "
            f"(batch {rep.batch_id[:12]})"
        )
        for issue in rep.issues[:show]:
            err.print(f"  {issue}", highlight=False)
        if len(rep.issues) > show:
            err.print(
                f"  … {len(rep.issues) - show} more: lingtan quarantine --batch {rep.batch_id[:12]}"
            )
        if rep.duplicates:
            others = sorted({b[:12] for _, b in rep.duplicates})
            rows = ", ".join(str(r) for r, _ in rep.duplicates[:10])
            err.print(
                f"[yellow]warning:[/] {len(rep.duplicates)} rows equal rows already imported "
                f"(batch {', '.join(others)}): rows {rows}. If this file replaces that one, "
                f"import it with --supersede."
            )
        if rep.rows_rejected:
            code = max(code, 2)
    raise typer.Exit(code)


@app.command()
def quarantine(
    workspace: WorkspaceOpt = Path("."),
    batch: Annotated[str | None, typer.Option(help="Only this batch (id prefix).")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the list to this CSV.")] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            help="With --batch: write the rejected rows, as the user wrote them, to "
            "this file (same template) to fix and re-import with --fixes."
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include rows already fixed.")] = False,
) -> None:
    """List rows rejected at import, with file, row, column and reason."""
    try:
        ws = _open(workspace)
        rows = ws.quarantine(batch, open_only=not all_)
        if export is not None:
            if not batch:
                raise _fail(ValueError("--export needs --batch"))
            from lingtan.adapters.io.quarantine import export_rejected

            n = export_rejected(ws, ws.batch(batch), export)
            out.print(
                f"{n} rejected rows written to {export} (reasons in "
                f"{export.with_suffix('.issues.csv').name}); fix them, then: "
                f"lingtan import {export} --fixes {batch}"
            )
            return
    except LingtanError as exc:
        raise _fail(exc) from exc
    names = {b.id: b.file_name for b in ws.batches(active_only=False)}
    if output:
        import csv

        from lingtan.adapters.io.cell_safety import safe_row

        with output.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "batch", "row", "column", "reason", "value", "fixed_by"])
            for q in rows:
                w.writerow(
                    safe_row(  # OWASP CSV injection (decision 0035)
                        [
                            names.get(q.batch_id, ""),
                            q.batch_id,
                            q.row,
                            q.field,
                            q.reason,
                            q.value,
                            q.resolved_by or "",
                        ]
                    )
                )
        out.print(f"{len(rows)} rejected rows written to {output}")
        return
    for q in rows:
        col = f", column '{q.field}'" if q.field else ""
        fixed = f" [fixed by batch {q.resolved_by[:12]}]" if q.resolved_by else ""
        out.print(
            f"{names.get(q.batch_id, q.batch_id)}, row {q.row}{col}: {q.reason}"
            + (f" (value: {q.value!r})" if q.value else "")
            + fixed,
            highlight=False,
            markup=False,
        )
    if not rows:
        out.print("No rejected rows." if all_ else "No open rejected rows.")


@app.command()
def calc(
    year: YearOpt,
    workspace: WorkspaceOpt = Path("."),
    gwp: Annotated[str | None, typer.Option(help="GWP set (default: lingtan.yaml).")] = None,
) -> None:
    """Calculate the inventory of a fiscal year and store it as a snapshot."""
    from lingtan.adapters.compute.runner import calculate_year
    from lingtan.adapters.io.inventory_export import to_table

    try:
        ws = _open(workspace)
        inv = calculate_year(ws, year, gwp_set=gwp)
    except LingtanError as exc:
        busy = type(exc).__name__ == "WorkspaceBusyError"
        raise _fail(exc, EXIT_BUSY if busy else 1) from exc
    if not inv.rows and not inv.unresolved:
        err.print(
            f"[bold red]nothing to calculate:[/] no activity row is dated in {inv.fiscal_year} "
            f"({inv.period_start} … {inv.period_end}); import data with 'lingtan import'",
            highlight=False,
        )
        raise typer.Exit(1)
    code = _report_gaps(inv)  # the completeness warning comes before the table
    out.print(to_table([inv]), highlight=False)
    _print_quality(inv)
    out.print(f"\nsnapshot {inv.snapshot_id[:16]} ({inv.gwp_set}, {inv.consolidation})")
    _print_exclusions([inv])
    if code:
        err.print(
            f"[bold yellow]{inv.fiscal_year} is INCOMPLETE[/]: the figures above leave out "
            f"{inv.completeness.rows_not_calculated} activity rows (listed before the table)",
            highlight=False,
        )
    raise typer.Exit(code)


def _print_exclusions(invs) -> None:  # type: ignore[no-untyped-def]
    """The Scope 3 exclusions register and the categories not reported without a reason."""
    from lingtan.adapters.io.inventory_export import exclusion_lines

    lines = exclusion_lines(invs)
    if lines:
        out.print("\nScope 3 exclusions register (GHG Protocol Scope 3 Standard ch. 6):")
    for line in lines:
        out.print(f"  {line}", highlight=False, markup=False)


def _print_quality(inv) -> None:  # type: ignore[no-untyped-def]
    """One line each: emission-weighted data quality and the Monte Carlo 95 % interval."""
    q, u = inv.data_quality, inv.uncertainty
    if q and q.get("overall") and q["overall"].get("score") is not None:
        ov = q["overall"]
        worst = q["worst_contributors"][0] if q.get("worst_contributors") else None
        line = f"\ndata quality (1 best … 5 worst, emission-weighted): {ov['score']:.2f}"
        if worst:
            where = "organisation level" if worst["site"] == "*" else worst["site"]
            line += (
                f"; most to gain: {worst['activity_type']} at {where} "
                f"({worst['share_pct']:.1f} % of the total, score {worst['score']:.1f})"
            )
        out.print(line, highlight=False)
    for warning in (q or {}).get("warnings") or ():  # e.g. a spend factor of another economy
        out.print(f"[yellow]data quality warning:[/] {warning}", highlight=False)
    ci = (u.get("ci95_tco2e") or {}).get("total_market") if u else None
    if u and ci and None not in ci:
        lo, hi = ci
        out.print(
            f"uncertainty: total (market) 95 % interval {lo:,.0f} – {hi:,.0f} t CO2e "
            f"({u['iterations']:,} Monte Carlo iterations, seed {u['seed']})",
            highlight=False,
        )


def _report_gaps(inv) -> int:  # type: ignore[no-untyped-def]
    """The completeness warning (docs/completeness.md): 2 when the inventory is incomplete."""
    c = inv.completeness
    code = 0 if c.complete else 2
    if not c.complete:
        err.print(
            f"[bold yellow]INCOMPLETE {inv.fiscal_year}:[/] "
            f"{c.rows_not_calculated} activity rows were not calculated; the totals leave them "
            "out (GHG Protocol completeness principle)",
            highlight=False,
        )
    for g in c.groups:
        how = "no factor" if g.cause == "no_factor" else "no unit/currency conversion"
        if g.reason and g.reason.get("text"):  # currency, year and series; units; regions
            how = f"{how} ({g.reason['text']})"
        note = " — category excluded in lingtan.yaml, does not count" if g.excluded else ""
        err.print(
            "[yellow]not calculated:[/] "
            + escape(
                f"{g.rows} rows of {g.activity_type} in {g.region} ({g.unit}), "
                f"{g.quantity:,.6g} {g.unit}: {how}{note}"
            ),
            highlight=False,
        )
        err.print(f"  add: {g.what_to_add}", highlight=False, markup=False)
    if inv.not_estimated:
        kinds = sorted({f"{g['lookup']} ({g['region_eff']})" for g in inv.not_estimated})
        err.print(
            f"[dim]not estimated (no factor, optional stream): {', '.join(kinds)}[/]",
            highlight=False,
        )
    return code


@app.command()
def inventory(
    year: Annotated[list[str], typer.Option("--year", "-y", help="Fiscal year(s).")],
    workspace: WorkspaceOpt = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", help="table | json | csv | xlsx")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to file.")] = None,
) -> None:
    """Print (or write) the stored inventory of one or more fiscal years."""
    import json

    from lingtan.adapters.compute.runner import latest_inventory
    from lingtan.adapters.io.inventory_export import to_csv, to_json, to_table, write_xlsx

    try:
        ws = _open(workspace)
        invs = [latest_inventory(ws, y) for y in year]
    except LingtanError as exc:
        raise _fail(exc) from exc
    fmt = format.lower()
    if fmt == "xlsx":
        target = output or Path(f"inventory-{invs[0].fiscal_year.replace('/', '-')}.xlsx")
        write_xlsx(invs, target)
        out.print(f"written {target}")
        return
    if fmt == "json":
        text = (
            to_json(invs[0])
            if len(invs) == 1
            else json.dumps([i.to_dict() for i in invs], ensure_ascii=False, indent=2)
        )
    elif fmt == "csv":
        text = "".join(
            to_csv(i) if n == 0 else to_csv(i).split("\n", 1)[1] for n, i in enumerate(invs)
        )
    elif fmt == "table":
        from lingtan.adapters.io.inventory_export import exclusion_lines, status_lines

        text = "\n".join(f"completeness {line}" for line in status_lines(invs))
        text += "\n" + to_table(invs)
        if any(not i.completeness.complete for i in invs):
            text += "\n\nNot calculated (what to add):"
            for i in invs:
                for g in i.completeness.counted():
                    text += (
                        f"\n  {i.fiscal_year}: {g.rows} rows of {g.activity_type} in {g.region}"
                        f", {g.quantity:,.6g} {g.unit} — add {g.what_to_add}"
                    )
        excl = exclusion_lines(invs)
        if excl:
            text += "\n\nScope 3 exclusions register (GHG Protocol Scope 3 Standard ch. 6):"
            text += "".join(f"\n  {line}" for line in excl)
        from lingtan.adapters.cli.kyoto import kyoto_text

        text += kyoto_text(invs)  # the seven Kyoto gases per scope, biogenic CO2 apart
    else:
        raise _fail(ValueError(f"unknown format {format!r}: use table, json, csv or xlsx"))
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"written {output}")
    else:
        sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


@app.command()
def snapshots(
    workspace: WorkspaceOpt = Path("."),
    year: Annotated[str | None, typer.Option("--year", "-y")] = None,
) -> None:
    """List stored inventory snapshots, newest first."""
    try:
        ws = _open(workspace)
        label = ws.config.period(year).label if year else None
    except LingtanError as exc:
        raise _fail(exc) from exc
    from lingtan.adapters.compute.runner import snapshot_completeness

    snaps = ws.snapshots(label)
    if not snaps:
        out.print(f"No snapshots{' of ' + label if label else ''}; run 'lingtan calc --year …'.")
    for s in snaps:
        c = snapshot_completeness(s)
        mark = (
            "complete"
            if c.complete
            else f"INCOMPLETE ({c.rows_not_calculated} activity rows not calculated)"
        )
        out.print(
            f"{s.id[:16]}  {s.fiscal_year}  {s.created_at:%Y-%m-%d %H:%M}  {s.gwp_set}  "
            f"{s.total_market_t:,.0f} t CO2e (market)  {mark}",
            highlight=False,
        )


@app.command()
def template(
    name: Annotated[str | None, typer.Argument(help="Template name; omit to list them.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (.csv or .xlsx).")
    ] = None,
    all_: Annotated[Path | None, typer.Option("--all", help="Write every template here.")] = None,
) -> None:
    """Write empty import templates (CSV or XLSX, with an example row)."""
    from lingtan.adapters.io.intake import write_all_templates, write_template
    from lingtan.core.templates import TEMPLATES

    if all_ is not None:
        paths = write_all_templates(all_)
        out.print(f"{len(paths)} templates written to {all_}")
        return
    if name is None:
        for t in TEMPLATES.values():
            out.print(f"{t.name:18} {t.title}")
        return
    if name not in TEMPLATES:
        raise _fail(ValueError(f"unknown template {name!r}; known: {', '.join(TEMPLATES)}"))
    target = output or Path(f"{name}.csv")
    write_template(name, target)
    out.print(f"written {target}")


@app.command()
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
    from lingtan.adapters.cli.demo import run_demo

    try:
        code = run_demo(directory, generate_rows=generate_rows, seed=seed, console=out)
    except LingtanError as exc:
        raise _fail(exc) from exc
    raise typer.Exit(code)


@factors_app.command("search")
def factors_search(
    query: Annotated[str, typer.Argument(help="Words to find in type, description or source.")],
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    set_: Annotated[str | None, typer.Option("--set", help="Only this factor set.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many groups.")] = 30,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Find factors (bundled and the workspace's own)."""
    from lingtan.adapters.cli.factors import search

    search(query, region=region, set_name=set_, limit=limit, workspace=workspace, console=out)


@factors_app.command("sets")
def factors_sets(workspace: WorkspaceOpt = Path(".")) -> None:
    """List factor sets with their edition, licence and size."""
    from lingtan.adapters.cli.factors import list_sets

    list_sets(workspace=workspace, console=out)


@factors_app.command("resolve")
def factors_resolve(
    activity_type: Annotated[str, typer.Argument(help="e.g. electricity.grid")],
    region: Annotated[str, typer.Option(help="Region, e.g. CN-TJ.")] = "GLO",
    on: Annotated[str, typer.Option("--date", help="Activity date YYYY-MM-DD.")] = "",
    unit: Annotated[str, typer.Option(help="Activity unit.")] = "kWh",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show which factor an activity would use, and the fallback taken."""
    from lingtan.adapters.cli.factors import resolve_one

    d = date.fromisoformat(on) if on else date.today()
    code = resolve_one(activity_type, region, d, unit, workspace=workspace, console=out)
    raise typer.Exit(code)


def main() -> None:  # pragma: no cover - entry point
    """Console-script entry point."""
    app()


@app.command("explain")
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
    limit: Annotated[int, typer.Option(help="Rows to print (all are in --output).")] = 20,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write every row to CSV.")
    ] = None,
) -> None:
    """Trace an inventory figure to its rows, factors, GWPs and methods, and recompute it."""
    from lingtan.adapters.compute.lineage import Selection, arithmetic, explain, find_snapshot

    sel = Selection(scope=scope, category=category, site=site, month=month, gas=gas, basis=basis)
    try:
        ws = _open(workspace)
        snap = find_snapshot(ws, snapshot=snapshot, fiscal_year=year)
        ex = explain(ws, snap, sel)
    except LingtanError as exc:
        raise _fail(exc) from exc
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
    out.print("\nRows (activity row → arithmetic):")
    for r in ex.rows.slice(0, limit).to_pylist():
        out.print(
            f"  row {r['row_id']} (batch {r['batch_id'][:12]}, {r['site']}, {r['date']}, "
            f"{r['activity_type']}, {r['stream']}, {r['match']}): {arithmetic(r)}",
            highlight=False,
            markup=False,
        )
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


@app.command("diff")
def diff_cmd(
    snapshot_a: Annotated[str, typer.Argument(help="Earlier snapshot id (prefix).")],
    snapshot_b: Annotated[str, typer.Argument(help="Later snapshot id (prefix).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Explain the difference between two snapshots by cause (boundary, data, factors, method)."""
    from lingtan.adapters.compute.diff import CAUSES, TOTAL_KEYS, diff_snapshots

    try:
        ws = _open(workspace)
        d = diff_snapshots(ws, ws.snapshot(snapshot_a), ws.snapshot(snapshot_b))
    except LingtanError as exc:
        raise _fail(exc) from exc

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


if __name__ == "__main__":  # pragma: no cover - python -m lingtan.adapters.cli.main
    app()


restate_app = typer.Typer(
    help="Record changes that may require a base-year recalculation.", no_args_is_help=True
)
app.add_typer(restate_app, name="restate")


@restate_app.command("add")
def restate_add(
    kind: Annotated[
        str,
        typer.Option(
            help="acquisition | divestment | outsourcing | "
            "insourcing | method_change | factor_change | error"
        ),
    ],
    description: Annotated[str, typer.Option(help="What changed.")],
    effective: Annotated[str, typer.Option(help="Date of the change, YYYY-MM-DD.")],
    base_year_tco2e: Annotated[
        float | None,
        typer.Option(
            help="Base-year emissions of the operations concerned [t CO2e], when their data are "
            "not in the workspace."
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record a structural change, a method or factor change, or a discovered error."""
    from lingtan.adapters.compute.baseyear import record_change

    try:
        ws = _open(workspace)
        n = record_change(ws, kind, description, date.fromisoformat(effective), base_year_tco2e)
    except (LingtanError, ValueError) as exc:
        raise _fail(exc) from exc
    out.print(f"change {n} recorded; run 'lingtan baseyear' to assess the base year")


@restate_app.command("list")
def restate_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List recorded changes and the base-year version that applied them."""
    from lingtan.adapters.compute.baseyear import changes

    try:
        rows = changes(_open(workspace))
    except LingtanError as exc:
        raise _fail(exc) from exc
    for c in rows:
        eff = (
            ""
            if c.base_year_effect_t is None
            else f", base-year effect {c.base_year_effect_t:,.1f} t"
        )
        applied = f"applied in v{c.applied_in_version}" if c.applied_in_version else "pending"
        out.print(
            f"{c.id}  {c.effective}  {c.kind}{eff}  {applied}  {c.description}",
            highlight=False,
            markup=False,
        )
    if not rows:
        out.print("No changes recorded.")


@app.command("baseyear")
def baseyear_cmd(
    workspace: WorkspaceOpt = Path("."),
    threshold: Annotated[
        float | None, typer.Option(help="Significance threshold, % (default: lingtan.yaml or 5).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Assess only; adopt nothing.")] = False,
) -> None:
    """Review the base year: recalculate, assess significance, adopt a new version if needed."""
    from lingtan.adapters.compute.baseyear import review_base_year, versions

    try:
        ws = _open(workspace)
        r = review_base_year(ws, threshold_pct=threshold, apply=not dry_run)
        history = versions(ws)
    except LingtanError as exc:
        raise _fail(exc) from exc
    a = r.assessment
    if a is None:
        out.print(f"{r.base_year}: adopted as base year version 1")
    else:
        out.print(
            f"{r.base_year}: adopted {a.current_t:,.1f} t → recalculated {a.new_t:,.1f} t "
            f"({a.change_pct:.2f} %, threshold {a.threshold_pct:g} %)",
            highlight=False,
        )
        for cause, delta in a.causes_t.items():
            if delta:
                out.print(f"  {cause}: {delta:+,.1f} t", highlight=False)
                for line in r.details.get(cause, [])[:5]:
                    out.print(f"    {line}", highlight=False, markup=False)
        for e in a.events:
            out.print(
                f"  {e.kind.value}: {e.signed_effect_t:+,.1f} t — {e.description}",
                highlight=False,
                markup=False,
            )
        verdict = "significant: recalculated" if a.significant else "not significant: kept"
        if a.significant and dry_run:
            verdict = "significant (dry run: nothing adopted)"
        out.print(f"  → {verdict}")
    out.print("\nBase-year versions (all kept):")
    for v in history:
        out.print(
            f"  v{v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.total_t:,.1f} t  "
            f"snapshot {v.snapshot_id[:16]}  {v.reason}",
            highlight=False,
            markup=False,
        )


from lingtan.adapters.cli.serve import serve_app  # noqa: E402  (issue 4: lingtan serve)

app.add_typer(serve_app)

from lingtan.adapters.cli.admin import admin_app  # noqa: E402  (issue 4: users, orgs)
from lingtan.adapters.cli.audit import audit_app  # noqa: E402  (issue 4: audit verify)

app.add_typer(admin_app)
app.add_typer(audit_app, name="audit")

from lingtan.adapters.cli.targets import plan_app, targets_app  # noqa: E402  (issue 5)

app.add_typer(targets_app, name="targets")
app.add_typer(plan_app, name="plan")

from lingtan.adapters.cli.products import app as products_app  # noqa: E402  (issue 6)

app.add_typer(products_app, name="products")

from lingtan.adapters.cli.reconcile import reconcile_app  # noqa: E402  (issue 10: reconcile)

app.add_typer(reconcile_app)

from lingtan.adapters.cli.lifecycle import lifecycle_app  # noqa: E402  (issue 11: data lifecycle)

app.add_typer(lifecycle_app)

from lingtan.adapters.cli.doctor import doctor_app  # noqa: E402  (issue 11: concurrent writers)

app.add_typer(doctor_app)
