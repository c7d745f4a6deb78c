"""The supplier register (``/orgs/{org}/suppliers``; issue 15, decision 0063): suppliers, their
contacts, production sites and onboarding checklist, spend by supplier and evidence reminders.

The schemas state what the service accepts where a pattern or a list can say it (ISO 3166-1
codes, tiers, statuses, the USCC's and URNs' shape); the USCC's check character
(GB 32100-2015) and a region's existence are checked by the service (422 naming the field)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import (
    LINE_PATTERN,
    Code,
    FromAttributes,
    Name,
    Region,
    clean_text,
)
from lingtan.adapters.services.suppliers import country_codes

if TYPE_CHECKING:
    CountryCode = str
else:  # the ISO 3166-1 codes the service takes, listed in the OpenAPI document (an enum)
    CountryCode = Literal[country_codes()]

Tier = Literal["1", "2", "N"]
Status = Literal["prospect", "onboarding", "approved", "conditional", "suspended", "terminated"]
Item = Literal[
    "supplier_code_ack", "rba_code_ack", "iso14001", "iso45001", "iso50001", "ghg_verified",
    "sustainability_policy", "forced_labour_controls", "public_reporting",
    "financial_stability", "product_security", "info_security",
]  # fmt: skip
Result = Literal["pass", "fail", "n/a"]
_USCC_CHAR = "0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy"
Uscc = Annotated[
    str,
    StringConstraints(pattern=rf"^[{_USCC_CHAR}]{{2}}[0-9]{{6}}[{_USCC_CHAR}]{{10}}$"),
    Field(description="统一社会信用代码, GB 32100-2015 (18 characters; check character verified)"),
]
Duns = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}-?[0-9]{3}-?[0-9]{4}$")]
Urn = Annotated[
    str,
    StringConstraints(
        max_length=300, pattern=r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:[!-~]+$"
    ),
    Field(description="A company URN (RFC 8141), as PACT companyIds"),
]
CategoryCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
LinkedOrg = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
Line = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=300,
        strip_whitespace=True,
        pattern=r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*\S[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*$",
    ),
    AfterValidator(clean_text),
]
OptionalLine = Annotated[
    str,
    StringConstraints(max_length=300, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]
ContactEmail = Annotated[
    str,
    StringConstraints(
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f-\x9f]{1,64}@[^@\s\x00-\x1f\x7f-\x9f]{1,185}\.[^@\s\x00-\x1f\x7f-\x9f]{2,}$",
    ),
]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()./-]{3,40}$")]


class SupplierCreate(BaseModel):
    """A supplier: ``code`` is the id activity files name it by (column ``supplier``) and the
    API's paths address it by (``/suppliers/{code}``); the register's own path names (``new``,
    ``export``, ``import``, ``spend``, ``reminders``, ``coverage``, ``requests``) are refused."""

    code: Code
    legal_name: Line
    name_zh: OptionalLine | None = None
    uscc: Uscc | None = None
    duns: Duns | None = None
    company_ids: Annotated[list[Urn], Field(max_length=20)] = []
    country: CountryCode
    tier: Tier = "1"
    categories: Annotated[list[CategoryCode], Field(max_length=50)] = []
    strategic: bool = False
    key_tier1: bool = False
    status: Status = "prospect"
    linked_org: LinkedOrg | None = None


class SupplierUpdate(BaseModel):
    """Change a supplier (fields left out are kept; the code stays; the status changes through
    ``POST …/status``)."""

    legal_name: Line | None = None
    name_zh: OptionalLine | None = None
    uscc: Uscc | None = None
    duns: Duns | None = None
    company_ids: Annotated[list[Urn], Field(max_length=20)] | None = None
    country: CountryCode | None = None
    tier: Tier | None = None
    categories: Annotated[list[CategoryCode], Field(max_length=50)] | None = None
    strategic: bool | None = None
    key_tier1: bool | None = None
    linked_org: LinkedOrg | None = None


class StatusChange(BaseModel):
    """Move a supplier along the workflow, with the reason (kept in the audit log)."""

    status: Status
    reason: Line


class SupplierPublic(FromAttributes):
    """A supplier of the register."""

    id: int
    code: str
    legal_name: str
    name_zh: str | None
    uscc: str | None
    duns: str | None
    company_ids: list[str]
    country: str
    tier: str
    categories: list[str]
    strategic: bool
    key_tier1: bool
    status: str
    status_reason: str | None
    linked_org: str | None


class ContactCreate(BaseModel):
    """A person at a supplier."""

    name: Name
    role: OptionalLine | None = None
    email: ContactEmail | None = None
    phone: Phone | None = None


class ContactUpdate(BaseModel):
    """Change a contact (fields left out are kept)."""

    name: Name | None = None
    role: OptionalLine | None = None
    email: ContactEmail | None = None
    phone: Phone | None = None


class ContactPublic(FromAttributes):
    """A contact of a supplier."""

    id: int
    supplier_id: int
    name: str
    role: str | None
    email: str | None
    phone: str | None


Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS 84 [decimal degrees]")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS 84 [decimal degrees]")]


class SupplierSiteCreate(BaseModel):
    """A production site of a supplier (region ISO 3166-2 ``CN-JS`` or a country ``CN``)."""

    code: Code
    name: Line
    region: Region
    lat: Latitude | None = None
    lon: Longitude | None = None


class SupplierSiteUpdate(BaseModel):
    """Change a site (fields left out are kept; the code stays)."""

    name: Line | None = None
    region: Region | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


class SupplierSitePublic(FromAttributes):
    """A production site of a supplier."""

    id: int
    supplier_id: int
    code: str
    name: str
    region: str
    lat: float | None
    lon: float | None


class CheckUpdate(BaseModel):
    """The check of one onboarding item (replaces its previous check)."""

    result: Result
    checked_on: date | None = Field(None, description="Default: today")
    expires_on: date | None = None
    version: OptionalLine | None = None
    note: OptionalLine | None = None
    checked_by: Line | None = Field(None, description="Default: the caller")


class CheckPublic(FromAttributes):
    """A recorded onboarding check."""

    item: str
    result: str
    checked_on: date
    expires_on: date | None
    version: str | None
    note: str | None
    checked_by: str
    evidence_sha256: str | None
    evidence_name: str | None


class ItemStatePublic(BaseModel):
    """An item's state on the day asked (missing, pass, fail, n/a, expired, expiring)."""

    item: str
    state: str
    expires_on: date | None


class ChecklistPublic(BaseModel):
    """A supplier's onboarding checklist: each item's state, what is outstanding or failed, the
    status it supports (approved, conditional, onboarding), and the checks recorded."""

    on: date
    complete: bool
    done: int
    total: int
    recommended: str
    outstanding: list[str]
    failed: list[str]
    items: list[ItemStatePublic]
    checks: list[CheckPublic]


class ReminderPublic(BaseModel):
    """Evidence that expires soon (``days_left`` ≥ 0) or has expired (< 0)."""

    supplier: str
    item: str
    expires_on: date
    days_left: int
    expired: bool


class SpendLinePublic(BaseModel):
    """Spend with one supplier (null: rows naming none) in one Scope 3 category [CNY]."""

    supplier: str | None
    category: int
    amount: float


class UnconvertedPublic(BaseModel):
    """Spend that could not be converted to CNY, in its own unit, and why."""

    supplier: str | None
    unit: str
    price_year: int
    amount: float
    reason: str


class SupplierSpendPublic(BaseModel):
    """Spend by supplier in a fiscal year [CNY], from the imported Scope 3 category 1–2 rows.
    ``total`` (every converted spend row, with or without a supplier) is the denominator of
    coverage by spend; ``unregistered`` the spend of codes the register does not know."""

    fiscal_year: str
    currency: str
    by_supplier: dict[str, float]
    unattributed: float
    unregistered: dict[str, float]
    total: float
    lines: list[SpendLinePublic]
    unconverted: list[UnconvertedPublic]
    rates: list[str]


class ImportResultPublic(BaseModel):
    """What an import of the register's file did."""

    created: list[str]
    updated: list[str]
