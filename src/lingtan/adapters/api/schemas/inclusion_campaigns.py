"""Campaigns, leaderboards, rewards and redemptions of a carbon-inclusion programme
(``/orgs/{org}/inclusion/{programme}/…``; issue 18 item 5, decision 0091).

The schemas bound the shapes (codes, numbers, list lengths); whether an action is in the
catalogue, a multiplier in range, a window forwards, a reward in stock or a balance enough are
the services' checks (422 or 409 naming the field)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, NAME_PATTERN, UtcDateTime, clean_text

Clean = AfterValidator(clean_text)
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
    Field(description="A code (letters, digits, _ . -)"),
]
ActionCode = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z0-9_.*]+$")
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NAME_PATTERN), Clean]
Prize = Annotated[str, StringConstraints(max_length=200, pattern=LINE_PATTERN), Clean]
Multiplier = Annotated[float, Field(ge=1, le=10, description="× points, 1 to 10")]
TeamRule = Literal["mean", "sum"]
Scope = Literal["individual", "team", "class", "department"]
CampaignStatus = Literal["active", "cancelled"]
RewardStatus = Literal["active", "retired"]


def _default_scopes() -> list[Scope]:
    return ["individual", "team"]


class InclusionCampaignCreate(BaseModel):
    """A campaign: window ``start`` … ``end`` (inclusive calendar days, UTC), eligible actions
    (empty: every action), multipliers by action (``*``: every eligible action), team rule
    (``mean`` per active member by default), published scopes, prizes by rank."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    code: Code
    name: Name
    start: dt.date
    end: dt.date
    eligible_actions: list[ActionCode] = Field(default_factory=list, max_length=100)
    multipliers: dict[ActionCode, Multiplier] = Field(default_factory=dict, max_length=100)
    team_rule: TeamRule = "mean"
    scopes: list[Scope] = Field(default_factory=_default_scopes, min_length=1, max_length=4)
    prizes: dict[Annotated[str, StringConstraints(max_length=10, pattern=r"^[0-9]+$")], Prize] = (
        Field(default_factory=dict, max_length=50)
    )
    status: CampaignStatus = "active"


class CampaignUpdate(BaseModel):
    """The fields to change (the others keep their value); refused once frozen."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    name: Name | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    eligible_actions: list[ActionCode] | None = Field(default=None, max_length=100)
    multipliers: dict[ActionCode, Multiplier] | None = Field(default=None, max_length=100)
    team_rule: TeamRule | None = None
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=4)
    prizes: dict[str, Prize] | None = Field(default=None, max_length=50)
    status: CampaignStatus | None = None


class CampaignPublic(BaseModel):
    """A campaign with its phase today (upcoming | running | ended) and when it was frozen."""

    id: int
    code: str
    name: str
    start: dt.date
    end: dt.date
    eligible_actions: list[str]
    multipliers: dict[str, float]
    team_rule: str
    scopes: list[str]
    prizes: dict[str, str]
    status: str
    frozen_at: UtcDateTime | None
    phase: Literal["upcoming", "running", "ended"]


class LeaderRowPublic(BaseModel):
    """One row: rank, subject (account ref or group code), score [points; a mean per active
    member under ``mean``], Σ points, active members, when the score was reached."""

    rank: int
    subject: str
    score: float
    points: int
    active: int
    attained_at: UtcDateTime


class LeaderboardPublic(BaseModel):
    """A leaderboard: live (``frozen`` false) or the frozen snapshot with its content hash."""

    campaign: str
    scope: str
    team_rule: str
    frozen: bool
    frozen_at: UtcDateTime | None
    content_hash: str | None
    rows: list[LeaderRowPublic]


class FrozenPublic(BaseModel):
    """One frozen board: scope, team rule, rows, sha256 of its content, when."""

    scope: str
    team_rule: str
    rows: int
    content_hash: str
    frozen_at: UtcDateTime


class RewardCreate(BaseModel):
    """A reward: cost [points ≥ 1], stock (items left; null: unlimited), partner code."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    code: Code
    name: Name
    points_cost: Annotated[int, Field(ge=1, le=100_000_000)]
    stock: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    partner: Code | None = None
    status: RewardStatus = "active"


class RewardUpdate(BaseModel):
    """The fields of a reward to change (e.g. a new ``stock``)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    name: Name | None = None
    points_cost: Annotated[int, Field(ge=1, le=100_000_000)] | None = None
    stock: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    partner: Code | None = None
    status: RewardStatus | None = None


class RewardPublic(BaseModel):
    """A reward of the catalogue."""

    id: int
    code: str
    name: str
    points_cost: int
    stock: int | None
    partner: str | None
    status: str


class RedemptionCreate(BaseModel):
    """The reward to redeem."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    reward: Code


class RedemptionPublic(BaseModel):
    """A redemption: the code shown to the member, points spent, status."""

    id: int
    account: str
    reward: str | None
    points: int
    code: str
    status: Literal["issued", "used", "cancelled"]
    created_at: UtcDateTime
    used_at: UtcDateTime | None
    cancelled_at: UtcDateTime | None
