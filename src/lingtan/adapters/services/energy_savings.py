"""Measured savings of reduction projects (issue 16 item 4, decision 0075).

For each M&V plan of ``<workspace>/mv.yaml`` (:mod:`lingtan.adapters.io.mv_files`): the
boundary meters' monthly sums (:func:`lingtan.adapters.services.readings.meter_monthly`), the
site's production (:func:`lingtan.adapters.services.production.list_production`) and degree
days (``energy/degree_days.csv``) give the baseline model fitted on the baseline period and the
savings of each reporting month (:mod:`lingtan.modules.energy.mv`: IPMVP Option C,
ISO 50015:2014, GB/T 28750-2012, ASHRAE Guideline 14-2014 statistics).

Months without any reading are left out of the fit and of the savings and listed
(``missing_months``), never filled; months with fewer intervals than expected are used and listed
(``incomplete_months``). The targets module takes the measured savings of every fully measured
fiscal year in place of the ex-ante estimate (:func:`fill_measured_projects`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from lingtan.adapters.io.mv_files import (
    DegreeDayTable,
    MvFileError,
    MvPlan,
    read_degree_days,
    read_mv_file,
)
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, ServiceError, keyed_refusal
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.energy.errors import EnergyError
from lingtan.modules.energy.mv import SavingsResult, fit_baseline
from lingtan.modules.energy.mv import measured_savings as _savings
from lingtan.modules.targets.projects import MeasuredYear, Project


class SavingsError(KeyedError):
    """A refused M&V request: the catalogue ``key`` (``mv.err.*``) and ``params`` beside the
    English ``message`` and the ``field``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> SavingsError:
    """A :class:`SavingsError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(SavingsError, kind, message, field)


@dataclass(frozen=True)
class MeasuredSavings:
    """The measured savings of one project: its plan, the model and savings
    (:class:`~lingtan.modules.energy.mv.SavingsResult`), the boundary's carrier and unit, the
    savings per fiscal year and the months left out or incomplete."""

    plan: MvPlan
    result: SavingsResult
    carrier: str
    unit: str
    by_year: tuple[MeasuredYear, ...]
    missing_months: tuple[str, ...] = ()
    incomplete_months: tuple[str, ...] = ()
    labels: Mapping[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "plan": self.plan.to_dict(),
            **self.result.to_dict(),
            "carrier": self.carrier,
            "unit": self.unit,
            "by_year": [
                {"fiscal_year": self.labels.get(m.year, str(m.year)), "savings": m.quantity,
                 "unit": m.unit, "months": m.months, "complete": m.complete,
                 "uncertainty_68": m.uncertainty_68, "uncertainty_90": m.uncertainty_90}
                for m in self.by_year
            ],
            "missing_months": list(self.missing_months),
            "incomplete_months": list(self.incomplete_months),
        }  # fmt: skip


# -- the sources (the store helper's services; tests may pass tables instead) ---------------------


def _ym(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _months(start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        out.append(d)
        d = _next_month(d)
    return out


def _meter_monthly(ctx: Context, start: date, end: date) -> Any:
    from lingtan.adapters.services.readings import meter_monthly

    return meter_monthly(ctx, start, end)


def _production_rows(ctx: Context, site: str, start: date, end: date) -> list[Any]:
    from lingtan.adapters.services.production import list_production

    with ctx.workspace().session() as db:
        return list(list_production(db, ctx, site=site, start=start, end=end))


def _as_month(v: Any) -> date:
    if isinstance(v, date):
        return v.replace(day=1)
    return date.fromisoformat(str(v)[:10]).replace(day=1)


def boundary_monthly(
    monthly: Any, meters: Sequence[str]
) -> tuple[dict[date, float], dict[date, bool], str, str]:
    """Σ value per month over the boundary ``meters`` of a :func:`meter_monthly` table, whether
    each month is complete (intervals ≥ expected for every meter), the carrier and the unit.

    Raises:
        SavingsError: a boundary meter has no row at all, or the meters differ in unit.
    """
    rows = monthly.to_pylist() if hasattr(monthly, "to_pylist") else list(monthly)
    want = set(meters)
    sums: dict[date, float] = defaultdict(float)
    complete: dict[date, bool] = {}
    seen: set[str] = set()
    units: set[str] = set()
    carriers: set[str] = set()
    for r in rows:
        if r["meter"] not in want:
            continue
        seen.add(r["meter"])
        units.add(str(r["unit"]))
        carriers.add(str(r.get("carrier") or "electricity"))
        m = _as_month(r["month"])
        sums[m] += float(r["value"])
        full = (
            r.get("intervals") is None
            or r.get("expected_intervals") is None
            or (int(r["intervals"]) >= int(r["expected_intervals"]))
        )
        complete[m] = complete.get(m, True) and full
    lost = sorted(want - seen)
    if lost:
        raise refused("invalid", msg("mv.err.no_readings", meter=lost[0]), "boundary_meters")
    if len(units) > 1 or len(carriers) > 1:
        raise refused(
            "invalid", msg("mv.err.mixed_units", units=", ".join(sorted(units | carriers))),
            "boundary_meters",
        )  # fmt: skip
    return dict(sums), complete, carriers.pop(), units.pop()


def production_by_month(rows: Iterable[Any], product_types: Sequence[str]) -> dict[date, float]:
    """Σ units per month of production rows (``month``, ``units``, ``product_type``), only the
    ``product_types`` given (all when empty)."""
    out: dict[date, float] = defaultdict(float)
    for r in rows:
        get = r.get if isinstance(r, Mapping) else lambda k, r=r: getattr(r, k, None)
        if product_types and get("product_type") not in product_types:
            continue
        out[_as_month(get("month"))] += float(get("units") or 0.0)
    return dict(out)


# -- use cases -------------------------------------------------------------------------------------


def _plan(ctx: Context, project_id: str) -> MvPlan:
    try:
        plans = read_mv_file(ctx.workspace().path)
    except MvFileError as exc:
        raise refused("invalid", exc.keyed, exc.field or "mv.yaml") from None
    for p in plans:
        if p.project == project_id:
            return p
    raise refused("not_found", msg("mv.err.no_plan", project=project_id), "project")


def _conditions(
    plan: MvPlan, months: Sequence[date], prod: Mapping[date, float], dd: DegreeDayTable
) -> tuple[dict[str, list[float]], list[str]]:
    """Normaliser values of ``months`` and the months that lack one (named)."""
    site = plan.degree_days_site or plan.site
    cond: dict[str, list[float]] = {n: [] for n in plan.normalisers}
    lacking: list[str] = []
    for m in months:
        for n in plan.normalisers:
            if n == "production":
                v = prod.get(m)
            else:
                row = dd.get(site, m)
                v = None if row is None else (row.hdd if n == "hdd" else row.cdd)
            if v is None:
                lacking.append(f"{_ym(m)} {n}")
                v = 0.0
            cond[n].append(float(v))
    return cond, lacking


def measured_savings(
    ctx: Context,
    project_id: str,
    *,
    monthly: Any = None,
    production: Iterable[Any] | None = None,
) -> MeasuredSavings:
    """The measured savings of ``project_id`` by its plan in ``mv.yaml`` (module docstring).
    ``monthly`` / ``production``: the meter sums and production rows to use instead of the
    store's (tests, callers that already hold them).

    Raises:
        SavingsError: not_found — no plan for the project; invalid — the M&V files are
            invalid, a boundary meter has no readings, a month lacks a normaliser value, or the
            model cannot be fitted (too few months, collinear normalisers).
    """
    ctx.require("read")
    plan = _plan(ctx, project_id)
    ws = ctx.workspace()
    end = _next_month(plan.reporting_end) - timedelta(days=1)  # inclusive: the last day
    if monthly is None:
        monthly = _meter_monthly(ctx, plan.baseline_start, end)
    sums, complete, carrier, unit = boundary_monthly(monthly, plan.boundary_meters)
    if production is None and "production" in plan.normalisers:
        production = _production_rows(ctx, plan.site, plan.baseline_start, end)
    prod = production_by_month(production or (), plan.product_types)
    try:
        dd = read_degree_days(ws.path)
    except MvFileError as exc:
        raise refused("invalid", exc.keyed, exc.field) from None
    base_all = _months(plan.baseline_start, plan.baseline_end)
    rep_all = _months(plan.reporting_start, plan.reporting_end)
    missing = [_ym(m) for m in base_all + rep_all if m not in sums]
    incomplete = [_ym(m) for m in base_all + rep_all if m in sums and not complete[m]]
    base = [m for m in base_all if m in sums]
    rep = [m for m in rep_all if m in sums]
    if not rep:
        raise refused("invalid", msg("mv.err.no_reporting"), "reporting")
    bx, lack_b = _conditions(plan, base, prod, dd)
    rx, lack_r = _conditions(plan, rep, prod, dd)
    if lack_b or lack_r:
        what = (lack_b + lack_r)[0]
        raise refused("invalid", msg("mv.err.no_normaliser", what=what), "normalisers")
    try:
        model = fit_baseline([sums[m] for m in base], bx, unit=unit, periods=[_ym(m) for m in base])
        result = _savings(model, [sums[m] for m in rep], rx, periods=[_ym(m) for m in rep])
    except EnergyError as exc:
        raise refused("invalid", exc.message, exc.field) from None
    cal = ws.config.calendar
    years: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(rep):
        years[cal.start_year_of(m)].append(i)
    by_year = []
    u68, u90 = result.uncertainty[0].fractional, result.uncertainty[1].fractional
    for y, idx in sorted(years.items()):
        s = sum(result.periods[i].savings for i in idx)
        by_year.append(
            MeasuredYear(y, carrier, s, unit, len(idx), abs(s) * u68, abs(s) * u90,
                         f"measured: mv.yaml project {plan.project}, IPMVP Option C")
        )  # fmt: skip
    labels = {y: cal.year(y).label for y in years}
    return MeasuredSavings(plan, result, carrier, unit, tuple(by_year), tuple(missing),
                           tuple(incomplete), labels)  # fmt: skip


def list_measured(ctx: Context) -> list[dict[str, Any]]:
    """Every plan of ``mv.yaml`` with its measured savings (:meth:`MeasuredSavings.to_dict`) or
    the reason it cannot be computed (``error``: key, English text, field).

    Raises:
        SavingsError: invalid — ``mv.yaml`` itself is invalid.
    """
    ctx.require("read")
    try:
        plans = read_mv_file(ctx.workspace().path)
    except MvFileError as exc:
        raise refused("invalid", exc.keyed, exc.field or "mv.yaml") from None
    out: list[dict[str, Any]] = []
    for p in plans:
        try:
            out.append(measured_savings(ctx, p.project).to_dict())
        except SavingsError as exc:
            out.append({"plan": p.to_dict(), "error": {"key": exc.key, "params": exc.params,
                                                       "message": exc.message,
                                                       "field": exc.field}})  # fmt: skip
    return out


def fill_measured_projects(
    ctx: Context, projects: Sequence[Project], notes: list[str] | None = None
) -> tuple[Project, ...]:
    """The targets hook: each project with an M&V plan gets its measured savings per fiscal
    year (``Project.measured``; a fully measured year replaces the ex-ante savings,
    decision 0075). A project whose savings cannot be measured keeps its ex-ante figures and
    the reason is appended to ``notes``; without ``mv.yaml`` every project is unchanged."""
    try:
        plans = {p.project for p in read_mv_file(ctx.workspace().path)}
    except (MvFileError, ServiceError, LingtanError) as exc:
        if notes is not None:
            notes.append(str(exc))
        return tuple(projects)
    out = []
    for p in projects:
        if p.id in plans:
            try:
                got = measured_savings(ctx, p.id)
            except (ServiceError, LingtanError, ImportError) as exc:
                if notes is not None:
                    notes.append(f"project {p.id}: measured savings not used: {exc}")
            else:
                p = replace(p, measured=got.by_year)
        out.append(p)
    return tuple(out)
