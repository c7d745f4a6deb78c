"""Synthetic Scope 3 template rows of demo workspace (b): categories 1, 2, 4, 5, 6, 7, 11, 12.

Category 3 (fuel- and energy-related activities) needs no rows: the engine derives it from the
fuel, electricity and steam rows (``lingtan.core.activities.STREAMS``). Every value is **synthetic
and illustrative**; magnitudes are those of a group making a few million notebooks a year.
"""

from __future__ import annotations

from typing import Final

from lingtan.adapters.demo._files import fmt
from lingtan.adapters.demo.company import SUPPLIER_PANEL
from lingtan.adapters.demo.group import FACTORY_IDS, SITE_BY_ID, SITES
from lingtan.adapters.demo.operations import SEASON_FLAT, Row, Year

#: Category 1 spend: NAICS code → (currency, share of a factory's annual spend, description).
SPEND_C1: Final[dict[str, tuple[str, float, str]]] = {
    "334413": ("USD", 0.34, "processors, memory and other semiconductors"),
    "334111": ("USD", 0.12, "ODM-built notebooks and desktops"),
    "334112": ("USD", 0.06, "solid-state drives"),
    "334418": ("CNY", 0.10, "printed circuit assemblies"),
    "334412": ("CNY", 0.04, "bare printed circuit boards"),
    "334419": ("CNY", 0.14, "display modules of other suppliers (ACME 14-inch panels are booked "
                            "supplier-specific)"),
    "335911": ("CNY", 0.08, "lithium-ion battery packs"),
    "326199": ("CNY", 0.12, "plastic housings and parts (packaging booked by mass)"),
}  # fmt: skip
#: Category 2 spend (capital goods): NAICS code → (currency, share, description).
SPEND_C2: Final[dict[str, tuple[str, float, str]]] = {
    "333242": ("CNY", 0.40, "SMT and semiconductor-process equipment"),
    "333249": ("CNY", 0.20, "other production-line machinery"),
    "333922": ("CNY", 0.10, "conveyors and automated storage"),
    "333415": ("CNY", 0.10, "chillers and air handling units"),
    "236210": ("万元", 0.20, "industrial building construction"),
}
#: Annual purchases per factory [USD million]: (category 1, category 2). Illustrative.
PURCHASES_MUSD: Final[dict[str, tuple[float, float]]] = {
    "TJ-FACTORY": (420.0, 60.0), "HF-FACTORY": (1_150.0, 45.0), "WH-FACTORY": (760.0, 30.0),
    "SZ-FACTORY": (540.0, 40.0), "SUZ-MOULDING": (35.0, 4.0),
}  # fmt: skip
CNY_PER_USD: Final = 7.0  # rough planning rate, used only to size the CNY amounts

SPEND_HEADER = ("date", "code", "amount", "currency", "category", "price_year", "site",
                "description")  # fmt: skip


def spend(y: Year) -> list[Row]:
    """``spend`` rows: monthly category 1 and quarterly category 2 purchases per factory.

    Amounts in USD, CNY or 万元 (10⁴ CNY); ``price_year`` = the calendar year of the date.
    """
    rows: list[Row] = []
    for site_id, (c1_musd, c2_musd) in PURCHASES_MUSD.items():
        site = SITE_BY_ID[site_id]
        for code, (cur, share, what) in SPEND_C1.items():
            monthly_usd = y.monthly(site, c1_musd * 1e6 * share, SEASON_FLAT)
            for d, amount in zip(y.month_starts, monthly_usd, strict=True):
                value = float(amount) * (1.0 if cur == "USD" else CNY_PER_USD)
                rows.append([d.isoformat(), f"naics:{code}", fmt(value, 2), cur, 1, d.year,
                             site_id, what])  # fmt: skip
        for code, (cur, share, what) in SPEND_C2.items():
            for d, n in zip(y.month_starts[::3], y.noise(4), strict=True):
                usd = c2_musd * 1e6 * share / 4.0 * float(n)
                value = usd * CNY_PER_USD / (1e4 if cur == "万元" else 1.0)
                rows.append([d.isoformat(), f"naics:{code}", fmt(value, 2), cur, 2, d.year,
                             site_id, what])  # fmt: skip
    return rows


#: Average-data materials (category 1, per t): packaging and chassis metal. Names follow the
#: factor library's DESNZ "Material use" activity types.
MATERIALS: Final[dict[str, tuple[float, str]]] = {
    "material.plastics_average.primary": (900.0, "plastic packaging film and trays"),
    "material.paper_and_board_board.primary": (5_200.0, "corrugated board packaging"),
    "material.metal_aluminium_cans_and_foil.primary": (650.0, "aluminium for chassis stamping"),
}
#: ACME 14-inch panels per year per notebook factory [items/yr].
PANELS_PER_YEAR: Final[dict[str, float]] = {"HF-FACTORY": 1_300_000.0, "SZ-FACTORY": 420_000.0}

ACTIVITY_HEADER = ("date", "scope", "category", "activity_type", "quantity", "unit", "site",
                   "region", "method", "tier", "description")  # fmt: skip


def activity(y: Year) -> list[Row]:
    """``activity`` rows: supplier-specific ACME panels [item] and average-data materials [t],
    monthly, Scope 3 category 1."""
    rows: list[Row] = []
    for site_id, per_year in PANELS_PER_YEAR.items():
        panels = y.monthly(SITE_BY_ID[site_id], per_year, SEASON_FLAT)
        for d, q in zip(y.month_starts, panels, strict=True):
            rows.append([d.isoformat(), 3, 1, SUPPLIER_PANEL, round(q), "item", site_id, None,
                         None, "supplier_specific", "ACME Displays 14-inch panels"])  # fmt: skip
    share = {"TJ-FACTORY": 0.2, "HF-FACTORY": 0.4, "WH-FACTORY": 0.25, "SZ-FACTORY": 0.15}
    for activity_type, (tonnes, what) in MATERIALS.items():
        for site_id, s in share.items():
            q = y.monthly(SITE_BY_ID[site_id], tonnes * s, SEASON_FLAT)
            for d, t in zip(y.month_starts, q, strict=True):
                rows.append([d.isoformat(), 3, 1, activity_type, fmt(t, 3), "t", site_id, None,
                             None, "activity", what])  # fmt: skip
    return rows


TRANSPORT_HEADER = ("date", "mode", "mass", "mass_unit", "distance", "distance_unit",
                    "category", "site", "description")  # fmt: skip
#: (mode, t per month per factory, km, description) for category 4 freight paid by the group.
FREIGHT: Final = (
    ("road.hgv.average", 900.0, 650.0, "components inbound by truck"),
    ("air.long_haul", 120.0, 9_800.0, "finished goods to Europe and North America by air"),
    ("sea.container.average", 2_600.0, 18_500.0, "finished goods by sea container"),
    ("rail", 350.0, 10_200.0, "China-Europe rail freight"),
)
_FREIGHT_SHARE: Final[dict[str, float]] = {
    "TJ-FACTORY": 0.7, "HF-FACTORY": 1.5, "WH-FACTORY": 1.0, "SZ-FACTORY": 0.8,
}  # fmt: skip


def transport(y: Year) -> list[Row]:
    """``transport`` rows (category 4), monthly per factory and mode: mass [t], distance [km]."""
    rows: list[Row] = []
    for site_id, k in _FREIGHT_SHARE.items():
        for mode, tonnes, km, what in FREIGHT:
            q = y.monthly(SITE_BY_ID[site_id], tonnes * 12.0 * k, SEASON_FLAT)
            for d, t in zip(y.month_starts, q, strict=True):
                rows.append([d.isoformat(), mode, fmt(t, 1), "t", fmt(km, 0), "km", 4, site_id,
                             what])  # fmt: skip
    return rows


WASTE_HEADER = ("date", "waste_type", "treatment", "quantity", "unit", "site")
#: (waste type, treatment, t per year per 1,000 employees).
WASTE: Final = (
    ("commercial_and_industrial", "landfill", 18.0),
    ("commercial_and_industrial", "incineration", 30.0),
    ("paper_and_board_mixed", "recycling", 60.0),
    ("weee_mixed", "recycling", 4.0),
)


def waste(y: Year) -> list[Row]:
    """``waste`` rows (category 5), quarterly per factory and the HQ [t]."""
    rows: list[Row] = []
    for site in SITES:
        if not (site.id in FACTORY_IDS or site.id == "BJ-HQ"):
            continue
        for waste_type, treatment, per_k in WASTE:
            annual = per_k * site.employees / 1000.0
            for d, n in zip(y.month_starts[::3], y.noise(4), strict=True):
                rows.append([d.isoformat(), waste_type, treatment, fmt(annual / 4.0 * n, 3), "t",
                             site.id])  # fmt: skip
    return rows


TRAVEL_HEADER = ("date", "mode", "distance", "unit", "travellers", "site")
#: (mode, one-way distance [km], trips per month per 1,000 employees).
TRAVEL: Final = (
    ("air.short_haul.economy", 1_300.0, 30.0),
    ("air.long_haul.economy", 8_500.0, 4.0),
    ("rail.national", 900.0, 45.0),
)
HOTEL_HEADER = ("date", "country", "nights", "site")
#: Hotel nights per month: (site, country, nights).
HOTELS: Final = (("BJ-HQ", "CN", 900.0), ("UK-OFFICE", "GB", 60.0), ("US-OFFICE", "US", 110.0),
                 ("HF-FACTORY", "CN", 400.0))  # fmt: skip


def business_travel(y: Year) -> list[Row]:
    """``business_travel`` rows (category 6): return trips, monthly per site [km × travellers]."""
    rows: list[Row] = []
    for site in SITES:
        if site.id == "SUZ-MOULDING":
            continue
        for mode, km, trips_per_k in TRAVEL:
            base = max(1.0, trips_per_k * site.employees / 1000.0)
            season = SEASON_FLAT * y.noise()
            for d, m in zip(y.month_starts, season, strict=True):
                trips = max(1, round(base * float(m)))
                rows.append([d.isoformat(), mode, fmt(2 * km, 0), "km", trips, site.id])
    return rows


def hotel(y: Year) -> list[Row]:
    """``hotel`` rows (category 6), monthly [room nights]."""
    rows: list[Row] = []
    for site_id, country, nights in HOTELS:
        for d, n in zip(y.month_starts, y.noise(), strict=True):
            rows.append([d.isoformat(), country, round(nights * float(n)), site_id])
    return rows


COMMUTING_HEADER = ("date", "mode", "employees", "days", "one_way_distance", "distance_unit",
                    "site")  # fmt: skip
#: (mode, share of employees, one-way km).
COMMUTE: Final = (("bus.average", 0.35, 14.0), ("car.average", 0.25, 18.0), ("metro", 0.30, 12.0))


def commuting(y: Year) -> list[Row]:
    """``commuting`` rows (category 7), monthly per site: employees × working days × 2 × km."""
    rows: list[Row] = []
    for site in SITES:
        if site.id == "SUZ-MOULDING":
            continue
        for mode, share, km in COMMUTE:
            staff = round(site.employees * share)
            if staff == 0:
                continue
            for d in y.month_starts:
                days = 16 if d.month == 2 else 21
                rows.append([d.isoformat(), mode, staff, days, fmt(km, 1), "km", site.id])
    return rows


USE_HEADER = ("date", "product", "units_sold", "kwh_per_year", "lifetime_years", "market")
EOL_HEADER = ("date", "product", "units_sold", "mass_per_unit", "mass_unit", "waste_type",
              "treatment", "share_pct", "market")  # fmt: skip
#: product → (kWh/yr in use, lifetime [yr], mass [kg], units sold per quarter by market).
PRODUCTS: Final[dict[str, tuple[float, float, float, dict[str, float]]]] = {
    "notebook": (22.0, 4.0, 1.6, {"CN": 300_000.0, "US": 250_000.0, "GB": 60_000.0}),
    "desktop": (95.0, 5.0, 7.5, {"CN": 90_000.0, "US": 60_000.0, "GB": 15_000.0}),
    "server": (2_600.0, 5.0, 28.0, {"CN": 8_000.0, "US": 6_000.0, "GB": 1_500.0}),
    "phone": (4.5, 3.0, 0.19, {"CN": 400_000.0, "US": 150_000.0, "GB": 30_000.0}),
}
#: End-of-life treatment shares by market [%], summing to 100 (illustrative).
EOL_SHARES: Final[dict[str, dict[str, float]]] = {
    "CN": {"landfill": 40.0, "recycling": 45.0, "incineration": 15.0},
    "US": {"landfill": 50.0, "recycling": 40.0, "incineration": 10.0},
    "GB": {"landfill": 20.0, "recycling": 70.0, "incineration": 10.0},
}


def _units_sold(y: Year) -> list[tuple[str, str, str, int]]:
    """(date, product, market, units) per quarter, product and market; growth follows trend."""
    out: list[tuple[str, str, str, int]] = []
    growth = 1.0 / (0.96 ** (y.start_year - 2022))  # sales grow as unit energy falls
    for product, (_, _, _, markets) in PRODUCTS.items():
        for market, per_quarter in markets.items():
            for d, n in zip(y.month_starts[::3], y.noise(4), strict=True):
                out.append((d.isoformat(), product, market, round(per_quarter * growth * n)))
    return out


def use_and_end_of_life(y: Year) -> tuple[list[Row], list[Row]]:
    """``use_phase`` (category 11) and ``end_of_life`` (category 12) rows from one sales table."""
    use: list[Row] = []
    eol: list[Row] = []
    for d, product, market, units in _units_sold(y):
        kwh, years, kg, _ = PRODUCTS[product]
        use.append([d, product, units, fmt(kwh, 1), fmt(years, 0), market])
        for treatment, pct in EOL_SHARES[market].items():
            eol.append([d, product, units, fmt(kg, 2), "kg", "weee_mixed", treatment,
                        fmt(pct, 0), market])  # fmt: skip
    return use, eol
