"""Catalogues of the climate risk and opportunity register (issue 17 item 1, decision 0080).

Kinds, categories, drivers, horizons, value-chain positions and responses, each a code with a
catalogue label key (``risk.kind.*``, ``risk.category.*``, ``risk.driver.*`` …; the texts in
Chinese and English live in ``i18n/risk.*.json``). Pure data, no I/O.

- Categories follow the TCFD 2017 recommendations (table 1 and 2) as IFRS S2 ¶10–12 takes them
  up: physical risks acute | chronic; transition risks policy and legal, technology, market,
  reputation; opportunities resource efficiency, products and services, markets, energy source,
  resilience.
- Drivers are those of the source report's tables (lines 706–800 for risks, 928–996 for
  opportunities), each tied to the categories it may carry.
- Horizons: the report's short (within 1 year), medium (1–10 years), long (10–50 years)
  (lines 701–702); the ranges are configurable in the organisation's matrix
  (:class:`lingtan.modules.risk.matrix.RiskMatrix`).
"""

from __future__ import annotations

from typing import Final

#: item kinds
KINDS: Final[tuple[str, ...]] = ("risk", "opportunity")

#: category → kind (TCFD 2017; IFRS S2 ¶10–12)
CATEGORIES: Final[dict[str, str]] = {
    "physical_acute": "risk",
    "physical_chronic": "risk",
    "policy_legal": "risk",
    "technology": "risk",
    "market": "risk",
    "reputation": "risk",
    "resource_efficiency": "opportunity",
    "products_services": "opportunity",
    "markets": "opportunity",
    "energy_source": "opportunity",
    "resilience": "opportunity",
}

#: risk groups of the categories (physical / transition / opportunity), for headings
CATEGORY_GROUP: Final[dict[str, str]] = {
    "physical_acute": "physical",
    "physical_chronic": "physical",
    "policy_legal": "transition",
    "technology": "transition",
    "market": "transition",
    "reputation": "transition",
    "resource_efficiency": "opportunity",
    "products_services": "opportunity",
    "markets": "opportunity",
    "energy_source": "opportunity",
    "resilience": "opportunity",
}

#: driver → the categories it may be filed under (report lines 706–800 and 928–996)
DRIVERS: Final[dict[str, tuple[str, ...]]] = {
    # risks (706–800)
    "acute_weather": ("physical_acute",),  # cyclones, hurricanes, typhoons, floods
    "chronic_climate": ("physical_chronic",),  # precipitation patterns, sea-level rise
    "carbon_pricing": ("policy_legal",),
    "disclosure_obligations": ("policy_legal",),
    "product_mandates": ("policy_legal",),  # incl. anti-greenwashing rules (752–755)
    "low_emission_technology": ("technology",),
    "consumer_behaviour": ("market",),
    "stakeholder_expectations": ("reputation",),
    # opportunities (928–996)
    "efficient_production": ("resource_efficiency",),
    "low_emission_products": ("products_services",),
    "sustainable_solutions": ("products_services",),
    "adaptation_solutions": ("products_services", "resilience", "markets"),
    "new_markets": ("markets",),
    "low_emission_energy": ("energy_source",),  # TCFD, not in the report's table
    "other": tuple(CATEGORIES),  # anything the catalogue does not name
}

#: horizon codes, shortest first
HORIZONS: Final[tuple[str, ...]] = ("short", "medium", "long")

#: default horizon ranges in years [from, to) (report lines 701–702, 1081–1082)
DEFAULT_HORIZON_YEARS: Final[dict[str, tuple[int, int]]] = {
    "short": (0, 1),
    "medium": (1, 10),
    "long": (10, 50),
}

#: value-chain positions (IFRS S2 ¶13)
VALUE_CHAIN: Final[tuple[str, ...]] = ("own_operations", "upstream", "downstream")

#: responses (ISO 31000:2018 §6.5 risk treatment; ``pursue`` for opportunities)
RESPONSES: Final[tuple[str, ...]] = ("mitigate", "transfer", "accept", "avoid", "pursue")

#: lines of the financial statements a financial effect falls on (IFRS S2 ¶15–21)
FINANCIAL_LINES: Final[tuple[str, ...]] = ("revenue", "opex", "capex", "cost_of_capital")

#: item statuses
STATUSES: Final[tuple[str, ...]] = ("open", "closed")

#: link kinds of an item
LINK_KINDS: Final[tuple[str, ...]] = ("sites", "suppliers", "products", "targets", "projects")


def label_key(group: str, code: str) -> str:
    """The catalogue key of a code's label: ``label_key("driver", "carbon_pricing")`` →
    ``"risk.driver.carbon_pricing"``."""
    return f"risk.{group}.{code}"


def kind_of(category: str) -> str | None:
    """The kind (risk | opportunity) a category belongs to (None for an unknown one)."""
    return CATEGORIES.get(category)


def driver_fits(driver: str, category: str) -> bool:
    """True when ``driver`` may be filed under ``category`` (``other`` fits every category)."""
    return category in DRIVERS.get(driver, ())
