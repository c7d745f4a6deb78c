"""Reconciliation of an organisation's published figures with lingtan's (issue 10 item 11;
docs/reconcile.md, decision 0031), used by ``lingtan reconcile``, the API route
``/orgs/{org}/reconcile``, the web page and ``lingtan demo``.

The published figures are the workspace's ``published/figures.csv``
(:mod:`lingtan.adapters.io.published_figures`). Here lingtan's value of each figure is computed —
never copied from the report — and handed to the pure comparison
(:func:`lingtan.core.reconcile.reconcile`):

- inventory sums and shares from the newest calculated inventory of the figure's fiscal year
  (``Inventory.totals`` and ``scope3_by_category`` [t CO2e]; a share is 100 · A / B [%]);
- ``tce(E)``: the published energy E × the GB/T 2589-2020 coefficient (electricity 0.1229
  kgce/kWh, :func:`lingtan.modules.targets.energy.to_tce`);
- ``grid_tco2e(E)``: E [kWh] × the grid electricity factor lingtan resolves for the figure's
  region as of ``factor_as_of`` or the first day of its fiscal year (region → parent regions;
  :func:`lingtan.core.factors.resolve`) [t CO2e]; the candidates are every electricity
  factor of the library (``electricity.*``: grid average, residual mix, ETS reporting value …)
  in that region chain valid at some time in the three years before the as-of date up to the
  end of the fiscal year.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.io.cell_safety import safe_csv_bytes
from lingtan.adapters.io.published_figures import (
    FIGURES_PATH,
    MAX_BYTES,
    parse_published_figures,
    read_published_figures,
)
from lingtan.adapters.services.context import Context, TenantContext
from lingtan.adapters.services.errors import ServiceError, invalid, not_found, too_large
from lingtan.adapters.services.stored_files import store_with_audit
from lingtan.adapters.store import audit
from lingtan.adapters.store.config import WorkspaceConfig
from lingtan.core.boundary import region_chain
from lingtan.core.errors import InputFileError, LingtanError, PeriodError
from lingtan.core.factors import EmissionFactor, co2e_per_unit
from lingtan.core.gwp import GWPSet
from lingtan.core.inventory import Inventory
from lingtan.core.reconcile import (
    DEFAULT_TOLERANCE,
    MASS_UNITS,
    TCE_UNITS,
    FactorCandidate,
    Finding,
    Given,
    Grid,
    GridEvidence,
    PublishedFigure,
    Share,
    Status,
    Sum,
    Tce,
    reconcile,
)
from lingtan.core.units import conversion_factor

GRID_ACTIVITY = "electricity.grid"
#: candidates: every electricity factor (grid average, residual mix, ETS reporting value …)
CANDIDATE_PREFIX = "electricity."
LOOKBACK_YEARS = 3  # candidates valid up to 3 years before the as-of date [yr]
InventoryOf = Callable[[str], Inventory | None]


@dataclass(frozen=True)
class ReconcileReport:
    """The findings of one reconciliation, with what they were computed from."""

    organisation: str
    source: str
    tolerance: float
    findings: tuple[Finding, ...]
    snapshots: dict[str, str]

    @property
    def differences(self) -> list[Finding]:
        """Every finding that lists a difference (not ``input`` or ``match``)."""
        return [f for f in self.findings if f.status.is_difference]

    @property
    def counts(self) -> dict[str, int]:
        """Status → number of figures."""
        c = Counter(f.status.value for f in self.findings)
        return {s.value: c.get(s.value, 0) for s in Status}

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the API's answer; ``lingtan reconcile --json``)."""
        return {
            "organisation": self.organisation,
            "source": self.source,
            "tolerance": self.tolerance,
            "counts": self.counts,
            "snapshots": dict(self.snapshots),
            "findings": [finding_dict(f) for f in self.findings],
        }


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding as JSON; numbers as printed (strings) where they are the report's."""
    fig = f.figure
    near = None
    if f.nearest is not None:
        cand, pct = f.nearest
        near = {
            "factor_id": cand.factor_id,
            "set": cand.set_name,
            "region": cand.region,
            "valid_from": cand.valid_from,
            "valid_to": cand.valid_to or None,
            "kg_per_kwh": cand.kg_per_kwh,
            "implied_vs_factor_pct": round(pct, 2),
        }
    return {
        "id": fig.id,
        "label": fig.label,
        "reference": fig.reference,
        "fiscal_year": fig.fiscal_year,
        "kind": fig.kind.value,
        "published": f"{fig.value:f}",
        "unit": fig.unit,
        "decimals": fig.decimals,
        "computed": f.computed,
        "computed_rounded": None if f.computed_rounded is None else f"{f.computed_rounded:f}",
        "difference": f.difference,
        "status": f.status.value,
        "cause": f.cause,
        "cause_code": f.code,
        "cause_params": dict(f.params),
        "implied_factor_kg_per_kwh": None if f.implied_factor is None else f.implied_factor,
        "nearest_factor": near,
        "other_years": dict(f.other_years),
        "note": fig.note,
    }


# -- lingtan's values ----------------------------------------------------------------------------


def _quantities(inv: Inventory) -> dict[str, float | None]:
    t = inv.totals()
    q: dict[str, float | None] = {k: t.get(k) for k in t}
    q["total"] = t.get("total_market")
    for c, v in inv.scope3_by_category().items():
        q[f"s3.c{c}"] = v
    return q


def _kg_per_kwh(members: Sequence[EmissionFactor], gwp: GWPSet) -> float:
    return co2e_per_unit(members, gwp) * conversion_factor("kWh", members[0].unit)


def grid_candidates(
    factors: Sequence[EmissionFactor], region: str, first: date, last: date, gwp: GWPSet
) -> list[FactorCandidate]:
    """Every electricity factor group (``electricity.*``: grid average, residual mix, ETS
    reporting value, generation proxy …) of ``region``'s chain valid at some time in
    [first, last], as kg CO2e/kWh (gases × GWP of ``gwp``)."""
    chain = set(region_chain(region))
    groups: dict[tuple[Any, ...], list[EmissionFactor]] = {}
    for f in factors:
        if not f.activity_type.startswith(CANDIDATE_PREFIX) or f.region not in chain:
            continue
        if f.valid_from > last or (f.valid_to is not None and f.valid_to <= first):
            continue
        try:
            conversion_factor("kWh", f.unit)
        except LingtanError:
            continue  # a factor per another quantity (e.g. spend) is not a grid factor
        groups.setdefault(f.group_key, []).append(f)
    out = []
    for members in groups.values():
        head = members[0]
        out.append(
            FactorCandidate(
                factor_id=head.factor_id,
                set_name=head.set_name,
                region=head.region,
                valid_from=head.valid_from.isoformat(),
                valid_to=head.valid_to.isoformat() if head.valid_to else "",
                kg_per_kwh=_kg_per_kwh(members, gwp),
                label=head.description,
            )
        )
    return sorted(out, key=lambda c: (c.valid_from, c.factor_id))


def _grid_evidence(
    fig: PublishedFigure,
    energy: PublishedFigure,
    cfg: WorkspaceConfig,
    factors: Sequence[EmissionFactor],
    gwp: GWPSet,
) -> GridEvidence:
    from lingtan.modules.targets.energy import resolve_factor
    from lingtan.modules.targets.errors import ProjectError

    kwh = float(energy.value) * conversion_factor(energy.unit, "kWh")
    period = cfg.period(fig.fiscal_year)
    on = date.fromisoformat(fig.factor_as_of) if fig.factor_as_of else period.start
    first = date(max(on.year - LOOKBACK_YEARS, 1), on.month, 1)
    cands = grid_candidates(factors, fig.region, first, max(period.end, on), gwp)
    try:
        rf = resolve_factor(factors, GRID_ACTIVITY, fig.region, on, "kWh", gwp, cfg.factor_sets)
    except ProjectError:
        return GridEvidence(kwh, None, tuple(cands))
    used = next((c for c in cands if c.factor_id == rf.factor_ids[0]), None)
    if used is None:
        used = FactorCandidate(rf.factor_ids[0], "", rf.region, rf.valid_from.isoformat(), "",
                               rf.kg_co2e_per_unit)  # fmt: skip
    return GridEvidence(kwh, used, tuple(cands))


def compute_values(
    figures: Sequence[PublishedFigure],
    cfg: WorkspaceConfig,
    inventory_of: InventoryOf,
    factors: Sequence[EmissionFactor],
    gwp: GWPSet,
) -> tuple[dict[str, float | None], dict[str, GridEvidence], dict[str, str]]:
    """lingtan's value of each figure in the figure's unit, the grid evidence of
    ``grid_tco2e`` figures, and fiscal year → snapshot id of the inventories used."""
    from lingtan.modules.targets.energy import to_tce

    by_id = {f.id: f for f in figures}
    cache: dict[str, dict[str, float | None] | None] = {}
    snapshots: dict[str, str] = {}

    def quantities(fy: str) -> dict[str, float | None] | None:
        if fy not in cache:
            inv = inventory_of(fy)
            cache[fy] = None if inv is None else _quantities(inv)
            if inv is not None:
                snapshots[fy] = inv.snapshot_id
        return cache[fy]

    values: dict[str, float | None] = {}
    grid: dict[str, GridEvidence] = {}
    for fig in figures:
        sel = fig.selector
        v: float | None = None
        if isinstance(sel, Sum | Share):
            q = quantities(fig.fiscal_year)
            if q is not None and isinstance(sel, Sum):
                t = sel.value(q)
                v = None if t is None else t / MASS_UNITS[fig.unit]
            elif q is not None and isinstance(sel, Share):
                a, b = sel.numerator.value(q), sel.denominator.value(q)
                v = None if a is None or not b else 100.0 * a / b
        elif isinstance(sel, Tce):
            e = by_id[sel.energy_id]
            v = to_tce(float(e.value), e.unit, "electricity") / TCE_UNITS[fig.unit]
        elif isinstance(sel, Grid):
            ev = _grid_evidence(fig, by_id[sel.energy_id], cfg, factors, gwp)
            grid[fig.id] = ev
            if ev.used is not None:
                v = ev.energy_kwh * ev.used.kg_per_kwh / 1000.0 / MASS_UNITS[fig.unit]
        elif isinstance(sel, Given):
            v = None
        values[fig.id] = v if v is None or math.isfinite(v) else None
    return values, grid, snapshots


def reconcile_figures(
    figures: Sequence[PublishedFigure],
    cfg: WorkspaceConfig,
    inventory_of: InventoryOf,
    factors: Sequence[EmissionFactor],
    gwp: GWPSet,
    *,
    source: str,
    tolerance: float = DEFAULT_TOLERANCE,
) -> ReconcileReport:
    """Compute lingtan's values and classify every figure (the one orchestrator)."""
    values, grid, snapshots = compute_values(figures, cfg, inventory_of, factors, gwp)
    findings = reconcile(figures, values, grid=grid, tolerance=tolerance)
    return ReconcileReport(cfg.organisation, source, tolerance, tuple(findings), snapshots)


def _select_years(
    figures: list[PublishedFigure], years: Sequence[str], cfg: WorkspaceConfig
) -> list[PublishedFigure]:
    """The figures of ``years`` (all when empty).

    Raises:
        PeriodError: a year that is not a fiscal year.
    """
    if not years:
        return figures
    try:
        wanted = {cfg.period(y).label for y in years}
    except (ValueError, OverflowError) as exc:
        raise PeriodError(f"not a fiscal year: {', '.join(years)} ({exc})") from None
    return [f for f in figures if f.fiscal_year in wanted]


def reconcile_workspace(
    ctx: Context,
    figures_file: Path | None = None,
    *,
    years: Sequence[str] = (),
    tolerance: float = DEFAULT_TOLERANCE,
    source: str | None = None,
) -> ReconcileReport:
    """Reconcile published figures (``figures_file``, default the workspace's
    ``published/figures.csv``) with the context's workspace: its stored inventories (newest
    snapshot of each year; a year not calculated gives ``missing`` figures) and its factor
    library. The one composition, for ``lingtan reconcile``, ``lingtan demo``, the API and the
    web page.

    Figures of other years than ``years`` are still read (a copy from another year is found
    among them) but only the figures of ``years`` are reported. ``source`` names the file in
    the report (default: its path).

    Raises:
        ServiceError: invalid — a negative tolerance (field ``tolerance``), a bad figures file
            (field ``file``: file, row and column named), a year that is not a fiscal year
            (``fiscal_year``), or a workspace or factor library that cannot be used.
    """
    from lingtan.adapters.io.library import load_library
    from lingtan.adapters.services.calculation import latest_inventory

    if tolerance < 0 or tolerance != tolerance:
        raise invalid("tolerance must be a number >= 0", "tolerance")
    try:
        ws = ctx.workspace()
    except LingtanError as exc:
        raise invalid(str(exc)) from None
    cfg = ws.config
    path = figures_file or ws.path / FIGURES_PATH
    try:
        figures = read_published_figures(path, cfg.calendar)
        keep = _select_years(figures, years, cfg)
    except InputFileError as exc:
        raise invalid(str(exc), "file") from None
    except (LingtanError, ValueError, OverflowError) as exc:
        raise invalid(str(exc), "fiscal_year") from None

    def inventory_of(fy: str) -> Inventory | None:
        try:
            return latest_inventory(ws, fy)
        except LingtanError:  # not calculated yet: the figures are "missing"
            return None

    try:
        lib = load_library(ws)
        rep = reconcile_figures(figures, cfg, inventory_of, lib.factors,
                                lib.gwp_sets[cfg.gwp_set], source=source or str(path),
                                tolerance=tolerance)  # fmt: skip
    except LingtanError as exc:
        raise invalid(str(exc)) from None
    return _only(rep, keep)


def _only(rep: ReconcileReport, keep: Sequence[PublishedFigure]) -> ReconcileReport:
    ids = {f.id for f in keep}
    found = tuple(f for f in rep.findings if f.figure.id in ids)
    return ReconcileReport(rep.organisation, rep.source, rep.tolerance, found, rep.snapshots)


def reconcile_report(
    ctx: Context,
    fiscal_year: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> dict[str, Any]:
    """The API's and web page's reconciliation of the organisation's
    ``<workspace>/published/figures.csv`` with its newest inventories (stored snapshots):
    :func:`reconcile_workspace` as JSON.

    Raises:
        ServiceError: 404 no figures file; 422 a bad file (naming row and column), a bad fiscal
            year or a negative tolerance.
    """
    if tolerance < 0 or tolerance != tolerance:
        raise invalid("tolerance must be a number >= 0", "tolerance")
    path = ctx.workspace().path / FIGURES_PATH
    if not path.exists():
        raise not_found(f"published figures of {_name(ctx)} ({FIGURES_PATH.as_posix()})")
    years = [fiscal_year] if fiscal_year else []
    try:
        rep = reconcile_workspace(
            ctx, path, years=years, tolerance=tolerance, source=FIGURES_PATH.as_posix()
        )
    except ServiceError as exc:
        if exc.field == "fiscal_year":
            raise invalid(f"fiscal year {fiscal_year!r}: {exc.message}", "fiscal_year") from None
        raise
    return rep.to_dict()


def _name(ctx: Context) -> str:
    """The organisation (``slug``) or workspace folder the context works on, for messages."""
    slug = getattr(ctx, "slug", None)
    return str(slug) if slug else ctx.workspace().path.name


# -- the file in the server ----------------------------------------------------------------------


def figures_file(ctx: Context) -> tuple[str, bytes]:
    """The organisation's published figures file as stored: (file name, bytes).

    Raises:
        ServiceError: 404 none yet.
    """
    path = ctx.workspace().path / FIGURES_PATH
    try:
        return path.name, safe_csv_bytes(path.read_bytes())  # CSV injection (decision 0035)
    except FileNotFoundError:
        raise not_found(f"published figures of {_name(ctx)} (PUT one first)") from None


def replace_figures(db: Session, tenant: TenantContext, content: str) -> dict[str, Any]:
    """Check a new published figures file (CSV, docs/reconcile.md) and, when valid, store it as
    ``<workspace>/published/figures.csv`` (audited: ``published_figures.update``); the new
    reconciliation. Nothing is written when the file has an error.

    Raises:
        ServiceError: 422 invalid (the message names row and column), 413 too large.
    """
    data = content.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise too_large(f"figures.csv: larger than {MAX_BYTES} bytes")
    ws = tenant.workspace()
    try:
        figures = parse_published_figures(content, FIGURES_PATH.name, ws.config.calendar)
    except InputFileError as exc:
        raise invalid(str(exc), "content") from None
    path = ws.path / FIGURES_PATH
    old = path.read_bytes() if path.exists() else None
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="published_figures.update",
        target=FIGURES_PATH.as_posix(),
        before=None if old is None else {"sha256": _sha256(old), "bytes": len(old)},
        after={"sha256": _sha256(data), "bytes": len(data), "figures": len(figures)},
    )
    store_with_audit(db, path, data, old)
    return reconcile_report(tenant)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
