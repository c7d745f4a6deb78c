"""Company factor set and reference tables of demo workspace (b). **All values are illustrative.**

``factors/demo-company.csv`` (factor CSV format, :data:`lingtan.core.factors.FACTOR_COLUMNS`)
fills what the open data lacks for China: purchased steam and district cooling, the upstream
(well-to-tank) and transmission-loss streams of grid electricity, a residual mix (China publishes
none; the bundled ``cn-grid`` has only a proxy, which this set overrides), a Hong Kong grid factor
(the bundled library has only Ember's generation-based proxy) and one supplier-specific product
factor.
``reference/fx_rates.csv`` and ``reference/price_index.csv`` serve the spend-based method. None
of these numbers is an official or measured value: they are plausible magnitudes chosen for the
demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lingtan.adapters.demo._files import Cell, csv_text, fmt
from lingtan.core.factors import FACTOR_COLUMNS

SET_NAME: Final = "demo-company"
PUBLISHER: Final = "Demo Electronics Group (illustrative)"
DATASET: Final = "Demo company factors - ILLUSTRATIVE values for the lingtan demo, not real data"
EDITION: Final = "2024"


@dataclass(frozen=True)
class DemoFactor:
    """One illustrative CO2e factor. Units: ``value`` [kg CO2e (AR5) / ``unit``]."""

    activity_type: str
    region: str
    unit: str
    value: float
    valid_from: str
    description: str
    valid_to: str = ""


SUPPLIER_PANEL: Final = "supplier.acme_displays.lcd_panel_14in"

FACTORS: Final[tuple[DemoFactor, ...]] = (
    DemoFactor("heat.steam", "CN", "t", 320.0, "2018-04-01",
               "Purchased steam, per t of steam: ~2.75 GJ/t from a coal-fired boiler at 85 % "
               "efficiency. ILLUSTRATIVE."),
    DemoFactor("wtt.heat.steam", "CN", "t", 45.0, "2018-04-01",
               "Upstream (coal mining and transport) of purchased steam, per t. ILLUSTRATIVE."),
    DemoFactor("cooling.district", "CN", "kWh", 0.136, "2018-04-01",
               "District cooling, per kWh of cooling delivered: electric chillers, seasonal COP "
               "~4.2 on the national grid. ILLUSTRATIVE."),
    DemoFactor("td_loss.electricity.grid", "CN", "kWh", 0.030, "2018-04-01",
               "Transmission and distribution losses attributable to 1 kWh consumed (~5 % loss "
               "on the national grid). ILLUSTRATIVE."),
    DemoFactor("wtt.electricity.grid", "CN", "kWh", 0.065, "2018-04-01",
               "Upstream (fuel extraction and transport) of grid electricity generation, per "
               "kWh consumed. ILLUSTRATIVE."),
    DemoFactor("electricity.residual_mix", "CN", "kWh", 0.610, "2018-04-01",
               "Residual mix for the market-based method. China publishes no residual mix (cn-grid "
               "ships the MEE/NBS national factor excluding market-traded non-fossil electricity "
               "as a proxy); this is an ILLUSTRATIVE value (grid average with tracked renewables "
               "removed)."),
    DemoFactor("electricity.grid", "HK", "kWh", 0.39, "2018-04-01",
               "Hong Kong grid electricity: the bundled library has only a generation-based proxy "
               "(Ember) for Hong Kong; value of the order of the local utilities' published "
               "rates. ILLUSTRATIVE."),
    DemoFactor(SUPPLIER_PANEL, "GLO", "item", 41.2, "2018-04-01",
               "Cradle-to-gate footprint of one 14-inch notebook LCD panel reported by the "
               "fictional supplier ACME Displays, FY2022/23 data. ILLUSTRATIVE.",
               valid_to="2023-04-01"),
    DemoFactor(SUPPLIER_PANEL, "GLO", "item", 38.5, "2023-04-01",
               "Cradle-to-gate footprint of one 14-inch notebook LCD panel reported by the "
               "fictional supplier ACME Displays after its renewable-power switch. ILLUSTRATIVE."),
)  # fmt: skip


def factor_csv() -> str:
    """``factors/demo-company.csv`` text, every column of :data:`FACTOR_COLUMNS`."""
    header = list(FACTOR_COLUMNS)
    rows: list[list[Cell]] = []
    for f in FACTORS:
        fields: dict[str, Cell] = {
            "factor_id": f"{SET_NAME}/{f.activity_type}/{f.region}/{f.valid_from[:4]}",
            "activity_type": f.activity_type,
            "region": f.region,
            "unit": f.unit,
            "gas": "CO2e",
            "value": fmt(f.value, 4),
            "valid_from": f.valid_from,
            "valid_to": f.valid_to,
            "gwp_set": "AR5",
            "publisher": PUBLISHER,
            "dataset": DATASET,
            "edition": EDITION,
            "table": "",
            "version": 1,
            "price_year": None,
            "description": f.description,
        }
        rows.append([fields.get(col) for col in header])
    return csv_text(header, rows)


def factor_manifest() -> str:
    """``factors/demo-company.yaml`` manifest text."""
    return f"""\
# Manifest of the user-defined factor set demo-company (lingtan demo workspace).
name: {SET_NAME}
title: Demo Electronics Group company-specific factors
publisher: {PUBLISHER}
dataset: "{DATASET}"
edition: "{EDITION}"
licence: CC0-1.0
illustrative: true
notes: >-
  ILLUSTRATIVE values for the lingtan demo, NOT real data. They fill what the open data lacks
  for China (purchased steam, district cooling, upstream and T&D-loss streams of grid
  electricity, a residual mix - China publishes none - and a Hong Kong grid factor) and give one
  supplier-specific product factor of the fictional supplier ACME Displays. Do not use them for
  any real inventory.
"""


#: Annual-average exchange rates [currency units per USD]. Illustrative demo values.
FX_PER_USD: Final[dict[str, dict[int, float]]] = {
    "USD": dict.fromkeys(range(2018, 2025), 1.0),
    "CNY": {2018: 6.6174, 2019: 6.9081, 2020: 6.8976, 2021: 6.4515, 2022: 6.7261,
            2023: 7.0467, 2024: 7.1217},
    "GBP": {2018: 0.7497, 2019: 0.7836, 2020: 0.7798, 2021: 0.7272, 2022: 0.8115,
            2023: 0.8044, 2024: 0.7825},
}  # fmt: skip

#: Price index per currency [2022 = 100]. Illustrative demo values.
PRICE_INDEX: Final[dict[str, dict[int, float]]] = {
    "USD": {2018: 87.6, 2019: 89.2, 2020: 90.3, 2021: 94.5, 2022: 100.0, 2023: 103.6,
            2024: 106.1},
    "CNY": {2018: 96.5, 2019: 97.8, 2020: 98.3, 2021: 99.1, 2022: 100.0, 2023: 100.2,
            2024: 100.4},
    "GBP": {2018: 88.9, 2019: 90.6, 2020: 91.5, 2021: 94.8, 2022: 100.0, 2023: 106.5,
            2024: 110.0},
}  # fmt: skip

_REF_SOURCE: Final = "illustrative demo values (lingtan demo workspace), not an official series"


def fx_rates_csv() -> str:
    """``reference/fx_rates.csv`` text: year, currency, per_usd, source."""
    rows: list[list[Cell]] = [
        [year, cur, fmt(rate, 4), _REF_SOURCE]
        for cur, by_year in FX_PER_USD.items()
        for year, rate in by_year.items()
    ]
    return csv_text(["year", "currency", "per_usd", "source"], rows)


def price_index_csv() -> str:
    """``reference/price_index.csv`` text: year, currency, index, source."""
    rows: list[list[Cell]] = [
        [year, cur, fmt(value, 1), f"{_REF_SOURCE}; 2022 = 100"]
        for cur, by_year in PRICE_INDEX.items()
        for year, value in by_year.items()
    ]
    return csv_text(["year", "currency", "index", "source"], rows)
