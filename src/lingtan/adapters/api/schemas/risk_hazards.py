"""Physical risk per site (``/orgs/{org}/risks/sites``; issue 17 item 5, decision 0083).

The schemas state what they can (ranges of coordinates and amounts, the hazards, the pattern of
a pathway); that a site is of the boundary, the organisation's one currency, a year 1950–2150
(0 only for ``historical``) and the shape of a curve are the service's checks (422 naming the
field). Money is in the exposure's ``currency`` per year; intensities in the hazard's unit."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN
from lingtan.modules.risk.physical import HAZARDS

if TYPE_CHECKING:
    HazardCode = str
else:  # the module's list, in the OpenAPI document (an enum)
    HazardCode = Literal[tuple(HAZARDS)]

#: a pathway code (SSP5-8.5, RCP4.5, historical …) or free text
PATHWAY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 .+_-]{0,39}$"
Pathway = Annotated[str, StringConstraints(pattern=PATHWAY_PATTERN, max_length=40)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=LINE_PATTERN)]
Money = Annotated[float, Field(ge=0, le=1e15)]


class ExposureUpdate(BaseModel):
    """A site's exposure (``PUT …/exposure/{site}`` records or replaces it)."""

    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90, description="WGS 84 degrees north")
    longitude: float = Field(ge=-180, le=180, description="WGS 84 degrees east")
    asset_value: Money = Field(description="Replacement value of the assets on site")
    revenue_per_day: Money = Field(description="Revenue lost per day the site is down")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description="ISO 4217; one currency for the whole organisation"
    )
    bi_days: float = Field(ge=0, le=3660, description="Days of interruption at total damage")


class ExposurePublic(BaseModel):
    """A site's exposure record."""

    site: str
    latitude: float
    longitude: float
    asset_value: float
    revenue_per_day: float
    currency: str
    bi_days: float
    updated_at: datetime


class IndicatorPublic(BaseModel):
    """A hazard indicator: value [unit] at a site under a pathway and year, at a return period
    [years] (null: chronic)."""

    id: int
    site: str
    hazard: str
    pathway: str
    year: int
    return_period: float | None
    value: float
    unit: str
    source: str


class ImportCountPublic(BaseModel):
    """How many exposure records an import wrote."""

    written: int


class HazardImportPublic(BaseModel):
    """What an indicator import did: rows created, stored rows of the same key replaced."""

    created: int
    replaced: int


class LayerPublic(BaseModel):
    """A pathway and year with indicators."""

    pathway: str
    year: int


class CurveUpdate(BaseModel):
    """An organisation's damage curve of an acute hazard: [[intensity, damage 0–1], …]."""

    model_config = ConfigDict(extra="forbid")

    points: list[Annotated[list[Annotated[float, Field(ge=0, le=1e6)]],
                           Field(min_length=2, max_length=2)]] = Field(
        min_length=2, max_length=50
    )  # fmt: skip
    label: Line
    source: Line


class CurvePublic(BaseModel):
    """A damage curve (``default``: lingtan's illustrative one)."""

    hazard: str
    unit: str
    points: list[list[float]]
    label: str
    source: str
    default: bool


class HazardLossPublic(BaseModel):
    """One acute hazard at a site: expected annual damage fraction [1/yr], EAD, downtime
    [days/yr] and BI [currency/yr]."""

    hazard: str
    fraction: float
    ead: float
    downtime_days: float
    bi: float
    curve: str
    points: list[list[float]]


class SiteRiskPublic(BaseModel):
    """A site's EAD and BI [currency/yr] and its chronic indicators."""

    site: str
    currency: str
    asset_value: float
    revenue_per_day: float
    ead: float
    bi: float
    downtime_days: float
    chronic: dict[str, float]
    losses: list[HazardLossPublic]


class GroupRiskPublic(BaseModel):
    """The group's sums [currency/yr]."""

    currency: str
    sites: int
    asset_value: float
    ead: float
    bi: float
    downtime_days: float
    total: float
    by_hazard: dict[str, float]


class SiteRisksPublic(BaseModel):
    """Per site and for the group under a pathway in a year."""

    pathway: str
    year: int
    sites: list[SiteRiskPublic]
    group: GroupRiskPublic | None
    without_exposure: list[str]


class SharePublic(BaseModel):
    """IFRS S2 ¶29(c): shares (0–1) of asset value and revenue at sites at or above the
    threshold."""

    hazard: str
    threshold: float
    return_period: float | None
    sites_above: list[str]
    asset_value_above: float
    asset_value_total: float
    revenue_per_day_above: float
    revenue_per_day_total: float
    assets_share: float | None
    revenue_share: float | None
