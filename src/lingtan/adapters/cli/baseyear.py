"""``lingtan restate add|list`` and ``lingtan baseyear``: changes that may require a base-year
recalculation, and the review that adopts a recalculated base year (through
:mod:`lingtan.adapters.services.baseyear`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, fail, local_context, out
from lingtan.adapters.services import baseyear

restate_app = typer.Typer(
    help="Record changes that may require a base-year recalculation.", no_args_is_help=True
)
baseyear_app = typer.Typer()


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
    try:
        ctx = local_context(workspace)
        n = baseyear.record_change(
            ctx, kind, description, date.fromisoformat(effective), base_year_tco2e
        )
    except (*FAILURES, ValueError) as exc:
        raise fail(exc) from exc
    out.print(f"change {n} recorded; run 'lingtan baseyear' to assess the base year")


@restate_app.command("list")
def restate_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List recorded changes and the base-year version that applied them."""
    try:
        rows = baseyear.list_changes(local_context(workspace))
    except FAILURES as exc:
        raise fail(exc) from exc
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


@baseyear_app.command("baseyear")
def baseyear_cmd(
    workspace: WorkspaceOpt = Path("."),
    threshold: Annotated[
        float | None, typer.Option(help="Significance threshold, % (default: lingtan.yaml or 5).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Assess only; adopt nothing.")] = False,
) -> None:
    """Review the base year: recalculate, assess significance, adopt a new version if needed."""
    try:
        ctx = local_context(workspace)
        r = baseyear.review_base_year(ctx, threshold_pct=threshold, apply=not dry_run)
        history = baseyear.list_versions(ctx)
    except FAILURES as exc:
        raise fail(exc) from exc
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
