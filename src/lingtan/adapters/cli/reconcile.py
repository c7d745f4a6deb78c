"""``lingtan reconcile``: compare an organisation's published figures with lingtan's and list
every difference with its cause (docs/reconcile.md; decision 0031).

Exit codes: 0 every figure matches or differs by rounding only; 1 the input could not be used
(nothing compared); 3 the comparison ran and found a difference that is not rounding (copied,
factor basis, implied factor, unexplained, or a figure lingtan has no value for).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from lingtan.core.reconcile import DEFAULT_TOLERANCE, Finding, Status

reconcile_app = typer.Typer()
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
CHECK_FAILED = 3


def _published(f: Finding) -> str:
    return f"{f.figure.value:,f} {f.figure.unit}"


def _computed(f: Finding) -> str:
    if f.computed_rounded is None:
        return "—"
    return f"{f.computed_rounded:,f} {f.figure.unit}"


def print_findings(findings: list[Finding], console: Console, *, every: bool = False) -> None:
    """The differences (or, with ``every``, every figure), two lines each — what and where;
    published vs lingtan → status: cause — then one line of counts."""
    for f in findings:
        if not (every or f.status.is_difference):
            continue
        fig = f.figure
        console.print(
            f"  {fig.id} ({fig.fiscal_year}) {fig.label} — {fig.reference}",
            highlight=False,
            markup=False,
        )
        console.print(
            f"      published {_published(f)}, lingtan {_computed(f)} → {f.status.value}: "
            f"{f.cause}",
            highlight=False,
            markup=False,
        )
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.status.value] = counts.get(f.status.value, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    console.print(f"  {len(findings)} published figures: {summary}", highlight=False)


def exit_code(findings: list[Finding]) -> int:
    """0 when every difference is rounding, else :data:`CHECK_FAILED`."""
    bad = [f for f in findings if f.status.is_difference and f.status != Status.ROUNDING]
    return CHECK_FAILED if bad else 0


@reconcile_app.command("reconcile")
def reconcile_cmd(
    published_file: Annotated[
        Path | None,
        typer.Argument(help="Published figures (CSV); default <workspace>/published/figures.csv."),
    ] = None,
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current).")
    ] = Path("."),
    year: Annotated[
        list[str] | None, typer.Option("--year", "-y", help="Only figures of these years.")
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            help="Relative tolerance below which a difference is a match (0.0001 = 0.01 %)."
        ),
    ] = DEFAULT_TOLERANCE,
    every: Annotated[
        bool, typer.Option("--all", help="List every figure, not only differences.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare a report's published figures with lingtan's inventories and project figures;
    list every difference with its cause (rounding, copied, factor basis, implied factor …)."""
    from lingtan.adapters.cli.common import cli_locale
    from lingtan.adapters.i18n.readers import cause_text
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.reconcile import reconcile_workspace

    if tolerance < 0:
        err.print("[bold red]error:[/] --tolerance must be >= 0", highlight=False)
        raise typer.Exit(1)
    try:
        rep = reconcile_workspace(
            LocalContext(workspace), published_file, years=year or (), tolerance=tolerance
        )
    except ServiceError as exc:  # a bad figures file: the reader's words, CLI language
        shown = cause_text(exc, cli_locale()) or str(exc)
        err.print(f"[bold red]error:[/] {escape(shown)}", highlight=False)
        raise typer.Exit(1) from exc
    findings = list(rep.findings)
    if as_json:
        out.print_json(json.dumps(rep.to_dict(), ensure_ascii=False))
    else:
        out.print(f"Reconciliation of {rep.source} (tolerance {tolerance:.4%})", highlight=False)
        print_findings(findings, out, every=every)
    raise typer.Exit(exit_code(findings))
