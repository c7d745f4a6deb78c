"""The store tables: carbon-inclusion rewards, redemptions, campaigns and frozen leaderboards
(issue 18 item 5, decision 0091; migration 0026).

- ``inclusion_reward``: a programme's reward (``code`` unique per programme), its cost
  [points], ``stock`` (items left; null: unlimited), the ``partner`` that fulfils it, status
  ``active`` | ``retired``; ``version`` guards the stock against two redemptions of the last
  item at once (optimistic concurrency: the second flush fails);
- ``inclusion_redemption``: an account's redemption of a reward — points spent, the random
  ``code`` shown to the member, status ``issued`` | ``used`` | ``cancelled``, the ledger refs;
- ``inclusion_campaign``: a campaign (:mod:`lingtan.modules.inclusion.campaigns`): window
  (inclusive dates), eligible actions, multipliers, team rule, scopes, prizes, ``frozen_at``;
- ``inclusion_leaderboard`` / ``inclusion_leaderboard_row``: a frozen leaderboard of one scope
  of a campaign, its rows and the sha256 of their content.

``programme_id`` and ``account_id`` point at the tables of
:mod:`lingtan.adapters.store.inclusion_programmes` by id (no foreign key across slices: the
tables are created in migration 0022, kept loosely coupled). Every table is audited except the
leaderboard rows (written once with their audited snapshot, covered by its hash).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class InclusionRewardRow(TenantOwned, Base):
    """A reward of a programme's catalogue (module docstring)."""

    __tablename__ = "inclusion_reward"
    __table_args__ = (UniqueConstraint("organisation_id", "programme_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    points_cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int | None] = mapped_column(Integer, nullable=True)
    partner: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class InclusionRedemptionRow(TenantOwned, Base):
    """An account's redemption of a reward (module docstring)."""

    __tablename__ = "inclusion_redemption"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    account_ref: Mapped[str] = mapped_column(String(40))
    reward_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_reward.id", ondelete="CASCADE"), index=True
    )
    points: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="issued")
    entry_ref: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class InclusionCampaignRow(TenantOwned, Base):
    """A campaign (module docstring); ``code`` unique in the organisation;
    ``window_start``/``window_end`` inclusive dates."""

    __tablename__ = "inclusion_campaign"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    eligible_actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    multipliers: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    team_rule: Mapped[str] = mapped_column(String(8), default="mean")
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    prizes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class InclusionLeaderboardRow(TenantOwned, Base):
    """A frozen leaderboard of one ``scope`` of a campaign: when, its team rule, how many rows
    and the sha256 (hex) of their canonical JSON."""

    __tablename__ = "inclusion_leaderboard"
    __table_args__ = (UniqueConstraint("organisation_id", "campaign_id", "scope"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_campaign.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))
    team_rule: Mapped[str] = mapped_column(String(8))
    rows: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InclusionLeaderboardEntryRow(TenantOwned, Base):
    """A row of a frozen leaderboard: ``rank``, ``subject`` (account ref or group code),
    ``score`` [points, a mean for a team under ``mean``], ``points`` (Σ), ``active`` members,
    ``attained_at``."""

    __tablename__ = "inclusion_leaderboard_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    leaderboard_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_leaderboard.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Double)
    points: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer)
    attained_at: Mapped[datetime] = mapped_column(DateTime)
