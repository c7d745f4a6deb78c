"""Verification records (``/orgs/{org}/disclosure/verification``; issue 19 item 2, decision
0098): the verification of a fiscal year's inventory snapshot and its findings.

The schemas list what the service accepts where a list can say it (standards, levels, opinions,
coverage items, severities); whether the fiscal year is one of the calendar, the snapshot exists
and belongs to the year, and a finding is closed after it was raised are the service's checks
(422 naming the field). Unknown fields are refused."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import NAME_PATTERN, FiscalYear, clean_text
from lingtan.modules.disclosure.verification import (
    COVERAGE,
    LEVELS,
    OPINIONS,
    SEVERITIES,
    STANDARDS,
)

if TYPE_CHECKING:
    Standard = str
    Level = str
    Opinion = str
    CoverageItem = str
    Severity = str
else:  # the lists of the module, in the OpenAPI document (enums)
    Standard = Literal[STANDARDS]
    Level = Literal[LEVELS]
    Opinion = Literal[OPINIONS]
    CoverageItem = Literal[COVERAGE]
    Severity = Literal[SEVERITIES]

Clean = AfterValidator(clean_text)
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NAME_PATTERN), Clean]
Long = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NAME_PATTERN), Clean]
Url = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=r"^https?://[^\s<>\"']+$"),
    Field(description="http(s) URL of the published statement"),
]
SnapshotId = Annotated[
    str,
    StringConstraints(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$"),
    Field(description="The snapshot verified (id or a prefix of at least 8 digits)"),
]
Materiality = Annotated[float, Field(gt=0, le=100, description="Materiality [% of the total]")]
Coverage = Annotated[list[CoverageItem], Field(min_length=1, max_length=18)]


class VerificationCreate(BaseModel):
    """A verification record of ``fiscal_year``'s snapshot (default: the newest of the year)."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: FiscalYear
    snapshot_id: SnapshotId | None = None
    verifier: Line
    standard: Standard
    level: Level
    materiality_pct: Materiality | None = None
    coverage: Coverage
    opinion: Opinion
    statement_date: dt.date
    url: Url | None = None


class VerificationUpdate(BaseModel):
    """Change a record (fields left out are kept; the year and snapshot stay)."""

    model_config = ConfigDict(extra="forbid")

    verifier: Line | None = None
    standard: Standard | None = None
    level: Level | None = None
    materiality_pct: Materiality | None = None
    coverage: Coverage | None = None
    opinion: Opinion | None = None
    statement_date: dt.date | None = None
    url: Url | None = None


class VerificationFindingCreate(BaseModel):
    """A finding raised on a record (``raised_on`` default: the statement date)."""

    model_config = ConfigDict(extra="forbid")

    text: Long
    severity: Severity = "minor"
    raised_on: dt.date | None = None


class VerificationFindingClose(BaseModel):
    """The closure of a finding: the evidence and the date (default: today)."""

    model_config = ConfigDict(extra="forbid")

    evidence: Long
    closed_on: dt.date | None = None


class VerificationFindingPublic(BaseModel):
    """A finding; ``closed_on`` and ``evidence`` null while it is open."""

    number: int
    text: str
    severity: str
    raised_on: dt.date
    closed_on: dt.date | None
    evidence: str | None
    open: bool


class VerificationPublic(BaseModel):
    """A verification record with its findings; ``statement_sha256`` null until a statement
    file is attached."""

    id: int
    fiscal_year: str
    snapshot_id: str
    verifier: str
    standard: str
    level: str
    materiality_pct: float | None
    coverage: list[str]
    opinion: str
    statement_date: dt.date
    url: str | None
    statement_name: str | None
    statement_sha256: str | None
    findings: list[VerificationFindingPublic]
