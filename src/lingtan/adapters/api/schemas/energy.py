"""Site energy in the API (issue 16, decision 0078): meters, readings (the gateway endpoint),
data gaps, production volumes, the energy indicators of a fiscal year and their roll-up into
the inventory, and the reconciliation of meters with bills.

Names follow decision 0048 (``*Public`` answers, ``*Create`` / ``*Update`` bodies). The values
a meter field takes are the foundation's enums (:mod:`lingtan.modules.energy.meters`), listed in
the OpenAPI document; units: readings in the meter's unit, energy in kWh (electricity) or the
carrier's own unit, tce per GB/T 2589-2020 (both electricity bases named).

The indicators (:class:`SiteEnergyPublic`, :class:`GroupEnergyPublic`) are the documents of
:mod:`lingtan.adapters.services.energy_indicators` (``to_dict``): their common fields are
typed here, the detailed sections (balance, profile, anomalies …) are objects whose keys that
service documents (docs/energy-indicators.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import (
    LINE_PATTERN,
    Code,
    FromAttributes,
    OptionalName,
    clean_text,
)

Carrier = Literal[
    "electricity", "natural_gas", "diesel", "steam", "heat", "chilled_water", "compressed_air",
    "water",
]  # fmt: skip
Measures = Literal["consumption", "generation", "export", "storage_charge", "storage_discharge"]
Source = Literal["grid", "onsite_pv", "wind", "storage", "ppa"]
ValueKind = Literal["interval", "cumulative"]
#: a site, building or line id (the boundary's codes)
SiteCode = Code
Unit = Annotated[
    str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9³/.*^ _-]+$")
]
TimeZone = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_+/-]+$")
]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[a-z0-9_-]+$")]
ProductType = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]


class _MeterFields(BaseModel):
    """The fields of a meter besides its code (see :class:`lingtan.modules.energy.meters.Meter`)."""

    measures: Measures = "consumption"
    source: Source | None = None
    interval_minutes: Annotated[int, Field(ge=1, le=1440, description="[min]")] = 15
    value_kind: ValueKind = "interval"
    parent: Code | None = None
    billing: bool = True
    building: Code | None = None
    line: Code | None = None
    multiplier: Annotated[float, Field(gt=0, le=1e9, description="CT ratio, pulse weight [-]")] = (
        1.0
    )
    tz: TimeZone = "Asia/Shanghai"
    valid_from: date | None = None
    valid_to: date | None = None
    protocol_tag: Tag = "file"
    name: OptionalName = ""


class MeterCreate(_MeterFields):
    """A new meter: its code (unique in the organisation), site, carrier and unit."""

    code: Code
    site: SiteCode
    carrier: Carrier
    unit: Unit


class MeterUpdate(BaseModel):
    """A change of a meter: the fields given (its code stays)."""

    site: SiteCode | None = None
    carrier: Carrier | None = None
    unit: Unit | None = None
    measures: Measures | None = None
    source: Source | None = None
    interval_minutes: Annotated[int | None, Field(ge=1, le=1440)] = None
    value_kind: ValueKind | None = None
    parent: Code | None = None
    billing: bool | None = None
    building: Code | None = None
    line: Code | None = None
    multiplier: Annotated[float | None, Field(gt=0, le=1e9)] = None
    tz: TimeZone | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    protocol_tag: Tag | None = None
    name: OptionalName | None = None


class MeterPublic(FromAttributes):
    """A meter of the organisation."""

    code: str
    site: str
    carrier: str
    unit: str
    measures: str
    source: str | None = None
    interval_minutes: int
    value_kind: str
    parent: str | None = None
    billing: bool
    building: str | None = None
    line: str | None = None
    multiplier: float
    tz: str
    valid_from: date | None = None
    valid_to: date | None = None
    protocol_tag: str
    name: str = ""


class ImportResultPublic(BaseModel):
    """What an import of a register file (meters, production) did: the keys created and
    updated (all or nothing: a file with one wrong cell changes nothing)."""

    created: list[str] = []
    updated: list[str] = []
    rows: int = 0


class RejectedPublic(BaseModel):
    """A row of a readings file refused: file, row (1-based, header row 1), column, reason in
    the request's language."""

    file: str
    row: int
    field: str
    message: str


class ReadingIssuePublic(BaseModel):
    """A finding on accepted readings (negative, spike, reset, gap, duplicate_conflict,
    unaligned, unknown_meter, out_of_service): reported, never interpolated or corrected."""

    kind: str
    meter: str
    ts: datetime | None = None
    message: str
    value: float | None = None


class GapPublic(BaseModel):
    """Intervals without a reading: ``[start, end)`` in UTC and how many intervals are missing."""

    meter: str
    start: datetime
    end: datetime
    missing_intervals: int


class ReadingsReportPublic(BaseModel):
    """What an intake of readings did. ``batch_id`` is the content hash of the batch (a batch
    sent twice is stored once: ``already``); ``duplicates`` are readings already stored with the
    same value, ``corrected`` stored readings replaced with another value. All or nothing: a
    batch with a refused row (``rejected_count`` > 0; the first ones in ``rejected``) stores
    nothing."""

    batch_id: str
    accepted: int
    duplicates: int
    corrected: int = 0
    already: bool = False
    rejected_count: int = 0
    rejected: list[RejectedPublic]
    issues: list[ReadingIssuePublic]
    gaps: list[GapPublic]
    meters: list[str]
    first_ts: datetime | None = None
    last_ts: datetime | None = None


class ProductionCreate(BaseModel):
    """Units produced at a site (and line) of a product type in one month (ISO 50006 EnPI
    denominator): ``comparable`` says whether the product counts for like-for-like intensity;
    ``standard_hours`` [h per unit] is the allocation key when no line meters exist."""

    site: SiteCode
    line: Code | None = None
    product_type: ProductType
    month: date = Field(description="any day of the month (stored as its first day)")
    units: Annotated[float, Field(ge=0, le=1e12)]
    comparable: bool = True
    standard_hours: Annotated[float | None, Field(gt=0, le=1e6)] = None


class ProductionPublic(FromAttributes):
    """A production row."""

    site: str
    line: str | None = None
    product_type: str
    month: date
    units: float
    comparable: bool
    standard_hours: float | None = None


class _Document(BaseModel):
    """An indicators document: the typed fields below and the sections the energy services
    document (more keys may be present)."""

    model_config = ConfigDict(extra="allow")


class SiteEnergyPublic(_Document):
    """A site's energy in a fiscal year: balance (physical units and tce on both bases,
    GB/T 2589-2020), carriers, RE share with its parts (RE100), PV and storage, PUE
    (ISO/IEC 30134-2), intensity by product type with its year-on-year change, anomalies,
    monthly and typical-day load profiles, data gaps."""

    site: str
    fiscal_year: str


class GroupEnergyPublic(_Document):
    """Every site's energy in a fiscal year and the group's totals (group RE share =
    Σ numerators / Σ consumption)."""

    fiscal_year: str
    sites: list[dict[str, Any]] = []


class BillCheckPublic(BaseModel):
    """One site × activity type × month present both in billing meters and in a bill (an
    invoice batch): ``deviation`` = (meters − bill) / bill [-] (null when the bill is 0 or
    its unit cannot be converted) against ``tolerance`` (0.02 by default); ``meters`` and
    ``bill`` in ``unit``; ``bill_rows`` are (file, spreadsheet row) of the bill."""

    site: str
    activity_type: str
    month: str = Field(description="YYYY-MM, local month")
    meters: float
    bill: float
    unit: str
    deviation: float | None = None
    tolerance: float
    within: bool
    meter_codes: list[str] = []
    bill_rows: list[tuple[str, int]] = []


class RollupBatchPublic(BaseModel):
    """One template's roll-up file: its import batch, rows, and the batch it superseded."""

    template: str
    batch_id: str
    file: str
    rows: int
    rows_rejected: int
    supersedes: str | None = None
    already_imported: bool


class RollupPublic(BaseModel):
    """A roll-up of billing meters into activity rows of a fiscal year: the import batches,
    the bill checks (rows not imported because a bill holds them), the months with incomplete
    readings (meter, YYYY-MM, intervals, expected) and the rows that could not be made."""

    fiscal_year: str
    batches: list[RollupBatchPublic]
    bills: list[BillCheckPublic]
    incomplete: list[tuple[str, str, int, int]] = []
    problems: list[str] = []
    rejected: list[str] = []
