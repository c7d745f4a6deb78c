"""Energy demo of the synthetic manufacturer (issue 16 item 8, decision 0079): meters, a year of
15-minute readings per fiscal year, production volumes, energy assets, a measured project and
certificates for the sites of :mod:`lingtan.adapters.demo.group`.

**Everything here is SYNTHETIC and ILLUSTRATIVE** (a fictional company). Sizes follow the
source report where it gives them (../shared/specs/sites-energy.md, "The demo must
reproduce"): Hefei PV 10.12 MW with ≥ 9.5 GWh a year (≈ 940 kWh/kWp), Tianjin 4.0 MW
(≈ 3 GWh), Shenzhen PV from June 2023, per-unit electricity Shenzhen notebook −5 %, desktop
−7 %, server −7 % and Wuhan −16 % (lines 2031, 2055–2056), compressed air at Shenzhen −12 %
(2094), a data centre at PUE ≈ 1.1 (437). The rest (storage size, line sizes, units produced,
temperatures) is a plausible magnitude chosen for the demo.

Consistency with the workspace's invoices: the workspace's monthly ``electricity`` rows (grid
and ``onsite_renewable``) and ``fuel`` natural-gas rows (:mod:`lingtan.adapters.demo.
operations`) are replayed with the workspace's seed; each billing meter's local-month sum is
that invoice times 1 ± 0.5 % (a meter never equals its bill to the kWh), inside the rollup's
2 % reconciliation tolerance, so the rollup reconciles instead of adding rows. PV
self-use S = G − X equals the ``onsite_renewable`` row (G = generation meter, X = export
meter); the site's consumption is C = I + S + (discharge − charge) (spec "Energy balance").

Per-unit intensities and savings are **not typed**: the line meters' energies follow the
production volumes with a designed intensity change and noise; tests compute the changes back
from the generated readings and volumes (tests/adapters/demo/test_synthetic_energy.py).

Determinism: ``numpy.random.default_rng([seed, 16])`` drawn in a fixed order; the same seed
gives the same readings. Size: 25 meters × 2 years × 35 040 intervals (gas meters hourly, PV of
Shenzhen from June 2023), ≈ 1.41 M readings; ``small=True`` keeps two months per fiscal year
(tests; the demo loader chooses it when ``LINGTAN_DEMO_READINGS=small``, decision 0086).

Units: readings [kWh] for electricity, [m3] for natural gas; timestamps UTC interval starts
(sites in Asia/Shanghai, UTC+8, months cut in local time); power [kW]; capacities [kWp, kWh].
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Final

import numpy as np
import pyarrow as pa
import yaml

from lingtan.adapters.demo.operations import Year
from lingtan.modules.energy.meters import Carrier, Measures, Meter, Source

__all__ = [
    "FISCAL_YEARS",
    "ILLUSTRATIVE",
    "LINES",
    "SEED",
    "EnergyDemo",
    "ProductionRow",
    "energy_demo",
    "fiscal_months",
    "invoices",
    "iter_month_sums",
]

SEED: Final = 2024  # the synthetic workspace's seed (``lingtan demo --seed``)
FISCAL_YEARS: Final = ("FY2022/23", "FY2023/24")
ILLUSTRATIVE: Final = "ILLUSTRATIVE (lingtan demo, fictional company)"
TZ: Final = "Asia/Shanghai"
UTC_OFFSET: Final = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time
BILL_NOISE: Final = 0.005  # meter vs invoice, relative, uniform ±

#: Metered sites (the associate and the offices outside the energy demo).
SITES: Final = ("TJ-FACTORY", "HF-FACTORY", "WH-FACTORY", "SZ-FACTORY", "BJ-HQ")
#: PV systems: site → (kWp, export share of generation, commissioned). Hefei 10.12 MW and
#: Tianjin 4.0 MW per the report; Shenzhen ≈ 2.8 GWh/yr → 3.0 MW (illustrative size).
PV: Final = {
    "HF-FACTORY": (10_120.0, 0.01, date(2021, 6, 30)),
    "TJ-FACTORY": (4_000.0, 0.05, date(2021, 12, 1)),
    "SZ-FACTORY": (3_000.0, 0.03, date(2023, 6, 1)),
}
#: Hefei battery storage (ILLUSTRATIVE size): energy [kWh], power [kW], round-trip efficiency.
STORAGE_KWH: Final = 10_000.0
STORAGE_KW: Final = 5_000.0
STORAGE_RTE: Final = 0.90
#: Hefei data centre: IT load [kW], PUE targets (ISO/IEC 30134-2), ILLUSTRATIVE.
DC_IT_KW: Final = 400.0
DC_PUE: Final = 1.10


@dataclass(frozen=True)
class Line:
    """A metered production line: site, line id, product type, kWh per unit in FY2022/23,
    units in FY2022/23, unit growth to FY2023/24 [-] and the designed intensity change [-]
    (the report's figure; the generated data give it back within noise)."""

    site: str
    line: str
    product_type: str
    kwh_per_unit: float
    units: float
    growth: float
    change: float
    standard_hours: float


#: The line sub-meters (kWh/unit and volumes ILLUSTRATIVE; changes from the report).
LINES: Final[tuple[Line, ...]] = (
    Line("SZ-FACTORY", "SZ-L-NB", "notebook", 2.0, 3_200_000, 1.03, -0.05, 0.6),
    Line("SZ-FACTORY", "SZ-L-DT", "desktop", 4.0, 900_000, 0.98, -0.07, 0.9),
    Line("SZ-FACTORY", "SZ-L-SV", "server", 60.0, 60_000, 1.08, -0.07, 6.0),
    Line("WH-FACTORY", "WH-L-PH", "phone", 0.5, 30_000_000, 1.05, -0.16, 0.1),
)

#: Shenzhen compressed air (the measured project, IPMVP Option C on its sub-meter):
#: E = base + per_unit·units + per_cdd·CDD [kWh/month]; −12 % after the AI control from
#: FY2023/24 (report line 2094).
CA_METER: Final = "SZ-E-CA"
CA_BASE: Final = 70_000.0
CA_PER_UNIT: Final = 0.15
CA_PER_CDD: Final = 120.0
CA_SAVING: Final = 0.12
MV_PROJECT: Final = "SZ-CA-AI"
#: Shenzhen monthly mean air temperature, April … March [°C] (ILLUSTRATIVE climate normal).
SZ_TEMPERATURE: Final = (22.0, 26.0, 28.0, 29.0, 28.5, 27.5, 24.5, 20.5, 16.0, 15.0, 16.0, 19.0)
DEGREE_DAY_BASE_C: Final = 18.0

#: interval of the electricity meters [min] (gas meters: 60)
_STEP_MIN: Final = 15


@dataclass(frozen=True)
class ProductionRow:
    """Units produced on a line in a (local) month; ``standard_hours`` [h per unit] (the
    allocation key's weight). ``comparable``: same product family in both years."""

    site: str
    line: str
    product_type: str
    month: date
    units: int
    comparable: bool = True
    standard_hours: float | None = None

    def to_fields(self) -> dict[str, Any]:
        """The fields of ``services.production.add_production``."""
        return {
            "site": self.site,
            "line": self.line,
            "product_type": self.product_type,
            "month": self.month,
            "units": self.units,
            "comparable": self.comparable,
            "standard_hours": self.standard_hours,
        }


@dataclass(frozen=True)
class EnergyDemo:
    """The generated energy demo (module docstring).

    Attributes:
        meters: every meter, main meters before their sub-meters.
        readings: fiscal-year label → readings table (meter, ts [UTC], minutes, value).
        production: monthly units per line.
        assets: PV systems, storage and the data centre (``services.energy_assets`` fields).
        certificates: the certificate register's records (``services.certifications``).
        mv_yaml: ``<workspace>/mv.yaml`` text (the measured project).
        degree_days_csv: ``<workspace>/energy/degree_days.csv`` text.
        bills: (site, carrier/source key, month) → invoice quantity the meters reconcile with.
    """

    meters: tuple[Meter, ...]
    readings: Mapping[str, pa.Table]
    production: tuple[ProductionRow, ...]
    assets: tuple[dict[str, Any], ...]
    certificates: tuple[dict[str, Any], ...]
    mv_yaml: str
    degree_days_csv: str
    bills: Mapping[tuple[str, str, date], float] = field(repr=False)

    @property
    def reading_count(self) -> int:
        """Readings in every year."""
        return sum(t.num_rows for t in self.readings.values())


# ---- invoices of the workspace ------------------------------------------------------------


@cache
def invoices(seed: int = SEED, years: tuple[str, ...] = FISCAL_YEARS) -> dict[
    tuple[str, str, date], float
]:  # fmt: skip
    """The workspace's monthly invoices, replayed with its seed (the same draws as
    :func:`lingtan.adapters.demo.synthetic.write_synthetic_workspace`): (site, key, month) →
    quantity; key ``grid`` / ``onsite`` [kWh] or ``natural_gas`` [m3, boilers + canteen]."""
    from lingtan.adapters.demo.synthetic import year_files

    rng = np.random.default_rng(seed)
    out: dict[tuple[str, str, date], float] = {}
    for label in years:
        files = year_files(Year(label, rng))
        for r in csv.DictReader(io.StringIO(files["electricity"])):
            key = "grid" if r["source"] == "grid" else "onsite"
            out[(r["site"], key, date.fromisoformat(r["date"]))] = float(r["quantity"])
        for r in csv.DictReader(io.StringIO(files["fuel"])):
            if r["fuel"] == "natural_gas":
                k = (r["site"], "natural_gas", date.fromisoformat(r["date"]))
                out[k] = out.get(k, 0.0) + float(r["quantity"])
    return out


def fiscal_months(label: str) -> list[date]:
    """First days of the twelve months of a fiscal year (April–March): ``FY2023/24`` →
    2023-04-01 … 2024-03-01."""
    start = int(label[2:6])
    return [date(start + (m + 3) // 12, (m + 3) % 12 + 1, 1) for m in range(12)]


# ---- time axis ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Axis:
    """Local interval starts of the chosen months and their calendar features."""

    local: np.ndarray  # datetime64[m], local time
    month: np.ndarray  # index into ``months``
    hour: np.ndarray  # local hour as a float (14.25 = 14:15)
    weekend: np.ndarray  # bool
    day: np.ndarray  # day index from the first interval
    doy: np.ndarray  # day of year 1..366
    months: list[date]
    minutes: int

    @property
    def utc(self) -> np.ndarray:
        """Interval starts in UTC (local − 8 h)."""
        out: np.ndarray = self.local - np.timedelta64(8 * 60, "m")
        return out


def _axis(months: Sequence[date], minutes: int) -> _Axis:
    parts, idx = [], []
    for i, m in enumerate(months):
        nxt = date(m.year + m.month // 12, m.month % 12 + 1, 1)
        a = np.arange(np.datetime64(m, "m"), np.datetime64(nxt, "m"), np.timedelta64(minutes, "m"))
        parts.append(a)
        idx.append(np.full(a.size, i, dtype=np.int32))
    local = np.concatenate(parts)
    mins = (local - local.astype("datetime64[D]")).astype(np.int64)
    days = local.astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    year_start = days.astype("datetime64[Y]").astype("datetime64[D]")
    return _Axis(
        local=local,
        month=np.concatenate(idx),
        hour=mins / 60.0,
        weekend=weekday >= 5,
        day=(days - days[0]).astype(np.int64),
        doy=(days - year_start).astype(np.int64) + 1,
        months=list(months),
        minutes=minutes,
    )


def _scale_to_months(shape: np.ndarray, ax: _Axis, totals: np.ndarray) -> np.ndarray:
    """``shape`` scaled so that each month sums to ``totals[month]``."""
    sums = np.bincount(ax.month, weights=shape, minlength=len(ax.months))
    k = np.divide(totals, sums, out=np.zeros_like(totals), where=sums > 0)
    out: np.ndarray = shape * k[ax.month]
    return out


def _factory_shape(ax: _Axis, rng: np.random.Generator) -> np.ndarray:
    """Two-shift factory load (per unit): day 1.0 (08–20 h), evening 0.4, night 0.3; weekends
    × 0.45 (one maintenance shift); daily factor 1 ± 4 %, interval noise ± 2 %. Night and
    weekend stay under half the day load (the night-use rule of decision 0070)."""
    h = ax.hour
    base = np.where((h >= 8) & (h < 20), 1.0, np.where(h >= 20, 0.4, 0.3))
    base = base * np.where(ax.weekend, 0.45, 1.0)
    daily = 1.0 + 0.04 * rng.standard_normal(int(ax.day[-1]) + 1)
    out: np.ndarray = base * daily[ax.day] * (1.0 + 0.02 * rng.standard_normal(h.size))
    return out


def _shave(grid: np.ndarray, ax: _Axis, energy_kwh: float, power_kw: float) -> np.ndarray:
    """Peak shaving: each weekday, ``energy_kwh`` discharged at up to ``power_kw`` into the
    highest grid-import intervals — above a daily threshold found by bisection so that
    Σ min(max(P − threshold, 0), power) · Δt = energy [kWh per interval]."""
    dt_h = ax.minutes / 60.0
    out = np.zeros_like(grid)
    for d in np.unique(ax.day[~ax.weekend]):
        idx = np.flatnonzero(ax.day == d)
        kw = grid[idx] / dt_h
        lo, hi = 0.0, float(kw.max())
        for _ in range(40):
            mid = (lo + hi) / 2.0
            if float(np.minimum(np.maximum(kw - mid, 0.0), power_kw).sum()) * dt_h > energy_kwh:
                lo = mid
            else:
                hi = mid
        out[idx] = np.minimum(np.maximum(kw - hi, 0.0), power_kw) * dt_h
    return out


def _office_shape(ax: _Axis, rng: np.random.Generator) -> np.ndarray:
    """Office building: base 0.3, 1.0 from 08:00 to 19:00 on weekdays."""
    h = ax.hour
    on = (h >= 8) & (h < 19) & ~ax.weekend
    out: np.ndarray = np.where(on, 1.0, 0.3) * (1.0 + 0.03 * rng.standard_normal(h.size))
    return out


def _pv_shape(ax: _Axis, rng: np.random.Generator) -> np.ndarray:
    """Clear-sky bell between sunrise and sunset (day length 12 h ± 2.2 h over the year),
    times a daily cloudiness factor drawn from Beta(5, 2)."""
    length = 12.0 + 2.2 * np.sin(2 * np.pi * (ax.doy - 80) / 365.0)
    rise = 12.5 - length / 2.0
    x = (ax.hour + ax.minutes / 120.0 - rise) / length
    bell = np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)) ** 1.5, 0.0)
    clouds = rng.beta(5.0, 2.0, int(ax.day[-1]) + 1)
    out: np.ndarray = bell * clouds[ax.day]
    return out


def _gas_shape(ax: _Axis, rng: np.random.Generator) -> np.ndarray:
    """Boilers and canteen: base 0.5, 1.0 from 06:00 to 22:00, 1.5 at meals (11–13 h and
    17–19 h); flat enough that winter peaks stay under the spike rule (10 × median)."""
    h = ax.hour
    meals = ((h >= 11) & (h < 13)) | ((h >= 17) & (h < 19))
    out: np.ndarray = (0.5 + 0.5 * ((h >= 6) & (h < 22)) + 0.5 * meals) * (
        1.0 + 0.05 * rng.standard_normal(h.size)
    )
    return out


# ---- the generator ------------------------------------------------------------------------


@dataclass
class _Builder:
    seed: int
    months_of: Mapping[str, list[date]]
    rng: np.random.Generator
    bills: Mapping[tuple[str, str, date], float]
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = {"meter": [], "ts": [], "minutes": [], "value": []}

    def add(self, code: str, ax: _Axis, values: np.ndarray, keep: np.ndarray | None = None) -> None:
        ts, vals = ax.utc, np.round(values, 3)
        if keep is not None:
            ts, vals = ts[keep], vals[keep]
        self.columns["meter"].append(np.full(ts.size, code, dtype=object))
        self.columns["ts"].append(ts)
        self.columns["minutes"].append(np.full(ts.size, ax.minutes, dtype=np.int16))
        self.columns["value"].append(vals)

    def table(self) -> pa.Table:
        ts = np.concatenate(self.columns["ts"]).astype("datetime64[us]")
        return pa.table(
            {
                "meter": pa.array(np.concatenate(self.columns["meter"]), pa.string()),
                "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
                "minutes": pa.array(np.concatenate(self.columns["minutes"]), pa.int16()),
                "value": pa.array(np.concatenate(self.columns["value"]), pa.float64()),
            }
        )

    def bill(self, site: str, key: str, months: Sequence[date]) -> np.ndarray:
        """The invoices of ``months`` × (1 ± 0.5 %): a meter's monthly totals."""
        raw = np.array([self.bills.get((site, key, m), 0.0) for m in months])
        out: np.ndarray = raw * (1.0 + self.rng.uniform(-BILL_NOISE, BILL_NOISE, raw.size))
        return out


def _meters() -> list[Meter]:
    e, g = Carrier.ELECTRICITY, Carrier.NATURAL_GAS
    ms: list[Meter] = []
    for site in SITES:
        p = site[:2]
        ms.append(Meter(f"{p}-E-GRID", site, e, "kWh", source=Source.GRID,
                        name=f"{site} grid import (fictional)"))  # fmt: skip
    for site, (_kwp, _x, since) in PV.items():
        p = site[:2]
        ms.append(Meter(f"{p}-E-PV", site, e, "kWh", Measures.GENERATION, Source.ONSITE_PV,
                        valid_from=since, name=f"{site} PV generation (fictional)"))  # fmt: skip
        ms.append(Meter(f"{p}-E-PVX", site, e, "kWh", Measures.EXPORT, Source.ONSITE_PV,
                        valid_from=since, name=f"{site} PV export (fictional)"))  # fmt: skip
    ms += [
        Meter("HF-E-ESS-C", "HF-FACTORY", e, "kWh", Measures.STORAGE_CHARGE, Source.STORAGE,
              name="Hefei storage charge (fictional)"),
        Meter("HF-E-ESS-D", "HF-FACTORY", e, "kWh", Measures.STORAGE_DISCHARGE, Source.STORAGE,
              name="Hefei storage discharge (fictional)"),
        Meter("HF-E-DC-FAC", "HF-FACTORY", e, "kWh", parent="HF-E-GRID", billing=False,
              building="HF-DC", name="Hefei data centre facility (fictional)"),
        Meter("HF-E-DC-IT", "HF-FACTORY", e, "kWh", parent="HF-E-DC-FAC", billing=False,
              building="HF-DC", name="Hefei data centre IT load (fictional)"),
    ]  # fmt: skip
    for ln in LINES:
        ms.append(Meter(f"{ln.line}", ln.site, e, "kWh", parent=f"{ln.site[:2]}-E-GRID",
                        billing=False, line=ln.line,
                        name=f"{ln.product_type} line (fictional)"))  # fmt: skip
    ms.append(Meter(CA_METER, "SZ-FACTORY", e, "kWh", parent="SZ-E-GRID", billing=False,
                    building="SZ-CA", name="Shenzhen compressed air (fictional)"))  # fmt: skip
    for site in SITES:
        ms.append(Meter(f"{site[:2]}-G-01", site, g, "m3", interval_minutes=60,
                        name=f"{site} natural gas (fictional)"))  # fmt: skip
    return [_with_tz(m) for m in ms]


def _with_tz(m: Meter) -> Meter:
    return m if m.tz == TZ else Meter(**{**m.__dict__, "tz": TZ})


def _year(b: _Builder, label: str, prod: list[ProductionRow], ca: dict[str, np.ndarray]) -> None:
    """Readings of one fiscal year (draw order fixed: sites, PV, storage, DC, lines, CA, gas)."""
    months = b.months_of[label]
    ax = _axis(months, _STEP_MIN)
    first_fy = label == FISCAL_YEARS[0]
    dt_h = ax.minutes / 60.0
    # storage (Hefei), weekdays: charge 00–04 h at the valley tariff, discharge the full
    # energy into the day's grid-import peak (:func:`_shave`) [kWh/interval]
    charge_kw = STORAGE_KWH / STORAGE_RTE / 4.0
    h = ax.hour
    wd = ~ax.weekend
    charge = np.where(wd & (h < 4), charge_kw * dt_h, 0.0)
    discharge = np.zeros(h.size)
    days_wd = np.bincount(ax.month[wd & (h == 0)], minlength=len(months))  # weekdays a month
    # PV: generation G = S / (1 − x) where S is the invoiced self-use
    self_use: dict[str, np.ndarray] = {}
    pv_gen: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for site, (_kwp, xshare, _since) in PV.items():
        s_m = b.bill(site, "onsite", months)
        g_m = s_m / (1.0 - xshare)
        gen = _scale_to_months(_pv_shape(ax, b.rng), ax, g_m)
        w = np.where(ax.weekend, 1.0, 0.5) * (gen > 0)  # no spikes (10 × median, 0070)
        exp = np.minimum(_scale_to_months(gen * w, ax, g_m - s_m), gen)
        keep = (g_m > 0)[ax.month]
        pv_gen[site] = (gen, exp, keep)
        self_use[site] = gen - exp
    # grid import I = L − S + charge − discharge, L scaled so that Σ I = bill
    for site in SITES:
        i_m = b.bill(site, "grid", months)
        shape = _office_shape(ax, b.rng) if site == "BJ-HQ" else _factory_shape(ax, b.rng)
        if site == "WH-FACTORY" and not first_fy:  # from mid-January 2024 the compressors
            off = ax.weekend | (h < 8) | (h >= 20)  # run on outside the shifts: an anomaly
            late = ax.local >= np.datetime64("2024-01-15")
            shape = shape * np.where(late & off, 2.0, 1.0)
        s = self_use.get(site, np.zeros(h.size))
        storage = site == "HF-FACTORY"
        ch = charge if storage else np.zeros(h.size)
        dis_m = days_wd * STORAGE_KWH if storage else np.zeros(len(months))
        c_m = i_m + np.bincount(ax.month, weights=s - ch, minlength=len(months)) + dis_m
        load = _scale_to_months(shape, ax, c_m)
        before = load - s + ch  # grid import without the battery's discharge
        if storage:
            discharge = _shave(before, ax, STORAGE_KWH, STORAGE_KW)
        grid = np.maximum(before - (discharge if storage else 0.0), 0.05 * load)
        b.add(f"{site[:2]}-E-GRID", ax, _scale_to_months(grid, ax, i_m))
    for site, (gen, exp, keep) in pv_gen.items():
        b.add(f"{site[:2]}-E-PV", ax, gen, keep)
        b.add(f"{site[:2]}-E-PVX", ax, exp, keep)
    b.add("HF-E-ESS-C", ax, charge * (1.0 + 0.01 * b.rng.standard_normal(h.size)) * (charge > 0))
    b.add("HF-E-ESS-D", ax, discharge)
    # data centre: IT 400 kW ± 3 %, PUE 1.06 … 1.15 with the cooling season (mean ≈ 1.10)
    it = DC_IT_KW * dt_h * (1.0 + 0.03 * b.rng.standard_normal(h.size))
    season = np.array([0.3, 0.6, 0.9, 1.0, 1.0, 0.8, 0.5, 0.2, 0.0, 0.0, 0.0, 0.2])
    fiscal = np.array([(m.month - 4) % 12 for m in months])
    pue = 1.06 + 0.09 * season[fiscal[ax.month]]
    b.add("HF-E-DC-FAC", ax, it * pue)
    b.add("HF-E-DC-IT", ax, it)
    # production lines: E = kWh/unit × units × (1 ± 1 %), intensity changed in FY2023/24
    prod_shape = np.array([1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 1.05, 1.0, 0.95, 0.9, 0.7, 1.05])
    units_sz = np.zeros(len(months))
    for ln in LINES:
        grow = 1.0 if first_fy else ln.growth
        kwh_u = ln.kwh_per_unit * (1.0 if first_fy else 1.0 + ln.change)
        sel = np.array([(m.month - 4) % 12 for m in months])
        units = np.round(
            ln.units / 12.0 * grow * prod_shape[sel] * (1.0 + 0.02 * b.rng.standard_normal(
                len(months)))
        )  # fmt: skip
        energy = kwh_u * units * (1.0 + 0.01 * b.rng.standard_normal(len(months)))
        b.add(ln.line, ax, _scale_to_months(_factory_shape(ax, b.rng), ax, energy))
        prod += [ProductionRow(ln.site, ln.line, ln.product_type, m, int(u),
                               standard_hours=ln.standard_hours)
                 for m, u in zip(months, units, strict=True)]  # fmt: skip
        if ln.site == "SZ-FACTORY":
            units_sz += units
    # compressed air (Shenzhen): base + per unit + per CDD, −12 % from FY2023/24
    cdd = ca["cdd"][np.array([(m.month - 4) % 12 for m in months])]
    e_ca = CA_BASE + CA_PER_UNIT * units_sz + CA_PER_CDD * cdd
    e_ca = e_ca * (1.0 if first_fy else 1.0 - CA_SAVING) * (1 + 0.015 * b.rng.standard_normal(
        len(months)))  # fmt: skip
    b.add(CA_METER, ax, _scale_to_months(_factory_shape(ax, b.rng), ax, e_ca))
    # natural gas, hourly meters
    axh = _axis(months, 60)
    for site in SITES:
        g_m = b.bill(site, "natural_gas", months)
        if g_m.sum() > 0:
            b.add(f"{site[:2]}-G-01", axh, _scale_to_months(_gas_shape(axh, b.rng), axh, g_m))


def _degree_days(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Shenzhen monthly HDD and CDD (base 18 °C) from daily means T = normal ± 2 °C."""
    hdd, cdd = np.zeros(12), np.zeros(12)
    for i, t in enumerate(SZ_TEMPERATURE):
        daily = t + 2.0 * rng.standard_normal(30)
        hdd[i] = float(np.maximum(DEGREE_DAY_BASE_C - daily, 0).sum())
        cdd[i] = float(np.maximum(daily - DEGREE_DAY_BASE_C, 0).sum())
    return {"hdd": np.round(hdd, 1), "cdd": np.round(cdd, 1)}


def energy_demo(
    seed: int = SEED, *, years: Sequence[str] = FISCAL_YEARS, small: bool = False
) -> EnergyDemo:
    """Generate the energy demo (module docstring).

    Args:
        seed: the synthetic workspace's seed (its invoices are replayed with it).
        years: fiscal years (a subset of :data:`FISCAL_YEARS`).
        small: only April and May of each year (fast tests; yearly figures then do not hold).

    Returns:
        The meters, readings, production, assets, certificates, M&V files and bills.
    """
    bad = [y for y in years if y not in FISCAL_YEARS]
    if bad:
        raise ValueError(f"years must be among {FISCAL_YEARS}, got {bad}")
    bills = invoices(seed)
    months_of = {y: fiscal_months(y)[:2] if small else fiscal_months(y) for y in FISCAL_YEARS}
    rng = np.random.default_rng([seed, 16])
    dd = _degree_days(rng)
    readings: dict[str, pa.Table] = {}
    prod: list[ProductionRow] = []
    for label in FISCAL_YEARS:  # both drawn always: a subset keeps the same numbers
        b = _Builder(seed, months_of, rng, bills)
        _year(b, label, prod, dd)
        if label in years:
            readings[label] = b.table()
    prod = [p for p in prod if any(p.month in months_of[y] for y in years)]
    return EnergyDemo(
        meters=tuple(_meters()),
        readings=readings,
        production=tuple(prod),
        assets=_assets(),
        certificates=_certificates(),
        mv_yaml=_mv_yaml(),
        degree_days_csv=_degree_days_csv(dd),
        bills=bills,
    )


# ---- assets, M&V, certificates ------------------------------------------------------------


def _assets() -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    names = {"HF-FACTORY": "Hefei rooftop PV phases 1-3, 10.12 MW (report size)",
             "TJ-FACTORY": "Tianjin PV 4.0 MW (report size)",
             "SZ-FACTORY": "Shenzhen rooftop PV (illustrative size)"}  # fmt: skip
    for site, (kwp, _x, since) in PV.items():
        p = site[:2]
        out.append({
            "code": f"{p}-PV", "site": site, "kind": "pv", "kwp": kwp, "commissioned": since,
            "ownership": "emc" if site == "HF-FACTORY" else "own",
            "emc_treatment": "self_generation" if site == "HF-FACTORY" else None,
            "degradation_pct": 0.5, "meters": {"generation": f"{p}-E-PV", "export": f"{p}-E-PVX"},
            "name": names[site],
        })  # fmt: skip
    out.append({"code": "HF-ESS", "site": "HF-FACTORY", "kind": "storage", "kwh": STORAGE_KWH,
                "kw": STORAGE_KW, "rte": STORAGE_RTE, "commissioned": date(2022, 1, 1),
                "ownership": "own",
                "meters": {"charge": "HF-E-ESS-C", "discharge": "HF-E-ESS-D"},
                "name": "Hefei battery storage, peak shaving (illustrative size)"})  # fmt: skip
    out.append({"code": "HF-DC", "site": "HF-FACTORY", "kind": "data_centre",
                "kw": DC_IT_KW, "commissioned": date(2021, 1, 1), "ownership": "own",
                "meters": {"it": "HF-E-DC-IT", "facility": "HF-E-DC-FAC"},
                "name": "Hefei data centre (illustrative)"})  # fmt: skip
    return tuple(out)


def _mv_yaml() -> str:
    doc = {
        "projects": [
            {
                "project": MV_PROJECT,
                "name": "Shenzhen compressed air, AI control",
                "option": "C",
                "site": "SZ-FACTORY",
                "boundary_meters": [CA_METER],
                "baseline": {"start": "2022-04", "end": "2023-03"},
                "reporting": {"start": "2023-04", "end": "2024-03"},
                "normalisers": ["production", "cdd"],
                "product_types": [ln.product_type for ln in LINES if ln.site == "SZ-FACTORY"],
                "degree_days_site": "SZ-FACTORY",
                "note": ILLUSTRATIVE + "; the report's compressed air -12 % (line 2094)",
            }
        ]
    }
    header = (
        "# Measured savings of the lingtan demo (FICTIONAL company, ILLUSTRATIVE data):\n"
        "# IPMVP Option C on the Shenzhen compressed-air sub-meter (docs/measured-savings.md).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _degree_days_csv(dd: Mapping[str, np.ndarray]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("site", "month", "hdd", "cdd", "base_c", "source"))
    for label in FISCAL_YEARS:
        for i, m in enumerate(fiscal_months(label)):
            w.writerow(("SZ-FACTORY", f"{m:%Y-%m}", f"{dd['hdd'][i]:.1f}",
                        f"{dd['cdd'][i]:.1f}", f"{DEGREE_DAY_BASE_C:.1f}",
                        "ILLUSTRATIVE synthetic temperatures (lingtan demo)"))  # fmt: skip
    return buf.getvalue()


def _certificates() -> tuple[dict[str, Any], ...]:
    """The certificate register (schemes of :mod:`lingtan.modules.energy.certificates`;
    issuers, numbers and dates ILLUSTRATIVE where the report gives none; the Wuhan zero-carbon
    factory, the first of the ICT industry, is dated December 2022 as in the report)."""

    def c(kind: str, subject: str, scheme: str, level: str | None, issued: date,
          until: date | None, note: str) -> dict[str, Any]:  # fmt: skip
        return {"subject_kind": kind, "subject_id": subject, "scheme": scheme, "level": level,
                "issuer": "certification body (fictional)",
                "number": f"DEMO-{scheme.upper()[:12]}-{subject}", "issued": issued,
                "valid_until": until, "note": note}  # fmt: skip

    return (
        c("site", "TJ-FACTORY", "zero_carbon_factory_cieccpa", None, date(2023, 11, 30),
          date(2024, 11, 29), "zero-carbon factory, renewed yearly; " + ILLUSTRATIVE),
        c("site", "WH-FACTORY", "zero_carbon_factory_cesi", None, date(2022, 12, 15),
          date(2023, 12, 14), "first zero-carbon factory of the ICT industry, Dec 2022 "
          "(report); number and days ILLUSTRATIVE"),
        c("building", "BJ-HQ", "carbon_neutral_building", None, date(2023, 6, 1),
          date(2024, 5, 31), ILLUSTRATIVE),
        c("building", "BJ-HQ", "leed_om", "platinum", date(2021, 9, 1), None, ILLUSTRATIVE),
        c("site", "HF-FACTORY", "green_factory", "national", date(2020, 12, 1), None,
          ILLUSTRATIVE),
        c("site", "SZ-FACTORY", "iso50001", None, date(2022, 5, 10), date(2025, 5, 9),
          ILLUSTRATIVE),
    )  # fmt: skip


def iter_month_sums(demo: EnergyDemo, label: str) -> Iterator[tuple[str, date, float]]:
    """(meter, local month, Σ value) of one year's readings (tests, checks)."""
    t = demo.readings[label]
    local = t.column("ts").to_numpy().astype("datetime64[m]") + np.timedelta64(480, "m")
    month = local.astype("datetime64[M]")
    meters = np.asarray(t.column("meter").to_numpy(zero_copy_only=False), dtype=object)
    vals = t.column("value").to_numpy()
    keys = np.char.add(meters.astype(str), np.char.add("|", month.astype(str)))
    uniq, inv = np.unique(keys, return_inverse=True)
    sums = np.bincount(inv, weights=vals)
    for k, s in zip(uniq, sums, strict=True):
        code, m = str(k).split("|")
        yield code, datetime.strptime(m, "%Y-%m").date(), float(s)
