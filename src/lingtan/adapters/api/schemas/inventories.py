"""Calculations, snapshots, inventories, breakdowns and lineage (``/orgs/{org}/calculations``,
``/snapshots``, ``/inventories``, ``/snapshots/{id}/explain``). Masses in t CO2e."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lingtan.adapters.api.schemas.common import FiscalYear, FromAttributes, UtcDateTime

#: completeness of an inventory (docs/completeness.md)
Status = Literal["complete", "incomplete"]


class CalculationCreate(BaseModel):
    """Calculate a fiscal year (e.g. FY2023/24); GWP set defaults to the workspace's."""

    fiscal_year: FiscalYear
    gwp_set: Literal["AR4", "AR5", "AR6"] | None = None


class SnapshotPublic(FromAttributes):
    """A stored calculation; total in t CO2e (market-based)."""

    id: str
    fiscal_year: str
    created_at: UtcDateTime
    gwp_set: str
    consolidation: str
    total_market_t: float
    #: completeness (docs/completeness.md): ``incomplete`` when activity rows were not calculated
    status: Status = "complete"
    rows_not_calculated: int = 0


class TrendPointPublic(BaseModel):
    """The totals of one fiscal year's newest snapshot [t CO2e; null: not calculated on that
    basis]. Open: the keys of ``Inventory.totals`` are kept as they are (``extra="allow"``), the
    known ones are typed here."""

    model_config = ConfigDict(extra="allow")

    fiscal_year: str
    snapshot_id: str
    scope1: float | None
    scope2_location: float | None
    scope2_market: float | None
    scope3: float | None
    total_location: float | None
    total_market: float | None
    status: Status


class InventoryYearsPublic(BaseModel):
    """Fiscal years with a calculated inventory, and the base year."""

    fiscal_years: list[str]
    base_year: str | None
    trend: list[TrendPointPublic]


class AggregateRowPublic(BaseModel):
    """One aggregated slice of emission rows (scope × category × site × month × gas …)
    [t CO2e]. Open (``extra="allow"``): further dimensions of the slice are kept."""

    model_config = ConfigDict(extra="allow")

    scope: int
    category: int
    iso_category: int
    basis: str
    gas: str
    site: str
    month: str
    method: str
    tier: str
    tco2e: float | None
    rows: int


class InventoryPublic(BaseModel):
    """The inventory of a fiscal year (newest snapshot): the document of docs/output.md (totals,
    breakdowns, shares, completeness, data quality, uncertainty) with its ``status``, plus
    ``fiscal_years``, ``base_year``, ``trend`` and ``aggregate_rows``.

    An open document (``extra="allow"``): the top-level fields known here are typed, and every
    other key of the document (breakdowns by further dimensions, sections added later) is kept
    as it is; breakdown keys (categories, sites, gases, months …) are data, not fields.
    """

    model_config = ConfigDict(extra="allow")

    organisation: str
    fiscal_year: str
    period: dict[str, str]
    gwp_set: str
    consolidation: str
    units: str
    totals_tco2e: dict[str, float | None]
    scope1_by_category_tco2e: dict[str, float | None]
    scope2_by_category_tco2e: dict[str, dict[str, float | None] | None]
    scope3_by_category_tco2e: dict[str, float | None]
    iso14064_by_category_tco2e: dict[str, float | None]
    by_gas_tco2e: dict[str, float | None]
    by_site_tco2e: dict[str, float | None]
    by_entity_tco2e: dict[str, float | None]
    by_month_tco2e: dict[str, float | None]
    by_tier_tco2e: dict[str, float | None]
    by_kyoto_gas: dict[str, Any] | None
    by_kyoto_gas_note: str | None
    shares_pct: dict[str, Any]
    completeness: dict[str, Any]
    split: dict[str, bool | None]
    market_based: list[dict[str, Any]]
    data_quality: dict[str, Any] | None
    uncertainty: dict[str, Any] | None
    snapshot_id: str
    status: Status
    fiscal_years: list[str]
    base_year: str | None
    trend: list[TrendPointPublic]
    aggregate_rows: list[AggregateRowPublic]


class BreakdownRowPublic(BaseModel):
    """One line of a breakdown [t CO2e; % of the basis total]."""

    key: str
    tco2e: float
    share_pct: float


class BreakdownPublic(BaseModel):
    """An inventory split by one dimension."""

    fiscal_year: str
    by: str
    basis: str
    unit: str = "t CO2e"
    total_tco2e: float
    rows: list[BreakdownRowPublic]
    #: completeness of the inventory the breakdown is taken from (docs/completeness.md)
    status: Status = "complete"


class ExplanationPublic(BaseModel):
    """The emission rows behind one figure, recomputed (ISO 14064-3 verification)."""

    snapshot_id: str
    fiscal_year: str
    gwp_set: str
    selection: dict[str, Any]
    description: str
    recomputed_t: float
    reported_t: float
    matches: bool
    methods: list[str]
    factors: list[dict[str, Any]]
    total_rows: int
    offset: int
    rows: list[dict[str, Any]]
