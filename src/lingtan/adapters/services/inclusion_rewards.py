"""A carbon-inclusion programme's reward catalogue and its redemptions (issue 18 item 5,
decision 0091).

- rewards (``code`` unique per programme): cost [points ≥ 1], ``stock`` (items left ≥ 0; blank:
  unlimited), the partner that fulfils it, status ``active`` | ``retired``;
- :func:`redeem`: refused when the reward is retired or out of stock, or the account's balance
  is below the cost; otherwise, in **one transaction**, the stock goes down by one, a
  redemption with a random code (10 characters of Crockford base32, ~50 bits, shown to the
  member) is stored and the ledger entry ``redeem`` of ``-cost`` is posted through
  :func:`lingtan.adapters.services.inclusion_events.post_entry` (ref ``redemption:<id>``); the
  reward row carries a version so two redemptions of the last item cannot both go through;
- :func:`cancel_redemption`: an issued redemption only; the stock goes back up and an entry of
  ``+cost`` is posted (ref ``redemption:<id>``; reason ``reversal`` when the ledger service
  accepts it for posted entries, else ``adjust``: :func:`cancel_reason`) — the balance returns
  to what it was; the ledger is never edited;
- :func:`use_redemption`: the partner marks the code used.

Reading needs ``read``; changing ``edit_data``. A refusal is an
:class:`~lingtan.adapters.services.inclusion_campaigns.InclusionCampaignError`
(``incl_camp.err.*``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError
from lingtan.adapters.services.inclusion_campaigns import from_module, programme_row, refused
from lingtan.adapters.store.inclusion_campaigns import InclusionRedemptionRow, InclusionRewardRow
from lingtan.adapters.store.models import utcnow
from lingtan.core.messages import msg
from lingtan.modules.inclusion import campaigns as cm
from lingtan.modules.inclusion.errors import InclusionError

REWARD_FIELDS = ("code", "name", "points_cost", "stock", "partner", "status")
REWARD_STATUSES = ("active", "retired")
#: the alphabet of redemption codes (Crockford base32: no I, L, O, U)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def reward_dict(row: InclusionRewardRow) -> dict[str, Any]:
    """A reward as plain data."""
    return {"id": row.id, **{k: getattr(row, k) for k in REWARD_FIELDS}}


def redemption_dict(row: InclusionRedemptionRow, reward_code: str | None = None) -> dict[str, Any]:
    """A redemption as plain data."""
    return {"id": row.id, "account": row.account_ref, "reward": reward_code,
            "points": row.points, "code": row.code, "status": row.status,
            "created_at": row.created_at, "used_at": row.used_at,
            "cancelled_at": row.cancelled_at}  # fmt: skip


def _int(value: Any, name: str, *, low: int, blank: bool = False) -> int | None:
    if blank and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    try:
        n = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value))
    except ValueError:
        n = None
    if n is None or n < low or n > 100_000_000:
        raise refused("invalid", msg("incl_camp.err.integer", name=name, value=str(value)[:40],
                                     low=low), name)  # fmt: skip
    return n


def _checked(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(REWARD_FIELDS))
    if unknown:
        raise refused("invalid", msg("incl_camp.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    try:
        for k, v in fields.items():
            if k == "code":
                out[k] = cm.check_code(v)
            elif k == "partner":
                out[k] = cm.check_code(v, "partner") if str(v or "").strip() else None
            elif k == "name":
                out[k] = " ".join(str(v or "").split())
                if not out[k] or len(out[k]) > 200:
                    raise refused("invalid", msg("incl_camp.err.name"), "name")
            elif k == "points_cost":
                out[k] = _int(v, k, low=1)
            elif k == "stock":
                out[k] = _int(v, k, low=0, blank=True)
            else:
                out[k] = str(v or "active").strip().lower()
                if out[k] not in REWARD_STATUSES:
                    raise refused("invalid", msg("incl_camp.err.status", value=out[k][:20]), k)
    except InclusionError as exc:
        raise from_module(exc) from exc
    return out


def list_rewards(db: Session, ctx: Context, programme_code: str) -> list[InclusionRewardRow]:
    """The programme's rewards by cost, then code."""
    ctx.require("read")
    pid = programme_row(db, ctx, programme_code).id
    q = select(InclusionRewardRow).where(InclusionRewardRow.programme_id == pid)
    return sorted(db.scalars(q), key=lambda r: (r.points_cost, r.code))


def get_reward(db: Session, ctx: Context, programme_code: str, code: str) -> InclusionRewardRow:
    """The reward ``code`` of the programme.

    Raises:
        InclusionCampaignError: 404 unknown.
    """
    ctx.require("read")
    pid = programme_row(db, ctx, programme_code).id
    row = db.scalar(
        select(InclusionRewardRow).where(
            InclusionRewardRow.programme_id == pid, InclusionRewardRow.code == str(code).strip()
        )
    )
    if row is None:
        raise refused("not_found", msg("incl_camp.err.no_reward", code=str(code)[:40]), "reward")
    return row


def create_reward(
    db: Session, ctx: Context, programme_code: str, fields: Mapping[str, Any]
) -> InclusionRewardRow:
    """Add a reward (audited).

    Raises:
        InclusionCampaignError: 422 a field (``code``, ``name``, ``points_cost`` required);
        409 the code exists.
    """
    ctx.require("edit_data")
    pid = programme_row(db, ctx, programme_code).id
    values = _checked({"status": "active", **fields})
    for need in ("code", "name", "points_cost"):
        if need not in values:
            raise refused("invalid", msg("incl_camp.err.required", name=need), need)
    exists = db.scalar(
        select(InclusionRewardRow.id).where(
            InclusionRewardRow.programme_id == pid, InclusionRewardRow.code == values["code"]
        )
    )
    if exists is not None:
        raise refused("conflict", msg("incl_camp.err.reward_exists", code=values["code"]), "code")
    row = InclusionRewardRow(programme_id=pid, **values)
    db.add(row)
    db.commit()
    return row


def update_reward(
    db: Session, ctx: Context, programme_code: str, code: str, fields: Mapping[str, Any]
) -> InclusionRewardRow:
    """Change a reward's name, cost, stock, partner or status (audited; not its code)."""
    ctx.require("edit_data")
    row = get_reward(db, ctx, programme_code, code)
    values = _checked(fields)
    if "code" in values and values["code"] != row.code:
        raise refused("invalid", msg("incl_camp.err.code_fixed"), "code")
    for k, v in values.items():
        setattr(row, k, v)
    db.commit()
    return row


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def redeem(
    db: Session, ctx: Context, programme_code: str, ref: str, reward_code: str
) -> InclusionRedemptionRow:
    """Redeem ``reward_code`` for the account ``ref`` (module docstring).

    Raises:
        InclusionCampaignError: 404 unknown account or reward; 409 retired, out of stock,
        balance too low, or the last item taken by another redemption at the same time.
    """
    from lingtan.adapters.services.inclusion_events import balance, post_entry
    from lingtan.adapters.services.inclusion_programmes import get_account

    ctx.require("edit_data")
    reward = get_reward(db, ctx, programme_code, reward_code)
    account = get_account(db, ctx, programme_code, ref)
    if reward.status != "active":
        raise refused("conflict", msg("incl_camp.err.retired", code=reward.code), "reward")
    if reward.stock is not None and reward.stock <= 0:
        raise refused("conflict", msg("incl_camp.err.out_of_stock", code=reward.code), "reward")
    have = balance(db, account.id)
    if have < reward.points_cost:
        raise refused("conflict", msg("incl_camp.err.balance", balance=have,
                                      cost=reward.points_cost), "reward")  # fmt: skip
    try:
        if reward.stock is not None:
            reward.stock -= 1
        row = InclusionRedemptionRow(
            programme_id=reward.programme_id, account_id=account.id, account_ref=account.ref,
            reward_id=reward.id, points=reward.points_cost, code=_new_code(), status="issued",
        )  # fmt: skip
        db.add(row)
        db.flush()
        row.entry_ref = f"redemption:{row.id}"
        post_entry(db, ctx, reward.programme_id, account.id, -reward.points_cost, "redeem",
                   row.entry_ref)  # fmt: skip
        db.commit()
    except StaleDataError:
        db.rollback()
        raise refused("conflict", msg("incl_camp.err.out_of_stock", code=reward_code),
                      "reward") from None  # fmt: skip
    except KeyedError:
        db.rollback()
        raise
    return row


def list_redemptions(
    db: Session, ctx: Context, programme_code: str, ref: str | None = None
) -> list[tuple[InclusionRedemptionRow, str]]:
    """The programme's redemptions (of the account ``ref`` when given), newest first, each
    with its reward's code."""
    ctx.require("read")
    pid = programme_row(db, ctx, programme_code).id
    q = (
        select(InclusionRedemptionRow, InclusionRewardRow.code)
        .join(InclusionRewardRow, InclusionRewardRow.id == InclusionRedemptionRow.reward_id)
        .where(InclusionRedemptionRow.programme_id == pid)
        .order_by(InclusionRedemptionRow.id.desc())
    )
    if ref is not None:
        from lingtan.adapters.services.inclusion_programmes import get_account

        account = get_account(db, ctx, programme_code, ref)
        q = q.where(InclusionRedemptionRow.account_id == account.id)
    return [(r, code) for r, code in db.execute(q)]


def get_redemption(
    db: Session, ctx: Context, programme_code: str, redemption_id: int
) -> InclusionRedemptionRow:
    """The redemption ``redemption_id`` of the programme (404 otherwise)."""
    ctx.require("read")
    pid = programme_row(db, ctx, programme_code).id
    row = db.get(InclusionRedemptionRow, redemption_id)
    if row is None or row.programme_id != pid:
        raise refused("not_found", msg("incl_camp.err.no_redemption", id=redemption_id), "id")
    return row


def _issued(row: InclusionRedemptionRow) -> None:
    if row.status != "issued":
        raise refused("conflict", msg("incl_camp.err.not_issued", id=row.id,
                                      status=row.status), "status")  # fmt: skip


def cancel_reason(allowed: tuple[str, ...]) -> str:
    """The ledger reason of a cancellation's entry: ``reversal`` when the ledger service
    accepts it for a posted entry, else ``adjust`` (a positive correction; its ref
    ``redemption:<id>`` names the redemption it restores)."""
    return "reversal" if "reversal" in allowed else "adjust"


def cancel_redemption(
    db: Session, ctx: Context, programme_code: str, redemption_id: int
) -> InclusionRedemptionRow:
    """Cancel an issued redemption: stock back, a ``reversal`` entry of its points posted.

    Raises:
        InclusionCampaignError: 404 unknown; 409 used or already cancelled.
    """
    from lingtan.adapters.services import inclusion_events as ev

    ctx.require("edit_data")
    row = get_redemption(db, ctx, programme_code, redemption_id)
    _issued(row)
    reward = db.get(InclusionRewardRow, row.reward_id)
    if reward is not None and reward.stock is not None:
        reward.stock += 1
    row.status, row.cancelled_at = "cancelled", utcnow()
    try:
        ev.post_entry(db, ctx, row.programme_id, row.account_id, row.points,
                      cancel_reason(ev.POST_REASONS), f"redemption:{row.id}")  # fmt: skip
        db.commit()
    except KeyedError:
        db.rollback()
        raise
    return row


def use_redemption(
    db: Session, ctx: Context, programme_code: str, redemption_id: int
) -> InclusionRedemptionRow:
    """Mark an issued redemption used (the partner handed the reward over)."""
    ctx.require("edit_data")
    row = get_redemption(db, ctx, programme_code, redemption_id)
    _issued(row)
    row.status, row.used_at = "used", utcnow()
    db.commit()
    return row


def reward_code(db: Session, row: InclusionRedemptionRow) -> str | None:
    """The code of a redemption's reward."""
    reward = db.get(InclusionRewardRow, row.reward_id)
    return reward.code if reward is not None else None
