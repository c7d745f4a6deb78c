"""``/orgs/{org}/inclusion/{programme}/…``: campaigns and their leaderboards, the reward
catalogue and redemptions (issue 18 item 5, decision 0091).

- ``campaigns`` (list, create), ``campaigns/{code}`` (show, update), ``campaigns/{code}/freeze``,
  ``campaigns/{code}/leaderboard?scope=individual|team|class|department&limit=…`` (live until
  frozen; a campaign whose window has ended is frozen on its first read);
- ``rewards`` (list, create), ``rewards/{code}`` (update: stock, cost, status …);
- ``accounts/{ref}/redemptions`` (redeem, list), ``redemptions/{id}/cancel``.

Thin: each route parses, calls :mod:`lingtan.adapters.services.inclusion_campaigns` or
:mod:`lingtan.adapters.services.inclusion_rewards` and returns a schema. Reading needs
``read``, changing ``edit_data``; another organisation's record is a 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath
from lingtan.adapters.api.schemas.inclusion_campaigns import (
    CampaignPublic,
    CampaignUpdate,
    FrozenPublic,
    InclusionCampaignCreate,
    LeaderboardPublic,
    RedemptionCreate,
    RedemptionPublic,
    RewardCreate,
    RewardPublic,
    RewardUpdate,
    Scope,
)
from lingtan.adapters.services import inclusion_campaigns as sv
from lingtan.adapters.services import inclusion_rewards as rw

router = APIRouter(prefix="/orgs/{org}/inclusion/{programme}", tags=["inclusion"])

CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
RefPath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]


def _campaign(row: Any) -> CampaignPublic:
    return CampaignPublic.model_validate(sv.campaign_dict(row))


# ---- campaigns ----------------------------------------------------------------------------


@router.get("/campaigns", responses=READ_ERRORS)
def list_campaigns(programme: CodePath, db: DbDep, tenant: Reader) -> list[CampaignPublic]:
    """The programme's campaigns, newest window first."""
    return [_campaign(r) for r in sv.list_campaigns(db, tenant, programme)]


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_campaign(
    programme: CodePath, body: InclusionCampaignCreate, db: DbDep, tenant: Editor
) -> CampaignPublic:
    """Add a campaign (audited)."""
    return _campaign(sv.create_campaign(db, tenant, programme, body.model_dump()))


@router.get("/campaigns/{code}", responses=READ_ERRORS)
def get_campaign(programme: CodePath, code: CodePath, db: DbDep, tenant: Reader) -> CampaignPublic:
    """One campaign."""
    return _campaign(sv.get_campaign(db, tenant, code, programme))


@router.patch("/campaigns/{code}", responses=WRITE_ERRORS)
def update_campaign(
    programme: CodePath, code: CodePath, body: CampaignUpdate, db: DbDep, tenant: Editor
) -> CampaignPublic:
    """Change a campaign (audited); refused once frozen (409)."""
    fields = body.model_dump(exclude_none=True)
    return _campaign(sv.update_campaign(db, tenant, programme, code, fields))


@router.post("/campaigns/{code}/freeze", responses=WRITE_ERRORS)
def freeze_campaign(
    programme: CodePath, code: CodePath, db: DbDep, tenant: Editor
) -> list[FrozenPublic]:
    """Freeze every published leaderboard of the campaign now (409 when frozen already)."""
    sv.get_campaign(db, tenant, code, programme)
    snaps = sv.freeze(db, tenant, code)
    return [FrozenPublic.model_validate(s, from_attributes=True) for s in snaps]


@router.get("/campaigns/{code}/leaderboard", responses=READ_ERRORS)
def leaderboard(
    programme: CodePath,
    code: CodePath,
    db: DbDep,
    tenant: Reader,
    scope: Scope = "individual",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
) -> LeaderboardPublic:
    """The leaderboard of ``scope``: live until frozen, then the snapshot."""
    sv.get_campaign(db, tenant, code, programme)
    return LeaderboardPublic.model_validate(sv.leaderboard_view(db, tenant, code, scope, limit))


# ---- rewards and redemptions --------------------------------------------------------------


@router.get("/rewards", responses=READ_ERRORS)
def list_rewards(programme: CodePath, db: DbDep, tenant: Reader) -> list[RewardPublic]:
    """The reward catalogue with stock."""
    return [RewardPublic.model_validate(rw.reward_dict(r))
            for r in rw.list_rewards(db, tenant, programme)]  # fmt: skip


@router.post("/rewards", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_reward(
    programme: CodePath, body: RewardCreate, db: DbDep, tenant: Editor
) -> RewardPublic:
    """Add a reward (audited)."""
    row = rw.create_reward(db, tenant, programme, body.model_dump(exclude_none=True))
    return RewardPublic.model_validate(rw.reward_dict(row))


@router.patch("/rewards/{code}", responses=WRITE_ERRORS)
def update_reward(
    programme: CodePath, code: CodePath, body: RewardUpdate, db: DbDep, tenant: Editor
) -> RewardPublic:
    """Change a reward (e.g. its stock; ``stock: null`` = unlimited)."""
    row = rw.update_reward(db, tenant, programme, code, body.model_dump(exclude_unset=True))
    return RewardPublic.model_validate(rw.reward_dict(row))


@router.post(
    "/accounts/{ref}/redemptions", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def redeem(
    programme: CodePath, ref: RefPath, body: RedemptionCreate, db: DbDep, tenant: Editor
) -> RedemptionPublic:
    """Redeem a reward for the account: stock −1, points debited, a code issued (409 when out
    of stock or the balance is too low)."""
    row = rw.redeem(db, tenant, programme, ref, body.reward)
    return RedemptionPublic.model_validate(rw.redemption_dict(row, body.reward))


@router.get("/accounts/{ref}/redemptions", responses=READ_ERRORS)
def list_redemptions(
    programme: CodePath, ref: RefPath, db: DbDep, tenant: Reader
) -> list[RedemptionPublic]:
    """The account's redemptions, newest first."""
    return [RedemptionPublic.model_validate(rw.redemption_dict(r, c))
            for r, c in rw.list_redemptions(db, tenant, programme, ref)]  # fmt: skip


@router.post("/redemptions/{redemption_id}/cancel", responses=WRITE_ERRORS)
def cancel_redemption(
    programme: CodePath, redemption_id: IdPath, db: DbDep, tenant: Editor
) -> RedemptionPublic:
    """Cancel an issued redemption: stock back, its points posted back (409 if used)."""
    row = rw.cancel_redemption(db, tenant, programme, redemption_id)
    return RedemptionPublic.model_validate(rw.redemption_dict(row, rw.reward_code(db, row)))
