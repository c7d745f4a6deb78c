"""Schemas of the PACT routes (decision 0068): the management routes under
``/api/v1/orgs/{org}/pact-…`` (credentials, publishing, events, pulled footprints) and the
documents of the PACT host API itself (``/2/…``, ``/3/…``, ``/auth/token``).

A PACT ``ProductFootprint`` is an open document here (``extra="allow"``): its top-level
properties are typed, ``pcf`` (decimals as strings, as PACT writes them) is kept as it is;
its rules are :mod:`lingtan.modules.products.pact`'s.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import NAME_PATTERN, UtcDateTime, clean_text

#: a URN (RFC 8141 ``urn:<NID>:<NSS>``) as :func:`lingtan.modules.products.pact.is_urn` reads
#: it; the NSS without spaces or control characters (stated here, not left to how a regex
#: engine reads ``\S``)
Urn = Annotated[
    str,
    StringConstraints(
        pattern=r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s\x00-\x1f\x7f-\x9f]+$", max_length=300
    ),
]
_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"


class PactCredentialCreate(BaseModel):
    """A new client credential: a name saying which customer system uses it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            min_length=1, max_length=100, strip_whitespace=True, pattern=NAME_PATTERN
        ),
        AfterValidator(clean_text),
    ]


class PactCredentialPublic(BaseModel):
    """A client credential (never its secret)."""

    id: int
    client_id: str
    name: str
    created_by: str
    created_at: UtcDateTime
    revoked_at: UtcDateTime | None


class PactCredentialSecretPublic(PactCredentialPublic):
    """A credential just created, with its secret — shown this once only."""

    client_secret: str


class PactPublishCreate(BaseModel):
    """Publish a configuration's cradle-to-gate footprint as a new PACT version."""

    model_config = ConfigDict(extra="forbid")

    product: Annotated[str, StringConstraints(pattern=_ID, max_length=80)]
    configuration: Annotated[str, StringConstraints(pattern=_ID, max_length=80)]
    period_start: date = Field(description="Reference period start (UTC midnight)")
    period_end: date = Field(description="Reference period end (exclusive, UTC midnight)")
    gwp_set: Annotated[str, StringConstraints(pattern=r"^AR[56]$")] = "AR6"
    cpc: Annotated[str, StringConstraints(pattern=r"^\d{1,6}$")] = "4526"
    geography: Annotated[str | None, StringConstraints(pattern=r"^[A-Z]{2}$")] = None
    company_ids: list[Urn] = Field(default_factory=list, max_length=20)
    product_ids: list[Urn] = Field(default_factory=list, max_length=20)


class PactFootprintDocument(BaseModel):
    """A PACT ``ProductFootprint`` (v2 or v3; open document)."""

    model_config = ConfigDict(extra="allow")

    id: str
    specVersion: str  # noqa: N815 (PACT's property names)
    created: str
    status: str
    companyName: str  # noqa: N815
    companyIds: list[str]  # noqa: N815
    productIds: list[str]  # noqa: N815
    productNameCompany: str  # noqa: N815
    pcf: dict[str, Any]


class PactPublishedPublic(BaseModel):
    """A version just published: its PACT id, number and v2 document."""

    id: str
    version: int
    document: PactFootprintDocument


class PactEventPublic(BaseModel):
    """An event the organisation's host received."""

    id: int
    api_version: int
    event_id: str
    source: str
    type: str
    kind: str
    data: dict[str, Any]
    received_at: UtcDateTime


class PactReceivedPublic(BaseModel):
    """A footprint pulled from a PACT host (``kg_per_product`` = per declared unit ×
    declared units [kg CO2e])."""

    footprint_id: str
    api_version: int
    version: int | None
    status: str
    company_name: str
    product_name: str
    product_ids: list[str]
    declared_unit: str
    declared_amount: float
    kg_per_declared_unit: float
    kg_per_product: float
    gwp_sets: list[str]
    supplier: str | None
    source_url: str
    pulled_at: UtcDateTime


class PactFootprintList(BaseModel):
    """ListFootprints' answer: ``data`` (the next page, if any, in the ``Link`` header)."""

    data: list[PactFootprintDocument]


class PactFootprintOne(BaseModel):
    """GetFootprint's answer."""

    data: PactFootprintDocument


class PactErrorBody(BaseModel):
    """A PACT error: ``code`` (AccessDenied, BadRequest, NoSuchFootprint, NotFound,
    NotImplemented, TokenExpired, InternalError) and ``message``."""

    code: str
    message: str


class PactTokenPublic(BaseModel):
    """The token endpoint's answer (RFC 6749 §5.1)."""

    access_token: str
    token_type: str
    expires_in: int


class PactTokenError(BaseModel):
    """The token endpoint's refusal (RFC 6749 §5.2)."""

    error: str
    error_description: str


class PactDiscovery(BaseModel):
    """Authorization-server metadata (OpenID Connect Discovery 1.0 / RFC 8414 fields) naming the
    token endpoint, as PACT's authentication flow looks it up."""

    issuer: str
    token_endpoint: str
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    response_types_supported: list[str]
    subject_types_supported: list[str]
