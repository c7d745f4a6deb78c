"""``lingtan calc``, ``inventory`` and ``snapshots``: calculate a fiscal year's inventory and
show the stored ones (through :mod:`lingtan.adapters.services.calculation`, as the calculation
jobs of the server; imported when a command runs, so that ``lingtan --help`` stays quick)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lingtan.adapters.cli.common import (
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    YearOpt,
    err,
    fail,
    is_busy,
    local_context,
    out,
)
from lingtan.adapters.services.context import LocalContext

inventory_app = typer.Typer()


@inventory_app.command()
def calc(
    year: YearOpt,
    workspace: WorkspaceOpt = Path("."),
    gwp: Annotated[str | None, typer.Option(help="GWP set (default: lingtan.yaml).")] = None,
) -> None:
    """Calculate the inventory of a fiscal year and store it as a snapshot."""
    from lingtan.adapters.cli.progress import progress_bars
    from lingtan.adapters.io.inventory_export import to_table
    from lingtan.adapters.services.calculation import calculate

    try:
        ctx = local_context(workspace)
        # one bar per stage on a terminal; nothing in a pipe (decision 0052)
        with progress_bars("calculate", fiscal_year=year) as progress:
            inv = calculate(ctx, year, gwp_set=gwp, progress=progress)
    except FAILURES as exc:
        raise fail(exc, EXIT_BUSY if is_busy(exc) else 1) from exc
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


@inventory_app.command()
def inventory(
    year: Annotated[list[str], typer.Option("--year", "-y", help="Fiscal year(s).")],
    workspace: WorkspaceOpt = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", help="table | json | csv | xlsx")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to file.")] = None,
) -> None:
    """Print (or write) the stored inventory of one or more fiscal years.

    ``xlsx`` writes the reviewer's workbook of the web app and the API (summary with shares,
    gases, activity rows, factors, lineage, completeness; decision 0057), one per fiscal year,
    headers in the command line's language (``LINGTAN_LANG``, else ``LANG``/``LC_ALL``)."""
    import json

    from lingtan.adapters.io.inventory_export import to_csv, to_json, to_table
    from lingtan.adapters.services.calculation import latest_inventory

    try:
        ctx = local_context(workspace)
        invs = [latest_inventory(ctx, y) for y in year]
    except FAILURES as exc:
        raise fail(exc) from exc
    fmt = format.lower()
    if fmt == "xlsx":
        for target in _write_workbooks(ctx, [i.fiscal_year for i in invs], output):
            out.print(f"written {target}", highlight=False)
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
        raise fail(ValueError(f"unknown format {format!r}: use table, json, csv or xlsx"))
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"written {output}")
    else:
        sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


def _write_workbooks(ctx: LocalContext, years: list[str], output: Path | None) -> list[Path]:
    """The reviewer's workbook of each fiscal year (:func:`lingtan.adapters.services.lineage.
    inventory_workbook`): to ``output`` (one year), to ``<output stem>-<FY>.xlsx`` (several),
    else to ``inventory-<FY>.xlsx`` in the current folder."""
    from lingtan.adapters.cli.common import cli_locale
    from lingtan.adapters.services.lineage import inventory_workbook

    locale = cli_locale()
    written = []
    for fy in dict.fromkeys(years):  # a year given twice is written once
        try:
            name, data, _media = inventory_workbook(None, ctx, fy, locale)
        except FAILURES as exc:
            raise fail(exc) from exc
        if output is None:
            target = Path(name)
        elif len(set(years)) == 1:
            target = output
        else:
            target = output.with_name(f"{output.stem}-{fy.replace('/', '-')}{output.suffix}")
        target.write_bytes(data)
        written.append(target)
    return written


@inventory_app.command()
def snapshots(
    workspace: WorkspaceOpt = Path("."),
    year: Annotated[str | None, typer.Option("--year", "-y")] = None,
) -> None:
    """List stored inventory snapshots, newest first."""
    from lingtan.adapters.services.calculation import stored_snapshots

    try:
        ctx = local_context(workspace)
        label = ctx.workspace().config.period(year).label if year else None
        snaps = stored_snapshots(ctx, label)
    except FAILURES as exc:
        raise fail(exc) from exc
    if not snaps:
        out.print(f"No snapshots{' of ' + label if label else ''}; run 'lingtan calc --year …'.")
    for s, c in snaps:
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
