"""The GHG inventory: totals and breakdowns computed from aggregated emission rows.

Standards: GHG Protocol Corporate Standard ch. 9 (reporting: Scopes 1 and 2 separately, Scope 3
by category); Scope 2 Guidance ch. 7 (dual reporting: location- and market-based side by side);
ISO 14064-1:2018 §5.2.4 and Annex B (six categories of emissions). Completeness (GHG Protocol
ch. 1; ISO 14064-1 §5.2, §9.3): :mod:`lingtan.core.completeness`.

Every total and share is computed here from the rows; nothing is copied from any report. Shares
are percent of the market-based total (the basis the source report discloses), rounded to two
decimals only for display: the exact values are kept.

Biogenic CO2 (gas ``CO2biogenic``, :data:`lingtan.core.gwp.CO2_BIOGENIC`) is carried in the rows
but excluded from every scope total, breakdown and share: it is reported on its own line,
outside the scopes (GHG Protocol Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1 e), by
:meth:`Inventory.biogenic_co2` [t CO2] and in the table by gas (:mod:`lingtan.core.gas_table`).

Suppliers and products (decision 0044): a row carries the ``supplier`` and ``product`` of its
activities (null when not stated). :meth:`Inventory.by_supplier` and :meth:`Inventory.by_product`
total every scope, rows without one under :data:`UNATTRIBUTED`, so they add up to the total like
every other breakdown; the document has ``by_supplier_tco2e`` / ``by_product_tco2e`` only when
some row names a supplier (a product), so inventories without them are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lingtan.core.activities import SCOPE3_CATEGORIES
from lingtan.core.completeness import Completeness, Exclusion, assess
from lingtan.core.gwp import CO2_BIOGENIC

if TYPE_CHECKING:  # gas_table imports this module
    from lingtan.core.gas_table import GasTable

KG_PER_T = 1000.0

#: Key of the emissions with no supplier (no product) in :meth:`Inventory.by_supplier` and
#: :meth:`Inventory.by_product`: Scopes 1 and 2, and Scope 3 rows whose file named none. A
#: reserved word: a supplier or product of that id would be counted with them.
UNATTRIBUTED = "unattributed"

#: Method tier of primary (supplier-specific) data (:class:`lingtan.core.activities.Tier`).
PRIMARY_TIER = "supplier_specific"

#: The breakdowns by dimension: document key → row field.
DIMENSION_BREAKDOWNS = {"by_supplier_tco2e": "supplier", "by_product_tco2e": "product"}
_DIMENSIONS = frozenset(DIMENSION_BREAKDOWNS.values())


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
    supplier: str | None = None  # null: not stated (decision 0044)
    product: str | None = None

    def to_state(self) -> dict[str, Any]:
        """The row as stored on its snapshot (``AggregateRow(**state)`` rebuilds it): the
        dimensions only when stated, so the rows of an inventory without suppliers and products
        are stored as they were before those existed."""
        state = dict(self.__dict__)
        for key in DIMENSION_BREAKDOWNS.values():
            if state[key] is None:
                del state[key]
        return state


def _in_basis(row_basis: str, basis: str) -> bool:
    return row_basis == "both" or row_basis == basis


def _counted(r: AggregateRow, where: Mapping[str, Any]) -> bool:
    """Whether ``r`` enters a sum filtered by ``where``: biogenic CO2 only when asked for by
    gas (it is outside the scopes), every other row when it matches every ``field=value``."""
    if r.gas == CO2_BIOGENIC and where.get("gas") != CO2_BIOGENIC:
        return False
    return all(_value(r, k) == v for k, v in where.items())


def _value(r: AggregateRow, key: str) -> Any:
    """``r``'s field ``key``; a supplier or product not stated is :data:`UNATTRIBUTED`, so
    ``supplier="unattributed"`` selects the rows :meth:`Inventory.by_supplier` puts there."""
    v = getattr(r, key)
    return UNATTRIBUTED if v is None and key in _DIMENSIONS else v


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
    #: the Scope 3 exclusions register in force when the snapshot was calculated
    exclusions: tuple[Exclusion, ...] = ()
    #: emissions by Kyoto gas per scope, biogenic CO2 apart (:func:`lingtan.core.gas_table.
    #: kyoto_table`, computed once with the snapshot's GWP set); None when it could not be made
    gas_table: GasTable | None = None
    #: why :attr:`gas_table` is None (an old snapshot without frozen GWPs, a blend without a
    #: composition …); "" when there is a table
    gas_table_note: str = ""

    # -- completeness -------------------------------------------------------------------------
    @cached_property
    def completeness(self) -> Completeness:
        """What was not calculated and what to add (:func:`lingtan.core.completeness.assess`);
        derived from :attr:`unresolved`, so snapshots stored before it existed get one too."""
        reported = {r.category for r in self.rows if r.scope == 3}
        return assess(
            self.unresolved,
            self.not_estimated,
            fiscal_year=self.fiscal_year,
            scope3_reported=reported,
            exclusions=self.exclusions,
            scope3_split=self.split(3) is not False,
        )

    @property
    def status(self) -> str:
        """``complete`` or ``incomplete``."""
        return self.completeness.status

    def split(self, scope: int) -> bool | None:
        """Whether ``scope`` is known per category: None without rows; False when every row of
        the scope is a disclosed figure (method ``disclosed``) booked under one category (a
        disclosed total with no split, docs/completeness.md); else True."""
        rows = [r for r in self.rows if r.scope == scope]
        if not rows:
            return None
        disclosed = all(r.method == "disclosed" for r in rows)
        return not (disclosed and len({r.category for r in rows}) == 1)

    # -- sums ---------------------------------------------------------------------------------
    def total(self, basis: str = "market", **where: Any) -> float:
        """Sum [t CO2e] of rows in ``basis`` matching every ``field=value`` in ``where``.
        Biogenic CO2 is left out unless ``gas=CO2_BIOGENIC`` is asked for (outside the scopes)."""
        kg = sum(r.co2e_kg for r in self.rows if _in_basis(r.basis, basis) and _counted(r, where))
        return kg / KG_PER_T

    def biogenic_co2(self, basis: str = "market", **where: Any) -> float:
        """Biogenic CO2 [t CO2 = t CO2e at GWP 1], reported outside the scopes (GHG Protocol
        Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1 e); never part of :meth:`totals`."""
        return self.total(basis, **{**where, "gas": CO2_BIOGENIC})

    def by(self, key: str, basis: str = "market", **where: Any) -> dict[Any, float]:
        """Totals [t CO2e] grouped by one row field (``category``, ``gas``, ``site`` …);
        biogenic CO2 left out as in :meth:`total`."""
        out: dict[Any, float] = {}
        for r in self.rows:
            if _in_basis(r.basis, basis) and _counted(r, where):
                k = getattr(r, key)
                out[k] = out.get(k, 0.0) + r.co2e_kg / KG_PER_T
        return dict(sorted(out.items()))

    def by_dimension(self, key: str, basis: str = "market", **where: Any) -> dict[str, float]:
        """Totals [t CO2e] by ``supplier`` or ``product`` (:meth:`by`), rows without one under
        :data:`UNATTRIBUTED` (last); biogenic CO2 left out. Sums to :meth:`total` of the same
        ``where`` (decision 0044)."""
        out: dict[str, float] = {}
        none: float | None = None
        for r in self.rows:
            if _in_basis(r.basis, basis) and _counted(r, where):
                k = getattr(r, key)
                if k is None or k == UNATTRIBUTED:
                    none = (none or 0.0) + r.co2e_kg / KG_PER_T
                else:
                    out[k] = out.get(k, 0.0) + r.co2e_kg / KG_PER_T
        got = dict(sorted(out.items()))
        if none is not None:
            got[UNATTRIBUTED] = none
        return got

    def by_supplier(self, basis: str = "market", **where: Any) -> dict[str, float]:
        """Totals [t CO2e] per supplier, :data:`UNATTRIBUTED` for rows without one
        (:meth:`by_dimension`; GHG Protocol Scope 3 Standard ch. 7, supplier-specific data)."""
        return self.by_dimension("supplier", basis, **where)

    def category1_by_supplier(self, basis: str = "market") -> dict[str, float]:
        """Scope 3 category 1 (purchased goods and services) [t CO2e] per supplier,
        :data:`UNATTRIBUTED` for rows without one (:meth:`by_supplier`; GHG Protocol Scope 3
        Standard ch. 7, hybrid method; ISO 14064-1:2018 category 4)."""
        return self.by_supplier(basis, scope=3, category=1)

    def primary_share(self, scope: int = 3, category: int = 1) -> float | None:
        """Share [0–1] of a Scope 3 category's emissions (market basis) computed from primary,
        supplier-specific data — rows of tier ``supplier_specific``: the supplier's own figures
        (an accepted allocation turned into a factor, decision 0066, or a row imported as
        supplier-specific); GHG Protocol Scope 3 Standard §7.3 and §7.5 (report the share of
        data from suppliers). None when the category is empty (no share of nothing)."""
        total = self.total("market", scope=scope, category=category)
        if not total:
            return None
        primary = self.total("market", scope=scope, category=category, tier=PRIMARY_TIER)
        return primary / total

    def has_supplier_specific(self) -> bool:
        """Whether some Scope 3 category 1 row names a supplier and is supplier-specific (tier
        ``supplier_specific``, e.g. an accepted allocation used as a factor): only then does the
        document carry category 1 by supplier and its primary-data share (decision 0066)."""
        return any(
            r.supplier is not None and r.tier == PRIMARY_TIER and r.scope == 3 and r.category == 1
            for r in self.rows
        )

    def by_product(self, basis: str = "market", **where: Any) -> dict[str, float]:
        """Totals [t CO2e] per product, :data:`UNATTRIBUTED` for rows without one."""
        return self.by_dimension("product", basis, **where)

    def has_dimension(self, key: str) -> bool:
        """Whether some row names a ``supplier`` (a ``product``): only then does the document
        carry that breakdown (:data:`DIMENSION_BREAKDOWNS`)."""
        return any(getattr(r, key) is not None for r in self.rows)

    @property
    def has_location_basis(self) -> bool:
        """False when Scope 2 was given only market-based (e.g. a disclosed figure): then the
        location-based totals are not available rather than zero."""
        s2 = [r for r in self.rows if r.scope == 2]
        return not s2 or any(r.basis in ("location", "both") for r in s2)

    def totals(self) -> dict[str, float | None]:
        """Scope totals and grand totals on both Scope 2 bases [t CO2e]; biogenic CO2 is in
        none of them (:meth:`biogenic_co2`)."""
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
            "totals_tco2e": {
                **{k: r(v) for k, v in self.totals().items()},
                "biogenic_co2_outside_scopes": r(self.biogenic_co2()),
            },
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
            **{  # only when some row names one: documents without them are unchanged
                name: rmap(self.by_dimension(key))
                for name, key in DIMENSION_BREAKDOWNS.items()
                if self.has_dimension(key)
            },
            # category 1 by supplier and its primary-data share (decision 0066), only when
            # some supplier's category 1 emissions are supplier-specific: documents without
            # supplier-specific data of a named supplier are unchanged
            **(
                {
                    "scope3_category1_by_supplier_tco2e": rmap(self.category1_by_supplier()),
                    "scope3_category1_primary_share_pct": None
                    if (share := self.primary_share()) is None
                    else round(100.0 * share, 4),
                }
                if self.has_supplier_specific()
                else {}
            ),
            "by_kyoto_gas": None if self.gas_table is None else self.gas_table.to_dict(digits),
            "by_kyoto_gas_note": self.gas_table_note or None,
            "shares_pct": {
                "scope1": round(sh["scope1"], 4),
                "scope2_market": round(sh["scope2_market"], 4),
                "scope3": round(sh["scope3"], 4),
                "scope3_category": {k: round(v, 4) for k, v in sh["scope3_category"].items()},
            },
            "completeness": {
                **self.completeness.to_dict(),
                "unresolved": list(self.unresolved),
                "not_estimated": list(self.not_estimated),
            },
            "split": {f"scope{s}": self.split(s) for s in (1, 2, 3)},
            "market_based": list(self.market_notes),
            "data_quality": None if self.data_quality is None else dict(self.data_quality),
            "uncertainty": None if self.uncertainty is None else dict(self.uncertainty),
            "snapshot_id": self.snapshot_id,
        }


def build_inventory(rows: Iterable[AggregateRow], **meta: Any) -> Inventory:
    """Make an :class:`Inventory` from aggregated rows and metadata (see its fields)."""
    return Inventory(rows=tuple(rows), **meta)
