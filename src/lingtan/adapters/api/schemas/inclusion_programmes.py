"""Carbon-inclusion programmes, groups, accounts, partners, consent and privacy
(``/orgs/{org}/inclusion/…``; issue 18 item 1, decision 0088).

Request models forbid unknown fields. Accounts are shown by their pseudonymous ``ref`` only —
never the subject hash —, a partner without its HMAC secret (returned once, at creation). The
schemas list what they can (audiences, group kinds, actions); whether a programme, group or
partner exists and the points rules' arithmetic are the service's checks (422 naming the
field)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, NAME_PATTERN, UtcDateTime, clean_text
from lingtan.modules.inclusion.actions import ACTIONS, AUDIENCES
from lingtan.modules.inclusion.programmes import GROUP_KINDS

if TYPE_CHECKING:
    Audience = str
    GroupKind = str
    ActionCode = str
else:  # the lists of the module, in the OpenAPI document (enums)
    Audience = Literal[AUDIENCES]
    GroupKind = Literal[GROUP_KINDS]
    ActionCode = Literal[tuple(ACTIONS)]

Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
    Field(description="A code (letters, digits, _ . -)"),
]
Clean = AfterValidator(clean_text)
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NAME_PATTERN), Clean]
Text = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN), Clean]
Region = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"),
    Field(description="ISO 3166 region (CN, CN-GD, CN-BJ …): selects methodology parameters"),
]
Points = Annotated[int, Field(ge=0, le=1_000_000)]
Subject = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=LINE_PATTERN),
    Field(description="The person's own id (employee or member id): hashed, never stored"),
]
Version = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NAME_PATTERN)]
Url = Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://\S+$")]
Site = Annotated[str, StringConstraints(max_length=60, pattern=r"^[A-Za-z0-9*][A-Za-z0-9._-]*$")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CapIn(_Request):
    """The most points an account may earn from one action a day and a month (null: none)."""

    per_day: Points | None = None
    per_month: Points | None = None


class ProgrammeRulesIn(_Request):
    """A programme's points rules (fields left out are kept)."""

    name: Line | None = None
    region: Region | None = None
    points_per_kg: (
        Annotated[float, Field(ge=0, le=1_000_000, description="points/kg CO2e")] | None
    ) = None
    engagement_points: dict[ActionCode, Points] | None = None
    caps: dict[ActionCode, CapIn] | None = None
    expiry_months: Annotated[int, Field(ge=1, le=120)] | None = None
    privacy_policy_version: Version | None = None
    status: Literal["active", "closed"] | None = None


class ProgrammeCreate(ProgrammeRulesIn):
    """A new programme (``points_per_kg`` default 10, ``expiry_months`` default 24)."""

    code: Code
    name: Line
    audience: Audience
    started: dt.date | None = None


class ProgrammePublic(BaseModel):
    """A programme and its rules (never its salt); ``accounts``: by status."""

    code: str
    name: str
    audience: str
    region: str
    started: dt.date | None
    points_per_kg: float
    engagement_points: dict[str, int]
    caps: dict[str, dict[str, int | None]]
    expiry_months: int | None
    privacy_policy_version: str
    status: str
    accounts: dict[str, int] = {}


class GroupCreate(_Request):
    """A team, department, class or school of a programme."""

    code: Code
    kind: GroupKind = "team"
    name: Line
    parent: Code | None = None


class GroupPublic(BaseModel):
    """A group with its counts and sums (no member named): ``points`` and ``kg_co2e`` null while
    the points ledger is not installed."""

    code: str
    kind: str
    name: str
    parent: str | None
    members: int
    active: int
    points: int | None
    kg_co2e: float | None


class AccountCreate(_Request):
    """Enrol an account. ``guardian_consent`` is required for a person in a school programme
    (PIPL Art. 31: minors under 14)."""

    subject: Subject | None = None
    kind: Literal["person", "group"] = "person"
    group: Code | None = None
    site: Site | None = None
    guardian_consent: bool = False


class AccountPublic(BaseModel):
    """An account by its pseudonymous ref."""

    ref: str
    kind: str
    group: str | None
    site: str | None
    status: str
    guardian_consent: bool
    created_at: UtcDateTime
    deleted_at: UtcDateTime | None


class ConsentGrant(_Request):
    """An account's consent for a partner to push the actions of ``scopes``."""

    partner: Code
    scopes: Annotated[list[ActionCode], Field(min_length=1, max_length=60)]
    expires_at: dt.datetime | None = None
    evidence: Text = ""


class ConsentRevoke(_Request):
    """Revoke the account's consent for a partner."""

    partner: Code


class ConsentPublic(BaseModel):
    """A consent and its state now (``live``, ``revoked``, ``expired``)."""

    partner: str
    scopes: list[str]
    granted_at: UtcDateTime
    expires_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    evidence: str
    state: str


class RevokedPublic(BaseModel):
    """How many consents were revoked."""

    revoked: int


class MemberLinkIn(_Request):
    """How long the member link stays valid."""

    days: Annotated[int, Field(ge=1, le=365)] = 90


class MemberLinkPublic(BaseModel):
    """A member-page link token, shown this once (only its hash is stored)."""

    token: str
    path: str
    days: int


class PartnerCreate(_Request):
    """A partner pushing actions (rate limit per partner)."""

    code: Code
    name: Line
    allowed_actions: Annotated[list[ActionCode], Field(min_length=1, max_length=60)]
    rate_per_s: Annotated[float, Field(ge=0.1, le=100_000, description="requests/s")] = 50.0
    burst: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    callback_url: Url | None = None


class PartnerStatus(_Request):
    """Suspend or reactivate a partner."""

    status: Literal["active", "suspended"]


class PartnerPublic(BaseModel):
    """A partner (never its secret) and its consents by state."""

    code: str
    name: str
    allowed_actions: list[str]
    rate_per_s: float
    burst: int
    callback_url: str | None
    status: str
    created_at: UtcDateTime
    consents: dict[str, int] = {}


class PartnerCreated(PartnerPublic):
    """A new partner with its HMAC secret — shown this once: keep it."""

    hmac_secret: str


class ExportPublic(BaseModel):
    """Everything lingtan holds about an account (PIPL Art. 45)."""

    model_config = ConfigDict(extra="allow")

    format: str
    exported_at: str
    programme: dict[str, Any]
    account: dict[str, Any]
    consents: list[dict[str, Any]]
    member_links: list[dict[str, Any]]
    history_available: bool
    history: list[dict[str, Any]] | None
