"""Targets and reduction planning of an organisation (issue 5 in the server).

The organisation's **targets file** is ``targets.yaml`` in its workspace folder, in the format of
docs/targets.md (``lingtan targets …`` reads the same file). The functions here read it with
:func:`lingtan.adapters.io.targets_files.parse_targets` and compute with
:mod:`lingtan.modules.targets.programme` — nothing is computed here that the library does not:

- :func:`targets_overview`: each target's base, target value, linear pathway, actual, gap and
  status per year (SBTi / GHG Protocol Mitigation Goal Standard, docs/targets.md §Targets and
  progress), the KPIs, and the SBTi Corporate Net-Zero Standard check with the clause of each
  failed criterion;
- :func:`targets_macc`: the marginal abatement cost curve of one fiscal year (bar width = t CO2e
  abated per year, height = currency per t CO2e);
- :func:`compute_plan` / :func:`saved_plan`: the least-cost plan (MILP, HiGHS) meeting every
  target, kept as ``plan.json`` beside the targets file with the sha256 of the file it was
  computed from.

Actual emissions: the file's own ``emissions`` win; every other fiscal year with a calculated
inventory in the organisation (the newest snapshot of the year) is added, as ``lingtan targets
progress -w`` does. Changes (a new targets file, a new plan) are recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from lingtan.adapters.api.errors import ApiError, invalid, not_found
from lingtan.adapters.api.services.context import TenantContext, jsonable
from lingtan.adapters.api.services.inventories import inventory_years, latest_inventory
from lingtan.adapters.api.services.stored_files import store_with_audit
from lingtan.adapters.store import audit
from lingtan.core.errors import InputFileError, LingtanError, PeriodError
from lingtan.modules.targets.emissions import YearEmissions, year_emissions_from_inventory
from lingtan.modules.targets.programme import Programme

TARGETS_FILE = "targets.yaml"
PLAN_FILE = "plan.json"
#: largest targets file accepted [bytes]
MAX_TARGETS_BYTES = 1024 * 1024
_ID_PART = re.compile(r" \(id '[^']*'\)")
_FIELD_PART = re.compile(r", field '([^']+)'")


# -- the file ------------------------------------------------------------------------------------


def targets_path(tenant: TenantContext) -> Path:
    """Where the organisation's targets file lives: ``<workspace>/targets.yaml``."""
    return tenant.workspace().path / TARGETS_FILE


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_file(tenant: TenantContext) -> bytes:
    path = targets_path(tenant)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise not_found(f"targets file of {tenant.slug} (PUT one first)") from None


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
        ApiError: 422 naming the file, item and field (``field`` = ``targets[0].base_year``).
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


def targets_file(db: Session, tenant: TenantContext) -> tuple[str, bytes]:
    """The targets file as stored: (file name, bytes).

    Raises:
        ApiError: 404 the organisation has none yet.
    """
    del db
    return TARGETS_FILE, _read_file(tenant)


def replace_targets(db: Session, tenant: TenantContext, content: str) -> dict[str, Any]:
    """Check a new targets file and, when it is valid, store it (audited); the new overview.

    Nothing is written when the file has an error.

    Raises:
        ApiError: 422 invalid (the field named), 413 larger than :data:`MAX_TARGETS_BYTES`.
    """
    data = content.encode("utf-8")
    if len(data) > MAX_TARGETS_BYTES:
        raise ApiError(413, "too_large", f"{TARGETS_FILE}: larger than {MAX_TARGETS_BYTES} bytes")
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
    return targets_overview(db, tenant)


# -- the programme with the organisation's own inventories ---------------------------------------


def _inventory_emissions(
    db: Session, tenant: TenantContext, prog: Programme
) -> tuple[dict[int, YearEmissions], list[str]]:
    """Emissions of every calculated fiscal year the file does not give, and notes."""
    notes: list[str] = []
    cal = prog.calendar
    ws_cal = tenant.workspace().config.calendar
    years = inventory_years(db, tenant)["fiscal_years"]
    if years and ws_cal.start_month != cal.start_month:
        notes.append(
            f"the inventories' fiscal years start in month {ws_cal.start_month}, the targets "
            f"file's in month {cal.start_month}: only the file's emissions are used"
        )
        return {}, notes
    got: dict[int, YearEmissions] = {}
    for label in years:
        year = cal.parse(label).start.year
        if year in prog.emissions:
            continue
        got[year] = year_emissions_from_inventory(latest_inventory(db, tenant, label), cal)
    return got, notes


def programme(db: Session, tenant: TenantContext) -> tuple[Programme, str, list[str]]:
    """The organisation's programme (targets file + its inventories' emissions), the file's
    sha256 and notes.

    Raises:
        ApiError: 404 no targets file; 422 it is invalid (changed on disk by hand).
    """
    data = _read_file(tenant)
    prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    extra, notes = _inventory_emissions(db, tenant, prog)
    if extra:
        prog = replace(prog, emissions={**extra, **prog.emissions})
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


def targets_overview(db: Session, tenant: TenantContext) -> dict[str, Any]:
    """Everything the targets dashboard shows: each target's progress year by year (base,
    target value, linear pathway, actual, gap [t CO2e], status and its rule), the KPIs, the
    SBTi check (each criterion with its clause), the actual emissions used and the fiscal years
    the MACC can be drawn for.

    Raises:
        ApiError: 404 no targets file.
    """
    from lingtan.modules.targets.programme import overview, plan_years, validate

    prog, sha, notes = programme(db, tenant)
    cal = prog.calendar
    ov = overview(prog)
    return dict(
        jsonable(
            {
                "organisation": prog.organisation,
                "file": {"name": TARGETS_FILE, "sha256": sha},
                "fiscal_year_start_month": cal.start_month,
                "emissions": _emissions_rows(prog),
                **ov.to_dict(),
                "sbti": validate(prog).to_dict(),
                "plan_configured": prog.settings is not None,
                "years": [cal.year(y).label for y in plan_years(prog)],
                "notes": notes,
            }
        )
    )


# -- MACC and plan -------------------------------------------------------------------------------


def _year(prog: Programme, fiscal_year: str) -> int:
    try:
        return prog.calendar.parse(fiscal_year.replace("-", "/")).start.year
    except (PeriodError, ValueError, OverflowError) as exc:
        raise invalid(f"fiscal year {fiscal_year!r}: {exc}", "fiscal_year") from None


def _evaluate(tenant: TenantContext, prog: Programme, years: list[int] | None = None) -> Any:
    """Every project's energy, tce and abatement with the organisation's factor library and
    GWP set (``lingtan plan projects -w``)."""
    from lingtan.adapters.compute.runner import load_library
    from lingtan.modules.targets.programme import evaluate

    ws = tenant.workspace()
    lib = load_library(ws)
    gwp = lib.gwp_sets[ws.config.gwp_set]
    try:
        return evaluate(prog, lib.factors, gwp, years=years, set_priority=ws.config.factor_sets)
    except LingtanError as exc:
        raise invalid(f"{TARGETS_FILE}: {exc}", "projects") from None


def targets_macc(db: Session, tenant: TenantContext, fiscal_year: str) -> dict[str, Any]:
    """The MACC of ``fiscal_year``: projects cheapest first, each with abatement [t CO2e/yr]
    (bar width), cost [currency / t CO2e] (bar height) and its place on the x axis.

    Raises:
        ApiError: 404 no targets file; 422 not a fiscal year, or a project cannot be evaluated.
    """
    from lingtan.modules.targets.programme import macc_of

    prog, _, _ = programme(db, tenant)
    y = _year(prog, fiscal_year)
    return dict(jsonable(macc_of(prog, _evaluate(tenant, prog, [y]), y).to_dict()))


def _plan_path(tenant: TenantContext) -> Path:
    return tenant.workspace().path / PLAN_FILE


def compute_plan(db: Session, tenant: TenantContext, *, explain: bool = True) -> dict[str, Any]:
    """Compute the least-cost plan from the targets file, keep it (``plan.json``; audited) and
    return it: ``computed_at``, ``computed_by``, ``targets_sha256``, ``stale`` (False) and
    ``result`` (:meth:`PlanResult.to_dict`: decisions with their reasons, requirement checks,
    stacked series, waterfall). A plan that finds no feasible solution is kept too: its
    ``result.status`` says so and ``result.message`` names the requirement.

    Raises:
        ApiError: 404 no targets file; 422 the file has no ``plan`` section or no emissions
            to forecast from.
    """
    from lingtan.modules.targets.programme import plan

    prog, sha, _ = programme(db, tenant)
    if prog.settings is None:
        raise invalid(f"{TARGETS_FILE}: no plan section (plan: start_year …)", "plan")
    evaluated = _evaluate(tenant, prog)
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


def saved_plan(db: Session, tenant: TenantContext) -> dict[str, Any]:
    """The plan last computed (:func:`compute_plan`), with ``stale`` True when the targets file
    has changed since.

    Raises:
        ApiError: 404 none computed yet.
    """
    del db
    try:
        doc: dict[str, Any] = json.loads(_plan_path(tenant).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise not_found(f"plan of {tenant.slug} (POST one first)") from None
    try:
        current = _sha256(targets_path(tenant).read_bytes())
    except FileNotFoundError:
        current = None
    return {**doc, "stale": doc.get("targets_sha256") != current}
