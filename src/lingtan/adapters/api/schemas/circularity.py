"""Circularity ledgers and their eight KPIs (``/orgs/{org}/circularity``; issue 19 item 5,
decision 0100).

The schemas list what the service accepts where a list can say it (materials, packaging
materials, asset kinds, programmes, routes, device categories, recycler services and statuses);
the rules across fields (net ≤ gross, returned + lost ≤ issued, both factors or none with a
source, an approved recycler's three approvals) are the service's checks (422 naming the field).
Masses in kg, factors in kg CO2e/kg."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN
from lingtan.modules.circularity import ledgers as lm

if TYPE_CHECKING:
    Material = str
    PackMaterial = str
    AssetKind = str
    Programme = str
    Route = str
    DeviceCategory = str
    RecyclerStatus = str
    RecyclerService = str
    Kind = str
else:  # the lists of the module, in the OpenAPI document (enums)
    Material = Literal[tuple(lm.MATERIALS)]
    PackMaterial = Literal[lm.PACKAGING_MATERIALS]
    AssetKind = Literal[lm.ASSET_KINDS]
    Programme = Literal[lm.PROGRAMMES]
    Route = Literal[lm.ROUTES]
    DeviceCategory = Literal[lm.DEVICE_CATEGORIES]
    RecyclerStatus = Literal[lm.RECYCLER_STATUSES]
    RecyclerService = Literal[lm.RECYCLER_SERVICES]
    Kind = Literal[lm.KINDS]

#: a ledger year: a calendar year (2023) or a fiscal-year label (FY2023/24, FY2023-24)
LedgerYear = Annotated[
    str,
    StringConstraints(pattern=r"^(?:FY\d{4}[/-]\d{2}|\d{4})$", max_length=12),
    Field(description="A calendar year (2023) or a fiscal year (FY2023/24)"),
]
Kg = Annotated[float, Field(ge=0, le=1e10, description="kg")]
Ef = Annotated[float, Field(ge=0, le=1000, description="kg CO2e/kg")]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
RecyclerCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


Line80 = Annotated[str, StringConstraints(max_length=80, pattern=LINE_PATTERN)]
Line120 = Annotated[str, StringConstraints(max_length=120, pattern=LINE_PATTERN)]
Line200 = Annotated[str, StringConstraints(max_length=200, pattern=LINE_PATTERN)]
Line300 = Annotated[str, StringConstraints(max_length=300, pattern=LINE_PATTERN)]
Note = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MaterialCreate(_Body):
    """A recycled or bio-based material input of a year: net (and gross part) mass [kg]; the
    two factors with their source give the emissions AVOIDED (never deducted)."""

    year: LedgerYear
    material: Material
    net_kg: Kg
    gross_kg: Kg | None = None
    product_line: Line120 | None = None
    certificate: Line200 | None = Field(None, description="e.g. UL 2809 validation")
    supplier: Line120 | None = None
    ef_virgin: Ef | None = None
    ef_recycled: Ef | None = None
    ef_source: Line300 | None = None
    synthetic: bool = False
    note: Note | None = None


class MaterialUpdate(_Body):
    """Change a material row (fields left out are kept)."""

    year: LedgerYear | None = None
    material: Material | None = None
    net_kg: Kg | None = None
    gross_kg: Kg | None = None
    product_line: Line120 | None = None
    certificate: Line200 | None = None
    supplier: Line120 | None = None
    ef_virgin: Ef | None = None
    ef_recycled: Ef | None = None
    ef_source: Line300 | None = None
    synthetic: bool | None = None
    note: Note | None = None


class PackagingCreate(_Body):
    """A packaging change of a product line: kg per unit before and after, units shipped."""

    year: LedgerYear
    line: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=LINE_PATTERN)]
    material: PackMaterial
    kg_per_unit_before: Kg
    kg_per_unit_after: Kg
    units: Count
    synthetic: bool = False
    note: Note | None = None


class PackagingUpdate(_Body):
    """Change a packaging row."""

    year: LedgerYear | None = None
    line: Line120 | None = None
    material: PackMaterial | None = None
    kg_per_unit_before: Kg | None = None
    kg_per_unit_after: Kg | None = None
    units: Count | None = None
    synthetic: bool | None = None
    note: Note | None = None


class ReturnableCreate(_Body):
    """Returnable assets of a programme over a period: issued, returned, lost (none: not
    counted)."""

    asset_kind: AssetKind
    programme: Annotated[str, StringConstraints(min_length=1, max_length=120,
                                                pattern=LINE_PATTERN)]  # fmt: skip
    site: Line80 | None = None
    period_start: date
    period_end: date
    issued: Count
    returned: Count
    lost: Count | None = None
    synthetic: bool = False
    note: Note | None = None


class ReturnableUpdate(_Body):
    """Change a returnable-asset row."""

    asset_kind: AssetKind | None = None
    programme: Line120 | None = None
    site: Line80 | None = None
    period_start: date | None = None
    period_end: date | None = None
    issued: Count | None = None
    returned: Count | None = None
    lost: Count | None = None
    synthetic: bool | None = None
    note: Note | None = None


class TakeBackCreate(_Body):
    """Devices taken back on a day: count, mass, route, the recycler (its code) and the
    certificates."""

    day: date
    programme: Programme
    device_category: DeviceCategory
    count: Annotated[int, Field(ge=1, le=1_000_000_000)]
    route: Route
    kg: Kg | None = None
    customer: Line200 | None = None
    recycler: RecyclerCode | None = None
    sanitisation_cert: Line200 | None = Field(None, description="data-sanitisation certificate")
    recycling_cert: Line200 | None = None
    residual_value: Annotated[float, Field(ge=0, le=1e10)] | None = None
    synthetic: bool = False
    note: Note | None = None


class TakeBackUpdate(_Body):
    """Change a take-back row."""

    day: date | None = None
    programme: Programme | None = None
    device_category: DeviceCategory | None = None
    count: Annotated[int, Field(ge=1, le=1_000_000_000)] | None = None
    route: Route | None = None
    kg: Kg | None = None
    customer: Line200 | None = None
    recycler: RecyclerCode | None = None
    sanitisation_cert: Line200 | None = None
    recycling_cert: Line200 | None = None
    residual_value: Annotated[float, Field(ge=0, le=1e10)] | None = None
    synthetic: bool | None = None
    note: Note | None = None


class RecyclerCreate(_Body):
    """An approved recycler: the three approvals, contract terms, the OECD export rule."""

    code: RecyclerCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=LINE_PATTERN)]
    region: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LINE_PATTERN)]
    services: list[RecyclerService] = []
    supplier_audit: date | None = None
    environmental_audit: date | None = None
    document_approval: date | None = None
    contract_terms: bool = False
    oecd_export_ok: bool = False
    status: RecyclerStatus = "approved"
    expires: date | None = None
    synthetic: bool = False
    note: Note | None = None


class RecyclerUpdate(_Body):
    """Change a recycler."""

    code: RecyclerCode | None = None
    name: Line300 | None = None
    region: Line80 | None = None
    services: list[RecyclerService] | None = None
    supplier_audit: date | None = None
    environmental_audit: date | None = None
    document_approval: date | None = None
    contract_terms: bool | None = None
    oecd_export_ok: bool | None = None
    status: RecyclerStatus | None = None
    expires: date | None = None
    synthetic: bool | None = None
    note: Note | None = None


class _Row(BaseModel):
    id: int
    synthetic: bool
    note: str | None
    source_file: str | None
    source_row: int | None


class MaterialPublic(_Row):
    """A material row and the emissions it AVOIDED [kg CO2e] (None: a factor missing)."""

    year: str
    material: str
    product_line: str | None
    gross_kg: float | None
    net_kg: float
    certificate: str | None
    supplier: str | None
    ef_virgin: float | None
    ef_recycled: float | None
    ef_source: str | None
    avoided_kg_co2e: float | None


class PackagingPublic(_Row):
    """A packaging row and the mass it avoided [kg]."""

    year: str
    line: str
    material: str
    kg_per_unit_before: float
    kg_per_unit_after: float
    units: int
    avoided_kg: float


class ReturnablePublic(_Row):
    """A returnable-asset row."""

    asset_kind: str
    programme: str
    site: str | None
    period_start: date
    period_end: date
    issued: int
    returned: int
    lost: int | None


class TakeBackPublic(_Row):
    """A take-back row."""

    day: date
    programme: str
    customer: str | None
    device_category: str
    count: int
    kg: float | None
    route: str
    recycler: str | None
    sanitisation_cert: str | None
    recycling_cert: str | None
    residual_value: float | None


class RecyclerPublic(_Row):
    """An approved recycler."""

    code: str
    name: str
    region: str
    services: list[str]
    supplier_audit: date | None
    environmental_audit: date | None
    document_approval: date | None
    contract_terms: bool
    oecd_export_ok: bool
    status: str
    expires: date | None


class CircImportPublic(BaseModel):
    """The ledger and the ids of the rows an import created."""

    kind: str
    created: list[int]


class FigurePublic(BaseModel):
    """One figure of the eight KPIs: value (None: not available, ``reason`` says why), unit,
    the parts it was computed from; ``avoided`` marks emissions AVOIDED (never deducted from an
    inventory) with the factors' ``sources``."""

    key: str
    kpi: str
    value: float | None
    unit: str
    digits: int
    parts: dict[str, float]
    reason: str | None
    avoided: bool
    sources: list[str]


class CircKpisPublic(BaseModel):
    """The eight KPIs of a period."""

    year: str
    period_start: date
    period_end: date
    figures: list[FigurePublic]
