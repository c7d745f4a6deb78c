"""Action events, balances, the points ledger and fraud review
(``/orgs/{org}/inclusion/{programme}/…``; issue 18 items 2–4, decision 0089).

The schemas bound the shapes (lengths, finite non-negative numbers, the catalogue's action codes
and units); whether the account exists and is active, whether the unit fits the action and
whether the quantity is plausible are the service's checks (422/404/409 naming the field)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, clean_text
from lingtan.modules.inclusion.actions import ACTIONS, UNITS

if TYPE_CHECKING:
    ActionCode = str
    Unit = str
else:  # the catalogue's lists, in the OpenAPI document (enums)
    ActionCode = Literal[tuple(ACTIONS)]
    Unit = Literal[UNITS]

Clean = AfterValidator(clean_text)
Note = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN), Clean]
Ref = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
    Field(description="The account's public reference"),
]
Amount = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$")]


class ActionLog(BaseModel):
    """An action logged by an organisation user (manual or app source; partners push through
    ``…/events`` with a signature instead)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    account: Ref
    action: ActionCode
    quantity: Amount
    unit: Unit
    occurred_at: dt.datetime
    source: Literal["manual", "app", "import"] = "manual"
    external_id: Token | None = None
    evidence_hash: (
        Annotated[str, StringConstraints(max_length=128, pattern=r"^[0-9A-Za-z:]*$")] | None
    ) = None
    distance_km: Amount | None = None
    duration_min: Amount | None = None
    mode: Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z_.\-]*$")] | None = None
    product: (
        Annotated[str, StringConstraints(max_length=80, pattern=r"^[A-Za-z0-9_.\-]*$")] | None
    ) = None
    context: dict[
        Annotated[str, StringConstraints(max_length=40)],
        Annotated[float, Field(allow_inf_nan=False)],
    ] = Field(default_factory=dict, max_length=20)


class OutcomePublic(BaseModel):
    """What became of an event (``replayed``: the external id was recorded before)."""

    event_id: int
    status: str
    kg_co2e: float
    points: int
    replayed: bool
    reason: str | None


class EventPublic(BaseModel):
    """An event with its reduction, points and the arithmetic (``trace``)."""

    id: int
    action: str
    occurred_at: str
    quantity: float
    unit: str
    source: str
    origin: str
    external_id: str | None
    distance_km: float | None
    duration_min: float | None
    mode: str | None
    product: str | None
    evidence_hash: str | None
    status: str
    reason: str | None
    kg_co2e: float
    counts_as: str
    pack_id: str | None
    pack_version: str | None
    params_hash: str | None
    points: int
    multiplier: float
    campaign_code: str | None
    trace: list[dict[str, Any]]
    review_note: str | None
    entries: list[dict[str, Any]] = Field(default_factory=list)


class Reversal(BaseModel):
    """Why an event is reversed (kept as its review note)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    reason: Note


class Decision(BaseModel):
    """A reviewer's decision on a queued event."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    decision: Literal["accept", "reject"]
    note: Note | None = None


class Expiry(BaseModel):
    """Expire the points due on or before ``as_of`` (today when absent)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    as_of: dt.date | None = None


class BalancePublic(BaseModel):
    """An account's balance [points], kg reduced and avoided, points expiring within 30 days."""

    ref: str
    balance: int
    reduced_kg: float
    avoided_kg: float
    expiring_30d: int


class LiabilityPublic(BaseModel):
    """The programme's points: issued, redeemed, expired, reversed, adjusted and outstanding
    (the liability), with the number of accounts holding points."""

    issued: int
    redeemed: int
    expired: int
    reversed: int
    adjusted: int
    outstanding: int
    accounts: int


class ExpiredPublic(BaseModel):
    """Points expired by a run."""

    as_of: dt.date
    expired: int


class ChainPublic(BaseModel):
    """The ledger chain check: ``ok``, entries walked, the first bad entry and why, the head."""

    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str
    head: str
