"""Governance records (``/orgs/{org}/risks/governance``; issue 17 item 6, decision 0084):
bodies, meetings with their agenda items, management roles (IFRS S2 ¶6(b)), remuneration links
(IFRS S2 ¶29(g)), the frequency check and the records view of a fiscal year.

The schemas list what the service accepts where a list can say it (body kinds, topics, what a
frequency counts); whether a body, a KPI of the targets file or a fiscal year of the calendar
exists, and whether a date agrees with the fiscal year, are the service's checks (422 naming
the field)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, NAME_PATTERN, FiscalYear, clean_text
from lingtan.modules.risk.governance import BODY_KINDS, TOPICS

if TYPE_CHECKING:
    BodyKind = str
    Topic = str
else:  # the lists of the module, in the OpenAPI document (enums)
    BodyKind = Literal[BODY_KINDS]
    Topic = Literal[TOPICS]

Counts = Literal["meetings", "climate_items"]
BodyCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
    Field(description="The body's code (letters, digits, _ . -)"),
]
Clean = AfterValidator(clean_text)
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NAME_PATTERN), Clean]
Text = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN), Clean]
Long = Annotated[str, StringConstraints(max_length=2000, pattern=LINE_PATTERN), Clean]
Short = Annotated[str, StringConstraints(max_length=40, pattern=LINE_PATTERN), Clean]
Label = Annotated[str, StringConstraints(max_length=300, pattern=LINE_PATTERN), Clean]
MeetingDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$"),
    Field(description="YYYY-MM-DD, or YYYY-MM when only the month is known (approximate)"),
]
PerYear = Annotated[int, Field(ge=0, le=366, description="Required a fiscal year; 0: none")]
Share = Annotated[float, Field(ge=0, le=100, description="% of variable pay")]


class BodyCreate(BaseModel):
    """A governance body; without ``per_year`` the report's frequency for its kind applies."""

    code: BodyCode
    kind: BodyKind
    name: Line
    parent: BodyCode | None = None
    chair: Line | None = None
    established: Short | None = None
    mandate: Long | None = None
    per_year: PerYear | None = None
    counts: Counts | None = None
    frequency_source: Line | None = None
    source: Text | None = None


class BodyUpdate(BaseModel):
    """Change a body (fields left out are kept; the code stays)."""

    kind: BodyKind | None = None
    name: Line | None = None
    parent: BodyCode | None = None
    chair: Line | None = None
    established: Short | None = None
    mandate: Long | None = None
    per_year: PerYear | None = None
    counts: Counts | None = None
    frequency_source: Line | None = None
    source: Text | None = None


class BodyPublic(BaseModel):
    """A governance body and its required frequency (``per_year`` null: none)."""

    id: int
    code: str
    kind: str
    name: str
    parent: str | None
    chair: str | None
    established: str | None
    mandate: str | None
    per_year: int | None
    counts: str
    frequency_source: str | None
    source: str | None


class AgendaItem(BaseModel):
    """An agenda item: topic, whether it concerns climate, words."""

    topic: Topic
    climate: bool = True
    text: Text = ""


class MeetingCreate(BaseModel):
    """A meeting: ``date`` (or, when not published, ``fiscal_year``), agenda and decisions."""

    body: BodyCode
    title: Line
    date: MeetingDate | None = None
    fiscal_year: FiscalYear | None = None
    agenda: Annotated[list[AgendaItem], Field(max_length=100)] = []
    decisions: Annotated[list[Text], Field(max_length=100)] = []
    source: Text | None = None
    note: Text | None = None


class MeetingUpdate(BaseModel):
    """Change a meeting (``agenda`` given: replaces it)."""

    body: BodyCode | None = None
    title: Line | None = None
    date: MeetingDate | None = None
    fiscal_year: FiscalYear | None = None
    agenda: Annotated[list[AgendaItem], Field(max_length=100)] | None = None
    decisions: Annotated[list[Text], Field(max_length=100)] | None = None
    source: Text | None = None
    note: Text | None = None


class AgendaItemPublic(BaseModel):
    """An agenda item as stored."""

    topic: str
    climate: bool
    text: str


class MeetingPublic(BaseModel):
    """A meeting; ``precision`` day | month (approximate) | not_published (``date`` null)."""

    id: int
    body: str
    body_kind: str
    body_name: str
    fiscal_year: str
    date: dt.date | None
    precision: str
    date_text: str
    title: str
    agenda: list[AgendaItemPublic]
    climate_items: int
    decisions: list[str]
    source: str | None
    note: str | None


class MeetingImportPublic(BaseModel):
    """The ids of the meetings an import added."""

    created: list[int]


class RoleCreate(BaseModel):
    """A management role with climate responsibilities (IFRS S2 ¶6(b))."""

    title: Line
    holder: Line | None = None
    responsibilities: Long | None = None
    climate_responsible: bool = True
    reports_to: Line | None = None
    chairs: Annotated[list[BodyCode], Field(max_length=20)] = []
    source: Text | None = None


class RoleUpdate(BaseModel):
    """Change a role."""

    title: Line | None = None
    holder: Line | None = None
    responsibilities: Long | None = None
    climate_responsible: bool | None = None
    reports_to: Line | None = None
    chairs: Annotated[list[BodyCode], Field(max_length=20)] | None = None
    source: Text | None = None


class RolePublic(BaseModel):
    """A management role."""

    id: int
    title: str
    holder: str | None
    responsibilities: str | None
    climate_responsible: bool
    reports_to: str | None
    chairs: list[str]
    source: str | None


KpiId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=NAME_PATTERN), Clean]


class PayLinkCreate(BaseModel):
    """A climate KPI linked to variable pay (IFRS S2 ¶29(g)); ``kpi_id`` or ``kpi_label``."""

    fiscal_year: FiscalYear
    population: Line
    kpi_id: KpiId | None = None
    kpi_label: Label = ""
    share_pct: Share | None = None
    body: BodyCode | None = None
    description: Long | None = None
    source: Text | None = None


class PayLinkUpdate(BaseModel):
    """Change a remuneration link."""

    fiscal_year: FiscalYear | None = None
    population: Line | None = None
    kpi_id: KpiId | None = None
    kpi_label: Label | None = None
    share_pct: Share | None = None
    body: BodyCode | None = None
    description: Long | None = None
    source: Text | None = None


class PayLinkPublic(BaseModel):
    """A remuneration link (``share_pct`` null: not published)."""

    id: int
    fiscal_year: str
    population: str
    kpi_id: str | None
    kpi_label: str
    share_pct: float | None
    body: str | None
    description: str | None
    source: str | None


class WindowPublic(BaseModel):
    """A part of the fiscal year that must hold a counted meeting: met | gap | unknown."""

    start: dt.date
    end: dt.date
    held: int
    state: str


class GapPublic(BaseModel):
    """A window without a counted meeting."""

    start: dt.date
    end: dt.date


class CheckPublic(BaseModel):
    """A body's required vs held in a fiscal year; status met | not_evidenced | undetermined |
    no_requirement."""

    body: str
    fiscal_year: str
    required: int | None
    counts: str
    held: int
    dated: int
    undated: int
    status: str
    source: str
    windows: list[WindowPublic]
    gaps: list[GapPublic]


class BodyCheckPublic(BodyPublic):
    """A body with its check of the year."""

    check: CheckPublic


class ClimateItemPublic(BaseModel):
    """A climate agenda item of the year, with its meeting."""

    meeting: int
    body: str
    date: dt.date | None
    precision: str
    topic: str
    text: str


class SummaryPublic(BaseModel):
    """The governance records of a fiscal year (IFRS S2 ¶6, ¶29(g); HKEX Appendix C2 Part D)."""

    fiscal_year: str
    start: dt.date
    end: dt.date
    bodies: list[BodyCheckPublic]
    meetings: list[MeetingPublic]
    climate_items: list[ClimateItemPublic]
    roles: list[RolePublic]
    pay_links: list[PayLinkPublic]
