"""``lingtan targets …`` (list, validate, progress, claims, example) and ``lingtan plan …``
(projects, macc, optimise), over a targets file (YAML, docs/targets.md), and the targets part of
``lingtan demo`` (:func:`show_report_targets`).

Exit codes: 0 success; 1 the input could not be used (nothing computed); 3 the command ran and
its check failed (SBTi criteria failed, a claim's evidence is insufficient, no feasible plan).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lingtan.core.inventory import Inventory
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.programme import Overview, Programme

if TYPE_CHECKING:
    from lingtan.adapters.services.context import LocalContext

CHECK_FAILED = 3

targets_app = typer.Typer(
    help="Targets (SBTi), their progress and KPIs; credits and neutrality claims.",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    help="Reduction planning: project impacts, MACC, least-cost plan.", no_args_is_help=True
)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

FileArg = Annotated[Path, typer.Argument(help="Targets file (YAML, see docs/targets.md).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace: its factor sets (and inventories)."),
]
GwpOpt = Annotated[str, typer.Option("--gwp", help="GWP set for fuel factors (AR4/AR5/AR6).")]


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    return typer.Exit(code)


def _print_json(doc: Any) -> None:
    out.print_json(json.dumps(doc, ensure_ascii=False, default=str))


def _context(workspace: Path | None) -> LocalContext | None:
    """The workspace named by ``--workspace`` (opened on first use), or None."""
    from lingtan.adapters.services.context import LocalContext

    return None if workspace is None else LocalContext(workspace)


# -- targets ---------------------------------------------------------------------------------------
@targets_app.command("list")
def list_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """List the targets with their coverage, base and target years and annual rates."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        prog = svc.load_programme_file(file)
    except ServiceError as exc:
        raise _fail(exc) from exc
    cal = prog.calendar
    if as_json:
        _print_json([t.to_dict(cal) for t in prog.targets])
        return
    tab = Table("id", "horizon", "coverage", "kind", "base", "target", "reduction", "rate/yr")
    for t in prog.targets:
        kind = t.kind.value if t.denominator is None else f"per {t.denominator}"
        tab.add_row(
            t.id, t.horizon.value, t.coverage.label, kind, cal.year(t.base_year).label,
            cal.year(t.target_year).label, f"{t.reduction_pct:g} %",
            f"{t.linear_rate_pct:.2f} % lin / {t.compound_rate_pct:.2f} % cpd",
        )  # fmt: skip
    out.print(tab)


@targets_app.command("validate")
def validate_cmd(
    file: FileArg,
    submitted: Annotated[
        int | None, typer.Option(help="Calendar year of submission to the SBTi.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the targets against the SBTi Corporate Net-Zero Standard (criteria checkable from
    data); every failure names its clause. Exit 3 when a criterion fails."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        rep = svc.file_sbti(file, submitted=submitted)
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(rep.to_dict())
    else:
        print_sbti(rep, out)
    if not rep.compliant:
        raise typer.Exit(CHECK_FAILED)


def print_sbti(rep: Any, console: Console) -> None:
    """Print an :class:`~lingtan.modules.targets.sbti.SbtiReport`."""
    console.print(f"Checked against: {rep.edition}", highlight=False)
    tab = Table("criterion", "target", "verdict", "found", "clause")
    colour = {"pass": "green", "fail": "red", "not_assessed": "yellow"}
    for r in rep.results:
        v = r.verdict.value
        tab.add_row(r.criterion, r.target_id or "(set)", f"[{colour[v]}]{v}[/]", r.found, r.clause)
    console.print(tab)
    for r in rep.results:
        if r.verdict.value != "pass" and r.explanation:
            word = "FAIL" if r.verdict.value == "fail" else "not assessed"
            console.print(
                f"  {word} {r.criterion} ({r.target_id or 'set'}): {r.explanation} "
                f"[{r.clause}]", highlight=False, markup=False,
            )  # fmt: skip
    for n in rep.notes:
        console.print(f"  note: {n}", highlight=False, markup=False)
    verdict = "compliant" if rep.compliant else f"{len(rep.failures)} criterion(s) failed"
    console.print(f"SBTi check: {verdict}")


@targets_app.command("progress")
def progress_cmd(
    file: FileArg,
    workspace: WorkspaceOpt = None,
    year: Annotated[
        list[str] | None,
        typer.Option("--year", "-y", help="Fiscal year to calculate in the workspace (repeat)."),
    ] = None,
    no_split: Annotated[
        list[str] | None,
        typer.Option(help="Year whose Scope 3 categories are not meaningful (repeat)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each target's base, target, pathway, actual, gap and status, and each KPI's status."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        ov = svc.file_progress(file, _context(workspace), years=year or [], no_split=no_split or [])
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(ov.to_dict())
        return
    print_overview(ov, out)


def _num(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}{unit}"
    return f"{v:.4g}{unit}"


def _target_line(p: Any, cal: FiscalCalendar, latest_year: int | None) -> str:
    from lingtan.modules.targets.targets import required_reduction_pct

    t = p.target
    lab = cal.year
    per = "" if t.denominator is None else f" per {t.denominator}"
    head = (
        f"{t.id}  {t.coverage.label}{per} −{t.reduction_pct:g} % "
        f"({t.horizon.value.replace('_', '-')}): base {lab(t.base_year).label} "
        f"{_num(p.base_value)} → target {lab(t.target_year).label} {_num(p.target_value)} "
        f"[{p.unit}]"
    )
    last = next(
        (pt for pt in reversed(p.points) if pt.actual is not None and pt.year > t.base_year), None
    )
    if last is not None:
        body = (
            f"{last.label}: actual {_num(last.actual)} (−{last.reduction_to_date_pct:.2f} %) vs "
            f"pathway {_num(last.pathway)} (−{100 - last.pathway_pct_of_base:.1f} %), "
            f"gap {_num(last.gap_t)} t"
        )
    elif latest_year is not None:
        need = required_reduction_pct(t, latest_year)
        body = f"{lab(latest_year).label}: pathway requires −{need:.1f} % vs base"
    else:
        body = "no year to compare"
    report = f"  [report: {t.reported_status}]" if t.reported_status else ""
    flag = f"  [INCOMPLETE: {p.completeness_note}]" if p.on_incomplete_inventory else ""
    return f"{head}\n    {body} → {p.status.text.upper()}{report}{flag}"


def print_overview(ov: Overview, console: Console) -> None:
    """Print targets' progress and KPI statuses, one block each."""
    years = [pt.year for p in ov.targets for pt in p.points if pt.covered_t is not None]
    latest = max(years, default=None)
    console.print("Targets (status rule: " + (ov.targets[0].rule if ov.targets else "") + ")",
                  highlight=False, markup=False)  # fmt: skip
    for p in ov.targets:
        console.print("  " + _target_line(p, ov.calendar, latest), highlight=False, markup=False)
        for n in p.notes:
            console.print(f"      no data because: {n}", highlight=False, markup=False)
    if not ov.kpis:
        return
    console.print("KPIs (status rule: " + ov.kpis[0].rule + ")", highlight=False, markup=False)
    for k in ov.kpis:
        d = k.kpi
        goal_year = "no date" if d.goal_year is None else ov.calendar.year(d.goal_year).label
        latest_v = "no value" if k.latest_value is None else f"{k.latest_value:g} ({k.latest_year})"
        if k.latest_value is not None:
            latest_v += f" [{d.origin.value}]"
        report = f"  [report: {d.reported_status}]" if d.reported_status else ""
        console.print(
            f"  {d.id}  {d.name}\n    goal {_num(d.goal)} {d.unit} by {goal_year}; "
            f"latest: {latest_v} → {k.status.text.upper()} ({k.reason}){report}",
            highlight=False, markup=False,
        )  # fmt: skip


@targets_app.command("claims")
def claims_cmd(file: FileArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = None) -> None:
    """Credit holdings and the evidence check of every carbon-neutrality claim (with
    ``--workspace``, an organisation claim is checked against the completeness of that year's
    inventory). Exit 3 when a claim fails a check."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        prog, results = svc.file_claims(file, _context(workspace))
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({"register": prog.register.to_dict(), "claims": [r.to_dict() for r in results]})
    else:
        tab = Table("holding", "standard", "type", "vintage", "kind", "serials", "held", "left")
        for h in prog.register.to_dict()["holdings"]:
            tab.add_row(h["id"], h["standard"], h["project_type"], str(h["vintage"]), h["kind"],
                        h["serials"], f"{h['quantity']:,}", f"{h['available']:,}")  # fmt: skip
        out.print(tab)
        for r in results:
            c = r.claim
            word = "[green]valid[/]" if r.valid else "[red]NOT SUPPORTED[/]"
            out.print(f"claim {c.id} ({c.subject_type.value} {c.subject_id}): {word}")
            for k in r.checks:
                mark = "ok " if k.ok else "NO "
                out.print(f"  {mark} {k.check}: {k.detail}", highlight=False, markup=False)
    if any(not r.valid for r in results):
        raise typer.Exit(CHECK_FAILED)


@targets_app.command("example")
def example_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the example targets file.")],
) -> None:
    """Write the source report's targets, KPIs, project examples and disclosed emissions as a
    targets file to start from."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        svc.write_example_file(file)
    except ServiceError as exc:
        raise _fail(exc) from exc
    out.print(f"written {file}")


# -- plan ------------------------------------------------------------------------------------------
@plan_app.command("projects")
def projects_cmd(
    file: FileArg, workspace: WorkspaceOpt = None, gwp: GwpOpt = "AR5", as_json: JsonOpt = False
) -> None:
    """Each project's energy saved, tce and t CO2e per year, with the factor used."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        prog, evs = svc.file_projects(file, _context(workspace), gwp=gwp)
    except ServiceError as exc:
        raise _fail(exc) from exc
    rows = svc.project_rows(prog, evs)
    if as_json:
        _print_json(rows)
        return
    tab = Table("project", "year", "saved", "tce/yr", "t CO2e/yr", "factor", "report says")
    for r in rows:
        tab.add_row(r["project"], r["year"], r["saved"], f"{r['tce']:,.2f}", f"{r['tco2e']:,.2f}",
                    r["factor"], r["reported"])  # fmt: skip
    out.print(tab)


@plan_app.command("macc")
def macc_cmd(
    file: FileArg,
    year: Annotated[str, typer.Option("--year", "-y", help="Fiscal year of the curve.")],
    workspace: WorkspaceOpt = None,
    gwp: GwpOpt = "AR5",
    as_json: JsonOpt = False,
) -> None:
    """Marginal abatement cost curve of one year (cheapest first)."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        m = svc.file_macc(file, year, _context(workspace), gwp=gwp)
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(m.to_dict())
        return
    cur = m.currency
    tab = Table("#", "project", "type", "t CO2e/yr", "cumulative t", f"{cur}/yr", f"{cur}/t")
    for n, e in enumerate(m.entries, 1):
        tab.add_row(str(n), e.project_id, e.type, f"{e.abatement_t:,.1f}",
                    f"{e.cumulative_end_t:,.1f}", f"{e.annual_cost:,.0f}",
                    f"{e.cost_per_t:,.1f}")  # fmt: skip
    out.print(
        f"MACC {m.year}, discount rate {m.discount_rate_pct:g} %: {m.formula}", highlight=False
    )
    out.print(tab)
    for pid, why in m.excluded:
        out.print(f"  not on the curve: {pid}: {why}", highlight=False, markup=False)


@plan_app.command("optimise")
def optimise_cmd(
    file: FileArg,
    workspace: WorkspaceOpt = None,
    gwp: GwpOpt = "AR5",
    explain: Annotated[bool, typer.Option(help="Explain every choice (one re-solve each).")] = True,
    as_json: JsonOpt = False,
) -> None:
    """The least-cost plan meeting every target (MILP, HiGHS). Exit 3 when none exists."""
    from lingtan.adapters.services import targets as svc
    from lingtan.adapters.services.errors import ServiceError

    try:
        res = svc.file_plan(file, _context(workspace), gwp=gwp, explain=explain)
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(res.to_dict())
    else:
        print_plan(res, out)
    if res.status != "optimal":
        raise typer.Exit(CHECK_FAILED)


def print_plan(res: Any, console: Console) -> None:
    """Print a :class:`~lingtan.modules.targets.plan.PlanResult`."""
    cur = res.currency
    if res.status != "optimal":
        console.print(f"[red]no feasible plan:[/] {res.message}", highlight=False)
        for n in res.notes:
            console.print(f"  note: {n}", highlight=False, markup=False)
        return
    console.print(
        f"Least-cost plan {res.years[0]}…{res.years[-1]}: {res.objective:,.0f} {cur} present "
        f"value at {res.discount_rate_pct:g} %; credits {res.credits_t:,.1f} t", highlight=False,
    )  # fmt: skip
    tab = Table("project", "rank", "start", f"{cur}/t", "t CO2e last yr", "decision")
    for d in res.decisions:
        tab.add_row(d.project_id, str(d.hierarchy_rank), d.start_year or "—",
                    "—" if d.cost_per_t is None else f"{d.cost_per_t:,.0f}",
                    f"{d.abatement_end_t:,.1f}", d.reason)  # fmt: skip
    console.print(tab)
    ct = Table("requirement", "year", "kind", "BAU t", "abated t", "credits t", "limit t", "met")
    for c in res.checks:
        ct.add_row(c.target_id, c.year, c.kind, f"{c.bau_t:,.1f}", f"{c.abated_t:,.1f}",
                   f"{c.credits_t:,.1f}", f"{c.limit_t:,.1f}",
                   "yes" if c.met else "NO")  # fmt: skip
    console.print(ct)
    console.print("Waterfall to " + res.years[-1] + ":")
    for w in res.waterfall:
        console.print(
            f"  {w.label:40} {w.value_t:>16,.1f} t  ({w.kind})", highlight=False, markup=False
        )
    console.print(f"Abatement hierarchy: {res.hierarchy}", highlight=False)
    for n in res.notes:
        console.print(f"  note: {n}", highlight=False, markup=False)


# -- demo ------------------------------------------------------------------------------------------
def show_report_targets(invs: Sequence[Inventory], console: Console) -> int:
    """The demo's targets section: the report's targets and KPIs with base, target, pathway and
    status computed from the demo inventories, the SBTi check, and the §3 project examples
    reproduced. Returns 1 when a figure lingtan reproduces disagrees with the report."""
    from lingtan.adapters.demo.targets import report_programme
    from lingtan.adapters.services import targets as svc

    prog = report_programme(invs)
    console.rule("(a) targets and KPIs of the source report")
    print_overview(svc.progress_of(prog), console)
    console.print(
        "  'no data': the report publishes no value for it (denominators, KPI values); "
        "lingtan shows the report's printed status beside its own and never copies it.",
        highlight=False,
    )
    rep = svc.sbti_check(prog)
    failed = ", ".join(r.criterion for r in rep.failures) or "none"
    open_ = sorted({r.criterion for r in rep.results if r.verdict.value == "not_assessed"})
    console.print(
        f"  SBTi check ({rep.edition}): failed: {failed}; not assessable from the report's data: "
        f"{', '.join(open_) or 'none'} (lingtan targets validate)", highlight=False,
    )  # fmt: skip
    evs = svc.evaluate_projects(None, prog, gwp="AR5", years=[2023, 2024])
    console.print("\nProject examples (§3), energy → tce (GB/T 2589, 0.1229 kgce/kWh) → t CO2:")
    return _compare_projects(prog, evs, console)


def _compare_projects(prog: Programme, evs: Sequence[Any], console: Console) -> int:
    from lingtan.adapters.services import targets as svc

    code = 0
    for r, ev in zip(svc.project_rows(prog, evs), evs, strict=True):
        p = ev.project
        rep = p.reported
        verdicts = []
        if rep is not None and rep.tce is not None:
            ok = round(r["tce"], 2) == rep.tce
            verdicts.append(f"tce {'reproduced' if ok else 'DIFFERS'}")
            code |= 0 if ok else 1
        if rep is not None and rep.tco2 is not None:
            ok = round(r["tco2e"], rep.tco2_rounding) == rep.tco2
            known = "not reproduced" in rep.note
            verdicts.append(
                f"t CO2 {'reproduced' if ok else ('not reproduced' if known else 'DIFFERS')}"
            )
            code |= 0 if ok or known else 1
        console.print(
            f"  {p.id}: {r['saved']} → {r['tce']:,.2f} tce, {r['tco2e']:,.2f} t CO2 "
            f"[{r['factor']}]; report: {r['reported']} → "
            f"{'; '.join(verdicts) or 'nothing to compare'}",
            highlight=False, markup=False,
        )  # fmt: skip
        if rep is not None and rep.note:
            console.print(f"      {rep.note}", highlight=False, markup=False)
    return code
