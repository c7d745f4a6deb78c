"""Scenario data sets, runs and the conclusion (``/orgs/{org}/risks/scenarios``; issue 17 item
4, decision 0082). Money is in the scenario's currency; emissions in t CO2e; electricity in
kWh; shares as fractions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lingtan.adapters.api.schemas.common import FiscalYear, UtcDateTime

Year = Annotated[int, Field(ge=2000, le=2200)]


class PointPublic(BaseModel):
    """One value of a series: variable, region, calendar year, central value, range."""

    variable: str
    region: str
    year: int
    value: float
    low: float | None = None
    high: float | None = None


class ScenarioPublic(BaseModel):
    """A scenario data set: its id (``code``), label, warming [°C], pathway, source, licence,
    edition, currency, whether it is illustrative, its content sha256 and points."""

    code: str
    label: str
    warming: float
    pathway: str
    source: str
    source_url: str
    licence: str
    edition: str
    currency: str
    base_year: int | None
    illustrative: bool
    hazard_pathway: str = Field(description="pathway of the hazard data of the physical side")
    description: str
    content_sha256: str
    years: list[int]
    variables: list[str]
    points: list[PointPublic]
    created_by: str
    created_at: UtcDateTime


class WarmingLevelPublic(BaseModel):
    """An IPCC AR6 warming level cited by lingtan [°C above 1850–1900]."""

    scenario: str
    period: str
    best: float
    low: float | None
    high: float | None
    source: str


class ScenarioRunCreate(BaseModel):
    """A run of a scenario on a fiscal year's newest inventory."""

    model_config = ConfigDict(extra="forbid")

    scenario: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9._-]+$")]
    fiscal_year: FiscalYear
    years: Annotated[list[Year] | None, Field(min_length=1, max_length=20)] = None
    revenue_lowcarbon: Annotated[float | None, Field(ge=0, le=1e15)] = Field(
        None, description="revenue of low-carbon products in the inventory year [currency]"
    )
    bau_growth: Annotated[float, Field(ge=-0.5, le=0.5)] = Field(
        0.0, description="business-as-usual growth [fraction per year]"
    )
    physical_base: Annotated[float | None, Field(ge=0, le=1e15)] = Field(
        None, description="current expected annual physical loss [currency]"
    )


class RangePublic(BaseModel):
    """A low–central–high figure [currency]."""

    low: float
    central: float
    high: float


class YearResultPublic(BaseModel):
    """One horizon year: the lines, risks, opportunities and net effect [currency]."""

    year: int
    lines: dict[str, RangePublic]
    risks: RangePublic
    opportunities: RangePublic
    net: RangePublic


class NotePublic(BaseModel):
    """A note of a run: its catalogue key, parameters and English text."""

    key: str
    params: dict[str, str | int | float]
    text: str


class RunInputsPublic(BaseModel):
    """The organisation's figures a run read (units in the names)."""

    fiscal_year: str
    inventory_year: int
    snapshot_id: str
    scope1_t: dict[str, float]
    kwh: dict[str, float]
    scope2_location_t: dict[str, float]
    cat1_t: float
    revenue_lowcarbon: float | None
    bau_growth: float
    target_fraction: dict[str, float]
    physical: dict[str, list[float]]
    physical_base: float | None


class ScenarioRunPublic(BaseModel):
    """A stored run: its id (sha256 of every input), scenario, inventory, inputs, results."""

    run_id: str
    scenario: str
    scenario_sha256: str
    label: str
    warming: float
    pathway: str
    currency: str
    fiscal_year: str
    snapshot_id: str
    method_version: str
    lingtan_version: str
    years: list[int]
    inputs: RunInputsPublic
    results: list[YearResultPublic]
    notes: list[NotePublic]
    created_by: str
    created_at: UtcDateTime


class ConclusionRowPublic(BaseModel):
    """One run in the conclusion: label, warming [°C], central net effect [currency]."""

    label: str
    warming: float
    net: float


class ConclusionPublic(BaseModel):
    """The computed conclusion: the sentence, the year compared, whether opportunities exceed
    risks at the coolest scenario, and every run's net effect (warmest first)."""

    text: str
    key: str
    year: int | None
    opportunities_exceed: bool | None
    rows: list[ConclusionRowPublic]
