"""The organisational boundary: legal entities and sites (``/orgs/{org}/entities``,
``/orgs/{org}/sites``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import Code, FromAttributes, Name, Region

Country = Annotated[str, StringConstraints(max_length=10, pattern=r"^[A-Za-z]{0,3}$")]
SiteKind = Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=r"^[a-z_]+$")]


class EntityCreate(BaseModel):
    """A legal entity (GHG Protocol ch. 3): ownership [%] and control flags decide its share."""

    code: Code
    name: Name
    parent_code: Code | None = None
    ownership_pct: Annotated[float, Field(ge=0, le=100)] = 100.0
    operational_control: bool = True
    financial_control: bool = True
    country: Country = ""


class EntityUpdate(BaseModel):
    """Change an entity (fields left out are kept)."""

    name: Name | None = None
    parent_code: Code | None = None
    ownership_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    operational_control: bool | None = None
    financial_control: bool | None = None
    country: Country | None = None


class EntityPublic(FromAttributes):
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
    kind: SiteKind = "site"


class SiteUpdate(BaseModel):
    """Change a site (fields left out are kept)."""

    name: Name | None = None
    entity_code: Code | None = None
    region: Region | None = None
    kind: SiteKind | None = None


class SitePublic(FromAttributes):
    """A site."""

    id: int
    code: str
    name: str
    entity_code: str
    region: str
    kind: str
