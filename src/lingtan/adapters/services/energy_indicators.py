"""Energy indicators per site and for the group (issue 16 item 3; decisions 0073, 0074).

One orchestrator over the pure methods of :mod:`lingtan.modules.energy` and the readings store
(:mod:`lingtan.adapters.io.readings_store`):

- **balance** C = I + (G − X) + (discharge − charge) [kWh] from the site's top-level billing
  meters, other carriers in their units (:func:`lingtan.modules.energy.balance.site_balance`);
  **tce** on both bases of GB/T 2589-2020 — 当量值 (0.1229 kgce/kWh) and 等价值 (the year's
  thermal-power coal rate, from ``lingtan.yaml`` ``energy.input_equivalent_kgce_per_kwh``: a
  number, or ``{year: number}``; without it that figure is None and says so). Every figure
  names its basis.
- **RE share** by the RE100 technical criteria: self-use S of own generation (an EMC PV recorded
  ``contractual`` is not own generation) plus PPAs, green tariffs and certificates — the
  ``instrument`` rows of the workspace, the same instruments the market-based Scope 2 method
  uses, allocated by the same allocator (:func:`lingtan.core.methods.scope2_market.allocate`,
  each instrument counted once, never above a site's grid consumption) — over C
  (:func:`lingtan.modules.energy.renewables.re_share`); group = Σ numerators / Σ C.
- **PV** yield [kWh/kWp] (IEC 61724-1) and self-consumption (G − X)/G; **storage** equivalent
  full cycles, round-trip efficiency and peak shaving [kW] on 15-minute data; **PUE** of data
  centres (ISO/IEC 30134-2, GB 40879-2021 grade); **anomalies** (baseload drift, night use) on
  hourly data in local time.
- **per-unit intensity** [kWh/unit] by product type with its year-on-year change, from line
  sub-meters, else by an allocation key (units × standard hours) of the site's electricity.

Years are fiscal years of the workspace's calendar; months are local months of each meter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from lingtan.adapters.services.context import Context, jsonable
from lingtan.adapters.services.energy_rollup import _as_date, monthly_sums

if TYPE_CHECKING:
    from lingtan.adapters.io.readings_store import Resolution
    from lingtan.adapters.store.energy import EnergyAsset
    from lingtan.adapters.store.workspace import Workspace
    from lingtan.core.periods import Period
    from lingtan.modules.energy.anomalies import Anomaly
    from lingtan.modules.energy.balance import SiteBalance, TceResult
    from lingtan.modules.energy.intensity import Intensity
    from lingtan.modules.energy.meters import Meter
    from lingtan.modules.energy.renewables import ReShare

#: instrument type → RE-share part (RE100 technical criteria; ``supplier_rate`` is no claim)
INSTRUMENT_PART = {
    "ppa": "ppa",
    "green_tariff": "green_trades",
    "gec": "certificates",
    "rec": "certificates",
    "i-rec": "certificates",
    "go": "certificates",
}


@dataclass(frozen=True)
class SiteEnergy:
    """The energy indicators of one site in one fiscal year (see the module docstring).

    ``tce``: basis → :class:`TceResult` (None: the input-equivalent rate is not given);
    ``pv``/``storage``/``data_centres``: one dict per asset (or per meter set without an
    asset); ``monthly``: per local month the balance terms [kWh] and other carriers;
    ``load_profile``: typical day, 24 mean hourly loads of grid import [kW];
    ``missing_intervals``: readings missing in the year over all the site's meters."""

    site: str
    fiscal_year: str
    balance: SiteBalance
    tce: dict[str, TceResult | None]
    re_share: ReShare
    pv: list[dict[str, Any]] = field(default_factory=list)
    storage: list[dict[str, Any]] = field(default_factory=list)
    data_centres: list[dict[str, Any]] = field(default_factory=list)
    intensity: list[Intensity] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    monthly: list[dict[str, Any]] = field(default_factory=list)
    load_profile: list[float] = field(default_factory=list)
    missing_intervals: int = 0
    meters: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (API, pages)."""
        return {
            "site": self.site,
            "fiscal_year": self.fiscal_year,
            "balance": self.balance.to_dict(),
            "tce": {b: (t.to_dict() if t is not None else None) for b, t in self.tce.items()},
            "re_share": self.re_share.to_dict(),
            "pv": jsonable(self.pv),
            "storage": jsonable(self.storage),
            "data_centres": jsonable(self.data_centres),
            "intensity": [i.to_dict() for i in self.intensity],
            "anomalies": [a.to_dict() for a in self.anomalies],
            "monthly": jsonable(self.monthly),
            "load_profile": list(self.load_profile),
            "missing_intervals": self.missing_intervals,
            "meters": list(self.meters),
        }


@dataclass(frozen=True)
class GroupEnergy:
    """The group's figures of a fiscal year: each site, total consumption [kWh], tce per basis
    (None when a site's input-equivalent figure is missing) and the group RE share."""

    fiscal_year: str
    sites: list[SiteEnergy]
    consumption_kwh: float
    tce: dict[str, float | None]
    re_share: ReShare

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "fiscal_year": self.fiscal_year,
            "sites": [s.to_dict() for s in self.sites],
            "consumption_kwh": self.consumption_kwh,
            "tce": dict(self.tce),
            "re_share": self.re_share.to_dict(),
        }


# ---- data access ---------------------------------------------------------------------------


def _meters_and_assets(ctx: Context) -> tuple[list[Meter], list[EnergyAsset]]:
    from lingtan.adapters.services.energy_assets import list_assets
    from lingtan.adapters.services.meters import domain_meters
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        meters = list(domain_meters(db, ctx))
        assets = list_assets(db, ctx)
        for a in assets:
            db.expunge(a)
        return meters, assets


def _production(ctx: Context, site: str | None) -> list[Any]:
    from lingtan.adapters.services.production import list_production
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        rows = list(list_production(db, ctx, site=site))
        for r in rows:
            if hasattr(r, "_sa_instance_state"):
                db.expunge(r)
        return rows


def _series(
    ctx: Context, meters: Sequence[Meter], period: Period, resolution: Resolution
) -> dict[str, list[tuple[Any, float]]]:
    """meter → [(ts, value)] sorted (``interval_series``)."""
    from lingtan.adapters.io.readings_store import interval_series

    if not meters:
        return {}
    t = interval_series(ctx.workspace().path, list(meters), period.start, period.end, resolution)
    out: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    for m, ts, v in zip(
        t["meter"].to_pylist(), t["ts"].to_pylist(), t["value"].to_pylist(), strict=True
    ):
        out[str(m)].append((ts, float(v or 0.0)))
    for v in out.values():
        v.sort(key=lambda p: p[0])
    return out


def _input_rate(ws: Workspace, year: int) -> float | None:
    """The input-equivalent (等价值) electricity rate [kgce/kWh] of fiscal start ``year``."""
    energy = ws.config.raw.get("energy") or {}
    rate = energy.get("input_equivalent_kgce_per_kwh") if isinstance(energy, dict) else None
    if isinstance(rate, dict):
        rate = rate.get(year, rate.get(str(year)))
    return float(rate) if rate is not None else None


def _data_months(ws: Workspace) -> list[date]:
    """Local months that hold readings (the readings store's month sums of every batch)."""
    import pyarrow.parquet as pq

    from lingtan.adapters.io.readings_store import month_sum_files

    found: set[date] = set()
    for path in month_sum_files(ws.path):
        found.update(
            _as_date(m) for m in pq.read_table(path, columns=["month"])["month"].to_pylist()
        )
    return sorted(found)


# ---- pieces ------------------------------------------------------------------------------


def _sums_by_meter(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in rows:
        out[str(r["meter"])] += float(r["value"] or 0.0)
    return out


def _balance(site: str, meters: Sequence[Meter], totals: Mapping[str, float],
             contractual: set[str]) -> SiteBalance:  # fmt: skip
    """The balance of ``site`` from its top-level billing meters; the net output (generation −
    export) of an EMC PV recorded ``contractual`` counts as grid import (bought from the
    energy-service company), not as own generation (decision 0074)."""
    from lingtan.modules.energy.balance import site_balance, to_kwh

    flows: list[tuple[str, str | None, str, float, str]] = []
    bought = 0.0
    for m in meters:
        if m.site != site or m.parent is not None or not m.billing or m.code not in totals:
            continue
        measures, source = str(m.measures), (str(m.source) if m.source else None)
        if m.code in contractual and measures in ("generation", "export"):
            kwh = to_kwh(totals[m.code], m.unit)
            bought += kwh if measures == "generation" else -kwh
            continue
        flows.append((str(m.carrier), source, measures, totals[m.code], m.unit))
    if bought > 0:
        flows.append(("electricity", "grid", "consumption", bought, "kWh"))
    return site_balance(site, flows)


def _tce(ws: Workspace, balance: SiteBalance, year: int) -> dict[str, TceResult | None]:
    from lingtan.adapters.io.standard_coal_files import bundled_standard_coal
    from lingtan.modules.energy.balance import tce_breakdown
    from lingtan.modules.energy.errors import EnergyError

    table = bundled_standard_coal()
    q = balance.quantities()
    rate = _input_rate(ws, year)
    out: dict[str, TceResult | None] = {}
    for basis in ("equivalent", "input_equivalent"):
        if basis == "input_equivalent" and rate is None:
            out[basis] = None  # GB/T 2589 fixes no 等价值 rate: not given, not guessed
            continue
        try:
            out[basis] = tce_breakdown(q, basis, table=table, electricity_kgce_per_kwh=rate)
        except EnergyError:  # e.g. steam in t without a pressure grade: no figure
            out[basis] = None
    return out


def _grid_use(ws: Workspace, period: Period) -> dict[str, float]:
    """Grid electricity per site in ``period`` [kWh] from the active ``electricity.grid``
    activity rows — what the market-based method allocates instruments against."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from lingtan.core.units import conversion_factor

    out: dict[str, float] = defaultdict(float)
    for path in ws.activity_files():
        t = pq.read_table(path, columns=["site", "date", "activity_type", "quantity", "unit"])
        t = t.filter(pc.equal(t["activity_type"], "electricity.grid"))
        for r in t.to_pylist():
            if period.contains(r["date"]):
                try:
                    out[str(r["site"])] += float(r["quantity"]) * conversion_factor(
                        r["unit"], "kWh"
                    )
                except Exception:  # a row the engine would refuse counts nothing
                    continue
    return out


def instrument_parts(
    ws: Workspace, period: Period, grid_kwh: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """site → RE-share part → kWh of the workspace's instruments whose vintage starts in
    ``period``, allocated to the sites' grid consumption ``grid_kwh`` by the market-based
    method's allocator (Scope 2 Guidance Table 6.3, each instrument counted once). Only
    zero-emission instruments of the certificate level count (:data:`INSTRUMENT_PART`)."""
    from lingtan.adapters.io.library import load_instruments
    from lingtan.core.methods.scope2_market import allocate

    instruments = [i for i in load_instruments(ws) if period.contains(i.vintage_start)]
    kinds = {i.instrument_id: i for i in instruments}
    consumption = {(s, period.label): kwh for s, kwh in grid_kwh.items() if kwh > 0}
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if not instruments or not consumption:
        return {}
    cal = ws.config.calendar
    result = allocate(instruments, consumption, ws.config.site_regions(), lambda d: cal.of(d).label)
    for a in result.allocations:
        ins = kinds[a.instrument_id]
        part = INSTRUMENT_PART.get(ins.type)
        if part is not None and a.rate == 0:
            out[a.site][part] += a.kwh
    return {s: dict(p) for s, p in out.items()}


def _assets_of(assets: Sequence[EnergyAsset], site: str, kind: str) -> list[EnergyAsset]:
    return [a for a in assets if a.site == site and a.kind == kind]


def _pv(
    assets: Sequence[EnergyAsset], site: str, totals: Mapping[str, float]
) -> list[dict[str, Any]]:
    from lingtan.adapters.services.energy_assets import pv_treatment
    from lingtan.modules.energy.pv_storage import pv_yield, self_consumption

    out = []
    for a in _assets_of(assets, site, "pv"):
        gen = totals.get((a.meters or {}).get("generation", ""), 0.0)
        exp = totals.get((a.meters or {}).get("export", ""), 0.0)
        out.append({
            "asset": a.code, "kwp": a.kwp, "generation_kwh": gen, "export_kwh": exp,
            "yield_kwh_per_kwp": pv_yield(gen, a.kwp) if a.kwp else None,
            "self_consumption": self_consumption(gen, exp) if exp <= gen else None,
            "treatment": pv_treatment(a),
        })  # fmt: skip
    return out


def _aligned(
    series: Mapping[str, list[tuple[Any, float]]], codes: Sequence[str], keys: list[Any]
) -> list[float]:
    acc: dict[Any, float] = defaultdict(float)
    for c in codes:
        for ts, v in series.get(c, []):
            acc[ts] += v
    return [acc.get(k, 0.0) for k in keys]


def _storage(
    assets: Sequence[EnergyAsset],
    site: str,
    totals: Mapping[str, float],
    series: Mapping[str, list[tuple[Any, float]]],
    grid: Sequence[str],
) -> list[dict[str, Any]]:
    """Per storage asset: charge, discharge [kWh], equivalent full cycles, round-trip efficiency
    and peak shaving of the site's grid import on its 15-minute data [kW]."""
    from lingtan.modules.energy.pv_storage import (
        interval_kw,
        load_without_storage,
        peak_shaving,
        round_trip_efficiency,
        storage_cycles,
    )

    out = []
    keys = sorted({ts for c in grid for ts, _ in series.get(c, [])})
    after = _aligned(series, grid, keys)
    for a in _assets_of(assets, site, "storage"):
        ch, dis = (a.meters or {}).get("charge", ""), (a.meters or {}).get("discharge", "")
        c, d = totals.get(ch, 0.0), totals.get(dis, 0.0)
        shaving = None
        if keys:
            before = load_without_storage(
                after, _aligned(series, [dis], keys), _aligned(series, [ch], keys)
            )
            shaving = peak_shaving(interval_kw(before, 15), interval_kw(after, 15)).to_dict()
        out.append({
            "asset": a.code, "capacity_kwh": a.kwh, "power_kw": a.kw, "charge_kwh": c,
            "discharge_kwh": d, "cycles": storage_cycles(c, a.kwh) if a.kwh else None,
            "round_trip_efficiency": round_trip_efficiency(c, d), "peak_shaving": shaving,
        })  # fmt: skip
    return out


def _data_centres(
    assets: Sequence[EnergyAsset], site: str, totals: Mapping[str, float]
) -> list[dict[str, Any]]:
    from lingtan.modules.energy.pue import gb40879_grade, pue

    out = []
    for a in _assets_of(assets, site, "data_centre"):
        it = totals.get((a.meters or {}).get("it", ""), 0.0)
        fac = totals.get((a.meters or {}).get("facility", ""), 0.0)
        value = pue(fac, it) if it > 0 and fac >= it else None
        out.append({"asset": a.code, "it_kwh": it, "facility_kwh": fac, "pue": value,
                    "gb40879_grade": gb40879_grade(value) if value else None})  # fmt: skip
    return out


def _hourly_local(
    series: Mapping[str, list[tuple[Any, float]]], codes: Sequence[str], tz: str
) -> tuple[list[float], list[Any]]:
    """Σ of ``codes`` per hour, with naive local hour starts in ``tz``."""
    from zoneinfo import ZoneInfo

    acc: dict[Any, float] = defaultdict(float)
    zone = ZoneInfo(tz)
    for c in codes:
        for ts, v in series.get(c, []):
            local = ts.astimezone(zone).replace(tzinfo=None, minute=0, second=0, microsecond=0)
            acc[local] += v
    keys = sorted(acc)
    return [acc[k] for k in keys], keys


def _anomalies(
    site: str, meters: Sequence[Meter], series: Mapping[str, list[tuple[Any, float]]]
) -> tuple[list[Anomaly], list[float]]:
    """Baseload drift and night use of each top-level consumption meter of the site (hourly,
    local time), and the site's typical-day profile of grid import [kW]."""
    import numpy as np

    from lingtan.modules.energy.anomalies import baseload_drift, night_use

    found: list[Anomaly] = []
    profile: list[float] = []
    for m in meters:
        if m.site != site or m.parent is not None or str(m.measures) != "consumption":
            continue
        if str(m.carrier) != "electricity":
            continue
        values, hours = _hourly_local(series, [m.code], m.tz)
        if not values:
            continue
        ts = np.array(hours, dtype="datetime64[h]")
        found += baseload_drift(site, values, ts, meter=m.code)
        found += night_use(site, values, ts, meter=m.code)
    grid = [m for m in meters if m.site == site and m.parent is None and _is_use(m)]
    if grid:
        values, hours = _hourly_local(series, [m.code for m in grid], grid[0].tz)
        by_hour: dict[int, list[float]] = defaultdict(list)
        for v, h in zip(values, hours, strict=True):
            by_hour[h.hour].append(v)
        profile = [sum(by_hour[h]) / len(by_hour[h]) if by_hour[h] else 0.0 for h in range(24)]
    return found, profile


def _monthly(site: str, meters: Sequence[Meter], rows: Sequence[Mapping[str, Any]],
             contractual: set[str]) -> list[dict[str, Any]]:  # fmt: skip
    by_month: dict[date, dict[str, float]] = defaultdict(dict)
    for r in rows:
        by_month[_as_date(r["month"])][str(r["meter"])] = float(r["value"] or 0.0)
    out = []
    for month in sorted(by_month):
        b = _balance(site, meters, by_month[month], contractual)
        d = b.to_dict()
        out.append({"month": f"{month:%Y-%m}", **{k: v for k, v in d.items() if k != "site"}})
    return out


# ---- use cases -------------------------------------------------------------------------------


def _contractual(assets: Sequence[EnergyAsset]) -> set[str]:
    from lingtan.adapters.services.energy_assets import pv_treatment

    return {c for a in assets if a.kind == "pv" and pv_treatment(a) == "contractual"
            for c in (a.meters or {}).values()}  # fmt: skip


def site_energy(ctx: Context, site: str, fiscal_year: str) -> SiteEnergy:
    """The indicators of ``site`` in ``fiscal_year`` (module docstring).

    Raises:
        ServiceError: 403 without ``read``.
        PeriodError: ``fiscal_year`` not understood.
        EnergyError: the meters contradict each other (export above generation …).
    """
    ctx.require("read")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    meters, assets = _meters_and_assets(ctx)
    return _site_energy(ctx, ws, site, period, meters, assets)


def _site_energy(ctx: Context, ws: Workspace, site: str, period: Period,
                 meters: list[Meter], assets: list[EnergyAsset],
                 parts: Mapping[str, Mapping[str, float]] | None = None) -> SiteEnergy:  # fmt: skip
    from lingtan.modules.energy.renewables import re_share

    own = [m for m in meters if m.site == site]
    rows = monthly_sums(ctx, own, period.start, period.end)
    totals = _sums_by_meter(rows)
    contractual = _contractual(assets)
    balance = _balance(site, own, totals, contractual)
    year = ws.config.calendar.start_year_of(period.start)
    if parts is None:
        grid = _grid_use(ws, period)
        grid_kwh = {site: grid.get(site) or balance.grid_import_kwh}
        parts = instrument_parts(ws, period, grid_kwh)
    p = parts.get(site, {})
    share = re_share(
        balance.consumption_kwh,
        balance.self_use_kwh,
        p.get("ppa", 0.0),
        p.get("green_trades", 0.0),
        p.get("certificates", 0.0),
        scope=site,
    )
    grid_codes = [m.code for m in own if m.parent is None and m.billing and _is_use(m)]
    use = [m for m in own if m.parent is None and _is_use(m)]
    found, profile = _anomalies(site, use, _series(ctx, use, period, "hour"))
    batteries = {c for a in _assets_of(assets, site, "storage") for c in (a.meters or {}).values()}
    fine = [m for m in own if m.code in batteries or (batteries and m.code in grid_codes)]
    series = _series(ctx, fine, period, "15min")  # peak shaving: the 15-minute data
    missing = sum(
        max(0, int(r.get("expected_intervals") or 0) - int(r.get("intervals") or 0)) for r in rows
    )
    return SiteEnergy(
        site=site,
        fiscal_year=period.label,
        balance=balance,
        tce=_tce(ws, balance, year),
        re_share=share,
        pv=_pv(assets, site, totals),
        storage=_storage(assets, site, totals, series, grid_codes),
        data_centres=_data_centres(assets, site, totals),
        intensity=[i for i in intensity_by_year(ctx, site=site) if i.year == year],
        anomalies=found,
        monthly=_monthly(site, own, rows, contractual),
        load_profile=profile,
        missing_intervals=missing,
        meters=tuple(sorted(m.code for m in own)),
    )


def group_energy(ctx: Context, fiscal_year: str) -> GroupEnergy:
    """Every metered site's indicators of ``fiscal_year`` and the group's totals: consumption
    [kWh], tce per basis [tce] and RE share Σ numerators / Σ C (instruments allocated once
    over all sites)."""
    from lingtan.modules.energy.renewables import group_re_share

    ctx.require("read")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    meters, assets = _meters_and_assets(ctx)
    sites = sorted({m.site for m in meters})
    parts = _group_parts(ctx, ws, period, meters, assets, sites)
    each = [_site_energy(ctx, ws, s, period, meters, assets, parts) for s in sites]
    totals: dict[str, float | None] = {}
    for basis in ("equivalent", "input_equivalent"):
        vals = [s.tce[basis] for s in each]
        totals[basis] = None if any(v is None for v in vals) else sum(v.tce for v in vals if v)
    return GroupEnergy(period.label, each, sum(s.balance.consumption_kwh for s in each), totals,
                       group_re_share([s.re_share for s in each]))  # fmt: skip


def _group_parts(
    ctx: Context,
    ws: Workspace,
    period: Period,
    meters: list[Meter],
    assets: list[EnergyAsset],
    sites: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Instrument parts of every site, allocated in one pass (pooled instruments shared)."""
    grid = _grid_use(ws, period)
    contractual = _contractual(assets)
    metered: dict[str, float] = {}
    for s in sites:
        if grid.get(s):
            continue
        own = [m for m in meters if m.site == s]
        totals = _sums_by_meter(monthly_sums(ctx, own, period.start, period.end))
        metered[s] = _balance(s, own, totals, contractual).grid_import_kwh
    return instrument_parts(ws, period, {**metered, **{s: grid[s] for s in sites if grid.get(s)}})


def re_share_by_year(ctx: Context) -> dict[int, ReShare]:
    """Fiscal start year → the group's RE share, for every fiscal year that holds readings."""
    ctx.require("read")
    ws = ctx.workspace()
    cal = ws.config.calendar
    years = sorted({cal.start_year_of(m) for m in _data_months(ws)})
    shares = {y: group_energy(ctx, cal.year(y).label).re_share for y in years}
    return {y: s for y, s in shares.items() if s.consumption_kwh > 0}


def intensity_by_year(ctx: Context, *, site: str | None = None) -> list[Intensity]:
    """Per-unit electricity [kWh/unit] by site × product type × fiscal year with the change
    against the previous year (:func:`lingtan.modules.energy.intensity.intensity_series`).

    E_alloc: a production row naming a ``line`` takes that line's electricity sub-meters (split
    over the line's product types by units × standard hours); at a site without line meters
    the site's consumption C is split over all its product types the same way."""
    from lingtan.modules.energy.intensity import allocate_by_key, intensity_series

    ctx.require("read")
    ws = ctx.workspace()
    cal = ws.config.calendar
    prod = _production(ctx, site)
    if not prod:
        return []
    meters, assets = _meters_and_assets(ctx)
    contractual = _contractual(assets)
    # (site, year, line|None) → product → (units, units × hours)
    groups: dict[tuple[str, int, str | None], dict[str, list[float]]] = defaultdict(dict)
    for r in prod:
        month = _as_date(r.month)
        line_meters = [m for m in meters if m.site == r.site and m.line and m.line == r.line
                       and str(m.carrier) == "electricity"]  # fmt: skip
        key = (r.site, cal.start_year_of(month), r.line if line_meters else None)
        acc = groups[key].setdefault(r.product_type, [0.0, 0.0])
        acc[0] += float(r.units)
        acc[1] = float(r.standard_hours or 1.0)
    line_rows: list[tuple[str, str, int, float, float]] = []
    key_rows: list[tuple[str, str, int, float, float]] = []
    for (s, year, line), products in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
    ):
        period = cal.year(year)
        if line is not None:
            own = [m for m in meters if m.site == s and m.line == line and _is_use(m)]
            sums = _sums_by_meter(monthly_sums(ctx, own, period.start, period.end))
            total = sum(_kwh(m, sums.get(m.code, 0.0)) for m in own)
        else:
            own = [m for m in meters if m.site == s]
            totals = _sums_by_meter(monthly_sums(ctx, own, period.start, period.end))
            total = _balance(s, own, totals, contractual).consumption_kwh
        units = {p: u[0] for p, u in products.items()}
        split = allocate_by_key(total, units, {p: u[1] for p, u in products.items()})
        target = line_rows if line is not None else key_rows
        target.extend((s, p, year, split[p], units[p]) for p in products)
    out = intensity_series(line_rows) + intensity_series(key_rows, method="allocation_key")
    return sorted(out, key=lambda i: (i.site, i.product_type, i.year))


def _is_use(m: Meter) -> bool:
    """An electricity consumption meter."""
    return str(m.carrier) == "electricity" and str(m.measures) == "consumption"


def _kwh(meter: Meter, value: float) -> float:
    from lingtan.modules.energy.balance import to_kwh

    return to_kwh(value, meter.unit)
