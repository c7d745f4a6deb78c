"""Carbon-inclusion methodology packs and the simulation of an action
(``/orgs/{org}/inclusion/methodologies``; issue 18 item 2, decision 0087).

The schemas list what the service accepts where a list can say it (action codes, labels);
whether a pack covers an action in a region on a day, and whether a trip is plausible, are the
service's checks (422 naming the field)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.modules.inclusion.actions import ACTIONS

if TYPE_CHECKING:
    ActionCode = str
else:  # the catalogue's codes, in the OpenAPI document (an enum)
    ActionCode = Literal[tuple(sorted(ACTIONS))]

REGION_PATTERN = r"^[A-Za-z]{2}(-[A-Za-z0-9]+)?(/[^\x00-\x1f/]{1,30})?$"
ContextName = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z0-9_]+$")]
Label = Literal["official", "lingtan-conservative", "illustrative"]
Counts = Literal["reduction", "avoided", "engagement"]
Region = Annotated[
    str,
    StringConstraints(min_length=2, max_length=40, pattern=REGION_PATTERN),
    Field(description="Region code, e.g. CN, CN-GD, CN-GD/Shenzhen (selects pack and parameters)"),
]  # fmt: skip
Amount = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e9)]


class RegionValue(BaseModel):
    """A parameter's value for one region."""

    region: str
    value: float
    source: str


class ParameterPublic(BaseModel):
    """A pack parameter with its citation."""

    name: str
    value: float
    unit: str
    source: str
    citation: str
    confidence: str
    licence: str
    derivation: str | None = None
    regions: list[RegionValue] = []


class PackSummary(BaseModel):
    """A pack in the list: label, weakest confidence, validity, actions, origin."""

    id: str
    version: str
    title: str
    publisher: str
    region: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    formula: str
    label: Label
    confidence: str
    actions: list[str]
    origin: Literal["shipped", "loaded"]
    digest: str


class Eligibility(BaseModel):
    """Plausible speeds [km/h] by mode and per-event quantity caps."""

    speed_kmh: dict[str, list[float]]
    max_quantity: dict[str, float]


class PackPublic(PackSummary):
    """A pack with its parameters, eligibility and notes."""

    citation: str
    licence: str
    double_counting: str
    notes: str
    eligibility: Eligibility
    parameters: list[ParameterPublic]


class SimulateIn(BaseModel):
    """One action to quantify (nothing is stored). ``unit``: the action's by default;
    ``context``: e.g. ``mean_7d_kwh`` [kWh], ``reference_kg`` [kg CO2e]."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    action: ActionCode
    quantity: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e9)]
    unit: Annotated[str, StringConstraints(max_length=20)] | None = None
    region: Region = "CN"
    occurred_at: dt.datetime | None = None
    distance_km: Amount | None = None
    duration_min: Amount | None = None
    mode: Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z_]+$")] | None = None
    product: (
        Annotated[str, StringConstraints(max_length=120, pattern=r"^[^\x00-\x1f]+$")] | None
    ) = None
    context: dict[ContextName, Amount] = {}


class TraceStepPublic(BaseModel):
    """One step of the arithmetic (``key``: catalogue key of its label)."""

    key: str
    formula: str
    value: float
    unit: str
    source: str | None = None


class ReductionPublic(BaseModel):
    """What the action is worth [kg CO2e], what it counts as, the pack and the arithmetic."""

    kg_co2e: float
    counts_as: Counts
    pack_id: str | None
    pack_version: str | None
    params_hash: str
    trace: list[TraceStepPublic]
