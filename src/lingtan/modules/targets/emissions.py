"""What targets are measured on: a year's emissions by scope and category, the coverage of a
target (which scopes and Scope 3 categories it counts), and data series (intensity denominators).

Years are fiscal years, identified by the calendar year in which they **start**
(``2018`` = FY2018/19 with an April start; see :mod:`lingtan.core.periods`). Masses [t CO2e].

Standards: GHG Protocol Corporate Standard ch. 11 (setting targets: absolute and intensity,
target boundary); Scope 2 Guidance ch. 7 (a target states the Scope 2 basis it uses).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.activities import SCOPE3_CATEGORIES
from lingtan.core.inventory import Inventory
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.errors import TargetError

#: Scope 2 bases a target may be measured on (GHG Protocol Scope 2 Guidance ch. 7).
SCOPE2_BASES: tuple[str, ...] = ("market", "location")


@dataclass(frozen=True)
class YearEmissions:
    """One fiscal year's emissions [t CO2e].

    Attributes:
        year: fiscal start year (2023 = FY2023/24 with an April start).
        scope1: Scope 1.
        scope2_market: Scope 2, market-based.
        scope2_location: Scope 2, location-based; None when not available (e.g. not disclosed).
        scope3_by_category: Scope 3 per category 1–15; empty when no split is known.
        scope3_total: Scope 3 total when no category split is known (e.g. a base year
            disclosed only in total); must equal the category sum when both are given.
        source: where the figures come from (snapshot id, report table …).
        incomplete_rows: activity rows the inventory could not calculate (0: complete;
            docs/completeness.md, GHG Protocol ch. 1 completeness): a status built on it says so.
    """

    year: int
    scope1: float
    scope2_market: float
    scope2_location: float | None = None
    scope3_by_category: Mapping[int, float] = field(default_factory=dict)
    scope3_total: float | None = None
    source: str = ""
    incomplete_rows: int = 0

    @property
    def complete(self) -> bool:
        """False when the inventory behind these figures left activity rows out."""
        return self.incomplete_rows == 0

    def __post_init__(self) -> None:
        for name in ("scope1", "scope2_market"):
            _check_mass(getattr(self, name), f"{self.year}: {name}")
        if self.scope2_location is not None:
            _check_mass(self.scope2_location, f"{self.year}: scope2_location")
        for cat, v in self.scope3_by_category.items():
            if cat not in SCOPE3_CATEGORIES:
                raise TargetError(f"{self.year}: Scope 3 category {cat} is not 1..15")
            _check_mass(v, f"{self.year}: scope3 category {cat}")
        if self.scope3_total is not None:
            _check_mass(self.scope3_total, f"{self.year}: scope3_total")
            if self.scope3_by_category:
                split = sum(self.scope3_by_category.values())
                if not math.isclose(split, self.scope3_total, rel_tol=1e-9, abs_tol=1e-6):
                    raise TargetError(
                        f"{self.year}: scope3_total {self.scope3_total:,.3f} t differs from the "
                        f"sum of its categories {split:,.3f} t"
                    )

    @property
    def has_scope3_split(self) -> bool:
        """True when Scope 3 is known per category."""
        return bool(self.scope3_by_category)

    @property
    def scope3(self) -> float:
        """Scope 3 total [t CO2e]."""
        if self.scope3_total is not None:
            return self.scope3_total
        return float(sum(self.scope3_by_category.values()))

    def scope2(self, basis: str = "market") -> float | None:
        """Scope 2 on ``basis`` [t CO2e]; None when that basis is not available."""
        return self.scope2_market if basis == "market" else self.scope2_location

    def total(self, basis: str = "market") -> float | None:
        """Scopes 1 + 2 + 3 [t CO2e] on the Scope 2 ``basis``."""
        s2 = self.scope2(basis)
        return None if s2 is None else self.scope1 + s2 + self.scope3


def _check_mass(v: float, where: str) -> None:
    if not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise TargetError(f"{where}: emissions must be a finite number >= 0, got {v!r}")


def year_emissions_from_inventory(
    inv: Inventory, calendar: FiscalCalendar, *, scope3_split: bool = True
) -> YearEmissions:
    """Read a computed :class:`~lingtan.core.inventory.Inventory` into :class:`YearEmissions`.

    Args:
        inv: the inventory (its ``fiscal_year`` label gives the year).
        calendar: the fiscal calendar the label is read with.
        scope3_split: False when the inventory's Scope 3 categories are not meaningful (e.g. a
            base year disclosed in total and booked under one category for storage): then
            only the Scope 3 total is kept, and category-level targets say "no data".
    """
    t = inv.totals()
    year = calendar.parse(inv.fiscal_year).start.year
    by_cat = {int(k): v for k, v in inv.scope3_by_category().items() if v}
    s3 = float(t["scope3"] or 0.0)
    return YearEmissions(
        year=year,
        scope1=float(t["scope1"] or 0.0),
        scope2_market=float(t["scope2_market"] or 0.0),
        scope2_location=t["scope2_location"],
        scope3_by_category=by_cat if scope3_split else {},
        scope3_total=None if scope3_split else s3,
        source=f"inventory {inv.fiscal_year}, snapshot {inv.snapshot_id[:16]}".rstrip(", "),
        incomplete_rows=inv.completeness.rows_not_calculated,
    )


@dataclass(frozen=True)
class Coverage:
    """Which emissions a target counts.

    Attributes:
        scopes: subset of {1, 2, 3}.
        scope3_categories: the Scope 3 categories counted; None = all of Scope 3 (when 3 is in
            ``scopes``). Giving categories implies Scope 3.
        scope2_basis: ``market`` or ``location`` (Scope 2 Guidance ch. 7).
    """

    scopes: frozenset[int]
    scope3_categories: frozenset[int] | None = None
    scope2_basis: str = "market"

    def __post_init__(self) -> None:
        if not self.scopes or not self.scopes <= {1, 2, 3}:
            raise TargetError(
                f"coverage scopes must be a non-empty subset of 1, 2, 3: {self.scopes}"
            )
        if self.scope3_categories is not None:
            if 3 not in self.scopes:
                raise TargetError("coverage names Scope 3 categories but not Scope 3")
            bad = sorted(c for c in self.scope3_categories if c not in SCOPE3_CATEGORIES)
            if bad or not self.scope3_categories:
                raise TargetError(f"coverage: Scope 3 categories must be 1..15, got {bad or '[]'}")
        if self.scope2_basis not in SCOPE2_BASES:
            raise TargetError(
                f"coverage: scope2_basis must be market or location, not {self.scope2_basis!r}"
            )

    @classmethod
    def of(
        cls,
        scopes: Iterable[int] = (),
        categories: Iterable[int] | None = None,
        scope2_basis: str = "market",
    ) -> Coverage:
        """Build a coverage; ``categories`` alone means those Scope 3 categories."""
        cats = None if categories is None else frozenset(int(c) for c in categories)
        sc = {int(s) for s in scopes}
        if cats is not None:
            sc.add(3)
        return cls(frozenset(sc), cats, scope2_basis)

    @property
    def label(self) -> str:
        """Readable name: ``Scope 1+2``, ``Scope 3 cat. 1, 4``, ``Scopes 1+2+3``."""
        parts = sorted(self.scopes)
        if self.scope3_categories is not None:
            cats = ", ".join(str(c) for c in sorted(self.scope3_categories))
            head = "+".join(str(s) for s in parts if s != 3)
            tail = f"Scope 3 cat. {cats}"
            return f"Scope {head} + {tail}" if head else tail
        word = "Scope" if len(parts) < 3 else "Scopes"
        return f"{word} {'+'.join(str(s) for s in parts)}"

    @property
    def all_scope3(self) -> bool:
        """True when the whole of Scope 3 is counted."""
        return 3 in self.scopes and self.scope3_categories is None

    def covered(self, e: YearEmissions) -> float | None:
        """Covered emissions [t CO2e], or None when the year lacks what the coverage needs (a
        category split, or the Scope 2 basis)."""
        total = 0.0
        if 1 in self.scopes:
            total += e.scope1
        if 2 in self.scopes:
            s2 = e.scope2(self.scope2_basis)
            if s2 is None:
                return None
            total += s2
        if 3 in self.scopes:
            if self.scope3_categories is None:
                total += e.scope3
            elif not e.has_scope3_split:
                return None
            else:
                total += sum(e.scope3_by_category.get(c, 0.0) for c in self.scope3_categories)
        return total

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scopes": sorted(self.scopes),
            "scope3_categories": None
            if self.scope3_categories is None
            else sorted(self.scope3_categories),
            "scope2_basis": self.scope2_basis,
            "label": self.label,
        }


@dataclass(frozen=True)
class Series:
    """A named data series by fiscal year: an intensity denominator (US$ million gross profit,
    t·km, units sold, comparable products, revenue, floor area …) or an activity driver.

    Attributes:
        name: key targets refer to (``gross_profit``).
        unit: unit of the values as written (``1e6*USD``, ``tkm``, ``item``, ``m**2``).
        values: fiscal start year → value [unit].
        measure: what is measured (``gross profit``), shown with the unit.
        growth_pct: yearly growth [% / yr] used to extend the series beyond its last value in
            forecasts (None: no extension; forecasts then need explicit values).
        source: where the values come from.
    """

    name: str
    unit: str
    values: Mapping[int, float]
    measure: str = ""
    growth_pct: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for y, v in self.values.items():
            if not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
                raise TargetError(f"series {self.name!r}, year {y}: value must be > 0, got {v!r}")

    def get(self, year: int) -> float | None:
        """The recorded value of ``year`` (no interpolation, no forecast), or None."""
        v = self.values.get(year)
        return None if v is None else float(v)

    def forecast(self, year: int) -> float | None:
        """The recorded value, or the last recorded value grown at ``growth_pct`` per year:
        v(y) = v(y_last) · (1 + g/100)^(y − y_last). None before the first value or without g."""
        got = self.get(year)
        if got is not None:
            return got
        earlier = [y for y in self.values if y < year]
        if not earlier or self.growth_pct is None:
            return None
        last = max(earlier)
        return float(self.values[last]) * (1.0 + self.growth_pct / 100.0) ** (year - last)

    @property
    def label(self) -> str:
        """``gross profit [1e6*USD]``."""
        return f"{self.measure or self.name} [{self.unit}]"
