"""The GHG inventory: totals and breakdowns computed from aggregated emission rows.

Standards: GHG Protocol Corporate Standard ch. 9 (reporting: Scopes 1 and 2 separately, Scope 3
by category); Scope 2 Guidance ch. 7 (dual reporting: location- and market-based side by side);
ISO 14064-1:2018 §5.2.4 and Annex B (six categories of emissions).

Every total and share is computed here from the rows; nothing is copied from any report. Shares
are percent of the market-based total (the basis the source report discloses), rounded to two
decimals only for display: the exact values are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.activities import SCOPE3_CATEGORIES

KG_PER_T = 1000.0


@dataclass(frozen=True)
class AggregateRow:
    """One aggregated slice of emission rows. Units: ``co2e_kg`` [kg CO2e]."""

    scope: int
    category: int
    iso_category: int
    basis: str  # both | location | market
    gas: str
    site: str
    month: str  # YYYY-MM
    method: str
    tier: str
    co2e_kg: float
    rows: int = 0


def _in_basis(row_basis: str, basis: str) -> bool:
    return row_basis == "both" or row_basis == basis


@dataclass(frozen=True)
class Inventory:
    """A computed inventory for one fiscal year. All masses in t CO2e."""

    organisation: str
    fiscal_year: str
    period_start: str
    period_end: str
    gwp_set: str
    consolidation: str
    rows: tuple[AggregateRow, ...]
    site_entities: Mapping[str, str] = field(default_factory=dict)
    unresolved: tuple[dict[str, Any], ...] = ()
    not_estimated: tuple[dict[str, Any], ...] = ()
    market_notes: tuple[dict[str, Any], ...] = ()
    snapshot_id: str = ""
    #: data-quality section (:func:`lingtan.core.quality.assess`); None when not assessed
    data_quality: Mapping[str, Any] | None = None
    #: uncertainty section (:meth:`lingtan.core.uncertainty.UncertaintyResult.to_dict`)
    uncertainty: Mapping[str, Any] | None = None

    # -- sums ---------------------------------------------------------------------------------
    def total(self, basis: str = "market", **where: Any) -> float:
        """Sum [t CO2e] of rows in ``basis`` matching every ``field=value`` in ``where``."""
        kg = sum(
            r.co2e_kg
            for r in self.rows
            if _in_basis(r.basis, basis) and all(getattr(r, k) == v for k, v in where.items())
        )
        return kg / KG_PER_T

    def by(self, key: str, basis: str = "market", **where: Any) -> dict[Any, float]:
        """Totals [t CO2e] grouped by one row field (``category``, ``gas``, ``site`` …)."""
        out: dict[Any, float] = {}
        for r in self.rows:
            if _in_basis(r.basis, basis) and all(getattr(r, k) == v for k, v in where.items()):
                k = getattr(r, key)
                out[k] = out.get(k, 0.0) + r.co2e_kg / KG_PER_T
        return dict(sorted(out.items()))

    @property
    def has_location_basis(self) -> bool:
        """False when Scope 2 was given only market-based (e.g. a disclosed figure): then the
        location-based totals are not available rather than zero."""
        s2 = [r for r in self.rows if r.scope == 2]
        return not s2 or any(r.basis in ("location", "both") for r in s2)

    def totals(self) -> dict[str, float | None]:
        """Scope totals and grand totals on both Scope 2 bases [t CO2e]."""
        s1 = self.total("market", scope=1)
        s3 = self.total("market", scope=3)
        s2m = self.total("market", scope=2)
        s2l = self.total("location", scope=2) if self.has_location_basis else None
        return {
            "scope1": s1,
            "scope2_location": s2l,
            "scope2_market": s2m,
            "scope3": s3,
            "total_location": None if s2l is None else s1 + s2l + s3,
            "total_market": s1 + s2m + s3,
        }

    def scope3_by_category(self) -> dict[str, float]:
        """Scope 3 [t CO2e] keyed "1" … "15" (zero where nothing was reported)."""
        got = self.by("category", scope=3)
        return {str(c): got.get(c, 0.0) for c in SCOPE3_CATEGORIES}

    def shares_pct(self) -> dict[str, Any]:
        """Percent of the market-based total, computed from the totals."""
        t = self.totals()
        grand = t["total_market"] or 0.0

        def pct(x: float | None) -> float:
            return 0.0 if not grand or x is None else 100.0 * x / grand

        return {
            "scope1": pct(t["scope1"]),
            "scope2_market": pct(t["scope2_market"]),
            "scope3": pct(t["scope3"]),
            "scope3_category": {k: pct(v) for k, v in self.scope3_by_category().items()},
        }

    def by_entity(self, basis: str = "market") -> dict[str, float]:
        """Totals [t CO2e] per legal entity (organisation-level rows under ``*``)."""
        out: dict[str, float] = {}
        for site, v in self.by("site", basis).items():
            ent = self.site_entities.get(site, "*")
            out[ent] = out.get(ent, 0.0) + v
        return dict(sorted(out.items()))

    # -- output -------------------------------------------------------------------------------
    def to_dict(self, digits: int = 3) -> dict[str, Any]:
        """The stable JSON document of ``lingtan inventory --format json`` (docs/output.md).

        Masses rounded to ``digits`` decimals of a tonne (1 kg by default); shares to 4 decimals
        of a percent.
        """

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        def rmap(d: Mapping[Any, float]) -> dict[str, float | None]:
            return {str(k): r(v) for k, v in d.items()}

        sh = self.shares_pct()
        return {
            "organisation": self.organisation,
            "fiscal_year": self.fiscal_year,
            "period": {"start": self.period_start, "end": self.period_end},
            "gwp_set": self.gwp_set,
            "consolidation": self.consolidation,
            "units": "t CO2e",
            "totals_tco2e": {k: r(v) for k, v in self.totals().items()},
            "scope1_by_category_tco2e": rmap(self.by("category", scope=1)),
            "scope2_by_category_tco2e": {
                "location": rmap(self.by("category", "location", scope=2))
                if self.has_location_basis
                else None,
                "market": rmap(self.by("category", "market", scope=2)),
            },
            "scope3_by_category_tco2e": rmap(self.scope3_by_category()),
            "iso14064_by_category_tco2e": rmap(self.by("iso_category")),
            "by_gas_tco2e": rmap(self.by("gas")),
            "by_site_tco2e": rmap(self.by("site")),
            "by_entity_tco2e": rmap(self.by_entity()),
            "by_month_tco2e": rmap(self.by("month")),
            "by_tier_tco2e": rmap(self.by("tier")),
            "shares_pct": {
                "scope1": round(sh["scope1"], 4),
                "scope2_market": round(sh["scope2_market"], 4),
                "scope3": round(sh["scope3"], 4),
                "scope3_category": {k: round(v, 4) for k, v in sh["scope3_category"].items()},
            },
            "completeness": {
                "unresolved": list(self.unresolved),
                "not_estimated": list(self.not_estimated),
            },
            "market_based": list(self.market_notes),
            "data_quality": None if self.data_quality is None else dict(self.data_quality),
            "uncertainty": None if self.uncertainty is None else dict(self.uncertainty),
            "snapshot_id": self.snapshot_id,
        }


def build_inventory(rows: Iterable[AggregateRow], **meta: Any) -> Inventory:
    """Make an :class:`Inventory` from aggregated rows and metadata (see its fields)."""
    return Inventory(rows=tuple(rows), **meta)
