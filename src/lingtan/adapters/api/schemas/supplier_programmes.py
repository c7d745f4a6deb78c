"""Supplier projects, the supply-chain KPI and supplier training (``/orgs/{org}/supplier-projects``,
``/orgs/{org}/supplier-training``; issue 15 items 6–7, decision 0067).

Units: t CO2e, MWh, CNY, CNY/t CO2e, t CO2e/MWh; percentages 0–100. The schemas state what the
service accepts where a pattern, a range or a list can say it; the service checks the rest (a
supplier in the register, a period that ends after it starts) and answers 422 naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from lingtan.adapters.api.schemas.common import Code, Name, OptionalName
from lingtan.adapters.api.schemas.targets import KpiStatusPublic

ProjectType = Literal["pv", "compressed_air", "moulding_heating", "dryer", "other"]
EventKind = Literal["course", "webinar", "conference", "lecture"]
Amount = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Carrier = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_.]*$")]
Unit = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9³/._ -]+$")]
Params = dict[str, str | int | float]
#: a project's grid region as the service reads it (upper-cased): an ISO 3166-1 alpha-2 code
#: and up to two sub-codes (``CN``, ``CN-ECGD``, ``US-CA-LA``)
Region = Annotated[
    str, Field(min_length=2, max_length=40, pattern=r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,12}){0,2}$")
]


class Saving(BaseModel):
    """A carrier saved per year (ex ante): electricity in kWh, MWh or GWh."""

    carrier: Carrier
    quantity: Amount
    unit: Unit = "MWh"


class ProjectCreate(BaseModel):
    """A new supplier project; ``supplier`` is the supplier's code in the register;
    ``programmes`` are names or codes (a new one is created)."""

    code: Code
    supplier: Code
    name: Name
    type: ProjectType = "other"
    region: Region = "CN"
    capex_cny: Amount = 0.0
    start: date | None = None
    life_years: Annotated[int, Field(ge=1, le=100)] = 20
    programmes: Annotated[list[Name], Field(max_length=20)] = []
    ex_ante: Annotated[list[Saving], Field(max_length=20)] = []
    ex_ante_t_per_year: Amount | None = None
    factor_basis: OptionalName = ""
    basis_factor: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] | None = None
    attribution_pct: Percent = 100.0


class ProjectUpdate(BaseModel):
    """The fields of a project to change (those given)."""

    code: Code | None = None
    supplier: Code | None = None
    name: Name | None = None
    type: ProjectType | None = None
    region: Region | None = None
    capex_cny: Amount | None = None
    start: date | None = None
    life_years: Annotated[int, Field(ge=1, le=100)] | None = None
    programmes: Annotated[list[Name], Field(max_length=20)] | None = None
    ex_ante: Annotated[list[Saving], Field(max_length=20)] | None = None
    ex_ante_t_per_year: Amount | None = None
    factor_basis: OptionalName | None = None
    basis_factor: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] | None = None
    attribution_pct: Percent | None = None


class MeasurementCreate(BaseModel):
    """A measured result of one period [start, end] (inclusive)."""

    start: date
    end: date
    t_co2e: Amount
    electricity_mwh: Amount = 0.0
    note: OptionalName = ""


class MeasurementPublic(BaseModel):
    """A recorded measured result."""

    id: int
    start: date
    end: date
    t_co2e: float
    electricity_mwh: float
    note: str


class MessagePublic(BaseModel):
    """A catalogue message: its key and parameters (shown in the reader's language)."""

    key: str
    params: Params


class GridFactorPublic(BaseModel):
    """A grid factor of the bundled library [t CO2e/MWh]."""

    factor_id: str
    region: str
    valid_from: date
    value: float


class ImpliedCheckPublic(BaseModel):
    """An implied-factor check: t CO2e / MWh against the highest grid factor of the region."""

    subject: str
    basis: str
    t_co2e: float
    mwh: float
    implied_t_per_mwh: float
    region: str
    highest: GridFactorPublic | None
    exceeds: bool
    reference_factor: float | None
    electricity_worth_t: float | None
    warning: MessagePublic | None


class ProjectPublic(BaseModel):
    """A project with its computed figures (``measured`` only when one project is asked for)."""

    id: str
    supplier: str
    name: str
    type: str
    region: str
    programmes: list[str]
    capex_cny: float
    start: date | None
    life_years: int
    attribution_pct: float
    factor_basis: str
    basis_factor: float | None
    ex_ante: list[Saving]
    ex_ante_t_per_year: float | None
    measurements: int
    cumulative_t: float
    attributed_t: float
    expected_lifetime_t: float | None
    attributed_lifetime_t: float | None
    measured_mwh: float
    lifetime_mwh: float
    cost_per_t_to_date: float | None
    cost_per_t_lifetime: float | None
    checks: list[ImpliedCheckPublic]
    warnings: list[MessagePublic]
    measured: list[MeasurementPublic] | None = None


class ProgrammeSummaryPublic(BaseModel):
    """A programme's totals (``all``: the group, each project once)."""

    name: str
    projects: list[str]
    suppliers: int
    capex_cny: float
    cumulative_t: float
    attributed_t: float
    expected_lifetime_t: float
    lifetime_mwh: float
    cost_per_t_to_date: float | None
    cost_per_t_lifetime: float | None
    check: ImpliedCheckPublic | None
    warning: MessagePublic | None


class OverlapPublic(BaseModel):
    """A project in more than one programme."""

    project: str
    programmes: list[str]


class SupplyChainKpiPublic(KpiStatusPublic):
    """The supply-chain KPI with the first year counted, the programmes counted (empty: all)
    and the progress towards the goal [%]."""

    from_year: str
    programmes: list[str]
    progress_pct: float | None


class ProgrammePublic(BaseModel):
    """A programme."""

    code: str
    name: str
    description: str


class LedgerPublic(BaseModel):
    """The project ledger: every project, each programme, the group, the overlaps, the
    implied-factor warnings and the supply-chain KPI."""

    projects: list[ProjectPublic]
    programmes: list[ProgrammeSummaryPublic]
    group: ProgrammeSummaryPublic
    overlap: list[OverlapPublic]
    double_count_t: float
    warnings: list[MessagePublic]
    kpi: SupplyChainKpiPublic
    programme_names: list[ProgrammePublic]


class EventCreate(BaseModel):
    """A training event."""

    code: Code
    kind: EventKind
    title: Name
    date: date
    organiser: OptionalName = ""


class EventPublic(BaseModel):
    """A training event with its attendance count."""

    code: str
    kind: str
    title: str
    date: date
    organiser: str
    attendances: int


class AttendanceCreate(BaseModel):
    """A person at an event; ``supplier`` is a code in the register (None: no supplier)."""

    person: Name
    supplier: Code | None = None
    completed: bool = True


class AttendancePublic(BaseModel):
    """A recorded attendance."""

    event: str
    person: str
    supplier: str | None
    completed: bool


class AttendanceImportPublic(BaseModel):
    """What an attendance import did."""

    file: str
    rows: int
    events_created: int
    attendances_added: int
    repeats: int


class KindSummaryPublic(BaseModel):
    """Counts of one event kind."""

    kind: str
    events: int
    attendances: int
    people: int
    completed: int


class EventSummaryPublic(BaseModel):
    """One event with its attendance."""

    id: str
    kind: str
    title: str
    date: date
    organiser: str
    attendances: int
    suppliers: int


class SupplierTrainingPublic(BaseModel):
    """One supplier's participation."""

    supplier: str
    attendances: int
    people: int
    events: int
    courses_completed: int


class TrainingSummaryPublic(BaseModel):
    """The training counts of a fiscal year (None: every event)."""

    fiscal_year: str | None
    courses: int
    learners: int
    by_kind: list[KindSummaryPublic]
    events: list[EventSummaryPublic]
    by_supplier: list[SupplierTrainingPublic]
    duplicates: int
