"""Request and response bodies of the API (Pydantic 2), split Create / Update / Public.

Every text field is bounded and refuses NUL characters and unpaired surrogates (neither
SQLite nor PostgreSQL can store them): invalid input is a 422 naming the field, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.store.bootstrap import SLUG_PATTERN
from lingtan.adapters.store.tenancy import Role


def _clean(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


#: one line of text without control characters (C0, DEL, C1) or the non-characters U+FFFE/FFFF:
#: names end up in YAML and CSV files and page titles (ASVS V5.1.3; the document says so,
#: V13.1: decision 0038)
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*$"
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(_clean),
]
OptionalName = Annotated[
    str,
    StringConstraints(max_length=200, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(_clean),
]
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Region = Annotated[
    str,
    StringConstraints(min_length=2, max_length=20, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$"),
]
Email = Annotated[
    str,
    StringConstraints(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$",
    ),
    AfterValidator(_clean),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200), AfterValidator(_clean)]
FiscalYear = Annotated[
    str,
    StringConstraints(max_length=20, pattern=r"^(?:FY|CY|fy|cy)?\d{4}(?:[-/]\d{2}(?:\d{2})?)?$"),
]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: a time as RFC 3339 ``date-time`` with its offset (``…Z``): the store keeps naive UTC times,
#: and a time without an offset is not a ``date-time`` (ASVS V13.1: responses match the
#: OpenAPI document; decision 0038)
UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- auth -------------------------------------------------------------------------------------


class LoginIn(BaseModel):
    """E-mail and password; ``otp``: the current code of the second factor, or one of its
    recovery codes, when the account has one (decision 0034)."""

    email: Email
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=200), AfterValidator(_clean)
    ]
    otp: Annotated[str, StringConstraints(max_length=20, pattern=r"^[0-9a-zA-Z -]*$")] | None = None


class UserPublic(_Out):
    """A user as others see them."""

    id: int
    email: str
    name: str
    locale: str


class OrganisationPublic(_Out):
    """An organisation, with the caller's role in it."""

    id: int
    slug: str
    name: str
    created_at: UtcDateTime
    role: Role | None = None


class MePublic(BaseModel):
    """The logged-in user and their organisations."""

    user: UserPublic
    organisations: list[OrganisationPublic]


class TokenCreate(BaseModel):
    """A new API token (belongs to the caller, in one organisation). It grants the lesser of
    its ``scope`` and the caller's role (decision 0034); ``expires_in_days`` (optional) ends
    it."""

    name: Name
    scope: Literal["read", "write", "admin"] = "admin"
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TokenPublic(_Out):
    """An API token (never the secret)."""

    id: int
    name: str
    prefix: str
    user_id: int
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    scope: str
    expires_at: UtcDateTime | None


class TokenCreated(TokenPublic):
    """A token just created: ``token`` is shown this once."""

    token: str


# -- organisations and members ----------------------------------------------------------------


class OrganisationCreate(BaseModel):
    """A new organisation; the caller becomes its owner."""

    slug: Slug
    name: Name
    region: Region = "CN"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 4


class OrganisationUpdate(BaseModel):
    """Rename an organisation."""

    name: Name


class MemberCreate(BaseModel):
    """Add a user (by e-mail) with a role; a new user needs a password."""

    email: Email
    role: Role
    name: OptionalName = ""
    password: Password | None = None


class MemberUpdate(BaseModel):
    """Change a member's role."""

    role: Role


class MemberPublic(BaseModel):
    """A member of the organisation."""

    user_id: int
    email: str
    name: str
    role: Role


# -- boundary ---------------------------------------------------------------------------------


class EntityCreate(BaseModel):
    """A legal entity (GHG Protocol ch. 3): ownership [%] and control flags decide its share."""

    code: Code
    name: Name
    parent_code: Code | None = None
    ownership_pct: Annotated[float, Field(ge=0, le=100)] = 100.0
    operational_control: bool = True
    financial_control: bool = True
    country: Annotated[str, StringConstraints(max_length=10, pattern=r"^[A-Za-z]{0,3}$")] = ""


class EntityUpdate(BaseModel):
    """Change an entity (fields left out are kept)."""

    name: Name | None = None
    parent_code: Code | None = None
    ownership_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    operational_control: bool | None = None
    financial_control: bool | None = None
    country: Annotated[str, StringConstraints(max_length=10, pattern=r"^[A-Za-z]{0,3}$")] | None = (
        None
    )


class EntityPublic(_Out):
    """A legal entity."""

    id: int
    code: str
    name: str
    parent_code: str | None
    ownership_pct: float
    operational_control: bool
    financial_control: bool
    country: str


class SiteCreate(BaseModel):
    """A site of an entity; region is ISO 3166-1/-2 (CN, CN-TJ, GB …)."""

    code: Code
    name: Name
    entity_code: Code
    region: Region
    kind: Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=r"^[a-z_]+$")] = (
        "site"
    )


class SiteUpdate(BaseModel):
    """Change a site (fields left out are kept)."""

    name: Name | None = None
    entity_code: Code | None = None
    region: Region | None = None
    kind: (
        Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=r"^[a-z_]+$")] | None
    ) = None


class SitePublic(_Out):
    """A site."""

    id: int
    code: str
    name: str
    entity_code: str
    region: str
    kind: str


# -- factors ----------------------------------------------------------------------------------


class FactorPublic(BaseModel):
    """One emission-factor value [kg gas (or kg CO2e) per unit], dated and sourced."""

    factor_id: str
    set_name: str
    activity_type: str
    region: str
    unit: str
    gas: str
    value: float
    valid_from: str
    valid_to: str | None
    gwp_set: str | None
    version: str
    source: str
    description: str


class FactorGroup(BaseModel):
    """The gases of one factor (same type, region, unit, validity start and set)."""

    activity_type: str
    region: str
    unit: str
    set_name: str
    valid_from: str
    factors: list[FactorPublic]


class FactorSearch(BaseModel):
    """Factor groups matching every word of the query, best first."""

    total_groups: int
    groups: list[FactorGroup]


class FactorSetPublic(BaseModel):
    """A factor set: bundled with lingtan, or the organisation's own."""

    name: str
    publisher: str
    dataset: str
    edition: str
    licence: str
    factors: int
    bundled: bool


# -- imports, jobs, snapshots -----------------------------------------------------------------


class JobPublic(_Out):
    """A background job: progress 0 … 1; ``result`` when done, ``error`` when failed."""

    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None


class BatchPublic(_Out):
    """An imported file (its activity rows are an immutable Parquet file)."""

    id: str
    seq: int
    file_name: str
    template: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    imported_at: UtcDateTime
    superseded_by: str | None


class QuarantinedRowPublic(_Out):
    """A rejected row: file row (header = 1), column, reason, the value as written."""

    id: int
    batch_id: str
    row: int
    field: str
    reason: str
    value: str
    resolved_by: str | None


class TemplatePublic(BaseModel):
    """An import template."""

    name: str
    title: str
    columns: list[str]


class CalculationCreate(BaseModel):
    """Calculate a fiscal year (e.g. FY2023/24); GWP set defaults to the workspace's."""

    fiscal_year: FiscalYear
    gwp_set: Literal["AR4", "AR5", "AR6"] | None = None


class SnapshotPublic(_Out):
    """A stored calculation; total in t CO2e (market-based)."""

    id: str
    fiscal_year: str
    created_at: UtcDateTime
    gwp_set: str
    consolidation: str
    total_market_t: float
    #: completeness (docs/completeness.md): ``incomplete`` when activity rows were not calculated
    status: Literal["complete", "incomplete"] = "complete"
    rows_not_calculated: int = 0


class InventoryYears(BaseModel):
    """Fiscal years with a calculated inventory, and the base year."""

    fiscal_years: list[str]
    base_year: str | None
    trend: list[dict[str, Any]]


class BreakdownRow(BaseModel):
    """One line of a breakdown [t CO2e; % of the basis total]."""

    key: str
    tco2e: float
    share_pct: float


class Breakdown(BaseModel):
    """An inventory split by one dimension."""

    fiscal_year: str
    by: str
    basis: str
    unit: str = "t CO2e"
    total_tco2e: float
    rows: list[BreakdownRow]
    #: completeness of the inventory the breakdown is taken from (docs/completeness.md)
    status: Literal["complete", "incomplete"] = "complete"


class Explanation(BaseModel):
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


# -- audit ------------------------------------------------------------------------------------


class AuditEntryPublic(_Out):
    """One audit-log entry."""

    id: int
    at: UtcDateTime
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


class AuditVerificationPublic(BaseModel):
    """Result of checking the organisation's hash chain."""

    ok: bool
    entries: int
    first_bad_id: int | None
    reason: str
    head: str | None


# -- data lifecycle (issue 11, decision 0039) ---------------------------------------------------


class DeletionCreate(BaseModel):
    """Ask for the organisation's deletion: ``confirm`` is its slug, typed again."""

    confirm: Annotated[str, StringConstraints(max_length=60)]


class DeletionPublic(_Out):
    """A pending deletion: who asked, when, and when the data is purged (ASVS V8.3.2)."""

    requested_by: str
    requested_at: UtcDateTime
    due_at: UtcDateTime
