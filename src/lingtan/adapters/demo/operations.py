"""Synthetic operational activity data (Scope 1, Scope 2, instruments) of demo workspace (b).

One :class:`Year` builds the template rows of one fiscal year from the site profiles of
:mod:`lingtan.adapters.demo.group`: monthly rows per site with seasonality and ±3 % noise drawn from
one ``numpy.random.Generator`` in a fixed order, so the same seed gives the same rows. Every
value is **synthetic and illustrative**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from lingtan.adapters.demo._files import Cell, fmt
from lingtan.adapters.demo.group import CN_SITE_IDS, SITE_BY_ID, SITES, SiteProfile
from lingtan.core.periods import FiscalCalendar, Period, months

CALENDAR = FiscalCalendar(4)

Row = list[Cell]


def _norm(profile: tuple[float, ...]) -> np.ndarray:
    arr = np.asarray(profile, dtype=np.float64)
    out: np.ndarray = arr * (len(arr) / arr.sum())
    return out


# Monthly shape of a fiscal year, April … March (mean 1).
SEASON_ELECTRICITY = _norm((0.97, 1.0, 1.05, 1.12, 1.13, 1.04, 0.98, 0.97, 0.99, 0.97, 0.80, 0.98))
SEASON_HEATING = _norm((0.6, 0.35, 0.2, 0.15, 0.15, 0.25, 0.6, 1.4, 1.9, 2.0, 1.6, 1.2))
SEASON_FLAT = _norm((1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 1.0))
SEASON_PV = _norm((1.05, 1.15, 1.1, 1.15, 1.12, 1.0, 0.9, 0.75, 0.65, 0.7, 0.8, 1.0))
SEASON_COOLING = _norm((0.1, 0.8, 1.8, 2.6, 2.5, 1.3, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0))


def trend(site: SiteProfile, start_year: int) -> float:
    """Yearly activity multiplier: −4 %/yr efficiency from FY2022/23; the Tianjin park ramps up
    (75 % of its full load before FY2023/24, completed November 2023 per the source report)."""
    k = start_year - 2022
    mult = 0.96**k
    if site.id == "TJ-FACTORY" and k < 1:
        mult *= 0.75
    return float(mult)


@dataclass
class Year:
    """Builds one fiscal year's operational template rows.

    Attributes:
        label: fiscal-year label, e.g. ``FY2023/24``.
        rng: the shared generator (draw order is part of the output).
    """

    label: str
    rng: np.random.Generator
    period: Period = field(init=False)
    month_starts: list[date] = field(init=False)
    #: site → grid electricity [kWh] per month, filled by :meth:`electricity`.
    grid_kwh: dict[str, list[int]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.period = CALENDAR.parse(self.label)
        self.month_starts = months(self.period)

    @property
    def start_year(self) -> int:
        """Calendar year in which the fiscal year starts."""
        return self.period.start.year

    def noise(self, n: int = 12) -> np.ndarray:
        """``n`` multiplicative noise terms, 1 ± 3 % (clipped to ±10 %)."""
        out: np.ndarray = np.clip(1.0 + 0.03 * self.rng.standard_normal(n), 0.9, 1.1)
        return out

    def monthly(self, site: SiteProfile, annual: float, season: np.ndarray) -> np.ndarray:
        """Monthly amounts of an annual total [same unit], with trend, season and noise."""
        out: np.ndarray = annual / 12.0 * trend(site, self.start_year) * season * self.noise()
        return out

    # ---- Scope 1 ---------------------------------------------------------------------------

    def fuel(self) -> list[Row]:
        """``fuel`` rows: site, date, fuel, quantity, unit, use, description."""
        rows: list[Row] = []
        specs = (
            ("diesel", "L", "stationary", "diesel_gen_l", SEASON_FLAT, "backup generators"),
            ("natural_gas", "m3", "stationary", "gas_m3", SEASON_HEATING, "gas boilers"),
            ("natural_gas", "m3", "stationary", "canteen_m3", SEASON_FLAT, "canteen gas"),
            ("petrol", "L", "mobile", "petrol_car_l", SEASON_FLAT, "own cars"),
            ("diesel", "L", "mobile", "diesel_bus_l", SEASON_FLAT, "shuttle buses"),
        )
        for site in SITES:
            for fuel, unit, use, attr, season, what in specs:
                annual = float(getattr(site, attr))
                if annual <= 0:
                    continue
                for d, q in zip(self.month_starts, self.monthly(site, annual, season), strict=True):
                    rows.append([site.id, d.isoformat(), fuel, round(q), unit, use, what])
        return rows

    def vehicle_distance(self) -> list[Row]:
        """``vehicle_distance`` rows (quarterly, sales cars of the UK [km] and US [mile] offices):
        site, date, vehicle, distance, unit."""
        rows: list[Row] = []
        for site_id, vehicle, unit, per_quarter in (
            ("UK-OFFICE", "car.average.diesel", "km", 21_000.0),
            ("US-OFFICE", "car.average.petrol", "mile", 15_000.0),
        ):
            for d, n in zip(self.month_starts[::3], self.noise(4), strict=True):
                rows.append([site_id, d.isoformat(), vehicle, round(per_quarter * n), unit])
        return rows

    def refrigerant(self) -> list[Row]:
        """``refrigerant`` rows, one per site and gas for the year [kg of gas].

        Mass balance (GHG Protocol HFC tool) at the factories' chillers; screening (charge ×
        annual leak rate) at the offices. Columns as :data:`REFRIGERANT_HEADER`.
        """
        start, end = self.period.start.isoformat(), self.period.end.isoformat()
        rows: list[Row] = []
        for site_id, gas, charge_kg in (
            ("TJ-FACTORY", "R410A", 1_800.0), ("HF-FACTORY", "R410A", 3_200.0),
            ("HF-FACTORY", "HFC134a", 2_400.0), ("WH-FACTORY", "HFC134a", 2_800.0),
            ("SZ-FACTORY", "R410A", 2_000.0), ("SUZ-MOULDING", "R410A", 600.0),
        ):  # fmt: skip
            leak = charge_kg * float(self.rng.uniform(0.04, 0.08))  # annual leak, kg
            stock_start = float(np.floor(self.rng.uniform(100.0, 300.0)))
            purchased = math.ceil(leak / 10.0) * 10.0 + 50.0  # cylinders of 10 kg
            new_cap = float(np.floor(self.rng.uniform(0.0, 0.05) * charge_kg))
            retired = float(np.floor(self.rng.uniform(0.0, 0.03) * charge_kg))
            disposed = retired * 0.9  # recovered from retired units and sent for destruction
            # E = (start − end) + (purchased − disposed) + (retired − new)  ⇒  end:
            stock_end = stock_start + purchased - disposed + retired - new_cap - leak
            if stock_end < 0:
                purchased -= stock_end
                stock_end = 0.0
            rows.append([site_id, start, end, gas, "mass_balance", "kg", fmt(stock_start, 1),
                         fmt(stock_end, 1), fmt(purchased, 1), fmt(disposed, 1), fmt(new_cap, 1),
                         fmt(retired, 1), None, None, None])  # fmt: skip
        for site_id, gas, charge_kg, leak_pct in (
            ("BJ-HQ", "HFC134a", 1_200.0, 2.0),
            ("SH-OFFICE", "R410A", 180.0, 4.0),
            ("HK-OFFICE", "R410A", 90.0, 4.0),
        ):
            rows.append([site_id, start, end, gas, "screening", "kg", None, None, None, None,
                         None, None, fmt(charge_kg, 1), fmt(leak_pct, 1), None])  # fmt: skip
        return rows

    def direct_gas(self) -> list[Row]:
        """``direct_gas`` rows: septic-tank CH4 [kg/quarter] per factory and the HQ.

        Illustrative: 0.16 kg CH4 per employee-year, well below an IPCC 2006 Vol. 5 ch. 6
        septic-system default, as most of a site's wastewater goes to municipal treatment.
        """
        rows: list[Row] = []
        for site in SITES:
            if not (site.is_factory or site.id == "BJ-HQ"):
                continue
            kg_per_quarter = site.employees * 0.04  # ≈ 0.16 kg CH4 per person-year on site
            for d, n in zip(self.month_starts[::3], self.noise(4), strict=True):
                rows.append([site.id, d.isoformat(), "CH4", fmt(kg_per_quarter * n, 1), "kg",
                             "fugitive", "septic tanks"])  # fmt: skip
        return rows

    # ---- Scope 2 ---------------------------------------------------------------------------

    def electricity(self) -> list[Row]:
        """``electricity`` rows: site, date, quantity [kWh], unit, source, supplier.

        Grid rows for every site and month; ``onsite_renewable`` rows for PV (zero-emission
        self-generation, counted in the renewable share).
        """
        rows: list[Row] = []
        for site in SITES:
            kwh = self.monthly(site, site.grid_mwh * 1000.0, SEASON_ELECTRICITY)
            self.grid_kwh[site.id] = [round(q) for q in kwh]
            supplier = "State Grid" if site.id in CN_SITE_IDS else "local utility"
            if site.id in ("SZ-FACTORY",):
                supplier = "China Southern Power Grid"
            for d, q in zip(self.month_starts, self.grid_kwh[site.id], strict=True):
                rows.append([site.id, d.isoformat(), q, "kWh", "grid", supplier])
        for site in SITES:
            if site.pv_mwh <= 0:
                continue
            pv = site.pv_mwh * 1000.0 / 12.0 * SEASON_PV * self.noise()
            for d, q in zip(self.month_starts, pv, strict=True):
                if site.pv_from and d < date.fromisoformat(site.pv_from):
                    continue
                rows.append([site.id, d.isoformat(), round(q), "kWh", "onsite_renewable", None])
        return rows

    def energy(self) -> list[Row]:
        """``energy`` rows: purchased steam at Hefei [t], district cooling at the Beijing HQ
        building [kWh of cooling]. Columns: site, date, type, quantity, unit, supplier."""
        rows: list[Row] = []
        hf, bj = SITE_BY_ID["HF-FACTORY"], SITE_BY_ID["BJ-HQ"]
        steam = self.monthly(hf, hf.steam_t, _norm((0.9,) * 7 + (1.1, 1.2, 1.2, 1.0, 1.05)))
        for d, q in zip(self.month_starts, steam, strict=True):
            rows.append([hf.id, d.isoformat(), "steam", fmt(q, 1), "t",
                         "Hefei industrial-park steam network (fictional)"])  # fmt: skip
        cooling = self.monthly(bj, bj.cooling_mwh * 1000.0, SEASON_COOLING)
        for d, q in zip(self.month_starts, cooling, strict=True):
            if q > 0:
                rows.append([bj.id, d.isoformat(), "cooling", round(q), "kWh",
                             "Beijing district cooling company (fictional)"])  # fmt: skip
        return rows

    def instruments(self) -> list[Row]:
        """``instrument`` rows [MWh], sized from this year's grid consumption (call after
        :meth:`electricity`); no site is ever given more than it consumed.

        GECs (1 MWh each, serial ranges) for Tianjin (92 %) and Hefei (45 %) by half-year, a
        zero-emission wind PPA at Wuhan (50 %), and one pooled CN GEC batch (50 % of the CN
        consumption left uncovered) with an empty site.
        """
        if not self.grid_kwh:
            raise RuntimeError("call electricity() before instruments()")
        fy = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        halves = ((0, 6), (6, 12))
        rows: list[Row] = []
        covered: dict[str, int] = {}
        serial = int(self.rng.integers(10**9, 2 * 10**9))
        for site_id, share in (("HF-FACTORY", 0.45), ("TJ-FACTORY", 0.92)):
            for lo, hi in halves:
                mwh = math.floor(sum(self.grid_kwh[site_id][lo:hi]) * share / 1000.0)
                first, last = serial, serial + mwh - 1
                serial = last + 1 + int(self.rng.integers(1, 5000))
                rows.append([f"GEC-{site_id[:2]}-{fy}-{first:010d}-{last:010d}", "gec", mwh,
                             "MWh", self.month_starts[lo].isoformat(),
                             _month_end(self.month_starts[hi - 1]).isoformat(), "0", "CN",
                             site_id])  # fmt: skip
                covered[site_id] = covered.get(site_id, 0) + mwh
        wh = math.floor(sum(self.grid_kwh["WH-FACTORY"]) * 0.5 / 1000.0)
        covered["WH-FACTORY"] = wh
        rows.append([f"PPA-WH-WIND-{fy}", "ppa", wh, "MWh", self.period.start.isoformat(),
                     self.period.end.isoformat(), "0", "CN", "WH-FACTORY"])  # fmt: skip
        left = sum(sum(self.grid_kwh[s]) / 1000.0 - covered.get(s, 0) for s in CN_SITE_IDS)
        pooled = math.floor(0.5 * left)
        first = serial
        rows.append([f"GEC-CN-{fy}-{first:010d}-{first + pooled - 1:010d}", "gec", pooled, "MWh",
                     self.period.start.isoformat(), self.period.end.isoformat(), "0", "CN",
                     None])  # fmt: skip
        return rows


def _month_end(month_start: date) -> date:
    y, m = month_start.year, month_start.month
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


FUEL_HEADER = ("site", "date", "fuel", "quantity", "unit", "use", "description")
VEHICLE_HEADER = ("site", "date", "vehicle", "distance", "unit")
REFRIGERANT_HEADER = ("site", "date", "period_end", "gas", "method", "unit", "inventory_start",
                      "inventory_end", "purchased", "disposed", "capacity_new",
                      "capacity_retired", "charge", "leak_rate_pct", "emitted")  # fmt: skip
DIRECT_GAS_HEADER = ("site", "date", "gas", "quantity", "unit", "kind", "description")
ELECTRICITY_HEADER = ("site", "date", "quantity", "unit", "source", "supplier")
ENERGY_HEADER = ("site", "date", "type", "quantity", "unit", "supplier")
INSTRUMENT_HEADER = ("instrument_id", "type", "quantity", "unit", "vintage_start", "vintage_end",
                     "emission_rate", "region", "site")  # fmt: skip
