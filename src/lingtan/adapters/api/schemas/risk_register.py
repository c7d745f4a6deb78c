"""The climate risk and opportunity register (``/orgs/{org}/risks``; issue 17 items 1–2,
decision 0080).

The schemas list what the service accepts where a list can say it (kinds, categories, drivers,
horizons, value-chain positions, responses, financial lines); that the category belongs to the
kind, the driver fits the category, the ratings lie within the organisation's matrix and the
links exist are the service's checks (422 naming the field)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN
from lingtan.modules.risk import catalogue as cat

if TYPE_CHECKING:
    Category = str
    Driver = str
else:  # the lists of the catalogue, in the OpenAPI document (enums)
    Category = Literal[tuple(cat.CATEGORIES)]
    Driver = Literal[tuple(cat.DRIVERS)]

ItemKind = Literal["risk", "opportunity"]
Horizon = Literal["short", "medium", "long"]
ValueChain = Literal["own_operations", "upstream", "downstream"]
Response = Literal["mitigate", "transfer", "accept", "avoid", "pursue"]
FinancialLine = Literal["revenue", "opex", "capex", "cost_of_capital"]
Status = Literal["open", "closed"]
Band = Literal["very_high", "high", "medium", "low", "unrated"]
Aggregation = Literal["max", "mean"]

ItemCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    Field(description="The item's code (not a page name: aspects, scenarios, sites, …)"),
]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=LINE_PATTERN)]
ShortLine = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=LINE_PATTERN)]
LinkId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LINE_PATTERN)]
Text = Annotated[
    str,
    StringConstraints(max_length=4000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"),
]
DimensionName = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")
]
Level = Annotated[int, Field(ge=1, le=10)]
Amount = Annotated[float, Field(allow_inf_nan=False)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class FinancialEffect(BaseModel):
    """The financial effect: line of the statements, low / central / high (low ≤ central ≤
    high), currency (ISO 4217) — IFRS S2 ¶15–21."""

    model_config = ConfigDict(extra="forbid")

    line: FinancialLine | None = None
    low: Amount | None = None
    central: Amount | None = None
    high: Amount | None = None
    currency: Currency | None = None


class Links(BaseModel):
    """What the item concerns: site codes of the boundary, supplier codes of the register,
    product ids, target and project ids of the targets file."""

    model_config = ConfigDict(extra="forbid")

    sites: list[LinkId] = Field(default_factory=list, max_length=200)
    suppliers: list[LinkId] = Field(default_factory=list, max_length=200)
    products: list[LinkId] = Field(default_factory=list, max_length=200)
    targets: list[LinkId] = Field(default_factory=list, max_length=200)
    projects: list[LinkId] = Field(default_factory=list, max_length=200)


class RiskItemCreate(BaseModel):
    """A risk or opportunity; rated under the organisation's matrix when ``likelihood`` and a
    consequence are given."""

    model_config = ConfigDict(extra="forbid")

    code: ItemCode
    kind: ItemKind
    category: Category
    driver: Driver
    title: Line
    description: Text | None = None
    horizons: list[Horizon] = Field(default_factory=list, max_length=3)
    value_chain: list[ValueChain] = Field(default_factory=list, max_length=3)
    owner: ShortLine | None = None
    owner_unit: ShortLine | None = None
    key_unit: bool = False
    likelihood: Level | None = Field(None, description="1 impossible … 4 almost certain")
    consequences: dict[DimensionName, Level] = Field(
        default_factory=dict, description="dimension → 1–5 (finance, reputation, …)"
    )
    response: Response | None = None
    actions: list[Line] = Field(default_factory=list, max_length=100)
    financial: FinancialEffect | None = None
    links: Links | None = None
    last_reviewed: date | None = None
    source: Line | None = None


class RiskItemUpdate(BaseModel):
    """Change an item (fields left out are kept; the code stays)."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind | None = None
    category: Category | None = None
    driver: Driver | None = None
    title: Line | None = None
    description: Text | None = None
    horizons: list[Horizon] | None = Field(None, max_length=3)
    value_chain: list[ValueChain] | None = Field(None, max_length=3)
    owner: ShortLine | None = None
    owner_unit: ShortLine | None = None
    key_unit: bool | None = None
    likelihood: Level | None = None
    consequences: dict[DimensionName, Level] | None = None
    response: Response | None = None
    actions: list[Line] | None = Field(None, max_length=100)
    financial: FinancialEffect | None = None
    links: Links | None = None
    last_reviewed: date | None = None
    status: Status | None = None
    source: Line | None = None


class RiskItemPublic(BaseModel):
    """An item with its rating (score = L × C, band) and review dates."""

    code: str
    kind: str
    category: str
    driver: str
    title: str
    description: str | None
    horizons: list[str]
    value_chain: list[str]
    owner: str | None
    owner_unit: str | None
    key_unit: bool
    likelihood: int | None
    consequences: dict[str, int]
    score: float | None
    band: str | None
    response: str | None
    actions: list[str]
    financial: dict[str, str | float]
    links: dict[str, list[str]]
    last_reviewed: date | None
    next_review: date | None
    overdue: bool
    status: str
    source: str | None


class RiskReviewCreate(BaseModel):
    """A review: the ratings given (the item takes them), the day (default today), a note."""

    model_config = ConfigDict(extra="forbid")

    likelihood: Level | None = None
    consequences: dict[DimensionName, Level] = Field(default_factory=dict)
    reviewed: date | None = None
    note: Text | None = None


class RiskReviewPublic(BaseModel):
    """A review with the score and band it came to."""

    reviewed: date
    reviewer: str
    likelihood: int | None
    consequences: dict[str, int]
    score: float | None
    band: str | None
    note: str | None


class RiskImportPublic(BaseModel):
    """What an import did: the codes created and updated."""

    created: list[str]
    updated: list[str]


class BandBound(BaseModel):
    """A band and the lowest score in it."""

    model_config = ConfigDict(extra="forbid")

    band: Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[a-z_]+$")]
    min: Annotated[float, Field(ge=0, allow_inf_nan=False)]


class RiskMatrixUpdate(BaseModel):
    """A new matrix (fields left out take lingtan's defaults)."""

    model_config = ConfigDict(extra="forbid")

    likelihood_levels: Annotated[int, Field(ge=2, le=10)] | None = None
    consequence_levels: Annotated[int, Field(ge=2, le=10)] | None = None
    dimensions: list[DimensionName] | None = Field(None, min_length=1, max_length=20)
    aggregation: Aggregation | None = None
    bands: list[BandBound] | None = Field(None, min_length=1, max_length=10)
    horizons: dict[Horizon, Annotated[list[Annotated[int, Field(ge=0, le=200)]],
                                      Field(min_length=2, max_length=2)]] | None = None  # fmt: skip
    cadence: dict[Literal["default", "very_high", "key_unit"],
                  Annotated[int, Field(ge=1, le=60)]] | None = None  # fmt: skip


class RiskMatrixPublic(BaseModel):
    """The organisation's matrix; ``bands_source`` ``lingtan`` marks lingtan's default bands
    (the source report publishes none)."""

    likelihood_levels: int
    consequence_levels: int
    dimensions: list[str]
    aggregation: str
    bands: list[BandBound]
    bands_source: str
    horizons: dict[str, list[int]]
    cadence: dict[str, int]


class RiskMatrixSetPublic(BaseModel):
    """The stored matrix and the number of items re-rated under it."""

    matrix: RiskMatrixPublic
    rerated: int


class HeatCell(BaseModel):
    """One cell of the heat map: likelihood × consequence, the band of its score, the open
    rated items in it."""

    likelihood: int
    consequence: int
    band: str
    count: int
    codes: list[str]


class HeatMapPublic(BaseModel):
    """The heat map; ``rated`` = the sum of the counts."""

    likelihood_levels: int
    consequence_levels: int
    cells: list[HeatCell]
    rated: int
    unrated: int


class DueReviewPublic(BaseModel):
    """An open item whose review is due (never reviewed, overdue, or within 30 days)."""

    code: str
    title: str
    band: str | None
    owner: str | None
    owner_unit: str | None
    key_unit: bool
    last_reviewed: date | None
    next_review: date | None
    overdue: bool
