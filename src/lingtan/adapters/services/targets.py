"""Targets and reduction planning (issue 5): every use case once, for the command line, the API,
the web pages and the demo (decision 0050).

A **programme** is a targets file (YAML, docs/targets.md) read by
:mod:`lingtan.adapters.io.targets_files`; everything is computed by
:mod:`lingtan.modules.targets.programme` — nothing here computes what the library does not. Two
sources of a programme share the same composition:

- a file named on the command line (``lingtan targets progress FILE -w WS``):
  :func:`load_programme_file` and the ``file_*`` use cases;
- an organisation's stored file, ``<workspace>/targets.yaml`` (API and web pages):
  :func:`programme`, :func:`targets_overview`, :func:`targets_macc`, :func:`compute_plan`,
  :func:`saved_plan`.

Either way the workspace of the caller's :class:`~lingtan.adapters.services.context.Context`
adds its actual emissions (:func:`with_workspace_emissions`, the file's own ``emissions`` win),
the completeness of its inventories to organisation claims
(:func:`with_inventory_completeness`) and its factor library to project evaluation
(:func:`library`).

What is shown: each target's base, target value, linear pathway, actual, gap [t CO2e] and status
per year (SBTi / GHG Protocol Mitigation Goal Standard), the KPIs, the SBTi Corporate Net-Zero
Standard check with the clause of each failed criterion, credit claims (ISO 14068-1), the
marginal abatement cost curve of a year (bar width t CO2e/yr, height currency/t CO2e) and the
least-cost plan (MILP, HiGHS), kept as ``plan.json`` beside the stored targets file with the
sha256 of the file it was computed from. Changes (a new targets file, a new plan) are recorded
in the audit log. Errors are :class:`~lingtan.adapters.services.errors.ServiceError` only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, TenantContext, jsonable
from lingtan.adapters.services.errors import invalid, not_found, too_large
from lingtan.adapters.services.stored_files import store_with_audit
from lingtan.adapters.store import audit
from lingtan.core.errors import InputFileError, LingtanError, PeriodError
from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.modules.targets.credits import ClaimResult
from lingtan.modules.targets.emissions import YearEmissions, year_emissions_from_inventory
from lingtan.modules.targets.plan import PlanResult
from lingtan.modules.targets.programme import Overview, Programme
from lingtan.modules.targets.projects import EvaluatedProject, Macc
from lingtan.modules.targets.sbti import SbtiReport

TARGETS_FILE = "targets.yaml"
PLAN_FILE = "plan.json"
#: largest targets file accepted [bytes]
MAX_TARGETS_BYTES = 1024 * 1024
_ID_PART = re.compile(r" \(id '[^']*'\)")
_FIELD_PART = re.compile(r", field '([^']+)'")


@contextmanager
def _input_errors(field: str | None = None) -> Iterator[None]:
    """An input the library refuses (``LingtanError``: file, workspace, factor) becomes a
    ``ServiceError`` of kind ``invalid`` with the same message."""
    try:
        yield
    except LingtanError as exc:
        raise invalid(str(exc), field) from None


def _name(ctx: Context) -> str:
    """The organisation (``slug``) or workspace folder the context works on, for messages."""
    slug = getattr(ctx, "slug", None)
    return str(slug) if slug else ctx.workspace().path.name


# -- the workspace's part: emissions, completeness, factors ----------------------------------------


def workspace_emissions(
    ctx: Context,
    prog: Programme,
    years: Sequence[str] | None = None,
    *,
    no_split: Sequence[str] = (),
    calculate: bool = False,
) -> tuple[dict[int, YearEmissions], list[str]]:
    """Actual emissions [t CO2e] of the workspace's inventories for the years the file does not
    give, and notes.

    ``years`` None: every fiscal year with a stored inventory (its newest snapshot), none when
    the workspace's fiscal year starts in another month than the file's (a note says so).
    ``years`` given: those fiscal years, calculated now when ``calculate`` (``lingtan targets
    progress -y``), else their newest snapshots. A year of ``no_split`` keeps its Scope 3 as one
    figure (no category split).

    Raises:
        LingtanError: the workspace cannot be opened, a year is not a fiscal year or has no
            inventory.
    """
    from lingtan.adapters.services.calculation import calculate_year, latest_inventory

    ws = ctx.workspace()
    cal = prog.calendar
    notes: list[str] = []
    if years is None:
        labels = sorted({s.fiscal_year for s in ws.snapshots()})
        ws_cal = ws.config.calendar
        if labels and ws_cal.start_month != cal.start_month:
            notes.append(
                f"the inventories' fiscal years start in month {ws_cal.start_month}, the targets "
                f"file's in month {cal.start_month}: only the file's emissions are used"
            )
            return {}, notes
        labels = [y for y in labels if cal.parse(y).start.year not in prog.emissions]
    else:
        labels = list(years)
    flat = {cal.parse(y).start.year for y in no_split}
    got: dict[int, YearEmissions] = {}
    for label in labels:
        inv = calculate_year(ws, label) if calculate else latest_inventory(ws, label)
        e = year_emissions_from_inventory(inv, cal)
        if e.year in flat:
            e = year_emissions_from_inventory(inv, cal, scope3_split=False)
        got[e.year] = e
    return got, notes


def with_workspace_emissions(
    ctx: Context,
    prog: Programme,
    years: Sequence[str] | None = None,
    *,
    no_split: Sequence[str] = (),
    calculate: bool = False,
) -> tuple[Programme, list[str]]:
    """``prog`` with the workspace's emissions (:func:`workspace_emissions`) added; the file's own
    emissions win. The one composition of a programme with actual emissions, for the command
    line and the server alike.

    Raises:
        LingtanError: as :func:`workspace_emissions`.
    """
    extra, notes = workspace_emissions(ctx, prog, years, no_split=no_split, calculate=calculate)
    if extra:
        prog = replace(prog, emissions={**extra, **prog.emissions})
    return prog, notes


def with_inventory_completeness(ctx: Context, prog: Programme) -> Programme:
    """Organisation claims get the completeness of the workspace's newest snapshot of the
    fiscal year their period starts in (docs/completeness.md); a claim on an incomplete
    inventory then fails its ``completeness`` check.

    Raises:
        LingtanError: the workspace cannot be opened.
    """
    from lingtan.adapters.services.calculation import latest_inventory
    from lingtan.modules.targets.credits import SubjectType

    ws = ctx.workspace()
    claims = []
    for c in prog.claims:
        if c.subject_type is SubjectType.ORGANISATION:
            label = ws.config.calendar.of(c.period_start).label
            try:
                inv = latest_inventory(ws, label)
            except LingtanError:
                claims.append(c)  # no inventory of that year: nothing to say
                continue
            comp = inv.completeness
            c = replace(
                c,
                inventory_status=comp.status,
                inventory_rows_not_calculated=comp.rows_not_calculated,
                inventory_snapshot=inv.snapshot_id,
            )
        claims.append(c)
    return replace(prog, claims=tuple(claims))


def library(
    ctx: Context | None, gwp: str | None = None
) -> tuple[list[EmissionFactor], GWPSet, tuple[str, ...]]:
    """The factors, GWP set and factor-set priority projects are evaluated with: the workspace's
    library (bundled sets plus its own, its priority), or the bundled sets alone without a
    context. ``gwp`` (AR4/AR5/AR6) names the set; None takes the workspace's configured one.

    Raises:
        LingtanError: unknown GWP set, or the workspace cannot be opened.
    """
    from lingtan.adapters.io.factor_files import bundled_factor_sets, read_gwp_sets

    if ctx is not None:
        from lingtan.adapters.io.library import load_library

        ws = ctx.workspace()
        lib = load_library(ws)
        sets = lib.gwp_sets
        if gwp is None:
            return list(lib.factors), sets[ws.config.gwp_set], ws.config.factor_sets
        if gwp.upper() not in sets:
            raise LingtanError(f"unknown GWP set {gwp!r}; known: {', '.join(sets)}")
        return list(lib.factors), sets[gwp.upper()], ws.config.factor_sets
    sets = read_gwp_sets()
    key = (gwp or "AR5").upper()
    if key not in sets:
        raise LingtanError(f"unknown GWP set {gwp!r}; known: {', '.join(sets)}")
    return [f for s in bundled_factor_sets() for f in s.factors], sets[key], ()


def evaluate_projects(
    ctx: Context | None,
    prog: Programme,
    *,
    gwp: str | None = None,
    years: Sequence[int] | None = None,
) -> list[EvaluatedProject]:
    """Every project's energy saved, tce and abatement [t CO2e/yr] with :func:`library`'s
    factors (GB/T 2589 for tce), for ``years`` (default: the plan's years).

    Raises:
        LingtanError: a project cannot be evaluated (no factor, unknown carrier), or as
            :func:`library`.
    """
    from lingtan.modules.targets.programme import evaluate

    factors, gwp_set, prio = library(ctx, gwp)
    return evaluate(prog, factors, gwp_set, years=years, set_priority=prio)


def project_rows(prog: Programme, evs: Sequence[EvaluatedProject]) -> list[dict[str, Any]]:
    """One row per project and evaluated year (its start year, or every plan year): energy
    saved, tce/yr, t CO2e/yr, the factors used and what the report says."""
    rows = []
    for ev in evs:
        p = ev.project
        start = p.start_year
        years = [start] if start is not None and start in ev.impacts else sorted(ev.impacts)
        for y in years:
            imp = ev.impacts[y]
            f = ", ".join(
                f"{x.factor_ids[0]} {x.kg_co2e_per_unit:g} kg/{x.unit}"
                + (f" ({x.note})" if x.note else "")
                for x in imp.factors
            )
            rep = p.reported
            said = ""
            if rep is not None:
                bits = [
                    f"{rep.tce:g} tce" if rep.tce is not None else "",
                    f"{rep.tco2:,.0f} t CO2" if rep.tco2 is not None else "",
                ]
                said = ", ".join(b for b in bits if b) or "—"
            rows.append({
                "project": p.id, "name": p.name, "year": prog.calendar.year(y).label,
                "saved": "; ".join(f"{s.quantity:g} {s.unit} {s.carrier}" for s in p.savings)
                or f"{p.reduction_t_per_year:g} t stated",
                "tce": imp.tce, "tco2e": imp.tco2e, "by_bucket": dict(imp.by_bucket),
                "factor": f or "stated reduction", "reported": said,
                "factors": [x.to_dict() for x in imp.factors],
            })  # fmt: skip
    return rows


def progress_of(prog: Programme) -> Overview:
    """Each target's base, target value, linear pathway, actual, gap and status per year, and
    each KPI's status (SBTi / GHG Protocol Mitigation Goal Standard)."""
    from lingtan.modules.targets.programme import overview

    return overview(prog)


def sbti_check(prog: Programme, *, submitted: int | None = None) -> SbtiReport:
    """The SBTi Corporate Net-Zero Standard check (criteria checkable from data; each failure
    names its clause); ``submitted``: calendar year of submission to the SBTi."""
    from lingtan.modules.targets.programme import validate

    if submitted is not None:
        prog = replace(prog, sbti_submitted=submitted)
    return validate(prog)


# -- a programme file (the command line) ----------------------------------------------------


def load_programme_file(path: Path) -> Programme:
    """Read a targets file (``lingtan targets … FILE``).

    Raises:
        ServiceError: invalid — the message names the file, item and field.
    """
    from lingtan.adapters.io.targets_files import read_targets_file

    with _input_errors():
        return read_targets_file(path)


def file_programme(
    path: Path,
    ctx: Context | None = None,
    *,
    years: Sequence[str] = (),
    no_split: Sequence[str] = (),
) -> Programme:
    """A targets file with the inventories of ``years`` calculated in the context's workspace
    (``lingtan targets progress FILE -w WS -y FY…``); the file's own emissions win.

    Raises:
        ServiceError: invalid — the file, the workspace or a year cannot be used.
    """
    prog = load_programme_file(path)
    if ctx is None or not years:
        return prog
    with _input_errors():
        prog, _ = with_workspace_emissions(ctx, prog, years, no_split=no_split, calculate=True)
    return prog


def file_progress(
    path: Path,
    ctx: Context | None = None,
    *,
    years: Sequence[str] = (),
    no_split: Sequence[str] = (),
) -> Overview:
    """``lingtan targets progress``: :func:`progress_of` the :func:`file_programme`.

    Raises:
        ServiceError: invalid — as :func:`file_programme`.
    """
    prog = file_programme(path, ctx, years=years, no_split=no_split)
    with _input_errors():
        return progress_of(prog)


def file_sbti(path: Path, *, submitted: int | None = None) -> SbtiReport:
    """``lingtan targets validate``: :func:`sbti_check` of a targets file.

    Raises:
        ServiceError: invalid — the file cannot be used.
    """
    prog = load_programme_file(path)
    with _input_errors():
        return sbti_check(prog, submitted=submitted)


def file_claims(path: Path, ctx: Context | None = None) -> tuple[Programme, list[ClaimResult]]:
    """``lingtan targets claims``: the programme (its credit register) and the evidence check of
    every carbon-neutrality claim; with a context, organisation claims are checked against the
    completeness of that year's inventory (:func:`with_inventory_completeness`).

    Raises:
        ServiceError: invalid — the file or the workspace cannot be used.
    """
    from lingtan.modules.targets.programme import check_claims

    prog = load_programme_file(path)
    with _input_errors():
        if ctx is not None:
            prog = with_inventory_completeness(ctx, prog)
        return prog, check_claims(prog)


def file_projects(
    path: Path, ctx: Context | None = None, *, gwp: str = "AR5"
) -> tuple[Programme, list[EvaluatedProject]]:
    """``lingtan plan projects``: every project evaluated (:func:`evaluate_projects`).

    Raises:
        ServiceError: invalid — the file, the workspace, the GWP set or a project.
    """
    prog = load_programme_file(path)
    with _input_errors():
        return prog, evaluate_projects(ctx, prog, gwp=gwp)


def file_macc(
    path: Path, fiscal_year: str, ctx: Context | None = None, *, gwp: str = "AR5"
) -> Macc:
    """``lingtan plan macc``: the marginal abatement cost curve of ``fiscal_year``.

    Raises:
        ServiceError: invalid — the file, the year, the workspace, the GWP set or a project.
    """
    from lingtan.modules.targets.programme import macc_of

    prog = load_programme_file(path)
    with _input_errors():
        y = prog.calendar.parse(fiscal_year).start.year
        return macc_of(prog, evaluate_projects(ctx, prog, gwp=gwp, years=[y]), y)


def file_plan(
    path: Path, ctx: Context | None = None, *, gwp: str = "AR5", explain: bool = True
) -> PlanResult:
    """``lingtan plan optimise``: the least-cost plan meeting every target (MILP, HiGHS);
    ``explain`` re-solves once per project to say why it was (not) chosen.

    Raises:
        ServiceError: invalid — the file, the workspace, the GWP set or a project.
    """
    from lingtan.modules.targets.programme import plan

    prog = load_programme_file(path)
    with _input_errors():
        return plan(prog, evaluate_projects(ctx, prog, gwp=gwp), explain=explain)


def write_example_file(path: Path) -> Path:
    """Write the source report's targets, KPIs, project examples and disclosed emissions as a
    targets file to start from (``lingtan targets example``); never overwrites.

    Raises:
        ServiceError: conflict — ``path`` exists.
    """
    from lingtan.adapters.demo.targets import EXAMPLE_HEADER, report_programme
    from lingtan.adapters.io.targets_files import write_targets_file
    from lingtan.adapters.services.errors import conflict

    if path.exists():
        raise conflict(f"{path} exists; choose another name")
    return write_targets_file(report_programme(None), path, header=EXAMPLE_HEADER)


# -- the stored file (the server) ------------------------------------------------------------


def targets_path(ctx: Context) -> Path:
    """Where the organisation's targets file lives: ``<workspace>/targets.yaml``."""
    return ctx.workspace().path / TARGETS_FILE


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_file(ctx: Context) -> bytes:
    path = targets_path(ctx)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise not_found(f"targets file of {_name(ctx)} (PUT one first)") from None


def error_field(exc: InputFileError) -> str | None:
    """The field an error of the targets file names, as a path: ``targets[2] (id 'S12'),
    field 'reduction_pct': …`` → ``targets[2].reduction_pct``."""
    where = exc.reason.split(": ", 1)[0] if ": " in exc.reason else ""
    if not where or where == "file":
        return None
    where = _FIELD_PART.sub(r".\1", _ID_PART.sub("", where))
    return where.replace(", ", ".")


def parse_targets_text(text: str) -> Programme:
    """Parse a targets document (YAML, docs/targets.md).

    Raises:
        ServiceError: 422 naming the file, item and field (``field`` = ``targets[0].base_year``).
    """
    from lingtan.adapters.io.targets_files import parse_targets

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise invalid(f"{TARGETS_FILE}: not valid YAML: {exc}", "content") from None
    except RecursionError:
        raise invalid(f"{TARGETS_FILE}: nested too deeply", "content") from None
    try:
        return parse_targets(doc, TARGETS_FILE)
    except InputFileError as exc:
        raise invalid(str(exc), error_field(exc)) from None
    except (LingtanError, ValueError, TypeError, OverflowError) as exc:
        raise invalid(f"{TARGETS_FILE}: {exc}", "content") from None


def targets_file(ctx: Context) -> tuple[str, bytes]:
    """The targets file as stored: (file name, bytes).

    Raises:
        ServiceError: 404 the organisation has none yet.
    """
    return TARGETS_FILE, _read_file(ctx)


def replace_targets(db: Session, tenant: TenantContext, content: str) -> dict[str, Any]:
    """Check a new targets file and, when it is valid, store it (audited); the new overview.

    Nothing is written when the file has an error.

    Raises:
        ServiceError: 422 invalid (the field named), 413 larger than :data:`MAX_TARGETS_BYTES`.
    """
    data = content.encode("utf-8")
    if len(data) > MAX_TARGETS_BYTES:
        raise too_large(f"{TARGETS_FILE}: larger than {MAX_TARGETS_BYTES} bytes")
    prog = parse_targets_text(content)
    path = targets_path(tenant)
    old = path.read_bytes() if path.exists() else None
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="targets.update",
        target=TARGETS_FILE,
        before=None if old is None else {"sha256": _sha256(old), "bytes": len(old)},
        after={
            "sha256": _sha256(data),
            "bytes": len(data),
            "targets": [t.id for t in prog.targets],
            "kpis": [k.id for k in prog.kpis],
            "projects": [p.id for p in prog.projects],
        },
    )
    store_with_audit(db, path, data, old)
    return targets_overview(tenant)


def programme(ctx: Context) -> tuple[Programme, str, list[str]]:
    """The organisation's programme (stored targets file + its inventories' emissions, every
    calculated fiscal year the file does not give: :func:`with_workspace_emissions`; a
    ``supply_chain_reduction`` KPI without values takes the supplier project ledger's, decision
    0067; renewable-share and efficiency KPIs without values are computed and every KPI is
    marked typed or computed, decision 0076; projects with an M&V plan get their measured
    savings and intensity denominators the file does not give are computed from the
    workspace, decision 0075), the file's sha256 and notes.

    Raises:
        ServiceError: 404 no targets file; 422 it is invalid (changed on disk by hand).
    """
    data = _read_file(ctx)
    prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    with _input_errors("emissions"):
        prog, notes = with_workspace_emissions(ctx, prog)
    from lingtan.adapters.services.energy_savings import fill_measured_projects
    from lingtan.adapters.services.intensity_denominators import fill_denominators
    from lingtan.adapters.services.kpi_values import fill_computed_kpis, mark_origins
    from lingtan.adapters.services.supplier_programmes import fill_supply_chain_kpis

    typed = prog.kpis
    prog = replace(prog, kpis=fill_supply_chain_kpis(ctx, prog.kpis))
    prog = replace(prog, kpis=mark_origins(typed, fill_computed_kpis(ctx, prog.kpis)))
    prog = replace(prog, projects=fill_measured_projects(ctx, prog.projects, notes))
    wanted = {t.denominator for t in prog.targets if t.denominator}
    prog = replace(prog, series=fill_denominators(ctx, prog.series, prog.calendar, notes, wanted))
    return prog, _sha256(data), notes


def _emissions_rows(prog: Programme) -> list[dict[str, Any]]:
    return [
        {
            "fiscal_year": prog.calendar.year(y).label,
            "scope1": e.scope1,
            "scope2_market": e.scope2_market,
            "scope2_location": e.scope2_location,
            "scope3": e.scope3,
            "scope3_by_category": {str(k): v for k, v in sorted(e.scope3_by_category.items())},
            "source": e.source,
            "status": "complete" if e.complete else "incomplete",
            "rows_not_calculated": e.incomplete_rows,
        }
        for y, e in sorted(prog.emissions.items())
    ]


def targets_overview(ctx: Context) -> dict[str, Any]:
    """Everything the targets dashboard shows: each target's progress year by year (base,
    target value, linear pathway, actual, gap [t CO2e], status and its rule), the KPIs, the
    SBTi check (each criterion with its clause), the actual emissions used and the fiscal years
    the MACC can be drawn for.

    Raises:
        ServiceError: 404 no targets file.
    """
    from lingtan.modules.targets.programme import plan_years

    prog, sha, notes = programme(ctx)
    cal = prog.calendar
    ov = progress_of(prog)
    return dict(
        jsonable(
            {
                "organisation": prog.organisation,
                "file": {"name": TARGETS_FILE, "sha256": sha},
                "fiscal_year_start_month": cal.start_month,
                "emissions": _emissions_rows(prog),
                **ov.to_dict(),
                "sbti": sbti_check(prog).to_dict(),
                "plan_configured": prog.settings is not None,
                "years": [cal.year(y).label for y in plan_years(prog)],
                "notes": notes,
            }
        )
    )


def _year(prog: Programme, fiscal_year: str) -> int:
    try:
        return prog.calendar.parse(fiscal_year.replace("-", "/")).start.year
    except (PeriodError, ValueError, OverflowError) as exc:
        raise invalid(f"fiscal year {fiscal_year!r}: {exc}", "fiscal_year") from None


def _evaluated(ctx: Context, prog: Programme, years: list[int] | None = None) -> Any:
    """:func:`evaluate_projects` with the workspace's factor library and configured GWP set."""
    try:
        return evaluate_projects(ctx, prog, years=years)
    except LingtanError as exc:
        raise invalid(f"{TARGETS_FILE}: {exc}", "projects") from None


def targets_macc(ctx: Context, fiscal_year: str) -> dict[str, Any]:
    """The MACC of ``fiscal_year``: projects cheapest first, each with abatement [t CO2e/yr]
    (bar width), cost [currency / t CO2e] (bar height) and its place on the x axis.

    Raises:
        ServiceError: 404 no targets file; 422 not a fiscal year, or a project cannot be evaluated.
    """
    from lingtan.modules.targets.programme import macc_of

    prog, _, _ = programme(ctx)
    y = _year(prog, fiscal_year)
    return dict(jsonable(macc_of(prog, _evaluated(ctx, prog, [y]), y).to_dict()))


def _plan_path(ctx: Context) -> Path:
    return ctx.workspace().path / PLAN_FILE


def compute_plan(db: Session, tenant: TenantContext, *, explain: bool = True) -> dict[str, Any]:
    """Compute the least-cost plan from the targets file, keep it (``plan.json``; audited) and
    return it: ``computed_at``, ``computed_by``, ``targets_sha256``, ``stale`` (False) and
    ``result`` (:meth:`PlanResult.to_dict`: decisions with their reasons, requirement checks,
    stacked series, waterfall). A plan that finds no feasible solution is kept too: its
    ``result.status`` says so and ``result.message`` names the requirement.

    Raises:
        ServiceError: 404 no targets file; 422 the file has no ``plan`` section or no emissions
            to forecast from.
    """
    from lingtan.modules.targets.programme import plan

    prog, sha, _ = programme(tenant)
    if prog.settings is None:
        raise invalid(f"{TARGETS_FILE}: no plan section (plan: start_year …)", "plan")
    evaluated = _evaluated(tenant, prog)
    try:
        res = plan(prog, evaluated, explain=explain)
    except LingtanError as exc:
        raise invalid(f"{TARGETS_FILE}: {exc}", "plan") from None
    doc = {
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "computed_by": tenant.actor,
        "targets_sha256": sha,
        "result": jsonable(res.to_dict()),
    }
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="targets.plan",
        target=PLAN_FILE,
        after={
            "targets_sha256": sha,
            "status": res.status,
            "objective": res.objective,
            "credits_t": res.credits_t,
            "chosen": [d.project_id for d in res.chosen],
        },
    )
    path = _plan_path(tenant)
    old = path.read_bytes() if path.exists() else None
    store_with_audit(db, path, json.dumps(doc, ensure_ascii=False, allow_nan=False).encode(), old)
    return {**doc, "stale": False}


def saved_plan(ctx: Context) -> dict[str, Any]:
    """The plan last computed (:func:`compute_plan`), with ``stale`` True when the targets file
    has changed since.

    Raises:
        ServiceError: 404 none computed yet.
    """
    try:
        doc: dict[str, Any] = json.loads(_plan_path(ctx).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise not_found(f"plan of {_name(ctx)} (POST one first)") from None
    try:
        current = _sha256(targets_path(ctx).read_bytes())
    except FileNotFoundError:
        current = None
    return {**doc, "stale": doc.get("targets_sha256") != current}


def plan_candidates(ctx: Context) -> dict[str, Any]:
    """The reduction projects of the targets file as candidates for a plan, for the plan page
    when no plan exists (issue 13, item 7): each project's energy saved per year (or stated
    reduction), its abatement [t CO2e/yr] in the latest year it can be evaluated for (as if
    operating, :func:`~lingtan.modules.targets.projects.macc`'s rule), and its costs or that
    the file gives none; ``has_costs`` is False when no project has a cost (capex, opex or
    energy-bill savings), so no cost per tonne can rank them.

    Raises:
        ServiceError: 404 no targets file; 422 a project cannot be evaluated.
    """
    from lingtan.modules.targets.programme import plan_years

    prog, _, _ = programme(ctx)
    years = plan_years(prog)
    year = years[-1] if years else None
    evs = _evaluated(ctx, prog, [year]) if year is not None and prog.projects else []
    impacts = {ev.project.id: ev.impacts.get(year) for ev in evs} if year is not None else {}
    rows = []
    for p in prog.projects:
        imp = impacts.get(p.id)
        costed = bool(p.capex or p.opex_per_year or p.cost_savings_per_year)
        rows.append({
            "id": p.id, "name": p.name, "names": dict(p.names), "type": p.type.value,
            "site": p.site,
            "savings": [{"carrier": s.carrier, "quantity": s.quantity, "unit": s.unit}
                        for s in p.savings],
            "reduction_t_per_year": p.reduction_t_per_year,
            "abatement_t": None if imp is None else imp.tco2e,
            "costed": costed, "capex": p.capex, "opex_per_year": p.opex_per_year,
            "cost_savings_per_year": p.cost_savings_per_year,
        })  # fmt: skip
    return dict(
        jsonable(
            {
                "year": None if year is None else prog.calendar.year(year).label,
                "currency": "" if prog.settings is None else prog.settings.currency,
                "projects": rows,
                "has_costs": any(r["costed"] for r in rows),
            }
        )
    )
