"""The framework mapping and the datapoints entered by hand (``/orgs/{org}/disclosure/…``;
issue 19 item 3, decision 0097).

Frameworks are bundled data (references and lingtan's own label keys, never the licensed texts);
a requirement's status is computed, never stored. A datapoint's key, unit and fiscal year are the
service's checks (422 naming the field); the review order (approve after review) is a 409."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, FromAttributes, UtcDateTime

Status = Literal["complete", "partial", "missing"]
ReviewStatus = Literal["entered", "reviewed", "approved"]
DatapointKey = Literal["internal_carbon_price", "capital_deployment"]
Unit = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=LINE_PATTERN)]
_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$"
LongText = Annotated[str, StringConstraints(max_length=2000, pattern=_MULTILINE)]
Source = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN)]


class RequirementPublic(BaseModel):
    """A requirement: ``ref`` as the standard numbers it, ``label`` lingtan's own short label
    (catalogue key), what it asks for (``type``, ``unit``), its pillar, what it ``binds`` (fact
    keys, ``narrative:<key>``, ``datapoint:<key>``), when it applies and how the reference is
    known (``evidence`` D published, K background knowledge: verify)."""

    ref: str
    slug: str
    label: str
    type: Literal["number", "table", "narrative", "boolean"]
    unit: str | None
    pillar: str | None
    binds: list[str]
    applies_if: str | None
    evidence: Literal["D", "K"]


class FrameworkPublic(BaseModel):
    """A bundled framework with its requirements; ``licence`` the catalogue key of its licence
    note (``licence_note`` the same in English)."""

    key: str
    id: str
    version: str
    source: str
    title: str
    licence: str
    licence_note: str
    requirements: list[RequirementPublic]


class BindingStatusPublic(BaseModel):
    """One binding of a requirement with its computed status and where it comes from
    (``snapshot:<id>``, ``narrative:<key>``, ``datapoint:<key>``, ``not_stated``,
    ``not_entered`` …)."""

    binding: str
    kind: Literal["fact", "narrative", "datapoint"]
    key: str
    status: Status
    source: str


class RequirementStatusPublic(BaseModel):
    """A requirement with its computed status: complete when every binding is, missing when
    none is, partial otherwise."""

    ref: str
    slug: str
    label: str
    type: str
    unit: str | None
    pillar: str | None
    applies_if: str | None
    evidence: str
    status: Status
    bindings: list[BindingStatusPublic]


class CountsPublic(BaseModel):
    """Requirements by status."""

    complete: int
    partial: int
    missing: int
    total: int


class FrameworkStatusPublic(BaseModel):
    """A framework's requirements with their status and the counts."""

    key: str
    id: str
    version: str
    title: str
    licence: str
    counts: CountsPublic
    requirements: list[RequirementStatusPublic]


class MappingPublic(BaseModel):
    """The mapping of a fiscal year computed now from the organisation's data (``snapshot_id``:
    the inventory read; null when none was calculated)."""

    fiscal_year: str
    snapshot_id: str | None
    counts: CountsPublic
    frameworks: list[FrameworkStatusPublic]


class DatapointUpdate(BaseModel):
    """Enter or replace a datapoint: ``value`` [``unit``: ``CNY/t CO2e`` for the internal carbon
    price, ``CNY`` for capital deployment — an ISO 4217 code], how it is applied or what it
    covers (``text``), its ``source``. A changed value returns it to ``entered``."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(ge=0, le=1e15, allow_inf_nan=False)
    unit: Unit
    text: LongText | None = None
    source: Source | None = None


class DatapointReview(BaseModel):
    """Move a datapoint along its review: ``reviewed``, ``approved`` (after review) or
    ``entered`` (reopened)."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus


class DatapointPublic(FromAttributes):
    """A datapoint entered by hand with its review state and who did what when."""

    id: int
    key: str
    fiscal_year: str
    value: float | None
    unit: str | None
    text: str | None
    source: str | None
    status: ReviewStatus
    requirement: str
    entered_by: str
    reviewed_by: str | None
    reviewed_at: UtcDateTime | None
    approved_by: str | None
    approved_at: UtcDateTime | None
    updated_at: UtcDateTime
