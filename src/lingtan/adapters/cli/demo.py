"""``lingtan demo``: build both demo workspaces, import, calculate and print the inventories.

(a) ``disclosed/`` — the source report's disclosed inventory, reproduced: lingtan computes every
total and share from the disclosed lines and compares them with the report's printed figures.
(b) ``synthetic/`` — a fictional manufacturer with activity data for every scope.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from lingtan.core.errors import WorkspaceError
from lingtan.core.inventory import Inventory

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
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(ws_path)
    rejected = 0
    skip = {ws_path / "factors", ws_path / "reference"}
    data = sorted(f for f in files if f.suffix in (".csv", ".xlsx") and f.parent not in skip)
    for f in data:
        rep = import_file(ws, f)
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
    from lingtan.adapters.compute.runner import calculate_year
    from lingtan.adapters.io.inventory_export import to_table
    from lingtan.adapters.store.workspace import open_workspace
    from lingtan.modules.demo.disclosed import write_disclosed_workspace
    from lingtan.modules.demo.synthetic import generate_activities, write_synthetic_workspace

    _prepare(directory)
    code = 0

    console.rule("(a) the source report's disclosed inventory")
    a = directory / "disclosed"
    files = write_disclosed_workspace(a)
    code |= 2 if _import_all(a, files, console) else 0
    ws = open_workspace(a)
    invs = [calculate_year(ws, y) for y in DISCLOSED_YEARS]
    console.print(to_table(invs), highlight=False)
    code |= _compare_with_report(invs, console)
    code |= show_report_targets(invs, console)  # issue 5: targets, KPIs, §3 projects

    console.rule("(b) synthetic manufacturer (fictional; activity data → factors → inventory)")
    b = directory / "synthetic"
    files = write_synthetic_workspace(b, seed=seed)
    code |= 2 if _import_all(b, files, console) else 0
    ws = open_workspace(b)
    invs = [calculate_year(ws, y) for y in SYNTHETIC_YEARS]
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

    if generate_rows:
        path = directory / f"synthetic-{generate_rows}.parquet"
        generate_activities(generate_rows, seed=seed, path=path)
        console.print(f"\n{generate_rows:,} synthetic activity rows written to {path}")
    console.print(
        f"\nWorkspaces: {a} and {b}. Try: lingtan inventory -w {a} --year FY2023/24 --format json"
    )
    return code


def _compare_with_report(invs: list[Inventory], console: Console) -> int:
    """Compare lingtan's computed totals and shares with the figures printed in the report.

    Totals must agree to the tonne (exit code 1 otherwise). Shares are compared at the report's
    two decimals; a difference the report's own lines explain (``REPORT_ERRATA``) is shown as
    a note, and lingtan keeps its computed value.
    """
    from lingtan.modules.demo.disclosed import EXPECTED, REPORT_ERRATA

    code = 0
    errata = {(e.fiscal_year, e.item) for e in REPORT_ERRATA}
    console.print(
        "\nComparison with the report's printed figures (lingtan computes, never copies):"
    )
    for inv in invs:
        exp = EXPECTED.get(inv.fiscal_year)
        if not exp or exp.get("total_t") is None:
            continue
        doc = inv.to_dict()
        t = doc["totals_tco2e"]
        pairs = [
            ("scope1", t["scope1"], exp["scope1_t"]),
            ("scope2_market", t["scope2_market"], exp["scope2_market_t"]),
            ("scope3", t["scope3"], exp["scope3_t"]),
            ("total", t["total_market"], exp["total_t"]),
        ]
        bad = [
            f"{k}: lingtan {got:,.0f} t vs report {want:,.0f} t"
            for k, got, want in pairs
            if want is not None and (got is None or round(got) != round(want))
        ]
        sh = doc["shares_pct"]
        share_diffs = []
        for k, want in exp.get("scope_share_pct", {}).items():
            got = 100.0 if k == "total" else sh[k]
            if round(got, 2) != want:
                share_diffs.append((f"share_pct.{k}", got, want))
        for cat, want in exp.get("category_share_pct", {}).items():
            got = sh["scope3_category"][str(cat)]
            if round(got, 2) != want:
                share_diffs.append((f"share_pct.s3.c{cat}", got, want))
        status = "[green]reproduced to the tonne[/]" if not bad else "[red]MISMATCH[/]"
        console.print(
            f"  {inv.fiscal_year}: scope totals {status}; "
            f"{len(share_diffs)} printed share(s) differ from the computed ones"
        )
        for line in bad:
            console.print(f"    {line}", highlight=False)
            code = 1
        for item, got, want in share_diffs:
            known = "known erratum" if (inv.fiscal_year, item) in errata else "differs"
            console.print(
                f"    {item}: computed {got:.2f} %, printed {want:.2f} % ({known})", highlight=False
            )
    for e in REPORT_ERRATA:
        console.print(f"  note ({e.fiscal_year}, {e.item}): {e.explanation}", highlight=False)
    return code
