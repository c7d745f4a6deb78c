"""Certificates and zero-carbon assessments (``/orgs/{org}/certificates``; issue 16 item 5,
decision 0077).

The schemas list what the service accepts where a list can say it (subject kinds, schemes,
statuses, Scope 2 bases); the level a scheme awards, the subject's existence (a site of the
boundary, a supplier of the register) and the order of the dates are the service's checks
(422 naming the field)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import (
    LINE_PATTERN,
    FiscalYear,
    FromAttributes,
    UtcDateTime,
)
from lingtan.modules.energy.certificates import SCHEMES
from lingtan.modules.energy.zero_carbon import DOMAINS, STAGES

if TYPE_CHECKING:
    Scheme = str
    Stage = str
    Domain = str
else:  # the lists of the module, in the OpenAPI document (enums)
    Scheme = Literal[tuple(SCHEMES)]
    Stage = Literal[STAGES]
    Domain = Literal[DOMAINS]

SubjectKind = Literal["org", "site", "building", "product", "supplier"]
CertStatus = Literal["active", "withdrawn"]
State = Literal["withdrawn", "expired", "expiring_30", "expiring_90", "not_yet_valid", "valid"]
Basis = Literal["market", "location"]
SubjectId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f-\x9f/\\]+$"),
    Field(description="Site code, building, product id, supplier code or organisation name"),
]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=LINE_PATTERN)]
Level = Annotated[
    str, StringConstraints(max_length=60, pattern=LINE_PATTERN), Field(description="e.g. gold")
]


class CertificateCreate(BaseModel):
    """A certificate (its evidence file: ``PUT …/{id}/evidence``)."""

    subject_kind: SubjectKind
    subject_id: SubjectId
    scheme: Scheme
    level: Level | None = None
    issuer: Line
    number: Line | None = None
    issued: date
    valid_until: date | None = Field(None, description="Last valid day; none: no end")
    status: CertStatus = "active"
    note: Line | None = None


class CertificateUpdate(BaseModel):
    """Change a certificate (fields left out are kept; ``status: withdrawn`` withdraws it)."""

    subject_kind: SubjectKind | None = None
    subject_id: SubjectId | None = None
    scheme: Scheme | None = None
    level: Level | None = None
    issuer: Line | None = None
    number: Line | None = None
    issued: date | None = None
    valid_until: date | None = None
    status: CertStatus | None = None
    note: Line | None = None


class CertificatePublic(FromAttributes):
    """A certificate and its state today."""

    id: int
    subject_kind: str
    subject_id: str
    scheme: str
    level: str | None
    issuer: str
    number: str | None
    issued: date
    valid_until: date | None
    status: str
    note: str | None
    evidence_sha256: str | None
    evidence_name: str | None
    state: str


class SchemePublic(BaseModel):
    """A certification scheme: names in English and Chinese, its standard, the subjects and
    levels it takes."""

    code: str
    name_en: str
    name_zh: str
    standard: str
    subjects: list[str]
    levels: list[str]
    evidence: str


class CertReminderPublic(BaseModel):
    """A certificate to renew: days left (negative: expired) and its window (90, 30, 0)."""

    id: int
    subject_kind: str
    subject_id: str
    scheme: str
    valid_until: date
    days_left: int
    window: int
    expired: bool


class CertImportPublic(BaseModel):
    """The ids of the certificates an import created."""

    created: list[int]


class AssessmentCreate(BaseModel):
    """Assess a site in a fiscal year (the result replaces the year's previous one)."""

    site: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LINE_PATTERN)]
    fiscal_year: FiscalYear
    basis: Basis = "market"
    base: FiscalYear | Literal["bau"] = Field(
        "bau", description="bau (modelled from the year's inventory) or a base fiscal year"
    )
    grid_factor: Annotated[float, Field(ge=0, le=10)] | None = Field(
        None, description="t CO2e/MWh; default: the library's factor of the site's region"
    )
    r_own_t: Annotated[float, Field(ge=0, le=1e9)] | None = Field(
        None, description="A typed measured saving [t CO2e] (default: the M&V results)"
    )
    stage: Stage | None = None
    measures: dict[Domain, Annotated[int, Field(ge=0, le=10000)]] = {}


class AssessmentPublic(BaseModel):
    """A zero-carbon assessment [t CO2e]: share_own = (R_own + G) / (R_own + G + C) ≥ threshold
    and net = E_base − R_own − G − C ≤ 0, with the basis and the inputs it rests on."""

    site: str
    fiscal_year: str
    e_base_t: float
    r_own_t: float
    g_t: float
    c_t: float
    share_own: float | None
    net_t: float
    share_ok: bool
    net_ok: bool
    passed: bool
    threshold: float
    basis: dict[str, Any]
    inputs: dict[str, Any]
    assessed_by: str
    assessed_at: UtcDateTime
